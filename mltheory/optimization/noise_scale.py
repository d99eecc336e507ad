"""Per-example gradients, the gradient noise scale and the critical batch size (McCandlish et al. 2018)."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..runtime import one_thread
from ..validation import as_float_tensor, as_generator, check_callable, check_finite, check_integer, check_scalar, check_vector

__all__ = [
    "CriticalBatchFit",
    "CriticalBatchRun",
    "critical_batch_experiment",
    "critical_batch_fit",
    "gradient_noise_scale",
    "logistic_stream",
    "per_example_gradients",
]


# --------------------------------------------------------------------------- per-example gradients

@one_thread()
def per_example_gradients(loss: Callable, params, x, y) -> torch.Tensor:
    r"""The gradient of the loss of each example separately, :math:`\nabla_\theta L_{x_i}(\theta)`, by ``torch.func``.

    ``torch.func.vmap`` maps ``torch.func.grad`` of a single example's loss over
    the batch, so the :math:`n` gradients cost about one batched backward pass
    instead of :math:`n` separate ones.

    Parameters
    ----------
    loss : callable
        With a tensor ``params``: ``loss(params, x_i, y_i)`` is the scalar loss
        of one example. With an ``nn.Module``: ``loss(output_i, y_i)``, where
        ``output_i`` is the module's output on the single example ``x_i``.
    params : array_like of shape (d,) or torch.nn.Module
        The parameters at which the gradients are taken.
    x : array_like, shape (n, ...)
        The inputs, one example per row.
    y : array_like, shape (n, ...)
        The targets, one per row.

    Returns
    -------
    torch.Tensor, shape (n, d)
        Row ``i`` is the gradient of example ``i``; for a module, its parameters
        flattened and concatenated in the order of ``named_parameters()``.

    Examples
    --------
    >>> def squared_error(w, xi, yi):
    ...     return 0.5 * (xi @ w - yi) ** 2
    >>> per_example_gradients(squared_error, [1.0, 0.0], [[1.0, 2.0], [0.0, 1.0]], [0.0, 1.0])
    tensor([[ 1.,  2.],
            [-0., -1.]], dtype=torch.float64)
    """
    func = "per_example_gradients"
    check_callable(loss, name="loss", func=func)
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    y = check_finite(as_float_tensor(y, name="y", func=func), name="y", func=func)
    if x.dim() == 0 or x.shape[0] == 0:
        raise ValueError(f"{func}: x must have one example per row, at least one (got shape {tuple(x.shape)})")
    if y.dim() == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{func}: y must have one row per example of x ({x.shape[0]}) (got shape {tuple(y.shape)})")
    if isinstance(params, nn.Module):
        return _module_gradients(loss, params, x, y)
    theta = check_vector(params, name="params", func=func, or_module=True).detach()
    return torch.func.vmap(torch.func.grad(loss), in_dims=(None, 0, 0))(theta, x.to(theta.dtype), y.to(theta.dtype))


def _module_gradients(loss: Callable, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    params = {name: p.detach() for name, p in model.named_parameters()}
    dtype = next(iter(params.values())).dtype if params else x.dtype

    def example_loss(p, xi, yi):
        return loss(torch.func.functional_call(model, p, (xi.unsqueeze(0),)), yi.unsqueeze(0))

    grads = torch.func.vmap(torch.func.grad(example_loss), in_dims=(None, 0, 0))(params, x.to(dtype), y.to(dtype))
    return torch.cat([grads[name].reshape(x.shape[0], -1) for name in params], dim=1)


# --------------------------------------------------------------------------- the noise scale

@one_thread()
def gradient_noise_scale(per_example_grads, hessian=None) -> torch.Tensor:
    r"""The gradient noise scale estimated from per-example gradients.

    Without a Hessian this is the simple noise scale
    :math:`\mathcal B_{\text{simple}} = \operatorname{tr}\Sigma / |G|^2`; with
    one it is :math:`\mathcal B_{\text{noise}} = \operatorname{tr}(H\Sigma) / G^\top H G`
    (McCandlish et al. 2018, eqs. 2.7 and 2.8). The :math:`n` rows are treated
    as independent draws: :math:`\operatorname{tr}(H\Sigma)` is estimated by
    the unbiased sample covariance and :math:`G^\top H G` by
    :math:`\bar g^\top H \bar g - \operatorname{tr}(H\hat\Sigma)/n`, which
    removes the bias of the squared mean. Where that estimate of the signal is
    not positive, the sample does not resolve the gradient and the result is
    ``inf``.

    Parameters
    ----------
    per_example_grads : array_like, shape (n, d)
        One gradient per row, ``n >= 2``.
    hessian : array_like, shape (d, d), optional
        A symmetric positive semi-definite Hessian; ``None`` (the default) gives
        the simple noise scale, which is the noise scale for :math:`H \propto I`.

    Returns
    -------
    torch.Tensor
        A scalar (0-dimensional) tensor.

    Examples
    --------
    >>> grads = torch.tensor([[1.0, 0.0], [3.0, 0.0], [2.0, 1.0], [2.0, -1.0]], dtype=torch.float64)
    >>> gradient_noise_scale(grads)
    tensor(0.3636, dtype=torch.float64)
    >>> gradient_noise_scale(grads, hessian=torch.diag(torch.tensor([2.0, 1.0], dtype=torch.float64)))
    tensor(0.2667, dtype=torch.float64)
    """
    func = "gradient_noise_scale"
    g = check_finite(as_float_tensor(per_example_grads, name="per_example_grads", func=func),
                     name="per_example_grads", func=func)
    if g.dim() != 2 or g.shape[0] < 2 or g.shape[1] == 0:
        raise ValueError(f"{func}: per_example_grads must have shape (n, d) with n >= 2 and d >= 1 "
                         f"(got shape {tuple(g.shape)})")
    n, d = g.shape
    if hessian is None:
        H = None
    else:
        H = check_finite(as_float_tensor(hessian, name="hessian", func=func), name="hessian", func=func).to(g.dtype)
        if H.shape != (d, d):
            raise ValueError(f"{func}: hessian must have shape ({d}, {d}) to match per_example_grads "
                             f"(got shape {tuple(H.shape)})")
        if not torch.allclose(H, H.T, rtol=1e-10, atol=1e-12 * H.abs().max().item()):
            asymmetry = (H - H.T).abs().max().item()
            raise ValueError(f"{func}: hessian must be symmetric (got an asymmetry of {asymmetry:.3g})")
    noise, signal = _noise_and_signal(g, H)
    if signal <= 0:
        return torch.tensor(math.inf, dtype=g.dtype)
    return noise / signal


def _noise_and_signal(g: torch.Tensor, H: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Unbiased estimates of :math:`\\operatorname{tr}(H\\Sigma)` and :math:`G^\\top H G` (:math:`H = I` if ``None``) from ``n`` rows."""
    n = g.shape[0]
    mean = g.mean(0)
    centred = g - mean
    weighted = centred if H is None else centred @ H
    noise = (weighted * centred).sum() / (n - 1)
    return noise, (mean @ mean if H is None else mean @ H @ mean) - noise / n


