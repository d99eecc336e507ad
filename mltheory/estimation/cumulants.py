"""Moments, cumulants and the central limit theorem, numerically.

The moment–cumulant relations are evaluated by the recursion
:math:`m_n = \\sum_{k=1}^{n} \\binom{n-1}{k-1} \\kappa_k m_{n-k}` (with
:math:`m_0 = 1`), which is the partition formula of the book organised by the
block that contains the first point. Sample cumulants are Fisher's
k-statistics, the unbiased estimators of the cumulants.
"""

from __future__ import annotations

import math
import numbers

import torch

import numpy as np
import sympy as sp

from ..validation import (
    as_float_tensor,
    as_generator,
    check_array,
    check_counts,
    check_dim,
    check_finite,
    check_integer,
    check_scalar,
)
from .distributions import Cauchy, Distribution

__all__ = [
    "clt_shape",
    "cumulants_from_moments",
    "density_from_cumulants",
    "k_statistics_from_central_sums",
    "moments_from_cumulants",
    "sample_cumulants",
    "standardized_sums",
]


def _sequence(values, *, name: str, func: str, dim: int) -> torch.Tensor:
    values = as_float_tensor(values, name=name, func=func)
    dim = check_dim(values, dim, name=name, func=func)
    check_finite(values, name=name, func=func)
    if values.shape[dim] == 0:
        raise ValueError(f"{func}: {name} must hold at least one order along dim {dim} (got shape {tuple(values.shape)})")
    return values.movedim(dim, -1)


def moments_from_cumulants(kappa, *, dim=-1) -> torch.Tensor:
    r"""Raw moments :math:`\langle X^1 \rangle, \dots, \langle X^n \rangle` from the cumulants :math:`\kappa_1, \dots, \kappa_n`.

    Evaluates :math:`\langle X^m \rangle = m! \sum \prod_k \kappa_k^{p_k} / (p_k!\,(k!)^{p_k})`
    over the :math:`\{p_k\}` with :math:`\sum_k k p_k = m`, by the recursion
    :math:`m_n = \sum_{k=1}^{n} \binom{n-1}{k-1} \kappa_k m_{n-k}`.

    Parameters
    ----------
    kappa : array_like, shape (..., n, ...)
        Cumulants of orders 1 to ``n`` along ``dim``; other dimensions are a batch.
    dim : int, default -1
        The dimension that indexes the order.

    Returns
    -------
    torch.Tensor
        Moments of orders 1 to ``n``, same shape as ``kappa``.

    Examples
    --------
    >>> moments_from_cumulants([0.0, 1.0, 0.0, 0.0])  # standard normal
    tensor([0., 1., 0., 3.], dtype=torch.float64)
    >>> moments_from_cumulants([[2.0, 2.0, 2.0]])  # Poisson(2): all cumulants equal 2
    tensor([[ 2.,  6., 22.]], dtype=torch.float64)
    """
    kappa = _sequence(kappa, name="kappa", func="moments_from_cumulants", dim=dim)
    moments = [torch.ones_like(kappa[..., 0])]
    for n in range(1, kappa.shape[-1] + 1):
        moments.append(sum(math.comb(n - 1, k - 1) * kappa[..., k - 1] * moments[n - k] for k in range(1, n + 1)))
    return torch.stack(moments[1:], dim=-1).movedim(-1, dim)


def cumulants_from_moments(moments, *, dim=-1) -> torch.Tensor:
    r"""Cumulants :math:`\kappa_1, \dots, \kappa_n` from the raw moments :math:`\langle X^1 \rangle, \dots, \langle X^n \rangle`.

    The inverse of :func:`moments_from_cumulants`:
    :math:`\kappa_n = m_n - \sum_{k=1}^{n-1} \binom{n-1}{k-1} \kappa_k m_{n-k}`.

    Parameters
    ----------
    moments : array_like, shape (..., n, ...)
        Moments of orders 1 to ``n`` along ``dim``.
    dim : int, default -1
        The dimension that indexes the order.

    Returns
    -------
    torch.Tensor
        Cumulants of orders 1 to ``n``, same shape as ``moments``.

    Examples
    --------
    >>> cumulants_from_moments([0.0, 1.0, 0.0, 3.0])
    tensor([0., 1., 0., 0.], dtype=torch.float64)
    """
    moments = _sequence(moments, name="moments", func="cumulants_from_moments", dim=dim)
    m = [torch.ones_like(moments[..., 0])] + list(moments.unbind(-1))
    kappa: list[torch.Tensor] = []
    for n in range(1, moments.shape[-1] + 1):
        lower = sum((math.comb(n - 1, k - 1) * kappa[k - 1] * m[n - k] for k in range(1, n)), torch.zeros_like(m[0]))
        kappa.append(m[n] - lower)
    return torch.stack(kappa, dim=-1).movedim(-1, dim)


