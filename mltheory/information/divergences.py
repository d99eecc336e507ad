"""Relative entropy beyond discrete vectors: Gaussians, type classes, and fitting a Gaussian by KL."""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch.func import grad, jacrev, vmap

from ..validation import (
    as_float_tensor,
    broadcast_arguments,
    check_array,
    check_dim,
    check_finite,
    check_integer,
    check_positive,
    check_probability_vector,
    reports_as,
)
from .measures import log_multinomial

__all__ = [
    "GaussianFit",
    "fit_gaussian_by_kl",
    "gaussian_mixture_log_density",
    "kl_gaussian",
    "kl_quadrature",
    "type_class_log_probability",
]


def kl_gaussian(mean_p, std_p, mean_q, std_q, *, dim=None) -> torch.Tensor:
    r"""Relative entropy of two normal distributions, :math:`D(\mathcal N(\mu_p, \sigma_p^2) \,\|\, \mathcal N(\mu_q, \sigma_q^2))`.

    .. math::

        D = \log\frac{\sigma_q}{\sigma_p} + \frac{\sigma_p^2 + (\mu_p - \mu_q)^2}{2 \sigma_q^2} - \frac12 .

    With ``dim`` given, the divergences are summed over that dimension, which is
    the divergence of two Gaussians with diagonal covariances.

    Parameters
    ----------
    mean_p, std_p, mean_q, std_q : array_like
        Means and standard deviations (positive); all four broadcast together.
    dim : int or tuple of int, optional
        Dimension(s) indexing the coordinates of a diagonal multivariate Gaussian.

    Returns
    -------
    torch.Tensor
        The divergence in nats, with the broadcast shape (``dim`` summed out).
        Differentiable in all four arguments.

    Raises
    ------
    ValueError
        If a mean is not finite, a standard deviation is not positive and
        finite, or the shapes do not broadcast.

    Examples
    --------
    >>> kl_gaussian(0.0, 1.0, 1.0, 1.0)  # unit shift of the mean: 1/2
    tensor(0.5000, dtype=torch.float64)
    >>> kl_gaussian([0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [1.0, 2.0], dim=-1)
    tensor(0.8181, dtype=torch.float64)
    """
    func = "kl_gaussian"
    values = []
    for name, value in (("mean_p", mean_p), ("std_p", std_p), ("mean_q", mean_q), ("std_q", std_q)):
        values.append(check_array(value, name=name, func=func, positive=name.startswith("std")))
    mean_p, std_p, mean_q, std_q = broadcast_arguments(dict(zip(("mean_p", "std_p", "mean_q", "std_q"), values)),
                                                       func=func)
    if dim is not None:
        dim = check_dim(mean_p, dim, name="the broadcast arguments", func=func)
    ratio = std_p / std_q
    divergence = 0.5 * (ratio**2 + ((mean_p - mean_q) / std_q) ** 2 - 1) - torch.log(ratio)
    return divergence if dim is None else divergence.sum(dim=dim)


@reports_as("type_class_log_probability")
def type_class_log_probability(counts, q, *, dim=-1) -> torch.Tensor:
    r"""Log-probability that a model ``q`` assigns to all sequences with the given counts.

    The *type class* of counts :math:`(n_1, \dots, n_k)`, :math:`N = \sum_i n_i`,
    is the set of the :math:`N! / \prod_i n_i!` sequences in which outcome
    :math:`i` occurs :math:`n_i` times. Under i.i.d. draws from ``q`` each has
    probability :math:`\prod_i q_i^{n_i}`, so the class has probability

    .. math:: P_q(n) = \frac{N!}{\prod_i n_i!} \prod_i q_i^{n_i},

    and :math:`\frac1N \log P_q(n) \to -D(p \,\|\, q)` when :math:`n_i = p_i N`.

    Parameters
    ----------
    counts : array_like, shape (..., k, ...)
        Non-negative whole numbers along ``dim``.
    q : array_like, shape (..., k, ...)
        A probability vector along ``dim`` (validated, never renormalised); broadcasts with ``counts``.
    dim : int, default -1
        The dimension that indexes outcomes.

    Returns
    -------
    torch.Tensor
        :math:`\log P_q(n)` in nats, ``-inf`` where some :math:`n_i > 0 = q_i`.

    Examples
    --------
    >>> type_class_log_probability([1, 1], [0.5, 0.5]).exp()  # HT or TH
    tensor(0.5000, dtype=torch.float64)
    """
    func = "type_class_log_probability"
    q = check_probability_vector(q, name="q", func=func, dim=dim)
    counts = as_float_tensor(counts, name="counts", func=func)
    log_count = log_multinomial(counts, dim=dim)
    if counts.shape[dim] != q.shape[dim]:
        raise ValueError(
            f"{func}: counts and q must have the same number of outcomes along dim {dim} "
            f"(got {counts.shape[dim]} and {q.shape[dim]})"
        )
    return log_count + torch.special.xlogy(counts, q).sum(dim=dim)


