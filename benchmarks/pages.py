"""Page benchmark: each page's execution time against the page budget, from the last build.

Run with ``make bench`` after ``make book``. It runs nothing itself: it reads
what the build recorded for every cached page (``_build/.jupyter_cache/pages/``,
written by :mod:`mltheory.sphinxext`), that is, the time the page's notebook
took when it last executed, and prints it as a share of the budget
(``mltheory_page_time_limit`` in ``_config.yml``, 60 s unless set). Times come
from a build that reads pages in parallel, one process per core, so on a busy
machine they are upper bounds for a quiet one.

With ``--run PAGE [PAGE ...]`` it instead executes the given pages itself, one
after another, each in a fresh kernel, and prints how long each took: the
quiet, one-page-at-a-time measurement that the budget is about (for example
``.venv/bin/python benchmarks/pages.py --run book/optimization/momentum.md``).

A page over the budget is a bug in that page, not an error of the reader's
build; the benchmark lists such pages and, with ``--strict``, exits with
status 1. It exits with status 2 if there is no build to read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "_build" / ".jupyter_cache" / "pages"
DEFAULT_BUDGET = 60.0


def budget(config_file: Path = ROOT / "_config.yml") -> float:
    """The page budget in seconds, as the book's configuration sets it."""
    config = yaml.safe_load(config_file.read_text(encoding="utf8"))
    return float(config.get("sphinx", {}).get("config", {}).get("mltheory_page_time_limit", DEFAULT_BUDGET))


def page_times(records: Path = RECORDS) -> dict[str, dict]:
    """``{page: {"runtime": s, "executed_at": unix time}}`` for every page the last build cached."""
    times = {}
    for path in sorted(records.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf8"))
        if record.get("runtime") is not None:
            times[path.stem.replace("__", "/")] = record
    return times


def execute(page: Path, timeout: float = 600.0) -> float:
    """Execute the MyST notebook ``page`` in a fresh kernel; the seconds it took (raises if a cell fails)."""
    import nbclient
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf8"), path=page)
    client = nbclient.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(page.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def report(times: dict[str, dict], limit: float) -> tuple[str, list[str]]:
    """The table as text, and the pages over the budget."""
    width = max(len(page) for page in times)
    lines = [f"{'page':<{width}}  {'time (s)':>8}  {'of budget':>9}  last executed",
             f"{'-' * width}  {'-' * 8}  {'-' * 9}  {'-' * 20}"]
    over = []
    for page, record in sorted(times.items(), key=lambda item: -item[1]["runtime"]):
        ratio = record["runtime"] / limit
        when = datetime.fromtimestamp(record["executed_at"], tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        mark = "  OVER BUDGET" if ratio > 1 else ""
        if ratio > 1:
            over.append(page)
        lines.append(f"{page:<{width}}  {record['runtime']:8.1f}  {ratio:9.2f}  {when}{mark}")
    total = sum(record["runtime"] for record in times.values())
    lines.append(f"{len(times)} pages, {total:.0f} s of execution in all; budget {limit:g} s per page; "
                 f"{len(over)} over it")
    return "\n".join(lines), over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit with status 1 if a page is over the budget")
    parser.add_argument("--run", nargs="+", type=Path, metavar="PAGE",
                        help="execute these pages now, one at a time, instead of reading the last build's times")
    args = parser.parse_args(argv)
    if args.run:
        now = time.time()
        times = {str(page.with_suffix("")): {"runtime": execute(page), "executed_at": now} for page in args.run}
    else:
        times = page_times()
    if not times:
        print(f"pages benchmark: no execution records in {RECORDS}; run `make book` first", file=sys.stderr)
        return 2
    text, over = report(times, budget())
    print("Page execution times " + ("measured now, one page at a time" if args.run else "from the last build")
          + ", against the page budget")
    print(text)
    return 1 if over and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
