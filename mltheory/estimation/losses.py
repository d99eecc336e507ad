"""Losses from likelihoods and priors: regression NLLs, Huber, ridge and lasso, robust fits and calibration.

Every loss here is the negative log-likelihood of a noise model (or a
negative log-prior), evaluated elementwise on residuals :math:`r = y - f(x)`
so that any batch shape works.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import torch
from torch import nn

from ..data import digits, train_test_indices
from ..networks import fit, mlp
from ..runtime import one_thread
from ..validation import (
    as_float_tensor,
    as_generator,
    broadcast_arguments,
    check_array,
    check_finite,
    check_integer,
    check_labels,
    check_probability_vector,
    check_real,
    check_scalar,
    check_seed,
    next_seed,
    reports_as,
)

__all__ = [
    "CalibrationData",
    "digits_calibration",
    "expected_calibration_error",
    "huber",
    "lasso",
    "nll_cauchy",
    "nll_gaussian",
    "nll_laplace",
    "reliability_curve",
    "ridge",
    "robust_fit",
    "soft_threshold",
    "temperature_scale",
]

_HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)


def _residual_and_scale(residual, scale, *, func: str, scale_name: str = "scale"):
    residual = check_array(residual, name="residual", func=func)
    scale = check_array(scale, name=scale_name, func=func, positive=True).to(residual)
    return broadcast_arguments({"residual": residual, scale_name: scale}, func=func)


def nll_gaussian(residual, scale=1.0) -> torch.Tensor:
    r"""Negative log-likelihood of a residual under Gaussian noise :math:`\mathcal N(0, \sigma^2)`.

    .. math:: -\log p(r) = \frac{r^2}{2\sigma^2} + \log\sigma + \tfrac12 \log 2\pi

    With a fixed :math:`\sigma` this is the squared error up to a scale and a
    constant: mean-squared-error regression is maximum likelihood under
    Gaussian noise.

    Parameters
    ----------
    residual : array_like
        :math:`r = y - f(x)`, any shape.
    scale : array_like, default 1.0
        :math:`\sigma > 0`, broadcastable to ``residual``.

    Returns
    -------
    torch.Tensor
        Elementwise NLL (broadcast shape).

    Examples
    --------
    >>> nll_gaussian([0.0, 2.0], scale=2.0)
    tensor([1.6121, 2.1121], dtype=torch.float64)
    """
    r, s = _residual_and_scale(residual, scale, func="nll_gaussian")
    return r**2 / (2 * s**2) + torch.log(s) + _HALF_LOG_TWO_PI


def nll_laplace(residual, scale=1.0) -> torch.Tensor:
    r"""Negative log-likelihood under Laplace noise with density :math:`e^{-|r|/b}/(2b)`: :math:`|r|/b + \log 2b`.

    Minimising it is least-absolute-deviation (L1) regression, whose
    minimiser is a median rather than a mean.

    Parameters
    ----------
    residual : array_like
    scale : array_like, default 1.0
        :math:`b > 0`.

    Examples
    --------
    >>> nll_laplace([0.0, -3.0])
    tensor([0.6931, 3.6931], dtype=torch.float64)
    """
    r, b = _residual_and_scale(residual, scale, func="nll_laplace")
    return r.abs() / b + torch.log(2 * b)


def nll_cauchy(residual, scale=1.0) -> torch.Tensor:
    r"""Negative log-likelihood under Cauchy noise with density :math:`\sigma / (\pi(r^2 + \sigma^2))`.

    .. math:: -\log p(r) = \log\left(1 + \frac{r^2}{\sigma^2}\right) + \log(\pi\sigma)

    It grows only logarithmically, so a far outlier barely pulls the fit.

    Parameters
    ----------
    residual : array_like
    scale : array_like, default 1.0
        :math:`\sigma > 0`.

    Examples
    --------
    >>> nll_cauchy([0.0, 1.0])
    tensor([1.1447, 1.8379], dtype=torch.float64)
    """
    r, s = _residual_and_scale(residual, scale, func="nll_cauchy")
    return torch.log1p((r / s) ** 2) + torch.log(math.pi * s)


def huber(residual, delta=1.0) -> torch.Tensor:
    r"""Huber's loss: quadratic for small residuals, linear for large ones.

    .. math:: \rho_\delta(r) = \begin{cases} r^2/2 & |r| \le \delta \\
              \delta(|r| - \delta/2) & |r| > \delta \end{cases}

    It is continuous with a continuous slope at :math:`|r| = \delta`: the
    negative log-density of a noise model with a Gaussian core and Laplace
    (exponential) tails.

    Parameters
    ----------
    residual : array_like
    delta : array_like, default 1.0
        :math:`\delta > 0`.

    Examples
    --------
    >>> huber([0.5, 3.0])
    tensor([0.1250, 2.5000], dtype=torch.float64)
    """
    r, delta = _residual_and_scale(residual, delta, func="huber", scale_name="delta")
    size = r.abs()
    return torch.where(size <= delta, r**2 / 2, delta * (size - delta / 2))


def _check_full_column_rank(X: torch.Tensor, *, func: str, why: str) -> None:
    """Raise ``ValueError`` unless every design matrix in ``X`` has linearly independent columns."""
    rank = torch.linalg.matrix_rank(X)
    if (rank < X.shape[-1]).any():
        raise ValueError(f"{func}: X must have linearly independent columns {why} "
                         f"(got rank {int(rank.min())} for {X.shape[-1]} columns)")


def _design(X, y, *, func: str):
    X = check_finite(as_float_tensor(X, name="X", func=func), name="X", func=func)
    y = check_finite(as_float_tensor(y, name="y", func=func), name="y", func=func).to(X)
    if X.ndim < 2:
        raise ValueError(f"{func}: X must have shape (..., n, d) (got {tuple(X.shape)})")
    if y.shape[-1:] != X.shape[-2:-1]:
        raise ValueError(f"{func}: y must have shape (..., n) with n = {X.shape[-2]} rows of X (got {tuple(y.shape)})")
    return X, y


def ridge(X, y, lam) -> torch.Tensor:
    r"""Ridge regression, the MAP estimate under a Gaussian prior: :math:`\hat w = (X^\top X + \lambda I)^{-1} X^\top y`.

    With noise :math:`\mathcal N(0, \sigma^2)` and prior :math:`w \sim \mathcal N(0, \tau^2 I)`,
    :math:`\lambda = \sigma^2/\tau^2`.

    Parameters
    ----------
    X : array_like, shape (..., n, d)
        Design matrices (a batch of them, optionally).
    y : array_like, shape (..., n)
        Targets.
    lam : array_like
        :math:`\lambda \ge 0`, a scalar or one per batch entry (shape ``(...)``).

    Returns
    -------
    torch.Tensor, shape (..., d)

    Examples
    --------
    >>> ridge([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 3.0], 0.0)
    tensor([1., 2.], dtype=torch.float64)
    >>> ridge([[1.0], [1.0]], [2.0, 2.0], [0.0, 2.0])  # a batch of two penalties
    tensor([[2.],
            [1.]], dtype=torch.float64)
    """
    func = "ridge"
    X, y = _design(X, y, func=func)
    lam = check_array(lam, name="lam", func=func, nonnegative=True).to(X)
    if (lam == 0).any():
        _check_full_column_rank(X, func=func, why="when lam = 0")
    gram = X.mT @ X
    eye = torch.eye(X.shape[-1], dtype=X.dtype, device=X.device)
    system = gram + lam[..., None, None] * eye
    return torch.linalg.solve(system, (X.mT @ y.unsqueeze(-1)).expand(*system.shape[:-1], 1)).squeeze(-1)


def soft_threshold(z, threshold) -> torch.Tensor:
    r"""The proximal map of :math:`\lambda|w|`: :math:`\operatorname{sign}(z)\max(|z| - \lambda, 0)`.

    It solves :math:`\min_w \tfrac12 (w - z)^2 + \lambda |w|`, and sets every
    :math:`|z| \le \lambda` exactly to zero: the source of the lasso's sparsity.

    Parameters
    ----------
    z : array_like
    threshold : array_like
        :math:`\lambda \ge 0`, broadcastable to ``z``.

    Examples
    --------
    >>> soft_threshold([-2.0, -0.5, 0.3, 1.5], 1.0)
    tensor([-1.0000, -0.0000,  0.0000,  0.5000], dtype=torch.float64)
    """
    func = "soft_threshold"
    z = check_array(z, name="z", func=func)
    threshold = check_array(threshold, name="threshold", func=func, nonnegative=True).to(z)
    z, threshold = broadcast_arguments(dict(z=z, threshold=threshold), func=func)
    return torch.sign(z) * (z.abs() - threshold).clamp_min(0)


@one_thread()
def lasso(X, y, lam, *, steps=2000) -> torch.Tensor:
    r"""The lasso, the MAP estimate under a Laplace prior: :math:`\arg\min_w \tfrac12\|y - Xw\|^2 + \lambda\|w\|_1`.

    Solved by FISTA (accelerated proximal gradient) with step :math:`1/L`,
    :math:`L` the largest eigenvalue of :math:`X^\top X`; each step is a
    gradient step on the squared error followed by :func:`soft_threshold`.
    The objective gap after :math:`k` steps is at most
    :math:`2L\|w_0 - w^*\|^2/(k+1)^2`.

    Parameters
    ----------
    X : array_like, shape (..., n, d)
    y : array_like, shape (..., n)
    lam : array_like
        :math:`\lambda \ge 0`, a scalar or one per batch entry (shape ``(...)``).
    steps : int, default 2000

    Returns
    -------
    torch.Tensor, shape (..., d)

    Examples
    --------
    >>> X = torch.eye(3, dtype=torch.float64)
    >>> lasso(X, [3.0, 0.5, -2.0], 1.0)  # orthogonal design: soft-thresholding of y
    tensor([ 2.,  0., -1.], dtype=torch.float64)
    """
    func = "lasso"
    X, y = _design(X, y, func=func)
    lam = check_array(lam, name="lam", func=func, nonnegative=True).to(X)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    gram, correlation = X.mT @ X, (X.mT @ y.unsqueeze(-1)).squeeze(-1)
    lipschitz = torch.linalg.eigvalsh(gram)[..., -1].clamp_min(torch.finfo(X.dtype).tiny)
    shape = torch.broadcast_shapes(correlation.shape, lam.shape + (1,))
    step = (1 / lipschitz)[..., None]
    w = previous = torch.zeros(shape, dtype=X.dtype, device=X.device)
    momentum = 1.0
    for _ in range(steps):  # iterations of one convex solve, each vectorised over the whole batch
        next_momentum = (1 + math.sqrt(1 + 4 * momentum**2)) / 2
        z = w + (momentum - 1) / next_momentum * (w - previous)
        gradient = (gram @ z.unsqueeze(-1)).squeeze(-1) - correlation
        previous, w = w, soft_threshold(z - step * gradient, step * lam[..., None])
        momentum = next_momentum
    return w


_IRLS_WEIGHTS = {
    "l2": lambda r, s: torch.ones_like(r),
    "l1": lambda r, s: 1 / r.abs().clamp_min(1e-9 * s),
    "huber": lambda r, s: (s / r.abs().clamp_min(1e-300)).clamp(max=1.0),
    "cauchy": lambda r, s: 1 / (1 + (r / s) ** 2),
}


@one_thread()
def robust_fit(X, y, *, loss="cauchy", scale=1.0, iterations=100) -> torch.Tensor:
    r"""Linear regression :math:`\min_w \sum_i \rho(y_i - x_i^\top w)` for a robust loss, by iteratively reweighted least squares.

    Each iteration solves a weighted least-squares problem with weights
    :math:`\rho'(r)/r`: 1 for ``"l2"`` (ordinary least squares),
    :math:`1/|r|` for ``"l1"``, :math:`\min(1, \delta/|r|)` for ``"huber"``
    (:func:`huber` with :math:`\delta` = ``scale``) and
    :math:`1/(1 + r^2/\sigma^2)` for ``"cauchy"`` (:func:`nll_cauchy`). The
    iterations start from the least-absolute-deviation fit (for ``"cauchy"``,
    whose loss is not convex) or from least squares, and run on every problem
    of the batch at once.

    Parameters
    ----------
    X : array_like, shape (..., n, d)
    y : array_like, shape (..., n)
    loss : {"l2", "l1", "huber", "cauchy"}, default "cauchy"
    scale : float, default 1.0
        :math:`\delta` for Huber, :math:`\sigma` for Cauchy; for ``"l1"`` it
        sets the floor :math:`10^{-9}\,\text{scale}` on :math:`|r|`.
    iterations : int, default 100

    Returns
    -------
    torch.Tensor, shape (..., d)

    Examples
    --------
    >>> X = torch.ones(5, 1, dtype=torch.float64)
    >>> y = torch.tensor([0.0, 1.0, 2.0, 3.0, 1000.0], dtype=torch.float64)
    >>> robust_fit(X, y, loss="l2"), robust_fit(X, y, loss="l1")  # the mean and the median
    (tensor([201.2000], dtype=torch.float64), tensor([2.], dtype=torch.float64))
    """
    func = "robust_fit"
    X, y = _design(X, y, func=func)
    if loss not in _IRLS_WEIGHTS:
        raise ValueError(f"{func}: loss must be one of {sorted(_IRLS_WEIGHTS)} (got {loss!r})")
    _check_full_column_rank(X, func=func, why="for the weighted least-squares steps")
    scale = check_real(scale, name="scale", func=func)
    if not (scale > 0 and math.isfinite(scale)):
        raise ValueError(f"{func}: scale must be positive and finite (got {scale})")
    iterations = check_integer(iterations, name="iterations", func=func, minimum=1)

    def weighted_solve(weights):
        weighted = X * weights.unsqueeze(-1)
        return torch.linalg.solve(weighted.mT @ X, (weighted.mT @ y.unsqueeze(-1))).squeeze(-1)

    w = weighted_solve(torch.ones_like(y))
    if loss == "l2":
        return w
    schedule = (["l1"] * iterations if loss == "cauchy" else []) + [loss] * iterations
    for kind in schedule:  # iterations of one fit, each vectorised over the whole batch
        residual = y - (X @ w.unsqueeze(-1)).squeeze(-1)
        w = weighted_solve(_IRLS_WEIGHTS[kind](residual, scale))
    return w


# --------------------------------------------------------------------------- calibration

def _probabilities_and_labels(probs, labels, *, func: str):
    probs = check_probability_vector(probs, name="probs", func=func)
    labels = check_labels(labels, name="labels", func=func, classes=probs.shape[-1], shape=probs.shape[:-1])
    labels = labels.to(probs.device)
    if probs.ndim < 2 or probs.shape[-2] == 0:
        raise ValueError(f"{func}: probs must have shape (..., n, classes) with n >= 1 (got {tuple(probs.shape)})")
    return probs, labels


def reliability_curve(probs, labels, *, n_bins=10):
    r"""Binned confidence against accuracy: the data of a reliability diagram.

    The confidence of a prediction is its largest probability; predictions
    are grouped into ``n_bins`` equal-width bins of confidence.

    Parameters
    ----------
    probs : array_like, shape (..., n, classes)
        Predicted probabilities for ``n`` examples.
    labels : array_like of int, shape (..., n)
        True classes.
    n_bins : int, default 10

    Returns
    -------
    confidence, accuracy, fraction : torch.Tensor, shape (..., n_bins)
        Mean confidence and accuracy in each bin (0 for an empty bin), and the
        fraction of examples that fall in it.

    Examples
    --------
    >>> conf, acc, frac = reliability_curve([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]], [0, 1, 1], n_bins=2)
    >>> acc, frac
    (tensor([0.0000, 0.6667], dtype=torch.float64), tensor([0., 1.], dtype=torch.float64))
    """
    func = "reliability_curve"
    probs, labels = _probabilities_and_labels(probs, labels, func=func)
    n_bins = check_integer(n_bins, name="n_bins", func=func, minimum=1)
    confidence, predicted = probs.max(dim=-1)
    correct = (predicted == labels).to(probs.dtype)
    bins = torch.nn.functional.one_hot((confidence * n_bins).long().clamp(max=n_bins - 1), n_bins).to(probs.dtype)
    counts = bins.sum(dim=-2)
    safe = counts.clamp_min(1)
    mean_confidence = (bins * confidence.unsqueeze(-1)).sum(dim=-2) / safe
    accuracy = (bins * correct.unsqueeze(-1)).sum(dim=-2) / safe
    return mean_confidence, accuracy, counts / probs.shape[-2]


@reports_as("expected_calibration_error")
def expected_calibration_error(probs, labels, *, n_bins=10) -> torch.Tensor:
    r"""Expected calibration error: :math:`\sum_b \frac{n_b}{n} \left|\text{acc}_b - \text{conf}_b\right|`.

    The average gap, weighted by bin size, between how often the model is
    right and how sure it says it is (see :func:`reliability_curve`). It is 0
    for a perfectly calibrated model, up to sampling noise.

    Parameters
    ----------
    probs : array_like, shape (..., n, classes)
    labels : array_like of int, shape (..., n)
    n_bins : int, default 10

    Returns
    -------
    torch.Tensor, shape (...)

    Examples
    --------
    >>> expected_calibration_error([[0.9, 0.1], [0.9, 0.1]], [0, 1])  # 90% sure, 50% right
    tensor(0.4000, dtype=torch.float64)
    """
    confidence, accuracy, fraction = reliability_curve(probs, labels, n_bins=n_bins)
    return (fraction * (accuracy - confidence).abs()).sum(dim=-1)


@one_thread()
def temperature_scale(logits, labels, *, iterations=50) -> torch.Tensor:
    r"""The temperature :math:`T` that minimises the log loss of :math:`\mathrm{softmax}(z/T)` on held-out data.

    In the inverse temperature :math:`\beta = 1/T` the mean log loss
    :math:`\frac1n \sum_i [\log \sum_k e^{\beta z_{ik}} - \beta z_{i y_i}]` is
    convex (its second derivative is the mean variance of the logits under
    the model), so Newton's method from :math:`\beta = 1` finds the global
    minimum; a step that would leave :math:`\beta > 0` is halved. Dividing by
    :math:`T` never changes the predicted class, only the confidence.

    Parameters
    ----------
    logits : array_like, shape (..., n, classes)
    labels : array_like of int, shape (..., n)
    iterations : int, default 50

    Returns
    -------
    torch.Tensor, shape (...)
        The fitted temperature (greater than 1 for an overconfident model).

    Examples
    --------
    >>> logits = torch.tensor([[4.0, 0.0], [4.0, 0.0], [4.0, 0.0], [0.0, 4.0]], dtype=torch.float64)
    >>> labels = torch.tensor([0, 0, 1, 1])  # 75% right while claiming 98%
    >>> round(float(temperature_scale(logits, labels)), 3)  # softmax(4/T) = 0.75
    3.641
    """
    func = "temperature_scale"
    logits = check_array(logits, name="logits", func=func)
    if logits.ndim < 2:
        raise ValueError(f"{func}: logits must have shape (..., n, classes) (got {tuple(logits.shape)})")
    labels = check_labels(labels, name="labels", func=func, classes=logits.shape[-1], shape=logits.shape[:-1])
    labels = labels.to(logits.device)
    iterations = check_integer(iterations, name="iterations", func=func, minimum=1)
    picked = logits.gather(-1, labels.unsqueeze(-1)).squeeze(-1)
    beta = torch.ones(logits.shape[:-2], dtype=logits.dtype, device=logits.device)
    for _ in range(iterations):  # Newton iterations of a 1-D convex problem, vectorised over the batch
        p = torch.softmax(beta[..., None, None] * logits, dim=-1)
        mean = (p * logits).sum(-1)
        slope = (mean - picked).mean(-1)
        curvature = ((p * logits**2).sum(-1) - mean**2).mean(-1).clamp_min(torch.finfo(logits.dtype).tiny)
        step = slope / curvature
        beta = torch.where(beta - step > 0, beta - step, beta / 2)
    return 1 / beta


@dataclass(frozen=True)
class CalibrationData:
    """Logits of a small digits classifier on held-out data (see :func:`digits_calibration`).

    Attributes
    ----------
    validation_logits, test_logits : torch.Tensor
        float64 logits, one row of 10 per held-out image.
    validation_labels, test_labels : torch.Tensor
        The true classes of those images.
    train_size : int
        Number of training images.
    """

    validation_logits: torch.Tensor
    validation_labels: torch.Tensor
    test_logits: torch.Tensor
    test_labels: torch.Tensor
    train_size: int


def digits_calibration(*, train_fraction=0.1, pixel_noise=0.3, epochs=100, seed=0) -> CalibrationData:
    """Train a digits classifier long enough to be overconfident, and return its held-out logits.

    The images get Gaussian pixel noise of standard deviation ``pixel_noise``
    and only ``train_fraction`` of them are used for training, so that the
    classifier makes mistakes; the rest is split in half into a validation set
    (for :func:`temperature_scale`) and a test set. The network is
    64 → 128 → 10 with ReLU, trained with Adam on the cross-entropy.

    Examples
    --------
    >>> data = digits_calibration(epochs=2)
    >>> data.test_logits.shape[1], data.train_size
    (10, 180)
    """
    func = "digits_calibration"
    train_fraction = check_scalar(train_fraction, name="train_fraction", func=func, low=0, high=1, low_open=True,
                                  high_open=True)
    pixel_noise = check_scalar(pixel_noise, name="pixel_noise", func=func)
    if pixel_noise < 0:
        raise ValueError(f"{func}: pixel_noise must be non-negative (got {pixel_noise})")
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    return _digits_calibration(train_fraction, pixel_noise, epochs, seed)


@lru_cache(maxsize=4)
def _digits_calibration(train_fraction: float, pixel_noise: float, epochs: int, seed: int) -> CalibrationData:
    """:func:`digits_calibration` on validated arguments, cached (each argument is a hashable Python number)."""
    func = "digits_calibration"
    images, labels = digits(dtype=torch.float32)
    images = images + pixel_noise * torch.randn(images.shape, generator=as_generator(seed, func=func))
    train, held = train_test_indices(len(images), test_fraction=1 - train_fraction, seed=seed)
    first, second = train_test_indices(len(held), test_fraction=0.5, seed=next_seed(seed))
    validation, test = held[first], held[second]
    net = mlp([64, 128, 10], seed=seed)
    with one_thread():
        fit(net, images[train], labels[train], loss=nn.functional.cross_entropy, epochs=epochs, batch_size=32,
            lr=3e-3, seed=next_seed(seed))
    with torch.no_grad():
        return CalibrationData(net(images[validation]).double(), labels[validation],
                               net(images[test]).double(), labels[test], len(train))
