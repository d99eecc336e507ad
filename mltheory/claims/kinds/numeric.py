"""Numeric claims: a seeded experiment whose measurements are compared, and a wrong alternative it rejects."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..conditions import render_condition
from ..measurement import Alternative, Measurement
from .base import Claim, Outcome, _with_condition


@dataclass(frozen=True, kw_only=True)
class Numeric(Claim):
    """A numerical claim checked by a seeded experiment.

    Parameters
    ----------
    experiment : callable
        ``experiment(**kwargs)`` returns a :class:`Measurement` or a sequence of
        them; the claim holds when all of them pass. It must be deterministic
        (seeded), and its outcome must not depend on wall-clock time.
    alternative : Alternative
        A wrong alternative that the same experiment must reject (required).
    page, test : mapping, optional
        Keyword arguments for the experiment on a book page (small and fast)
        and in the test suite (larger). Both runs must be honest checks.
    method : str, default "seeded computation"
        How the check works, in words, e.g. ``"Monte Carlo"``.
    """

    kind: ClassVar[str] = "numeric"
    experiment: Callable[..., Measurement | Sequence[Measurement]]
    alternative: Alternative | None = None
    page: Mapping[str, Any] = field(default_factory=dict)
    test: Mapping[str, Any] = field(default_factory=dict)
    method: str = "seeded computation"

    def __post_init__(self):
        super().__post_init__()
        if self.alternative is None:
            raise ValueError(f"Numeric {self.label}: name a wrong alternative that the experiment must reject "
                             "(alternative=Alternative(...))")
        if self.alternative is not None and not isinstance(self.alternative, Alternative):
            raise TypeError(f"Numeric {self.label}: alternative must be an Alternative (got {self.alternative!r})")

    def latex(self, measurements: Sequence[Measurement] = ()) -> str:
        generated = list(dict.fromkeys(m.statement for m in measurements if m.statement))  # one per law
        text = r",\quad ".join(generated)
        return _with_condition(text, render_condition(self.conditions()))

    def settings(self, size: str) -> dict:
        """The experiment's keyword arguments at ``size``."""
        return dict(self.page if size == "page" else self.test)

    def measure(self, **kwargs) -> list[Measurement]:
        """Run the experiment and return its measurements as a list."""
        outcome = self.experiment(**kwargs)
        measurements = [outcome] if isinstance(outcome, Measurement) else list(outcome)
        if not measurements:
            raise ValueError(f"Numeric {self.label}: the experiment returned no measurement")
        return measurements

    def _run(self, size: str) -> Outcome:
        kwargs = self.settings(size)
        measurements = self.measure(**kwargs)
        failed = [m for m in measurements if not m.passed]
        if failed:
            detail = f"{len(failed)} of {len(measurements)} measurements failed: "
            detail += "; ".join(m.describe() for m in failed[:3]) + ("; ..." if len(failed) > 3 else "")
        elif len(measurements) > 1:
            detail = f"all {len(measurements)} measurements agree, e.g. {measurements[0].describe()}"
        else:
            detail = measurements[0].describe()
        settings = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        method = self.method + (f" ({settings})" if settings else "")
        return Outcome(not failed, method, detail, self.latex(measurements), tuple(measurements))
