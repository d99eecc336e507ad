r"""Maximum entropy: Boltzmann distributions and a numerical solver for moment constraints.

Among all distributions on outcomes :math:`x_1, \dots, x_n` whose features
:math:`f_k` have prescribed averages :math:`E_p[f_k] = t_k`, the one of largest
entropy is the exponential family :math:`p(x) \propto \exp\big(\sum_k \lambda_k f_k(x)\big)`.
The multipliers :math:`\lambda` minimise the convex dual function
:math:`\log Z(\lambda) - \lambda \cdot t`, whose gradient is
:math:`E_p[f] - t` and whose Hessian is the covariance of the features;
:func:`maxent_distribution` minimises it by Newton's method.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from ..validation import check_array, check_dim, check_integer, check_scalar

__all__ = ["MaxEntResult", "boltzmann", "log_partition", "maxent_distribution"]


def _energies_and_beta(energies, beta, dim, func: str) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Validated energies, beta with a dimension inserted at ``dim`` (so that the two broadcast), and ``dim``."""
    energies = check_array(energies, name="energies", func=func)
    beta = check_array(beta, name="beta", func=func).to(energies.dtype)
    dim = check_dim(energies, dim, name="energies", func=func)
    beta = beta.unsqueeze(-1).movedim(-1, dim if dim < 0 else dim - energies.ndim)
    try:
        torch.broadcast_shapes(beta.shape, energies.shape)
    except RuntimeError:
        raise ValueError(f"{func}: beta must broadcast with the batch shape of energies (got beta of shape "
                         f"{tuple(beta.squeeze(dim).shape)} and energies of shape {tuple(energies.shape)})") from None
    return energies, beta, dim


def boltzmann(energies, beta, *, dim=-1) -> torch.Tensor:
    r"""Boltzmann distribution :math:`p_i = e^{-\beta E_i} / Z`, :math:`Z = \sum_j e^{-\beta E_j}`.

    It is the distribution of largest entropy with a given mean energy, with
    :math:`\beta` fixed by that mean. Computed as a softmax, so it is stable
    for any energies and any :math:`\beta` (including negative temperatures).

    Parameters
    ----------
    energies : array_like, shape (..., n, ...)
        Energies :math:`E_i` along ``dim``.
    beta : array_like
        Inverse temperature(s); must broadcast with ``energies`` once ``dim`` is
        removed (a scalar, or shape (...)).
    dim : int, default -1
        The dimension that indexes the states.

    Returns
    -------
    torch.Tensor
        Probabilities with the broadcast shape of ``energies``. Differentiable.

    Examples
    --------
    >>> boltzmann([0.0, 1.0, 2.0], 0.0)  # infinite temperature: uniform
    tensor([0.3333, 0.3333, 0.3333], dtype=torch.float64)
    >>> boltzmann([0.0, 1.0], [1.0, 2.0]).shape  # two temperatures at once
    torch.Size([2, 2])
    """
    func = "boltzmann"
    energies, beta, dim = _energies_and_beta(energies, beta, dim, func)
    return torch.softmax(-beta * energies, dim=dim)


def log_partition(energies, beta, *, dim=-1) -> torch.Tensor:
    r"""Log of the partition function, :math:`\log Z(\beta) = \log \sum_i e^{-\beta E_i}`.

    Its derivative is :math:`-\langle E \rangle` and its second derivative the
    variance of the energy, so it is convex in :math:`\beta`.

    Parameters
    ----------
    energies : array_like, shape (..., n, ...)
        Energies along ``dim``.
    beta : array_like
        Inverse temperature(s), as for :func:`boltzmann`.
    dim : int, default -1
        The dimension that indexes the states.

    Returns
    -------
    torch.Tensor
        :math:`\log Z`, with ``dim`` removed. Differentiable (by log-sum-exp).

    Examples
    --------
    >>> log_partition([0.0, 0.0], 1.0)  # two states of equal energy: log 2
    tensor(0.6931, dtype=torch.float64)
    """
    func = "log_partition"
    energies, beta, dim = _energies_and_beta(energies, beta, dim, func)
    return torch.logsumexp(-beta * energies, dim=dim)


class MaxEntResult(NamedTuple):
    """Result of :func:`maxent_distribution`: the distribution and its Lagrange multipliers."""

    #: The maximum-entropy distribution over the ``n`` outcomes, shape (..., n).
    probabilities: torch.Tensor
    #: The Lagrange multipliers λ, with p ∝ exp(f λ), shape (..., k).
    multipliers: torch.Tensor


def _dual(features: torch.Tensor, targets: torch.Tensor, multipliers: torch.Tensor):
    """Value, gradient and Hessian of the dual ``log Z(λ) - λ·t``, and the distribution, for a batch of λ."""
    logits = multipliers @ features.T  # (B, n)
    log_z = torch.logsumexp(logits, dim=-1)
    p = torch.exp(logits - log_z.unsqueeze(-1))
    mean = p @ features  # (B, k)
    centred = features.unsqueeze(0) - mean.unsqueeze(1)  # (B, n, k)
    hessian = torch.einsum("bn,bni,bnj->bij", p, centred, centred)
    return log_z - (multipliers * targets).sum(-1), mean - targets, hessian, p


