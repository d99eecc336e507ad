"""Claims of the page "Notation and probability" (``book/notation.md``).

Two discrete variables: ``X`` takes the values ``x_1, ..., x_m`` and ``Y`` the
values ``y_1, ..., y_n``, with a joint table ``p(x_k, y_l)`` whose entries are
positive symbols and whose sizes ``m`` and ``n`` are symbolic. Marginals,
conditionals and expectations are notations that evaluate to sums over the
table, so each identity below holds for every joint distribution of every
size, dependent or not.
"""

from __future__ import annotations

import sympy as sp

from ...claims import Identity, register
from ..symbolic import notation

p = sp.IndexedBase("p", positive=True)
x = sp.IndexedBase("x", real=True)
y = sp.IndexedBase("y", real=True)
i, j, k, l = sp.symbols("i j k l", integer=True, positive=True)
m, n = sp.symbols("m n", integer=True, positive=True)

Joint = notation("JointProbability", r"p\left(x_{#1}, y_{#2}\right)", lambda a, b: p[a, b])
MarginalX = notation("MarginalOfX", r"p\left(x_{#1}\right)", lambda a: sp.Sum(p[a, l], (l, 1, n)))
MarginalY = notation("MarginalOfY", r"p\left(y_{#1}\right)", lambda b: sp.Sum(p[k, b], (k, 1, m)))
XGivenY = notation("ConditionalXGivenY", r"p\left(x_{#1} \mid y_{#2}\right)",
                   lambda a, b: p[a, b] / sp.Sum(p[k, b], (k, 1, m)))
YGivenX = notation("ConditionalYGivenX", r"p\left(y_{#1} \mid x_{#2}\right)",
                   lambda b, a: p[a, b] / sp.Sum(p[a, l], (l, 1, n)))
MeanX = notation("MeanOfX", r"\mathbb{E}\left[X\right]", lambda: sp.Sum(x[k] * p[k, l], (k, 1, m), (l, 1, n)))
MeanY = notation("MeanOfY", r"\mathbb{E}\left[Y\right]", lambda: sp.Sum(y[l] * p[k, l], (k, 1, m), (l, 1, n)))
MeanOfSum = notation("MeanOfXPlusY", r"\mathbb{E}\left[X + Y\right]",
                     lambda: sp.Sum(p[k, l] * (x[k] + y[l]), (k, 1, m), (l, 1, n)))


def merge_nested_sums(expr: sp.Expr) -> sp.Expr:
    r"""Evaluate, write :math:`\sum_k a_k \sum_l b_{kl}` as one double sum, and simplify.

    Finite sums with constant limits may be taken in any order, so the limits of
    each merged sum are sorted by index name; sums over the same indices then
    combine, and ``simplify`` can cancel their summands.

    Examples
    --------
    >>> merge_nested_sums(sp.Sum(x[k] * sp.Sum(p[k, l], (l, 1, n)), (k, 1, m))
    ...                   - sp.Sum(x[k] * p[k, l], (l, 1, n), (k, 1, m)))
    0
    """

    def merge(total: sp.Sum) -> sp.Sum:
        inner = [factor for factor in sp.Mul.make_args(total.function) if isinstance(factor, sp.Sum)]
        if len(inner) != 1 or any((total.function / inner[0]).has(limit[0]) for limit in inner[0].limits):
            return total
        return sp.Sum(total.function / inner[0] * inner[0].function, *total.limits, *inner[0].limits)

    def in_order(total: sp.Sum) -> sp.Sum:
        return sp.Sum(total.function, *sorted(total.limits, key=lambda limit: str(limit[0])))

    expr = expr.doit().replace(lambda e: isinstance(e, sp.Sum), merge)
    return sp.simplify(expr.replace(lambda e: isinstance(e, sp.Sum), in_order))


register(Identity(
    label="eq-total-probability",
    lhs=MarginalX(i),
    rhs=sp.Sum(XGivenY(i, l) * MarginalY(l), (l, 1, n)),
    method="doit",
    source="Kaplan (1.10.1)",
))

register(Identity(
    label="eq-product-rule",
    lhs=Joint(i, j),
    steps=[XGivenY(i, j) * MarginalY(j)],
    rhs=YGivenX(j, i) * MarginalX(i),
    show_steps=True,
    method="doit",
    source="Kaplan (1.10.2)",
))

register(Identity(
    label="eq-bayes",
    lhs=YGivenX(j, i),
    rhs=XGivenY(i, j) * MarginalY(j) / sp.Sum(XGivenY(i, l) * MarginalY(l), (l, 1, n)),
    method="doit",
    source="Kaplan (1.10.3)",
))

register(Identity(
    label="eq-linearity-of-expectation",
    lhs=MeanOfSum(),
    steps=[sp.Sum(Joint(k, l) * (x[k] + y[l]), (k, 1, m), (l, 1, n)),
           sp.Sum(x[k] * MarginalX(k), (k, 1, m)) + sp.Sum(y[l] * MarginalY(l), (l, 1, n))],
    rhs=MeanX() + MeanY(),
    show_steps=True,
    method=merge_nested_sums,
    condition="whether or not $X$ and $Y$ are independent",
    source="Kaplan (1.10.4)",
))