def _central_sum(value, name: str, func: str):
    """A finite central power sum: a Python float for a number, a tensor for an array."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return check_scalar(value, name=name, func=func)
    return check_array(value, name=name, func=func)


def k_statistics_from_central_sums(n, s2, s3, s4):
    r"""Fisher's k-statistics :math:`k_2, k_3, k_4` from the central power sums :math:`s_r = \sum_i (x_i - \bar x)^r`.

    .. math::
        k_2 = \frac{s_2}{n-1}, \qquad
        k_3 = \frac{n\, s_3}{(n-1)(n-2)}, \qquad
        k_4 = \frac{n(n+1)\, s_4 - 3(n-1)\, s_2^2}{(n-1)(n-2)(n-3)}

    Written with arithmetic operators only, so the same formula serves torch
    tensors (:func:`sample_cumulants`) and sympy expressions (the claim that
    the k-statistics are unbiased).

    Examples
    --------
    >>> k_statistics_from_central_sums(4, 2.0, 0.0, 2.0)
    (0.6666666666666666, 0.0, 0.6666666666666666)
    """
    func = "k_statistics_from_central_sums"
    if not any(isinstance(value, sp.Basic) for value in (n, s2, s3, s4)):  # numbers or tensors, not symbols
        n = check_integer(n, name="n", func=func, minimum=4)
        s2, s3, s4 = (_central_sum(value, name, func) for value, name in ((s2, "s2"), (s3, "s3"), (s4, "s4")))
    k2 = s2 / (n - 1)
    k3 = n * s3 / ((n - 1) * (n - 2))
    k4 = (n * (n + 1) * s4 - 3 * (n - 1) * s2**2) / ((n - 1) * (n - 2) * (n - 3))
    return k2, k3, k4


def sample_cumulants(x, *, order=4, dim=-1) -> torch.Tensor:
    r"""Unbiased estimates of the cumulants :math:`\kappa_1, \dots, \kappa_{\text{order}}` from a sample (k-statistics).

    :math:`k_1` is the sample mean and :math:`k_2, k_3, k_4` are given by
    :func:`k_statistics_from_central_sums`; each satisfies
    :math:`E[k_r] = \kappa_r` for i.i.d. samples of any size :math:`n \ge r`.
    They agree with ``scipy.stats.kstat``.

    Parameters
    ----------
    x : array_like, shape (..., n, ...)
        Samples along ``dim``; other dimensions are independent batches.
    order : {1, 2, 3, 4}, default 4
        Highest order estimated.
    dim : int, default -1
        The dimension that holds the sample.

    Returns
    -------
    torch.Tensor, shape (..., order)
        :math:`k_1, \dots, k_{\text{order}}` in the last dimension (``dim`` removed).

    Raises
    ------
    ValueError
        If ``order`` is not 1–4, the sample has fewer than ``order`` points,
        or ``x`` contains NaN or infinities.

    Examples
    --------
    >>> sample_cumulants([1.0, 2.0, 3.0, 4.0, 10.0])
    tensor([  4.0000,  12.5000,  75.0000, 492.5000], dtype=torch.float64)
    """
    func = "sample_cumulants"
    x = as_float_tensor(x, name="x", func=func)
    order = check_integer(order, name="order", func=func, minimum=1)
    if order > 4:
        raise ValueError(f"{func}: order must be at most 4 (got {order})")
    dim = check_dim(x, dim, name="x", func=func)
    check_finite(x, name="x", func=func)
    n = x.shape[dim]
    if n < order:
        raise ValueError(f"{func}: x needs at least {order} points along dim {dim} for order {order} (got {n})")
    mean = x.mean(dim=dim)
    centred = x - mean.unsqueeze(dim)
    sums = [(centred**r).sum(dim=dim) for r in (2, 3, 4)]
    return torch.stack([mean, *k_statistics_from_central_sums(n, *sums)][:order], dim=-1)


def _check_distribution(distribution, func: str) -> None:
    if not isinstance(distribution, Distribution):
        raise TypeError(f"{func}: distribution must be a mltheory.estimation.distributions.Distribution "
                        f"(got {type(distribution).__name__})")


def standardized_sums(distribution: Distribution, n, trials, *, seed) -> torch.Tensor:
    r"""Monte Carlo draws of the standardised sum :math:`Y_N = (\sum_{i=1}^N X_i - N\mu)/(\sigma\sqrt N)`.

    For a distribution with finite variance, :math:`Y_N` has mean 0, variance 1
    and cumulants :math:`\kappa_r(Y_N) = N^{1-r/2}\, \kappa_r / \sigma^r`. A
    :class:`~mltheory.estimation.distributions.Cauchy` distribution has no
    mean or variance; for it the sample mean :math:`\frac1N \sum_i X_i` is
    returned instead, which is again Cauchy with the same scale for every
    :math:`N`.

    Parameters
    ----------
    distribution : Distribution
        One of :mod:`mltheory.estimation.distributions`.
    n : int
        Number of terms :math:`N` in each sum.
    trials : int
        Number of independent sums.
    seed : int or torch.Generator

    Returns
    -------
    torch.Tensor, shape (trials,)
        float64 draws of :math:`Y_N`.

    Examples
    --------
    >>> from mltheory.estimation.distributions import Exponential
    >>> y = standardized_sums(Exponential(1.0), 30, 20_000, seed=0)
    >>> abs(float(y.mean())) < 0.05, abs(float(y.var()) - 1) < 0.05
    (True, True)
    """
    func = "standardized_sums"
    _check_distribution(distribution, func)
    n = check_integer(n, name="n", func=func, minimum=1)
    trials = check_integer(trials, name="trials", func=func, minimum=1)
    total = distribution((trials, n), seed=as_generator(seed, func=func)).sum(dim=-1)
    if isinstance(distribution, Cauchy):
        return total / n
    return (total - n * distribution.mean) / math.sqrt(n * distribution.variance)


def density_from_cumulants(kappa, x, *, cutoff=12.0, nodes=400) -> torch.Tensor:
    r"""The function whose characteristic function is :math:`\exp\big(\sum_{n} \kappa_n (ik)^n / n!\big)`, at the points ``x``.

    .. math:: p(x) = \frac{1}{2\pi} \int_{-\infty}^{\infty} e^{-ikx}
              \exp\Big(\sum_{n=1}^{r} \frac{\kappa_n (ik)^n}{n!}\Big)\, dk

    For a genuine distribution this is its density. Marcinkiewicz's theorem
    says that a *polynomial* cumulant generating function of degree above 2
    never gives one, and this function shows how: the result goes negative
    somewhere. The integral is computed with an ``nodes``-point
    Gauss–Legendre rule on :math:`[-\text{cutoff}, \text{cutoff}]`.

    Parameters
    ----------
    kappa : array_like, shape (r,)
        Cumulants :math:`\kappa_1, \dots, \kappa_r`. The characteristic
        function must have decayed at the cutoff: the real part of the
        exponent there must be below -30.
    x : array_like
        Points at which to evaluate, any shape.
    cutoff : float, default 12.0
    nodes : int, default 400

    Returns
    -------
    torch.Tensor, shape of ``x``

    Examples
    --------
    >>> x = torch.tensor([0.0, 1.0])
    >>> density_from_cumulants([0.0, 1.0], x)  # the standard normal density
    tensor([0.3989, 0.2420], dtype=torch.float64)
    """
    func = "density_from_cumulants"
    kappa = as_float_tensor(kappa, name="kappa", func=func)
    if kappa.ndim != 1 or len(kappa) == 0:
        raise ValueError(f"{func}: kappa must be a non-empty vector (got shape {tuple(kappa.shape)})")
    check_finite(kappa, name="kappa", func=func)
    x = check_array(x, name="x", func=func)
    cutoff = check_scalar(cutoff, name="cutoff", func=func, low=0, low_open=True)
    nodes = check_integer(nodes, name="nodes", func=func, minimum=2)
    orders = torch.arange(1, len(kappa) + 1, dtype=torch.float64)
    factorials = torch.exp(torch.lgamma(orders + 1))

    def exponent(k):  # sum_n kappa_n (ik)^n / n!, for a tensor of real k
        powers = (1j * k.to(torch.complex128).unsqueeze(-1)) ** orders
        return (kappa.to(torch.complex128) * powers / factorials).sum(-1)

    edge = exponent(torch.tensor([-cutoff, cutoff], dtype=torch.float64)).real.max().item()
    if not edge < -30:
        raise ValueError(f"{func}: the characteristic function of kappa has not decayed at cutoff = {cutoff:g} "
                         f"(got real part of the exponent {edge:.4g} there, need < -30)")
    points, weights = (torch.as_tensor(a, dtype=torch.float64) for a in np.polynomial.legendre.leggauss(nodes))
    k = cutoff * points
    integrand = torch.exp(exponent(k) - 1j * k * x.to(torch.float64).unsqueeze(-1).to(torch.complex128))
    return (cutoff * (weights * integrand).sum(-1)).real / (2 * math.pi)


def clt_shape(distribution: Distribution, ns, trials, *, seed) -> dict[str, torch.Tensor]:
    r"""Skewness and excess kurtosis of standardised sums, measured, with standard errors and predictions.

    The sums are standardised with the exact mean and variance, so
    :math:`E[Y_N^3] = \kappa_3(Y_N)` and :math:`E[Y_N^4] - 3 = \kappa_4(Y_N)`,
    and both are averages of i.i.d. draws whose standard errors follow from
    the draws. The predictions are :math:`N^{-1/2} \kappa_3/\sigma^3` and
    :math:`N^{-1} \kappa_4/\sigma^4`.

    Parameters
    ----------
    distribution : Distribution
        With finite fourth cumulant.
    ns : sequence of int
        Numbers of terms :math:`N`.
    trials : int
        Sums per :math:`N`.
    seed : int or torch.Generator

    Returns
    -------
    dict of torch.Tensor, each of shape (len(ns),)
        ``n``, ``skewness``, ``skewness_se``, ``skewness_predicted``, ``kurtosis``,
        ``kurtosis_se``, ``kurtosis_predicted``.

    Examples
    --------
    >>> from mltheory.estimation.distributions import Exponential
    >>> shape = clt_shape(Exponential(1.0), [4], 100_000, seed=0)
    >>> float(shape["skewness_predicted"][0]), abs(float(shape["skewness"][0] - 1)) < 5 * float(shape["skewness_se"][0])
    (1.0, True)
    """
    func = "clt_shape"
    _check_distribution(distribution, func)
    ns = check_counts(ns, name="ns", func=func)
    trials = check_integer(trials, name="trials", func=func, minimum=2)  # a standard error needs two
    generator = as_generator(seed, func=func)
    rows = []
    for size in ns:  # one vectorised draw of all trials per sample size
        y = standardized_sums(distribution, size, trials, seed=generator)
        cubes, fourths = y**3, y**4 - 3
        rows.append([size, cubes.mean(), cubes.std() / math.sqrt(trials),
                     distribution.cumulant(3) / distribution.variance**1.5 / math.sqrt(size),
                     fourths.mean(), fourths.std() / math.sqrt(trials),
                     distribution.cumulant(4) / distribution.variance**2 / size])
    table = torch.tensor(rows, dtype=torch.float64).T
    keys = ["n", "skewness", "skewness_se", "skewness_predicted", "kurtosis", "kurtosis_se", "kurtosis_predicted"]
    return dict(zip(keys, table))
