"""The three kinds of claim: :class:`Identity`, :class:`Inequality` and :class:`Numeric`.

An inequality proves its displayed relation in one of three ways:

- directly: sympy decides that the gap (``rhs - lhs`` for ``<=``) is
  nonnegative from the symbols' assumptions;
- by a certificate: ``gap = sum_i w_i g_i`` is proved as an identity, and each
  :class:`Term` has ``w_i >= 0`` (sympy) and ``g_i >= 0`` (sympy, or an instance
  of another registered inequality, named by its label);
- by a chain ``lhs = s_1 <= s_2 = ... <= rhs`` whose every :class:`Link` is a
  proved identity or a proved inequality.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import sympy as sp

from .conditions import Assume, as_conditions, domain_errors, render_condition
from .measurement import Alternative, Measurement
from .reduce import SIMPLIFIERS, Reduction, is_zero, reduction, split_sums
from .verification import ClaimFailed, Verification

__all__ = ["Case", "Claim", "Fact", "Identity", "Inequality", "Link", "Numeric", "Term"]

import re

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


def _method_words(red: Reduction, claim, what: str = "lhs − rhs") -> str:
    words = f"{red.words} reduces {what} to 0"
    if claim.substitutions:
        words += " after substituting " + ", ".join(f"{old} = {new}" for old, new in claim.substitutions)
    if claim.given:
        words += " using " + ", ".join(f"{old} = {new}" for old, new in claim.given)
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


@dataclass(frozen=True)
class Fact:
    """One statement that sympy must establish on its own.

    Parameters
    ----------
    expr : sympy expression or relational
        The expression the fact is about.
    holds : {"zero", "positive", "nonnegative", "negative", "nonpositive", "true"}
        What must be true of ``expr`` after simplification: for ``"true"``,
        ``expr`` is a relational that must simplify to ``sympy.true``; otherwise
        sympy's assumption system must report ``expr.is_<holds>`` as ``True``.
    note : str, optional
        A short description shown when the fact fails.
    method : str or callable, default "simplify"
        How to simplify ``expr`` first (see :mod:`mltheory.claims.reduce`).
    given : sequence of (expr, expr) pairs, optional
        Side conditions substituted (``old -> new``) after simplifying.

    Examples
    --------
    >>> t = sp.Symbol("t", nonnegative=True)
    >>> Fact(sp.log(1 + t), "nonnegative").established()
    True
    """

    expr: Any
    holds: Literal["zero", "positive", "nonnegative", "negative", "nonpositive", "true"]
    note: str = ""
    method: str | Callable = "simplify"
    given: Sequence[tuple[Any, Any]] = ()

    def established(self) -> bool:
        """Whether sympy establishes the fact (``None`` from sympy counts as not established)."""
        red = reduction(self.method)
        value = red(self.expr)
        if self.given:
            value = red(value.subs(list(self.given)))
        if self.holds == "true":
            return value is sp.true
        if self.holds == "zero":
            return is_zero(value)
        return getattr(value, f"is_{self.holds}") is True

    def describe(self) -> str:
        """Human-readable form of the fact."""
        if self.note:
            return self.note
        return f"`{self.expr}` is {self.holds}" if self.holds != "true" else f"`{self.expr}`"


def _referenced_gap(label: str, at: Mapping) -> tuple[Any, Any, str]:
    """(small side, large side, relation) of the registered inequality ``label``, at the values ``at``."""
    from .registry import get

    claim = get(label)
    if not isinstance(claim, Inequality):
        raise ValueError(f"{label} is a {claim.kind}, not an inequality")
    small, large = (claim.lhs, claim.rhs) if claim.relation in ("<=", "<") else (claim.rhs, claim.lhs)
    bad = [symbol for symbol, value in at.items() if not _satisfies_assumptions(value, symbol)]
    if bad:
        raise ValueError(f"{label} is stated for {', '.join(map(str, bad))} with assumptions that "
                         f"{', '.join(str(at[b]) for b in bad)} is not known to satisfy")
    return small.subs(dict(at), simultaneous=True), large.subs(dict(at), simultaneous=True), claim.relation


_ASSUMPTIONS = ("positive", "nonnegative", "negative", "nonpositive", "nonzero", "integer", "real")


def _satisfies_assumptions(value, symbol) -> bool:
    return all(getattr(value, f"is_{a}") is True for a in _ASSUMPTIONS if getattr(symbol, f"is_{a}") is True)


@dataclass(frozen=True)
class Term:
    """One term ``w · g`` of an inequality's certificate, with ``w ≥ 0`` and ``g ≥ 0`` established.

    Parameters
    ----------
    gap : sympy expression
        ``g``. Either sympy decides ``g ≥ 0`` from the symbols' assumptions, or
        ``by`` names a registered inequality of which ``g`` is the gap at ``at``.
    weight : sympy expression, default 1
        ``w``, which sympy must decide is nonnegative.
    by : str, optional
        The label of a registered inequality ``a <= b``: ``g`` must reduce to
        ``b - a`` with the symbols replaced by ``at`` (values that satisfy the
        assumptions of the symbols they replace). That claim is reused, not
        proved again.
    at : mapping, optional
        Values for the referenced claim's symbols.
    over : tuple, optional
        Limits ``(i, low, high)``, or a tuple of such limits: the term is
        ``Sum(w · g, (i, low, high), ...)``, nonnegative because each summand is.
    integrate : tuple, optional
        Limits ``(x, low, high)`` with ``low < high``: the term is
        ``Integral(w · g, (x, low, high))``, nonnegative because its integrand is.
    method : str, Reduction or callable, optional
        How ``g`` and ``w`` are simplified before sympy decides their signs (by
        default the claim's own method). Give ``"simplify"`` where the claim's
        method integrates or takes expectations, so that the sign is decided
        pointwise.
    minimum : tuple (symbol, point), optional
        ``g ≥ 0`` because ``g`` is strictly convex in ``symbol`` on its domain (an
        interval: sympy decides ``g'' > 0``) and has a stationary zero at
        ``point`` (``g = g' = 0`` there), so ``point`` is its minimum.

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> Term((x - 1) ** 2).nonnegative()
    ''
    """

    gap: Any
    weight: Any = sp.Integer(1)
    by: str = ""
    at: Mapping = field(default_factory=dict)
    over: tuple = ()
    integrate: tuple = ()
    minimum: tuple = ()
    method: str | Callable | None = None

    @property
    def value(self):
        """``w · g``, summed over ``over`` or integrated over ``integrate`` if given."""
        body = self.weight * self.gap
        if self.integrate:
            return sp.Integral(body, self.integrate)
        return sp.Sum(body, *self._limits) if self.over else body

    @property
    def _limits(self) -> tuple:
        return self.over if self.over and isinstance(self.over[0], tuple) else (self.over,)

    def positive(self, red: Reduction, substitutions=()) -> str:
        """``""`` if the term is strictly positive (positive weight and gap, over a nonempty range), else why not."""
        red = reduction(self.method) if self.method else red
        if not _decided(self.weight, "positive", red, substitutions):
            return f"sympy cannot decide that the weight {self.weight} is positive"
        if self.by or self.minimum or not _decided(self.gap, "positive", red, substitutions):
            return f"sympy cannot decide that {self.gap} is positive"
        if self.integrate and (self.integrate[2] - self.integrate[1]).is_extended_positive is not True:
            return f"the range {self.integrate} may be empty"
        if self.over and any((high - low).is_nonnegative is not True for _, low, high in self._limits):
            return f"the range {self.over} may be empty"
        return ""

    def nonnegative(self, red: Reduction | None = None, substitutions=()) -> str:
        """``""`` if ``w ≥ 0`` and ``g ≥ 0`` are established, else why not."""
        red = reduction(self.method) if self.method else (red or reduction("simplify"))
        if not _decided(self.weight, "nonnegative", red, substitutions):
            return f"sympy cannot decide that the weight {self.weight} is nonnegative"
        if self.minimum:
            return _convex_minimum_zero(self.gap, *self.minimum, red)
        if self.by:
            at = {symbol: red(_substituted(value, substitutions)) for symbol, value in self.at.items()}
            try:
                small, large, _ = _referenced_gap(self.by, at)
            except ValueError as error:
                return str(error)
            ok, residual = _prove_equal(_substituted(self.gap, substitutions), large - small, red)
            return "" if ok else f"the gap {self.gap} is not the gap of {self.by}: {residual}"
        if not _decided(self.gap, "nonnegative", red, substitutions):
            return f"sympy cannot decide that {self.gap} is nonnegative"
        return ""

    def describe(self) -> str:
        """The term in words."""
        where = f" by {self.by}" if self.by else ""
        if self.minimum:
            where = f" (convex in {self.minimum[0]}, stationary zero at {self.minimum[0]} = {self.minimum[1]})"
        return f"{self.gap} ≥ 0{where}" + (f" with weight {self.weight}" if self.weight != 1 else "")


def _decided(expr, sign: str, red: Reduction, substitutions=()) -> bool:
    """Whether sympy decides ``expr`` has ``sign``, after ``red`` or after plain ``simplify`` (either is sound)."""
    expr = _substituted(sp.sympify(expr), substitutions)
    return any(getattr(reducer(expr), f"is_{sign}") is True for reducer in (red, SIMPLIFIERS["simplify"]))


def _convex_minimum_zero(gap, symbol, point, red: Reduction) -> str:
    """``""`` if ``gap`` is strictly convex in ``symbol`` on an interval holding ``point``, where it has a stationary zero."""
    from .conditions import assumed_set

    domain = assumed_set(symbol)
    if not isinstance(domain, sp.Interval) or point not in domain:
        return f"{symbol} must range over an interval containing {point} (its domain is {domain})"
    if gap.free_symbols - {symbol}:
        return f"the convex gap {gap} must depend on {symbol} alone"
    if red(sp.diff(gap, symbol, 2)).is_positive is not True:
        return f"sympy cannot decide that {gap} is strictly convex in {symbol}"
    for order in (0, 1):
        if red(sp.diff(gap, symbol, order).subs(symbol, point)) != 0:
            return f"the {'value' if order == 0 else 'slope'} of {gap} at {symbol} = {point} is not 0"
    return ""


@dataclass(frozen=True)
class Link:
    """One link ``a <relation> b`` of an inequality's chain, and how it is proved.

    Parameters
    ----------
    relation : {"=", "<=", "<", ">=", ">"}
    method : str, Reduction or callable, default "simplify"
        How ``a - b`` is reduced (equalities), or how the gap is simplified
        before sympy decides its sign (inequalities).
    by : str, optional
        The label of a registered inequality of which the link is an instance
        at ``at``: ``a`` and ``b`` must reduce to its sides there.
    at : mapping, optional
        Values for the referenced claim's symbols.
    certificate : sequence of Term, optional
        A certificate for this link's gap, as for :class:`Inequality`.
    given : sequence of (expr, expr) pairs, optional
        Side conditions for an equality link.
    """

    relation: str
    method: str | Callable = "simplify"
    by: str = ""
    at: Mapping = field(default_factory=dict)
    certificate: Sequence[Term] = ()
    given: Sequence[tuple[Any, Any]] = ()

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"Link: relation must be one of {sorted(RELATIONS)} (got {self.relation!r})")
        reduction(self.method, "Link")

    def prove(self, a, b, substitutions=()) -> str:
        """``""`` if ``a <relation> b`` is proved, else why not."""
        red = reduction(self.method)
        if self.relation == "=":
            ok, residual = _prove_equal(a, b, red, substitutions, self.given)
            return "" if ok else residual
        if self.by:
            try:
                small, large, relation = _referenced_gap(self.by, self.at)
            except ValueError as error:
                return str(error)
            if self.relation in (">=", ">"):
                small, large = large, small
            if self.relation in ("<", ">") and relation not in ("<", ">"):
                return f"{self.by} is not strict"
            for side, target in ((a, small), (b, large)):
                ok, residual = _prove_equal(side, target, red, substitutions)
                if not ok:
                    return f"not an instance of {self.by}: {residual}"
            return ""
        return _prove_gap(a, self.relation, b, self.certificate, red, substitutions, self.given)


def _gap(lhs, relation, rhs):
    return rhs - lhs if relation in ("<=", "<") else lhs - rhs


def _prove_gap(lhs, relation, rhs, certificate, red, substitutions=(), given=()) -> str:
    """``""`` if ``lhs <relation> rhs`` is decided directly or by its certificate, else why not."""
    gap = _gap(lhs, relation, rhs)
    if not certificate:
        value = red(_substituted(gap, substitutions))
        decided = value.is_positive if relation in ("<", ">") else value.is_nonnegative
        return "" if decided is True else f"sympy cannot decide the sign of the gap {value}"
    ok, residual = _prove_equal(gap, sum((term.value for term in certificate), sp.Integer(0)), red,
                                substitutions, given)
    if not ok:
        return f"the gap is not the certificate's sum: {residual}"
    for term in certificate:
        why = term.positive(red, substitutions) if relation in ("<", ">") else term.nonnegative(red, substitutions)
        if why:
            return why
    return ""


@dataclass(frozen=True)
class Case:
    """One case of an inequality proved by cases: ``symbol = value`` over ``piece``, with its certificate.

    Parameters
    ----------
    symbol : sympy Symbol
        The symbol that the cases split.
    piece : sympy Interval or one-point FiniteSet
        The part of the symbol's range that this case covers.
    value : sympy expression
        ``symbol``'s value in this case: a constant for a one-point piece, or an
        expression in one parameter whose range over the parameter's assumed set
        is exactly ``piece`` (checked with ``function_range``).
    certificate : sequence of Term
        The certificate of the gap in this case.
    """

    symbol: Any
    piece: sp.Set
    value: Any
    certificate: Sequence[Term] = ()

    def coverage_error(self) -> str:
        """``""`` if ``value`` ranges over exactly ``piece``, else why not."""
        from sympy.calculus.util import function_range

        from .conditions import assumed_set

        params = sorted(sp.sympify(self.value).free_symbols - self.piece.free_symbols, key=str)
        if not params:
            covered = sp.FiniteSet(self.value)
        elif len(params) == 1:
            covered = function_range(self.value, params[0], assumed_set(params[0]))
        else:
            return f"the case {self.symbol} = {self.value} has more than one parameter"
        return "" if covered == self.piece else f"{self.symbol} = {self.value} covers {covered}, not {self.piece}"


def _partition_error(cases: Sequence[Case], domain: sp.Set) -> str:
    """``""`` if the cases' pieces are consecutive, disjoint and together exactly ``domain`` (an interval)."""
    import functools

    def bounds(piece):
        if isinstance(piece, sp.FiniteSet) and len(piece) == 1:
            (point,) = piece
            return point, point, True, True
        if isinstance(piece, sp.Interval):
            return piece.start, piece.end, not piece.left_open, not piece.right_open
        raise ValueError(f"a case's piece must be an interval or a point (got {piece})")

    def order(first, second):
        (a, b, a_closed, _), (c, d, c_closed, _) = first, second
        if a == c:
            return 0 if (b, a_closed) == (d, c_closed) else (-1 if a_closed and b == a else 1)
        less = (c - a).is_extended_positive
        if less is None:
            raise ValueError(f"cannot order the pieces starting at {a} and {c}")
        return -1 if less else 1

    try:
        pieces = sorted((bounds(case.piece) for case in cases), key=functools.cmp_to_key(order))
    except ValueError as error:
        return str(error)
    start, end, start_closed, end_closed = bounds(domain)
    if (pieces[0][0], pieces[0][2]) != (start, start_closed) or (pieces[-1][1], pieces[-1][3]) != (end, end_closed):
        return f"the cases do not reach both ends of {domain}"
    for (_, b, _, b_closed), (c, _, c_closed, _) in zip(pieces, pieces[1:]):
        if b != c or b_closed == c_closed:
            return f"the cases leave a gap or overlap at {b}"
    return ""


def _displayed_symbols(side) -> set:
    """The free symbols of a side, looking through notations (functions that define their own ``doit``)."""
    side = sp.sympify(side)
    expanded = side.replace(_is_notation, lambda e: e.doit(deep=False))
    return side.free_symbols | expanded.free_symbols


def _composition_error(relation: str, links: Sequence[Link]) -> str:
    """``""`` if the links' relations compose to ``relation``, else why not."""
    allowed = {"=", relation, relation.rstrip("="), relation.rstrip("=") + "="}
    bad = [link.relation for link in links if link.relation not in allowed]
    if bad:
        return f"links {bad} do not compose to {relation!r}"
    if relation in ("<", ">") and all(link.relation != relation for link in links):
        return "a strict inequality needs a strict link"
    return ""


@dataclass(frozen=True, kw_only=True)
class Inequality(Claim):
    """``lhs <relation> rhs``, proved as displayed.

    Parameters
    ----------
    lhs, rhs : sympy expression
        The two sides.
    relation : {"<=", "<", ">=", ">"}
        How they compare.
    method : str, Reduction or callable, default "simplify"
        How the gap (or the certificate's identity) is reduced.
    certificate : sequence of Term, optional
        ``gap = Σ w_i g_i``, proved as an identity, with each term nonnegative
        (positive, for a strict relation).
    steps, links : sequences, optional
        A chain ``lhs links[0] steps[0] links[1] ... rhs``: ``len(links) ==
        len(steps) + 1``, each :class:`Link` proved, and their relations
        composing to ``relation``.
    show_steps : bool, default False
        Render the chain rather than ``lhs <relation> rhs``.
    cases : sequence of Case, optional
        A proof by cases on one symbol: each :class:`Case` substitutes the
        symbol's value on its piece and proves the gap with its own
        certificate; the pieces must partition the symbol's range (its assumed
        set, an interval), which is checked.
    substitutions, given : sequences of (expr, expr) pairs, optional
        As for :class:`Identity`.

    Without a certificate or a chain, sympy must decide the gap (``rhs - lhs``
    for ``<=``) directly from the symbols' assumptions.

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> Inequality(label="eq-doc-amgm", lhs=2 * x, rhs=x**2 + 1, source="ours",
    ...            certificate=[Term((x - 1) ** 2)], method="expand").check().passed
    True
    """

    kind: ClassVar[str] = "inequality"
    lhs: Any
    rhs: Any
    relation: str = "<="
    method: str | Callable = "simplify"
    certificate: Sequence[Term] = ()
    steps: Sequence[Any] = ()
    links: Sequence[Link] = ()
    show_steps: bool = False
    cases: Sequence[Case] = ()
    substitutions: Sequence[tuple[Any, Any]] = ()
    given: Sequence[tuple[Any, Any]] = ()

    def __post_init__(self):
        super().__post_init__()
        if self.relation == "=":
            raise ValueError("Inequality: relation '=' is an Identity, not an inequality")
        if self.relation not in FLIPPED:
            raise ValueError(f"Inequality: relation must be one of {sorted(FLIPPED)} (got {self.relation!r})")
        reduction(self.method, f"Inequality {self.label}")
        if self.links and len(self.links) != len(self.steps) + 1:
            raise ValueError(f"Inequality {self.label}: a chain needs one more link than steps "
                             f"(got {len(self.links)} links, {len(self.steps)} steps)")
        if self.steps and not self.links:
            raise ValueError(f"Inequality {self.label}: steps need links saying how each is proved")
        if self.links and self.certificate:
            raise ValueError(f"Inequality {self.label}: give a certificate or a chain, not both")
        if self.links and _composition_error(self.relation, self.links):
            raise ValueError(f"Inequality {self.label}: {_composition_error(self.relation, self.links)}")
        sides = _displayed_symbols(self.lhs) | _displayed_symbols(self.rhs)
        for term in self.certificate:
            if not term.by and not (sp.sympify(term.gap).free_symbols & sides):
                raise ValueError(f"Inequality {self.label}: the certificate's term {term.gap} shares no symbol "
                                 f"with the displayed sides, so it proves nothing about them")
        _check_domains(self)

    def conditions(self) -> tuple:
        return _symbolic_conditions(self)

    def latex(self) -> str:
        if self.show_steps and self.links:
            text = _sides_latex([self.lhs, *self.steps, self.rhs], [link.relation for link in self.links])
        else:
            text = _sides_latex([self.lhs, self.rhs], [self.relation])
        return _with_condition(text, render_condition(self.conditions()))

    def _run(self, size: str) -> Outcome:
        red = reduction(self.method)
        if self.cases:
            return self._run_cases(red)
        if self.links:
            chain = [self.lhs, *self.steps, self.rhs]
            method = f"a chain of {len(self.links)} proved links: " + "; ".join(
                self._link_words(link) for link in self.links)
            if _composition_error(self.relation, self.links):
                return Outcome(False, method, _composition_error(self.relation, self.links))
            for i, (link, a, b) in enumerate(zip(self.links, chain, chain[1:])):
                why = link.prove(a, b, self.substitutions)
                if why:
                    return Outcome(False, method, f"link {i + 1}: {why}")
            return Outcome(True, method, "each link proved")
        if self.certificate:
            method = (f"{red.words} proves gap = Σ wᵢ gᵢ with {len(self.certificate)} "
                      f"nonnegative term{'s' * (len(self.certificate) > 1)}")
            detail = "; ".join(term.describe() for term in self.certificate)
        else:
            method = f"sympy decides the sign of the gap after {red.words}"
            detail = "the gap is " + ("positive" if self.relation in ("<", ">") else "nonnegative")
        if self.substitutions:
            method += " after substituting " + ", ".join(f"{old} = {new}" for old, new in self.substitutions)
        why = _prove_gap(self.lhs, self.relation, self.rhs, self.certificate, red, self.substitutions, self.given)
        return Outcome(not why, method, why or detail)

    def _run_cases(self, red: Reduction) -> Outcome:
        from .conditions import assumed_set

        symbol = self.cases[0].symbol
        method = (f"a proof by {len(self.cases)} cases on {symbol}, which partition its range; in each, "
                  f"{red.words} proves gap = Σ wᵢ gᵢ with nonnegative terms")
        why = _partition_error(self.cases, assumed_set(symbol))
        if why:
            return Outcome(False, method, why)
        for case in self.cases:
            why = case.coverage_error()
            if not why:
                at = {case.symbol: case.value}
                why = _prove_gap(_substituted(sp.sympify(self.lhs).doit(), at.items()), self.relation,
                                 _substituted(sp.sympify(self.rhs).doit(), at.items()), case.certificate, red,
                                 self.substitutions, self.given)
            if why:
                return Outcome(False, method, f"case {symbol} = {case.value}: {why}")
        return Outcome(True, method, "every case proved")

    @staticmethod
    def _link_words(link: Link) -> str:
        if link.relation == "=":
            return f"= by {reduction(link.method).words}"
        if link.by:
            return f"{link.relation} by {link.by}"
        return f"{link.relation} by " + ("a certificate" if link.certificate else "sympy on the gap")


ALLOW_NUMERIC_WITHOUT_ALTERNATIVE = True
"""Transitional switch: while True, a :class:`Numeric` without an ``alternative`` may be
constructed (the audit lists each one as a failure). Set False once every numeric claim names one."""


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
        A wrong alternative that the same experiment must reject.
    statement : str, optional
        Transitional: the statement as LaTeX. Leave it empty to generate the
        statement from the measurements' ``quantity`` and ``expected_latex``.
    page, test : mapping, optional
        Keyword arguments for the experiment on a book page (small and fast)
        and in the test suite (larger). Both runs must be honest checks.
    method : str, default "seeded computation"
        How the check works, in words, e.g. ``"Monte Carlo"``.
    """

    kind: ClassVar[str] = "numeric"
    experiment: Callable[..., Measurement | Sequence[Measurement]]
    alternative: Alternative | None = None
    statement: str = ""
    page: Mapping[str, Any] = field(default_factory=dict)
    test: Mapping[str, Any] = field(default_factory=dict)
    method: str = "seeded computation"

    def __post_init__(self):
        super().__post_init__()
        if self.alternative is None and not ALLOW_NUMERIC_WITHOUT_ALTERNATIVE:
            raise ValueError(f"Numeric {self.label}: name a wrong alternative that the experiment must reject "
                             "(alternative=Alternative(...))")
        if self.alternative is not None and not isinstance(self.alternative, Alternative):
            raise TypeError(f"Numeric {self.label}: alternative must be an Alternative (got {self.alternative!r})")

    def latex(self, measurements: Sequence[Measurement] = ()) -> str:
        generated = [m.statement for m in measurements if m.statement]
        text = r",\quad ".join(generated) if generated else self.statement
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
