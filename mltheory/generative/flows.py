r"""Exact likelihoods: normalising flows with affine coupling layers, and autoregressive models.

A flow is an invertible map between data :math:`x` and a latent :math:`z` with a simple density :math:`p_Z`
(here the standard normal). Writing :math:`g = f^{-1}` for the map from data to latent, the change of
variables gives the exact density :math:`\log p_X(x) = \log p_Z(g(x)) + \log\lvert\det \partial g/\partial x\rvert`.
An affine coupling layer (Dinh, Sohl-Dickstein and Bengio 2017) keeps the coordinates selected by a mask
and scales and shifts the others by amounts computed from the kept ones, so its Jacobian is triangular and
its log-determinant is the sum of the log-scales. An autoregressive model factorises
:math:`p(x) = \prod_k p(x_k \mid x_{<k})` and is normalised by construction.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn
from torch.nn.functional import binary_cross_entropy_with_logits

from ..data import digits
from ..networks import mlp
from ..runtime import one_thread
from ..validation import (
    SEED_LIMIT,
    as_generator,
    check_array,
    check_callable,
    check_flag,
    check_float_dtype,
    check_integer,
    check_scalar,
    check_seed,
)

__all__ = [
    "LogisticAutoregressive",
    "RealNVP",
    "affine_coupling",
    "autoregressive_nll",
    "binarised_digits",
    "bits_per_dim",
    "fit_autoregressive",
    "fit_flow",
    "flow_log_prob",
    "independent_bernoulli",
    "realnvp",
    "standard_normal_log_prob",
    "two_moons",
]

#: The centre and the scale that standardise scikit-learn's two moons (their mean and, rounded, their spread).
MOONS_CENTRE, MOONS_SCALE = (0.5, 0.25), (0.9, 0.5)


def affine_coupling(x, mask, conditioner: Callable, *, inverse: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One affine coupling layer: keep the masked coordinates, scale and shift the others.

    With :math:`m` the mask and :math:`(s, t) =` ``conditioner(m ⊙ x)``, the layer maps
    :math:`y = m \odot x + (1 - m) \odot (x \odot e^{s} + t)`. Since :math:`s` and :math:`t` depend only on the
    kept coordinates, the Jacobian is triangular (after ordering the kept coordinates first), with diagonal
    1 on the kept coordinates and :math:`e^{s_i}` on the others, so
    :math:`\log\lvert\det \partial y/\partial x\rvert = \sum_i (1 - m_i) s_i`. The inverse is exact:
    :math:`x = m \odot y + (1 - m) \odot (y - t) \odot e^{-s}`, with the same :math:`(s, t)` because
    :math:`m \odot y = m \odot x`.

    Parameters
    ----------
    x : torch.Tensor, shape (n, d)
        Inputs (``y`` when ``inverse`` is true).
    mask : torch.Tensor, shape (d,)
        1 on the coordinates that are kept, 0 on those that are transformed.
    conditioner : callable
        Maps the masked input, shape (n, d), to the log-scales ``s`` and shifts ``t``, each of shape (n, d).
    inverse : bool, default False
        Apply the inverse map.

    Returns
    -------
    y : torch.Tensor, shape (n, d)
        The output of the layer (its input, when ``inverse`` is true).
    log_det : torch.Tensor, shape (n,)
        :math:`\log\lvert\det\rvert` of the Jacobian of the map applied, per row.

    Examples
    --------
    >>> mask = torch.tensor([1.0, 0.0])
    >>> shift_and_double = lambda kept: (torch.full_like(kept, math.log(2)), kept.flip(-1))
    >>> y, log_det = affine_coupling(torch.tensor([[3.0, 1.0]]), mask, shift_and_double)
    >>> y.tolist(), round(log_det.item(), 6) == round(math.log(2), 6)
    ([[3.0, 5.0]], True)
    >>> affine_coupling(y, mask, shift_and_double, inverse=True)[0].tolist()
    [[3.0, 1.0]]
    """
    func = "affine_coupling"
    x = _rows(x, "x", func)
    mask = _binary(mask, "mask", func).to(x.dtype)
    if mask.shape != x.shape[1:]:
        raise ValueError(f"{func}: mask must be a 0/1 vector of length {x.shape[1]} (got shape {tuple(mask.shape)})")
    check_callable(conditioner, name="conditioner", func=func)
    inverse = check_flag(inverse, name="inverse", func=func)
    s, t = conditioner(mask * x)
    s, t = (1 - mask) * s, (1 - mask) * t
    if inverse:
        return mask * x + (1 - mask) * (x - t) * torch.exp(-s), -s.sum(-1)
    return mask * x + (1 - mask) * (x * torch.exp(s) + t), s.sum(-1)


