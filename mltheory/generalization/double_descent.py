"""Double descent: the risk of ridgeless least squares across the interpolation threshold, and random ReLU features.

Ridgeless least squares on :math:`n` points with :math:`p` isotropic Gaussian features has an exact expected risk at
every finite size (Belkin, Hsu & Xu 2020) and a limit as :math:`n, p \\to \\infty` with :math:`p/n \\to \\gamma`
(Hastie, Montanari, Rosset & Tibshirani 2019); both are infinite at the threshold. Random ReLU features show the same
peak in a nonlinear model, and the bias–variance decomposition over training sets says where it comes from.
"""

from __future__ import annotations

import math

import torch

from ..runtime import one_thread
from ..validation import as_generator, check_array, check_counts, check_flag, check_integer, check_scalar

__all__ = ["bias_variance_decomposition", "random_features_regression", "ridgeless_risk"]


def ridgeless_risk(n, p, sigma2, r2, exact=True) -> torch.Tensor:
    r"""The expected excess risk of minimum-norm least squares with isotropic Gaussian inputs.

    The data are :math:`y_i = x_i\cdot\beta + \epsilon_i` with :math:`x_i \sim \mathcal N(0, I_p)`, noise of
    variance :math:`\sigma^2` and :math:`|\beta|^2 = r^2`; the fit is :math:`\hat\beta = X^+y`, and the excess risk
    is :math:`\mathbb E\,(x\cdot\hat\beta - x\cdot\beta)^2 = \mathbb E\,|\hat\beta - \beta|^2` on a fresh input.
    With ``exact=True`` it is the finite-size value (Belkin, Hsu & Xu 2020)

    .. math::

        \frac{\sigma^2 p}{n - p - 1}\ (p \le n - 2), \qquad
        r^2\Bigl(1 - \frac{n}{p}\Bigr) + \frac{\sigma^2 n}{p - n - 1}\ (p \ge n + 2),

    and with ``exact=False`` its limit as :math:`n, p \to \infty` with :math:`\gamma = p/n` fixed (Hastie et al.
    2019): :math:`\sigma^2\gamma/(1 - \gamma)` below :math:`\gamma = 1` and
    :math:`r^2(1 - 1/\gamma) + \sigma^2/(\gamma - 1)` above.

    At the threshold the expected risk is infinite (for :math:`|p - n| \le 1` exactly, at :math:`\gamma = 1` in the
    limit) and ``inf`` is returned: that is its value, not an error. Only the noise term diverges, so with
    :math:`\sigma^2 = 0` the risk is finite everywhere (zero for :math:`p \le n`).

    Parameters
    ----------
    n : int or float
        The number of training points, positive; an integer when ``exact``.
    p : array_like
        The number(s) of parameters, positive; integers when ``exact``.
    sigma2 : float
        The noise variance :math:`\sigma^2`, non-negative.
    r2 : float
        The squared norm :math:`r^2 = |\beta|^2` of the true coefficients, non-negative.
    exact : bool, default True
        The finite-size risk, or its proportional limit.

    Returns
    -------
    torch.Tensor
        The risk at each ``p``, float64, of the shape of ``p`` (``inf`` at the threshold).

    Examples
    --------
    >>> ridgeless_risk(20, [10, 19, 20, 40], sigma2=1.0, r2=1.0)
    tensor([1.1111,    inf,    inf, 1.5526], dtype=torch.float64)
    >>> ridgeless_risk(20, [10, 40], sigma2=1.0, r2=1.0, exact=False)
    tensor([1.0000, 1.5000], dtype=torch.float64)
    """
    func = "ridgeless_risk"
    exact = check_flag(exact, name="exact", func=func)
    n = check_scalar(n, name="n", func=func, low=0, low_open=True)
    p = check_array(p, name="p", func=func, positive=True).to(torch.float64)
    sigma2 = check_scalar(sigma2, name="sigma2", func=func, low=0)
    r2 = check_scalar(r2, name="r2", func=func, low=0)
    if exact and not n.is_integer():
        raise ValueError(f"{func}: n must be an integer when exact=True (got {n})")
    if exact and not torch.equal(p, p.round()):
        raise ValueError(f"{func}: p must hold integers when exact=True (got {p[p != p.round()][0].item()})")
    # the noise term p/(n - p - c) below the threshold and n/(p - n - c) above: c = 1 at finite size, 0 in the limit
    c = 1.0 if exact else 0.0
    below, above = p < n - c, p > n + c
    safe = torch.where(below | above, p, torch.full_like(p, n + c + 1))
    noise = torch.where(below, safe / (n - safe - c), n / (safe - n - c))
    noise = torch.where(below | above, noise, torch.full_like(noise, math.inf))
    bias = r2 * (1 - n / p).clamp_min(0)
    return bias + (sigma2 * noise if sigma2 > 0 else torch.zeros_like(noise))


