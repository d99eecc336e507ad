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

from ..validation import (
    SEED_LIMIT,
    as_float_tensor,
    check_array,
    check_choice,
    check_counts,
    check_finite,
    check_integer,
    check_seed,
    check_shape,
    reports_as,
)
from ..runtime import one_thread
from .linear import WEIGHTINGS, circle_points, gradient_flow, min_norm_interpolant, monomial_features, relative_error
from .representations import _frequency, circular_harmonic, coefficients, isotypic_decomposition, x, y

__all__ = [
    "DEGREE",
    "circle_moment",
    "errors_by_size",
    "exact_interpolant",
    "exact_relative_error",
    "features",
    "gradient_descent_run",
    "median_with_standard_error",
    "random_recovery_errors",
    "recovery",
    "target",
    "test_points",
]

DEGREE = 7
"""The degree of the polynomials, so that the model :math:`V_7` has dimension 8."""


def _model(weighting, d, func: str) -> tuple[str, int]:
    """Validate the weighting of the features and the degree ``d`` of the model :math:`V_d`."""
    return check_choice(weighting, WEIGHTINGS, name="weighting", func=func), check_integer(d, name="d", func=func,
                                                                                           minimum=0)


def features(weighting: str = "binomial", d: int = DEGREE):
    """The feature map of :math:`V_d` with the given weighting, as a callable of points.

    Examples
    --------
    >>> features(d=2)([[1.0, 1.0]])
    tensor([[1.0000, 1.4142, 1.0000]], dtype=torch.float64)
    """
    weighting, d = _model(weighting, d, "features")
    return partial(monomial_features, d=d, weighting=weighting)


def target(k: int, d: int = DEGREE):
    r"""The target :math:`r^d\cos k\theta`, as a callable of points; :math:`0 \le k \le d` and :math:`k \equiv d \pmod 2`.

    Examples
    --------
    >>> target(3, d=3)([[1.0, 0.0], [0.0, 1.0]])
    tensor([1., 0.], dtype=torch.float64)
    """
    d = check_integer(d, name="d", func="target", minimum=0)
    return partial(circular_harmonic, d=d, k=_frequency(k, d, "target"))


def test_points() -> torch.Tensor:
    """64 equally spaced points of the unit circle, where the test error is measured."""
    return circle_points(64)


def gradient_descent_run(points: int = 5, steps: int = 400, *, seed: int = 0) -> dict:
    r"""Explicit gradient descent from :math:`w = 0` on random points of the circle, beside its exact solution.

    ``points`` seeded uniform points of the unit circle get standard normal
    labels and the binomial features of :math:`V_7`. The step is
    :math:`\Delta t = n / (\lambda_{\max} + \lambda_{\min})`, with
    :math:`\lambda_i, u_i` the eigenpairs of the kernel matrix :math:`K`.
    Along :math:`u_i` the error is multiplied by
    :math:`\rho_i = |1 - 2\Delta t\lambda_i/n|` at each step, so
    :math:`\lVert w_j - w^\star\rVert = \big(\sum_i \rho_i^{2j} (u_i\cdot y)^2/\lambda_i\big)^{1/2}`.

    Returns
    -------
    dict
        ``"X"``, ``"labels"``, ``"phi"`` (the feature matrix :math:`\Phi`),
        ``"eigenvalues"``, ``"dt"``, ``"factors"`` (the :math:`\rho_i`),
        ``"path"`` (the weights, shape (steps + 1, 8)), ``"w_min"``
        (the minimum-norm interpolant's weights), ``"distance"`` (measured
        :math:`\lVert w_j - w^\star\rVert`) and ``"exact"`` (the formula above).

    Examples
    --------
    >>> run = gradient_descent_run(points=3, steps=50)
    >>> bool((run["distance"] - run["exact"]).abs().max() < 1e-12)
    True
    """
    func = "gradient_descent_run"
    points = check_integer(points, name="points", func=func, minimum=1)
    if points > DEGREE + 1:
        raise ValueError(f"{func}: points must be at most {DEGREE + 1}, the dimension of V_{DEGREE}, for an interpolant "
                         f"to exist (got {points})")
    steps = check_integer(steps, name="steps", func=func, minimum=0)
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    angles = 2 * math.pi * torch.rand(points, generator=generator, dtype=torch.float64)
    X = torch.stack([angles.cos(), angles.sin()], dim=-1)
    labels = torch.randn(points, generator=generator, dtype=torch.float64)
    feature_map = features()
    phi = feature_map(X)
    eigenvalues, eigenvectors = torch.linalg.eigh(phi @ phi.T)
    dt = points / float(eigenvalues.max() + eigenvalues.min())
    path = gradient_flow(feature_map, X, labels, dt=dt, steps=steps)
    w_min = min_norm_interpolant(feature_map, X, labels).weights
    factors = (1 - 2 * dt * eigenvalues / points).abs()
    j = torch.arange(steps + 1, dtype=torch.float64).unsqueeze(-1)
    exact = ((factors ** (2 * j)) * (eigenvectors.T @ labels) ** 2 / eigenvalues).sum(-1).sqrt()
    return {"X": X, "labels": labels, "phi": phi, "eigenvalues": eigenvalues, "dt": dt, "factors": factors,
            "path": path, "w_min": w_min, "distance": torch.linalg.vector_norm(path - w_min, dim=-1),
            "exact": exact}


