"""Estimators as random variables: their bias, variance and mean squared error, measured by Monte Carlo.

An *estimator* here is a function that maps a batch of samples, shape
``(trials, n)``, to one estimate per trial, shape ``(trials,)`` (or
``(trials, k)`` for a vector of estimates). A *sampler* draws such batches:
any callable ``sampler(shape, seed=generator)``, for example the
distributions of :mod:`mltheory.estimation.distributions`. Every trial is
drawn and estimated in one vectorised call.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import torch
from torch import nn

from ..data import digits, train_test_indices
from ..networks import fit, mlp
from ..runtime import one_thread
from ..validation import (
    as_generator,
    check_array,
    check_callable,
    check_dim,
    check_finite,
    check_integer,
    check_scalar,
    check_seed,
    check_shape,
    next_seed,
    reports_as,
)

__all__ = [
    "DenoisingData",
    "DenoisingResult",
    "EstimatorStats",
    "denoising_data",
    "estimator_stats",
    "median_variance",
    "noise2noise",
    "sample_variance",
    "summarize_estimates",
    "train_denoiser",
]


@dataclass(frozen=True)
class EstimatorStats:
    """Monte Carlo summary of an estimator, each value with its standard error.

    Attributes
    ----------
    mean, bias, variance, mse : torch.Tensor
        :math:`E[\\hat\\theta]`, :math:`E[\\hat\\theta] - \\theta`,
        :math:`\\operatorname{Var}\\hat\\theta` and
        :math:`E[(\\hat\\theta - \\theta)^2] = \\text{bias}^2 + \\text{variance}`,
        estimated from the trials (the variance with divisor ``trials - 1``).
    mean_se, variance_se, mse_se : torch.Tensor
        Their standard errors: :math:`s/\\sqrt T`,
        :math:`\\sqrt{(\\hat\\mu_4 - s^4)/T}` and the standard deviation of the
        squared errors over :math:`\\sqrt T`, for :math:`T` trials. The bias
        has the standard error of the mean.
    trials : int
        :math:`T`.
    """

    mean: torch.Tensor
    bias: torch.Tensor
    variance: torch.Tensor
    mse: torch.Tensor
    mean_se: torch.Tensor
    variance_se: torch.Tensor
    mse_se: torch.Tensor
    trials: int

    @property
    def bias_se(self) -> torch.Tensor:
        """Standard error of the bias (that of the mean)."""
        return self.mean_se


def summarize_estimates(estimates, target) -> EstimatorStats:
    r"""Bias, variance and MSE, with standard errors, of estimates collected along dimension 0.

    Parameters
    ----------
    estimates : array_like, shape (trials, ...)
        One estimate per trial (at least 2 trials).
    target : array_like
        The true value :math:`\theta`, broadcastable to ``estimates[0]``.

    Returns
    -------
    EstimatorStats

    Examples
    --------
    >>> stats = summarize_estimates([1.0, 2.0, 3.0], target=1.0)
    >>> float(stats.bias), float(stats.variance), float(stats.mse)
    (1.0, 1.0, 1.6666666666666667)
    """
    func = "summarize_estimates"
    estimates = check_array(estimates, name="estimates", func=func)
    if estimates.ndim == 0 or estimates.shape[0] < 2:
        raise ValueError(f"{func}: estimates needs at least 2 trials along dim 0 (got shape {tuple(estimates.shape)})")
    check_finite(estimates, name="estimates", func=func)
    target = check_array(target, name="target", func=func).to(estimates)
    try:
        fits = torch.broadcast_shapes(target.shape, estimates.shape[1:]) == estimates.shape[1:]
    except RuntimeError:
        fits = False
    if not fits:
        raise ValueError(f"{func}: target must broadcast with one estimate of shape {tuple(estimates.shape[1:])} "
                         f"(got shape {tuple(target.shape)})")
    trials = estimates.shape[0]
    mean = estimates.mean(dim=0)
    centred = estimates - mean
    variance = centred.pow(2).sum(dim=0) / (trials - 1)
    fourth = centred.pow(4).mean(dim=0)
    squared_errors = (estimates - target).pow(2)
    return EstimatorStats(
        mean=mean,
        bias=mean - target,
        variance=variance,
        mse=squared_errors.mean(dim=0),
        mean_se=(variance / trials).sqrt(),
        variance_se=((fourth - variance**2).clamp_min(0) / trials).sqrt(),
        mse_se=squared_errors.std(dim=0) / math.sqrt(trials),
        trials=trials,
    )


@reports_as("estimator_stats")
def estimator_stats(estimator: Callable, sampler: Callable, n, trials, seed, *, target, batch_size=None) -> EstimatorStats:
    r"""Monte Carlo bias, variance and MSE of an estimator, with standard errors.

    Draws ``trials`` independent samples of size ``n`` with ``sampler``,
    applies ``estimator`` to all of them in one vectorised call per batch, and
    summarises the estimates with :func:`summarize_estimates`.

    Parameters
    ----------
    estimator : callable
        Maps a ``(batch, n)`` tensor to ``(batch,)`` (or ``(batch, k)``) estimates.
    sampler : callable
        ``sampler(shape, seed=generator)`` returns a tensor of that shape, e.g.
        :class:`~mltheory.estimation.distributions.Normal`.
    n : int
        Sample size of each trial.
    trials : int
        Number of independent trials, at least 2.
    seed : int or torch.Generator
    target : float or array_like
        The true value of the estimated quantity.
    batch_size : int, optional
        Trials per vectorised call, to bound memory (default: all at once).
        The random stream is consumed in blocks, so a different batch size
        gives different (equally valid) draws; the same seed and batch size
        always give the same result.

    Returns
    -------
    EstimatorStats

    Examples
    --------
    >>> from mltheory.estimation.distributions import Normal
    >>> naive = lambda x: sample_variance(x, ddof=0)
    >>> stats = estimator_stats(naive, Normal(0.0, 1.0), n=5, trials=40_000, seed=0, target=1.0)
    >>> abs(float(stats.bias) - (-1 / 5)) < 5 * float(stats.bias_se)  # bias -sigma^2/N
    True
    """
    func = "estimator_stats"
    check_callable(estimator, name="estimator", func=func)
    check_callable(sampler, name="sampler", func=func)
    check_array(target, name="target", func=func)
    n = check_integer(n, name="n", func=func, minimum=1)
    trials = check_integer(trials, name="trials", func=func, minimum=2)
    batch_size = trials if batch_size is None else check_integer(batch_size, name="batch_size", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    estimates = []
    for start in range(0, trials, batch_size):  # batches bound memory; each batch is one vectorised call
        size = min(batch_size, trials - start)
        batch = estimator(sampler((size, n), seed=generator))
        if not isinstance(batch, torch.Tensor) or batch.shape[:1] != (size,):
            raise ValueError(f"{func}: estimator must return one estimate per trial, shape ({size}, ...) "
                             f"(got {getattr(batch, 'shape', type(batch).__name__)})")
        estimates.append(batch)
    return summarize_estimates(torch.cat(estimates), target)


_QUANTILES = {
    "cauchy": lambda u: mpmath.tan(mpmath.pi * (u - mpmath.mpf(1) / 2)),
    "normal": lambda u: mpmath.sqrt(2) * mpmath.erfinv(2 * u - 1),
}


def median_variance(n: int, law: str = "cauchy", *, digits: int = 30) -> float:
    r"""Exact variance of the median of ``n`` i.i.d. standard ``law`` variables (``n`` odd).

    With :math:`n = 2m + 1`, the median has the density
    :math:`\frac{n!}{m!^2} F(x)^m (1 - F(x))^m f(x)`. Substituting
    :math:`u = F(x)`, for a law symmetric about 0,

    .. math::
        \operatorname{Var}(\operatorname{med}) = \frac{n!}{m!^2}
        \int_0^1 F^{-1}(u)^2\, u^m (1 - u)^m \, du,

    evaluated by tanh–sinh quadrature (mpmath) at ``digits`` significant digits.
    ``n Var`` tends to :math:`1 / (4 f(0)^2)`: :math:`\pi^2/4` for the Cauchy
    law (whose median has finite variance only from ``n = 5``), :math:`\pi/2`
    for the normal.

    Parameters
    ----------
    n : int
        Odd sample size (at least 5 for ``"cauchy"``, 1 for ``"normal"``).
    law : {"cauchy", "normal"}
        The standard law of the samples.
    digits : int, default 30
        Working precision of the quadrature, in significant digits (at least 15).

    Returns
    -------
    float
        The variance, accurate to well beyond double precision.

    Examples
    --------
    >>> round(21 * median_variance(21), 6)
    2.870243
    >>> round(median_variance(1, "normal"), 12)
    1.0
    """
    if law not in _QUANTILES:
        raise ValueError(f"median_variance: law must be one of {sorted(_QUANTILES)} (got {law!r})")
    n = check_integer(n, name="n", func="median_variance", minimum=5 if law == "cauchy" else 1)
    if n % 2 == 0:
        raise ValueError(f"median_variance: n must be odd (got {n})")
    digits = check_integer(digits, name="digits", func="median_variance", minimum=15)
    m = (n - 1) // 2
    quantile = _QUANTILES[law]
    with mpmath.workdps(digits):
        weight = mpmath.factorial(n) / mpmath.factorial(m) ** 2
        half = mpmath.mpf(1) / 2

        def integrand(u):
            return quantile(u) ** 2 * (u * (1 - u)) ** m

        # The integrand is symmetric about 1/2.
        return float(2 * weight * mpmath.quad(integrand, [0, half / 2, half]))


def sample_variance(x, *, ddof=1, dim=-1) -> torch.Tensor:
    r"""Sample variance with divisor :math:`N - \text{ddof}`: :math:`\frac{1}{N - \text{ddof}} \sum_i (x_i - \bar x)^2`.

    ``ddof=1`` is the unbiased (Bessel-corrected) estimator :math:`s^2`,
    ``ddof=0`` the maximum-likelihood estimator for a Gaussian, and
    ``ddof=-1`` the divisor :math:`N + 1` that minimises the mean squared error
    for Gaussian data.

    Parameters
    ----------
    x : array_like, shape (..., N, ...)
        Samples along ``dim``.
    ddof : int, default 1
        Must leave a positive divisor.
    dim : int, default -1

    Returns
    -------
    torch.Tensor
        ``x`` with ``dim`` removed.

    Examples
    --------
    >>> sample_variance([1.0, 2.0, 3.0, 4.0]), sample_variance([1.0, 2.0, 3.0, 4.0], ddof=0)
    (tensor(1.6667, dtype=torch.float64), tensor(1.2500, dtype=torch.float64))
    """
    func = "sample_variance"
    x = check_array(x, name="x", func=func)
    dim = check_dim(x, dim, name="x", func=func)
    ddof = check_integer(ddof, name="ddof", func=func)
    n = x.shape[dim]
    if n - ddof <= 0:
        raise ValueError(f"{func}: ddof must be less than the sample size {n} (got {ddof})")
    centred = x - x.mean(dim=dim, keepdim=True)
    return centred.pow(2).sum(dim=dim) / (n - ddof)


# --------------------------------------------------------------------------- Noise2Noise

@dataclass(frozen=True)
class DenoisingResult:
    """Outcome of :func:`noise2noise` on the digits test set.

    Attributes
    ----------
    noisy_mse, clean_target_mse, noisy_target_mse : float
        Mean squared error per pixel against the clean test images: of the
        noisy input itself, of the denoiser trained on clean targets, and of
        the one trained on independently noisy targets.
    clean, noisy, clean_target_output, noisy_target_output : torch.Tensor
        Test images, one row of 64 pixels each: clean, noisy, and the two
        denoisers' outputs.
    fresh_targets : torch.Tensor
        A second, independent noisy copy of each clean test image.
    noise_sd : float
        Standard deviation of the added Gaussian noise.
    """

    noisy_mse: float
    clean_target_mse: float
    noisy_target_mse: float
    clean: torch.Tensor
    noisy: torch.Tensor
    clean_target_output: torch.Tensor
    noisy_target_output: torch.Tensor
    fresh_targets: torch.Tensor
    noise_sd: float


@dataclass(frozen=True)
class DenoisingData:
    """Noisy digits for the Noise2Noise experiment (see :func:`denoising_data`).

    Attributes
    ----------
    inputs, noisy_targets, clean_targets : torch.Tensor
        Training inputs :math:`c + n`, independent noisy copies :math:`c + n'`
        and the clean images :math:`c`, one row of 64 pixels each.
    clean, noisy, fresh_targets : torch.Tensor
        Test images: clean, with noise, and with independent noise.
    noise_sd : float
    """

    inputs: torch.Tensor
    noisy_targets: torch.Tensor
    clean_targets: torch.Tensor
    clean: torch.Tensor
    noisy: torch.Tensor
    fresh_targets: torch.Tensor
    noise_sd: float


def denoising_data(*, noise_sd=0.3, copies=4, seed=0) -> DenoisingData:
    """Digits with Gaussian pixel noise: ``copies`` noisy pairs per training image, and noisy test images.

    80% of the digits (a seeded split) are for training; every training image
    :math:`c` appears ``copies`` times as an input :math:`c + n` with an
    independent noisy target :math:`c + n'`.

    Examples
    --------
    >>> data = denoising_data(copies=2)
    >>> data.inputs.shape, data.clean.shape
    (torch.Size([2876, 64]), torch.Size([359, 64]))
    """
    func = "denoising_data"
    noise_sd = check_scalar(noise_sd, name="noise_sd", func=func, low=0, low_open=True)
    copies = check_integer(copies, name="copies", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    images, _ = digits(dtype=torch.float32)
    train, test = train_test_indices(len(images), seed=seed)
    generator = as_generator(seed, func=func)

    def noisy(clean):
        return clean + noise_sd * torch.randn(clean.shape, generator=generator)

    clean_train = images[train].repeat(copies, 1)
    clean_test = images[test]
    return DenoisingData(noisy(clean_train), noisy(clean_train), clean_train, clean_test, noisy(clean_test),
                         noisy(clean_test), noise_sd)


def train_denoiser(inputs, targets, *, hidden=128, epochs=10, seed=0) -> nn.Module:
    """A one-hidden-layer ReLU network (64 → hidden → 64) trained with Adam on the squared error.

    Examples
    --------
    >>> data = denoising_data(copies=1)
    >>> net = train_denoiser(data.inputs, data.noisy_targets, epochs=1)
    >>> net(data.noisy).shape
    torch.Size([359, 64])
    """
    func = "train_denoiser"
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    inputs, targets = (check_array(value, name=name, func=func).to(torch.float32)
                       for value, name in ((inputs, "inputs"), (targets, "targets")))
    check_shape(targets, ("n", 64), name="targets", func=func, sizes=check_shape(inputs, ("n", 64), name="inputs",
                                                                                  func=func))
    net = mlp([inputs.shape[1], hidden, targets.shape[1]], seed=seed)
    with one_thread():
        fit(net, inputs, targets, loss=nn.functional.mse_loss, epochs=epochs, batch_size=64, lr=2e-3,
            seed=next_seed(seed))
    return net.eval()


def noise2noise(*, noise_sd=0.3, copies=4, hidden=128, epochs=10, seed=0) -> DenoisingResult:
    r"""Train two digit denoisers, one on clean targets and one on noisy targets only (Noise2Noise).

    The data come from :func:`denoising_data`. The first network learns to
    map :math:`c + n` to :math:`c`; the second only ever sees a second,
    independent noisy copy :math:`c + n'`. Because
    :math:`E[c + n' \mid c + n] = E[c \mid c + n]`, both squared-error
    objectives have the same minimiser, and the second network learns to
    denoise without seeing a clean image. Both are trained by
    :func:`train_denoiser`; errors are measured against the clean test images.

    Parameters
    ----------
    noise_sd : float, default 0.3
        Noise standard deviation (pixels lie in [0, 1]).
    copies : int, default 4
        Noisy pairs per training image.
    hidden : int, default 128
        Width of the hidden layer.
    epochs : int, default 10
        Passes over the ``copies`` × training set.
    seed : int, default 0
        Seeds the noise, the split, the initialisation and the minibatches.

    Returns
    -------
    DenoisingResult

    Examples
    --------
    >>> result = noise2noise(copies=1, epochs=2)
    >>> result.noisy_target_mse < result.noisy_mse
    True
    """
    func = "noise2noise"
    noise_sd = check_scalar(noise_sd, name="noise_sd", func=func, low=0, low_open=True)
    copies = check_integer(copies, name="copies", func=func, minimum=1)
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    return _noise2noise(noise_sd, copies, hidden, epochs, seed)


@lru_cache(maxsize=8)
def _noise2noise(noise_sd: float, copies: int, hidden: int, epochs: int, seed: int) -> DenoisingResult:
    """:func:`noise2noise` on validated arguments, cached (each argument is a hashable Python number)."""
    data = denoising_data(noise_sd=noise_sd, copies=copies, seed=seed)
    networks = [train_denoiser(data.inputs, targets, hidden=hidden, epochs=epochs, seed=seed)
                for targets in (data.clean_targets, data.noisy_targets)]
    with torch.no_grad():
        to_clean, to_noisy = (net(data.noisy) for net in networks)

    def mse(output):
        return float(((output - data.clean) ** 2).mean())

    return DenoisingResult(
        noisy_mse=mse(data.noisy), clean_target_mse=mse(to_clean), noisy_target_mse=mse(to_noisy),
        clean=data.clean, noisy=data.noisy, clean_target_output=to_clean, noisy_target_output=to_noisy,
        fresh_targets=data.fresh_targets, noise_sd=data.noise_sd,
    )