# --------------------------------------------------------------------------- the S-E hyperbola

@dataclass(frozen=True)
class CriticalBatchFit:
    r"""The fit of :math:`S = S_{\min}(1 + \mathcal B_{\text{crit}}/B)`, :math:`E = BS`, by :func:`critical_batch_fit`.

    Attributes
    ----------
    s_min : float
        The fewest steps, approached as :math:`B \to \infty`.
    e_min : float
        The fewest examples, approached as :math:`B \to 0`.
    b_crit : float
        The critical batch size :math:`E_{\min}/S_{\min}`.
    """

    s_min: float
    e_min: float
    b_crit: float

    def steps(self, batch_size) -> torch.Tensor:
        """The fitted number of steps at ``batch_size``, :math:`S_{\\min} + E_{\\min}/B`."""
        return self.s_min + self.e_min / torch.as_tensor(batch_size, dtype=torch.float64)


def critical_batch_fit(steps, examples) -> CriticalBatchFit:
    r"""Fit the S–E hyperbola :math:`(S/S_{\min} - 1)(E/E_{\min} - 1) = 1` to runs at several batch sizes.

    With :math:`B = E/S` the hyperbola is the straight line
    :math:`S = S_{\min} + E_{\min}/B` in :math:`1/B`, which is fitted by least
    squares in relative error (each residual divided by its :math:`S`), so
    that the runs with few steps count as much as those with many.

    Parameters
    ----------
    steps : array_like, shape (k,)
        Steps :math:`S` each run took to reach the target, all positive.
    examples : array_like, shape (k,)
        Examples :math:`E = BS` each run processed, all positive; at least two
        distinct batch sizes :math:`E/S`.

    Returns
    -------
    CriticalBatchFit

    Raises
    ------
    ValueError
        If the runs do not lie on a hyperbola with positive :math:`S_{\min}`
        and :math:`E_{\min}` (for example if fewer steps were needed at smaller
        batches).

    Examples
    --------
    >>> fit = critical_batch_fit([110, 20, 11], [110, 200, 1100])
    >>> round(fit.s_min, 6), round(fit.e_min, 6), round(fit.b_crit, 6)
    (10.0, 100.0, 10.0)
    """
    func = "critical_batch_fit"
    S = check_finite(as_float_tensor(steps, name="steps", func=func), name="steps", func=func).to(torch.float64)
    E = check_finite(as_float_tensor(examples, name="examples", func=func), name="examples",
                     func=func).to(torch.float64)
    for name, value in (("steps", S), ("examples", E)):
        if value.dim() != 1 or value.numel() < 2:
            raise ValueError(f"{func}: {name} must be a 1-D array of at least 2 runs (got shape {tuple(value.shape)})")
        if (value <= 0).any():
            raise ValueError(f"{func}: {name} must be positive (got {value.min().item():.6g})")
    if S.shape != E.shape:
        raise ValueError(f"{func}: examples must have one entry per run of steps ({S.numel()}) "
                         f"(got {E.numel()})")
    inverse_batch = S / E
    if torch.unique(inverse_batch).numel() < 2:
        raise ValueError(f"{func}: the runs must use at least 2 distinct batch sizes E/S "
                         f"(got only {(E / S)[0].item():.6g})")
    design = torch.stack([torch.ones_like(S), inverse_batch], dim=1) / S[:, None]
    s_min, e_min = torch.linalg.lstsq(design, torch.ones_like(S)[:, None]).solution[:, 0].tolist()
    if not (s_min > 0 and e_min > 0):
        raise ValueError(f"{func}: the runs do not lie on a hyperbola with positive S_min and E_min "
                         f"(the fit gives S_min = {s_min:.6g}, E_min = {e_min:.6g})")
    return CriticalBatchFit(s_min, e_min, e_min / s_min)


