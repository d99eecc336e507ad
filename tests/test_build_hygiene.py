"""Build hygiene: a failure fails every build, a page executes again when code it imports changes, slow pages
never fail a build, and cleaning spares the sources.

Each test builds a one-page book in a temporary folder with the project's own
execution settings (read from ``_config.yml``) and a copy of the package that
the test may edit, put first on ``PYTHONPATH`` for both Sphinx and the kernel.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml
from conftest import ROOT

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A test page

"""


def _config(**sphinx_config) -> dict:
    project = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))
    return {
        "title": "test book",
        "only_build_toc_files": True,
        "exclude_patterns": ["_build", "pkg"],
        "execute": project["execute"],
        "sphinx": {
            "extra_extensions": ["mltheory.sphinxext"],
            "config": {"mltheory_claims_coverage": False, **sphinx_config},
        },
    }


class MiniBook:
    """A small book with its own copy of the package: a page ``page`` running ``code``, and ``others``.

    ``others`` maps further page names to their code, or to plain MyST text for a
    page without code (a text that does not start with a code cell).
    """

    def __init__(self, root: Path, code: str, others: dict[str, str] | None = None, **sphinx_config):
        self.root = root
        shutil.copytree(ROOT / "mltheory", root / "pkg" / "mltheory",
                        ignore=shutil.ignore_patterns("__pycache__"))
        (root / "_config.yml").write_text(yaml.safe_dump(_config(**sphinx_config)), encoding="utf8")
        others = others or {}
        (root / "_toc.yml").write_text(
            "format: jb-book\nroot: page\n"
            + ("chapters:\n" + "".join(f"  - file: {name}\n" for name in others) if others else ""),
            encoding="utf8")
        self.write_page(code)
        for name, content in others.items():
            if content.startswith("#") or content.startswith("```{"):
                (root / f"{name}.md").write_text(content, encoding="utf8")
            else:
                self.write_page(content, name)

    def write_page(self, code: str, name: str = "page") -> None:
        (self.root / f"{name}.md").write_text(
            HEADER + "```{code-cell} ipython3\n" + code + "\n```\n", encoding="utf8")

    @property
    def package(self) -> Path:
        return self.root / "pkg" / "mltheory"

    def build(self) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": str(self.root / "pkg")}
        return subprocess.run(
            [str(JUPYTER_BOOK), "build", str(self.root), "-W", "-n", "--keep-going"],
            capture_output=True, text=True, env=env, timeout=300,
        )

    def html(self, name: str = "page") -> str:
        return (self.root / "_build" / "html" / f"{name}.html").read_text(encoding="utf8")

    def edit(self, relative: str) -> None:
        """Change one line of a module of the book's copy of the package (a comment: behaviour is kept)."""
        path = self.package / relative
        path.write_text(path.read_text(encoding="utf8") + "\n# edited by a test\n", encoding="utf8")


