"""Randomness inside networks: the reparametrisation trick, Gumbel-max and Gumbel-softmax, gradient estimators, dropout.

Every function takes its randomness from a ``seed`` (an integer or a
``torch.Generator``) and draws all samples in one vectorised call.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np
import torch
from torch.func import grad, vmap

from ..validation import (
    as_float_tensor,
    as_generator,
    broadcast_arguments,
    check_array,
    check_callable,
    check_finite,
    check_flag,
    check_float_dtype,
    check_integer,
    check_scalar,
)

__all__ = [
    "binary_gumbel_softmax_mean",
    "dropout",
    "gumbel_max_sample",
    "gumbel_noise",
    "gumbel_softmax",
    "reparam_grad",
    "score_function_grad",
    "sparse_reward_gradients",
]


def _sample_shape(sample_shape, *, func: str, name: str = "sample_shape") -> tuple[int, ...]:
    if isinstance(sample_shape, numbers.Integral):
        shape = (sample_shape,)
    elif isinstance(sample_shape, (tuple, list, torch.Size)):
        shape = tuple(sample_shape)
    else:
        raise TypeError(f"{func}: {name} must be an integer or a tuple of integers (got {type(sample_shape).__name__})")
    return tuple(check_integer(s, name=name, func=func, minimum=0) for s in shape)


def _logits(logits, *, func: str) -> torch.Tensor:
    logits = check_finite(as_float_tensor(logits, name="logits", func=func), name="logits", func=func)
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(f"{func}: logits must have at least one class along the last dim (got shape {tuple(logits.shape)})")
    return logits


def gumbel_noise(shape, *, seed, dtype=torch.float64, device=None) -> torch.Tensor:
    r"""Standard Gumbel noise, :math:`z = -\log(-\log u)` with :math:`u` uniform on (0, 1).

    Its density is :math:`g(z) = e^{-z - e^{-z}}` and its distribution function
    :math:`G(z) = e^{-e^{-z}}`; its mean is Euler's constant :math:`\gamma`.

    Examples
    --------
    >>> z = gumbel_noise((200_000,), seed=0)
    >>> abs(float(z.mean()) - 0.5772) < 0.01
    True
    """
    shape = _sample_shape(shape, func="gumbel_noise", name="shape")
    dtype = check_float_dtype(dtype, func="gumbel_noise")
    generator = as_generator(seed, func="gumbel_noise", device=device)
    u = torch.rand(shape, generator=generator, dtype=dtype, device=generator.device)
    tiny = torch.finfo(dtype).tiny
    return -torch.log(-torch.log(u.clamp(tiny, 1 - torch.finfo(dtype).eps / 2)))


def gumbel_max_sample(logits, *, seed, sample_shape=()) -> torch.Tensor:
    r"""Sample classes with probabilities :math:`\mathrm{softmax}(x)` by :math:`\arg\max_i (x_i + z_i)`, :math:`z_i` Gumbel.

    No probability is ever computed: adding independent standard Gumbel noise
    to the logits and taking the largest is an exact sampler of the softmax
    distribution (the Gumbel-max theorem).

    Parameters
    ----------
    logits : array_like, shape (..., n)
        Unnormalised log-probabilities :math:`x`.
    seed : int or torch.Generator
    sample_shape : int or tuple of int, default ()
        Independent samples drawn for every row of ``logits``.

    Returns
    -------
    torch.Tensor of int64, shape sample_shape + logits.shape[:-1]

    Examples
    --------
    >>> draws = gumbel_max_sample([0.0, 0.0, math.log(2.0)], seed=0, sample_shape=100_000)
    >>> torch.bincount(draws) / 100_000  # close to (1/4, 1/4, 1/2)
    tensor([0.2518, 0.2490, 0.4992])
    """
    func = "gumbel_max_sample"
    logits = _logits(logits, func=func)
    shape = _sample_shape(sample_shape, func=func) + tuple(logits.shape)
    generator = as_generator(seed, func=func, device=logits.device)
    noise = gumbel_noise(shape, seed=generator, dtype=logits.dtype, device=logits.device)
    return (logits + noise).argmax(dim=-1)


def gumbel_softmax(logits, beta=1.0, *, seed, sample_shape=(), hard=False) -> torch.Tensor:
    r"""The Gumbel-softmax (Concrete) relaxation of a categorical sample: :math:`\mathrm{softmax}(\beta(x + z))`.

    As :math:`\beta \to \infty` the output tends to the one-hot vector of the
    Gumbel-max sample; at finite :math:`\beta` it is a smooth function of the
    logits :math:`x`, so gradients flow through it, but its mean is not
    :math:`\mathrm{softmax}(x)` in general: the relaxation is biased.

    Parameters
    ----------
    logits : array_like, shape (..., n)
    beta : float or array_like, default 1.0
        Inverse temperature :math:`\beta > 0`, broadcastable to ``logits[..., 0]``.
    seed : int or torch.Generator
    sample_shape : int or tuple of int, default ()
    hard : bool, default False
        If true, return the one-hot argmax in the forward pass while keeping
        the gradient of the soft sample (the straight-through estimator).

    Returns
    -------
    torch.Tensor, shape sample_shape + logits.shape
        Points of the probability simplex; differentiable in ``logits``.

    Examples
    --------
    >>> y = gumbel_softmax([1.0, 0.0, -1.0], beta=100.0, seed=0, sample_shape=4)
    >>> y.sum(-1), y.max(-1).values > 0.99  # sums to 1, nearly one-hot
    (tensor([1., 1., 1., 1.], dtype=torch.float64), tensor([True, True, True, True]))
    """
    func = "gumbel_softmax"
    logits = _logits(logits, func=func)
    beta = check_array(beta, name="beta", func=func, positive=True).to(logits)
    hard = check_flag(hard, name="hard", func=func)
    shape = _sample_shape(sample_shape, func=func) + tuple(logits.shape)
    try:
        torch.broadcast_shapes(beta.unsqueeze(-1).shape, shape)
    except RuntimeError:
        raise ValueError(f"{func}: beta must broadcast with the samples' batch shape {shape[:-1]} "
                         f"(got shape {tuple(beta.shape)})") from None
    generator = as_generator(seed, func=func, device=logits.device)
    noise = gumbel_noise(shape, seed=generator, dtype=logits.dtype, device=logits.device)
    soft = torch.softmax(beta.unsqueeze(-1) * (logits + noise), dim=-1)
    if not hard:
        return soft
    one_hot = torch.nn.functional.one_hot(soft.argmax(dim=-1), logits.shape[-1]).to(soft)
    return one_hot + (soft - soft.detach())  # exactly one-hot forward, the soft gradient backward


def binary_gumbel_softmax_mean(logit_difference, beta) -> torch.Tensor:
    r"""Exact mean of the first coordinate of :func:`gumbel_softmax` for two classes.

    With logits :math:`(d, 0)` the first coordinate is
    :math:`\sigma(\beta(d + L))`, where :math:`L = z_1 - z_2` is the difference
    of two independent Gumbel variables, which has the logistic density
    :math:`\rho(l) = \sigma(l)\,\sigma(-l)`. Hence

    .. math:: E[f_1] = \int_{-\infty}^{\infty} \sigma(\beta(d + l))\, \rho(l)\, dl,

    which tends to :math:`P(d + L > 0) = \sigma(d)`, the softmax probability,
    only as :math:`\beta \to \infty`. The integral is computed with composite
    64-point Gauss–Legendre rules on :math:`[-40, 40]`, refined near the kink
    at :math:`l = -d` (error below :math:`10^{-10}`).

    Parameters
    ----------
    logit_difference : array_like
        :math:`d = x_1 - x_2`, finite, :math:`|d| \le 20`.
    beta : array_like
        Inverse temperature :math:`\beta > 0`; broadcasts with ``logit_difference``.

    Returns
    -------
    torch.Tensor

    Examples
    --------
    >>> binary_gumbel_softmax_mean(1.0, [1.0, 1e4]), torch.sigmoid(torch.tensor(1.0))
    (tensor([0.6613, 0.7311], dtype=torch.float64), tensor(0.7311))
    """
    func = "binary_gumbel_softmax_mean"
    d = check_array(logit_difference, name="logit_difference", func=func)
    if (d.abs() > 20).any():
        raise ValueError(f"{func}: logit_difference must lie in [-20, 20] (got {d.abs().max().item():.10g})")
    beta = check_array(beta, name="beta", func=func, positive=True).to(d)
    d, beta = broadcast_arguments(dict(logit_difference=d, beta=beta), func=func)
    d, beta = torch.broadcast_tensors(d, beta)
    points, weights = (torch.as_tensor(a, dtype=d.dtype, device=d.device) for a in np.polynomial.legendre.leggauss(64))
    # Offsets t = l + d from the kink, on both sides; breakpoints at multiples of 1/beta and beyond.
    scale = (1 / beta).unsqueeze(-1)
    edges = torch.cat([torch.zeros_like(scale), scale, 10 * scale, torch.ones_like(scale), 10 * torch.ones_like(scale),
                       60 * torch.ones_like(scale)], dim=-1).sort(dim=-1).values
    left, right = edges[..., :-1, None], edges[..., 1:, None]
    t = (left + right) / 2 + (right - left) / 2 * points
    w = (right - left) / 2 * weights
    b, dd = beta[..., None, None], d[..., None, None]

    def logistic_density(l):
        return torch.sigmoid(l) * torch.sigmoid(-l)

    integrand = torch.sigmoid(b * t) * logistic_density(t - dd) + torch.sigmoid(-b * t) * logistic_density(-t - dd)
    return (w * integrand).sum(dim=(-2, -1))


def _gaussian_parameters(mean, sd, *, func: str):
    mean = check_array(mean, name="mean", func=func)
    sd = check_array(sd, name="sd", func=func, positive=True).to(mean)
    return broadcast_arguments(dict(mean=mean, sd=sd), func=func)


def reparam_grad(f: Callable, mean, sd, *, n_samples, seed) -> torch.Tensor:
    r"""Per-sample reparametrisation estimates of :math:`\nabla_{(\mu, \sigma)} E_{x \sim \mathcal N(\mu, \sigma^2)}[f(x)]`.

    With :math:`x = \mu + \sigma\epsilon` and :math:`\epsilon \sim \mathcal N(0, 1)`,
    :math:`\partial_\mu f(x) = f'(x)` and :math:`\partial_\sigma f(x) = f'(x)\,\epsilon`;
    both are unbiased for the gradient of the expectation. The derivative
    :math:`f'` is taken by autograd, through the sample.

    Parameters
    ----------
    f : callable
        Elementwise, differentiable function of a tensor.
    mean, sd : array_like
        :math:`\mu` and :math:`\sigma > 0`, broadcast together (batch shape ``B``).
    n_samples : int
    seed : int or torch.Generator

    Returns
    -------
    torch.Tensor, shape (n_samples, *B, 2)
        The estimates of :math:`\partial_\mu` and :math:`\partial_\sigma` in the last dimension.

    Examples
    --------
    >>> g = reparam_grad(lambda x: x**2, 1.0, 2.0, n_samples=100_000, seed=0)
    >>> g.mean(0)  # d/dmu E[x^2] = 2 mu = 2, d/dsigma = 2 sigma = 4
    tensor([1.9981, 4.0337], dtype=torch.float64)
    """
    func = "reparam_grad"
    check_callable(f, name="f", func=func)
    mean, sd = _gaussian_parameters(mean, sd, func=func)
    n_samples = check_integer(n_samples, name="n_samples", func=func, minimum=1)
    generator = as_generator(seed, func=func, device=mean.device)
    eps = torch.randn((n_samples, *mean.shape), generator=generator, dtype=mean.dtype, device=mean.device)
    x = (mean + sd * eps).detach().requires_grad_(True)
    with torch.enable_grad():
        (slope,) = torch.autograd.grad(f(x).sum(), x)  # f is elementwise: entry k is f'(x_k)
    return torch.stack([slope, slope * eps], dim=-1)


def score_function_grad(f: Callable, mean, sd, *, n_samples, seed, baseline=0.0) -> torch.Tensor:
    r"""Per-sample score-function (REINFORCE) estimates of :math:`\nabla_{(\mu, \sigma)} E_{x \sim \mathcal N(\mu, \sigma^2)}[f(x)]`.

    Uses :math:`\nabla E[f(x)] = E[(f(x) - b)\, \nabla \log p(x; \mu, \sigma)]`,
    which needs only values of :math:`f`, not its derivative; any constant
    baseline :math:`b` leaves it unbiased because the score has mean zero.
    The per-sample scores are computed with ``torch.func.vmap`` of
    ``torch.func.grad`` of the log-density.

    Parameters
    ----------
    f : callable
        Elementwise function of a tensor (need not be differentiable).
    mean, sd : array_like
        :math:`\mu` and :math:`\sigma > 0`, broadcast together (batch shape ``B``).
    n_samples : int
    seed : int or torch.Generator
    baseline : float, default 0.0

    Returns
    -------
    torch.Tensor, shape (n_samples, *B, 2)

    Examples
    --------
    >>> g = score_function_grad(lambda x: x**2, 1.0, 2.0, n_samples=400_000, seed=0)
    >>> g.mean(0)  # unbiased for (2, 4), with far more noise than reparam_grad
    tensor([1.9817, 3.9719], dtype=torch.float64)
    """
    func = "score_function_grad"
    check_callable(f, name="f", func=func)
    baseline = check_array(baseline, name="baseline", func=func)
    mean, sd = _gaussian_parameters(mean, sd, func=func)
    n_samples = check_integer(n_samples, name="n_samples", func=func, minimum=1)
    generator = as_generator(seed, func=func, device=mean.device)
    eps = torch.randn((n_samples, *mean.shape), generator=generator, dtype=mean.dtype, device=mean.device)
    x = (mean + sd * eps).detach()

    def log_density(parameters, point):
        mu, sigma = parameters[0], parameters[1]
        return -((point - mu) ** 2) / (2 * sigma**2) - torch.log(sigma) - 0.5 * math.log(2 * math.pi)

    score = vmap(grad(log_density))  # per-sample gradient with respect to (mu, sigma)
    parameters = torch.stack([mean, sd], dim=-1).reshape(-1, 2).detach()
    scores = vmap(lambda point: score(parameters, point))(x.reshape(n_samples, -1))
    weights = (f(x) - baseline).reshape(n_samples, -1, 1)
    return (weights * scores).reshape(n_samples, *mean.shape, 2)


def dropout(x, p, *, seed, train=True) -> torch.Tensor:
    r"""Inverted dropout: zero each entry with probability :math:`p` and scale the survivors by :math:`1/(1-p)`.

    With a mask :math:`m \sim \mathrm{Bernoulli}(1 - p)`,
    :math:`E[m x / (1 - p)] = x`, so the expected activation is unchanged in
    training and nothing is rescaled at test time (``train=False`` returns
    ``x``). Without the :math:`1/(1-p)` factor, the equivalent test-time rule
    multiplies every activation by the keep probability :math:`1 - p`.

    Parameters
    ----------
    x : array_like
    p : float
        Drop probability, in :math:`[0, 1)`.
    seed : int or torch.Generator
    train : bool, default True

    Returns
    -------
    torch.Tensor, shape of ``x``

    Examples
    --------
    >>> y = dropout(torch.ones(100_000, dtype=torch.float64), 0.25, seed=0)
    >>> float((y == 0).double().mean()), float(y.mean())  # about 1/4 dropped, mean about 1
    (0.2508, 0.9989333333333331)
    """
    func = "dropout"
    x = check_array(x, name="x", func=func)
    p = check_scalar(p, name="p", func=func, low=0, high=1, high_open=True)
    train = check_flag(train, name="train", func=func)
    generator = as_generator(seed, func=func, device=x.device)
    if not train:
        return x
    keep = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device) >= p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))


def sparse_reward_gradients(actions: int, horizon: int, episodes: int, *, batches: int = 1,
                            seed=0) -> torch.Tensor:
    r"""Score-function estimates of a policy gradient when only one action sequence earns a reward.

    The policy plays ``horizon`` steps, choosing each of ``actions`` actions
    with probability :math:`\operatorname{softmax}(\theta_t)`, here at
    :math:`\theta = 0` (uniform, the usual start of training). The reward is 1
    for the single sequence that plays action 0 at every step and 0 otherwise.
    From ``episodes`` episodes the estimate is

    .. math::

        \hat g = \frac1N \sum_{n=1}^N R(a^{(n)}) \, \nabla_\theta \log \pi_\theta(a^{(n)}),
        \qquad \nabla_{\theta_t} \log \pi_\theta(a) = e_{a_t} - \operatorname{softmax}(\theta_t),

    which is exactly zero unless some episode was rewarded, an event of
    probability :math:`1 - (1 - k^{-T})^N` for :math:`k` actions and horizon
    :math:`T`.

    Parameters
    ----------
    actions : int
        :math:`k`, at least 2.
    horizon : int
        :math:`T`, at least 1.
    episodes : int
        :math:`N`, episodes per estimate.
    batches : int, default 1
        Independent estimates.
    seed : int or torch.Generator, default 0

    Returns
    -------
    torch.Tensor, shape (batches, horizon, actions)
        The estimates :math:`\hat g`, float64.

    Examples
    --------
    >>> g = sparse_reward_gradients(2, 1, 100, batches=3)
    >>> g.shape, bool((g != 0).any(dim=(1, 2)).all())
    (torch.Size([3, 1, 2]), True)
    """
    func = "sparse_reward_gradients"
    actions = check_integer(actions, name="actions", func=func, minimum=2)
    horizon = check_integer(horizon, name="horizon", func=func, minimum=1)
    episodes = check_integer(episodes, name="episodes", func=func, minimum=1)
    batches = check_integer(batches, name="batches", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    played = torch.randint(0, actions, (batches, episodes, horizon), generator=generator)
    reward = (played == 0).all(-1).double()
    score = torch.nn.functional.one_hot(played, actions).double() - 1.0 / actions
    return (reward[..., None, None] * score).mean(1)
