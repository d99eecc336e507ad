"""Structured conditions: the assumptions under which a claim is stated, rendered and tied to its proof.

A condition is a sequence of items:

:class:`Domain`
    ``symbol ∈ set``, e.g. ``Domain(p, sp.Interval.open(0, 1))`` renders as
    ``0 < p < 1``. The proof must cover it: either the symbol's sympy
    assumptions hold on the whole set, or a substitution for the symbol maps its
    parameter's domain onto exactly that set.
:class:`Assume`
    A sympy relation the claim assumes, e.g. ``Assume(sp.Eq(sp.Sum(n[i], (i, 1, k)), N))``.
    Side conditions that a proof substitutes (``given``) are rendered as
    ``Assume`` automatically.
:class:`Words`
    Plain words mixed with sympy objects, e.g. ``Words("for every differentiable", K)``.
    Words may not contain a relation sign: a relation belongs in :class:`Assume`
    or :class:`Domain`, where it is rendered from the object the proof uses.

Examples
--------
>>> p = sp.Symbol("p", positive=True)
>>> render_condition([Domain(p, sp.Interval.open(0, 1))])
'\\\\text{for } 0 < p < 1'
>>> Words("with equality at p = 1")
Traceback (most recent call last):
...
ValueError: Words: condition words may not contain a relation sign ('='); state the relation as an Assume or Domain, or prove it as a step (got 'with equality at p = 1')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

__all__ = ["Assume", "Domain", "Words", "render_condition"]

TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
RELATION_SIGN = re.compile(
    r"(?<![\\{])(=|<|>)|[≤≥≠≈→⇒↦≡∝]"
    r"|\\(le|ge|leq|geq|lt|gt|ne|neq|approx|to|rightarrow|Rightarrow|mapsto|equiv|simeq|cong|propto|ll|gg)(?![a-zA-Z])"
)
"""Signs that state a relation: plain ``= < >`` and their LaTeX and Unicode forms."""


@dataclass(frozen=True)
class Domain:
    """``symbol`` ranges over ``domain`` (a sympy set).

    Examples
    --------
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> Domain(n, sp.Range(1, sp.oo)).latex()
    'n = 1, 2, \\\\dots'
    >>> Domain(sp.Symbol("x"), sp.S.Reals - {0}).latex()
    'x \\\\neq 0'
    """

    symbol: Any
    domain: sp.Set

    def __post_init__(self):
        if not isinstance(self.domain, sp.Set):
            raise TypeError(f"Domain: domain must be a sympy Set (got {type(self.domain).__name__})")

    def latex(self) -> str:
        s, d = sp.latex(self.symbol), self.domain
        if isinstance(d, sp.Interval):
            lo, hi = sp.latex(d.start), sp.latex(d.end)
            left = "<" if d.left_open else r"\le"
            right = "<" if d.right_open else r"\le"
            if d.start == -sp.oo:
                return f"{s} {right} {hi}"
            if d.end == sp.oo:
                return f"{s} {'>' if d.left_open else chr(92) + 'ge'} {lo}"
            return f"{lo} {left} {s} {right} {hi}"
        if isinstance(d, sp.Range) and d.step == 1:
            if d.sup == sp.oo:
                return f"{s} = {sp.latex(d.inf)}, {sp.latex(d.inf + 1)}, \\dots"
            return f"{s} = {sp.latex(d.inf)}, \\dots, {sp.latex(d.sup)}"
        if d == sp.S.Naturals:
            return f"{s} = 1, 2, \\dots"
        if isinstance(d, sp.Complement) and d.args[0] == sp.S.Reals and isinstance(d.args[1], sp.FiniteSet):
            return ",\\ ".join(f"{s} \\neq {sp.latex(v)}" for v in d.args[1])
        if d == sp.Union(sp.Interval.open(-sp.oo, 0), sp.Interval.open(0, sp.oo)):
            return f"{s} \\neq 0"
        return f"{s} \\in {sp.latex(d)}"


@dataclass(frozen=True)
class Assume:
    """A relation the claim assumes, as a sympy relational (or ``And`` of them).

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> Assume(sp.Ne(a, b)).latex()
    'a \\\\neq b'
    """

    relation: Any

    def __post_init__(self):
        if not isinstance(self.relation, (sp.core.relational.Relational, sp.And, sp.Or, sp.Not, sp.Contains)):
            raise TypeError(f"Assume: relation must be a sympy relational (got {self.relation!r})")

    def latex(self) -> str:
        if isinstance(self.relation, sp.And):
            return ",\\ ".join(sp.latex(r) for r in self.relation.args)
        return sp.latex(self.relation)


class Words:
    """Plain words, with sympy objects rendered between them, e.g. ``Words("for every differentiable", K)``.

    Text may hold inline math between ``$`` signs (``"for every orthogonal $Q$"``),
    which is rendered as math; it too may not contain a relation sign.

    Raises
    ------
    ValueError
        If a piece of text contains a relation sign, or a TeX command outside
        ``$…$`` (it would be set as literal text: ``\\text{…}`` inside the
        ``\\text{…}`` that words are set in).
    """

    def __init__(self, *parts: str | Any):
        for part in parts:
            if isinstance(part, str):
                prose = "".join(part.split("$")[::2])
                command = TEX_COMMAND.search(prose)
                if command:
                    raise ValueError(
                        f"Words: the TeX command {command.group(0)!r} is outside $…$ and would show as literal text; "
                        f"write the words plainly and put maths between $ signs (got {part!r})"
                    )
                match = RELATION_SIGN.search(part)
                if match:
                    raise ValueError(
                        f"Words: condition words may not contain a relation sign ({match.group(0)!r}); "
                        f"state the relation as an Assume or Domain, or prove it as a step (got {part!r})"
                    )
        self.parts = parts

    def __repr__(self) -> str:
        return f"Words{self.parts!r}"

    def __eq__(self, other) -> bool:
        return isinstance(other, Words) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def latex(self) -> str:
        out = []
        for part in self.parts:
            if not isinstance(part, str):
                out.append(sp.latex(part))
                continue
            pieces = []
            for j, piece in enumerate(part.split("$")):
                if j % 2:
                    pieces.append(piece)
                elif piece:
                    pieces.append(r"\text{" + piece + "}")
            out.append("".join(pieces))
        return r"\ ".join(out)


Condition = Domain | Assume | Words


def as_conditions(condition, owner: str) -> tuple[Condition, ...]:
    """Normalise a claim's ``condition`` argument into a tuple of items (a string becomes :class:`Words`)."""
    if isinstance(condition, (str, Domain, Assume, Words)):
        condition = (condition,)
    items = []
    for item in condition:
        if isinstance(item, str):
            item = Words(item)
        if not isinstance(item, (Domain, Assume, Words)):
            raise TypeError(f"{owner}: condition items must be Domain, Assume, Words or str (got {item!r})")
        items.append(item)
    return tuple(items)