def _log(result: subprocess.CompletedProcess) -> str:
    """Everything the build printed, without terminal colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)


def _executed(result: subprocess.CompletedProcess) -> set[str]:
    """The pages that the build executed (rather than took from the execution cache)."""
    return set(re.findall(r"/(\w+)\.md: Executed notebook", _log(result)))


def _fails_twice(book: MiniBook, message: str) -> None:
    """The build fails with ``message``, and so does a second build with nothing changed."""
    for attempt in ("first", "second, nothing changed"):
        result = book.build()
        assert result.returncode != 0, f"{attempt} build passed:\n{_log(result)[-3000:]}"
        assert message in _log(result), f"{attempt} build did not say {message!r}"


def test_a_raising_cell_fails_this_build_and_the_next(tmp_path):
    _fails_twice(MiniBook(tmp_path, 'raise RuntimeError("deliberate failure")'), "deliberate failure")


def test_a_failing_claim_fails_this_build_and_the_next_and_names_its_label(tmp_path):
    book = MiniBook(tmp_path, "import sympy as sp\nfrom mltheory.claims import Identity\n"
                              'Identity(label="eq-broken-on-purpose", lhs=sp.Integer(1), rhs=sp.Integer(2),'
                              ' source="test").check()')
    _fails_twice(book, "ClaimFailed: claim eq-broken-on-purpose failed")


def test_a_cell_writing_to_stderr_fails_this_build_and_the_next(tmp_path):
    """The cell itself succeeds, so its notebook is cached; the warning must come back on the retry."""
    book = MiniBook(tmp_path, 'import sys\nprint("stray diagnostics", file=sys.stderr)',
                    others={"second": "print('a clean page')"})
    _fails_twice(book, "stderr was found in the cell outputs")
    book.write_page("print('fixed')")
    fixed = book.build()
    assert fixed.returncode == 0, _log(fixed)
    assert _executed(fixed) == {"page"}, "the clean page should come from the cache"


def test_a_failing_claim_names_its_label_when_pages_are_read_in_parallel(tmp_path):
    book = MiniBook(tmp_path, "import sympy as sp\nfrom mltheory.claims import Identity\n"
                              'Identity(label="eq-broken-in-parallel", lhs=sp.Integer(1), rhs=sp.Integer(2),'
                              ' source="test").check()', mltheory_build_jobs=2)
    others = [f"other{k}" for k in range(6)]  # Sphinx reads in parallel only when more than 5 pages changed
    for name in others:
        (tmp_path / f"{name}.md").write_text(f"# Page {name}\n", encoding="utf8")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: page\nchapters:\n" + "".join(f"  - file: {name}\n" for name in others),
        encoding="utf8")
    result = book.build()
    assert result.returncode != 0
    assert "a page failed while reading in parallel" in _log(result)
    assert "ClaimFailed: claim eq-broken-in-parallel failed" in _log(result)


def test_a_package_change_re_executes_the_page(tmp_path):
    book = MiniBook(tmp_path, "import mltheory\nprint('version', mltheory.__version__)")
    first = book.build()
    assert first.returncode == 0, _log(first)
    assert "Executed notebook" in _log(first) and "version 0.1.0" in book.html()
    unchanged = book.build()
    assert unchanged.returncode == 0 and "Executed notebook" not in _log(unchanged)
    init = book.package / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "0.1.0"', '__version__ = "0.1.0+edited"'))
    changed = book.build()
    assert changed.returncode == 0, _log(changed)
    assert "Executed notebook" in _log(changed) and "version 0.1.0+edited" in book.html()


def test_only_the_pages_that_import_an_edited_module_execute_again(tmp_path):
    book = MiniBook(tmp_path, "import mltheory.symmetry.degree_seven",
                    others={"other": "import mltheory.information.tsne"})
    first = book.build()
    assert first.returncode == 0, _log(first)
    assert _executed(first) == {"page", "other"}
    book.edit("symmetry/degree_seven.py")
    symmetry_edited = book.build()
    assert symmetry_edited.returncode == 0, _log(symmetry_edited)
    assert _executed(symmetry_edited) == {"page"}
    book.edit("information/tsne.py")
    information_edited = book.build()
    assert _executed(information_edited) == {"other"}
    book.edit("validation.py")  # shared ground that both import
    shared_edited = book.build()
    assert _executed(shared_edited) == {"page", "other"}


def test_a_cached_page_is_not_served_after_its_module_changed_and_the_build_state_was_lost(tmp_path):
    """Without Sphinx's saved environment, the execution cache alone must not serve stale pages."""
    book = MiniBook(tmp_path, "from mltheory.symmetry.degree_seven import DEGREE\nprint('degree', DEGREE)")
    assert book.build().returncode == 0
    module = book.package / "symmetry" / "degree_seven.py"
    module.write_text(re.sub(r"^DEGREE = 7$", "DEGREE = 5", module.read_text(), flags=re.M))
    shutil.rmtree(tmp_path / "_build" / ".doctrees")
    rebuilt = book.build()
    assert rebuilt.returncode == 0, _log(rebuilt)
    assert _executed(rebuilt) == {"page"} and "degree 5" in book.html()


