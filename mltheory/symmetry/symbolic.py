r"""Unevaluated sympy objects for the claims of the part "Symmetry and generalization".

A claim displays the very object that sympy proves, so operators are kept
unevaluated (``e(x^a y^b)`` is shown as written) until ``.doit()`` applies
them. The operators act on functions of the plane's coordinates
:data:`~mltheory.symmetry.representations.x` and
:data:`~mltheory.symmetry.representations.y` (and on the primed coordinates
:data:`x_prime`, :data:`y_prime` of a second point).
"""

from __future__ import annotations

import sympy as sp

from .representations import x, y
from .spherical import angular_momentum_squared, euler_operator, laplacian

__all__ = [
    "AngularMomentumSquared",
    "Euler",
    "Gradient",
    "KernelRotationGenerator",
    "Laplacian",
    "Lowering",
    "Raising",
    "RotationGenerator",
    "Weight",
    "matrix_simplify",
    "difference",
    "evaluate_subs",
    "polar",
    "power_simplify",
    "rotation_matrix_expr",
    "trig_simplify",
    "x_prime",
    "y_prime",
]

x_prime, y_prime = sp.symbols("x' y'", real=True)
"""The coordinates of a second point, for kernels :math:`K(x, x')`."""


class _Operator(sp.Function):
    """A linear differential operator applied to one expression, kept unevaluated until ``doit``."""

    nargs = 1
    tex = ""

    @classmethod
    def eval(cls, argument):
        return None  # never evaluate automatically

    @staticmethod
    def apply(p):
        raise NotImplementedError

    def doit(self, deep=True, **hints):
        (argument,) = self.args
        if deep:
            argument = argument.doit(deep=deep, **hints)
        return self.apply(argument)

    def _latex(self, printer, exp=None):
        tex = rf"{self.tex}\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


class RotationGenerator(_Operator):
    r""":math:`L = x\partial_y - y\partial_x`, the infinitesimal rotation (:math:`\partial_\theta` in polar coordinates).

    Examples
    --------
    >>> RotationGenerator(x**2).doit()
    -2*x*y
    """

    tex = "L"

    @staticmethod
    def apply(p):
        return x * sp.diff(p, y) - y * sp.diff(p, x)


class Raising(_Operator):
    r""":math:`e = x\partial_y`, which raises the :math:`h`-weight by 2.

    Examples
    --------
    >>> Raising(y**2).doit()
    2*x*y
    """

    tex = "e"

    @staticmethod
    def apply(p):
        return x * sp.diff(p, y)


class Lowering(_Operator):
    r""":math:`f = y\partial_x`, which lowers the :math:`h`-weight by 2.

    Examples
    --------
    >>> Lowering(x**2).doit()
    2*x*y
    """

    tex = "f"

    @staticmethod
    def apply(p):
        return y * sp.diff(p, x)


class Weight(_Operator):
    r""":math:`h = x\partial_x - y\partial_y`, diagonal on monomials with the weight (power of x) − (power of y).

    Examples
    --------
    >>> Weight(x**3 * y).doit()
    2*x**3*y
    """

    tex = "h"

    @staticmethod
    def apply(p):
        return x * sp.diff(p, x) - y * sp.diff(p, y)


class KernelRotationGenerator(_Operator):
    r""":math:`L_x + L_{x'}`, the rotation generator acting on both arguments of a kernel :math:`K(x, x')`.

    Examples
    --------
    >>> KernelRotationGenerator(x * x_prime + y * y_prime).doit()
    0
    """

    tex = r"\left(L_x + L_{x'}\right)"

    @staticmethod
    def apply(p):
        return sp.expand(RotationGenerator.apply(p) + x_prime * sp.diff(p, y_prime) - y_prime * sp.diff(p, x_prime))


class AngularMomentumSquared(_Operator):
    r""":math:`L^2 = L_x^2 + L_y^2 + L_z^2`, the Casimir of :math:`\mathfrak{so}(3)`, on functions of :math:`x, y, z`.

    Examples
    --------
    >>> AngularMomentumSquared(x).doit()
    -2*x
    """

    tex = "L^2"
    apply = staticmethod(angular_momentum_squared)


class Laplacian(_Operator):
    r""":math:`\Delta = \partial_x^2 + \partial_y^2 + \partial_z^2`.

    Examples
    --------
    >>> Laplacian(x**2).doit()
    2
    """

    tex = r"\Delta"
    apply = staticmethod(laplacian)


class Euler(_Operator):
    r""":math:`E = x\partial_x + y\partial_y + z\partial_z`.

    Examples
    --------
    >>> Euler(x * y).doit()
    2*x*y
    """

    tex = "E"
    apply = staticmethod(euler_operator)


