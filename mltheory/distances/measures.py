"""Distances and divergences between probability distributions.

Discrete distributions are probability vectors along a dimension (``dim``,
the last by default) with any batch shape around it, validated like the
arguments of :func:`mltheory.information.entropy`. One-dimensional
Wasserstein distances take samples (optionally weighted) instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ..information import kl_divergence
from ..validation import (
    as_float_tensor,
    broadcast_arguments,
    check_array,
    check_dim,
    check_finite,
    check_log_base,
    check_nonnegative,
    check_probability_vector,
    check_real,
)

__all__ = [
    "F_DIVERGENCES",
    "f_divergence",
    "gaussian_wasserstein_2",
    "hellinger",
    "js_divergence",
    "kl_monte_carlo",
    "symmetrized_kl",
    "total_variation",
    "wasserstein_1d",
]


def _pair(p, q, *, func: str, dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    p = check_probability_vector(p, name="p", func=func, dim=dim)
    q = check_probability_vector(q, name="q", func=func, dim=dim)
    if p.shape[dim] != q.shape[dim]:
        raise ValueError(f"{func}: p and q must have the same number of outcomes along dim {dim} "
                         f"(got {p.shape[dim]} and {q.shape[dim]})")
    try:
        return torch.broadcast_tensors(p, q.to(p))
    except RuntimeError:
        raise ValueError(f"{func}: p and q must have broadcastable shapes "
                         f"(got {tuple(p.shape)} and {tuple(q.shape)})") from None


def total_variation(p, q, *, dim=-1) -> torch.Tensor:
    r"""Total variation distance :math:`\tfrac12 \sum_i |p_i - q_i| = \max_A |P(A) - Q(A)|`.

    It lies in :math:`[0, 1]`, and equals 1 exactly when the supports are disjoint.

    Parameters
    ----------
    p, q : array_like, shape (..., n, ...)
        Probability vectors along ``dim``; batch dimensions broadcast.
    dim : int, default -1

    Returns
    -------
    torch.Tensor
        With ``dim`` removed.

    Examples
    --------
    >>> total_variation([0.5, 0.5, 0.0], [0.0, 0.5, 0.5])
    tensor(0.5000, dtype=torch.float64)
    """
    p, q = _pair(p, q, func="total_variation", dim=dim)
    return 0.5 * (p - q).abs().sum(dim=dim)


def hellinger(p, q, *, dim=-1) -> torch.Tensor:
    r"""Hellinger distance :math:`H(p, q) = \sqrt{\tfrac12 \sum_i (\sqrt{p_i} - \sqrt{q_i})^2}`.

    A metric with values in :math:`[0, 1]`; :math:`H^2 = 1 - \sum_i \sqrt{p_i q_i}`.

    Parameters
    ----------
    p, q : array_like, shape (..., n, ...)
    dim : int, default -1

    Examples
    --------
    >>> hellinger([1.0, 0.0], [0.0, 1.0]), hellinger([0.5, 0.5], [0.5, 0.5])
    (tensor(1., dtype=torch.float64), tensor(0., dtype=torch.float64))
    """
    p, q = _pair(p, q, func="hellinger", dim=dim)
    return (0.5 * (p.sqrt() - q.sqrt()).pow(2).sum(dim=dim)).sqrt()


def js_divergence(p, q, *, base=None, dim=-1) -> torch.Tensor:
    r"""Jensen–Shannon divergence :math:`\tfrac12 D(p \,\|\, m) + \tfrac12 D(q \,\|\, m)`, :math:`m = \tfrac12 (p + q)`.

    Symmetric, always finite, between 0 and :math:`\log 2` (reached for
    disjoint supports); its square root is a metric. Built on
    :func:`mltheory.information.kl_divergence`.

    Parameters
    ----------
    p, q : array_like, shape (..., n, ...)
    base : float, optional
        Logarithm base (``None``: nats, ``2``: bits, in which the maximum is 1).
    dim : int, default -1

    Examples
    --------
    >>> js_divergence([1.0, 0.0], [0.0, 1.0], base=2)
    tensor(1., dtype=torch.float64)
    """
    func = "js_divergence"
    p, q = _pair(p, q, func=func, dim=dim)
    check_log_base(base, func=func)
    m = (p + q) / 2
    return 0.5 * kl_divergence(p, m, base=base, dim=dim) + 0.5 * kl_divergence(q, m, base=base, dim=dim)


def symmetrized_kl(p, q, *, dim=-1) -> torch.Tensor:
    r"""Jeffreys' symmetrised relative entropy :math:`D(p \,\|\, q) + D(q \,\|\, p)`.

    Symmetric, but not a metric: neither it nor its square root obeys the
    triangle inequality in general.

    Examples
    --------
    >>> symmetrized_kl([0.5, 0.5], [0.9, 0.1])
    tensor(0.8789, dtype=torch.float64)
    """
    p, q = _pair(p, q, func="symmetrized_kl", dim=dim)
    return kl_divergence(p, q, dim=dim) + kl_divergence(q, p, dim=dim)


def _xlogx(t: torch.Tensor) -> torch.Tensor:
    return torch.special.xlogy(t, t)


F_DIVERGENCES: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "kl": _xlogx,
    "reverse_kl": lambda t: -torch.log(t),
    "total_variation": lambda t: 0.5 * (t - 1).abs(),
    "squared_hellinger": lambda t: 0.5 * (t.sqrt() - 1) ** 2,
    "jensen_shannon": lambda t: 0.5 * (_xlogx(t) - _xlogx(1 + t) + (1 + t) * math.log(2)),
    "chi_squared": lambda t: (t - 1) ** 2,
}
"""Generators :math:`f` of common f-divergences: :math:`D_f` is then KL, reverse KL,
total variation, squared Hellinger, Jensen–Shannon and Pearson's :math:`\\chi^2`."""