def gaussian_mixture_log_density(x, means, stds, weights) -> torch.Tensor:
    r"""Log-density of a one-dimensional Gaussian mixture :math:`\sum_k w_k \mathcal N(x; \mu_k, \sigma_k^2)`.

    Computed with log-sum-exp, so it is accurate far in the tails.

    Parameters
    ----------
    x : array_like
        Points, any shape.
    means, stds : array_like, shape (K,)
        Component means and (positive) standard deviations.
    weights : array_like, shape (K,)
        Mixture weights, a probability vector.

    Returns
    -------
    torch.Tensor
        :math:`\log p(x)`, with the shape of ``x``.

    Examples
    --------
    >>> gaussian_mixture_log_density(0.0, [0.0], [1.0], [1.0]).exp()  # 1/sqrt(2 pi)
    tensor(0.3989, dtype=torch.float64)
    """
    func = "gaussian_mixture_log_density"
    x = check_array(x, name="x", func=func)
    means = check_finite(as_float_tensor(means, name="means", func=func), name="means", func=func)
    stds = check_positive(as_float_tensor(stds, name="stds", func=func), name="stds", func=func)
    weights = check_probability_vector(weights, name="weights", func=func)
    if not means.ndim == stds.ndim == weights.ndim == 1 or not len(means) == len(stds) == len(weights):
        raise ValueError(
            f"{func}: means, stds and weights must be 1-D of equal length "
            f"(got shapes {tuple(means.shape)}, {tuple(stds.shape)}, {tuple(weights.shape)})"
        )
    z = (x.unsqueeze(-1) - means) / stds
    log_components = -0.5 * z**2 - torch.log(stds) - 0.5 * math.log(2 * math.pi) + torch.log(weights)
    return torch.logsumexp(log_components, dim=-1)


class GaussianFit(NamedTuple):
    """Result of :func:`fit_gaussian_by_kl`, one entry per fit."""

    #: The fitted means, shape (k,).
    mean: torch.Tensor
    #: The fitted standard deviations, shape (k,).
    std: torch.Tensor
    #: The divergence reached, shape (k,).
    divergence: torch.Tensor
    #: Length of the last Newton step in (mean, log std), which says how far the fit may still be from the stationary point.
    last_step: torch.Tensor


