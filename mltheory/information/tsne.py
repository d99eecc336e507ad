r"""Stochastic neighbour embedding (SNE) and t-SNE.

Both methods turn distances between data points :math:`x_i` into neighbour
probabilities and place points :math:`y_i` in the plane so that neighbour
probabilities computed there match, in the sense of relative entropy.

* The conditional probabilities :math:`p_{j|i} \propto \exp(-\|x_i - x_j\|^2 / 2\sigma_i^2)`
  use a width :math:`\sigma_i` per point, chosen by bisection so that
  :math:`p_{\cdot|i}` has a prescribed *perplexity* (:func:`neighbour_probabilities`).
* **SNE** uses the same Gaussian kernel (of width :math:`1/\sqrt2`) for
  :math:`q_{j|i}` and minimises :math:`\sum_i D(P_i \| Q_i)` (:func:`sne_kl`).
* **t-SNE** symmetrises, :math:`p_{ij} = (p_{j|i} + p_{i|j}) / 2n`, uses the
  heavy-tailed Student-t kernel :math:`q_{ij} \propto (1 + \|y_i - y_j\|^2)^{-1}`
  over all pairs, and minimises :math:`D(P \| Q)` (:func:`tsne_kl`) by gradient
  descent with momentum, adaptive gains and early exaggeration (:func:`tsne`).

The repulsions between all :math:`n^2` pairs are computed exactly (no Barnes–Hut or
interpolation approximation), over the blocks of the kernel matrix on and above its diagonal;
by default :math:`p_{j|i}` is calibrated on the nearest neighbours only, as in scikit-learn, so
the attractions act on a sparse set of pairs. A few thousand points take seconds on a CPU.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

from ..runtime import one_thread
from ..validation import (
    as_float_tensor,
    check_finite,
    check_float_dtype,
    check_integer,
    check_real,
    check_scalar,
    check_seed,
    reports_as,
)
from .measures import entropy

__all__ = [
    "TSNEResult",
    "neighbour_probabilities",
    "perplexity",
    "sne_gradient",
    "sne_kl",
    "tsne",
    "tsne_gradient",
    "tsne_joint_probabilities",
    "tsne_kl",
    "tsne_stopping_iteration",
]

#: Floor on the mean squared distance from which the bisection starts (float64 machine epsilon).
_FLOOR = torch.finfo(torch.float64).eps


@reports_as("perplexity")
def perplexity(p, *, dim=-1) -> torch.Tensor:
    r"""Perplexity :math:`2^{H_2(p)} = e^{H(p)}`: the effective number of equally likely outcomes.

    A uniform distribution over :math:`k` outcomes has perplexity exactly
    :math:`k`; in SNE and t-SNE the perplexity of :math:`p_{\cdot|i}` is a
    smooth count of the neighbours of point :math:`i`.

    Parameters
    ----------
    p : array_like, shape (..., n, ...)
        Probability vectors along ``dim`` (validated as by :func:`mltheory.information.entropy`).
    dim : int, default -1
        The dimension that indexes outcomes.

    Returns
    -------
    torch.Tensor
        The perplexity, between 1 and ``n``, with ``dim`` removed.

    Examples
    --------
    >>> perplexity([0.25, 0.25, 0.25, 0.25, 0.0])
    tensor(4., dtype=torch.float64)
    """
    return torch.exp(entropy(p, dim=dim))


def _check_points(x, *, name: str, func: str, minimum: int) -> torch.Tensor:
    x = check_finite(as_float_tensor(x, name=name, func=func), name=name, func=func)
    if x.ndim != 2 or x.shape[0] < minimum or x.shape[1] == 0:
        raise ValueError(
            f"{func}: {name} must have shape (n, d) with n >= {minimum} points (got shape {tuple(x.shape)})"
        )
    return x


def _diagonal(y: torch.Tensor) -> torch.Tensor:
    """Boolean mask of the diagonal of the ``n x n`` matrix of pairs of the points ``y``."""
    return torch.eye(len(y), dtype=torch.bool, device=y.device)


def _squared_distances(x: torch.Tensor) -> torch.Tensor:
    """:math:`\\|x_i - x_j\\|^2` as :math:`\\|x_i\\|^2 + \\|x_j\\|^2 - 2 x_i \\cdot x_j`: one matrix product, far faster than ``cdist``.

    The expansion loses digits to cancellation for points much closer together
    than their distance from the origin; the result is floored at 0 and its
    diagonal is exactly 0.
    """
    norms = x.square().sum(dim=1)
    return torch.addmm(norms.unsqueeze(1), x, x.T, alpha=-2).add_(norms).clamp_min_(0).fill_diagonal_(0)


def neighbour_probabilities(x, perplexity, *, tol=1e-5, max_iter=200,
                            n_neighbours=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Conditional neighbour probabilities :math:`p_{j|i}` of SNE, with each width set by the perplexity.

    .. math::

        p_{j|i} = \frac{\exp(-\beta_i \|x_i - x_j\|^2)}{\sum_{k \in N_i} \exp(-\beta_i \|x_i - x_k\|^2)}
        \quad (j \in N_i), \qquad p_{j|i} = 0 \quad (j \notin N_i), \qquad \beta_i = \frac{1}{2\sigma_i^2},

    where :math:`N_i` holds all points but :math:`x_i` or, given ``n_neighbours``
    :math:`k`, only its :math:`k` nearest neighbours (as scikit-learn's t-SNE does, with
    :math:`k = 3 \cdot \text{perplexity} + 1`): an approximation that makes :math:`p` sparse.
    The entropy of :math:`p_{\cdot|i}` falls as :math:`\beta_i` grows, so each
    :math:`\beta_i` is found by bisection (on :math:`\log\beta_i`, after
    bracketing by doubling), for all points at once, until every perplexity
    :math:`e^{H(p_{\cdot|i})}` is within ``tol`` of the target.

    Parameters
    ----------
    x : array_like, shape (n, d)
        The data points.
    perplexity : float
        Target perplexity, strictly between 1 and the number of neighbours (``n - 1`` by default).
    tol : float, default 1e-5
        Largest allowed deviation of any point's perplexity from the target.
    max_iter : int, default 200
        Maximum number of bisection steps.
    n_neighbours : int, optional
        Keep only this many nearest neighbours of each point (at most ``n - 1``);
        by default all other points.

    Returns
    -------
    p : torch.Tensor, shape (n, n)
        Row ``i`` is the distribution :math:`p_{\cdot|i}` (zero on the diagonal and outside :math:`N_i`).
    beta : torch.Tensor, shape (n,)
        The precisions :math:`\beta_i = 1 / (2\sigma_i^2)`.

    Raises
    ------
    ValueError
        If ``x`` is not a finite (n, d) array with n >= 3, the perplexity or the
        number of neighbours is out of range, or the bisection does not reach ``tol``.

    Examples
    --------
    >>> x = torch.tensor([[0.0], [1.0], [2.0], [10.0]], dtype=torch.float64)
    >>> p, beta = neighbour_probabilities(x, 2.0)
    >>> torch.exp(entropy(p)).round(decimals=4)
    tensor([2., 2., 2., 2.], dtype=torch.float64)

    With two neighbours each, the outlier at 10 is nobody's neighbour:

    >>> x = torch.tensor([[0.0], [1.0], [3.0], [10.0]], dtype=torch.float64)
    >>> p, beta = neighbour_probabilities(x, 1.5, n_neighbours=2)
    >>> p[:, 3]
    tensor([0., 0., 0., 0.], dtype=torch.float64)
    """
    func = "neighbour_probabilities"
    x = _check_points(x, name="x", func=func, minimum=3)
    n = x.shape[0]
    target = check_real(perplexity, name="perplexity", func=func)
    if n_neighbours is None:
        if not 1 < target < n - 1:
            raise ValueError(f"{func}: perplexity must lie strictly between 1 and n - 1 = {n - 1} (got {target:.10g})")
    else:
        n_neighbours = check_integer(n_neighbours, name="n_neighbours", func=func, minimum=2)
        if n_neighbours > n - 1:
            raise ValueError(f"{func}: n_neighbours must be at most n - 1 = {n - 1} (got {n_neighbours})")
        if not 1 < target < n_neighbours:
            raise ValueError(f"{func}: perplexity must lie strictly between 1 and n_neighbours = {n_neighbours} "
                             f"(got {target:.10g})")
    tol = check_scalar(tol, name="tol", func=func, low=0, low_open=True)
    max_iter = check_integer(max_iter, name="max_iter", func=func, minimum=1)
    distances = _squared_distances(x.to(torch.float64)).fill_diagonal_(math.inf)
    if n_neighbours is not None:
        distances, neighbours = distances.topk(n_neighbours, dim=1, largest=False)
    p, beta = _calibrate(distances, target, tol, max_iter, func)
    if n_neighbours is not None:
        p = torch.zeros(n, n, dtype=p.dtype, device=p.device).scatter_(1, neighbours, p)
    return p.to(x.dtype), beta.to(x.dtype)


