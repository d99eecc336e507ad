"""Figures of the page "Distances between distributions". Each function returns a ``matplotlib.figure.Figure``."""

from __future__ import annotations

import math

import torch

from ..data import random_distributions
from ..information import kl_divergence
from ..plotting import PALETTE, figure_function, new_figure
from .measures import f_divergence, hellinger, js_divergence, symmetrized_kl, total_variation, wasserstein_1d

__all__ = ["local_f_divergence_figure", "shift_figure", "triangle_figure"]


@figure_function
def shift_figure(points: int = 50, width: float = 1.0):
    """Divergences between a uniform distribution and its translate, as the shift grows past the width."""
    grid = torch.arange(5 * points, dtype=torch.float64) * (width / points)
    base = torch.zeros_like(grid)
    base[:points] = 1 / points
    shifts = torch.arange(0, 4 * points + 1, dtype=torch.long)
    moved = torch.stack([torch.roll(base, int(k)) for k in shifts])
    offsets = shifts.double() * (width / points)
    fig, ax = new_figure(width=6.4, height=3.8)
    kl = kl_divergence(base, moved)
    infinite = float(offsets[torch.isinf(kl)].min())
    ax.plot(offsets, wasserstein_1d(grid, grid, base, moved), color=PALETTE[1], linewidth=3, label="Wasserstein-1")
    ax.plot(offsets, js_divergence(base, moved), color=PALETTE[0], label="Jensen–Shannon")
    ax.plot(offsets, total_variation(base, moved), color=PALETTE[2], linestyle="--", label="total variation")
    ax.plot(offsets, hellinger(base, moved), color=PALETTE[4], label="Hellinger")
    ax.annotate(f"KL = ∞ for every s ≥ {infinite:g}", (0.02, 2.95), fontsize=8, color=PALETTE[3])
    ax.axhline(math.log(2), color=PALETTE[0], linewidth=0.8, linestyle=":")
    ax.axvline(width, color="black", linewidth=0.8, linestyle="--")
    ax.annotate("supports become disjoint", (width, 2.6), xytext=(width + 0.15, 2.7), fontsize=8)
    ax.set(xlabel="shift s (in widths of the uniform distribution)", ylabel="divergence (nats) or distance",
           ylim=(0, 3.2), title="uniform distribution against its translate by s")
    ax.legend(fontsize=8, loc="center right")
    return fig


@figure_function
def triangle_figure(triples: int = 10_000, seed: int = 0, outcomes: int = 4):
    """The slack of the triangle inequality on random triples: never negative for √JSD, often for symmetrised KL."""
    p, q, r = random_distributions(3 * triples, outcomes, seed=seed).reshape(3, triples, outcomes)
    fig, (left, right) = new_figure(1, 2, height=3.3)
    root = [js_divergence(a, b).clamp_min(0).sqrt() for a, b in ((p, q), (q, r), (p, r))]
    jeffreys = [symmetrized_kl(a, b) for a, b in ((p, q), (q, r), (p, r))]
    for ax, (first, second, third), name, color in ((left, root, "√JSD", PALETTE[0]),
                                                    (right, jeffreys, "symmetrised KL", PALETTE[1])):
        slack = (first + second - third) / (first + second).clamp_min(1e-300)
        ax.hist(slack, bins=60, range=(-1, 1), color=color, alpha=0.8)
        ax.axvline(0, color="black", linewidth=0.8)
        broken = float((slack < 0).double().mean())
        ax.set(xlabel="(d(p,q) + d(q,r) − d(p,r)) / (d(p,q) + d(q,r))", ylabel="triples",
               title=f"{name}: {100 * broken:.1f}% of triples violate it")
    return fig


@figure_function
def local_f_divergence_figure(theta: float = 0.3):
    """f-divergences between Bernoulli(θ) and Bernoulli(θ + ε), divided by ε², approaching f''(1) F(θ)/2."""
    eps = torch.logspace(-3, math.log10(0.6), 60, dtype=torch.float64)
    p = torch.stack([torch.full_like(eps, theta), 1 - torch.full_like(eps, theta)], dim=-1)
    q = torch.stack([theta + eps, 1 - theta - eps], dim=-1)
    fisher = 1 / (theta * (1 - theta))
    fig, ax = new_figure(width=6.0, height=3.6)
    curvature = {"kl": 1.0, "squared_hellinger": 0.25, "jensen_shannon": 0.25, "chi_squared": 2.0}
    for color, (name, value) in zip(PALETTE, curvature.items()):
        ax.semilogx(eps, f_divergence(p, q, name) / eps**2, color=color, label=f"{name.replace('_', ' ')}")
        ax.axhline(value * fisher / 2, color=color, linewidth=0.8, linestyle=":")
    ax.set(xlabel=r"step $\varepsilon$", ylabel=r"$D_f(p_\theta \,\|\, p_{\theta+\varepsilon}) / \varepsilon^2$",
           title=f"Bernoulli family at θ = {theta:g}; dotted: f''(1) F(θ)/2", ylim=(0, None))
    ax.legend()
    return fig