@reports_as("recovery")
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
        The frequency of the target: :math:`0 \le k \le d`, :math:`k \equiv d \pmod 2`.
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
    weighting, d = _model(weighting, d, "recovery")
    truth = target(k, d)
    points = check_finite(as_float_tensor(points, name="points", func="recovery"), name="points", func="recovery")
    check_shape(points, ("...", "n", 2), name="points", func="recovery")
    fitted = min_norm_interpolant(features(weighting, d), points, truth(points))
    error = relative_error(fitted, truth, test_points())
    phi = features(weighting, d)(points)
    singular = torch.linalg.svdvals(phi)
    rank_floor = singular.amax(-1, keepdim=True) * max(phi.shape[-2:]) * torch.finfo(phi.dtype).eps
    kappa = singular.amax(-1) / torch.where(singular > rank_floor, singular, torch.inf).amin(-1)
    phi_test = features(weighting, d)(test_points())
    f_test = torch.linalg.vector_norm(truth(test_points()))
    gamma = 10 * sum(phi.shape[-2:]) * torch.finfo(phi.dtype).eps / 2
    w_norm = torch.linalg.vector_norm(fitted.weights, dim=-1)
    bound = gamma * (kappa * torch.linalg.matrix_norm(phi_test, ord=2) * w_norm + f_test) / f_test
    return error, bound


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
    seed = check_seed(seed, func=func)
    weighting, d = _model(weighting, d, func)
    return _random_recovery_errors(m, _frequency(k, d, func), trials, seed, weighting, d)