def render_condition(items: Sequence[Condition]) -> str:
    """The condition as LaTeX; a condition that starts with a relation reads "for …".

    Words run on into the next item; consecutive relations are separated by commas.
    """
    if not items:
        return ""
    text = items[0].latex()
    for previous, item in zip(items, items[1:]):
        # Words run on into what follows (they carry their own punctuation); relations are separated by commas.
        text += (r"\ " if isinstance(previous, Words) else ",\\ ") + item.latex()
    return text if isinstance(items[0], Words) else r"\text{for } " + text


def assumed_set(expr) -> sp.Set:
    """The largest set on which sympy's assumptions about ``expr`` hold (reals by default)."""
    result = sp.S.Reals
    if expr.is_positive:
        result = sp.Interval.open(0, sp.oo)
    elif expr.is_nonnegative:
        result = sp.Interval(0, sp.oo)
    elif expr.is_negative:
        result = sp.Interval.open(-sp.oo, 0)
    elif expr.is_nonpositive:
        result = sp.Interval(-sp.oo, 0)
    elif expr.is_nonzero:
        result = sp.S.Reals - sp.FiniteSet(0)
    if expr.is_integer:
        result = sp.Intersection(result, sp.S.Integers)
    return result


def domain_errors(items: Sequence[Condition], substitutions: Sequence[tuple[Any, Any]]) -> list[str]:
    """Why the stated domains are not what the proof covers (an empty list when they are).

    A domain of a substituted symbol must be exactly the image of the
    substitution over its parameters' assumed sets; any other domain must lie
    inside the set on which the symbol's sympy assumptions hold.
    """
    errors = []
    substituted = dict(substitutions)
    for item in items:
        if not isinstance(item, Domain):
            continue
        if item.symbol in substituted:
            image = substituted[item.symbol]
            params = sorted(image.atoms(sp.Indexed) or (image.free_symbols - item.domain.free_symbols), key=str)
            if len(params) != 1:
                errors.append(f"the substitution {item.symbol} = {image} must have one parameter to check its range")
                continue
            covered = _range(image, params[0])
            if covered != item.domain:
                errors.append(f"the substitution {item.symbol} = {image} covers {covered}, not the stated "
                              f"{item.domain}")
        else:
            allowed = assumed_set(item.symbol)
            if item.domain.is_subset(allowed) is not True:
                errors.append(f"the stated domain {item.symbol} ∈ {item.domain} is not inside {allowed}, where "
                              "the proof's assumptions on the symbol hold")
    stated = {item.symbol for item in items if isinstance(item, Domain)}
    for symbol, image in substitutions:
        if symbol not in stated and not _substitution_is_shown(symbol, items):
            errors.append(f"the substitution {symbol} = {image} restricts the claim but no Domain of {symbol} "
                          "states the restriction")
    return errors


def _range(image, parameter) -> sp.Set:
    """The set of values of ``image`` as ``parameter`` ranges over its assumed set."""
    from sympy.calculus.util import function_range

    dummy = sp.Dummy("u", real=True)
    body, domain = image.xreplace({parameter: dummy}), assumed_set(parameter)
    covered = sp.imageset(sp.Lambda(dummy, body), domain)
    if isinstance(covered, sp.ImageSet) and isinstance(domain, sp.Interval):
        covered = function_range(body, dummy, domain)
    return covered


def _substitution_is_shown(symbol, items) -> bool:
    """Whether an Assume mentions ``symbol``, or, for a function that the substitution defines (a density
    ``p_X(y)``, say), whether the words name it."""
    from sympy.core.function import AppliedUndef

    for item in items:
        if isinstance(item, Assume) and symbol in item.relation.free_symbols:
            return True
        if isinstance(symbol, AppliedUndef) and isinstance(item, Words) and any(
                isinstance(part, sp.Basic) and part.has(symbol) for part in item.parts):
            return True
    return False