def _normal_log_density(x: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    return -0.5 * ((x - mean) / std) ** 2 - torch.log(std) - 0.5 * math.log(2 * math.pi)


def _trapezoid_weights(x: torch.Tensor) -> torch.Tensor:
    spacing = torch.diff(x)
    weights = torch.zeros_like(x)
    weights[:-1] += spacing / 2
    weights[1:] += spacing / 2
    return weights


def _check_grid(x, func: str) -> torch.Tensor:
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    if x.ndim != 1 or len(x) < 3 or not (torch.diff(x) > 0).all():
        raise ValueError(f"{func}: x must be a strictly increasing 1-D grid of at least 3 points (got shape {tuple(x.shape)})")
    return x


def _check_log_density(values, x: torch.Tensor, *, name: str, func: str) -> torch.Tensor:
    values = as_float_tensor(values, name=name, func=func)
    if values.shape[-1:] != x.shape:
        raise ValueError(f"{func}: {name} must have the grid's length {len(x)} along its last dim (got shape {tuple(values.shape)})")
    if torch.isnan(values).any() or (values == math.inf).any():
        bad = values[torch.isnan(values) | (values == math.inf)][0].item()
        raise ValueError(f"{func}: {name} must not contain NaN or +inf (got {bad})")
    return values


def kl_quadrature(x, log_p, log_q) -> torch.Tensor:
    r"""Relative entropy of two densities on a grid, :math:`D(p \,\|\, q) = \int p (\log p - \log q)\, dx`.

    The integral is the trapezoidal rule on the grid ``x``, which is very
    accurate for smooth densities whose tails lie inside the grid. Points where
    :math:`p = 0` (``log_p = -inf``) contribute nothing.

    Parameters
    ----------
    x : array_like, shape (m,)
        Strictly increasing grid.
    log_p, log_q : array_like, shape (..., m)
        Log-densities on the grid (``-inf`` allowed); batch dimensions broadcast.

    Returns
    -------
    torch.Tensor, shape (...)
        The divergence in nats. Differentiable in ``log_p`` and ``log_q``.

    Examples
    --------
    >>> x = torch.linspace(-15, 15, 3001, dtype=torch.float64)
    >>> log_p = gaussian_mixture_log_density(x, [0.0], [1.0], [1.0])
    >>> log_q = gaussian_mixture_log_density(x, [1.0], [1.0], [1.0])
    >>> kl_quadrature(x, log_p, log_q)  # kl_gaussian(0, 1, 1, 1) = 1/2
    tensor(0.5000, dtype=torch.float64)
    """
    func = "kl_quadrature"
    x = _check_grid(x, func)
    log_p = _check_log_density(log_p, x, name="log_p", func=func)
    log_q = _check_log_density(log_q, x, name="log_q", func=func)
    return _kl_trapezoid(_trapezoid_weights(x), log_p, log_q)


def _kl_trapezoid(weights: torch.Tensor, log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    p = log_p.exp()
    return torch.where(p > 0, p * (log_p - log_q), 0.0) @ weights


def fit_gaussian_by_kl(x, log_p, *, direction, mean, std, n_steps=100, newton_steps=4) -> GaussianFit:
    r"""Fit a normal distribution :math:`q = \mathcal N(\mu, \sigma^2)` to a density ``p`` by minimising a relative entropy.

    ``direction="forward"`` minimises :math:`D(p \,\|\, q)` (the maximum
    likelihood direction: ``q`` must cover every region where ``p`` has mass);
    ``direction="reverse"`` minimises :math:`D(q \,\|\, p)` (``q`` must avoid
    regions where ``p`` is small). The integrals are computed by the
    trapezoidal rule on the grid ``x``, and :math:`(\mu, \log\sigma)` are
    optimised by L-BFGS from each starting point at once, then polished by
    Newton steps (exact per-fit gradients and Hessians from ``torch.func``).

    Parameters
    ----------
    x : array_like, shape (m,)
        Increasing quadrature grid, wide enough to contain both densities.
    log_p : array_like, shape (m,)
        :math:`\log p` on the grid (``p`` must integrate to about 1 on it).
    direction : {"forward", "reverse"}
        Which divergence to minimise.
    mean, std : array_like, shape (k,)
        Starting points of ``k`` independent fits.
    n_steps : int, default 100
        Maximum number of L-BFGS iterations.
    newton_steps : int, default 4
        Number of Newton steps after L-BFGS (skipped for a fit whose Hessian is
        not positive definite).

    Returns
    -------
    GaussianFit
        ``mean``, ``std``, ``divergence`` and ``last_step``, each of shape (k,).

    Examples
    --------
    >>> x = torch.linspace(-12, 12, 2001, dtype=torch.float64)
    >>> log_p = gaussian_mixture_log_density(x, [-2.0, 2.0], [1.0, 1.0], [0.5, 0.5])
    >>> fit = fit_gaussian_by_kl(x, log_p, direction="forward", mean=[1.0], std=[1.0])
    >>> abs(fit.mean.item()) < 1e-12, round(fit.std.item() ** 2, 10)  # moment matching: 0 and 1 + 2**2
    (True, 5.0)
    """
    func = "fit_gaussian_by_kl"
    if direction not in ("forward", "reverse"):
        raise ValueError(f"{func}: direction must be 'forward' or 'reverse' (got {direction!r})")
    x = _check_grid(x, func)
    log_p = _check_log_density(log_p, x, name="log_p", func=func)
    mean = check_array(mean, name="mean", func=func)
    std = check_array(std, name="std", func=func, positive=True)
    mean, std = broadcast_arguments(dict(mean=mean.reshape(-1), std=std.reshape(-1)), func=func)
    n_steps = check_integer(n_steps, name="n_steps", func=func, minimum=1)
    newton_steps = check_integer(newton_steps, name="newton_steps", func=func, minimum=0)
    weights = _trapezoid_weights(x)

    def divergence(params: torch.Tensor) -> torch.Tensor:
        """The divergence for one fit, ``params = (mean, log std)``."""
        log_q = _normal_log_density(x, params[0], params[1].exp())
        return _kl_trapezoid(weights, log_p, log_q) if direction == "forward" else _kl_trapezoid(weights, log_q, log_p)

    batch_divergence = vmap(divergence)
    params = torch.stack([mean, std.log()], dim=-1).detach().clone().requires_grad_(True)
    optimiser = torch.optim.LBFGS([params], max_iter=n_steps, tolerance_grad=1e-12, tolerance_change=1e-15,
                                  line_search_fn="strong_wolfe")

    def closure():
        optimiser.zero_grad()
        loss = batch_divergence(params).sum()  # the fits are independent, so one sum optimises all of them
        loss.backward()
        return loss

    optimiser.step(closure)
    # Polish each fit with Newton steps, taken only where the Hessian is positive definite.
    params = params.detach()
    gradient, hessian = vmap(grad(divergence)), vmap(jacrev(jacrev(divergence)))  # reverse mode twice
    step = torch.zeros_like(params)
    for _ in range(newton_steps):
        factor, info = torch.linalg.cholesky_ex(hessian(params))
        step = torch.cholesky_solve(gradient(params).unsqueeze(-1), factor).squeeze(-1)
        step = torch.where((info == 0).unsqueeze(-1), step, torch.zeros_like(step))
        params = params - step
    return GaussianFit(params[:, 0], params[:, 1].exp(), batch_divergence(params), step.norm(dim=-1))
