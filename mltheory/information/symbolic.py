"""Symbolic (sympy) counterparts of the information-theory functions.

The claims of the Information part are built from these objects, and the
book's pages evaluate them (with ``sympy.lambdify``) where a figure needs a
predicted curve, so each formula is written exactly once.
"""

from __future__ import annotations

import sympy as sp
import sympy.stats

__all__ = [
    "H",
    "binary_entropy_expr",
    "counting_rate",
    "counting_rate_correction",
    "expectation",
    "fisher_information_expr",
    "score_expr",
]


def _xlogx(x):
    return sp.Integer(0) if x == 0 else x * sp.log(x)


class H(sp.Function):
    r"""Shannon entropy :math:`H(p_1, \dots, p_n)` in nats, kept unevaluated until ``.doit()``.

    Keeping it unevaluated lets a claim display ``H(1/2, 1/3, 1/6)`` as written
    while sympy proves it after expanding the definition
    :math:`-\sum_i p_i \log p_i` (with :math:`0 \log 0 = 0`).

    Examples
    --------
    >>> H(sp.Rational(1, 2), sp.Rational(1, 2)).doit()
    log(2)
    >>> sp.latex(H(sp.Symbol("p"), 1 - sp.Symbol("p")))
    'H\\left(p, 1 - p\\right)'
    """

    @classmethod
    def eval(cls, *args):
        return None  # never evaluate automatically

    def doit(self, deep=True, **hints):
        args = [arg.doit(deep=deep, **hints) if deep else arg for arg in self.args]
        return -sp.Add(*[_xlogx(arg) for arg in args])

    def _latex(self, printer, exp=None):
        inner = ", ".join(printer._print(arg) for arg in self.args)
        tex = rf"H\left({inner}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def binary_entropy_expr(q):
    r"""The expression :math:`-q \log q - (1 - q) \log(1 - q)`."""
    return -q * sp.log(q) - (1 - q) * sp.log(1 - q)


def counting_rate(N, p):
    r""":math:`\frac1N \log \binom{N}{pN}`, written with log-gamma so that it is defined for real ``N``."""
    return (sp.loggamma(N + 1) - sp.loggamma(p * N + 1) - sp.loggamma((1 - p) * N + 1)) / N


def counting_rate_correction(N, p):
    r"""The next term of :func:`counting_rate` after the entropy: :math:`-\frac{1}{2N}\log(2\pi N p (1-p))`."""
    return -sp.log(2 * sp.pi * N * p * (1 - p)) / (2 * N)


def expectation(expr, x, distribution):
    r"""Exact expectation :math:`E[f(X)]` of an expression ``expr`` in ``x``, where ``X ~ distribution``.

    Parameters
    ----------
    expr : sympy expression
        A function of the symbol ``x`` (and of parameters).
    x : sympy.Symbol
        The data variable.
    distribution : sympy.stats random variable
        For example ``sympy.stats.Normal("X", mu, sigma)`` or ``sympy.stats.Bernoulli("X", p)``.

    Examples
    --------
    >>> mu = sp.Symbol("mu", real=True); x = sp.Symbol("x", real=True)
    >>> expectation((x - mu)**2, x, sympy.stats.Normal("X", mu, 2))
    4
    """
    return sp.simplify(sympy.stats.E(expr.subs(x, distribution)))


def score_expr(log_density, params):
    r"""The score :math:`\nabla_\theta \log p(x; \theta)` as a column matrix.

    Examples
    --------
    >>> x, mu = sp.symbols("x mu", real=True)
    >>> score_expr(-(x - mu)**2 / 2, [mu])
    Matrix([[-mu + x]])
    """
    return sp.Matrix([sp.diff(log_density, theta) for theta in params])


def fisher_information_expr(log_density, params, x, distribution):
    r"""Fisher information matrix :math:`F_{ij} = -E[\partial_i \partial_j \log p(X; \theta)]`, exactly.

    Parameters
    ----------
    log_density : sympy expression
        :math:`\log p(x; \theta)`, a function of ``x`` and of the parameters.
    params : sequence of sympy.Symbol
        The parameters :math:`\theta`.
    x : sympy.Symbol
        The data variable.
    distribution : sympy.stats random variable
        The distribution of :math:`X` at the same parameters.

    Returns
    -------
    sympy.Matrix
        The ``len(params) × len(params)`` Fisher information.

    Examples
    --------
    >>> p = sp.Symbol("p", positive=True); k = sp.Symbol("k", integer=True)
    >>> F = fisher_information_expr(k * sp.log(p) + (1 - k) * sp.log(1 - p), [p], k, sympy.stats.Bernoulli("B", p))
    >>> sp.factor(F[0, 0])
    -1/(p*(p - 1))
    """
    hessian = sp.hessian(log_density, params)
    return (-hessian).applyfunc(lambda entry: expectation(entry, x, distribution))
