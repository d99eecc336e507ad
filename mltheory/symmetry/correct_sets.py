r"""Where a learned function is right: correct and error sets of interpolants in :math:`V_7`.

For a learned :math:`h` and a target :math:`f` on inputs :math:`X`, the
*correct set* is :math:`X_c = \{x \in X : h(x) = f(x)\}` and the *error set*
:math:`X_e = X \setminus X_c`. With real outputs we count a prediction as
correct when it is within a tolerance :math:`\tau` of the target. These
experiments take :math:`X` to be the unit circle (a fine grid of it) and the
model :math:`V_7` of the part, homogeneous polynomials of degree 7 in two
variables (:mod:`mltheory.symmetry.degree_seven`):

* :func:`two_interpolants`: two exact minimisers of the loss on the same data,
  right on different arcs, so that two test sets rank them in opposite orders;
* :func:`adversarial_target`: for any interpolating learner, a target *in*
  :math:`V_7` with the same data on which the learner is wrong everywhere off
  the lines through the data points.
"""

from __future__ import annotations

import math

import torch

from ..validation import check_integer, check_scalar, check_seed
from .degree_seven import DEGREE, features
from .linear import Interpolant, circle_points, min_norm_interpolant

__all__ = ["adversarial_target", "line_product", "two_interpolants"]

_DATA_ANGLES = (0.3, 2.4, 4.3)
"""Angles of the three data points on the unit circle, none two on one line through 0."""


def _points(angles) -> torch.Tensor:
    angles = torch.as_tensor(angles, dtype=torch.float64)
    return torch.stack([angles.cos(), angles.sin()], dim=-1)


def _target(points: torch.Tensor) -> torch.Tensor:
    r"""The target of :func:`two_interpolants`: :math:`r^7(\tfrac12\sin(3\theta + 1) + \tfrac15\cos\theta + \tfrac{3}{20}\cos 9\theta)`, not in :math:`V_7`."""
    angle = torch.atan2(points[..., 1], points[..., 0])
    radius = points.norm(dim=-1) ** DEGREE
    return radius * (0.5 * torch.sin(3 * angle + 1) + 0.2 * torch.cos(angle) + 0.15 * torch.cos(9 * angle))


