"""The edge of stability: full-batch gradient descent on a small network, with its sharpness tracked."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..runtime import one_thread
from ..validation import as_generator, check_integer, check_scalar
from .curvature import sharpness

__all__ = ["EdgeOfStabilityRun", "digits_mlp_loss", "edge_of_stability"]


def digits_mlp_loss(n_samples: int = 256, hidden: int = 32, seed=0):
    r"""The mean squared error of a one-hidden-layer tanh MLP on a subset of the digits, as a function of a flat parameter vector.

    The inputs are the first ``n_samples`` digits of a seeded permutation,
    scaled to [0, 1]; the targets are one-hot vectors; the network is
    :math:`64 \to` ``hidden`` :math:`\to 10` with biases, and the loss is
    :math:`\frac{1}{2N}\sum_i \lVert f(x_i) - y_i\rVert^2`.

    Parameters
    ----------
    n_samples : int, default 256
        Between 1 and 1797.
    hidden : int, default 32
    seed : int or torch.Generator, default 0
        Seeds the subset and the initial parameters (PyTorch's default
        :math:`\mathcal U(\pm 1/\sqrt{\text{fan-in}})`).

    Returns
    -------
    (callable, torch.Tensor)
        The loss, mapping a parameter vector to a scalar, and the initial parameters (float64).

    Examples
    --------
    >>> loss, theta = digits_mlp_loss(n_samples=10, hidden=4)
    >>> theta.shape, loss(theta).item() > 0
    (torch.Size([310]), True)
    """
    func = "digits_mlp_loss"
    n_samples, hidden = _check_network(n_samples, hidden, func)
    return _digits_mlp(n_samples, hidden, as_generator(seed, func=func))


def _check_network(n_samples, hidden, func: str) -> tuple[int, int]:
    n_samples = check_integer(n_samples, name="n_samples", func=func, minimum=1)
    if n_samples > 1797:
        raise ValueError(f"{func}: n_samples must be at most 1797, the size of the digits (got {n_samples})")
    return n_samples, check_integer(hidden, name="hidden", func=func, minimum=1)


def _digits_mlp(n_samples: int, hidden: int, generator: torch.Generator):
    from ..data import digits

    x, y = digits()
    order = torch.randperm(len(y), generator=generator)[:n_samples]
    inputs, targets = x[order] / 16, torch.nn.functional.one_hot(y[order], 10).to(torch.float64)
    shapes = [(hidden, 64), (hidden,), (10, hidden), (10,)]
    bounds = [64**-0.5, 64**-0.5, hidden**-0.5, hidden**-0.5]
    theta = torch.cat([(2 * torch.rand(s, generator=generator, dtype=torch.float64) - 1).flatten() * b
                       for s, b in zip(shapes, bounds)])
    sizes = [torch.Size(s).numel() for s in shapes]

    def loss(params):
        W1, b1, W2, b2 = (p.reshape(s) for p, s in zip(torch.split(params, sizes), shapes))
        out = torch.tanh(inputs @ W1.T + b1) @ W2.T + b2
        return 0.5 * ((out - targets) ** 2).sum(-1).mean()

    return loss, theta


@dataclass(frozen=True)
class EdgeOfStabilityRun:
    """The record of :func:`edge_of_stability`.

    Attributes
    ----------
    lr : float
        The learning rate :math:`\\eta`.
    steps : torch.Tensor
        The steps at which the sharpness was measured.
    sharpness : torch.Tensor
        :math:`\\lambda_{\\max}` of the Hessian at those steps.
    loss : torch.Tensor
        The training loss at every step (``len = total steps + 1``).
    """

    lr: float
    steps: torch.Tensor
    sharpness: torch.Tensor
    loss: torch.Tensor


@one_thread()
def edge_of_stability(lr=0.5, total_steps: int = 1500, every: int = 25, n_samples: int = 256, hidden: int = 32,
                      seed=0) -> EdgeOfStabilityRun:
    r"""Train :func:`digits_mlp_loss` by full-batch gradient descent and record the sharpness.

    Cohen et al. (2021) observed that the sharpness first rises (progressive
    sharpening) until it reaches :math:`2/\eta`, the largest curvature that
    gradient descent tolerates on a quadratic, and then hovers there while the
    loss keeps falling, non-monotonically.

    Parameters
    ----------
    lr : float, default 0.5
    total_steps : int, default 1500
    every : int, default 25
        Measure the sharpness every ``every`` steps (by 20 warm-started power iterations).
    n_samples, hidden : int
        As for :func:`digits_mlp_loss`.
    seed : int or torch.Generator, default 0

    Returns
    -------
    EdgeOfStabilityRun

    Examples
    --------
    >>> run = edge_of_stability(lr=0.5, total_steps=20, every=10, n_samples=32, hidden=8)
    >>> run.steps.tolist(), run.loss.shape
    ([0, 10, 20], torch.Size([21]))
    """
    func = "edge_of_stability"
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    total_steps = check_integer(total_steps, name="total_steps", func=func, minimum=1)
    every = check_integer(every, name="every", func=func, minimum=1)
    n_samples, hidden = _check_network(n_samples, hidden, func)
    generator = as_generator(seed, func=func)
    loss, theta = _digits_mlp(n_samples, hidden, generator)
    measured, sharp, losses = [], [], []
    vector = None
    for step in range(total_steps + 1):
        if step % every == 0:
            top, vector = sharpness(loss, theta, iterations=20 if vector is not None else 100, seed=generator,
                                    start=vector)
            measured.append(step)
            sharp.append(top)
        theta.requires_grad_(True)
        value = loss(theta)
        (gradient,) = torch.autograd.grad(value, theta)
        theta = theta.detach()
        losses.append(value.detach().item())
        if step < total_steps:
            theta = theta - lr * gradient
    return EdgeOfStabilityRun(lr, torch.tensor(measured), torch.tensor(sharp, dtype=torch.float64),
                              torch.tensor(losses, dtype=torch.float64))
