r"""Linear learning: models :math:`h_w(x) = w \cdot \phi(x)` trained by gradient descent on the squared loss.

With features :math:`\phi : X \to \mathbb{R}^p`, a dataset
:math:`(x_i, y_i)_{i=1}^n`, the feature matrix :math:`\Phi` (row :math:`i` is
:math:`\phi(x_i)`) and the loss
:math:`L(w) = \frac1n \lVert \Phi w - y \rVert^2`, gradient flow from
:math:`w = 0` stays in the row space of :math:`\Phi` and converges to the
minimum-norm interpolant

.. math::

    w^\star = \Phi^\top (\Phi\Phi^\top)^{-1} y, \qquad
    \hat f(x) = \phi(x) \cdot w^\star = k(x)^\top K^{-1} y,

where :math:`K_{ij} = K(x_i, x_j) = \phi(x_i)\cdot\phi(x_j)` is the kernel
matrix and :math:`k(x)_i = K(x, x_i)`.

Features are callables mapping points of shape ``(..., m, D)`` to feature
vectors of shape ``(..., m, p)``, for example
``functools.partial(monomial_features, d=7)``. Leading batch dimensions are
carried through every function, so many datasets can be fitted in one call.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..validation import (
    as_float_tensor,
    check_callable,
    check_finite,
    check_float_dtype,
    check_integer,
    check_real,
    check_scalar,
    check_shape,
)

__all__ = [
    "Interpolant",
    "circle_points",
    "gradient_field_at_zero",
    "gradient_flow",
    "kernel_matrix",
    "min_norm_interpolant",
    "monomial_features",
    "relative_error",
]

WEIGHTINGS = ("binomial", "plain")


def monomial_features(x, d, *, weighting="binomial") -> torch.Tensor:
    r"""Features spanning :math:`V_d`: the monomials :math:`x_1^{d-k} x_2^k`, optionally weighted.

    .. math::

        \phi_k(x) = c_k\, x_1^{d-k} x_2^{k}, \qquad k = 0, \dots, d,
        \qquad c_k = \sqrt{\tbinom{d}{k}} \text{ (binomial) or } 1 \text{ (plain)}.

    Both weightings span the same space of functions. With binomial weights
    the kernel is :math:`\phi(x)\cdot\phi(x') = (x \cdot x')^d` (the binomial
    theorem), which is invariant under every rotation and reflection; the
    plain kernel :math:`\sum_k (x_1x_1')^{d-k}(x_2x_2')^k` is not.

    Parameters
    ----------
    x : array_like, shape (..., 2)
        Points of the plane.
    d : int
        The degree, at least 0.
    weighting : {"binomial", "plain"}, default "binomial"

    Returns
    -------
    torch.Tensor, shape (..., d + 1)

    Examples
    --------
    >>> monomial_features([[1.0, 2.0]], 2)
    tensor([[1.0000, 2.8284, 4.0000]], dtype=torch.float64)
    >>> monomial_features([[1.0, 2.0]], 2, weighting="plain")
    tensor([[1., 2., 4.]], dtype=torch.float64)
    """
    func = "monomial_features"
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    check_shape(x, ("...", 2), name="x", func=func)
    d = check_integer(d, name="d", func=func, minimum=0)
    if weighting not in WEIGHTINGS:
        raise ValueError(f"{func}: weighting must be one of {WEIGHTINGS} (got {weighting!r})")
    k = torch.arange(d + 1, dtype=x.dtype, device=x.device)
    monomials = x[..., :1] ** (d - k) * x[..., 1:] ** k
    if weighting == "plain":
        return monomials
    weights = torch.tensor([math.comb(d, j) for j in range(d + 1)], dtype=x.dtype, device=x.device).sqrt()
    return monomials * weights


def _features(features: Callable, points: torch.Tensor, func: str, name: str) -> torch.Tensor:
    if not callable(features):
        raise TypeError(f"{func}: features must be callable (got {type(features).__name__})")
    phi = torch.as_tensor(features(points))
    if phi.shape[:-1] != points.shape[:-1]:
        raise ValueError(
            f"{func}: features must map {name} of shape (..., m, D) to shape (..., m, p) "
            f"(got {tuple(phi.shape)} from {tuple(points.shape)})"
        )
    return check_finite(phi, name=f"features({name})", func=func)


def _dataset(features: Callable, X, y, func: str) -> tuple[torch.Tensor, torch.Tensor, dict]:
    """Validate a dataset; return its feature matrix Φ (..., n, p), labels y (..., n) and the sizes found."""
    X = check_finite(as_float_tensor(X, name="X", func=func), name="X", func=func)
    y = check_finite(as_float_tensor(y, name="y", func=func), name="y", func=func)
    sizes = check_shape(X, ("...", "n", "D"), name="X", func=func)
    check_shape(y, ("...", "n"), name="y", func=func, sizes=sizes)
    if sizes["n"] == 0:
        raise ValueError(f"{func}: X must hold at least one data point (got shape {tuple(X.shape)})")
    return _features(features, X, func, "X"), y.to(X.dtype), sizes


def kernel_matrix(features: Callable, x1, x2) -> torch.Tensor:
    r"""The kernel :math:`K(x, x') = \phi(x) \cdot \phi(x')` between two sets of points.

    Parameters
    ----------
    features : callable
        Points of shape (..., m, D) to features of shape (..., m, p).
    x1 : array_like, shape (..., m1, D)
    x2 : array_like, shape (..., m2, D)

    Returns
    -------
    torch.Tensor, shape (..., m1, m2)

    Examples
    --------
    With binomial weights the kernel is :math:`(x \cdot x')^d`:

    >>> from functools import partial
    >>> kernel_matrix(partial(monomial_features, d=3), [[1.0, 2.0]], [[3.0, -1.0], [0.5, 0.5]])
    tensor([[1.0000, 3.3750]], dtype=torch.float64)
    """
    func = "kernel_matrix"
    x1 = check_finite(as_float_tensor(x1, name="x1", func=func), name="x1", func=func)
    x2 = check_finite(as_float_tensor(x2, name="x2", func=func), name="x2", func=func)
    sizes = check_shape(x1, ("...", "m1", "D"), name="x1", func=func)
    check_shape(x2, ("...", "m2", "D"), name="x2", func=func, sizes={"D": sizes["D"]})
    return _features(features, x1, func, "x1") @ _features(features, x2, func, "x2").transpose(-1, -2)


@dataclass(frozen=True)
class Interpolant:
    r"""A fitted linear model :math:`\hat f(x) = \phi(x) \cdot w`; call it on points to predict.

    Attributes
    ----------
    features
        The feature map :math:`\phi`, a callable from points of shape (..., m, D) to shape (..., m, p).
    weights
        The weights :math:`w`, a tensor of shape (..., p) (one row per dataset when several were
        fitted at once).
    """

    features: typing.Callable  # typing's name, which the API reference resolves
    weights: torch.Tensor

    def __call__(self, points) -> torch.Tensor:
        """Predictions at ``points`` of shape (..., m, D); returns shape (..., m)."""
        points = check_finite(as_float_tensor(points, name="points", func="Interpolant"), name="points",
                              func="Interpolant")
        phi = _features(self.features, points.to(self.weights.dtype), "Interpolant", "points")
        return (phi @ self.weights.unsqueeze(-1)).squeeze(-1)


def min_norm_interpolant(features: Callable, X, y) -> Interpolant:
    r"""The interpolant of smallest norm :math:`\lVert w \rVert`: where gradient flow from :math:`w = 0` ends.

    .. math::

        w^\star = \Phi^+ y = \Phi^\top (\Phi\Phi^\top)^{-1} y, \qquad
        \hat f(x) = \phi(x)\cdot w^\star = k(x)^\top K^{-1} y .

    The pseudo-inverse :math:`\Phi^+` (computed with an SVD) equals
    :math:`\Phi^\top K^{-1}` when the features of the data points are linearly
    independent, and still gives the minimum-norm interpolant when they are
    dependent but the labels are consistent (for example a point listed twice
    with the same label).

    Parameters
    ----------
    features : callable
        Points of shape (..., m, D) to features of shape (..., m, p), e.g.
        ``functools.partial(monomial_features, d=7)``.
    X : array_like, shape (..., n, D)
        Training inputs; leading dimensions fit several datasets at once.
    y : array_like, shape (..., n)
        Training labels.

    Returns
    -------
    Interpolant
        Call it on points of shape (..., m, D) to get predictions of shape (..., m);
        its ``weights`` are :math:`w^\star`.

    Raises
    ------
    ValueError
        If no weights fit the data exactly (relative residual above
        :math:`\sqrt{\varepsilon}`): dependent features with inconsistent labels,
        or more independent constraints than features.

    Examples
    --------
    Fit :math:`r^3\cos 3\theta = x^3 - 3xy^2` from its values at the three
    vertices of an equilateral triangle, and predict elsewhere:

    >>> from functools import partial
    >>> import math
    >>> angles = torch.tensor([0.0, 2 * math.pi / 3, 4 * math.pi / 3], dtype=torch.float64)
    >>> X = torch.stack([angles.cos(), angles.sin()], dim=-1)
    >>> f_hat = min_norm_interpolant(partial(monomial_features, d=3), X, torch.ones(3))
    >>> f_hat(torch.tensor([[0.0, 1.0], [2.0, 0.0]])).round(decimals=10)  # x^3 - 3xy^2 there: 0 and 8
    tensor([0., 8.], dtype=torch.float64)

    The data are a :math:`D_3` orbit with constant labels and the kernel
    :math:`(x\cdot x')^3` is invariant, so the learned function is
    :math:`D_3`-invariant everywhere, not only on the data
    (:func:`~mltheory.symmetry.groups.invariance_error` measures it on any points):

    >>> from mltheory.symmetry.groups import dihedral_group, invariance_error
    >>> elsewhere = torch.randn(50, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    >>> float(invariance_error(f_hat, dihedral_group(3), elsewhere)) < 1e-12
    True
    """
    func = "min_norm_interpolant"
    phi, y, _ = _dataset(features, X, y, func)
    weights = (torch.linalg.pinv(phi) @ y.unsqueeze(-1)).squeeze(-1)
    residual = torch.linalg.vector_norm((phi @ weights.unsqueeze(-1)).squeeze(-1) - y, dim=-1)
    scale = torch.linalg.vector_norm(y, dim=-1).clamp_min(torch.finfo(y.dtype).tiny)
    worst = float((residual / scale).max())
    if worst > math.sqrt(torch.finfo(y.dtype).eps):
        raise ValueError(
            f"{func}: no weights fit the data exactly (relative residual {worst:.3g}); the features of "
            f"the {y.shape[-1]} data points are linearly dependent and the labels are inconsistent"
        )
    return Interpolant(features, weights)


def gradient_field_at_zero(features: Callable, X, y, points) -> torch.Tensor:
    r"""The initial velocity :math:`\frac{d}{dt} h_{w(t)}(x)` of gradient flow started at :math:`w = 0`.

    .. math:: \left.\frac{d}{dt} h_{w(t)}(x)\right|_{t=0} = \frac{2}{n} \sum_{i=1}^n K(x, x_i)\, y_i

    Parameters
    ----------
    features : callable
        Points of shape (..., m, D) to features of shape (..., m, p).
    X : array_like, shape (..., n, D)
    y : array_like, shape (..., n)
    points : array_like, shape (..., m, D)
        Where to evaluate the field.

    Returns
    -------
    torch.Tensor, shape (..., m)

    Examples
    --------
    >>> from functools import partial
    >>> gradient_field_at_zero(partial(monomial_features, d=1), [[1.0, 0.0]], [3.0], [[1.0, 0.0], [0.0, 1.0]])
    tensor([6., 0.], dtype=torch.float64)
    """
    func = "gradient_field_at_zero"
    phi, y, sizes = _dataset(features, X, y, func)
    points = check_finite(as_float_tensor(points, name="points", func=func), name="points", func=func)
    check_shape(points, ("...", "m", "D"), name="points", func=func, sizes={"D": sizes["D"]})
    at_points = _features(features, points.to(phi.dtype), func, "points")
    n = y.shape[-1]
    return 2 / n * (at_points @ (phi.transpose(-1, -2) @ y.unsqueeze(-1))).squeeze(-1)


def gradient_flow(features: Callable, X, y, *, dt, steps) -> torch.Tensor:
    r"""Gradient flow on the squared loss from :math:`w = 0`, integrated with explicit (Euler) time steps.

    .. math::

        w_{j+1} = w_j - \Delta t\, \nabla L(w_j), \qquad
        \nabla L(w) = \frac{2}{n} \Phi^\top (\Phi w - y), \qquad w_0 = 0 .

    This is gradient descent with learning rate :math:`\Delta t`. It
    converges (to the minimum-norm interpolant) when
    :math:`\Delta t < n / \lambda_{\max}(K)`.

    Parameters
    ----------
    features : callable
        Points of shape (..., m, D) to features of shape (..., m, p).
    X : array_like, shape (..., n, D)
    y : array_like, shape (..., n)
    dt : float
        The time step, positive.
    steps : int
        Number of steps, at least 0.

    Returns
    -------
    torch.Tensor, shape (steps + 1, ..., p)
        The weights at times :math:`0, \Delta t, \dots, \text{steps}\cdot\Delta t`.

    Examples
    --------
    >>> from functools import partial
    >>> path = gradient_flow(partial(monomial_features, d=1), [[1.0, 1.0]], [2.0], dt=0.1, steps=200)
    >>> path[-1].round(decimals=12).tolist()  # the minimum-norm solution of w1 + w2 = 2
    [1.0, 1.0]
    """
    func = "gradient_flow"
    phi, y, _ = _dataset(features, X, y, func)
    dt = check_real(dt, name="dt", func=func)
    if not (dt > 0 and math.isfinite(dt)):
        raise ValueError(f"{func}: dt must be positive and finite (got {dt})")
    steps = check_integer(steps, name="steps", func=func, minimum=0)
    rate = 2 * dt / y.shape[-1]
    weights = [phi.new_zeros(phi.shape[:-2] + phi.shape[-1:])]
    for _ in range(steps):
        w = weights[-1]
        residual = (phi @ w.unsqueeze(-1)).squeeze(-1) - y
        weights.append(w - rate * (phi.transpose(-1, -2) @ residual.unsqueeze(-1)).squeeze(-1))
    return torch.stack(weights)


def relative_error(f_hat: Callable, f: Callable, points) -> torch.Tensor:
    r"""Root-mean-square error of ``f_hat`` against ``f`` on ``points``, relative to the size of ``f``.

    .. math::

        \mathrm{err} = \Big(\sum_i (\hat f(x_i) - f(x_i))^2 \Big/ \sum_i f(x_i)^2\Big)^{1/2}

    On :math:`N` equally spaced points of the unit circle (:func:`circle_points`)
    this is *exactly* the relative :math:`L^2` error on the circle for
    polynomials of degree :math:`d < N/2`, because the :math:`N`-point rule
    integrates trigonometric polynomials of degree below :math:`N` exactly.

    Parameters
    ----------
    f_hat, f : callable
        Map points of shape (m, D) to values of shape (..., m) (``f_hat`` may
        carry batch dimensions, e.g. an :class:`Interpolant` fitted to many datasets).
    points : array_like, shape (m, D)

    Returns
    -------
    torch.Tensor, shape (...)

    Examples
    --------
    >>> points = circle_points(16)
    >>> round(float(relative_error(lambda p: 1.1 * p[..., 0], lambda p: p[..., 0], points)), 12)
    0.1
    """
    func = "relative_error"
    points = check_finite(as_float_tensor(points, name="points", func=func), name="points", func=func)
    check_shape(points, ("m", "D"), name="points", func=func)
    check_callable(f_hat, name="f_hat", func=func)
    check_callable(f, name="f", func=func)
    predicted, target = torch.as_tensor(f_hat(points)), torch.as_tensor(f(points))
    scale = target.pow(2).sum(-1).sqrt()
    if (scale == 0).any():
        raise ValueError(f"{func}: f vanishes on every point, so the relative error is undefined")
    return (predicted - target).pow(2).sum(-1).sqrt() / scale


def circle_points(m, *, offset=0.0, dtype=torch.float64) -> torch.Tensor:
    r"""``m`` equally spaced points on the unit circle, at angles :math:`\text{offset} + 2\pi j/m`.

    They form the orbit of :math:`(\cos\text{offset}, \sin\text{offset})`
    under the cyclic group :math:`C_m`.

    Parameters
    ----------
    m : int
        Number of points, at least 1.
    offset : float, default 0
        Angle of the first point, in radians.
    dtype : torch.dtype, default torch.float64

    Returns
    -------
    torch.Tensor, shape (m, 2)

    Examples
    --------
    >>> circle_points(4).round(decimals=6)
    tensor([[ 1.,  0.],
            [ 0.,  1.],
            [-1.,  0.],
            [-0., -1.]], dtype=torch.float64)
    """
    func = "circle_points"
    m = check_integer(m, name="m", func=func, minimum=1)
    offset = check_scalar(offset, name="offset", func=func)
    dtype = check_float_dtype(dtype, func=func)
    angles = offset + 2 * math.pi * torch.arange(m, dtype=dtype) / m
    return torch.stack([angles.cos(), angles.sin()], dim=-1)
