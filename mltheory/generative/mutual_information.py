r"""Variational lower bounds on mutual information: Barber–Agakov and InfoNCE.

Mutual information :math:`I(X; C)` cannot be computed from samples when the
densities are unknown, but it can be bounded from below by quantities that
can. The Barber–Agakov bound replaces the posterior :math:`p(c \mid x)` with
any conditional distribution :math:`Q(c \mid x)`, the variational posterior of
InfoGAN; InfoNCE scores a batch of :math:`N` pairs with a critic and asks how
well each positive pair stands out from the :math:`N - 1` negatives. The
correlated Gaussians of :func:`correlated_gaussians`, whose mutual information
and density ratio are known in closed form, test both.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

from ..information.measures import entropy
from ..validation import (
    as_generator,
    check_array,
    check_integer,
    check_probability_table,
    check_probability_vector,
    check_scalar,
    check_shape,
)

__all__ = [
    "GaussianInfoNCE",
    "barber_agakov_bound",
    "correlated_gaussians",
    "gaussian_infonce",
    "gaussian_log_ratio_critic",
    "gaussian_mutual_information",
    "infonce",
]

#: Score matrices per chunk of batches in :func:`gaussian_infonce`: at most about this many entries at once.
_CHUNK_ENTRIES = 2**22


def barber_agakov_bound(p_xc, q_c_given_x) -> torch.Tensor:
    r"""The Barber–Agakov lower bound :math:`H(C) + \sum_{x,c} p(x, c) \log Q(c \mid x)` on :math:`I(X; C)`.

    For every conditional distribution :math:`Q(c \mid x)` the bound is at most
    the mutual information, and the gap is the average relative entropy
    :math:`\sum_x p(x)\, D\big(p(\cdot \mid x) \,\|\, Q(\cdot \mid x)\big)`, zero
    exactly when :math:`Q` is the posterior.

    Parameters
    ----------
    p_xc : array_like, shape (..., n_x, n_c)
        Joint probabilities indexed ``[x, c]``; leading dimensions are a batch.
    q_c_given_x : array_like, shape (..., n_x, n_c)
        The variational posterior: row ``x`` is a distribution :math:`Q(\cdot \mid x)` over the codes.

    Returns
    -------
    torch.Tensor, shape (...)
        The bound in nats; :math:`-\infty` if :math:`Q` gives probability 0 to a pair of positive probability.

    Raises
    ------
    ValueError
        If ``p_xc`` is not a joint table, a row of ``q_c_given_x`` is not a probability vector, or the shapes differ.

    Examples
    --------
    >>> p_xc = torch.tensor([[0.4, 0.1], [0.1, 0.4]], dtype=torch.float64)
    >>> posterior = p_xc / p_xc.sum(-1, keepdim=True)
    >>> barber_agakov_bound(p_xc, posterior)  # equals I(X; C) at the posterior
    tensor(0.1927, dtype=torch.float64)
    >>> barber_agakov_bound(p_xc, torch.full((2, 2), 0.5))  # a uninformed Q gives H(C) - log 2 = 0
    tensor(0., dtype=torch.float64)
    """
    func = "barber_agakov_bound"
    p_xc = check_probability_table(p_xc, name="p_xc", func=func, ndim=2)
    q = check_probability_vector(q_c_given_x, name="q_c_given_x", func=func)
    check_shape(q, ("...", *p_xc.shape[-2:]), name="q_c_given_x", func=func)
    return entropy(p_xc.sum(dim=-2)) + torch.special.xlogy(p_xc, q.to(p_xc.dtype)).sum(dim=(-2, -1))


def infonce(scores) -> torch.Tensor:
    r"""The InfoNCE estimate :math:`\frac1N \sum_i \log \frac{e^{f(x_i, y_i)}}{\frac1N \sum_j e^{f(x_i, y_j)}}`.

    Entry ``[i, j]`` of ``scores`` is the critic's value :math:`f(x_i, y_j)`: the
    diagonal holds the :math:`N` positive pairs, drawn from the joint
    distribution, and each row's other entries the negatives. Each term is a
    log-softmax plus :math:`\log N`, so the estimate never exceeds
    :math:`\log N`, whatever the critic; its expectation is at most
    :math:`I(X; Y)`
    (van den Oord et al. 2018; Poole et al. 2019).
    Computed with log-sum-exp, so large scores do not overflow.

    Parameters
    ----------
    scores : array_like, shape (..., N, N)
        Critic values, finite; leading dimensions are a batch of independent estimates.

    Returns
    -------
    torch.Tensor, shape (...)
        The estimate in nats.

    Raises
    ------
    ValueError
        If ``scores`` is not a square matrix (or a batch of them) of finite numbers.

    Examples
    --------
    >>> infonce(torch.zeros(4, 4, dtype=torch.float64))  # a critic that sees nothing: 0
    tensor(0., dtype=torch.float64)
    >>> infonce(100 * torch.eye(4, dtype=torch.float64))  # a perfect critic reaches log 4 and no more
    tensor(1.3863, dtype=torch.float64)
    """
    func = "infonce"
    scores = check_array(scores, name="scores", func=func)
    check_shape(scores, ("...", "N", "N"), name="scores", func=func)
    n = scores.shape[-1]
    positives = torch.diagonal(scores, dim1=-2, dim2=-1)
    return math.log(n) + (positives - torch.logsumexp(scores, dim=-1)).mean(dim=-1)


def gaussian_mutual_information(rho, d) -> torch.Tensor:
    r"""The mutual information :math:`I(X; Y) = -\frac d2 \log(1 - \rho^2)` of correlated Gaussians.

    Here :math:`X \sim \mathcal N(0, I_d)` and :math:`Y = \rho X + \sqrt{1 - \rho^2}\,\varepsilon`
    with independent :math:`\varepsilon \sim \mathcal N(0, I_d)`: :math:`d` independent pairs, each
    with correlation :math:`\rho`.

    Parameters
    ----------
    rho : float
        The correlation of each coordinate pair, in (-1, 1).
    d : int
        The dimension, at least 1.

    Returns
    -------
    torch.Tensor, shape ()
        :math:`I(X; Y)` in nats, float64.

    Examples
    --------
    >>> gaussian_mutual_information(0.9, 10)
    tensor(8.3037, dtype=torch.float64)
    """
    func = "gaussian_mutual_information"
    rho = check_scalar(rho, name="rho", func=func, low=-1, high=1, low_open=True, high_open=True)
    d = check_integer(d, name="d", func=func, minimum=1)
    return torch.tensor(-0.5 * d * math.log1p(-rho * rho), dtype=torch.float64)


def correlated_gaussians(n, d, rho, *, batches=None, seed=0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Draw :math:`n` pairs :math:`X \sim \mathcal N(0, I_d)`, :math:`Y = \rho X + \sqrt{1 - \rho^2}\,\varepsilon`.

    Parameters
    ----------
    n : int
        Pairs per batch, at least 1.
    d : int
        Dimension, at least 1.
    rho : float
        Correlation of each coordinate pair, in (-1, 1).
    batches : int, optional
        Independent batches to draw at once; ``None`` (default) draws one without a batch dimension.
    seed : int or torch.Generator, default 0
        Source of randomness.

    Returns
    -------
    x, y : torch.Tensor, shape (n, d) or (batches, n, d)
        The pairs, float64; row ``i`` of ``x`` goes with row ``i`` of ``y``.

    Examples
    --------
    >>> x, y = correlated_gaussians(100_000, 1, 0.9, seed=0)
    >>> round(torch.corrcoef(torch.cat([x.T, y.T]))[0, 1].item(), 2)
    0.9
    """
    func = "correlated_gaussians"
    n = check_integer(n, name="n", func=func, minimum=1)
    d = check_integer(d, name="d", func=func, minimum=1)
    rho = check_scalar(rho, name="rho", func=func, low=-1, high=1, low_open=True, high_open=True)
    shape = (n, d) if batches is None else (check_integer(batches, name="batches", func=func, minimum=1), n, d)
    generator = as_generator(seed, func=func)
    x = torch.randn(shape, generator=generator, dtype=torch.float64)
    noise = torch.randn(shape, generator=generator, dtype=torch.float64)
    return x, rho * x + math.sqrt(1 - rho * rho) * noise


