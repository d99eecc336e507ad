r"""Learning :math:`r^7\cos k\theta` from fewer than eight points: the experiments of the degree-7 page.

The model is :math:`V_7`, the homogeneous polynomials of degree 7 in two
variables (dimension 8), with the features of
:func:`~mltheory.symmetry.linear.monomial_features`; the learned function is
the minimum-norm interpolant, where gradient flow from :math:`w = 0` ends.
The test error is the relative :math:`L^2` error on the unit circle, which
:func:`~mltheory.symmetry.linear.relative_error` computes exactly on 64
equally spaced points (a polynomial of degree 7 squared has degree 14 < 64).

Besides the float64 computations this module redoes the simplest ones in
exact arithmetic (sympy), so that "exact recovery" can be checked as an
identity and an error such as 0.22 has an exact reference value.
"""

from __future__ import annotations

import math
from functools import lru_cache, partial

import sympy as sp
import torch

from ..validation import as_float_tensor, check_integer
from .linear import circle_points, min_norm_interpolant, monomial_features, relative_error
from .representations import circular_harmonic, coefficients, isotypic_decomposition, x, y

__all__ = [
    "DEGREE",
    "circle_moment",
    "exact_interpolant",
    "exact_relative_error",
    "features",
    "median_with_standard_error",
    "random_recovery_errors",
    "recovery",
    "target",
    "test_points",
]

DEGREE = 7
"""The degree of the polynomials: :math:`\\dim V_7 = 8`."""


def features(weighting: str = "binomial", d: int = DEGREE):
    """The feature map of :math:`V_d` with the given weighting, as a callable of points."""
    return partial(monomial_features, d=d, weighting=weighting)


def target(k: int, d: int = DEGREE):
    r"""The target :math:`r^d\cos k\theta`, as a callable of points."""
    return partial(circular_harmonic, d=d, k=k)


def test_points() -> torch.Tensor:
    """64 equally spaced points of the unit circle, where the test error is measured."""
    return circle_points(64)