def f_divergence(p, q, f, *, dim=-1) -> torch.Tensor:
    r"""The f-divergence :math:`D_f(p \,\|\, q) = \sum_i q_i\, f(p_i / q_i)` for a convex :math:`f` with :math:`f(1) = 0`.

    KL, total variation, squared Hellinger, Jensen–Shannon and :math:`\chi^2`
    are all f-divergences (see ``F_DIVERGENCES``). Every smooth one looks
    locally like the Fisher metric: :math:`D_f(p_\theta \,\|\, p_{\theta+d\theta})
    \approx \frac{f''(1)}{2}\, d\theta^\top F\, d\theta`.

    Parameters
    ----------
    p, q : array_like, shape (..., n, ...)
        Probability vectors along ``dim``. Wherever :math:`p_i > 0`,
        :math:`q_i` must be positive (otherwise the value depends on the
        growth of :math:`f` at infinity; use the dedicated functions, such as
        :func:`mltheory.information.kl_divergence`, which return ``inf``).
        Terms with :math:`p_i = q_i = 0` contribute 0.
    f : str or callable
        A name in ``F_DIVERGENCES``, or an elementwise torch function of
        the ratio :math:`t = p/q`.
    dim : int, default -1

    Returns
    -------
    torch.Tensor

    Raises
    ------
    ValueError
        If ``f`` is unknown or :math:`f(1) \ne 0`, or some :math:`q_i = 0 < p_i`.

    Examples
    --------
    >>> p, q = [0.2, 0.8], [0.5, 0.5]
    >>> f_divergence(p, q, "kl"), f_divergence(p, q, "total_variation")
    (tensor(0.1927, dtype=torch.float64), tensor(0.3000, dtype=torch.float64))
    """
    func = "f_divergence"
    p, q = _pair(p, q, func=func, dim=dim)
    if isinstance(f, str):
        if f not in F_DIVERGENCES:
            raise ValueError(f"{func}: f must be one of {sorted(F_DIVERGENCES)} or a callable (got {f!r})")
        f = F_DIVERGENCES[f]
    elif not callable(f):
        raise TypeError(f"{func}: f must be a name or a callable (got {type(f).__name__})")
    at_one = float(f(torch.ones((), dtype=p.dtype)))
    if abs(at_one) > 1e-12:
        raise ValueError(f"{func}: f must satisfy f(1) = 0 (got {at_one:.10g})")
    if ((q == 0) & (p > 0)).any():
        raise ValueError(f"{func}: q must be positive wherever p is (got q = 0 < p)")
    positive = q > 0
    ratio = torch.where(positive, p / torch.where(positive, q, 1.0), 1.0)
    terms = torch.where(positive, q * f(ratio), 0.0)
    return terms.sum(dim=dim)


