r"""What ReLU networks can express: exact interpolation with one hidden layer, and pieces that multiply with depth.

* :func:`relu_interpolant` builds, without training, a network with one hidden
  layer of :math:`n - 1` ReLU units that passes exactly through :math:`n`
  points in general position (distinct projections on a direction), with
  :math:`(n - 1)(d + 2) + 1` parameters: :math:`O(n)` for fixed input dimension.
* :func:`sawtooth` composes the two-unit tent map :math:`L` times: a network of
  depth :math:`L` and width 2 whose graph has :math:`2^L` linear pieces, which
  one hidden layer could only match with :math:`2^L - 1` units
  (:func:`count_linear_pieces` counts them exactly).
"""

from __future__ import annotations

import torch
from torch import nn

from ..validation import as_float_tensor, check_finite, check_integer, check_seed, check_shape

__all__ = ["count_linear_pieces", "random_interpolation", "relu_interpolant", "sawtooth"]


def relu_interpolant(X, y, *, seed: int = 0) -> nn.Sequential:
    r"""A one-hidden-layer ReLU network through the points :math:`(x_i, y_i)`, built in closed form.

    Project the inputs on a direction :math:`w` (a seeded random unit vector;
    :math:`w = 1` in one dimension), sort the projections
    :math:`t_1 < \dots < t_n`, and let :math:`s_k = (y_{k+1} - y_k)/(t_{k+1} - t_k)`
    be the slopes between neighbours, with :math:`s_0 = 0`. Then

    .. math::

        h(x) = y_1 + \sum_{k=1}^{n-1} (s_k - s_{k-1})\,\operatorname{ReLU}(w\cdot x - t_k)

    is the piecewise-linear interpolant of the data along :math:`w`: at
    :math:`x_j` the units :math:`k < j` are active and the sum telescopes to
    :math:`y_j`.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs, whose projections on :math:`w` must be distinct (true for
        distinct points and almost every :math:`w`).
    y : array_like, shape (n,)
        Targets.
    seed : int, default 0
        Seed of the direction :math:`w` (unused when :math:`d = 1`).

    Returns
    -------
    torch.nn.Sequential
        ``Linear(d, n - 1)``, ``ReLU``, ``Linear(n - 1, 1)`` in float64; it
        maps inputs of shape (m, d) to outputs of shape (m, 1).

    Raises
    ------
    ValueError
        If two projections coincide.

    Examples
    --------
    >>> net = relu_interpolant([[0.0], [1.0], [3.0]], [1.0, 3.0, 2.0])
    >>> net(torch.tensor([[0.0], [1.0], [3.0], [2.0]], dtype=torch.float64)).squeeze(1).tolist()
    [1.0, 3.0, 2.0, 2.5]
    """
    func = "relu_interpolant"
    X = check_finite(as_float_tensor(X, name="X", func=func), name="X", func=func)
    y = check_finite(as_float_tensor(y, name="y", func=func), name="y", func=func)
    sizes = check_shape(X, ("n", "d"), name="X", func=func)
    if sizes["n"] < 2:
        raise ValueError(f"{func}: X must hold at least 2 points (got {sizes['n']})")
    check_shape(y, ("n",), name="y", func=func, sizes=sizes)
    n, d = sizes["n"], sizes["d"]
    seed = check_seed(seed, func=func)
    X, y = X.double(), y.double()
    if d == 1:
        direction = torch.ones(1, dtype=torch.float64)
    else:
        generator = torch.Generator().manual_seed(seed)
        direction = torch.randn(d, generator=generator, dtype=torch.float64)
        direction = direction / direction.norm()
    t, order = (X @ direction).sort()
    if (t.diff() <= 0).any():
        raise ValueError(f"{func}: X must have distinct projections on the direction w "
                         f"(got {int((t.diff() <= 0).sum())} coinciding pairs)")
    y = y[order]
    slopes = y.diff() / t.diff()
    net = nn.Sequential(nn.Linear(d, n - 1, dtype=torch.float64), nn.ReLU(), nn.Linear(n - 1, 1, dtype=torch.float64))
    with torch.no_grad():
        net[0].weight.copy_(direction.expand(n - 1, d))
        net[0].bias.copy_(-t[:-1])
        net[2].weight.copy_(slopes.diff(prepend=slopes.new_zeros(1))[None])
        net[2].bias.fill_(y[0])
    return net


