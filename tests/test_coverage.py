"""Every eq- label in the book is checked by exactly one claim, and every claim is stated on a page."""

from book_sources import (
    all_eq_labels,
    displayed_labels,
    hidden_check_lines,
    label_pages,
    list_markers_inside_maths,
    pages,
    shown_labels,
)
from conftest import BOOK

from mltheory.claims import all_claims


def test_book_has_pages_with_claims():
    assert any(displayed_labels(page.read_text(encoding="utf8")) for page in pages(BOOK))


def test_every_label_is_displayed_once():
    repeated = {label: [p.name for p in where] for label, where in label_pages(BOOK).items() if len(where) > 1}
    assert not repeated, f"labels displayed more than once: {repeated}"


def test_labels_and_claims_match():
    in_book = set(label_pages(BOOK))
    registered = set(all_claims())
    assert not in_book - registered, f"eq- labels with no claim: {sorted(in_book - registered)}"
    assert not registered - in_book, f"claims that no page states: {sorted(registered - in_book)}"


def test_results_are_rendered_from_their_claims():
    """An eq- equation is a {glue:math} of its own label, never retyped LaTeX."""
    for page in pages(BOOK):
        text = page.read_text(encoding="utf8")
        glued = displayed_labels(text)
        for label in all_eq_labels(text):
            assert glued.get(label) == label, f"{page.name}: {label} must be shown as ```{{glue:math}} {label}"


def test_every_displayed_claim_is_verified_on_its_page():
    for page in pages(BOOK):
        text = page.read_text(encoding="utf8")
        displayed, shown = set(displayed_labels(text)), shown_labels(text)
        assert displayed <= shown, f"{page.name}: displayed but never show()n: {sorted(displayed - shown)}"
        assert shown <= displayed, f"{page.name}: show()n but not displayed: {sorted(shown - displayed)}"


def test_no_inline_formula_is_cut_by_a_list_marker():
    cut = {str(page.relative_to(BOOK)): lines for page in pages(BOOK) if (lines := list_markers_inside_maths(page.read_text()))}
    assert not cut, f"a wrapped line starts with a list marker inside $…$ (rewrap it): {cut}"


def test_every_check_line_is_shown():
    hidden = {str(page.relative_to(BOOK)): calls for page in pages(BOOK) if (calls := hidden_check_lines(page.read_text()))}
    assert not hidden, f"a show() cell removes its output, so the ✓ line is hidden (tag it remove-input): {hidden}"


def test_no_source_contains_control_characters():
    """A control character (such as the BEL that a Python ``"\\approx"`` without ``r`` leaves) breaks the maths."""
    found = {}
    for page in pages(BOOK):
        if controls := sorted({hex(ord(c)) for c in page.read_text() if ord(c) < 32 and c not in "\n\t"}):
            found[str(page.relative_to(BOOK))] = controls
    assert not found, f"control characters in the book's sources: {found}"


def test_the_hidden_check_rule_can_fail():
    cell = '```{code-cell} ipython3\n:tags: [{}]\nshow("eq-a")\n```\n'
    assert hidden_check_lines(cell.replace("{}", "remove-output")) == ['show("eq-a"']
    assert hidden_check_lines(cell.replace("{}", "remove-input")) == []


def test_the_list_marker_check_can_fail():
    assert list_markers_inside_maths("the sum is $a\n+ b$, and") == ["+ b$, and"]
    assert list_markers_inside_maths("the sum is $a$\n+ an item") == []