def kl_monte_carlo(log_p, log_q, *, dim=-1) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Monte Carlo relative entropy :math:`\frac1N \sum_i [\log p(x_i) - \log q(x_i)]` from samples :math:`x_i \sim p`.

    An unbiased estimate of :math:`D(p \,\|\, q)` whenever the log-densities
    can be evaluated at the samples, with standard error
    :math:`s/\sqrt N`, where :math:`s` is the standard deviation of the
    log-ratios.

    Parameters
    ----------
    log_p, log_q : array_like, shape (..., N, ...)
        :math:`\log p(x_i)` and :math:`\log q(x_i)` at the same samples, along ``dim``.
    dim : int, default -1

    Returns
    -------
    estimate, standard_error : torch.Tensor

    Examples
    --------
    >>> from mltheory.estimation.distributions import Normal
    >>> x = Normal(0.0, 1.0)(100_000, seed=0)
    >>> estimate, se = kl_monte_carlo(-x**2 / 2, -(x - 1)**2 / 2)  # D(N(0,1) || N(1,1)) = 1/2
    >>> abs(float(estimate) - 0.5) < 5 * float(se)
    True
    """
    func = "kl_monte_carlo"
    log_p = check_array(log_p, name="log_p", func=func)
    log_q = as_float_tensor(log_q, name="log_q", func=func).to(log_p)
    if torch.isnan(log_q).any() or (log_q == math.inf).any():
        raise ValueError(f"{func}: log_q must not contain NaN or +inf (got {log_q[torch.isnan(log_q) | (log_q == math.inf)][0].item()})")
    if log_q.shape != log_p.shape:
        raise ValueError(f"{func}: log_p and log_q must have the same shape, one entry per sample "
                         f"(got {tuple(log_p.shape)} and {tuple(log_q.shape)})")
    dim = check_dim(log_p, dim, name="log_p", func=func)
    ratio = log_p - log_q
    n = ratio.shape[dim]
    if n < 2:
        raise ValueError(f"{func}: need at least 2 samples along dim {dim} (got {n})")
    return ratio.mean(dim=dim), ratio.std(dim=dim) / math.sqrt(n)


def _samples_and_weights(values, weights, *, name: str, func: str):
    values = check_finite(as_float_tensor(values, name=name, func=func), name=name, func=func)
    if values.ndim == 0 or values.shape[-1] == 0:
        raise ValueError(f"{func}: {name} must hold at least one sample along the last dim (got shape {tuple(values.shape)})")
    if weights is None:
        return values, torch.ones_like(values)
    weights = as_float_tensor(weights, name=f"{name[0]}_weights", func=func).to(values)
    check_nonnegative(check_finite(weights, name=f"{name[0]}_weights", func=func), name=f"{name[0]}_weights", func=func)
    try:
        values, weights = torch.broadcast_tensors(values, weights)
    except RuntimeError:
        raise ValueError(f"{func}: {name[0]}_weights must broadcast with {name} of shape {tuple(values.shape)} "
                         f"(got {tuple(weights.shape)})") from None
    sums = weights.sum(dim=-1)
    if (sums <= 0).any():
        raise ValueError(f"{func}: {name[0]}_weights must have a positive sum (got {sums.min().item():.10g})")
    return values, weights


def _argsort(values: torch.Tensor) -> torch.Tensor:
    """Indices that sort the last dim: NumPy's sort on the CPU, torch's elsewhere.

    On the CPU, NumPy's vectorised sort was 7 times faster than ``torch.sort`` on 2e5 doubles (torch 2.13).
    """
    if values.device.type == "cpu":
        return torch.from_numpy(np.argsort(values.detach().numpy(), axis=-1))
    return values.argsort(dim=-1)


def _quantile_steps(values: torch.Tensor, weights: torch.Tensor):
    """Sorted values and their normalised cumulative weights (the last one exactly 1)."""
    order = _argsort(values)
    sorted_values = values.gather(-1, order)
    cumulative = weights.gather(-1, order).cumsum(dim=-1)
    cumulative = cumulative / cumulative[..., -1:]
    return sorted_values, torch.cat([cumulative[..., :-1], torch.ones_like(cumulative[..., -1:])], dim=-1)


def wasserstein_1d(u_values, v_values, u_weights=None, v_weights=None, *, p=1) -> torch.Tensor:
    r"""Wasserstein-:math:`p` distance between two (weighted) empirical distributions on the line.

    In one dimension the optimal transport plan matches quantiles:

    .. math:: W_p(u, v)^p = \int_0^1 |F_u^{-1}(s) - F_v^{-1}(s)|^p \, ds,

    and for :math:`p = 1` this equals :math:`\int |F_u(x) - F_v(x)|\,dx`, the
    area between the distribution functions. Both quantile functions are step
    functions, so the integral is an exact finite sum over the merged steps.
    For ``p=1`` it agrees with ``scipy.stats.wasserstein_distance``.

    Parameters
    ----------
    u_values : array_like, shape (..., n)
        Samples of the first distribution along the last dim.
    v_values : array_like, shape (..., m)
        Samples of the second; batch dimensions broadcast with ``u_values``.
    u_weights, v_weights : array_like, optional
        Non-negative weights of the samples, broadcastable with the values
        (a batch of weightings of the same points works); by default every
        sample has the same weight. They are normalised.
    p : float, default 1
        Order, at least 1.

    Returns
    -------
    torch.Tensor, shape (...)

    Examples
    --------
    >>> wasserstein_1d([0.0, 1.0, 3.0], [5.0, 6.0, 8.0])  # a shift by 5 costs 5
    tensor(5., dtype=torch.float64)
    >>> wasserstein_1d([0.0, 10.0], [0.0], u_weights=[3.0, 1.0])  # move a quarter of the mass by 10
    tensor(2.5000, dtype=torch.float64)
    """
    func = "wasserstein_1d"
    u_values, u_weights = _samples_and_weights(u_values, u_weights, name="u_values", func=func)
    v_values, v_weights = _samples_and_weights(v_values, v_weights, name="v_values", func=func)
    v_values, v_weights = v_values.to(u_values), v_weights.to(u_values)
    p = check_real(p, name="p", func=func)
    if not (p >= 1 and math.isfinite(p)):
        raise ValueError(f"{func}: p must be a finite number >= 1 (got {p})")
    try:
        batch = torch.broadcast_shapes(u_values.shape[:-1], v_values.shape[:-1])
    except RuntimeError:
        raise ValueError(f"{func}: the batch shapes of u_values {tuple(u_values.shape[:-1])} and v_values "
                         f"{tuple(v_values.shape[:-1])} do not broadcast") from None
    if p == 1:
        return _wasserstein_1(u_values, v_values, u_weights, v_weights, batch)
    u_sorted, u_cdf = (t.expand(*batch, t.shape[-1]).contiguous() for t in _quantile_steps(u_values, u_weights))
    v_sorted, v_cdf = (t.expand(*batch, t.shape[-1]).contiguous() for t in _quantile_steps(v_values, v_weights))
    levels = torch.cat([u_cdf, v_cdf], dim=-1).sort(dim=-1).values
    widths = torch.diff(levels, dim=-1, prepend=torch.zeros_like(levels[..., :1]))
    middles = (levels - widths / 2).contiguous()
    u_quantile = u_sorted.gather(-1, torch.searchsorted(u_cdf, middles).clamp(max=u_cdf.shape[-1] - 1))
    v_quantile = v_sorted.gather(-1, torch.searchsorted(v_cdf, middles).clamp(max=v_cdf.shape[-1] - 1))
    cost = (widths * (u_quantile - v_quantile).abs().pow(p)).sum(dim=-1)
    return cost if p == 1 else cost.pow(1 / p)


def _wasserstein_1(u_values, v_values, u_weights, v_weights, batch) -> torch.Tensor:
    r""":math:`W_1 = \int |F_u - F_v|\,dx` as one sum over the merged, sorted samples.

    Between consecutive sorted points :math:`x_k \le x_{k+1}` of both samples the difference
    :math:`F_u - F_v` is constant: the running sum of the masses, :math:`+w/\sum w` for a point of
    ``u`` and :math:`-w/\sum w` for one of ``v``. One sort replaces the three sorts and two searches
    of the quantile form.
    """
    values = torch.cat([u_values.expand(*batch, u_values.shape[-1]), v_values.expand(*batch, v_values.shape[-1])], -1)
    # Masses scaled by both totals, so that integer weights (equal ones included) are summed exactly.
    u_total, v_total = u_weights.sum(-1, keepdim=True), v_weights.sum(-1, keepdim=True)
    masses = torch.cat([(u_weights * v_total).expand(*batch, u_values.shape[-1]),
                        -(v_weights * u_total).expand(*batch, v_values.shape[-1])], -1)
    order = _argsort(values)
    sorted_values = values.gather(-1, order)
    difference = masses.gather(-1, order).cumsum(dim=-1)
    area = (difference[..., :-1].abs() * sorted_values.diff(dim=-1)).sum(dim=-1)
    return area / (u_total * v_total).squeeze(-1)


def gaussian_wasserstein_2(mean1, sd1, mean2, sd2) -> torch.Tensor:
    r"""Wasserstein-2 distance between :math:`\mathcal N(\mu_1, \sigma_1^2)` and :math:`\mathcal N(\mu_2, \sigma_2^2)`.

    .. math:: W_2 = \sqrt{(\mu_1 - \mu_2)^2 + (\sigma_1 - \sigma_2)^2}

    Examples
    --------
    >>> gaussian_wasserstein_2(0.0, 1.0, 3.0, 5.0)
    tensor(5., dtype=torch.float64)
    """
    func = "gaussian_wasserstein_2"
    mean1, mean2 = (check_array(m, name=n, func=func) for m, n in ((mean1, "mean1"), (mean2, "mean2")))
    sd1, sd2 = (check_array(s, name=n, func=func, positive=True) for s, n in ((sd1, "sd1"), (sd2, "sd2")))
    mean1, sd1, mean2, sd2 = broadcast_arguments(dict(mean1=mean1, sd1=sd1, mean2=mean2, sd2=sd2), func=func)
    return ((mean1 - mean2) ** 2 + (sd1 - sd2) ** 2).sqrt()