def _calibrate(distances: torch.Tensor, target: float, tol: float, max_iter: int,
               func: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Bisection for the precisions that give each row of ``softmax(-beta_i * distances_i)`` the perplexity ``target``.

    ``distances`` (float64, shape (n, m)) holds squared distances, ``inf`` where a pair is left out.
    """
    finite = torch.isfinite(distances)
    # Distances measured from each point's nearest neighbour: the same p, without underflow.
    distances = distances - distances.min(dim=1, keepdim=True).values
    finite_distances = torch.where(finite, distances, 0)  # for sums over p, where 0 * inf would give NaN
    mean = finite_distances.sum(dim=1) / finite.sum(dim=1)

    def perplexities(log_beta):
        # With weights w_j = exp(-beta d_j) summing to s, H(p) = log s + beta E_p[d]: no logarithm over the matrix.
        beta = log_beta.exp().unsqueeze(1)
        weights = torch.exp(-beta * distances)
        total = weights.sum(dim=1, keepdim=True)
        entropy = total.log() + beta * (weights * finite_distances).sum(dim=1, keepdim=True) / total
        return weights, total, entropy.squeeze(1).exp()

    log_beta = -mean.clamp_min(_FLOOR).log()
    low = torch.full_like(log_beta, -math.inf)
    high = torch.full_like(log_beta, math.inf)
    for _ in range(max_iter):
        weights, total, perp = perplexities(log_beta)
        error = perp - target
        if error.abs().max() <= tol:
            return weights / total, log_beta.exp()
        too_wide = error > 0  # too many neighbours: narrow the kernel (raise beta)
        low = torch.where(too_wide, log_beta, low)
        high = torch.where(too_wide, high, log_beta)
        bracketed = torch.isfinite(low) & torch.isfinite(high)
        log_beta = torch.where(bracketed, (low + high) / 2,
                               torch.where(too_wide, log_beta + math.log(2.0), log_beta - math.log(2.0)))
    raise ValueError(
        f"{func}: bisection did not reach tol={tol:g} in {max_iter} steps (largest error {error.abs().max().item():.3g})"
    )


@reports_as("tsne_joint_probabilities")
def tsne_joint_probabilities(x, perplexity, *, tol=1e-5, n_neighbours=None) -> torch.Tensor:
    r"""The symmetric affinities of t-SNE, :math:`p_{ij} = (p_{j|i} + p_{i|j}) / 2n`.

    Every point then has :math:`\sum_j p_{ij} \ge 1/2n`, so even an outlier
    keeps a say in the embedding, and the matrix sums to 1 over all pairs.

    Parameters
    ----------
    x : array_like, shape (n, d)
        The data points.
    perplexity : float
        Target perplexity of each :math:`p_{\cdot|i}` (see :func:`neighbour_probabilities`).
    tol : float, default 1e-5
        Tolerance of the perplexity calibration.
    n_neighbours : int, optional
        Calibrate each :math:`p_{\cdot|i}` on this many nearest neighbours only (all other points by default).

    Returns
    -------
    torch.Tensor, shape (n, n)
        Symmetric, zero diagonal, summing to 1.

    Examples
    --------
    >>> x = torch.randn(20, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    >>> p = tsne_joint_probabilities(x, 5.0)
    >>> bool(torch.allclose(p, p.T)), round(float(p.sum()), 12)
    (True, 1.0)
    """
    conditional, _ = neighbour_probabilities(x, perplexity, tol=tol, n_neighbours=n_neighbours)
    return (conditional + conditional.T) / (2 * conditional.shape[0])


def _check_affinities_and_embedding(p, y, func: str, *, symmetric: bool) -> tuple[torch.Tensor, torch.Tensor]:
    y = _check_points(y, name="y", func=func, minimum=2)
    p = check_finite(as_float_tensor(p, name="p", func=func), name="p", func=func).to(y.dtype)
    n = y.shape[0]
    if p.shape != (n, n):
        raise ValueError(f"{func}: p must have shape (n, n) = ({n}, {n}) to match y (got {tuple(p.shape)})")
    if (p < 0).any() or p.diagonal().abs().max() > 0:
        raise ValueError(f"{func}: p must be non-negative with a zero diagonal (got smallest entry "
                         f"{p.min().item():.3g} and largest diagonal entry {p.diagonal().abs().max().item():.3g})")
    total = p.sum() if symmetric else p.sum(dim=1)
    if ((total - 1).abs() > 1e-6).any():
        rule = "sum to 1 over all pairs" if symmetric else "have rows summing to 1"
        worst = total.flatten()[(total - 1).abs().flatten().argmax()].item()
        raise ValueError(f"{func}: p must {rule} (got {worst:.10g})")
    return p, y


def _student_t_kernel(y: torch.Tensor) -> torch.Tensor:
    """:math:`w_{ij} = (1 + \\|y_i - y_j\\|^2)^{-1}` with a zero diagonal, differentiable in ``y``."""
    # differences rather than cdist, whose gradient is NaN at zero distance
    w = 1 / (1 + (y.unsqueeze(1) - y.unsqueeze(0)).square().sum(dim=-1))
    return w.masked_fill(_diagonal(y), 0)


def tsne_kl(p, y) -> torch.Tensor:
    r"""The t-SNE objective :math:`D(P \,\|\, Q) = \sum_{i \ne j} p_{ij} \log (p_{ij} / q_{ij})`.

    .. math:: q_{ij} = \frac{(1 + \|y_i - y_j\|^2)^{-1}}{\sum_{k \ne l} (1 + \|y_k - y_l\|^2)^{-1}}

    Parameters
    ----------
    p : array_like, shape (n, n)
        Joint affinities: non-negative, zero diagonal, summing to 1.
    y : array_like, shape (n, d)
        The embedding.

    Returns
    -------
    torch.Tensor
        The divergence in nats; differentiable in ``y``.

    Examples
    --------
    >>> p = torch.full((3, 3), 1 / 6, dtype=torch.float64).fill_diagonal_(0)
    >>> y = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.5, 3 ** 0.5 / 2]], dtype=torch.float64)
    >>> tsne_kl(p, y).abs() < 1e-15  # an equilateral triangle matches uniform affinities
    tensor(True)
    """
    p, y = _check_affinities_and_embedding(p, y, "tsne_kl", symmetric=True)
    w = _student_t_kernel(y)
    # log q with the (unused) diagonal set to log 1, so that autograd never sees log 0.
    log_q = w.masked_fill(_diagonal(y), 1).log() - w.sum().log()
    return (torch.special.xlogy(p, p) - p * log_q).sum()


def tsne_gradient(p, y, *, exaggeration=1.0) -> torch.Tensor:
    r"""Gradient of the t-SNE objective, :math:`\frac{\partial C}{\partial y_i} = 4 \sum_j (p_{ij} - q_{ij}) \frac{y_i - y_j}{1 + \|y_i - y_j\|^2}`.

    With ``exaggeration`` :math:`\alpha`, :math:`p_{ij}` is replaced by
    :math:`\alpha p_{ij}`, which is the gradient used in the early-exaggeration phase.

    Parameters
    ----------
    p : array_like, shape (n, n)
        Joint affinities (see :func:`tsne_kl`).
    y : array_like, shape (n, d)
        The embedding.
    exaggeration : float, default 1.0
        Factor on ``p``.

    Returns
    -------
    torch.Tensor, shape (n, d)

    Examples
    --------
    >>> p = torch.full((3, 3), 1 / 6, dtype=torch.float64).fill_diagonal_(0)
    >>> y = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.5, 3 ** 0.5 / 2]], dtype=torch.float64)
    >>> tsne_gradient(p, y).abs().max() < 1e-15  # a stationary point
    tensor(True)
    """
    p, y = _check_affinities_and_embedding(p, y, "tsne_gradient", symmetric=True)
    exaggeration = check_scalar(exaggeration, name="exaggeration", func="tsne_gradient", low=0, low_open=True)
    return _tsne_gradient(_Pairs.of(p), y, exaggeration)[0]


#: Entries of the kernel matrix that :func:`_repulsions` holds at a time (4 MiB in float32): a block
#: of rows of that size stays in the processor's cache through the passes over it.
_BLOCK_ENTRIES = 2**20


class _Pairs(NamedTuple):
    """The pairs ``(i, j)`` where an ``n x n`` affinity matrix is nonzero, in row-major order: their rows,
    columns and values, and the number of pairs in each row."""

    rows: torch.Tensor
    cols: torch.Tensor
    values: torch.Tensor
    counts: torch.Tensor

    @classmethod
    def of(cls, p: torch.Tensor) -> _Pairs:
        rows, cols = p.nonzero(as_tuple=True)
        return cls(rows, cols, p[rows, cols], torch.bincount(rows, minlength=len(p)))


def _tsne_gradient(p: _Pairs, y: torch.Tensor, exaggeration: float = 1.0) -> tuple[torch.Tensor, float, torch.Tensor]:
    r"""The gradient, the kernel sum :math:`Z` and the kernel at the pairs of ``p`` (no validation).

    The gradient is :math:`4\,(\alpha A_i - R_i / Z)` with the attractions
    :math:`A_i = \sum_j p_{ij} w_{ij} (y_i - y_j)`, summed over the pairs where :math:`p_{ij} > 0` only,
    and the repulsions :math:`R_i = \sum_{j \ne i} w_{ij}^2 (y_i - y_j) = y_i \phi_0 - \phi_1`, where
    :math:`(\phi_0, \phi_1, \phi_2) = \sum_{j \ne i} w_{ij}^2 \, (1, y_j, \|y_j\|^2)` comes from all
    pairs (:func:`_repulsions`). Since :math:`w_{ij} = w_{ij}^2 (1 + \|y_i\|^2 - 2 y_i \cdot y_j + \|y_j\|^2)`,
    the same sums give :math:`Z = \sum_i \big((1 + \|y_i\|^2)\phi_0 - 2 y_i \cdot \phi_1 + \phi_2\big)`.
    """
    # One row per coordinate, so that gathers and sums over points run along memory; centred, since the
    # gradient is invariant to translations and the expansion in _repulsions loses digits far from 0.
    columns = (y - y.mean(dim=0)).T.contiguous()
    attractions, at_pairs = _attractions(p, columns)
    sums = _repulsions(columns)
    norms = columns.square().sum(dim=0)
    phi0, phi1, phi2 = sums[0], sums[1:-1], sums[-1]
    total = ((1 + norms) * phi0 - 2 * (columns * phi1).sum(dim=0) + phi2).sum(dtype=torch.float64).item()
    repulsions = columns.mul_(phi0).sub_(phi1)
    gradient = attractions.mul_(4 * exaggeration).sub_(repulsions, alpha=4 / total)
    return gradient.T, total, at_pairs


def _attractions(p: _Pairs, columns: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """:math:`\\sum_j p_{ij} w_{ij} (y_i - y_j)` for every point, shape (d, n), and :math:`w_{ij}` at the pairs of ``p``.

    ``columns`` holds the embedding transposed, shape (d, n). Each pair costs a few operations; the sums
    over each row's pairs are segment sums, since the pairs come row by row.
    """
    differences = columns.index_select(1, p.rows).sub_(columns.index_select(1, p.cols))
    kernel = differences.square().sum(dim=0).add_(1).reciprocal_()
    differences.mul_(kernel * p.values)
    lengths = p.counts.expand(len(columns), -1)
    return torch.segment_reduce(differences, "sum", lengths=lengths, axis=1, unsafe=True), kernel


def _repulsions(columns: torch.Tensor) -> torch.Tensor:
    r""":math:`\sum_{j \ne i} w_{ij}^2 \, (1, y_j, \|y_j\|^2)` for every point, shape (d + 2, n), over all pairs, exactly.

    ``columns`` holds the embedding transposed, shape (d, n). The kernel is symmetric, so only the
    blocks on and above the diagonal are computed: a block of rows :math:`I` against the columns
    :math:`J \ge I`, filled with :math:`1 + \|y_i\|^2 + \|y_j\|^2 - 2\,y_i \cdot y_j` (one broadcast sum
    and one product), raised to the power :math:`-2` in place, and multiplied by the basis
    :math:`(1, y, \|y\|^2)` of :math:`J` (for the rows :math:`I`) and of :math:`I` (for the columns
    :math:`J`). The expansion of the squared distance loses digits to cancellation for points far from
    the origin (a relative error of about :math:`\|y\|^2` times the machine epsilon in :math:`w_{ij}`),
    as :func:`_squared_distances` does.
    """
    n = columns.shape[1]
    norms = columns.square().sum(dim=0)
    basis = torch.cat([torch.ones_like(norms).unsqueeze(0), columns, norms.unsqueeze(0)])
    points, shifted = -2 * columns.T, norms + 1
    sums = torch.zeros_like(basis)
    rows = max(1, _BLOCK_ENTRIES // n)
    buffer = torch.empty(min(rows, n) * n, dtype=columns.dtype, device=columns.device)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        kernel = buffer[:(stop - start) * (n - start)].view(stop - start, n - start)
        torch.add(shifted[start:stop].unsqueeze(1), norms[start:], out=kernel)
        kernel.addmm_(points[start:stop], columns[:, start:]).pow_(-2)
        kernel[:, :stop - start].fill_diagonal_(0)
        sums[:, start:stop].addmm_(basis[:, start:], kernel.T)
        if stop < n:
            sums[:, stop:].addmm_(basis[:, start:stop], kernel[:, stop - start:])
    return sums


def sne_kl(p, y) -> torch.Tensor:
    r"""The SNE objective :math:`\sum_i D(P_i \,\|\, Q_i) = \sum_{i \ne j} p_{j|i} \log (p_{j|i} / q_{j|i})`.

    .. math:: q_{j|i} = \frac{\exp(-\|y_i - y_j\|^2)}{\sum_{k \ne i} \exp(-\|y_i - y_k\|^2)}

    Parameters
    ----------
    p : array_like, shape (n, n)
        Conditional probabilities, row ``i`` being :math:`p_{\cdot|i}` (zero diagonal, rows summing to 1).
    y : array_like, shape (n, d)
        The embedding.

    Returns
    -------
    torch.Tensor
        The objective in nats; differentiable in ``y``.

    Examples
    --------
    >>> p = torch.full((2, 2), 1.0, dtype=torch.float64).fill_diagonal_(0)
    >>> sne_kl(p, [[0.0], [5.0]])  # two points: each is the other's only neighbour
    tensor(0., dtype=torch.float64)
    """
    p, y = _check_affinities_and_embedding(p, y, "sne_kl", symmetric=False)
    log_q = _sne_log_q(y)
    return (torch.special.xlogy(p, p) - torch.where(p > 0, p * log_q, 0.0)).sum()


def _sne_log_q(y: torch.Tensor) -> torch.Tensor:
    logits = -(y.unsqueeze(1) - y.unsqueeze(0)).square().sum(dim=-1).masked_fill(_diagonal(y), math.inf)
    return torch.log_softmax(logits, dim=1)


def sne_gradient(p, y) -> torch.Tensor:
    r"""Gradient of the SNE objective, :math:`\frac{\partial C}{\partial y_i} = 2 \sum_j (p_{j|i} - q_{j|i} + p_{i|j} - q_{i|j})(y_i - y_j)`.

    Parameters
    ----------
    p : array_like, shape (n, n)
        Conditional probabilities (see :func:`sne_kl`).
    y : array_like, shape (n, d)
        The embedding.

    Returns
    -------
    torch.Tensor, shape (n, d)

    Examples
    --------
    >>> p = torch.full((2, 2), 1.0, dtype=torch.float64).fill_diagonal_(0)
    >>> sne_gradient(p, [[0.0], [5.0]])
    tensor([[0.],
            [0.]], dtype=torch.float64)
    """
    p, y = _check_affinities_and_embedding(p, y, "sne_gradient", symmetric=False)
    m = p - _sne_log_q(y).exp()
    m = m + m.T
    return 2 * (m.sum(dim=1, keepdim=True) * y - m @ y)


class TSNEResult(NamedTuple):
    """Result of :func:`tsne`: the embedding, the final divergence and its history."""

    #: The points y_i, shape (n, n_components).
    embedding: torch.Tensor
    #: The final objective D(P ‖ Q) in nats.
    kl_divergence: torch.Tensor
    #: Iteration number and objective every 50 iterations, shape (m, 2) (with the exaggerated P at first, as optimised).
    history: torch.Tensor


def _pca_initialisation(x: torch.Tensor, n_components: int, dtype: torch.dtype) -> torch.Tensor:
    """The first principal components, with signs fixed and scaled to standard deviation 1e-4 (as scikit-learn)."""
    centred = x - x.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    components = vh[:n_components]
    components = components * torch.sign(components[torch.arange(n_components), components.abs().argmax(dim=1)]).unsqueeze(1)
    y = centred @ components.T
    return (y / y[:, 0].std() * 1e-4).to(dtype)


@reports_as("tsne")
def tsne(x, *, perplexity=30.0, n_components=2, n_iter=1000, early_exaggeration=12.0, exaggeration_iter=250,
         learning_rate=None, init="pca", seed=0, dtype=torch.float32, tol=None, n_neighbours=None) -> TSNEResult:
    r"""Embed points in a low-dimensional space with t-SNE (van der Maaten & Hinton, 2008).

    The affinities :math:`p_{ij}` come from :func:`tsne_joint_probabilities`, with each
    :math:`p_{\cdot|i}` calibrated on the ``n_neighbours`` nearest neighbours of point :math:`i`;
    the embedding minimises :func:`tsne_kl` by gradient descent
    (:func:`tsne_gradient`) with the standard schedule: for the first
    ``exaggeration_iter`` steps the affinities are multiplied by
    ``early_exaggeration`` and the momentum is 0.5; then the optimiser restarts
    with momentum 0.8. Each coordinate has an adaptive gain (increased by 0.2 when the gradient changes sign,
    multiplied by 0.8 otherwise, floored at 0.01). The repulsions between all :math:`n^2`
    pairs are computed exactly (no Barnes–Hut approximation), in a few dense passes over
    the blocks of the symmetric :math:`n \times n` kernel matrix on and above its diagonal;
    the attractions only where :math:`p_{ij} > 0`. It all runs on one processor thread, so that
    threads waiting for each other at every small step cannot slow it down on a busy machine.

    Parameters
    ----------
    x : array_like, shape (n, d)
        The data points.
    perplexity : float, default 30.0
        Effective number of neighbours of each point.
    n_components : int, default 2
        Dimension of the embedding.
    n_iter : int, default 1000
        Number of gradient steps, including the exaggeration phase.
    early_exaggeration : float, default 12.0
        Factor on :math:`p_{ij}` in the first ``exaggeration_iter`` steps.
    exaggeration_iter : int, default 250
        Length of the early-exaggeration phase.
    learning_rate : float, optional
        Step size; by default ``max(n / early_exaggeration / 4, 50)``, the
        choice of Belkina et al. (2019) that scikit-learn also uses.
    init : "pca", "random" or array_like of shape (n, n_components), default "pca"
        Starting embedding: the principal components scaled to a standard
        deviation of 1e-4, Gaussian noise of that size (from ``seed``), or given points.
    seed : int, default 0
        Seed of the random initialisation (unused otherwise: the method is then deterministic).
    dtype : torch.dtype, default torch.float32
        Precision of the optimisation (the affinities are calibrated in
        float64). Single precision halves the time, as in scikit-learn.
    tol : float, optional
        Stop early, after the exaggeration phase, once the divergence has
        fallen by less than the fraction ``tol`` of its value over the last 50
        iterations (it is computed every 50 iterations for the history
        anyway). By default all ``n_iter`` iterations run. On the digits,
        ``tol=0.01`` stops after 750 of 1000 iterations.
    n_neighbours : int, optional
        Number of nearest neighbours on which each :math:`p_{\cdot|i}` is calibrated
        (:func:`neighbour_probabilities`); by default ``min(n - 1, int(3 * perplexity) + 1)``,
        as in scikit-learn. Pass ``n - 1`` for affinities between all pairs.

    Returns
    -------
    TSNEResult
        The embedding (on the device of ``x``, in ``dtype``), the final divergence and its history.

    Examples
    --------
    Two well-separated clouds stay separated:

    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.cat([torch.randn(30, 5, generator=g), torch.randn(30, 5, generator=g) + 10])
    >>> y = tsne(x, perplexity=10, n_iter=300).embedding
    >>> bool((y[:30].mean(0) - y[30:].mean(0)).norm() > 3 * y[:30].std(0).norm())
    True
    """
    func = "tsne"
    x = _check_points(x, name="x", func=func, minimum=4)
    n = x.shape[0]
    n_components = check_integer(n_components, name="n_components", func=func, minimum=1)
    n_iter = check_integer(n_iter, name="n_iter", func=func, minimum=1)
    exaggeration_iter = check_integer(exaggeration_iter, name="exaggeration_iter", func=func, minimum=0)
    early_exaggeration = check_scalar(early_exaggeration, name="early_exaggeration", func=func, low=1)
    if learning_rate is None:
        learning_rate = max(n / early_exaggeration / 4, 50.0)
    learning_rate = check_scalar(learning_rate, name="learning_rate", func=func, low=0, low_open=True)
    seed = check_seed(seed, func=func)
    dtype = check_float_dtype(dtype, func=func)
    if tol is not None:
        tol = check_scalar(tol, name="tol", func=func, low=0, low_open=True)
    perplexity = check_scalar(perplexity, name="perplexity", func=func, low=1, low_open=True)
    if n_neighbours is None:
        n_neighbours = min(n - 1, int(3 * perplexity) + 1)
    n_neighbours = check_integer(n_neighbours, name="n_neighbours", func=func, minimum=2)
    if isinstance(init, str):
        if init == "pca":
            y = _pca_initialisation(x.to(torch.float64), n_components, dtype)
        elif init == "random":
            generator = torch.Generator(device=x.device).manual_seed(seed)
            y = 1e-4 * torch.randn(n, n_components, generator=generator, dtype=dtype, device=x.device)
        else:
            raise ValueError(f"{func}: init must be 'pca', 'random' or an array (got {init!r})")
    else:
        y = _check_points(init, name="init", func=func, minimum=n).to(dtype=dtype, device=x.device)
        if y.shape != (n, n_components):
            raise ValueError(f"{func}: init must have shape ({n}, {n_components}) (got {tuple(y.shape)})")
        y = y.clone()

    with one_thread():
        p = tsne_joint_probabilities(x, perplexity, n_neighbours=None if n_neighbours == n - 1 else n_neighbours)
        return _descend(_Pairs.of(p.to(dtype)), y, n_iter, exaggeration_iter, early_exaggeration, learning_rate, tol)


def _descend(p: _Pairs, y: torch.Tensor, n_iter: int, exaggeration_iter: int, early_exaggeration: float,
             learning_rate: float, tol: float | None) -> TSNEResult:
    """The gradient descent of :func:`tsne` from ``y`` (validated arguments)."""
    update = torch.zeros_like(y)
    gains = torch.ones_like(y)
    history = []
    for step in range(n_iter):
        exaggerating = step < exaggeration_iter
        exaggeration = early_exaggeration if exaggerating else 1.0
        if step == exaggeration_iter:  # a fresh start for the second phase, as in the reference implementation
            update.zero_()
            gains.fill_(1.0)
        gradient, total, at_pairs = _tsne_gradient(p, y, exaggeration)
        if step % 50 == 0 or step == n_iter - 1:
            history.append((step, _kl_at_pairs(exaggeration * p.values, at_pairs, total)))
            if _converged(history, tol, exaggeration_iter):
                break
        still_downhill = (update * gradient) < 0  # the gradient kept its sign: raise the gain
        gains = torch.where(still_downhill, gains + 0.2, gains * 0.8).clamp_min_(0.01)
        update = (0.5 if exaggerating else 0.8) * update - learning_rate * gains * gradient
        y = y + update
    _, total, at_pairs = _tsne_gradient(p, y)
    kl = _kl_at_pairs(p.values, at_pairs, total)
    return TSNEResult(y, torch.tensor(kl, dtype=torch.float64), torch.tensor(history, dtype=torch.float64))


def tsne_stopping_iteration(history, tol, *, exaggeration_iter=250) -> int:
    """The last iteration that :func:`tsne` with ``tol`` runs, read from the history of a longer run.

    Stopping early changes nothing before the stop, so the history of a full
    run (:attr:`TSNEResult.history`) says where ``tsne(..., tol=tol)`` would
    have stopped, without running it again.

    Parameters
    ----------
    history : array_like, shape (m, 2)
        Iterations and divergences, as in :attr:`TSNEResult.history`.
    tol : float
        The relative decrease per 50 iterations below which :func:`tsne` stops.
    exaggeration_iter : int, default 250
        Length of the early-exaggeration phase of that run.

    Returns
    -------
    int
        The iteration of the record at which the run stops (the last record if it never does).

    Examples
    --------
    >>> history = [[0, 9.0], [50, 8.0], [100, 2.0], [150, 1.5], [200, 1.49], [250, 1.2]]
    >>> tsne_stopping_iteration(history, 0.05, exaggeration_iter=100)
    200
    """
    func = "tsne_stopping_iteration"
    history = check_finite(as_float_tensor(history, name="history", func=func), name="history", func=func)
    if history.ndim != 2 or history.shape[1] != 2 or len(history) == 0:
        raise ValueError(f"{func}: history must have shape (m, 2) with m >= 1 (got {tuple(history.shape)})")
    tol = check_scalar(tol, name="tol", func=func, low=0, low_open=True)
    exaggeration_iter = check_integer(exaggeration_iter, name="exaggeration_iter", func=func, minimum=0)
    records = [(int(step), value) for step, value in history.tolist()]
    for end in range(1, len(records) + 1):
        if _converged(records[:end], tol, exaggeration_iter):
            return records[end - 1][0]
    return records[-1][0]


def _converged(history: list, tol: float | None, exaggeration_iter: int) -> bool:
    """Whether the last two records, both after the exaggeration phase, differ by less than ``tol`` relatively."""
    if tol is None or len(history) < 2 or history[-2][0] < exaggeration_iter:
        return False
    (_, before), (_, now) = history[-2:]
    return before - now < tol * now


def _kl_at_pairs(p: torch.Tensor, kernel: torch.Tensor, total: float) -> float:
    """:math:`D(P \\| Q) = \\sum p_{ij} \\log p_{ij} - \\sum p_{ij} \\log w_{ij} + \\log Z \\sum p_{ij}` from the pairs where :math:`p_{ij} > 0`.

    ``p`` and ``kernel`` hold :math:`p_{ij}` and :math:`w_{ij}` at those pairs, ``total`` is
    :math:`Z = \\sum_{k \\ne l} w_{kl}`; ``p`` may be exaggerated (not summing to 1), as during the optimisation.
    """
    p, kernel = p.to(torch.float64), kernel.to(torch.float64)
    return (torch.special.xlogy(p, p) - p * kernel.log()).sum().item() + p.sum().item() * math.log(total)
