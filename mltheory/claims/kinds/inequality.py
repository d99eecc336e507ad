"""Inequalities, proved as displayed.

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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import sympy as sp

from ..conditions import render_condition
from ..reduce import SIMPLIFIERS, Reduction, is_zero, reduction
from .base import (
    FLIPPED,
    RELATIONS,
    Claim,
    Outcome,
    _check_domains,
    _is_notation,
    _math_pair,
    _prove_equal,
    _sides_latex,
    _substituted,
    _symbolic_conditions,
    _with_condition,
)

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
    from ..registry import get

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
            where = f" (convex in ${sp.latex(self.minimum[0])}$, stationary zero at {_math_pair(*self.minimum)})"
        weight = f" with weight ${sp.latex(self.weight)}$" if self.weight != 1 else ""
        return f"${sp.latex(self.gap)} \\ge 0${where}{weight}"


def _decided(expr, sign: str, red: Reduction, substitutions=()) -> bool:
    """Whether sympy decides ``expr`` has ``sign``, after ``red`` or after plain ``simplify`` (either is sound)."""
    expr = _substituted(sp.sympify(expr), substitutions)
    return any(getattr(reducer(expr), f"is_{sign}") is True for reducer in (red, SIMPLIFIERS["simplify"]))


def _convex_minimum_zero(gap, symbol, point, red: Reduction) -> str:
    """``""`` if ``gap`` is strictly convex in ``symbol`` on an interval holding ``point``, where it has a stationary zero."""
    from ..conditions import assumed_set

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

        from ..conditions import assumed_set

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
            method += " after substituting " + ", ".join(_math_pair(old, new) for old, new in self.substitutions)
        why = _prove_gap(self.lhs, self.relation, self.rhs, self.certificate, red, self.substitutions, self.given)
        return Outcome(not why, method, why or detail)

    def _run_cases(self, red: Reduction) -> Outcome:
        from ..conditions import assumed_set

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

