"""Identities: ``lhs = rhs`` (or a chain of steps), proved by a sympy reduction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ..conditions import render_condition
from ..reduce import reduction
from .base import (
    Claim,
    Outcome,
    _check_domains,
    _method_words,
    _prove_equal,
    _sides_latex,
    _symbolic_conditions,
    _with_condition,
)

@dataclass(frozen=True, kw_only=True)
class Identity(Claim):
    """``lhs = rhs``, proved symbolically.

    Parameters
    ----------
    lhs, rhs : sympy expression or Matrix
        The two sides. Use unevaluated objects (``sp.Limit``, ``sp.Sum``,
        ``sp.Derivative``, unevaluated functions) so that the rendered
        statement is the very object that sympy proves.
    method : str, Reduction or callable, default "simplify"
        How each difference is reduced to zero (see :mod:`mltheory.claims.reduce`).
    steps : sequence of sympy expressions, optional
        Intermediate forms: ``lhs = steps[0] = ... = rhs``, each link proved.
    show_steps : bool, default False
        Render the whole chain ``lhs = steps[0] = ... = rhs`` rather than ``lhs = rhs``.
    substitutions : sequence of (expr, expr) pairs, optional
        Applied to each difference *before* it is simplified. Use them to tell
        sympy the domain, e.g. ``(p, 1 / (1 + t))`` with ``t`` positive encodes
        ``0 < p < 1``; the claim must then state ``Domain(p, Interval.open(0, 1))``,
        and registration checks that the substitution covers exactly that set.
    given : sequence of (expr, expr) pairs, optional
        Side conditions used as substitutions ``old -> new`` on each simplified
        difference, e.g. ``[(sp.Sum(n[i], (i, 1, k)), N)]`` for "the counts sum
        to N". They are rendered into the condition automatically.

    Notes
    -----
    A difference with an infinite side (``oo``, ``-oo`` or ``zoo``, e.g. a
    divergent integral) is undefined, so such a link is proved by simplifying
    the other side to exactly that infinity instead.
    """

    kind: ClassVar[str] = "identity"
    lhs: Any
    rhs: Any
    method: str | Callable = "simplify"
    steps: Sequence[Any] = ()
    show_steps: bool = False
    substitutions: Sequence[tuple[Any, Any]] = ()
    given: Sequence[tuple[Any, Any]] = ()

    def __post_init__(self):
        super().__post_init__()
        reduction(self.method, f"Identity {self.label}")
        _check_domains(self)

    def conditions(self) -> tuple:
        return _symbolic_conditions(self)

    def latex(self) -> str:
        sides = [self.lhs, *(self.steps if self.show_steps else ()), self.rhs]
        return _with_condition(_sides_latex(sides, ["="] * (len(sides) - 1)), render_condition(self.conditions()))

    def _run(self, size: str) -> Outcome:
        red = reduction(self.method)
        chain = [self.lhs, *self.steps, self.rhs]
        method = _method_words(red, self)
        if self.steps:
            method += f", along each of {len(chain) - 1} equalities"
        for i, (a, b) in enumerate(zip(chain, chain[1:])):
            ok, residual = _prove_equal(a, b, red, self.substitutions, self.given)
            if not ok:
                link = f"link {i + 1}: " if self.steps else ""
                return Outcome(False, method, link + residual)
        return Outcome(True, method, "exact symbolic proof")