def test_the_offered_notebook_keeps_its_outputs_when_the_page_comes_from_the_cache(tmp_path):
    """myst-nb writes a page taken from the cache without its outputs; the download must still be executed."""
    book = MiniBook(tmp_path, "print(6 * 7)")

    def offered_outputs() -> list[str]:
        notebook = nbformat.read(tmp_path / "_build" / "html" / "_sources" / "page.ipynb", as_version=4)
        return [output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", [])]

    assert book.build().returncode == 0
    assert offered_outputs() == ["42\n"]
    page = tmp_path / "page.md"
    # Re-read, same notebook: a cache hit. Sphinx re-reads a page whose mtime is later than the time it was
    # last read, so the new mtime lies an hour ahead (a +10 s bump was not enough when the first build was slow).
    later = time.time() + 3600
    os.utime(page, (later, later))
    again = book.build()
    assert again.returncode == 0 and "Using cached notebook" in _log(again), _log(again)
    assert offered_outputs() == ["42\n"]


REPORT_PAGE = "# Execution report\n\n```{execution-report}\n```\n"


def test_a_slow_page_never_fails_the_build_and_the_report_marks_it(tmp_path):
    """A reader's slow machine is not a build error, first time or on a retry that re-reads the page."""
    book = MiniBook(tmp_path, "import time\ntime.sleep(1.5)", others={"quick": "print('quick')", "report": REPORT_PAGE},
                    mltheory_page_time_limit=1)
    first = book.build()
    assert first.returncode == 0, _log(first)
    assert "over the page budget of 1 s" in _log(first)
    report = book.html("report")
    rows = {match.group(1): match.group(0) for match in re.finditer(r'<tr[^>]*>\s*<td><p><a [^>]*href="(\w+)\.html.*?</tr>',
                                                                      report, flags=re.S)}
    assert set(rows) == {"page", "quick"}
    assert "over the 1 s budget" in rows["page"] and "executed in this build" in rows["page"]
    # every row is marked exactly when its time exceeds the limit (a trivial page may too, on a busy machine)
    times = {name: float(re.search(r"<td><p>(\d+\.\d)</p></td>", row).group(1)) for name, row in rows.items()}
    marked = {name for name, row in rows.items() if "over the 1 s budget" in row}
    assert "page" in marked and all(times[name] >= 1 for name in marked)  # times are shown rounded to 0.1 s
    assert all(times[name] <= 1 for name in set(rows) - marked)
    assert f"2 executed pages; {len(marked)} over the page budget of 1 s" in report
    (tmp_path / "page.md").touch()
    again = book.build()
    assert again.returncode == 0, _log(again)
    assert "from the cache" in book.html("report")


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file() and "_build" not in path.relative_to(root).parts
    }


def test_clean_leaves_the_sources_untouched(tmp_path):
    """`jupyter-book clean` removes the HTML, `clean --all` the whole build folder; neither touches a source."""
    book = MiniBook(tmp_path, "print('hello')")
    assert book.build().returncode == 0
    before = _snapshot(tmp_path)
    subprocess.run([str(JUPYTER_BOOK), "clean", str(tmp_path)], check=True, capture_output=True)
    assert _snapshot(tmp_path) == before
    assert not (tmp_path / "_build" / "html").exists() and (tmp_path / "_build").exists()
    subprocess.run([str(JUPYTER_BOOK), "clean", str(tmp_path), "--all"], check=True, capture_output=True)
    assert _snapshot(tmp_path) == before
    assert not (tmp_path / "_build").exists()


def test_the_execution_cache_exists_before_pages_are_read_in_parallel(tmp_path):
    """Reading processes that each found no cache database raced to create its tables and failed cold builds."""
    from mltheory.sphinxext import _create_cache

    folder = tmp_path / "notebooks"
    _create_cache(folder)
    assert (folder / "global.db").is_file()
    _create_cache(folder)  # an existing cache is left as it is
    assert (folder / "global.db").is_file()
