"""What a check found: :class:`Verification`, and :class:`ClaimFailed` for a claim that does not hold."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

__all__ = ["ClaimFailed", "Verification"]


class ClaimFailed(AssertionError):
    """Raised when a claim does not hold. The message always starts with ``claim <label>``."""


ClaimFailed.__module__ = "mltheory.claims"  # its public home


@dataclass(frozen=True)
class Verification:
    """What was checked for one claim, how, and whether it held.

    Attributes
    ----------
    label : str
        The claim's label, e.g. ``"eq-grouping-example"``.
    kind : str
        ``"identity"``, ``"inequality"`` or ``"numeric"``.
    passed : bool
        Whether the claim held.
    method : str
        How it was checked, in words, e.g. ``"sympy simplifies lhs − rhs to 0"``.
    detail : str
        What was found, e.g. the measured value against the expected one.
    source : str
        Where the claim comes from, e.g. ``"Kaplan (2.2.3)"`` or ``"ours"``.
    seconds : float
        Time the check took (reported, never part of the claim).
    statement : str
        The statement that was checked, as LaTeX without delimiters.
    mutants : str
        How the claim was shown able to fail, e.g. ``"4 of 4 mutants rejected"``,
        or ``""`` where that was not run.
    """

    label: str
    kind: str
    passed: bool
    method: str
    detail: str
    source: str
    seconds: float
    statement: str = ""
    mutants: str = ""

    @property
    def mark(self) -> str:
        """``"✓"`` if the claim held, ``"✗"`` otherwise."""
        return "✓" if self.passed else "✗"

    def summary(self) -> str:
        """One line of Markdown: mark, kind, method, finding, mutants and source."""
        verdict = "Checked" if self.passed else "FAILED"
        mutants = f" Able to fail: {self.mutants}." if self.mutants else ""
        return (
            f"{self.mark} **{verdict}**, {self.kind}: {self.method}; {self.detail}.{mutants} "
            f"Source: {self.source}. Claim `{self.label}`."
        )

    def _repr_markdown_(self) -> str:
        return self.summary()

    def to_json(self) -> str:
        """The verification as a JSON object (the claims ledger reads ``method``, ``mutants`` and ``statement``)."""
        return json.dumps(asdict(self))
