r"""Rotations of space acting on polynomials in three variables: the harmonic pieces of dimension :math:`2l + 1`.

The rotations of :math:`\mathbb{R}^3` act on the space :math:`P_l` of
homogeneous polynomials of degree :math:`l` in :math:`x, y, z` (dimension
:math:`\binom{l+2}{2}`), and their Lie algebra :math:`\mathfrak{so}(3)` acts by
the three generators

.. math::

    L_x = y\partial_z - z\partial_y, \qquad L_y = z\partial_x - x\partial_z, \qquad
    L_z = x\partial_y - y\partial_x .

The Laplacian :math:`\Delta` commutes with rotations, so its kernel in
:math:`P_l`, the *harmonic* polynomials :math:`H_l`, is a representation; it
has dimension :math:`2l + 1`, and :math:`L^2 = L_x^2 + L_y^2 + L_z^2` acts on it
as :math:`-l(l+1)`.
"""

from __future__ import annotations

import sympy as sp

from ..validation import check_integer
from .representations import x, y

__all__ = ["angular_momentum_squared", "euler_operator", "harmonic_basis", "laplacian", "so3_generators", "z"]

z = sp.Symbol("z", real=True)
"""The third coordinate of space, as a sympy symbol (:data:`~mltheory.symmetry.representations.x` and ``y`` are the others)."""


def _expression(p, func: str) -> sp.Expr:
    """``p`` as a sympy expression; strings, containers and other objects are refused rather than parsed."""
    try:
        expression = sp.sympify(p, strict=True)
    except sp.SympifyError:
        expression = None
    if not isinstance(expression, sp.Expr):
        raise TypeError(f"{func}: p must be a sympy expression in x, y, z (got {type(p).__name__}: {p!r})")
    return expression


def so3_generators(p: sp.Expr) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    r"""The three infinitesimal rotations :math:`(L_x p, L_y p, L_z p)` of an expression in :math:`x, y, z`.

    Examples
    --------
    >>> so3_generators(x)
    (0, z, -y)
    """
    p = _expression(p, "so3_generators")
    return (y * sp.diff(p, z) - z * sp.diff(p, y),
            z * sp.diff(p, x) - x * sp.diff(p, z),
            x * sp.diff(p, y) - y * sp.diff(p, x))


def angular_momentum_squared(p: sp.Expr) -> sp.Expr:
    r""":math:`L^2 p = (L_x^2 + L_y^2 + L_z^2)\,p`, the Casimir of :math:`\mathfrak{so}(3)`.

    Examples
    --------
    >>> sp.factor(angular_momentum_squared(x * y))
    -6*x*y
    """
    once = so3_generators(_expression(p, "angular_momentum_squared"))
    return sp.expand(sum(so3_generators(q)[i] for i, q in enumerate(once)))


def laplacian(p: sp.Expr) -> sp.Expr:
    r""":math:`\Delta p = \partial_x^2 p + \partial_y^2 p + \partial_z^2 p`.

    Examples
    --------
    >>> laplacian(x**2 - y**2), laplacian(x**2 + y**2 + z**2)
    (0, 6)
    """
    p = _expression(p, "laplacian")
    return sp.diff(p, x, 2) + sp.diff(p, y, 2) + sp.diff(p, z, 2)


def euler_operator(p: sp.Expr) -> sp.Expr:
    r""":math:`E p = x\partial_x p + y\partial_y p + z\partial_z p`, which multiplies a homogeneous polynomial by its degree.

    Examples
    --------
    >>> euler_operator(x**2 * z)
    3*x**2*z
    """
    p = _expression(p, "euler_operator")
    return x * sp.diff(p, x) + y * sp.diff(p, y) + z * sp.diff(p, z)


def harmonic_basis(l) -> list[sp.Expr]:
    r"""A basis of :math:`H_l = \{p \in P_l : \Delta p = 0\}`, found in exact arithmetic.

    :math:`\Delta` maps :math:`P_l` to :math:`P_{l-2}`; its matrix in the
    monomial bases has rational entries, and the basis returned spans its null
    space (``sympy.Matrix.nullspace``).

    Parameters
    ----------
    l : int
        The degree, at least 0.

    Returns
    -------
    list of sympy.Expr
        :math:`2l + 1` polynomials (as the page proves).

    Examples
    --------
    >>> len(harmonic_basis(2)), all(laplacian(p) == 0 for p in harmonic_basis(2))
    (5, True)
    """
    l = check_integer(l, name="l", func="harmonic_basis", minimum=0)
    monomials = sorted(sp.itermonomials([x, y, z], l, l), key=sp.default_sort_key)
    images = [sp.Poly(laplacian(m), x, y, z) for m in monomials]
    targets = sorted({monomial for image in images for monomial in image.monoms()})
    if not targets:  # l < 2: every polynomial of degree l is harmonic
        return monomials
    matrix = sp.Matrix([[image.coeff_monomial(t) for image in images] for t in targets])
    return [sp.expand(sum(c * m for c, m in zip(vector, monomials))) for vector in matrix.nullspace()]
