"""Claims on a book page: :func:`~mltheory.claims.show` verifies a claim, displays its ✓ and publishes its statement."""

from __future__ import annotations

from dataclasses import replace

from .kinds import Numeric
from .registry import get

__all__ = ["show"]


class _JsonText:
    """An object whose plain-text representation is a given JSON string (for myst-nb's glue)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def show(label: str, *, size: str = "page") -> None:
    """Verify a claim on a book page, display its ✓, and publish its statement.

    The statement's LaTeX is glued under the key ``label`` (with myst-nb) so
    that the page can display it as a numbered equation::

        ```{glue:math} eq-grouping-example
        :label: eq-grouping-example
        ```

    The page also shows that the claim can fail: every symbolic claim's
    mutants are run (they are cheap), and a numeric claim's wrong alternative
    is tested when it reuses the page's own measurements.

    The verification itself is glued under ``label + ":verification"``;
    :mod:`mltheory.sphinxext` collects these records into the claims ledger.
    Outside a book build (myst-nb not installed) the statement is displayed
    directly instead.

    Raises
    ------
    ClaimFailed
        If the claim does not hold. This fails the page's execution, and so the
        book build, with the label in the message.
    """
    from IPython.display import Markdown, Math, display

    claim = get(label)
    result, outcome = claim.run(size)
    claim.raise_if_failed(result)
    result = replace(result, mutants=_mutants(claim, outcome, size))
    try:
        from myst_nb import glue
    except ImportError:
        display(Math(result.statement))
    else:
        glue(label, Math(result.statement), display=False)
        glue(label + ":verification", _JsonText(result.to_json()), display=False)
    display(Markdown(result.summary()))



def _mutants(claim, outcome, size: str) -> str:
    """What the page itself shows of the claim's ability to fail: a numeric claim's alternative, when the
    page's own run can test it (the alternative changes expected values only). Mutants of symbolic claims,
    and alternatives that rerun an experiment, take minutes: ``make audit`` runs them, and the claims
    ledger shows its verdicts."""
    from .audit import numeric_rejects  # the audit imports the registry at run time

    if not isinstance(claim, Numeric) or claim.alternative.kwargs:
        return ""
    return numeric_rejects(claim, size, outcome.measurements)[1] + " (on this page)"