def maxent_distribution(features, targets, *, tol=1e-12, max_iter=100) -> MaxEntResult:
    r"""Distribution of maximum entropy over ``n`` outcomes with prescribed feature averages.

    Solves :math:`\max_p H(p)` subject to :math:`\sum_x p(x) f_k(x) = t_k` for
    every feature :math:`k`. The solution is
    :math:`p(x) = \exp\big(\sum_k \lambda_k f_k(x)\big) / Z(\lambda)`; the
    multipliers minimise the convex dual :math:`\log Z(\lambda) - \lambda \cdot t`,
    found by Newton's method with a backtracking line search, for every target
    in the batch at once. Gradients with respect to ``targets`` (and
    ``features``) are exact: the iteration runs without autograd, and one final
    Newton step, taken with autograd, carries the derivative of the fixed point
    (the implicit-function theorem).

    Parameters
    ----------
    features : array_like, shape (n,) or (n, k)
        Feature values :math:`f_k(x)` of each outcome (one feature if 1-D), for
        example the energies :math:`E_x`, or the faces of a die.
    targets : array_like, shape (...,) or (..., k)
        Prescribed averages :math:`t_k`; each must lie strictly between the
        smallest and largest value of its feature, and the targets must be
        attainable together.
    tol : float, default 1e-12
        Stop when every :math:`|E_p[f_k] - t_k|` is below ``tol`` times the
        range of feature :math:`k`.
    max_iter : int, default 100
        Maximum number of Newton steps.

    Returns
    -------
    MaxEntResult
        ``probabilities`` of shape (..., n) and ``multipliers`` of shape (..., k)
        (shape (...) with a single 1-D feature). A Boltzmann distribution has
        multiplier :math:`-\beta` on the energy.

    Raises
    ------
    ValueError
        If a target lies outside the open range of its feature, or Newton's
        method does not reach ``tol`` (for example for targets that cannot be
        attained together).

    Examples
    --------
    Jaynes' die: the least committal distribution of a die whose faces average 4.5.

    >>> result = maxent_distribution(torch.arange(1.0, 7.0, dtype=torch.float64), 4.5)
    >>> result.probabilities
    tensor([0.0544, 0.0788, 0.1142, 0.1654, 0.2398, 0.3475], dtype=torch.float64)
    >>> round(float(result.probabilities @ torch.arange(1.0, 7.0, dtype=torch.float64)), 12)
    4.5
    """
    func = "maxent_distribution"
    features = check_array(features, name="features", func=func)
    targets = check_array(targets, name="targets", func=func)
    single = features.ndim == 1
    if single:
        features, targets = features.unsqueeze(-1), targets.unsqueeze(-1)
    if features.ndim != 2 or features.shape[0] < 2:
        raise ValueError(f"{func}: features must have shape (n,) or (n, k) with n >= 2 outcomes (got {tuple(features.shape)})")
    if targets.ndim == 0 or targets.shape[-1] != features.shape[1]:
        raise ValueError(
            f"{func}: targets must have {features.shape[1]} entries along the last dim, one per feature "
            f"(got shape {tuple(targets.shape)})"
        )
    tol = check_scalar(tol, name="tol", func=func, low=0, low_open=True)
    max_iter = check_integer(max_iter, name="max_iter", func=func, minimum=1)
    targets = targets.to(features.dtype)
    low, high = features.min(dim=0).values, features.max(dim=0).values
    outside = (targets <= low) | (targets >= high)
    if outside.any():
        bad = targets[outside][0].item()
        raise ValueError(
            f"{func}: targets must each lie strictly between the smallest and largest value of its feature "
            f"(got {bad:.10g} for a feature ranging over [{low.min().item():.10g}, {high.max().item():.10g}])"
        )
    batch_shape = targets.shape[:-1]
    flat_targets = targets.reshape(-1, features.shape[1])
    scale = (high - low) * tol
    with torch.no_grad():
        lam = torch.zeros_like(flat_targets)
        for iteration in range(max_iter + 1):
            value, gradient, hessian, _ = _dual(features, flat_targets, lam)
            if (gradient.abs() <= scale).all():
                break
            if iteration == max_iter:
                raise ValueError(
                    f"{func}: Newton's method did not converge in {max_iter} steps (largest constraint error "
                    f"{gradient.abs().max().item():.3g}); the targets may not be attainable together"
                )
            step = torch.linalg.solve(hessian, gradient.unsqueeze(-1)).squeeze(-1)
            size = torch.ones_like(value)
            rounding = 8 * torch.finfo(value.dtype).eps * (1 + value.abs())
            for _ in range(50):  # backtracking: the dual must decrease (Armijo condition, up to rounding)
                trial = lam - size.unsqueeze(-1) * step
                decrease = (_dual(features, flat_targets, trial)[0]
                            <= value - 1e-4 * size * (gradient * step).sum(-1) + rounding)
                if decrease.all():
                    break
                size = torch.where(decrease, size, size / 2)
            lam = lam - size.unsqueeze(-1) * step
    # One Newton step with autograd: at the fixed point it has the exact derivative of λ(t).
    _, gradient, hessian, _ = _dual(features, flat_targets, lam)
    lam = lam - torch.linalg.solve(hessian, gradient.unsqueeze(-1)).squeeze(-1)
    p = torch.softmax(lam @ features.T, dim=-1)
    p = p.reshape(*batch_shape, features.shape[0])
    lam = lam.reshape(*batch_shape, features.shape[1])
    return MaxEntResult(p, lam.squeeze(-1) if single else lam)
