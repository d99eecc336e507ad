"""Figures of the page on the Fisher metric."""

from __future__ import annotations

import math

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..fisher import fisher_rao_distance, jeffreys_prior
from ..measures import kl_divergence

__all__ = ["jeffreys_figure", "path_divergence_figure"]


def _coins(p: torch.Tensor) -> torch.Tensor:
    return torch.stack([p, 1 - p], dim=-1)


def coin_log_prob(theta, x):
    """:math:`\\log q_\\theta(x)` of a coin with probability ``theta[0]`` of heads (``x`` = 1)."""
    return x * torch.log(theta[0]) + (1 - x) * torch.log(1 - theta[0])


@figure_function
def path_divergence_figure(start: float = 0.02, end: float = 0.98, max_steps: int = 10_000):
    """Summing KL over n steps of a path of coins: the sum vanishes like 1/n, the sum of √(2 KL) converges."""
    steps = torch.unique(torch.logspace(0, math.log10(max_steps), 40).round().long())
    total, root_half, root = [], [], []
    for n in steps.tolist():  # one batched computation per path length
        path = _coins(torch.linspace(start, end, n + 1, dtype=torch.float64))
        divergences = kl_divergence(path[:-1], path[1:])
        total.append(divergences.sum())
        root_half.append(torch.sqrt(2 * divergences).sum())
        root.append(torch.sqrt(divergences).sum())
    length = 2 * (math.asin(math.sqrt(end)) - math.asin(math.sqrt(start)))
    fig, (left, right) = new_figure(1, 2, height=3.4)
    left.loglog(steps, torch.stack(total), "o-", markersize=3, label="sum of KL over the path")
    left.loglog(steps, float(total[-1] * steps[-1]) / steps.double(), ":", color="black", label="∝ 1/n")
    left.set(xlabel="number of steps n", ylabel="nats", title="Σₖ D(pₖ ‖ pₖ₊₁) → 0")
    left.legend()
    right.semilogx(steps, torch.stack(root_half), "o-", markersize=3, color=PALETTE[0], label=r"$\sum \sqrt{2D}$")
    right.semilogx(steps, torch.stack(root), "o-", markersize=3, color=PALETTE[1], label=r"$\sum \sqrt{D}$ (no ½)")
    right.axhline(length, color="black", linestyle=":", label=f"Fisher–Rao length {length:.4f}")
    right.axhline(length / math.sqrt(2), color=PALETTE[1], linestyle=":", linewidth=1)
    right.set(xlabel="number of steps n", ylabel="dimensionless length",
              title=f"coins from p = {start:g} to {end:g}")
    right.legend()
    return fig


@figure_function
def jeffreys_figure():
    """The Jeffreys prior of a coin from autograd Fisher information, and Fisher–Rao distance against KL."""
    from scipy.stats import beta

    p = torch.linspace(0.005, 0.995, 199, dtype=torch.float64)
    support = torch.tensor([0.0, 1.0], dtype=torch.float64)
    prior = jeffreys_prior(coin_log_prob, p.unsqueeze(-1), support=support) / math.pi
    fig, (left, right) = new_figure(1, 2, height=3.3)
    left.plot(p, prior, label=r"$\sqrt{F(p)}/\pi$ (autograd)")
    left.plot(p[::12], beta(0.5, 0.5).pdf(p[::12].numpy()), "o", markersize=4, label="Beta(1/2, 1/2)")
    left.axhline(1.0, color="black", linestyle=":", label="uniform prior")
    left.set(xlabel="probability of heads p", ylabel="prior density", title="Jeffreys prior of a coin", ylim=(0, 4))
    left.legend()
    half = _coins(torch.full_like(p, 0.5))
    right.plot(p, fisher_rao_distance(half, _coins(p)), label="Fisher–Rao distance from p = 1/2")
    right.plot(p, torch.sqrt(2 * kl_divergence(half, _coins(p))), "--", label="√(2 D(½ ‖ p))")
    right.set(xlabel="probability of heads p", ylabel="dimensionless distance", title="agree near p = 1/2 only")
    right.legend()
    return fig