# --------------------------------------------------------------------------- the experiment

_HERMITE_NODES = 64


@dataclass(frozen=True)
class _LogisticProblem:
    """Logistic regression on a Gaussian stream: ``x ~ N(0, diag(variances))``, ``y ~ Bernoulli(σ(x·w*))``."""

    variances: torch.Tensor
    w_star: torch.Tensor
    slope: torch.Tensor  # E σ'(w*·x)

    @functools.cached_property
    def scales(self) -> torch.Tensor:
        """The standard deviations of the inputs, computed once (the sampler needs them at every step)."""
        return self.variances.sqrt()

    def sample(self, shape: tuple[int, ...], generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.randn(*shape, self.w_star.numel(), generator=generator, dtype=torch.float64) * self.scales
        y = (torch.rand(shape, generator=generator, dtype=torch.float64) < torch.sigmoid(x @ self.w_star)).double()
        return x, y

    def loss(self, w: torch.Tensor) -> torch.Tensor:
        r"""The population loss, exactly (to quadrature accuracy), for a batch of weight vectors ``w`` (..., d).

        With :math:`z = w\cdot x` and :math:`u = w^*\cdot x` jointly Gaussian, Stein's lemma gives
        :math:`\mathbb E[yz] = \mathbb E[\sigma(u) z] = \operatorname{Cov}(z, u)\,\mathbb E[\sigma'(u)]`, so
        :math:`L(w) = \mathbb E[\operatorname{softplus}(z)] - (w^\top\Lambda w^*)\,\mathbb E[\sigma'(u)]`: two
        one-dimensional Gaussian integrals, done by Gauss–Hermite quadrature.
        """
        spread = ((w * w) * self.variances).sum(-1).sqrt()
        return _gaussian_mean(nn.functional.softplus, spread) - (w @ (self.variances * self.w_star)) * self.slope

    def gradient(self, w: torch.Tensor) -> torch.Tensor:
        r"""The population gradient :math:`\Lambda(w\,\mathbb E[\sigma'(z)] - w^*\,\mathbb E[\sigma'(u)])`, by Stein's lemma."""
        spread = ((w * w) * self.variances).sum(-1).sqrt()
        curvature = _gaussian_mean(_sigmoid_slope, spread)
        return self.variances * (w * curvature[..., None] - self.w_star * self.slope)


@functools.lru_cache(maxsize=1)
def _hermite_rule() -> tuple[torch.Tensor, torch.Tensor]:
    """Nodes and weights of Gauss–Hermite quadrature for the standard normal density."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(_HERMITE_NODES)
    return torch.as_tensor(nodes), torch.as_tensor(weights / math.sqrt(2 * math.pi))


def _gaussian_mean(f: Callable, sd: torch.Tensor) -> torch.Tensor:
    """``E f(sd·Z)`` for standard normal ``Z``, by Gauss–Hermite quadrature, for each entry of ``sd``."""
    nodes, weights = _hermite_rule()
    return (f(sd[..., None] * nodes) * weights).sum(-1)


def logistic_stream(dim: int = 20, condition: float = 100.0, seed=0):
    r"""A synthetic logistic-regression stream: a sampler, the exact population loss and gradient, and the optimum.

    Inputs are :math:`x \sim \mathcal N(0, \Lambda)` with the variances
    :math:`\Lambda` spread geometrically from 1 down to ``1/condition``;
    labels are :math:`y \sim \text{Bernoulli}(\sigma(w^{*\top} x))`, with
    :math:`w^*` a seeded random direction scaled so that
    :math:`w^{*\top}\Lambda w^* = 9`. The population loss and gradient are
    computed exactly by Stein's lemma and one-dimensional quadrature, so the
    loss that a run reaches has no evaluation noise.

    Parameters
    ----------
    dim : int, default 20
    condition : float, default 100
        The ratio of the largest to the smallest input variance, at least 1.
    seed : int or torch.Generator, default 0
        Seeds :math:`w^*`.

    Returns
    -------
    sample : callable
        ``sample(shape, generator)`` returns inputs of shape ``shape + (dim,)`` and labels of shape ``shape``.
    loss : callable
        The population logistic loss of a weight tensor of shape (..., dim).
    gradient : callable
        Its gradient, of the same shape as the weights.
    w_star : torch.Tensor, shape (dim,)
        The minimiser.

    Examples
    --------
    >>> sample, loss, gradient, w_star = logistic_stream(dim=4, seed=0)
    >>> x, y = sample((3,), torch.Generator().manual_seed(1))
    >>> x.shape, y.shape, round(loss(torch.zeros(4, dtype=torch.float64)).item(), 6)
    (torch.Size([3, 4]), torch.Size([3]), 0.693147)
    >>> gradient(w_star).abs().max().item() < 1e-12
    True
    """
    problem = _logistic_problem(dim, condition, seed, "logistic_stream")
    return problem.sample, problem.loss, problem.gradient, problem.w_star


def _logistic_problem(dim, condition, seed, func: str) -> _LogisticProblem:
    dim = check_integer(dim, name="dim", func=func, minimum=1)
    condition = check_scalar(condition, name="condition", func=func, low=1)
    generator = as_generator(seed, func=func)
    variances = torch.logspace(0, -math.log10(condition), dim, dtype=torch.float64)
    direction = torch.randn(dim, generator=generator, dtype=torch.float64)
    w_star = 3 * direction / direction.norm() / variances.sqrt()
    return _LogisticProblem(variances, w_star,
                            _gaussian_mean(_sigmoid_slope, torch.tensor(3.0, dtype=torch.float64)))


def _sigmoid_slope(z: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(z) * torch.sigmoid(-z)


@dataclass(frozen=True)
class CriticalBatchRun:
    r"""The record of :func:`critical_batch_experiment`.

    Attributes
    ----------
    batch_sizes : torch.Tensor
        The :math:`k` batch sizes :math:`1, 2, 4, \dots`.
    steps : torch.Tensor
        Steps to reach the target loss at each batch size, with its best learning rate (length :math:`k`).
    examples : torch.Tensor
        ``batch_sizes * steps``.
    learning_rates : torch.Tensor
        The tuned learning rate of each batch size.
    fit : CriticalBatchFit
        The hyperbola fitted to ``steps`` and ``examples``.
    path_loss : torch.Tensor
        The loss along the full-gradient path (gradient descent on the population loss, at the largest batch's
        learning rate), from the start to the first point at or below the target (length :math:`m + 1`).
    path_b_simple, path_b_noise : torch.Tensor
        The simple and Hessian noise scales at the start of each of the :math:`m` steps of that path, from the
        per-example gradients of fresh samples.
    b_simple : float
        The simple noise scale of the whole path: the unbiased estimates of :math:`\operatorname{tr}\Sigma` at
        its steps, averaged, over those of :math:`|G|^2`, averaged (as McCandlish et al. 2018 estimate it: the two
        averages first, then their ratio).
    initial_loss, target_loss, optimal_loss : float
    """

    batch_sizes: torch.Tensor
    steps: torch.Tensor
    examples: torch.Tensor
    learning_rates: torch.Tensor
    fit: CriticalBatchFit
    path_loss: torch.Tensor
    path_b_simple: torch.Tensor
    path_b_noise: torch.Tensor
    b_simple: float
    initial_loss: float
    target_loss: float
    optimal_loss: float


@one_thread()
def critical_batch_experiment(max_log2_batch: int = 10, dim: int = 20, condition: float = 30.0,
                              target_fraction: float = 0.05, repeats: int = 5, noise_samples: int = 4096,
                              max_steps: int = 100_000, seed=0) -> CriticalBatchRun:
    r"""Steps and examples that SGD needs to reach a target loss, at batch sizes :math:`1, 2, 4, \dots`, with a tuned learning rate.

    Logistic regression on the stream of :func:`logistic_stream` starts at
    :math:`w = 0`. For each batch size :math:`B = 2^k`, SGD runs with 25
    learning rates from :math:`2^{-6}` to :math:`2^{6}` (a factor
    :math:`\sqrt2` apart) and ``repeats`` independent streams at once
    (vectorised); the steps :math:`S(B)` are the first step at which, for some
    learning rate, the majority of the repeats has reached the target loss
    :math:`L^* + f\,(L(0) - L^*)`, ``f = target_fraction``. The hyperbola is
    then fitted by :func:`critical_batch_fit`. The simple and Hessian noise
    scales are measured along the full-gradient path from the per-example
    gradients :math:`(\sigma(x^\top w) - y)\,x` of ``noise_samples`` fresh
    examples per step, by :func:`gradient_noise_scale`; ``b_simple`` of the
    result averages their two estimates over the path before dividing.

    Parameters
    ----------
    max_log2_batch : int, default 10
        The largest batch is :math:`2^{\text{max\_log2\_batch}}`.
    dim, condition : see :func:`logistic_stream`.
    target_fraction : float, default 0.01
        In (0, 1): how much of the initial excess loss may remain.
    repeats : int, default 5
        Independent streams per learning rate; odd, so that the majority is a median.
    noise_samples : int, default 4096
        Examples per noise-scale measurement, at least 2.
    max_steps : int, default 100000
        Give up on a batch size after this many steps (raises ``RuntimeError``).
    seed : int, default 0

    Returns
    -------
    CriticalBatchRun

    Examples
    --------
    >>> run = critical_batch_experiment(max_log2_batch=3, dim=4, condition=4.0, target_fraction=0.1,
    ...                                 repeats=3, noise_samples=256)
    >>> run.batch_sizes.tolist(), run.steps.tolist(), round(run.fit.b_crit, 2)
    ([1.0, 2.0, 4.0, 8.0], [29.0, 10.0, 16.0, 6.0], 4.37)
    """
    func = "critical_batch_experiment"
    max_log2_batch = check_integer(max_log2_batch, name="max_log2_batch", func=func, minimum=1)
    if max_log2_batch > 16:
        raise ValueError(f"{func}: max_log2_batch must be at most 16 (got {max_log2_batch})")
    target_fraction = check_scalar(target_fraction, name="target_fraction", func=func, low=0, high=1,
                                   low_open=True, high_open=True)
    repeats = check_integer(repeats, name="repeats", func=func, minimum=1)
    if repeats % 2 == 0:
        raise ValueError(f"{func}: repeats must be odd, so that the majority of the repeats is their median "
                         f"(got {repeats})")
    noise_samples = check_integer(noise_samples, name="noise_samples", func=func, minimum=2)
    max_steps = check_integer(max_steps, name="max_steps", func=func, minimum=1)
    problem = _logistic_problem(dim, condition, seed, func)
    generator = as_generator(seed, func=func)

    initial = problem.loss(torch.zeros_like(problem.w_star)).item()
    optimal = problem.loss(problem.w_star).item()
    target = optimal + target_fraction * (initial - optimal)
    learning_rates = 2.0 ** torch.arange(-6, 6.25, 0.5, dtype=torch.float64)
    batch_sizes = 2 ** torch.arange(max_log2_batch + 1)
    steps, chosen = [], []
    for batch in batch_sizes.tolist():
        s, lr = _steps_to_target(problem, batch, learning_rates, repeats, target, max_steps, generator, func)
        steps.append(s)
        chosen.append(lr)
    steps = torch.tensor(steps, dtype=torch.float64)
    examples = batch_sizes.double() * steps
    fit = critical_batch_fit(steps, examples)
    path_loss, path_simple, path_noise, averaged = _noise_along_path(problem, chosen[-1], target, noise_samples,
                                                                     max_steps, generator)
    return CriticalBatchRun(batch_sizes.double(), steps, examples, torch.tensor(chosen, dtype=torch.float64), fit,
                            path_loss, path_simple, path_noise, averaged, initial, target, optimal)


def _steps_to_target(problem, batch, learning_rates, repeats, target, max_steps, generator, func):
    """First step at which, for some learning rate, most repeats have reached the target; and that learning rate."""
    w = torch.zeros(len(learning_rates), repeats, problem.w_star.numel(), dtype=torch.float64)
    reached = torch.zeros(len(learning_rates), repeats, dtype=torch.bool)
    rates = learning_rates[:, None, None]
    for step in range(1, max_steps + 1):
        x, y = problem.sample((repeats, batch), generator)
        residual = torch.sigmoid(torch.einsum("rbd,lrd->lrb", x, w)) - y
        w = w - rates * torch.einsum("lrb,rbd->lrd", residual, x) / batch
        finite = torch.isfinite(w)
        if not finite.all():
            w = torch.where(finite, w, 0.0)  # a diverged run restarts and keeps failing
        reached |= problem.loss(w) <= target
        majority = reached.sum(1) > repeats // 2
        if majority.any():
            return step, learning_rates[majority.nonzero()[0, 0]].item()
    raise RuntimeError(f"{func}: batch size {batch} did not reach the target loss in {max_steps} steps")


def _noise_along_path(problem, lr, target, noise_samples, max_steps, generator):
    """Along full-gradient descent until the target: the losses, the noise scales (simple, Hessian) at each step,
    and the simple noise scale of the whole path (the averaged noise over the averaged signal)."""
    w = torch.zeros_like(problem.w_star)
    losses, simple, with_hessian, noises, signals = [problem.loss(w).item()], [], [], [], []
    for _ in range(max_steps):
        if losses[-1] <= target:
            break
        x, y = problem.sample((noise_samples,), generator)
        p = torch.sigmoid(x @ w)
        grads = (p - y)[:, None] * x  # per-example gradients of the logistic loss, in closed form
        hessian = (x * (p * (1 - p))[:, None]).T @ x / noise_samples
        noise, signal = _noise_and_signal(grads)
        noises.append(noise.item())
        signals.append(signal.item())
        simple.append(gradient_noise_scale(grads).item())
        with_hessian.append(gradient_noise_scale(grads, hessian).item())
        w = w - lr * problem.gradient(w)
        losses.append(problem.loss(w).item())
    losses, simple, with_hessian = (torch.tensor(values, dtype=torch.float64) for values in (losses, simple, with_hessian))
    return losses, simple, with_hessian, sum(noises) / sum(signals)