def random_interpolation(n: int = 500, d: int = 8, *, seed: int = 0) -> dict:
    r"""Fit :func:`relu_interpolant` to ``n`` standard normal points in :math:`\mathbb{R}^d` with normal labels.

    The residual :math:`|h(x_j) - y_j|` is zero in exact arithmetic. In
    float64 it is bounded, to first order in the unit roundoff :math:`u`, by

    .. math::

        4(n + d)\,u\,\Big(|y_1| + \sum_k \big(|a_k| + |s_k| + |s_{k-1}|\big)
        \big(\textstyle\sum_i |w_i x_{ji}| + |t_k|\big) + \sum_k |y_{k+1} - y_k|\Big),

    which covers the rounding of the slopes :math:`s_k`, of the output weights
    :math:`a_k = s_k - s_{k-1}`, of the projections and of the sums the network
    evaluates (each with at most :math:`n + d` terms).

    Parameters
    ----------
    n : int, default 500
        Number of points, at least 2.
    d : int, default 8
        Input dimension.
    seed : int, default 0
        Seed of the data and of the direction.

    Returns
    -------
    dict
        ``residual_ratio`` (largest residual over its bound, at most 1 when the
        construction is exact up to rounding), ``residual`` (largest residual),
        ``units`` (:math:`n - 1`) and ``parameters`` (:math:`(n - 1)(d + 2) + 1`).

    Examples
    --------
    >>> result = random_interpolation(50, 3)
    >>> result["residual_ratio"] <= 1, result["units"], result["parameters"]
    (True, 49, 246)
    """
    func = "random_interpolation"
    n = check_integer(n, name="n", func=func, minimum=2)
    d = check_integer(d, name="d", func=func, minimum=1)
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    X = torch.randn(n, d, generator=generator, dtype=torch.float64)
    y = torch.randn(n, generator=generator, dtype=torch.float64)
    net = relu_interpolant(X, y, seed=seed)
    ratio, residual = _residual_ratio(net, X, y)
    return {"residual_ratio": ratio, "residual": residual,
            "units": n - 1, "parameters": sum(p.numel() for p in net.parameters())}


def _residual_ratio(net: nn.Sequential, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Largest residual of a one-hidden-layer network on its data over its rounding bound, and the largest residual.

    The bound is the one of :func:`random_interpolation`, computed from the
    network's own weights.
    """
    n, d = X.shape
    with torch.no_grad():
        residual = (net(X).squeeze(1) - y).abs()
        w, t = net[0].weight[0], -net[0].bias
        a = net[2].weight[0]
        slopes = a.cumsum(0)
        neighbours = slopes.abs() + torch.cat([slopes.new_zeros(1), slopes[:-1]]).abs()
        y_sorted = y[(X @ w).argsort()]
        reach = (X.abs() @ w.abs())[:, None] + t.abs()[None, :]
        size = y_sorted[0].abs() + ((a.abs() + neighbours)[None, :] * reach).sum(1) + y_sorted.diff().abs().sum()
        bound = 4 * (n + d) * torch.finfo(torch.float64).eps / 2 * size
    return (residual / bound).max().item(), residual.max().item()


def sawtooth(x, depth: int) -> torch.Tensor:
    r"""The tent map :math:`T(x) = 2\operatorname{ReLU}(x) - 4\operatorname{ReLU}(x - \tfrac12)` composed ``depth`` times.

    Each composition is one hidden layer of two ReLU units, so this is a
    network of depth ``depth`` and width 2. On :math:`[0, 1]` its graph is a
    sawtooth of :math:`2^{\text{depth}}` linear pieces.

    Parameters
    ----------
    x : array_like
        Inputs (any shape), meant in :math:`[0, 1]`.
    depth : int
        Number of compositions, at least 0.

    Returns
    -------
    torch.Tensor, same shape as ``x``

    Examples
    --------
    >>> sawtooth(torch.linspace(0, 1, 5, dtype=torch.float64), 2).tolist()
    [0.0, 1.0, 0.0, 1.0, 0.0]
    """
    func = "sawtooth"
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    if x.numel() == 0:
        raise ValueError(f"{func}: x must hold at least one point (got an empty array)")
    depth = check_integer(depth, name="depth", func=func, minimum=0)
    for _ in range(depth):
        x = 2 * torch.relu(x) - 4 * torch.relu(x - 0.5)
    return x


def count_linear_pieces(depth: int) -> int:
    r"""The number of linear pieces of :func:`sawtooth` on :math:`[0, 1]`, counted exactly.

    The breakpoints of the sawtooth of depth :math:`L` lie on the grid
    :math:`k / 2^L`; on the finer grid :math:`k / 2^{L+1}` every value is a
    dyadic rational that float64 represents exactly (for :math:`L \le 50`), so
    the slopes between neighbours are exact and a piece ends exactly where the
    slope changes.

    Parameters
    ----------
    depth : int
        Number of compositions, 0 to 20.

    Returns
    -------
    int

    Examples
    --------
    >>> [count_linear_pieces(depth) for depth in range(4)]
    [1, 2, 4, 8]
    """
    depth = check_integer(depth, name="depth", func="count_linear_pieces", minimum=0)
    if depth > 20:
        raise ValueError(f"count_linear_pieces: depth must be at most 20, so the grid fits in memory (got {depth})")
    x = torch.arange(2 ** (depth + 1) + 1, dtype=torch.float64) / 2 ** (depth + 1)
    slopes = sawtooth(x, depth).diff()
    return 1 + int((slopes.diff() != 0).sum())