def gaussian_log_ratio_critic(x, y, rho) -> torch.Tensor:
    r"""The optimal critic :math:`f(x_i, y_j) = \log \frac{p(y_j \mid x_i)}{p(y_j)}` of :func:`correlated_gaussians`.

    With :math:`s = 1 - \rho^2`,

    .. math::

        f(x, y) = -\frac d2 \log s + \sum_k \Big[\frac{y_k^2}{2} - \frac{(y_k - \rho x_k)^2}{2 s}\Big],

    evaluated for every pair of rows through one matrix product. Its
    expectation over the joint distribution is :math:`I(X; Y)`.

    Parameters
    ----------
    x, y : array_like, shape (..., N, d)
        The first and second members of :math:`N` pairs (batch dimensions must match).
    rho : float
        The correlation the data were drawn with, in (-1, 1).

    Returns
    -------
    torch.Tensor, shape (..., N, N)
        Entry ``[i, j]`` is :math:`f(x_i, y_j)`; the diagonal scores the drawn pairs.

    Examples
    --------
    >>> x, y = correlated_gaussians(50_000, 2, 0.5, seed=1)
    >>> critic = gaussian_log_ratio_critic(x[:, None], y[:, None], 0.5)[:, 0, 0]  # the drawn pairs only
    >>> round(critic.mean().item(), 1), round(gaussian_mutual_information(0.5, 2).item(), 1)
    (0.3, 0.3)
    """
    func = "gaussian_log_ratio_critic"
    x = check_array(x, name="x", func=func)
    y = check_array(y, name="y", func=func)
    sizes = check_shape(x, ("...", "N", "d"), name="x", func=func)
    check_shape(y, ("...", "N", "d"), name="y", func=func, sizes=sizes)
    if x.shape != y.shape:
        raise ValueError(f"{func}: x and y must have the same shape (got {tuple(x.shape)} and {tuple(y.shape)})")
    rho = check_scalar(rho, name="rho", func=func, low=-1, high=1, low_open=True, high_open=True)
    s = 1 - rho * rho
    cross = x @ y.transpose(-2, -1)
    y_norm = (y * y).sum(-1).unsqueeze(-2)
    x_norm = (x * x).sum(-1).unsqueeze(-1)
    return -0.5 * x.shape[-1] * math.log(s) + 0.5 * y_norm - (y_norm - 2 * rho * cross + rho * rho * x_norm) / (2 * s)


