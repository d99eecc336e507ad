"""Symbolic (sympy) counterparts of the information-theory functions.

The claims of the Information part are built from these objects, and the
book's pages evaluate them (with ``sympy.lambdify``) where a figure needs a
predicted curve, so each formula is written exactly once.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["H", "binary_entropy_expr", "counting_rate", "counting_rate_correction"]


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