@lru_cache(maxsize=32)
@one_thread()
def _random_recovery_errors(m: int, k: int, trials: int, seed: int, weighting: str, d: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    angles = 2 * math.pi * torch.rand(trials, m, generator=generator, dtype=torch.float64)
    points = torch.stack([angles.cos(), angles.sin()], dim=-1)
    return recovery(points, k, weighting=weighting, d=d)[0]


def errors_by_size(k: int, *, sizes=tuple(range(1, 8)), trials: int = 2000, seed: int = 0) -> dict:
    r"""Test errors against the number of points: equally spaced orbits versus random points.

    For each size :math:`m` the orbit is :func:`~mltheory.symmetry.linear.circle_points`
    ``(m)`` (the :math:`C_m` orbit of :math:`(1, 0)`, which is also
    :math:`D_m`-invariant); the random sets are ``trials`` datasets of
    :math:`m` uniform points (:func:`random_recovery_errors`), drawn with the seed
    ``seed + m`` modulo :math:`2^{64}`. The invariant kernel :math:`(x\cdot x')^7`
    is used throughout.

    Returns
    -------
    dict
        ``"sizes"``; ``"orbit"``: the orbit's error for each size;
        ``"median"``, ``"lower"``, ``"upper"``: the median and quartiles of the random sets' errors.

    Examples
    --------
    >>> result = errors_by_size(3, sizes=(3,), trials=10)
    >>> float(result["orbit"][0]) < 1e-12
    True
    """
    func = "errors_by_size"
    return _errors_by_size(_frequency(k, DEGREE, func), check_counts(sizes, name="sizes", func=func),
                           check_integer(trials, name="trials", func=func, minimum=1),
                           check_seed(seed, func=func))


@lru_cache(maxsize=8)
def _errors_by_size(k: int, sizes: tuple, trials: int, seed: int) -> dict:
    orbit = torch.stack([recovery(circle_points(m), k)[0] for m in sizes])
    random = torch.stack([random_recovery_errors(m, k, trials=trials, seed=(seed + m) % SEED_LIMIT) for m in sizes])
    quartiles = torch.quantile(random, torch.tensor([0.25, 0.5, 0.75], dtype=random.dtype), dim=1)
    return {"sizes": tuple(sizes), "orbit": orbit, "lower": quartiles[0], "median": quartiles[1],
            "upper": quartiles[2]}


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
    ordered = torch.sort(check_array(samples, name="samples", func="median_with_standard_error").flatten())[0]
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
    a = check_integer(a, name="a", func="circle_moment", minimum=0)
    b = check_integer(b, name="b", func="circle_moment", minimum=0)
    if a % 2 or b % 2:
        return sp.Integer(0)
    return sp.factorial2(a - 1) * sp.factorial2(b - 1) / sp.factorial2(a + b)


def _circle_norm_squared(p, d: int):
    """The exact average of p(cos θ, sin θ)² over the circle, for p in V_d."""
    c = coefficients(p, d)
    gram = sp.Matrix(d + 1, d + 1, lambda i, j: circle_moment(2 * d - i - j, i + j))
    return sp.expand((c.T * gram * c)[0])


def _angles(angles, d: int, func: str) -> list:
    """Validate the angles of at most ``d + 1`` data points: real, finite sympy numbers (or Python numbers)."""
    if isinstance(angles, (str, bytes)) or not hasattr(angles, "__iter__"):
        raise TypeError(f"{func}: angles must be a sequence of real numbers (got {type(angles).__name__})")
    exact = []
    for angle in angles:
        if isinstance(angle, (str, bytes)):  # sympify would parse it, and a symbol never inverts in reasonable time
            raise TypeError(f"{func}: angles must be real numbers, not strings (got {angle!r})")
        try:
            angle = sp.sympify(angle, strict=True)
        except sp.SympifyError:
            raise TypeError(f"{func}: angles must be real numbers (got {type(angle).__name__})") from None
        value = complex(angle.evalf()) if angle.is_number else None
        if value is None or value.imag != 0 or not math.isfinite(value.real):
            raise ValueError(f"{func}: angles must be finite real numbers (got {angle})")
        exact.append(angle)
    if not 1 <= len(exact) <= d + 1:
        raise ValueError(f"{func}: angles must hold 1 to d + 1 = {d + 1} angles, the dimension of V_d "
                         f"(got {len(exact)})")
    return exact


def exact_interpolant(angles, k: int, *, weighting: str = "binomial", d: int = DEGREE):
    r"""The minimum-norm interpolant of :math:`r^d\cos k\theta` at the given angles, in exact arithmetic.

    Parameters
    ----------
    angles : sequence of sympy expressions
        The angles of the data points on the unit circle, e.g. ``[0, 2*pi/3, 4*pi/3]``:
        real numbers (not strings), at most :math:`d + 1`, at points whose features are linearly independent.
    k : int
        The frequency: :math:`0 \le k \le d`, :math:`k \equiv d \pmod 2`.
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
    func = "exact_interpolant"
    weighting, d = _model(weighting, d, func)
    k = _frequency(k, d, func)
    angles = _angles(angles, d, func)
    weights = sp.Matrix([sp.sqrt(sp.binomial(d, j)) if weighting == "binomial" else 1 for j in range(d + 1)])
    points = [(sp.cos(a), sp.sin(a)) for a in angles]
    phi = sp.Matrix([[weights[j] * px ** (d - j) * py**j for j in range(d + 1)] for px, py in points])
    values = sp.Matrix([sp.cos(k * a) for a in angles])
    try:
        w = phi.T * (phi * phi.T).inv() * values
    except sp.matrices.exceptions.NonInvertibleMatrixError:
        raise ValueError(f"{func}: the features at angles must be linearly independent, as they are not when "
                         f"two points coincide or are opposite (got {angles})") from None
    return sp.expand(sum(w[j] * weights[j] * x ** (d - j) * y**j for j in range(d + 1)))


@reports_as("exact_relative_error")
def exact_relative_error(angles, k: int, *, weighting: str = "binomial", d: int = DEGREE):
    r"""The relative :math:`L^2` error on the circle of :func:`exact_interpolant`, as an exact number.

    Examples
    --------
    >>> exact_relative_error([0, 2 * sp.pi / 3, 4 * sp.pi / 3], 3, d=3)
    0
    """
    fitted = exact_interpolant(angles, k, weighting=weighting, d=d)
    truth = isotypic_decomposition(d)[k][0]  # k and d were checked by exact_interpolant
    return sp.sqrt(sp.nsimplify(sp.radsimp(_circle_norm_squared(fitted - truth, d) / _circle_norm_squared(truth, d))))