class Gradient(sp.MatrixExpr):
    r"""The gradient :math:`\nabla_w E` of a scalar (1×1) matrix expression, kept unevaluated until ``doit``.

    Examples
    --------
    >>> w = sp.MatrixSymbol("w", 3, 1)
    >>> Gradient(w.T * w, w).doit()
    2*w
    """

    def __new__(cls, expr, variable):
        return sp.Basic.__new__(cls, expr, variable)

    @property
    def shape(self):
        return self.args[1].shape

    def doit(self, **hints):
        expr, variable = self.args
        return expr.doit(**hints).diff(variable)

    def _latex(self, printer):
        expr, variable = self.args
        return rf"\nabla_{{{printer._print(variable)}}}\left({printer._print(expr)}\right)"


def rotation_matrix_expr(angle) -> sp.ImmutableMatrix:
    r"""The rotation matrix :math:`R(\alpha)` as an exact sympy matrix.

    Examples
    --------
    >>> rotation_matrix_expr(sp.pi / 2)
    Matrix([
    [0, -1],
    [1,  0]])
    """
    return sp.ImmutableMatrix([[sp.cos(angle), -sp.sin(angle)], [sp.sin(angle), sp.cos(angle)]])


def polar(expr, r, theta):
    r"""Substitute :math:`x = r\cos\theta`, :math:`y = r\sin\theta` into ``expr``.

    Examples
    --------
    >>> r, t = sp.symbols("r theta", positive=True)
    >>> sp.simplify(polar(x**2 + y**2, r, t))
    r**2
    """
    return sp.sympify(expr).subs({x: r * sp.cos(theta), y: r * sp.sin(theta)}, simultaneous=True)


def matrix_simplify(expr):
    r"""Evaluate and simplify a (matrix) expression; a zero matrix becomes the number 0.

    Used as the ``method`` of identities between matrix expressions
    (``MatrixSymbol`` products, inverses and derivatives), where sympy's
    simplification returns a ``ZeroMatrix`` rather than 0.

    Examples
    --------
    >>> A = sp.MatrixSymbol("A", 3, 3)
    >>> matrix_simplify(A * A.I - sp.Identity(3))
    0
    """
    result = sp.simplify(sp.expand(sp.sympify(expr).doit()))
    if getattr(result, "is_ZeroMatrix", False):
        return sp.Integer(0)
    if isinstance(result, sp.MatrixBase) and all(entry == 0 for entry in result):
        return sp.Integer(0)
    return result


def _trig_entry(expr):
    return sp.trigsimp(sp.expand_trig(expr))


def trig_simplify(expr):
    r"""Evaluate an expression (or matrix) and reduce it with trigonometric identities, entry by entry.

    Examples
    --------
    >>> alpha, beta = sp.symbols("alpha beta", real=True)
    >>> trig_simplify(rotation_matrix_expr(alpha) * rotation_matrix_expr(beta) - rotation_matrix_expr(alpha + beta))
    0
    """
    value = sp.sympify(expr).doit()
    value = value.applyfunc(_trig_entry) if isinstance(value, sp.MatrixBase) else _trig_entry(value)
    return matrix_simplify(value)


def power_simplify(expr):
    r"""Evaluate, expand and simplify, combining powers with symbolic exponents (:math:`x\,x^a = x^{a+1}`).

    Examples
    --------
    >>> a = sp.Symbol("a", integer=True, nonnegative=True)
    >>> power_simplify(x * x**a - x ** (a + 1))
    0
    """
    return sp.simplify(sp.powsimp(sp.expand(sp.sympify(expr).doit())))


def difference(first, second):
    r"""``first - second``, kept in this order for display (sympy would sort the terms).

    Examples
    --------
    >>> sp.latex(difference(Raising(x), Lowering(x)), order="none")  # as the claims display it
    'e\\left(x\\right) - f\\left(x\\right)'
    """
    return sp.Add(first, sp.Mul(-1, second, evaluate=False), evaluate=False)


def evaluate_subs(expr):
    r"""Evaluate every ``Subs`` in ``expr`` as a *simultaneous* substitution, then expand.

    ``sympy.Subs(p, (x, y), (u, v)).doit()`` substitutes one variable after
    the other, which is wrong when ``u`` contains ``y`` (a rotation of the
    plane, for instance). This evaluates the substitutions simultaneously.

    Examples
    --------
    >>> evaluate_subs(sp.Subs(x - y, (x, y), (y, x)))  # swap: x - y becomes y - x
    -x + y
    """
    def simultaneous(node):
        return node.expr.doit().subs(dict(zip(node.variables, node.point)), simultaneous=True)

    return sp.expand(sp.sympify(expr).replace(lambda node: isinstance(node, sp.Subs), simultaneous).doit())