@one_thread()
def random_features_regression(n: int, features, d: int = 20, noise_sd=0.5, ridge=0.0, draws: int = 20,
                               n_test: int = 2000, seed=0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Test predictions of regression on random ReLU features, over independent training sets and feature draws.

    A linear teacher :math:`f(x) = x\cdot\beta` with :math:`|\beta| = 1` labels inputs :math:`x \sim \mathcal N(0, I_d)`,
    with Gaussian label noise of standard deviation ``noise_sd``. A model with :math:`P` features
    :math:`\phi_j(x) = \max(0, w_j\cdot x/\sqrt d)`, :math:`w_j \sim \mathcal N(0, I_d)`, fits its coefficients to
    :math:`n` points by minimum-norm least squares, :math:`a = \Phi^+y` (``ridge`` :math:`\lambda = 0`), or by ridge
    regression, :math:`a = \Phi^\top(\Phi\Phi^\top + \lambda I)^{-1}y`. Each draw has its own training set and its
    own features (the models of a draw use the first :math:`P` of the same features); all draws predict on one
    seeded test set, so that the spread of the predictions at a test point is the variance over training sets and
    features.

    Parameters
    ----------
    n : int
        Number of training points, at least 1.
    features : sequence of int
        The numbers of features :math:`P` to fit, each at least 1.
    d : int, default 20
        Input dimension, at least 1.
    noise_sd : float, default 0.5
        Standard deviation of the label noise, non-negative.
    ridge : float, default 0
        The ridge penalty :math:`\lambda \ge 0`.
    draws : int, default 20
        Number of independent training sets and feature draws, at least 2.
    n_test : int, default 2000
        Number of test points, at least 1.
    seed : int or torch.Generator, default 0
        Seed of the teacher, the test set and the draws.

    Returns
    -------
    predictions : torch.Tensor, shape (draws, len(features), n_test)
        The prediction of each fitted model at each test point.
    targets : torch.Tensor, shape (n_test,)
        The teacher's noiseless values :math:`f(x)` at the test points.

    Examples
    --------
    >>> predictions, targets = random_features_regression(10, [5, 40], d=3, draws=2, n_test=4)
    >>> predictions.shape, targets.shape
    (torch.Size([2, 2, 4]), torch.Size([4]))
    """
    func = "random_features_regression"
    n = check_integer(n, name="n", func=func, minimum=1)
    features = check_counts(features, name="features", func=func)
    d = check_integer(d, name="d", func=func, minimum=1)
    noise_sd = check_scalar(noise_sd, name="noise_sd", func=func, low=0)
    ridge = check_scalar(ridge, name="ridge", func=func, low=0)
    draws = check_integer(draws, name="draws", func=func, minimum=2)
    n_test = check_integer(n_test, name="n_test", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    teacher = torch.randn(d, generator=generator, dtype=torch.float64)
    teacher /= teacher.norm()
    x_test = torch.randn(n_test, d, generator=generator, dtype=torch.float64)
    predictions = torch.empty(draws, len(features), n_test, dtype=torch.float64)
    for k in range(draws):
        x = torch.randn(n, d, generator=generator, dtype=torch.float64)
        y = x @ teacher + noise_sd * torch.randn(n, generator=generator, dtype=torch.float64)
        weights = torch.randn(max(features), d, generator=generator, dtype=torch.float64) / math.sqrt(d)
        train, test = torch.relu(x @ weights.T), torch.relu(x_test @ weights.T)
        for j, P in enumerate(features):
            predictions[k, j] = test[:, :P] @ _fit(train[:, :P], y, ridge)
    return predictions, x_test @ teacher


def _fit(phi: torch.Tensor, y: torch.Tensor, ridge: float) -> torch.Tensor:
    r"""The minimum-norm least-squares coefficients :math:`\Phi^+y`, or ridge's in the smaller of its two forms."""
    if ridge == 0:
        return torch.linalg.pinv(phi) @ y
    n, P = phi.shape
    if P <= n:
        return torch.linalg.solve(phi.T @ phi + ridge * torch.eye(P, dtype=phi.dtype), phi.T @ y)
    return phi.T @ torch.linalg.solve(phi @ phi.T + ridge * torch.eye(n, dtype=phi.dtype), y)


def bias_variance_decomposition(predictions, targets, unbiased=True) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""The mean squared error of predictions over :math:`K` draws, split into squared bias and variance.

    At each test point with target :math:`f` and predictions :math:`a_1, \dots, a_K` of mean :math:`\bar a`, the
    variance is estimated by the sample variance :math:`s^2 = \sum_k (a_k - \bar a)^2/(K - 1)`, which is unbiased,
    and the squared bias by :math:`(\bar a - f)^2 - s^2/K`, which is unbiased too: the plug-in
    :math:`(\bar a - f)^2` overestimates it by :math:`\operatorname{Var}/K` on average. Either way the two add up to
    the measured error :math:`\frac1K\sum_k (a_k - f)^2`. With ``unbiased=False`` the plug-in estimates are returned,
    :math:`(\bar a - f)^2` and :math:`\frac{K-1}{K}s^2`. All three are averaged over the test points (the last axis).

    Parameters
    ----------
    predictions : array_like, shape (K, ..., m)
        Predictions of :math:`K \ge 2` independently trained models (first axis) at :math:`m` test points (last axis).
    targets : array_like, shape (m,) or broadcastable to (..., m)
        The true values at the test points.
    unbiased : bool, default True
        Unbiased estimates, or the plug-in ones.

    Returns
    -------
    error, bias2, variance : torch.Tensor, shape (...)
        The mean squared error, the squared bias and the variance, each averaged over the test points.

    Examples
    --------
    >>> error, bias2, variance = bias_variance_decomposition([[1.0, 2.0], [3.0, 2.0]], [2.0, 1.0])
    >>> error.item(), bias2.item(), variance.item()
    (1.0, 0.0, 1.0)
    """
    func = "bias_variance_decomposition"
    predictions = check_array(predictions, name="predictions", func=func)
    targets = check_array(targets, name="targets", func=func)
    unbiased = check_flag(unbiased, name="unbiased", func=func)
    if predictions.ndim < 2 or predictions.shape[0] < 2:
        raise ValueError(f"{func}: predictions must have shape (K, ..., m) with K >= 2 draws "
                         f"(got shape {tuple(predictions.shape)})")
    try:
        torch.broadcast_shapes(targets.shape, predictions.shape[1:])
    except RuntimeError:
        raise ValueError(f"{func}: targets must broadcast to the shape {tuple(predictions.shape[1:])} of one draw "
                         f"(got shape {tuple(targets.shape)})") from None
    K = predictions.shape[0]
    error = ((predictions - targets) ** 2).mean(dim=(0, -1))
    variance = predictions.var(dim=0)  # the sample variance, divided by K - 1
    squared_bias = (predictions.mean(dim=0) - targets) ** 2
    if unbiased:
        squared_bias = squared_bias - variance / K
    else:
        variance = variance * (K - 1) / K
    return error, squared_bias.mean(dim=-1), variance.mean(dim=-1)
