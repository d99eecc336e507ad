r"""The representation :math:`V_d` of homogeneous polynomials of degree :math:`d` in two variables.

:math:`V_d` is spanned by the :math:`d + 1` monomials
:math:`x^d, x^{d-1} y, \dots, y^d`, and every linear map of the plane acts on it
by :math:`(g \cdot p)(x) = p(g^{-1} x)`. This module gives both faces of that
representation:

* **exact** (sympy): the monomial basis, the matrices of differential
  operators on it (the rotation generator :math:`L = x\partial_y - y\partial_x`
  and the :math:`\mathfrak{sl}(2)` triple), and the rotation-isotypic basis
  :math:`r^d \cos k\theta, r^d \sin k\theta`;
* **numeric** (torch): the matrices :math:`\rho_d(g)` of a batch of group
  elements, the subspace they fix, and the isotypic basis evaluated at points.

Matrices act on coefficient vectors: if :math:`p = \sum_k c_k x^{d-k} y^k`,
the coefficients of :math:`A p` are :math:`M c`, where column :math:`k` of
:math:`M` holds the coefficients of :math:`A(x^{d-k} y^k)`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import sympy as sp
import torch

from ..validation import (
    as_float_tensor,
    check_finite,
    check_flag,
    check_integer,
    check_scalar,
    check_shape,
    reports_as,
)

__all__ = [
    "circular_harmonic",
    "coefficients",
    "homogeneous_basis",
    "invariant_dimension",
    "invariant_subspace",
    "isotypic_decomposition",
    "operator_matrix",
    "representation_matrix",
    "rotation_generator",
    "sl2_triple",
    "x",
    "y",
]

x, y = sp.symbols("x y", real=True)
"""The coordinates of the plane, as sympy symbols."""


def _degree(d, func: str) -> int:
    return check_integer(d, name="d", func=func, minimum=0)


def _frequency(k, d: int, func: str) -> int:
    r"""Validate a frequency of :math:`V_d`: an integer with :math:`0 \le k \le d` and :math:`k \equiv d \pmod 2`."""
    k = check_integer(k, name="k", func=func, minimum=0)
    if k > d or (d - k) % 2:
        raise ValueError(f"{func}: k must satisfy 0 <= k <= d and k ≡ d (mod 2) for d = {d} (got {k})")
    return k


def homogeneous_basis(d) -> sp.Matrix:
    r"""The monomial basis :math:`x^d, x^{d-1}y, \dots, y^d` of :math:`V_d`, as a column.

    Parameters
    ----------
    d : int
        The degree, at least 0.

    Returns
    -------
    sympy.Matrix, shape (d + 1, 1)

    Examples
    --------
    >>> homogeneous_basis(2).T
    Matrix([[x**2, x*y, y**2]])
    """
    d = _degree(d, "homogeneous_basis")
    return sp.Matrix([x ** (d - k) * y**k for k in range(d + 1)])


def coefficients(p, d) -> sp.Matrix:
    r"""The coefficients of :math:`p \in V_d` in the monomial basis of :func:`homogeneous_basis`.

    Parameters
    ----------
    p : sympy expression
        A homogeneous polynomial of degree ``d`` in :data:`x` and :data:`y` (or 0).
    d : int
        The degree.

    Returns
    -------
    sympy.Matrix, shape (d + 1, 1)

    Raises
    ------
    ValueError
        If ``p`` is not a homogeneous polynomial of degree ``d`` in ``x`` and ``y``.

    Examples
    --------
    >>> coefficients((x + y) ** 2, 2).T
    Matrix([[1, 2, 1]])
    """
    func = "coefficients"
    d = _degree(d, func)
    if not isinstance(p, (sp.Expr, numbers.Number)) or isinstance(p, bool):
        raise TypeError(f"{func}: p must be a sympy polynomial in x and y (got {type(p).__name__})")
    expr = sp.expand(sp.sympify(p))
    try:
        poly = sp.Poly(expr, x, y)
    except sp.PolynomialError:
        raise ValueError(f"{func}: p must be a polynomial in x and y (got {p})") from None
    if any(sum(monomial) != d for monomial in poly.monoms() if poly.coeff_monomial(monomial) != 0):
        raise ValueError(f"{func}: p must be homogeneous of degree d = {d} in x and y (got {p})")
    return sp.Matrix([poly.coeff_monomial(x ** (d - k) * y**k) for k in range(d + 1)])


def operator_matrix(operator: Callable, d) -> sp.Matrix:
    r"""The matrix of a linear operator :math:`V_d \to V_d` in the monomial basis.

    Parameters
    ----------
    operator : callable
        Maps a sympy polynomial in :data:`x`, :data:`y` to another one of the
        same degree, e.g. ``lambda p: x * sp.diff(p, y)``.
    d : int
        The degree.

    Returns
    -------
    sympy.Matrix, shape (d + 1, d + 1)
        Column :math:`k` holds the coefficients of the image of :math:`x^{d-k} y^k`.

    Examples
    --------
    >>> operator_matrix(lambda p: x * sp.diff(p, x), 2)  # counts the powers of x
    Matrix([
    [2, 0, 0],
    [0, 1, 0],
    [0, 0, 0]])
    """
    if not callable(operator):
        raise TypeError(f"operator_matrix: operator must be callable (got {type(operator).__name__})")
    d = _degree(d, "operator_matrix")
    columns = [coefficients(operator(monomial), d) for monomial in homogeneous_basis(d)]
    return sp.Matrix.hstack(*columns)


def _rotation_operator(p):
    return x * sp.diff(p, y) - y * sp.diff(p, x)


def rotation_generator(d) -> sp.Matrix:
    r"""The matrix of :math:`L = x\partial_y - y\partial_x` on :math:`V_d`.

    In polar coordinates :math:`L = \partial_\theta`, the infinitesimal
    rotation. On the monomials,
    :math:`L(x^{d-k}y^k) = k\,x^{d-k+1}y^{k-1} - (d-k)\,x^{d-k-1}y^{k+1}`, so
    the matrix is tridiagonal with zero diagonal. Its eigenvalues are
    :math:`\pm i k` for :math:`k \equiv d \pmod 2`, :math:`0 \le k \le d`.

    Parameters
    ----------
    d : int
        The degree.

    Returns
    -------
    sympy.Matrix, shape (d + 1, d + 1)

    Examples
    --------
    >>> rotation_generator(2)
    Matrix([
    [ 0,  1, 0],
    [-2,  0, 2],
    [ 0, -1, 0]])
    >>> sorted(rotation_generator(2).eigenvals(), key=sp.im)
    [-2*I, 0, 2*I]
    """
    return operator_matrix(_rotation_operator, _degree(d, "rotation_generator"))


def sl2_triple(d) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    r"""The matrices of :math:`e = x\partial_y`, :math:`f = y\partial_x`, :math:`h = x\partial_x - y\partial_y` on :math:`V_d`.

    They satisfy the :math:`\mathfrak{sl}(2)` relations :math:`[h, e] = 2e`,
    :math:`[h, f] = -2f`, :math:`[e, f] = h`; :math:`h` is diagonal with the
    weights :math:`d, d-2, \dots, -d`, and the rotation generator is
    :math:`L = e - f`.

    Parameters
    ----------
    d : int
        The degree.

    Returns
    -------
    e, f, h : sympy.Matrix, each of shape (d + 1, d + 1)

    Examples
    --------
    >>> e, f, h = sl2_triple(3)
    >>> h.diagonal()
    Matrix([[3, 1, -1, -3]])
    >>> h * e - e * h == 2 * e and e * f - f * e == h
    True
    """
    d = _degree(d, "sl2_triple")
    e = operator_matrix(lambda p: x * sp.diff(p, y), d)
    f = operator_matrix(lambda p: y * sp.diff(p, x), d)
    h = operator_matrix(lambda p: x * sp.diff(p, x) - y * sp.diff(p, y), d)
    return e, f, h


def _frequencies(d: int) -> range:
    """The frequencies k with k ≡ d (mod 2) and 0 <= k <= d, in increasing order."""
    return range(d % 2, d + 1, 2)


def isotypic_decomposition(d) -> dict[int, tuple[sp.Expr, ...]]:
    r"""The splitting of :math:`V_d` under rotations: :math:`V_d = \bigoplus_k W_k`.

    For each frequency :math:`k \equiv d \pmod 2` with :math:`0 \le k \le d`,
    :math:`W_k` is spanned by :math:`r^d \cos k\theta` and :math:`r^d \sin k\theta`
    (only :math:`r^d` when :math:`k = 0`), written as polynomials:
    :math:`r^d e^{ik\theta} = (x^2 + y^2)^{(d-k)/2} (x + iy)^k`. The rotation
    :math:`R(\alpha)` acts on :math:`W_k` as the rotation by :math:`-k\alpha`,
    and :math:`L` has eigenvalues :math:`\pm ik` there.

    Parameters
    ----------
    d : int
        The degree.

    Returns
    -------
    dict
        ``{k: (r^d cos kθ, r^d sin kθ)}`` (``{0: (r^d,)}`` for ``k = 0``),
        with the polynomials in :data:`x` and :data:`y`; the basis has
        :math:`d + 1` elements in all.

    Examples
    --------
    >>> isotypic_decomposition(2)
    {0: (x**2 + y**2,), 2: (x**2 - y**2, 2*x*y)}
    """
    d = _degree(d, "isotypic_decomposition")
    components = {}
    for k in _frequencies(d):
        radial = (x**2 + y**2) ** ((d - k) // 2)
        wave = sp.expand((x + sp.I * y) ** k)
        cos_part, sin_part = sp.expand(radial * sp.re(wave)), sp.expand(radial * sp.im(wave))
        components[k] = (cos_part,) if k == 0 else (cos_part, sin_part)
    return components


def invariant_dimension(d, n, *, reflections=True) -> int:
    r"""The dimension of the subspace of :math:`V_d` fixed by :math:`D_n` (or :math:`C_n`).

    A rotation by :math:`2\pi/n` fixes :math:`W_k` pointwise exactly when
    :math:`n` divides :math:`k`, and the reflection :math:`y \mapsto -y`
    fixes :math:`r^d\cos k\theta` and negates :math:`r^d\sin k\theta`, so

    .. math::

        \dim V_d^{D_n} = \#\{k \equiv d\ (2) : 0 \le k \le d,\ n \mid k\}, \qquad
        \dim V_d^{C_n} = \sum_{k \equiv d\ (2),\ n \mid k} \dim W_k .

    Parameters
    ----------
    d : int
        The degree.
    n : int
        The order of the rotation subgroup, at least 1.
    reflections : bool, default True
        ``True`` for :math:`D_n`, ``False`` for :math:`C_n`.

    Returns
    -------
    int

    Examples
    --------
    >>> invariant_dimension(7, 3), invariant_dimension(7, 7), invariant_dimension(7, 7, reflections=False)
    (1, 1, 2)
    """
    d = _degree(d, "invariant_dimension")
    n = check_integer(n, name="n", func="invariant_dimension", minimum=1)
    reflections = check_flag(reflections, name="reflections", func="invariant_dimension")
    ks = [k for k in _frequencies(d) if k % n == 0]
    return len(ks) if reflections else sum(1 if k == 0 else 2 for k in ks)


def representation_matrix(group, d) -> torch.Tensor:
    r"""The matrices :math:`\rho_d(g)` of :math:`p \mapsto p \circ g^{-1}` on :math:`V_d`, for a batch of :math:`g`.

    With :math:`g^{-1} = \begin{pmatrix} a & b \\ c & e \end{pmatrix}`, the
    monomial :math:`x^{d-k}y^k` goes to :math:`(ax + by)^{d-k}(cx + ey)^k`;
    column :math:`k` holds its coefficients, found by multiplying the two
    binomial expansions. Then :math:`\rho_d(g h) = \rho_d(g)\rho_d(h)`.

    Parameters
    ----------
    group : array_like, shape (G, 2, 2)
        Invertible matrices.
    d : int
        The degree.

    Returns
    -------
    torch.Tensor, shape (G, d + 1, d + 1)

    Examples
    --------
    The reflection :math:`y \mapsto -y` multiplies :math:`x^{d-k}y^k` by :math:`(-1)^k`:

    >>> representation_matrix(torch.diag(torch.tensor([1.0, -1.0])).unsqueeze(0), 2)[0]
    tensor([[ 1.,  0.,  0.],
            [ 0., -1.,  0.],
            [ 0.,  0.,  1.]])
    """
    func = "representation_matrix"
    group = check_finite(as_float_tensor(group, name="group", func=func), name="group", func=func)
    check_shape(group, ("G", 2, 2), name="group", func=func)
    if group.shape[0] == 0:
        raise ValueError(f"{func}: group must have at least one element (got shape {tuple(group.shape)})")
    d = _degree(d, func)
    inverse = torch.linalg.inv(group)
    a, b, c, e = inverse[:, 0, 0], inverse[:, 0, 1], inverse[:, 1, 0], inverse[:, 1, 1]
    columns = []
    for k in range(d + 1):
        first = _binomial_expansion(a, b, d - k)  # (G, d - k + 1): coefficient of x^{d-k-i} y^i
        second = _binomial_expansion(c, e, k)  # (G, k + 1)
        product = torch.zeros(len(group), d + 1, dtype=group.dtype, device=group.device)
        outer = first.unsqueeze(-1) * second.unsqueeze(-2)
        powers = (torch.arange(d - k + 1).unsqueeze(-1) + torch.arange(k + 1)).flatten()
        columns.append(product.index_add(1, powers.to(group.device), outer.flatten(1)))
    return torch.stack(columns, dim=-1)


def _binomial_expansion(a: torch.Tensor, b: torch.Tensor, m: int) -> torch.Tensor:
    """Coefficients of (a x + b y)^m: entry i multiplies x^(m-i) y^i; shape (..., m + 1)."""
    i = torch.arange(m + 1, dtype=a.dtype, device=a.device)
    binomials = torch.tensor([math.comb(m, j) for j in range(m + 1)], dtype=a.dtype, device=a.device)
    return binomials * a.unsqueeze(-1) ** (m - i) * b.unsqueeze(-1) ** i


@reports_as("invariant_subspace")
def invariant_subspace(group, d, *, rtol=None) -> torch.Tensor:
    r"""An orthonormal basis (of coefficient vectors) of the polynomials in :math:`V_d` fixed by every element of ``group``.

    It is the null space of the stacked matrices :math:`\rho_d(g) - I`,
    computed with an SVD; singular values below ``rtol`` times the largest
    count as zero.

    Parameters
    ----------
    group : array_like, shape (G, 2, 2)
        The group elements (a generating set is enough).
    d : int
        The degree.
    rtol : float, optional
        Relative threshold for zero singular values; by default
        :math:`(d + 1)\,G\,\varepsilon` of the dtype, the usual choice for a numerical rank.

    Returns
    -------
    torch.Tensor, shape (d + 1, m)
        Columns are orthonormal coefficient vectors; ``m`` is the dimension of
        the invariant subspace (see :func:`invariant_dimension`).

    Examples
    --------
    Under :math:`D_3` the invariant cubics are the multiples of :math:`x^3 - 3xy^2 = r^3\cos 3\theta`:

    >>> from mltheory.symmetry.groups import dihedral_group
    >>> basis = invariant_subspace(dihedral_group(3), 3)
    >>> ((basis / basis[0]).T.round(decimals=6) + 0.0).tolist()  # + 0.0 turns -0.0 into 0.0
    [[1.0, 0.0, -3.0, 0.0]]
    """
    func = "invariant_subspace"
    if rtol is not None:
        rtol = check_scalar(rtol, name="rtol", func=func, low=0, low_open=True)
    matrices = representation_matrix(group, d)
    identity = torch.eye(matrices.shape[-1], dtype=matrices.dtype, device=matrices.device)
    stacked = (matrices - identity).reshape(-1, matrices.shape[-1])
    _, singular, vh = torch.linalg.svd(stacked)
    if rtol is None:
        rtol = stacked.shape[0] * torch.finfo(stacked.dtype).eps
    threshold = rtol * max(float(singular.max()), 1.0) if singular.numel() else 0.0
    padded = torch.cat([singular, singular.new_zeros(vh.shape[0] - singular.numel())])
    return vh[padded <= threshold].T


def circular_harmonic(points, d, k, *, kind="cos") -> torch.Tensor:
    r"""The isotypic basis polynomial :math:`r^d \cos k\theta` (or :math:`r^d \sin k\theta`) at ``points``.

    Parameters
    ----------
    points : array_like, shape (..., 2)
        Points :math:`(x, y) = (r\cos\theta, r\sin\theta)`.
    d : int
        The degree.
    k : int
        The frequency: :math:`0 \le k \le d` and :math:`k \equiv d \pmod 2`,
        which is when the function is a polynomial (in :math:`V_d`).
    kind : {"cos", "sin"}, default "cos"

    Returns
    -------
    torch.Tensor, shape (...)

    Examples
    --------
    >>> circular_harmonic([[1.0, 0.0], [0.0, 2.0]], 3, 3)  # x^3 - 3 x y^2
    tensor([1., 0.], dtype=torch.float64)
    """
    func = "circular_harmonic"
    points = check_finite(as_float_tensor(points, name="points", func=func), name="points", func=func)
    check_shape(points, ("...", 2), name="points", func=func)
    d = _degree(d, func)
    k = _frequency(k, d, func)
    if kind not in ("cos", "sin"):
        raise ValueError(f"{func}: kind must be 'cos' or 'sin' (got {kind!r})")
    # r^k e^{ik theta} = (x + iy)^k = sum_j C(k, j) x^(k-j) (iy)^j: the even j give the real part.
    j = torch.arange(k + 1, device=points.device)
    keep = j % 2 == (0 if kind == "cos" else 1)
    signs = torch.tensor([(-1) ** (i // 2) * math.comb(k, i) for i in range(k + 1)], dtype=points.dtype,
                         device=points.device)
    terms = points[..., :1] ** (k - j) * points[..., 1:] ** j * signs
    radial = points.pow(2).sum(-1) ** ((d - k) // 2)
    return radial * terms[..., keep].sum(-1)
