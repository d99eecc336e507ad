"""Which package modules a page depends on (mltheory.page_dependencies), on a small package made for the test."""

import textwrap

import pytest

from mltheory.page_dependencies import PackageIndex

MODULES = {
    "__init__.py": "",
    "shared.py": "",
    "topic/__init__.py": "from .public import f\n",
    "topic/public.py": "from ..shared import helper\n",
    "topic/lazy.py": "def g():\n    from mltheory.other import h\n",
    "topic/claims.py": 'from mltheory.claims import register\nregister(make(label="eq-topic"))\n',
    "other.py": "",
    "claims.py": "def register(claim): ...\n",
    "unrelated/__init__.py": "",
    "unrelated/claims.py": 'from mltheory.claims import register\nregister(make(label="eq-unrelated"))\n',
}


@pytest.fixture
def index(tmp_path):
    for name, text in MODULES.items():
        path = tmp_path / "mltheory" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return PackageIndex(tmp_path / "mltheory")


def test_imports_are_followed_through_packages_relative_imports_and_functions(index):
    assert index.page_dependencies(["from mltheory.topic.lazy import g"]) == {
        "__init__.py", "topic/__init__.py", "topic/public.py", "shared.py", "topic/lazy.py", "other.py"}


def test_an_unrelated_module_is_not_a_dependency(index):
    assert index.page_dependencies(["import mltheory.other"]) == {"__init__.py", "other.py"}


def test_a_page_depends_on_the_module_of_each_claim_it_names(index):
    deps = index.page_dependencies(["from mltheory.claims import show", 'show("eq-topic")'])
    assert {"claims.py", "topic/claims.py", "topic/__init__.py"} <= deps
    assert "unrelated/claims.py" not in deps


def test_asking_for_all_claims_or_a_computed_label_depends_on_every_claims_module(index):
    for code in ["from mltheory.claims import all_claims\nall_claims()",
                 "from mltheory.claims import show\nlabel = 'eq-' + 'topic'\nshow(label)"]:
        assert {"topic/claims.py", "unrelated/claims.py"} <= index.page_dependencies([code])


def test_magics_are_understood_and_unparsable_code_depends_on_everything(index):
    assert index.page_dependencies(["%time import mltheory.other"]) == {"__init__.py", "other.py"}
    assert index.page_dependencies(["import mltheory.other\ndef broken(:"]) == {
        path.replace("\\", "/") for path in (index.relative(m) for m in index.files)}


def test_a_page_without_mltheory_imports_depends_on_nothing(index):
    assert index.page_dependencies([textwrap.dedent("""
        import math
        print(math.pi)
    """)]) == set()


def test_digests_notice_an_edit_and_a_removal(index):
    before = index.digests(["other.py", "shared.py"])
    (index.root / "other.py").write_text("x = 1\n")
    (index.root / "shared.py").unlink()
    after = index.digests(["other.py", "shared.py"])
    assert after["other.py"] != before["other.py"] and after["shared.py"] is None
