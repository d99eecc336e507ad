"""The Fisher information metric: Fisher matrices, Jeffreys priors and Fisher–Rao distances.

For a family of distributions :math:`q_\\theta`, the *score* is
:math:`s_\\theta(x) = \\nabla_\\theta \\log q_\\theta(x)`, and the Fisher
information is its covariance, :math:`F(\\theta) = E_{q_\\theta}[s s^\\top]`,
which is also the Hessian of :math:`\\theta \\mapsto D(q_{\\theta_0} \\| q_\\theta)`
at :math:`\\theta = \\theta_0`. Scores are computed with ``torch.func``
(``jacrev`` for all outcomes of a discrete family at once, ``vmap`` of
``grad`` for the per-sample scores of a continuous one).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import torch
from torch.func import grad, jacrev, vmap

from ..validation import (
    as_float_tensor,
    check_array,
    check_finite,
    check_integer,
    check_probability_vector,
    check_seed,
    reports_as,
    sum_tolerance,
)
from .measures import _probability_pair

__all__ = ["FisherInformation", "fisher_information", "fisher_rao_distance", "jeffreys_prior"]


class FisherInformation(NamedTuple):
    """Result of :func:`fisher_information`: the matrix and the standard error of each entry."""

    #: The Fisher information (exact, or a Monte Carlo estimate), shape (..., d, d).
    matrix: torch.Tensor
    #: Standard error of each entry (zero for the exact computation), shape (..., d, d).
    standard_error: torch.Tensor


def _check_theta(theta, func: str) -> torch.Tensor:
    theta = check_finite(as_float_tensor(theta, name="theta", func=func), name="theta", func=func)
    if theta.ndim == 0 or theta.shape[-1] == 0:
        raise ValueError(f"{func}: theta must have a last dimension indexing the parameters (got shape {tuple(theta.shape)})")
    return theta


def _exact_fisher(log_prob: Callable, theta: torch.Tensor, support: torch.Tensor, func: str) -> FisherInformation:
    batch_shape, d = theta.shape[:-1], theta.shape[-1]
    flat = theta.reshape(-1, d)

    def log_probs(th):
        return log_prob(th, support)

    logp = vmap(log_probs)(flat)  # (B, n)
    if logp.ndim != 2:
        raise ValueError(
            f"{func}: log_prob(theta, support) must return one log-probability per outcome (got shape {tuple(logp.shape[1:])})"
        )
    probabilities = check_probability_vector(logp.exp(), name="exp(log_prob(theta, support))", func=func)
    scores = vmap(jacrev(log_probs))(flat)  # (B, n, d)
    # Outcomes of probability 0 carry no weight (and possibly an infinite score).
    scores = torch.where(probabilities.unsqueeze(-1) > 0, scores, torch.zeros_like(scores))
    matrix = torch.einsum("bn,bni,bnj->bij", probabilities, scores, scores).reshape(*batch_shape, d, d)
    return FisherInformation(matrix, torch.zeros_like(matrix))


def _monte_carlo_fisher(log_prob: Callable, theta: torch.Tensor, sample: Callable, n_samples: int,
                        seed: int, func: str) -> FisherInformation:
    if theta.ndim != 1:
        raise ValueError(f"{func}: with sample=..., theta must be 1-D (got shape {tuple(theta.shape)})")
    generator = torch.Generator(device=theta.device).manual_seed(seed)
    with torch.no_grad():
        x = sample(theta, n_samples, generator)
    if not isinstance(x, torch.Tensor) or x.shape[0] != n_samples:
        raise ValueError(f"{func}: sample(theta, n, generator) must return a tensor with n = {n_samples} rows")
    scores = vmap(grad(log_prob), in_dims=(None, 0))(theta, x)  # (n, d)
    outer = scores.unsqueeze(-1) * scores.unsqueeze(-2)
    return FisherInformation(outer.mean(dim=0), outer.std(dim=0) / math.sqrt(n_samples))


def fisher_information(log_prob, theta, *, support=None, sample=None, n_samples=100_000, seed=0) -> FisherInformation:
    r"""Fisher information :math:`F(\theta) = E_{x \sim q_\theta}\big[\nabla_\theta \log q_\theta(x)\, \nabla_\theta \log q_\theta(x)^\top\big]`.

    Give exactly one of ``support`` and ``sample``:

    * ``support`` (a discrete family): the expectation is the exact sum over
      all outcomes, :math:`F = \sum_x q_\theta(x)\, s(x) s(x)^\top`, with the
      scores of all outcomes from one Jacobian (``torch.func.jacrev``);
      ``theta`` may carry batch dimensions.
    * ``sample`` (any family, typically continuous): the expectation is a Monte
      Carlo average over ``n_samples`` draws from :math:`q_\theta`, with
      per-sample scores from ``torch.func.vmap(torch.func.grad(log_prob))``; the
      result carries the standard error of each entry.

    Parameters
    ----------
    log_prob : callable
        ``log_prob(theta, x)``: :math:`\log q_\theta(x)`, differentiable in
        ``theta`` (shape (d,)) and written with torch operations. With
        ``support`` it is called on all outcomes at once and must return one
        value per outcome; with ``sample`` it is called on one sample at a time
        (under ``vmap``) and must return a scalar.
    theta : array_like, shape (..., d)
        The parameters (a batch is allowed with ``support`` only).
    support : array_like, shape (n, ...), optional
        Every outcome of a discrete family; the probabilities
        ``exp(log_prob(theta, support))`` must sum to 1.
    sample : callable, optional
        ``sample(theta, n, generator)``: ``n`` draws from :math:`q_\theta`, stacked along dim 0.
    n_samples : int, default 100000
        Number of Monte Carlo draws (with ``sample``).
    seed : int, default 0
        Seed of the generator passed to ``sample``.

    Returns
    -------
    FisherInformation
        ``matrix`` and ``standard_error``, each of shape (..., d, d).

    Raises
    ------
    ValueError
        If both or neither of ``support`` and ``sample`` are given, if ``theta``
        is not finite, or if the probabilities over ``support`` do not sum to 1.

    Examples
    --------
    A coin with probability ``p`` of heads, :math:`F = 1/(p(1-p))`:

    >>> def coin(theta, x):
    ...     return x * torch.log(theta[0]) + (1 - x) * torch.log(1 - theta[0])
    >>> fisher_information(coin, [0.2], support=torch.tensor([0.0, 1.0])).matrix
    tensor([[6.2500]], dtype=torch.float64)

    A normal distribution in :math:`(\mu, \sigma)`, by Monte Carlo; exactly
    :math:`\mathrm{diag}(1/\sigma^2, 2/\sigma^2)`:

    >>> def normal(theta, x):
    ...     return -0.5 * ((x - theta[0]) / theta[1]) ** 2 - torch.log(theta[1])
    >>> def draw(theta, n, generator):
    ...     return theta[0] + theta[1] * torch.randn(n, generator=generator, dtype=theta.dtype)
    >>> estimate = fisher_information(normal, [0.0, 2.0], sample=draw, n_samples=200_000)
    >>> estimate.matrix.diagonal(), estimate.standard_error.diagonal()
    (tensor([0.2502, 0.5035], dtype=torch.float64), tensor([0.0008, 0.0043], dtype=torch.float64))
    """
    func = "fisher_information"
    if not callable(log_prob):
        raise TypeError(f"{func}: log_prob must be callable (got {type(log_prob).__name__})")
    if (support is None) == (sample is None):
        given = "neither" if support is None else "both"
        raise ValueError(f"{func}: give exactly one of support (exact, discrete) and sample (Monte Carlo) (got {given})")
    theta = _check_theta(theta, func)
    n_samples = check_integer(n_samples, name="n_samples", func=func, minimum=2)
    seed = check_seed(seed, func=func)
    if support is not None:
        support = check_array(support, name="support", func=func).to(theta.device)
        return _exact_fisher(log_prob, theta, support, func)
    if not callable(sample):
        raise TypeError(f"{func}: sample must be callable (got {type(sample).__name__})")
    return _monte_carlo_fisher(log_prob, theta, sample, n_samples, seed, func)


@reports_as("jeffreys_prior")
def jeffreys_prior(log_prob, theta, *, support=None, sample=None, n_samples=100_000, seed=0) -> torch.Tensor:
    r"""Unnormalised Jeffreys prior density :math:`\sqrt{\det F(\theta)}`.

    The volume element :math:`\sqrt{\det F}\, d^D\theta` is the same in every
    parametrisation, which makes it a natural "ignorant" prior; divided by its
    integral (when that is finite) it is the Jeffreys prior.

    Parameters
    ----------
    log_prob, theta, support, sample, n_samples, seed
        As for :func:`fisher_information`, which computes :math:`F`.

    Returns
    -------
    torch.Tensor, shape (...)
        :math:`\sqrt{\det F(\theta)}` for each parameter vector in the batch.

    Examples
    --------
    For a coin, :math:`\sqrt{F} = 1/\sqrt{p(1-p)}`, which integrates to
    :math:`\pi`: the Jeffreys prior is Beta(1/2, 1/2).

    >>> def coin(theta, x):
    ...     return x * torch.log(theta[0]) + (1 - x) * torch.log(1 - theta[0])
    >>> jeffreys_prior(coin, [[0.5], [0.1]], support=torch.tensor([0.0, 1.0]))
    tensor([2.0000, 3.3333], dtype=torch.float64)
    """
    fisher = fisher_information(log_prob, theta, support=support, sample=sample, n_samples=n_samples, seed=seed)
    return torch.linalg.det(fisher.matrix).sqrt()


def fisher_rao_distance(p, q, *, dim=-1) -> torch.Tensor:
    r"""Fisher–Rao (geodesic) distance between two categorical distributions.

    .. math:: d(p, q) = 2 \arccos \sum_i \sqrt{p_i q_i}

    The map :math:`p \mapsto 2\sqrt{p}` sends the probability simplex with the
    Fisher metric onto part of a sphere of radius 2 with its ordinary metric,
    so geodesics are great-circle arcs. For a coin,
    :math:`d = 2\,|\arcsin\sqrt{p_1} - \arcsin\sqrt{p_2}|`, and the whole
    family, from :math:`p = 0` to :math:`p = 1`, has length :math:`\pi`.

    Parameters
    ----------
    p, q : array_like, shape (..., n, ...)
        Probability vectors along ``dim`` (validated as in
        :func:`mltheory.information.kl_divergence`); batch dimensions broadcast.
    dim : int, default -1
        The dimension that indexes outcomes.

    Returns
    -------
    torch.Tensor
        The distance, in :math:`[0, \pi]`. A true metric: symmetric, zero only
        for :math:`p = q`, and it satisfies the triangle inequality. Its
        gradient is infinite (NaN from autograd) at :math:`p = q`.

    Examples
    --------
    >>> fisher_rao_distance([1.0, 0.0], [0.0, 1.0])  # the two certain outcomes: pi
    tensor(3.1416, dtype=torch.float64)
    >>> fisher_rao_distance([0.5, 0.5], [0.5, 0.5])
    tensor(0., dtype=torch.float64)
    """
    func = "fisher_rao_distance"
    p, q = _probability_pair(p, q, func=func, dim=dim)
    overlap = torch.sqrt(p * q).sum(dim=dim)
    # Rounding can push the overlap of identical vectors a few ulps above 1.
    slack = sum_tolerance(overlap.dtype)
    overlap = torch.where((overlap > 1) & (overlap <= 1 + slack), torch.ones_like(overlap), overlap)
    return 2 * torch.arccos(overlap)