def _rows(x, name: str, func: str) -> torch.Tensor:
    """``x`` as a finite floating-point tensor of shape (n, d) (a tensor keeps its dtype and its graph)."""
    x = check_array(x, name=name, func=func)
    if x.dim() != 2:
        raise ValueError(f"{func}: {name} must have shape (n, d) (got {tuple(x.shape)})")
    return x


def _binary(x, name: str, func: str) -> torch.Tensor:
    """``x`` as a float64 tensor of zeros and ones."""
    x = check_array(x, name=name, func=func)
    if not bool(((x == 0) | (x == 1)).all()):
        raise ValueError(f"{func}: {name} must hold only 0 and 1 (got the value {x[(x != 0) & (x != 1)][0].item():g})")
    return x.to(torch.float64)


class _Conditioner(nn.Module):
    """An MLP from the kept coordinates to bounded log-scales :math:`\\tanh(\\cdot)` and shifts."""

    def __init__(self, dim: int, hidden: int, seed: int, dtype: torch.dtype):
        super().__init__()
        self.net = mlp([dim, hidden, hidden, 2 * dim], activation="tanh", seed=seed, dtype=dtype)

    def forward(self, kept: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        s, t = self.net(kept).chunk(2, dim=-1)
        return torch.tanh(s), t


class RealNVP(nn.Module):
    r"""A stack of affine coupling layers with alternating masks (built by :func:`realnvp`).

    ``forward(x)`` maps data to latent, :math:`z = g(x)`, and returns :math:`(z, \log\lvert\det \partial g/
    \partial x\rvert)`; ``inverse(z)`` maps latent to data. The latent density is the standard normal.
    """

    def __init__(self, dim: int, layers: int, hidden: int, seed: int, dtype: torch.dtype):
        super().__init__()
        first = (torch.arange(dim) % 2 == 0).to(dtype)
        self.register_buffer("masks", torch.stack([first if i % 2 == 0 else 1 - first for i in range(layers)]))
        self.conditioners = nn.ModuleList(_Conditioner(dim, hidden, (seed + i) % SEED_LIMIT, dtype) for i in range(layers))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        r"""The latent points :math:`z = g(x)` and :math:`\log\lvert\det \partial g/\partial x\rvert`, per row."""
        log_det = torch.zeros(x.shape[0], dtype=x.dtype)
        for mask, conditioner in zip(self.masks, self.conditioners):
            x, layer_log_det = affine_coupling(x, mask, conditioner)
            log_det = log_det + layer_log_det
        return x, log_det

    def inverse(self, z: torch.Tensor) -> torch.Tensor:
        for mask, conditioner in zip(reversed(self.masks), reversed(self.conditioners)):
            z, _ = affine_coupling(z, mask, conditioner, inverse=True)
        return z

    def sample(self, n: int, seed=0) -> torch.Tensor:
        """``n`` samples: standard normal latents (from ``seed``) mapped to data by the inverse."""
        n = check_integer(n, name="n", func="RealNVP.sample", minimum=1)
        z = torch.randn(n, self.masks.shape[1], generator=as_generator(seed, func="RealNVP.sample"),
                        dtype=self.masks.dtype)
        with torch.no_grad():
            return self.inverse(z)


def realnvp(dim: int = 2, *, layers: int = 8, hidden: int = 32, seed: int = 0, dtype=torch.float64) -> RealNVP:
    """A RealNVP-style flow: ``layers`` affine couplings with alternating masks and tanh MLP conditioners.

    Parameters
    ----------
    dim : int, default 2
        Dimension of the data, at least 2 (a coupling needs a kept and a transformed part).
    layers : int, default 8
        Number of coupling layers; consecutive layers transform complementary coordinates.
    hidden : int, default 32
        Width of the two hidden layers of each conditioner.
    seed : int, default 0
        Seed of the initial weights (layer ``i`` uses ``seed + i``, modulo :math:`2^{64}`).
    dtype : torch.dtype, default torch.float64

    Returns
    -------
    RealNVP

    Examples
    --------
    >>> flow = realnvp(layers=4, hidden=8)
    >>> x = torch.randn(5, 2, dtype=torch.float64)
    >>> z, log_det = flow(x)
    >>> torch.allclose(flow.inverse(z), x), tuple(log_det.shape)
    (True, (5,))
    """
    func = "realnvp"
    dim = check_integer(dim, name="dim", func=func, minimum=2)
    layers = check_integer(layers, name="layers", func=func, minimum=1)
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    return RealNVP(dim, layers, hidden, seed, check_float_dtype(dtype, func=func))


def standard_normal_log_prob(z: torch.Tensor) -> torch.Tensor:
    r"""The log-density of the standard normal in :math:`d` dimensions, per row.

    :math:`\log p_Z(z) = -\tfrac12\lVert z\rVert^2 - \tfrac d2\log 2\pi`.

    Examples
    --------
    >>> round(standard_normal_log_prob(torch.zeros(1, 2)).item(), 6) == round(-math.log(2 * math.pi), 6)
    True
    """
    z = check_array(z, name="z", func="standard_normal_log_prob")
    return -0.5 * (z**2).sum(-1) - 0.5 * z.shape[-1] * math.log(2 * math.pi)


def flow_log_prob(flow: nn.Module, x) -> torch.Tensor:
    r"""The exact log-density of a flow at ``x``: :math:`\log p_Z(g(x)) + \log\lvert\det \partial g/\partial x\rvert`.

    Parameters
    ----------
    flow : torch.nn.Module
        Maps data to latent and returns ``(z, log_det)``, like :class:`RealNVP`; the latent is standard normal.
    x : array_like, shape (n, d)

    Returns
    -------
    torch.Tensor, shape (n,)

    Examples
    --------
    >>> flow = realnvp(layers=2, hidden=4)
    >>> x = torch.linspace(-6, 6, 241, dtype=torch.float64)
    >>> grid = torch.cartesian_prod(x, x)
    >>> density = flow_log_prob(flow, grid).exp().reshape(241, 241)
    >>> round(torch.trapezoid(torch.trapezoid(density, x), x).item(), 2)
    1.0
    """
    func = "flow_log_prob"
    check_callable(flow, name="flow", func=func)
    x = _rows(x, "x", func)
    dtype = next(iter(flow.buffers()), next(iter(flow.parameters()), x)).dtype
    z, log_det = flow(x.to(dtype))
    return standard_normal_log_prob(z) + log_det


def two_moons(n: int, *, noise: float = 0.1, seed: int = 0) -> torch.Tensor:
    """``n`` points of scikit-learn's two moons, centred and scaled to roughly unit spread (float64).

    Examples
    --------
    >>> x = two_moons(2000)
    >>> tuple(x.shape), bool(x.mean(0).abs().max() < 0.05)
    ((2000, 2), True)
    """
    from sklearn.datasets import make_moons

    func = "two_moons"
    n = check_integer(n, name="n", func=func, minimum=1)
    noise = check_scalar(noise, name="noise", func=func, low=0)
    points, _ = make_moons(n, noise=noise, random_state=check_seed(seed, func=func) % 2**32)
    centre, scale = (torch.tensor(v, dtype=torch.float64) for v in (MOONS_CENTRE, MOONS_SCALE))
    return (torch.as_tensor(points, dtype=torch.float64) - centre) / scale


@one_thread()
def fit_flow(flow: nn.Module, x, *, steps: int = 1000, batch: int = 256, lr: float = 5e-3,
             seed: int = 0) -> torch.Tensor:
    r"""Train a flow in place by maximum likelihood: Adam on minibatches of the mean NLL :math:`-\log p_X(x)`.

    Parameters
    ----------
    flow : torch.nn.Module
        The flow, e.g. from :func:`realnvp`.
    x : array_like, shape (n, d)
        Training data.
    steps : int, default 1000
        Adam steps (0 leaves the flow as it is).
    batch : int, default 256
        Minibatch size (drawn with replacement).
    lr : float, default 5e-3
        Adam's learning rate.
    seed : int, default 0
        Seed of the minibatches.

    Returns
    -------
    torch.Tensor, shape (steps,)
        The minibatch NLL (nats per example) at each step.

    Examples
    --------
    >>> flow, x = realnvp(layers=2, hidden=8), two_moons(500)
    >>> before = -flow_log_prob(flow, x).mean().item()
    >>> history = fit_flow(flow, x, steps=100)
    >>> -flow_log_prob(flow, x).mean().item() < before
    True
    """
    func = "fit_flow"
    check_callable(flow, name="flow", func=func)
    x = _rows(x, "x", func)
    steps = check_integer(steps, name="steps", func=func, minimum=0)
    batch = check_integer(batch, name="batch", func=func, minimum=1)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    generator = as_generator(seed, func=func)
    optimizer = torch.optim.Adam(flow.parameters(), lr=lr)
    history = torch.empty(steps, dtype=torch.float64)
    with torch.enable_grad():
        for step in range(steps):
            rows = torch.randint(len(x), (batch,), generator=generator)
            loss = -flow_log_prob(flow, x[rows]).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            history[step] = loss.item()
    return history


# --------------------------------------------------------------------------- autoregressive models


class LogisticAutoregressive(nn.Module):
    r"""A logistic autoregressive model of binary vectors (a fully visible sigmoid belief network).

    :math:`p(x_k = 1 \mid x_{<k}) = \sigma(b_k + \sum_{j<k} W_{kj} x_j)`: one logistic regression per
    coordinate on the coordinates before it, so :math:`p(x) = \prod_k p(x_k \mid x_{<k})` sums to 1 over
    :math:`\{0, 1\}^d`. With ``context=False`` the weights are fixed at 0 and the coordinates are independent.
    """

    def __init__(self, dim: int, *, context: bool = True, dtype=torch.float64):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(dim, dim, dtype=dtype), requires_grad=context)
        self.bias = nn.Parameter(torch.zeros(dim, dtype=dtype))
        self.register_buffer("mask", torch.ones(dim, dim, dtype=dtype).tril(-1) * float(context))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The logit of :math:`p(x_k = 1 \\mid x_{<k})` for every row and coordinate."""
        return x @ (self.weight * self.mask).T + self.bias

    def sample(self, n: int, seed=0) -> torch.Tensor:
        """``n`` exact samples, drawn coordinate by coordinate from :math:`p(x_k \\mid x_{<k})`."""
        n = check_integer(n, name="n", func="LogisticAutoregressive.sample", minimum=1)
        generator = as_generator(seed, func="LogisticAutoregressive.sample")
        x = torch.zeros(n, len(self.bias), dtype=self.bias.dtype)
        with torch.no_grad():
            for k in range(x.shape[1]):
                probability = torch.sigmoid(self(x)[:, k])
                x[:, k] = (torch.rand(n, generator=generator, dtype=x.dtype) < probability).to(x.dtype)
        return x


def autoregressive_nll(model: nn.Module, x) -> torch.Tensor:
    r"""The exact negative log-likelihood, in nats, of binary rows under an autoregressive model.

    :math:`-\log p(x) = -\sum_k \log p(x_k \mid x_{<k})`, each factor a Bernoulli with the model's logit.

    Parameters
    ----------
    model : torch.nn.Module
        Maps rows of shape (n, d) to the logits of :math:`p(x_k = 1 \mid x_{<k})`, like
        :class:`LogisticAutoregressive`.
    x : array_like, shape (n, d)
        Binary data (0 or 1).

    Returns
    -------
    torch.Tensor, shape (n,)

    Examples
    --------
    >>> model = LogisticAutoregressive(3)          # all logits 0: every pixel is a fair coin
    >>> nll = autoregressive_nll(model, torch.tensor([[0.0, 1.0, 1.0]]))
    >>> round(nll.item() / math.log(2), 6)         # three fair bits
    3.0
    """
    func = "autoregressive_nll"
    check_callable(model, name="model", func=func)
    x = _rows(_binary(x, "x", func), "x", func)
    logits = model(x.to(next(iter(model.parameters()), x).dtype))
    return binary_cross_entropy_with_logits(logits, x.to(logits.dtype), reduction="none").sum(-1)


def bits_per_dim(nll, dim: int) -> torch.Tensor:
    r"""Negative log-likelihoods in nats per example, as bits per dimension: :math:`\mathrm{nll} / (d \log 2)`.

    Examples
    --------
    >>> bits_per_dim(torch.tensor([64 * math.log(2)]), 64).item()
    1.0
    """
    dim = check_integer(dim, name="dim", func="bits_per_dim", minimum=1)
    return check_array(nll, name="nll", func="bits_per_dim") / (dim * math.log(2))


def binarised_digits(threshold: float = 0.5) -> torch.Tensor:
    """The 1797 scikit-learn digits as binary 8×8 images: 1 where the intensity exceeds ``threshold`` (float64).

    Examples
    --------
    >>> x = binarised_digits()
    >>> tuple(x.shape), sorted(x.unique().tolist())
    ((1797, 64), [0.0, 1.0])
    """
    threshold = check_scalar(threshold, name="threshold", func="binarised_digits", low=0, high=1)
    return (digits()[0] > threshold).to(torch.float64)


def independent_bernoulli(x, *, pseudocount: float = 1.0) -> LogisticAutoregressive:
    r"""The baseline with independent pixels: each a Bernoulli with its smoothed training frequency.

    :math:`p_k = (n_k + a)/(n + 2a)` with :math:`n_k` the number of ones in column :math:`k` and :math:`a` the
    pseudocount (Laplace's rule for :math:`a = 1`), returned as a :class:`LogisticAutoregressive` without
    context so that :func:`autoregressive_nll` scores it.

    Examples
    --------
    >>> model = independent_bernoulli(torch.tensor([[1.0, 0.0], [1.0, 1.0]]))
    >>> torch.sigmoid(model.bias).tolist()
    [0.75, 0.5]
    """
    func = "independent_bernoulli"
    x = _rows(_binary(x, "x", func), "x", func)
    pseudocount = check_scalar(pseudocount, name="pseudocount", func=func, low=0, low_open=True)
    p = (x.sum(0) + pseudocount) / (len(x) + 2 * pseudocount)
    model = LogisticAutoregressive(x.shape[1], context=False, dtype=x.dtype)
    with torch.no_grad():
        model.bias.copy_(torch.logit(p))
    return model


@one_thread()
def fit_autoregressive(x, *, context: bool = True, steps: int = 300, lr: float = 0.05,
                       weight_decay: float = 1e-3) -> LogisticAutoregressive:
    r"""Fit a :class:`LogisticAutoregressive` by maximum likelihood: full-batch Adam on the mean NLL.

    The objective is convex (one logistic regression per coordinate), so the fit starts from zero weights
    and needs no seed. ``weight_decay`` adds :math:`\tfrac\lambda2\lVert W\rVert^2` per example.

    Examples
    --------
    >>> x = binarised_digits()[:200]
    >>> model = fit_autoregressive(x, steps=50)
    >>> base = independent_bernoulli(x)
    >>> bool(autoregressive_nll(model, x).mean() < autoregressive_nll(base, x).mean())
    True
    """
    func = "fit_autoregressive"
    x = _rows(_binary(x, "x", func), "x", func)
    context = check_flag(context, name="context", func=func)
    steps = check_integer(steps, name="steps", func=func, minimum=0)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    weight_decay = check_scalar(weight_decay, name="weight_decay", func=func, low=0)
    model = LogisticAutoregressive(x.shape[1], context=context, dtype=x.dtype)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    with torch.enable_grad():
        for _ in range(steps):
            loss = autoregressive_nll(model, x).mean() + 0.5 * weight_decay * (model.weight * model.mask).square().sum()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model
