r"""Signal propagation in deep random networks: the mean-field maps, the order-to-chaos line, and finite networks.

In a wide random network with weights of variance :math:`\sigma_w^2/n` and biases of variance
:math:`\sigma_b^2`, the pre-activations of each layer are Gaussian (the NNGP limit of
:mod:`mltheory.kernels.layers`). Two numbers describe how a signal moves through the layers
(Poole et al. 2016; Schoenholz et al. 2017):

- the *length map* :math:`q \mapsto \sigma_w^2 E[\phi(\sqrt q z)^2] + \sigma_b^2`, whose fixed point
  :math:`q^*` is the length a signal settles at;
- the *correlation map* of two inputs at that length, whose slope at :math:`c = 1` is
  :math:`\chi_1 = \sigma_w^2 E[\phi'(\sqrt{q^*} z)^2]`. For :math:`\chi_1 < 1` nearby inputs converge
  (order), for :math:`\chi_1 > 1` they separate (chaos); :math:`\chi_1 = 1` is the critical line.

For ReLU and erf the Gaussian expectations are the closed forms of
:func:`~mltheory.kernels.layers.relu_expectations` and :func:`~mltheory.kernels.layers.erf_expectations`;
for tanh they are computed numerically (Simpson's rule for one input, Gauss–Hermite quadrature for two). Fixed points and the critical line are solved by
Newton's method (fixed-point iteration converges ever more slowly as :math:`\chi_1 \to 1`).

The finite-network experiments :func:`signal_propagation` and :func:`residual_growth` measure what
these maps predict.
"""

from __future__ import annotations

import functools
import math
from typing import Callable

import numpy as np
import torch

from ..networks import INITIALISATIONS, init_weight
from ..validation import (
    check_array,
    check_choice,
    check_flag,
    check_integer,
    check_scalar,
    check_seed,
    next_seed,
)
from .layers import _erf, _relu

__all__ = [
    "ACTIVATIONS",
    "chi1",
    "correlation_map",
    "critical_weight_variance",
    "length_fixed_point",
    "length_map",
    "residual_growth",
    "signal_propagation",
]

ACTIVATIONS = ("relu", "erf", "tanh")
"""The activations of the mean-field maps."""

_QUADRATURE_NODES = 121


