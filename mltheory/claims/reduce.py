"""Ways of reducing a sympy difference to zero, each with a description in words.

A claim names one by its key in ``SIMPLIFIERS`` or passes a :class:`Reduction`
(or a function whose docstring's first line says what it does). The words are
what the book's claims ledger shows as the method.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import sympy as sp

__all__ = ["Reduction", "SIMPLIFIERS", "reduction", "split_sums"]


@dataclass(frozen=True)
class Reduction:
    """A function that simplifies an expression, and what it does in words.

    Examples
    --------
    >>> r = Reduction("expands the product", sp.expand)
    >>> x = sp.Symbol("x")
    >>> r((x + 1) ** 2 - x**2 - 2 * x - 1), r.words
    (0, 'expands the product')
    """

    words: str
    function: Callable[[Any], Any]

    def __call__(self, expr):
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(self.function)
        return self.function(expr)


def _expand_log_simplify(expr):
    return sp.simplify(sp.expand_log(expr, force=True))


def _doit_simplify(expr):
    return _expand_log_simplify(expr.doit())


def _distribute_sum(total: sp.Sum):
    """Write a single-index sum of a sum as a sum of sums, with index-free factors pulled out."""
    (index, low, high), = total.limits
    result = 0
    for term in sp.Add.make_args(sp.expand(sp.expand_log(total.function, force=True))):
        factor, rest = term.as_independent(index, as_Add=False)
        result += factor * sp.Sum(rest, (index, low, high))
    return result


def split_sums(expr):
    """Distribute every single-index sum over the terms of its summand, with index-free factors pulled out.

    Examples
    --------
    >>> i, n = sp.symbols("i n", integer=True, positive=True)
    >>> p = sp.IndexedBase("p")
    >>> split_sums(sp.Sum(2 * p[i] + 1, (i, 1, n)))
    n + 2*Sum(p[i], (i, 1, n))
    """
    if isinstance(expr, sp.MatrixBase) or not isinstance(expr, sp.Basic):
        return expr

    def split(total):
        if len(total.limits) != 1:
            return total
        return _distribute_constant_sums(_distribute_sum(total))

    return sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), split))


def _distribute_constant_sums(expr):
    return expr.replace(lambda e: isinstance(e, sp.Sum) and not (e.function.free_symbols & {e.limits[0][0]}),
                        lambda e: e.doit())


def _sums_simplify(expr):
    """Simplify an expression with finite sums of symbolic length.

    The expression is evaluated (``doit``), logarithms are expanded, every sum is distributed over its terms, and sums
    of the same summand that start at different integer indices are aligned by
    peeling their first terms off (``sum_{i=1}^n f_i = f_1 + f_2 + sum_{i=3}^n f_i``,
    valid whenever the upper limit is at least the larger lower limit minus one).
    """
    expr = sp.expand(sp.expand_log(expr.doit(), force=True))
    expr = sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), _distribute_sum))
    groups: dict[tuple, list[sp.Sum]] = {}
    for total in expr.atoms(sp.Sum):
        (index, low, high), = total.limits
        groups.setdefault((total.function, index, high), []).append(total)
    for (summand, index, high), members in groups.items():
        lows = [member.limits[0][1] for member in members]
        if len(members) < 2 or not all(low.is_Integer for low in lows):
            continue
        start = max(lows)
        for member, low in zip(members, lows):
            head = sum(summand.subs(index, j) for j in range(int(low), int(start)))
            expr = expr.subs(member, head + sp.Sum(summand, (index, start, high)))
    return sp.simplify(sp.expand(expr))


ROLE_MATH = re.compile(r":math:`([^`]+)`")
"""A reST maths role in a docstring; the ledger and the ✓ lines write maths as ``$…$``."""


SIMPLIFIERS: Mapping[str, Reduction] = MappingProxyType(
    {
        "simplify": Reduction("sympy simplify", sp.simplify),
        "expand": Reduction("sympy expand", sp.expand),
        "cancel": Reduction("sympy cancel (rational functions)", sp.cancel),
        "trigsimp": Reduction("sympy trigsimp", sp.trigsimp),
        "expand_log": Reduction("sympy expand_log, then simplify", _expand_log_simplify),
        "doit": Reduction("sympy evaluates the integrals, sums and derivatives, then simplifies", _doit_simplify),
        "sums": Reduction("sympy distributes and aligns the finite sums, then simplifies", _sums_simplify),
    }
)
"""Named ways of reducing ``lhs - rhs`` to zero; a claim's ``method`` picks one."""


def reduction(method: str | Callable, owner: str = "claim") -> Reduction:
    """The :class:`Reduction` that ``method`` names.

    ``method`` is a key of ``SIMPLIFIERS``, a :class:`Reduction`, or a
    function whose docstring's first line (or, failing that, a ``__name__``
    made of words) says what it does.

    Raises
    ------
    ValueError
        For an unknown name, or a function without a docstring (a lambda, say):
        the ledger must describe the method in words.
    """
    if isinstance(method, Reduction):
        return method
    if callable(method):
        name = getattr(method, "__name__", "")
        doc = (method.__doc__ or "").strip() or (name if " " in name else "")
        if not doc:
            raise ValueError(
                f"{owner}: method {getattr(method, '__name__', method)!r} needs a docstring or a Reduction(words, f), "
                "so that the ledger can say in words how the claim is checked"
            )
        words = ROLE_MATH.sub(r"$\1$", doc.splitlines()[0].rstrip("."))
        return Reduction(words[0].lower() + words[1:], method)
    if method not in SIMPLIFIERS:
        raise ValueError(f"{owner}: method must be one of {sorted(SIMPLIFIERS)} or a callable (got {method!r})")
    return SIMPLIFIERS[method]


def is_zero(expr) -> bool:
    """Whether ``expr`` (an expression or a matrix) is exactly zero."""
    if isinstance(expr, sp.MatrixBase):
        return all(entry == 0 for entry in expr)
    return expr == 0