def two_interpolants(*, grid: int = 720, tolerance: float = 0.05, test_size: int = 60, seed: int = 0) -> dict:
    r"""Two interpolants of the same three points, right on different arcs, and two test sets that disagree.

    Both :math:`h_A` and :math:`h_B` lie in :math:`V_7` and pass through the
    three data points :math:`D` exactly, so both have zero training loss.
    They are the minimum-norm interpolants of :math:`D` together with four more
    values of the target on arc :math:`A = (0.5, 1.5)` (for :math:`h_A`) or on
    arc :math:`B = (1.7, 2.2) \cup (2.6, 3.1)` (for :math:`h_B`), angles in
    radians. Test set :math:`D'_A` holds ``test_size`` seeded uniform angles of
    :math:`A`, and :math:`D'_B` as many of :math:`B`.

    Parameters
    ----------
    grid : int, default 720
        Equally spaced points of the circle on which :math:`X_c` is counted.
    tolerance : float, default 0.05
        :math:`\tau`: a prediction within :math:`\tau` of the target counts as correct.
    test_size : int, default 60
        Points in each test set.
    seed : int, default 0
        Seed of the test sets.

    Returns
    -------
    dict
        ``models`` (``{"A": h_A, "B": h_B}``), ``data`` (the points of
        :math:`D`), ``train_residual`` (largest :math:`|h(x) - f(x)|` over
        :math:`D` for either model), ``train_bound`` (its float64 rounding
        bound), ``correct`` (``{"A": |X_c(h_A)|, "B": |X_c(h_B)|}`` on the
        grid), ``overlap`` (:math:`|X_c(h_A) \cap X_c(h_B)|`), ``grid``,
        ``accuracy`` (``{(model, test set): fraction correct}``) and
        ``ranking_product``: the sign of the accuracy difference
        :math:`h_A - h_B` on :math:`D'_A` times its sign on :math:`D'_B`
        (:math:`-1` when the two test sets rank the models oppositely).

    Examples
    --------
    >>> result = two_interpolants(grid=360)
    >>> result["ranking_product"], result["train_residual"] <= result["train_bound"]
    (-1, True)
    """
    func = "two_interpolants"
    grid = check_integer(grid, name="grid", func=func, minimum=8)
    tolerance = check_scalar(tolerance, name="tolerance", func=func, low=0, low_open=True)
    test_size = check_integer(test_size, name="test_size", func=func, minimum=1)
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    data = _points(_DATA_ANGLES)
    arcs = {"A": [(0.5, 1.5)], "B": [(1.7, 2.2), (2.6, 3.1)]}
    feature_map = features()
    models, tests = {}, {}
    for name, pieces in arcs.items():
        extra = torch.cat([torch.linspace(lo, hi, 4 // len(pieces) + 2, dtype=torch.float64)[1:-1]
                           for lo, hi in pieces])
        X = torch.cat([data, _points(extra)])
        models[name] = min_norm_interpolant(feature_map, X, _target(X))
        u = torch.rand(test_size, generator=generator, dtype=torch.float64)
        lengths = torch.tensor([hi - lo for lo, hi in pieces], dtype=torch.float64)
        position = u * lengths.sum()
        starts = torch.tensor([lo for lo, _ in pieces], dtype=torch.float64)
        piece = (position[:, None] >= lengths.cumsum(0)[None, :]).sum(1).clamp(max=len(pieces) - 1)
        tests[name] = _points(starts[piece] + position - (lengths.cumsum(0) - lengths)[piece])
    circle = circle_points(grid)
    correct_sets = {name: (h(circle) - _target(circle)).abs() <= tolerance for name, h in models.items()}
    accuracy = {(name, test): ((h(points) - _target(points)).abs() <= tolerance).double().mean().item()
                for name, h in models.items() for test, points in tests.items()}
    sign_a = math.copysign(1, accuracy["A", "A"] - accuracy["B", "A"])
    sign_b = math.copysign(1, accuracy["A", "B"] - accuracy["B", "B"])
    if accuracy["A", "A"] == accuracy["B", "A"] or accuracy["A", "B"] == accuracy["B", "B"]:
        sign_a = sign_b = 0.0
    residuals = [_residual_and_bound(h, data) for h in models.values()]
    return {
        "models": models, "data": data, "grid": grid, "tests": tests,
        "train_residual": max(r for r, _ in residuals), "train_bound": min(b for _, b in residuals),
        "correct": {name: int(mask.sum()) for name, mask in correct_sets.items()},
        "overlap": int((correct_sets["A"] & correct_sets["B"]).sum()),
        "accuracy": accuracy, "ranking_product": int(sign_a * sign_b),
    }


def _residual_and_bound(h: Interpolant, data: torch.Tensor) -> tuple[float, float]:
    r"""Largest :math:`|h(x_i) - f(x_i)|` on the data, and its bound :math:`10(n + p)u(\lVert\Phi\rVert\lVert w\rVert + \lVert y\rVert)`.

    A backward-stable minimum-norm solve leaves a residual of at most a small
    multiple of :math:`u(\lVert\Phi\rVert_2\lVert w\rVert + \lVert y\rVert)` (Higham 2002, ch. 20).
    """
    phi = h.features(data)
    y = _target(data)
    residual = (h(data) - y).abs().max().item()
    u = torch.finfo(torch.float64).eps / 2
    bound = 10 * sum(phi.shape) * u * (torch.linalg.matrix_norm(phi, ord=2) * h.weights.norm() + y.norm())
    return residual, bound.item()


def _solve_bound(phi: torch.Tensor, weights: torch.Tensor) -> float:
    r"""How far two minimum-norm solves whose labels agree to rounding can differ: :math:`10(n + p)u\,\kappa(\Phi)\lVert w\rVert` (Higham 2002, ch. 20–21)."""
    singular = torch.linalg.svdvals(phi)
    u = torch.finfo(phi.dtype).eps / 2
    return (10 * sum(phi.shape) * u * singular.max() / singular.min() * weights.norm()).item()


def line_product(points, data) -> torch.Tensor:
    r"""The polynomial :math:`q(x) = \prod_i (x_{i,1} x_2 - x_{i,2} x_1)` that vanishes on the lines through 0 and each data point.

    On the unit circle, at angle :math:`\theta`, with data at angles
    :math:`\theta_i`, it equals :math:`\prod_i \sin(\theta - \theta_i)`.
    It is homogeneous of degree :math:`n` (the number of data points), and
    it is exactly ``0.0`` in floating point at every data point.

    Parameters
    ----------
    points : array_like, shape (..., m, 2)
    data : array_like, shape (n, 2)

    Returns
    -------
    torch.Tensor, shape (..., m)

    Examples
    --------
    >>> data = torch.tensor([[0.6, 0.8], [1.0, 0.0]], dtype=torch.float64)
    >>> line_product(data, data).abs().tolist()
    [0.0, 0.0]
    """
    from ..validation import as_float_tensor, check_finite, check_shape

    func = "line_product"
    points = check_finite(as_float_tensor(points, name="points", func=func), name="points", func=func)
    data = check_finite(as_float_tensor(data, name="data", func=func), name="data", func=func)
    check_shape(points, ("...", "m", 2), name="points", func=func)
    check_shape(data, ("n", 2), name="data", func=func)
    factors = data[:, 0] * points[..., 1, None] - data[:, 1] * points[..., 0, None]
    return factors.prod(-1)


def adversarial_target(*, grid: int = 720, seed: int = 0) -> dict:
    r"""A target in :math:`V_7` with the same data as another, on which the learned function is wrong off :math:`\pm D`.

    Three data points :math:`D` get standard normal labels; the learner is the
    minimum-norm interpolant (where gradient flow ends) and returns
    :math:`h \in V_7`. The adversarial target is
    :math:`g = h + q\,(x_1^2 + x_2^2)^2`, with :math:`q` of :func:`line_product`,
    a polynomial of degree :math:`3 + 4 = 7`, so :math:`g \in V_7`, and
    :math:`g = h` on :math:`D` exactly. Trained on :math:`g`'s data the learner
    sees the same numbers and returns the same :math:`h`. On the unit circle
    :math:`g - h = \prod_i \sin(\theta - \theta_i)`, which vanishes only at
    :math:`\pm D`.

    Parameters
    ----------
    grid : int, default 720
        Equally spaced angles at which :math:`h = g` is tested, shifted by half
        a step so that none is a data angle or its opposite.
    seed : int, default 0
        Seed of the labels.

    Returns
    -------
    dict
        ``data_gap`` (largest :math:`|g - h|` on :math:`D`, 0 exactly),
        ``refit_gap`` (largest change of the learned weights when trained on
        :math:`g` instead of the first labels) and ``refit_bound`` (its float64
        rounding bound :math:`10(n + p)u\,\kappa(\Phi)\lVert w\rVert`, for labels
        that agree to rounding), ``correct_fraction`` (fraction
        of grid points where :math:`|g - h|` is within rounding, :math:`8u(|g| + |h|)`),
        ``smallest_gap`` (smallest :math:`|g - h|` on the grid), ``h`` and ``g``.

    Examples
    --------
    >>> result = adversarial_target(grid=90)
    >>> result["data_gap"], result["refit_gap"] <= result["refit_bound"], result["correct_fraction"]
    (0.0, True, 0.0)
    """
    func = "adversarial_target"
    grid = check_integer(grid, name="grid", func=func, minimum=1)
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    data = _points(_DATA_ANGLES)
    labels = torch.randn(len(data), generator=generator, dtype=torch.float64)
    feature_map = features()
    h = min_norm_interpolant(feature_map, data, labels)

    def g(points):
        points = torch.as_tensor(points, dtype=torch.float64)
        return h(points) + line_product(points, data) * points.pow(2).sum(-1) ** 2

    refit = min_norm_interpolant(feature_map, data, g(data))
    angles = (torch.arange(grid, dtype=torch.float64) + 0.5) * (2 * math.pi / grid)
    circle = _points(angles)
    values_h, values_g = h(circle), g(circle)
    gap = (values_g - values_h).abs()
    rounding = 8 * (torch.finfo(torch.float64).eps / 2) * (values_g.abs() + values_h.abs())
    return {
        "h": h, "g": g, "data": data,
        "data_gap": (g(data) - h(data)).abs().max().item(),
        "refit_gap": (refit.weights - h.weights).abs().max().item(),
        "refit_bound": _solve_bound(feature_map(data), h.weights),
        "correct_fraction": (gap <= rounding).double().mean().item(),
        "smallest_gap": gap.min().item(),
    }
