"""A reader can take a page away: its source and its executed notebook are offered for download, from the build.

Run after ``make book`` with ``make site-check``. Two downloaded notebooks are
executed top to bottom with nbclient, in a fresh ``python3`` kernel started in
an empty folder (so nothing but the installed ``mltheory`` is at hand), and
must reproduce the checks their page shows.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

from test_built_site import SITE

pytestmark = pytest.mark.site

PAGES = ["book/intro", "book/notation"]


def _checks(notebook) -> list[str]:
    """The ✓ lines that the notebook's cells display."""
    return [output["data"]["text/markdown"]
            for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if "text/markdown" in output.get("data", {}) and output["data"]["text/markdown"].startswith("✓")]


@pytest.mark.parametrize("page", PAGES)
def test_the_page_offers_its_source_and_executed_notebook_from_the_build(page):
    html = (SITE / f"{page}.html").read_text(encoding="utf8")
    links = set(re.findall(r'href="((?:\.\./)*_sources/[^"]+)"', html))
    name = page.rsplit("/", 1)[-1]
    assert any(link.endswith(f"_sources/{page}.md") for link in links), links
    assert any(link.endswith(f"_sources/{page}.ipynb") for link in links), links
    assert (SITE / "_sources" / f"{page}.md").is_file()
    notebook = nbformat.read(SITE / "_sources" / f"{page}.ipynb", as_version=4)
    assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        f"{name}.ipynb is not the executed notebook"


@pytest.mark.parametrize("page", PAGES)
def test_a_downloaded_notebook_runs_top_to_bottom_in_a_plain_kernel(page, tmp_path):
    downloaded = nbformat.read(SITE / "_sources" / f"{page}.ipynb", as_version=4)
    fresh = nbformat.from_dict(downloaded)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    # The reader's kernel has mltheory but not the book's tools: importing myst_nb fails there.
    fresh.cells.insert(0, nbformat.v4.new_code_cell("import sys\nsys.modules['myst_nb'] = None"))
    NotebookClient(fresh, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert all(cell.execution_count for cell in fresh.cells if cell.cell_type == "code")
    assert _checks(fresh) == _checks(downloaded)
    if page == "book/notation":
        assert len(_checks(fresh)) == 4
