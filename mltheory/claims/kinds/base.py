"""What every claim has: a label, a source, conditions, and a check that returns a :class:`Verification`."""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from ..conditions import Assume, as_conditions, domain_errors
from ..reduce import Reduction, is_zero, split_sums
from ..verification import ClaimFailed, Verification


LABEL_PATTERN = re.compile(r"^eq-[a-z0-9]+(?:-[a-z0-9]+)*$")
SIZES = ("page", "test")
RELATIONS = {"<=": r"\le", "<": "<", ">=": r"\ge", ">": ">", "=": "="}
FLIPPED = {"<=": ">=", "<": ">", ">=": "<=", ">": "<"}
_INFINITIES = (sp.oo, -sp.oo, sp.zoo)


def _is_notation(expr) -> bool:
    return isinstance(expr, sp.Function) and "doit" in type(expr).__dict__


@dataclass(frozen=True)
class Outcome:
    """What one run of a check found (internal to :meth:`Claim.verify`)."""

    passed: bool
    method: str
    detail: str
    statement: str = ""
    measurements: tuple = ()


def _sides_latex(sides: Sequence[Any], relations: Sequence[str]) -> str:
    # order="none" keeps the author's term order (p_i log p_i rather than log p_i p_i).
    text = sp.latex(sides[0], order="none")
    for relation, side in zip(relations, sides[1:]):
        text += f" {RELATIONS[relation]} {sp.latex(side, order='none')}"
    return text


def _with_condition(text: str, condition: str) -> str:
    return f"{text} \\qquad {condition}" if condition else text


def _substituted(expr, substitutions):
    """``expr`` with each ``old -> new`` applied; an indexed ``p[i]`` is replaced at every index, inside sums too.

    Notations (functions that define their own ``doit``) are first written out, so that the substitution
    also reaches the symbols of their definitions.
    """
    if substitutions and isinstance(expr, sp.Basic):
        expr = expr.replace(_is_notation, lambda e: e.doit(deep=False))
    for old, new in substitutions:
        if isinstance(old, sp.Indexed):
            (index,) = old.indices
            expr = expr.replace(lambda e, old=old: isinstance(e, sp.Indexed) and e.base == old.base,
                                lambda e, new=new, index=index: new.xreplace({index: e.indices[0]}))
        else:
            expr = expr.subs(old, new)
    return expr


@dataclass(frozen=True, kw_only=True)
class Claim:
    """Base class of all claims.

    Parameters
    ----------
    label : str
        ``eq-`` followed by lowercase words joined by hyphens. The book page that
        states the result carries the same label.
    source : str
        Where the result comes from, with its equation number where it has one,
        e.g. ``"Kaplan (2.2.3)"``, or ``"ours"``.
    condition : Domain, Assume, Words or a sequence of them, optional
        The assumptions under which the claim is stated (see
        :mod:`mltheory.claims.conditions`), rendered after the statement.
    """

    kind: ClassVar[str] = "claim"
    label: str
    source: str
    condition: Any = ()

    def __post_init__(self):
        if not isinstance(self.label, str) or not LABEL_PATTERN.match(self.label):
            raise ValueError(
                f"{type(self).__name__}: label must look like 'eq-words-joined-by-hyphens' (got {self.label!r})"
            )
        if not self.source:
            raise ValueError(f"{type(self).__name__}: source must be given for {self.label}")
        object.__setattr__(self, "condition", as_conditions(self.condition, f"{type(self).__name__} {self.label}"))

    def conditions(self) -> tuple:
        """The condition items as displayed, including side conditions the proof substitutes."""
        return self.condition

    def latex(self) -> str:
        """The statement as LaTeX, without delimiters."""
        raise NotImplementedError

    def _run(self, size: str) -> Outcome:
        raise NotImplementedError

    def verify(self, size: str = "page") -> Verification:
        """Check the claim and report the result without raising.

        Parameters
        ----------
        size : {"page", "test"}
            Numeric claims run a smaller experiment on a page than in the test
            suite; symbolic claims ignore it.
        """
        return self.run(size)[0]

    def run(self, size: str = "page") -> tuple[Verification, Outcome]:
        """:meth:`verify`, together with the raw outcome (a numeric claim's measurements)."""
        if size not in SIZES:
            raise ValueError(f"{type(self).__name__}.verify: size must be one of {SIZES} (got {size!r})")
        start = time.perf_counter()
        outcome = self._run(size)
        result = Verification(self.label, self.kind, outcome.passed, outcome.method, outcome.detail, self.source,
                              time.perf_counter() - start, outcome.statement or self.latex())
        return result, outcome

    def check(self, size: str = "page") -> Verification:
        """Like :meth:`verify`, but raise :class:`ClaimFailed` (naming the label) if the claim fails."""
        result = self.verify(size)
        self.raise_if_failed(result)
        return result

    def raise_if_failed(self, result: Verification) -> None:
        """Raise :class:`ClaimFailed`, naming the label, if ``result`` did not pass."""
        if not result.passed:
            raise ClaimFailed(f"claim {self.label} failed ({self.kind}): {result.detail}")

    def mutated(self, **changes) -> Claim:
        """A copy with some fields changed and no validation (used by the mutation audit)."""
        mutant = copy.copy(self)
        for name, value in changes.items():
            object.__setattr__(mutant, name, value)
        return mutant


def _symbolic_conditions(claim) -> tuple:
    """The claim's conditions, with each ``given`` side condition rendered as an :class:`Assume`."""
    shown = list(claim.condition)
    for old, new in claim.given:
        shown.append(Assume(old if new is sp.true else sp.Eq(old, new)))
    return tuple(shown)


def _check_domains(claim) -> None:
    errors = domain_errors(claim.condition, claim.substitutions)
    if errors:
        raise ValueError(f"{type(claim).__name__} {claim.label}: " + "; ".join(errors))


def _math_pair(old, new) -> str:
    """``old = new`` as inline maths (``$…$``), so that pages and the ledger render it rather than show raw TeX."""
    return f"${sp.latex(old)} = {sp.latex(new)}$"


def _method_words(red: Reduction, claim, what: str = "lhs − rhs") -> str:
    words = f"{red.words} reduces {what} to 0"
    if claim.substitutions:
        words += " after substituting " + ", ".join(_math_pair(old, new) for old, new in claim.substitutions)
    if claim.given:
        words += " using " + ", ".join(_math_pair(old, new) for old, new in claim.given)
    return words


def _prove_equal(a, b, red: Reduction, substitutions=(), given=()) -> tuple[bool, str]:
    """Whether ``a = b`` is proved by ``red``, and the residual found when it is not."""
    if a in _INFINITIES or b in _INFINITIES:  # a - b is undefined: simplify the other side instead
        infinity, other = (a, b) if a in _INFINITIES else (b, a)
        value = red(_substituted(other, substitutions))
        return value == infinity, f"{other} simplifies to {value}, not {infinity}"
    a, b = _as_scalar(a, b), _as_scalar(b, a)
    residual = red(_substituted(a - b, substitutions))
    if given and not is_zero(residual):
        residual = red(_substituted(split_sums(residual), given))
        if not is_zero(residual):  # a side condition may be needed before the reduction transforms it
            residual = red(_substituted(_substituted(a - b, substitutions), given))
    return is_zero(residual), f"({a}) - ({b}) simplifies to {residual}, not 0"


def _as_scalar(side, other):
    """A 1×1 matrix expression compared with a scalar, as its single entry."""
    shape = getattr(side, "shape", None)
    if shape == (1, 1) and getattr(other, "shape", None) is None:
        return sp.Matrix(side.doit())[0, 0]
    return side