def recovery(points, k: int, *, weighting: str = "binomial", d: int = DEGREE) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Fit :math:`r^d\cos k\theta` from its values at ``points``; return the test error and its rounding bound.

    The error is computed in float64. The bound limits how far the computed
    error can be from the error in exact arithmetic: for a backward-stable
    minimum-norm solve, the computed weights satisfy
    :math:`\lVert \delta w\rVert \le \gamma\,\kappa(\Phi)\,\lVert w\rVert` with
    :math:`\gamma = 10\,(n + p)\,u`, :math:`u` the unit roundoff and
    :math:`\kappa(\Phi)` the condition number of the feature matrix on its
    range (Higham 2002, ch. 20–21), so the test error moves by at most

    .. math::

        \gamma\,\frac{\kappa(\Phi)\,\lVert\Phi_{\text{test}}\rVert_2\,\lVert w\rVert
        + \lVert f_{\text{test}}\rVert}{\lVert f_{\text{test}}\rVert},

    the last term covering the rounding of the target values.

    Parameters
    ----------
    points : array_like, shape (..., n, 2)
        The training inputs; leading dimensions fit many datasets at once.
    k : int
        The frequency of the target.
    weighting : {"binomial", "plain"}, default "binomial"
    d : int, default 7

    Returns
    -------
    error, bound : torch.Tensor, each of shape (...)

    Examples
    --------
    >>> error, bound = recovery(circle_points(3), 3)
    >>> bool(error <= bound), bool(bound < 1e-12)
    (True, True)
    """
    points = as_float_tensor(points, name="points", func="recovery")
    fitted = min_norm_interpolant(features(weighting, d), points, target(k, d)(points))
    error = relative_error(fitted, target(k, d), test_points())
    phi = features(weighting, d)(points)
    singular = torch.linalg.svdvals(phi)
    rank_floor = singular.amax(-1, keepdim=True) * max(phi.shape[-2:]) * torch.finfo(phi.dtype).eps
    kappa = singular.amax(-1) / torch.where(singular > rank_floor, singular, torch.inf).amin(-1)
    phi_test = features(weighting, d)(test_points())
    f_test = torch.linalg.vector_norm(target(k, d)(test_points()))
    gamma = 10 * sum(phi.shape[-2:]) * torch.finfo(phi.dtype).eps / 2
    w_norm = torch.linalg.vector_norm(fitted.weights, dim=-1)
    bound = gamma * (kappa * torch.linalg.matrix_norm(phi_test, ord=2) * w_norm + f_test) / f_test
    return error, bound


@lru_cache(maxsize=32)
def random_recovery_errors(m: int, k: int, *, trials: int, seed: int, weighting: str = "binomial",
                           d: int = DEGREE) -> torch.Tensor:
    r"""Test errors for ``trials`` datasets of ``m`` independent uniformly random points of the unit circle.

    All datasets are fitted in one batched call.

    Returns
    -------
    torch.Tensor, shape (trials,)

    Examples
    --------
    >>> random_recovery_errors(3, 3, trials=5, seed=0).shape
    torch.Size([5])
    """
    func = "random_recovery_errors"
    m = check_integer(m, name="m", func=func, minimum=1)
    trials = check_integer(trials, name="trials", func=func, minimum=1)
    generator = torch.Generator().manual_seed(check_integer(seed, name="seed", func=func))
    angles = 2 * math.pi * torch.rand(trials, m, generator=generator, dtype=torch.float64)
    points = torch.stack([angles.cos(), angles.sin()], dim=-1)
    return recovery(points, k, weighting=weighting, d=d)[0]


def median_with_standard_error(samples) -> tuple[float, float]:
    r"""The sample median and a distribution-free standard error for it.

    The number of samples below the true median is Binomial(:math:`N`, 1/2),
    with standard deviation :math:`\sqrt N/2`, so the order statistics of
    ranks :math:`N/2 \mp \sqrt N/2` bracket the median by about one standard
    error; half their distance is returned as the standard error.

    Examples
    --------
    >>> median, se = median_with_standard_error(torch.linspace(0, 1, 10_001))
    >>> round(median, 6), round(se, 3)  # for a uniform sample: 1 / (2 sqrt(N))
    (0.5, 0.005)
    """
    ordered = torch.sort(as_float_tensor(samples, name="samples", func="median_with_standard_error").flatten())[0]
    n = len(ordered)
    if n < 4:
        raise ValueError(f"median_with_standard_error: need at least 4 samples (got {n})")
    half_width = math.sqrt(n) / 2
    low = ordered[max(int(math.floor(n / 2 - half_width)), 0)]
    high = ordered[min(int(math.ceil(n / 2 + half_width)), n - 1)]
    return float(ordered.median()), float(high - low) / 2


# --------------------------------------------------------------------------- exact arithmetic

def circle_moment(a: int, b: int) -> sp.Rational:
    r"""The average of :math:`\cos^a\theta\,\sin^b\theta` over the circle, exactly.

    It is 0 unless :math:`a` and :math:`b` are both even, and then
    :math:`\frac{(a-1)!!\,(b-1)!!}{(a+b)!!}`.

    Examples
    --------
    >>> circle_moment(2, 0), circle_moment(2, 2), circle_moment(1, 1)
    (1/2, 1/8, 0)
    """
    if a % 2 or b % 2:
        return sp.Integer(0)
    return sp.factorial2(a - 1) * sp.factorial2(b - 1) / sp.factorial2(a + b)


def _circle_norm_squared(p, d: int):
    """The exact average of p(cos θ, sin θ)² over the circle, for p in V_d."""
    c = coefficients(p, d)
    gram = sp.Matrix(d + 1, d + 1, lambda i, j: circle_moment(2 * d - i - j, i + j))
    return sp.expand((c.T * gram * c)[0])


def exact_interpolant(angles, k: int, *, weighting: str = "binomial", d: int = DEGREE):
    r"""The minimum-norm interpolant of :math:`r^d\cos k\theta` at the given angles, in exact arithmetic.

    Parameters
    ----------
    angles : sequence of sympy expressions
        The angles of the data points on the unit circle, e.g. ``[0, 2*pi/3, 4*pi/3]``.
    k : int
    weighting : {"binomial", "plain"}, default "binomial"
    d : int, default 7

    Returns
    -------
    sympy expression
        A polynomial in :data:`~mltheory.symmetry.representations.x` and ``y``.

    Examples
    --------
    >>> exact_interpolant([0, 2 * sp.pi / 3, 4 * sp.pi / 3], 3, d=3)
    x**3 - 3*x*y**2
    """
    weights = sp.Matrix([sp.sqrt(sp.binomial(d, j)) if weighting == "binomial" else 1 for j in range(d + 1)])
    points = [(sp.cos(a), sp.sin(a)) for a in angles]
    phi = sp.Matrix([[weights[j] * px ** (d - j) * py**j for j in range(d + 1)] for px, py in points])
    values = sp.Matrix([sp.cos(k * sp.sympify(a)) for a in angles])
    w = phi.T * (phi * phi.T).inv() * values
    return sp.expand(sum(w[j] * weights[j] * x ** (d - j) * y**j for j in range(d + 1)))


def exact_relative_error(angles, k: int, *, weighting: str = "binomial", d: int = DEGREE):
    r"""The relative :math:`L^2` error on the circle of :func:`exact_interpolant`, as an exact number.

    Examples
    --------
    >>> exact_relative_error([0, 2 * sp.pi / 3, 4 * sp.pi / 3], 3, d=3)
    0
    """
    fitted = exact_interpolant(angles, k, weighting=weighting, d=d)
    truth = isotypic_decomposition(d)[k][0]
    return sp.sqrt(sp.nsimplify(sp.radsimp(_circle_norm_squared(fitted - truth, d) / _circle_norm_squared(truth, d))))
