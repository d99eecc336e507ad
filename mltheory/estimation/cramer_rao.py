"""The Cramér–Rao bound and the estimators that meet it, or beat it by being biased.

:func:`fisher_monte_carlo` estimates the Fisher information as the covariance of
per-sample scores (computed with ``torch.func``), :func:`cramer_rao_bound`
turns a Fisher information into the smallest covariance an unbiased estimator
can have, and :func:`james_stein` is the classic biased estimator that beats
the maximum-likelihood estimator in total squared error.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.func import grad, vmap

from ..validation import as_float_tensor, check_array, check_finite, check_flag, check_integer, check_positive

__all__ = ["cramer_rao_bound", "fisher_monte_carlo", "james_stein", "james_stein_risk"]


def _symmetric_positive_definite(matrix: torch.Tensor, *, name: str, func: str) -> torch.Tensor:
    if matrix.shape[-1] != matrix.shape[-2]:
        raise ValueError(f"{func}: {name} must be square in its last two dims (got shape {tuple(matrix.shape)})")
    if matrix.shape[-1] == 0:
        raise ValueError(f"{func}: {name} must not be empty (got shape {tuple(matrix.shape)})")
    scale = matrix.abs().amax(dim=(-2, -1), keepdim=True).clamp_min(1.0)
    if ((matrix - matrix.mT).abs() > 1e-10 * scale).any():
        asymmetry = (matrix - matrix.mT).abs().max().item()
        raise ValueError(f"{func}: {name} must be symmetric (got an asymmetry of {asymmetry:.3g})")
    smallest = torch.linalg.eigvalsh(matrix)[..., 0]
    if (smallest <= 0).any():
        raise ValueError(f"{func}: {name} must be positive definite (got smallest eigenvalue {smallest.min().item():.10g})")
    return matrix


def cramer_rao_bound(fisher, *, n=1, jacobian=None) -> torch.Tensor:
    r"""The Cramér–Rao lower bound :math:`J (n F_1)^{-1} J^\top` on the covariance of an unbiased estimator.

    For :math:`n` independent observations with per-observation Fisher
    information :math:`F_1`, every unbiased estimator :math:`\hat\phi` of
    :math:`\phi(\theta)` satisfies
    :math:`\operatorname{Cov}(\hat\phi) \succeq J (n F_1)^{-1} J^\top`, with
    :math:`J = \partial \phi / \partial \theta` the Jacobian of the *target
    function* :math:`\phi`. For a scalar parameter estimated directly this is
    :math:`1/(n F_1)`.

    Parameters
    ----------
    fisher : array_like, shape (..., d, d) or (...) for d = 1
        Fisher information of one observation, symmetric positive definite; a
        tensor of scalars is read as a batch of 1 × 1 informations.
    n : int, default 1
        Number of independent observations.
    jacobian : array_like, shape (..., k, d), optional
        :math:`J`; by default the identity (estimating :math:`\theta` itself).

    Returns
    -------
    torch.Tensor
        Shape (..., k, k) when ``fisher`` is a matrix; for scalar Fisher
        information without a Jacobian, the shape of ``fisher``.

    Examples
    --------
    >>> cramer_rao_bound(1 / 4.0, n=10)  # Gaussian mean, sigma^2 = 4: sigma^2 / n
    tensor(0.4000, dtype=torch.float64)
    >>> F = torch.diag(torch.tensor([1 / 4.0, 1 / (2 * 16.0)], dtype=torch.float64))  # (mu, sigma^2), sigma^2 = 4
    >>> cramer_rao_bound(F, n=10)
    tensor([[0.4000, 0.0000],
            [0.0000, 3.2000]], dtype=torch.float64)
    """
    func = "cramer_rao_bound"
    fisher = check_array(fisher, name="fisher", func=func)
    n = check_integer(n, name="n", func=func, minimum=1)
    scalar = fisher.ndim < 2
    if scalar:
        check_positive(fisher, name="fisher", func=func)
        if jacobian is None:
            return 1 / (n * fisher)
        fisher = fisher[..., None, None]
    _symmetric_positive_definite(fisher, name="fisher", func=func)
    if jacobian is None:
        return torch.linalg.inv(n * fisher)
    jacobian = check_finite(as_float_tensor(jacobian, name="jacobian", func=func), name="jacobian", func=func).to(fisher)
    if jacobian.ndim < 2 or jacobian.shape[-1] != fisher.shape[-1]:
        raise ValueError(f"{func}: jacobian must have shape (..., k, {fisher.shape[-1]}) (got {tuple(jacobian.shape)})")
    return jacobian @ torch.linalg.solve(n * fisher, jacobian.mT)


def fisher_monte_carlo(log_prob: Callable, theta, samples) -> torch.Tensor:
    r"""Monte Carlo Fisher information: the mean outer product of per-sample scores, :math:`\frac1n \sum_i s_i s_i^\top`.

    The score :math:`s_i = \nabla_\theta \log p(x_i; \theta)` of every sample
    is computed at once with ``torch.func.vmap(torch.func.grad(log_prob))``.
    Because the score has mean zero at the true parameter, the mean outer
    product is an unbiased estimate of :math:`F = \operatorname{Cov}(s)` when
    the samples are drawn from :math:`p(\cdot; \theta)`.

    Parameters
    ----------
    log_prob : callable
        ``log_prob(theta, x)`` returns the scalar :math:`\log p(x; \theta)` for one sample ``x``.
    theta : array_like, shape (d,)
        Parameters.
    samples : array_like, shape (n, ...)
        Samples along the first dimension.

    Returns
    -------
    torch.Tensor, shape (d, d)

    Examples
    --------
    >>> import math
    >>> from mltheory.estimation.distributions import Normal
    >>> def log_normal(theta, x):  # theta = (mu, sigma^2)
    ...     return -(x - theta[0])**2 / (2 * theta[1]) - 0.5 * torch.log(2 * math.pi * theta[1])
    >>> x = Normal(0.0, 2.0)(200_000, seed=0)
    >>> F = fisher_monte_carlo(log_normal, [0.0, 4.0], x)  # exactly diag(1/sigma^2, 1/(2 sigma^4))
    >>> [round(v, 4) for v in F.flatten().tolist()]
    [0.2502, -0.0002, -0.0002, 0.0315]
    """
    func = "fisher_monte_carlo"
    if not callable(log_prob):
        raise TypeError(f"{func}: log_prob must be callable (got {type(log_prob).__name__})")
    theta = check_array(theta, name="theta", func=func)
    if theta.ndim != 1:
        raise ValueError(f"{func}: theta must be a vector (got shape {tuple(theta.shape)})")
    samples = check_finite(as_float_tensor(samples, name="samples", func=func), name="samples", func=func).to(theta)
    if samples.ndim == 0 or samples.shape[0] == 0:
        raise ValueError(f"{func}: samples must hold at least one sample along dim 0 (got shape {tuple(samples.shape)})")
    scores = vmap(grad(log_prob), in_dims=(None, 0))(theta, samples)
    return scores.mT @ scores / samples.shape[0]


def james_stein(x, *, sd=1.0, positive_part=False) -> torch.Tensor:
    r"""The James–Stein estimator of a mean vector from one observation :math:`x \sim \mathcal N(\theta, \sigma^2 I_d)`.

    .. math:: \hat\theta_{JS} = \left(1 - \frac{(d - 2)\,\sigma^2}{\|x\|^2}\right) x

    For :math:`d \ge 3` its total mean squared error
    :math:`E\|\hat\theta_{JS} - \theta\|^2` is smaller than that of the
    maximum-likelihood estimator :math:`\hat\theta = x` (which is
    :math:`d\sigma^2`) for *every* :math:`\theta`. It is biased towards 0.
    ``positive_part=True`` clips the shrinkage factor at 0, which is better
    still.

    Parameters
    ----------
    x : array_like, shape (..., d)
        Observations, the last dimension being the vector.
    sd : float or array_like, default 1.0
        Known noise standard deviation :math:`\sigma`, broadcastable to ``x[..., 0]``.
    positive_part : bool, default False

    Returns
    -------
    torch.Tensor, shape (..., d)

    Examples
    --------
    >>> james_stein([3.0, 4.0, 0.0])  # shrinks by (1 - 1/25)
    tensor([2.8800, 3.8400, 0.0000], dtype=torch.float64)
    """
    func = "james_stein"
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    if x.ndim == 0 or x.shape[-1] < 1:
        raise ValueError(f"{func}: x must have a vector dimension (got shape {tuple(x.shape)})")
    sd = check_array(sd, name="sd", func=func, positive=True).to(x)
    positive_part = check_flag(positive_part, name="positive_part", func=func)
    try:
        fits = torch.broadcast_shapes(sd.shape, x.shape[:-1]) == x.shape[:-1]
    except RuntimeError:
        fits = False
    if not fits:
        raise ValueError(f"{func}: sd must broadcast with the batch shape {tuple(x.shape[:-1])} of x "
                         f"(got shape {tuple(sd.shape)})")
    d = x.shape[-1]
    squared_norm = (x**2).sum(dim=-1)
    if (squared_norm == 0).any():
        raise ValueError(f"{func}: x must not be the zero vector (the shrinkage factor is undefined)")
    factor = 1 - (d - 2) * sd**2 / squared_norm
    if positive_part:
        factor = factor.clamp_min(0)
    return factor.unsqueeze(-1) * x


def james_stein_risk(d, norm, *, terms=200) -> torch.Tensor:
    r"""Exact risk :math:`E\|\hat\theta_{JS} - \theta\|^2` of :func:`james_stein` (with :math:`\sigma = 1`).

    By Stein's lemma the risk is :math:`d - (d-2)^2 E[\|X\|^{-2}]`, and
    :math:`\|X\|^2` is non-central :math:`\chi^2_d` with non-centrality
    :math:`\lambda = \|\theta\|^2`, a Poisson mixture of central ones:

    .. math:: E[\|X\|^{-2}] = \sum_{j \ge 0} e^{-\lambda/2}\frac{(\lambda/2)^j}{j!}\,\frac{1}{d - 2 + 2j}.

    Parameters
    ----------
    d : int
        Dimension, at least 3.
    norm : array_like
        :math:`\|\theta\|`, any shape.
    terms : int, default 200
        Terms of the Poisson series (enough for :math:`\|\theta\| \lesssim 15`).

    Returns
    -------
    torch.Tensor, shape of ``norm``

    Examples
    --------
    >>> james_stein_risk(10, [0.0, 3.0])  # 2 at the origin; the MLE's risk is 10
    tensor([2.0000, 5.9857], dtype=torch.float64)
    """
    func = "james_stein_risk"
    d = check_integer(d, name="d", func=func, minimum=3)
    terms = check_integer(terms, name="terms", func=func, minimum=1)
    norm = check_array(norm, name="norm", func=func, nonnegative=True)
    half = (norm**2 / 2).unsqueeze(-1)
    j = torch.arange(terms, dtype=norm.dtype, device=norm.device)
    log_weights = -half + torch.special.xlogy(j, half) - torch.lgamma(j + 1)
    inverse_moment = (log_weights.exp() / (d - 2 + 2 * j)).sum(-1)
    return d - (d - 2) ** 2 * inverse_moment