@functools.lru_cache(maxsize=1)
def _hermite() -> tuple[torch.Tensor, torch.Tensor]:
    """Gauss–Hermite nodes and weights for :math:`E[f(z)]`, :math:`z \\sim \\mathcal N(0, 1)`."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(_QUADRATURE_NODES)
    return torch.tensor(nodes), torch.tensor(weights / math.sqrt(2 * math.pi))


def _tanh_expectations(q: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r""":math:`E[\tanh u \tanh v]` and :math:`E[\tanh' u \tanh' v]` for variances ``q`` and correlation ``c``, by quadrature."""
    z, w = _hermite()
    root = torch.sqrt(q)[..., None, None]
    c = c[..., None, None]
    u = root * z[:, None]
    v = root * (c * z[:, None] + torch.sqrt((1 - c**2).clamp(min=0)) * z[None, :])
    weight = w[:, None] * w[None, :]
    tu, tv = torch.tanh(u), torch.tanh(v)
    return (weight * tu * tv).sum((-2, -1)), (weight * (1 - tu**2) * (1 - tv**2)).sum((-2, -1))


_GRID = torch.linspace(-1.0, 1.0, 4001, dtype=torch.float64)


def _tanh_moments(q: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r""":math:`E[\tanh^2 u]` and :math:`E[\tanh'(u)^2]` for :math:`u \sim \mathcal N(0, q)`, on a fine grid in :math:`u`.

    The grid spans :math:`\lvert u\rvert \le U = \min(10\sqrt q, 40)` (Simpson's rule); beyond 40,
    :math:`\tanh^2 u = 1` and :math:`\tanh' u = 0` in double precision, so the tail adds its probability
    to the first expectation only. Accurate at every :math:`q > 0`, also where the Gauss–Hermite nodes are
    too coarse for the narrow peak of :math:`\tanh'(\sqrt q z)^2`.
    """
    q = q[..., None]
    bound = torch.minimum(10 * torch.sqrt(q), torch.full_like(q, 40.0))
    u = bound * _GRID
    weights = torch.ones(len(_GRID), dtype=torch.float64)
    weights[1:-1:2], weights[2:-1:2] = 4.0, 2.0
    weights = weights * (bound * (_GRID[1] - _GRID[0]) / 3)
    density = torch.exp(-u**2 / (2 * q)) / torch.sqrt(2 * math.pi * q)
    t = torch.tanh(u)
    tail = torch.erfc(bound[..., 0] / torch.sqrt(2 * q[..., 0]))
    return (weights * density * t**2).sum(-1) + tail, (weights * density * (1 - t**2) ** 2).sum(-1)


def _expectations(activation: str, q: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r""":math:`E[\phi(u)\phi(v)]` and :math:`E[\phi'(u)\phi'(v)]` for two inputs of variance ``q`` and correlation ``c``."""
    if activation == "tanh":
        if bool((c == 1).all()) and bool((q > 0).all()):
            return _tanh_moments(q)
        return _tanh_expectations(q, c)
    return (_relu if activation == "relu" else _erf)(q, q, c * q)


def _check(activation, weight_var, bias_var, func: str) -> tuple[str, float, float]:
    activation = check_choice(activation, ACTIVATIONS, name="activation", func=func)
    weight_var = check_scalar(weight_var, name="weight_var", func=func, low=0, low_open=True)
    bias_var = check_scalar(bias_var, name="bias_var", func=func, low=0)
    return activation, weight_var, bias_var


def length_map(q, activation: str, weight_var: float, bias_var: float = 0.0) -> torch.Tensor:
    r"""The length map :math:`q \mapsto \sigma_w^2 E[\phi(\sqrt q\,z)^2] + \sigma_b^2`, :math:`z \sim \mathcal N(0, 1)`.

    It takes the variance :math:`q^{l}` of a pre-activation of layer :math:`l` to that of layer :math:`l + 1`.

    Parameters
    ----------
    q : array_like
        Non-negative variances.
    activation : {"relu", "erf", "tanh"}
    weight_var : float
        :math:`\sigma_w^2`, positive.
    bias_var : float, default 0
        :math:`\sigma_b^2`, non-negative.

    Returns
    -------
    torch.Tensor, the shape of ``q``

    Examples
    --------
    >>> length_map([1.0, 4.0], "relu", 2.0)  # He's choice keeps the length: 2 * q / 2
    tensor([1., 4.], dtype=torch.float64)
    """
    func = "length_map"
    activation, weight_var, bias_var = _check(activation, weight_var, bias_var, func)
    q = check_array(q, name="q", func=func, nonnegative=True)
    return _length(activation, weight_var, bias_var, q)


def _length(activation, weight_var, bias_var, q):
    return weight_var * _expectations(activation, q, torch.ones_like(q))[0] + bias_var


def length_fixed_point(activation: str, weight_var: float, bias_var: float = 0.0) -> float:
    r"""The stable fixed point :math:`q^*` of :func:`length_map`, by Newton's method.

    For ReLU the map is linear, :math:`q \mapsto \sigma_w^2 q/2 + \sigma_b^2`, so
    :math:`q^* = \sigma_b^2/(1 - \sigma_w^2/2)` for :math:`\sigma_w^2 < 2` and there is no finite fixed point
    for :math:`\sigma_w^2 \ge 2` (except :math:`q^* = 0` without biases at :math:`\sigma_w^2 = 2`, where every
    length is kept). For erf and tanh without biases :math:`q^* = 0` while :math:`\sigma_w^2\phi'(0)^2 \le 1`.

    Parameters
    ----------
    activation : {"relu", "erf", "tanh"}
    weight_var : float
    bias_var : float, default 0

    Returns
    -------
    float
        ``math.inf`` when the length grows without bound.

    Examples
    --------
    >>> length_fixed_point("relu", 1.0, 0.5)
    1.0
    >>> round(length_fixed_point("tanh", 1.5, 0.05), 6) == round(float(length_map(
    ...     length_fixed_point("tanh", 1.5, 0.05), "tanh", 1.5, 0.05)), 6)
    True
    """
    func = "length_fixed_point"
    activation, weight_var, bias_var = _check(activation, weight_var, bias_var, func)
    return _fixed_point(activation, weight_var, bias_var, func)


def _fixed_point(activation, weight_var, bias_var, func):
    if activation == "relu":
        if bias_var == 0 and weight_var <= 2:
            return 0.0
        return bias_var / (1 - weight_var / 2) if weight_var < 2 else math.inf
    slope_at_zero = weight_var * float(_expectations(activation, torch.zeros((), dtype=torch.float64),
                                                     torch.ones((), dtype=torch.float64))[1])
    if bias_var == 0 and slope_at_zero <= 1 + 1e-12:  # the rounding of, e.g., (pi/4) (4/pi)
        return 0.0
    # q* > 0 solves q = length_map(q). As phi^2 <= 1, q* <= weight_var + bias_var; the residual is concave in q,
    # so Newton's method from that bound decreases monotonically to the largest root, q*.
    return _newton(lambda q: _length(activation, weight_var, bias_var, q) - q, weight_var + bias_var, func)


def _newton(residual: Callable[[torch.Tensor], torch.Tensor], start: float, func: str,
            tol: float = 1e-13, max_steps: int = 100) -> float:
    """A root of a scalar function by Newton's method, the derivative by autograd, in float64."""
    x = torch.tensor(float(start), dtype=torch.float64)
    for _ in range(max_steps):
        point = x.clone().requires_grad_(True)
        value = residual(point)
        (slope,) = torch.autograd.grad(value, point)
        step = float(value.detach()) / float(slope)
        x = x - step
        if abs(step) <= tol * (1 + abs(float(x))):
            return float(x)
    raise RuntimeError(f"{func}: Newton's method did not converge in {max_steps} steps (last step {step:.3g})")


def correlation_map(c, activation: str, weight_var: float, bias_var: float = 0.0) -> torch.Tensor:
    r"""The correlation map of two inputs at the fixed length :math:`q^*`: :math:`c \mapsto (\sigma_w^2 E[\phi(u)\phi(v)] + \sigma_b^2)/q^*`.

    Here :math:`(u, v)` is centred Gaussian with variances :math:`q^*` and correlation :math:`c`. The map
    fixes :math:`c = 1`, and its slope there is :func:`chi1`.

    Parameters
    ----------
    c : array_like
        Correlations in [-1, 1].
    activation : {"relu", "erf", "tanh"}
    weight_var : float
    bias_var : float, default 0
        Together with ``weight_var``, such that :math:`0 < q^* < \infty`.

    Returns
    -------
    torch.Tensor, the shape of ``c``

    Notes
    -----
    For tanh the two-input expectation uses :math:`121^2` Gauss–Hermite nodes (at :math:`c = 1`, the
    one-input rule of :func:`length_map`). Its error is below :math:`10^{-7}` for :math:`q^* \le 2`, the
    range of the book's figures, but grows with the length, to about :math:`2\cdot 10^{-4}` at
    :math:`q^* = 10`, as :math:`\tanh(\sqrt{q^*}z)` approaches a step that the nodes cannot resolve.

    Examples
    --------
    >>> correlation_map([0.0, 1.0], "relu", 1.0, 0.5).round(decimals=4)  # q* = 1
    tensor([0.6592, 1.0000], dtype=torch.float64)
    """
    func = "correlation_map"
    activation, weight_var, bias_var = _check(activation, weight_var, bias_var, func)
    c = check_array(c, name="c", func=func)
    if (c.abs() > 1).any():
        raise ValueError(f"{func}: c must lie in [-1, 1] (got {float(c.abs().max()):.6g})")
    q = _fixed_point(activation, weight_var, bias_var, func)
    if not 0 < q < math.inf:
        raise ValueError(f"{func}: the length map must have a positive, finite fixed point (got q* = {q} for "
                         f"activation={activation!r}, weight_var={weight_var:g}, bias_var={bias_var:g})")
    q = torch.full_like(c, q)
    return (weight_var * _expectations(activation, q, c)[0] + bias_var) / q


def chi1(activation: str, weight_var: float, bias_var: float = 0.0) -> float:
    r""":math:`\chi_1 = \sigma_w^2 E[\phi'(\sqrt{q^*}\,z)^2]`, the slope of :func:`correlation_map` at :math:`c = 1`.

    For ReLU :math:`\chi_1 = \sigma_w^2/2` at every length; for erf
    :math:`\chi_1 = 4\sigma_w^2/(\pi\sqrt{1 + 4q^*})`.

    Parameters
    ----------
    activation : {"relu", "erf", "tanh"}
    weight_var : float
    bias_var : float, default 0

    Returns
    -------
    float

    Examples
    --------
    >>> chi1("relu", 2.0), round(chi1("erf", math.pi / 4), 12), round(chi1("tanh", 1.0), 12)
    (1.0, 1.0, 1.0)
    """
    func = "chi1"
    activation, weight_var, bias_var = _check(activation, weight_var, bias_var, func)
    if activation == "relu":
        return weight_var / 2
    q = _fixed_point(activation, weight_var, bias_var, func)
    if math.isinf(q):
        raise ValueError(f"{func}: the length map has no finite fixed point (got activation={activation!r}, "
                         f"weight_var={weight_var:g}, bias_var={bias_var:g})")
    one = torch.ones((), dtype=torch.float64)
    return weight_var * float(_expectations(activation, q * one, one)[1])


def critical_weight_variance(activation: str, bias_var: float = 0.0) -> float:
    r"""The weight variance :math:`\sigma_w^2` on the order-to-chaos line :math:`\chi_1 = 1` at bias variance :math:`\sigma_b^2`.

    On the line, :math:`\sigma_w^2 = 1/E[\phi'(\sqrt q z)^2]` and :math:`q` is a fixed point of the length
    map; substituting the first into the second leaves one equation in :math:`q`,
    :math:`E[\phi^2]/E[\phi'^2] + \sigma_b^2 = q`, which Newton's method solves in :math:`\log q`.
    ReLU: :math:`\sigma_w^2 = 2` (the critical point is :math:`\sigma_b = 0`; with biases the length has no
    finite fixed point there). Erf at :math:`\sigma_b = 0`: :math:`\pi/4`. Tanh: :math:`\sigma_w^2 \to 1` as
    :math:`\sigma_b \to 0`.

    Parameters
    ----------
    activation : {"relu", "erf", "tanh"}
    bias_var : float, default 0

    Returns
    -------
    float

    Examples
    --------
    >>> critical_weight_variance("relu"), critical_weight_variance("erf") == math.pi / 4
    (2.0, True)
    >>> round(critical_weight_variance("tanh", 0.05), 3)
    1.761
    """
    func = "critical_weight_variance"
    activation = check_choice(activation, ACTIVATIONS, name="activation", func=func)
    bias_var = check_scalar(bias_var, name="bias_var", func=func, low=0)
    if activation == "relu":
        return 2.0
    one = torch.ones((), dtype=torch.float64)
    if bias_var == 0:
        return 1 / float(_expectations(activation, 0 * one, one)[1])

    def residual(s):
        q = s.exp()
        square, derivative = _expectations(activation, q, one)
        return square / derivative + bias_var - q

    q = math.exp(_newton(residual, math.log1p(bias_var), func))
    return 1 / float(_expectations(activation, q * one, one)[1])


# ------------------------------------------------------------------ finite networks


def signal_propagation(depth: int, width: int, init: str = "he", *, seeds: int, seed: int = 0) -> torch.Tensor:
    r"""The second moment :math:`\langle x_l^2\rangle` of the signal through deep random ReLU networks without biases.

    Each of ``seeds`` networks has ``depth`` square layers of ``width`` units, weights drawn by
    :func:`~mltheory.networks.init_weight` with ``init``, and computes :math:`x_l = \max(W_l x_{l-1}, 0)` from
    one input :math:`x_0` with :math:`\langle x_0^2\rangle = 1` (the mean over units). Network ``k`` takes its
    weights from the ``k``-th seed after ``seed`` (:func:`~mltheory.validation.next_seed`) whatever the
    initialisation, so the same seeds give the same
    directions and the initialisations differ only in scale.

    Parameters
    ----------
    depth, width, seeds : int
    init : {"he", "lecun", "glorot"}, default "he"
    seed : int, default 0

    Returns
    -------
    torch.Tensor, shape (seeds, depth + 1)
        :math:`\langle x_l^2\rangle` for :math:`l = 0, \dots, \text{depth}`, in float64.

    Examples
    --------
    >>> moments = signal_propagation(10, 64, "lecun", seeds=2)
    >>> moments.shape, bool((moments[:, -1] < 0.01).all())  # about 2**-10
    (torch.Size([2, 11]), True)
    """
    func = "signal_propagation"
    depth = check_integer(depth, name="depth", func=func, minimum=1)
    width = check_integer(width, name="width", func=func, minimum=1)
    init = check_choice(init, INITIALISATIONS, name="init", func=func)
    seeds = check_integer(seeds, name="seeds", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    moments = torch.empty(seeds, depth + 1, dtype=torch.float64)
    for k in range(seeds):
        generator = torch.Generator().manual_seed(seed)
        seed = next_seed(seed)
        x = torch.randn(width, generator=generator, dtype=torch.float32)
        x = x / x.pow(2).mean().sqrt()
        moments[k, 0] = 1.0
        for layer in range(1, depth + 1):
            x = torch.relu(init_weight(width, width, init, seed=generator, dtype=torch.float32) @ x)
            moments[k, layer] = x.double().pow(2).mean()
    return moments


def residual_growth(depth: int, width: int, *, branch_gain: float = 1.0, scaled: bool = True, seeds: int,
                    seed: int = 0) -> torch.Tensor:
    r"""The squared length of the signal through linear residual networks, relative to the input's.

    Each block adds a branch :math:`F_k(X) = \alpha W_k X` to the stream, :math:`X_{k+1} = X_k + F_k(X_k)`, with
    :math:`W_k` Gaussian of variance ``branch_gain``:math:`/n` per entry (so :math:`E\lVert W_k X\rVert^2 = a\lVert X\rVert^2`,
    :math:`a` = ``branch_gain``) and :math:`\alpha = 1/\sqrt{L}` when ``scaled``, else 1. Then
    :math:`E\lVert X_L\rVert^2/\lVert X_0\rVert^2` is :math:`(1 + a/L)^L \to e^a` scaled and :math:`(1 + a)^L` not.

    Parameters
    ----------
    depth : int
        Number of blocks :math:`L`.
    width : int
    branch_gain : float, default 1
        :math:`a`, positive.
    scaled : bool, default True
    seeds : int
        Number of networks.
    seed : int, default 0

    Returns
    -------
    torch.Tensor, shape (seeds,)
        :math:`\lVert X_L\rVert^2/\lVert X_0\rVert^2` for each network, in float64.

    Examples
    --------
    >>> ratios = residual_growth(4, 32, scaled=False, seeds=200)
    >>> bool(10 < ratios.mean() < 22)  # (1 + 1)**4 = 16
    True
    """
    func = "residual_growth"
    depth = check_integer(depth, name="depth", func=func, minimum=1)
    width = check_integer(width, name="width", func=func, minimum=1)
    branch_gain = check_scalar(branch_gain, name="branch_gain", func=func, low=0, low_open=True)
    scaled = check_flag(scaled, name="scaled", func=func)
    seeds = check_integer(seeds, name="seeds", func=func, minimum=1)
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    alpha = math.sqrt(branch_gain / width) / (math.sqrt(depth) if scaled else 1.0)
    x = torch.randn(seeds, width, 1, generator=generator, dtype=torch.float32)
    start = x.double().pow(2).sum((1, 2))
    for _ in range(depth):
        x = x + alpha * torch.randn(seeds, width, width, generator=generator, dtype=torch.float32) @ x
    return x.double().pow(2).sum((1, 2)) / start