class GaussianInfoNCE(NamedTuple):
    """InfoNCE estimates of :func:`gaussian_infonce`, one per batch, with the lower bound of each batch."""

    estimates: torch.Tensor
    """The InfoNCE estimate of each batch, shape (batches,)."""
    lower: torch.Tensor
    r"""Each batch's :math:`\frac1N\sum_i \log\frac{N r_i}{r_i + N - 1}`, :math:`r_i` the density ratio of pair :math:`i`."""


def gaussian_infonce(n, *, rho=0.9, d=10, batches=100, seed=0) -> GaussianInfoNCE:
    r"""InfoNCE with the optimal critic on batches of :math:`n` correlated Gaussian pairs.

    Each batch draws :math:`n` pairs with :func:`correlated_gaussians`, scores all
    :math:`n^2` combinations with :func:`gaussian_log_ratio_critic` and applies
    :func:`infonce`. Alongside, for the same positive pairs, it returns
    :math:`\frac1n\sum_i \log\frac{n r_i}{r_i + n - 1}` with :math:`r_i` the
    density ratio :math:`p(y_i \mid x_i)/p(y_i)`: replacing the negatives' sum by
    its mean :math:`n - 1` gives this value, whose expectation is at most that of
    the estimate (the log is concave). Batches are processed in chunks, so memory
    stays bounded for large :math:`n`.

    Parameters
    ----------
    n : int
        Batch size :math:`N`, at least 1.
    rho : float, default 0.9
        Correlation per coordinate pair, in (-1, 1).
    d : int, default 10
        Dimension.
    batches : int, default 100
        Independent batches.
    seed : int, default 0
        Seed; each chunk of batches draws from the same generator in turn.

    Returns
    -------
    GaussianInfoNCE
        ``estimates`` and ``lower``, each of shape (batches,), float64.

    Examples
    --------
    >>> run = gaussian_infonce(64, batches=50, seed=0)
    >>> bool((run.estimates <= math.log(64)).all()), round(run.estimates.mean().item(), 1)
    (True, 4.1)
    """
    func = "gaussian_infonce"
    n = check_integer(n, name="n", func=func, minimum=1)
    rho = check_scalar(rho, name="rho", func=func, low=-1, high=1, low_open=True, high_open=True)
    d = check_integer(d, name="d", func=func, minimum=1)
    batches = check_integer(batches, name="batches", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    chunk = max(1, _CHUNK_ENTRIES // (n * n))
    negatives = math.log(n - 1) if n > 1 else -math.inf  # log of the negatives' expected sum of ratios
    estimates, lower = [], []
    for start in range(0, batches, chunk):
        x, y = correlated_gaussians(n, d, rho, batches=min(chunk, batches - start), seed=generator)
        scores = gaussian_log_ratio_critic(x, y, rho)
        log_ratio = torch.diagonal(scores, dim1=-2, dim2=-1)
        estimates.append(infonce(scores))
        lower.append((math.log(n) + log_ratio - torch.logaddexp(log_ratio, log_ratio.new_tensor(negatives))).mean(-1))
    return GaussianInfoNCE(torch.cat(estimates), torch.cat(lower))
