"""The page benchmark: it reads the build's records, or executes pages itself with ``--run``."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "benchmarks" / "pages.py")
pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pages)

PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# A page

```{code-cell} ipython3
import time
time.sleep(0.3)
```
"""


def test_run_executes_a_page_and_reports_its_time(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf8")
    assert pages.execute(page) >= 0.3
    assert pages.main(["--run", str(page), "--strict"]) == 0
    out = capsys.readouterr().out
    assert "measured now, one page at a time" in out and "1 pages" in out


def test_run_raises_when_a_cell_fails(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE.replace("time.sleep(0.3)", "raise ValueError('broken cell')"), encoding="utf8")
    with pytest.raises(Exception, match="broken cell"):
        pages.execute(page)


def test_report_marks_pages_over_the_budget():
    text, over = pages.report({"a": {"runtime": 70.0, "executed_at": 0.0}, "b": {"runtime": 5.0, "executed_at": 0.0}},
                              60.0)
    assert over == ["a"] and "OVER BUDGET" in text
