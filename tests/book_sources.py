"""Read the book's MyST sources: which equation labels each page displays, and which claims it shows."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

GLUE_MATH = re.compile(r"^```+\{glue:math\}\s+(?P<key>\S+)\s*\n(?P<options>(?::[^\n]*\n)*)", re.MULTILINE)
LABEL_OPTION = re.compile(r"^:label:\s*(?P<label>\S+)", re.MULTILINE)
ANY_LABEL = re.compile(r"(?::label:\s*|\$\$\s*\()(?P<label>eq-[\w-]+)")
SHOW_CALL = re.compile(r"""\bshow\(\s*["'](?P<label>eq-[\w-]+)["']""")


def pages(book: Path) -> list[Path]:
    return sorted(book.rglob("*.md"))


def displayed_labels(text: str) -> dict[str, str]:
    """``{label: glue key}`` for every ``{glue:math}`` block that carries an ``eq-`` label."""
    found = {}
    for block in GLUE_MATH.finditer(text):
        label = LABEL_OPTION.search(block["options"])
        if label and label["label"].startswith("eq-"):
            found[label["label"]] = block["key"]
    return found


def all_eq_labels(text: str) -> list[str]:
    """Every ``eq-`` label attached to any displayed maths, whatever its syntax."""
    return [m["label"] for m in ANY_LABEL.finditer(text)]


def shown_labels(text: str) -> set[str]:
    """Labels passed to ``show(...)`` in the page's code."""
    return {m["label"] for m in SHOW_CALL.finditer(text)}


def label_pages(book: Path) -> dict[str, list[Path]]:
    """``{label: [pages that display it]}`` over the whole book."""
    where = defaultdict(list)
    for page in pages(book):
        for label in all_eq_labels(page.read_text(encoding="utf8")):
            where[label].append(page)
    return dict(where)


CODE_CELL = re.compile(r"^```+\{code-cell\}[^\n]*\n(?P<body>.*?)^```+\s*$", re.MULTILINE | re.DOTALL)


def hidden_check_lines(text: str) -> list[str]:
    """The ``show(...)`` calls in code cells whose output is removed (``remove-output``/``remove-cell``).

    Such a cell hides the ✓ line that says what was checked, and (for ``remove-output``) shows the call
    instead: the reader sees code where the page promises a verdict. Use ``remove-input``.
    """
    hidden = []
    for cell in CODE_CELL.finditer(text):
        body = cell["body"]
        tags = re.search(r"^:tags:\s*\[(?P<tags>[^\]]*)\]", body, re.MULTILINE)
        if tags and {"remove-output", "remove-cell"} & {tag.strip() for tag in tags["tags"].split(",")}:
            hidden += [m.group(0) for m in SHOW_CALL.finditer(body)]
    return hidden


LIST_MARKER = re.compile(r"^(?:[-+*]|\d+[.)])\s")


def list_markers_inside_maths(text: str) -> list[str]:
    """Lines that begin with a list marker (``+ ``, ``- ``, ``1. ``) while an inline ``$…$`` is still open.

    MyST reads such a line as a new list item, which cuts the formula in two and leaves its TeX as raw text
    on the built page. Code fences and ``$$`` displays are skipped.
    """
    found, open_dollars, fenced = [], 0, False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or not line.strip():
            open_dollars = 0
            continue
        if open_dollars % 2 and LIST_MARKER.match(line.lstrip()):
            found.append(line)
        open_dollars += len(re.findall(r"(?<![\\$])\$(?!\$)", line))
    return found
