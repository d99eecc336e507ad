"""Figures of the page on maximum entropy."""

from __future__ import annotations

import math

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..maxent import maxent_distribution

__all__ = ["equal_variance_figure", "jaynes_die_figure"]


@figure_function
def jaynes_die_figure(means=(2.5, 3.5, 4.5, 5.5)):
    """Maximum-entropy distributions of a die with a prescribed mean, and the multiplier against the mean."""
    faces = torch.arange(1.0, 7.0, dtype=torch.float64)
    shown = maxent_distribution(faces, torch.tensor(means, dtype=torch.float64)).probabilities
    sweep = torch.linspace(1.05, 5.95, 99, dtype=torch.float64)
    multipliers = maxent_distribution(faces, sweep).multipliers
    fig, (left, right) = new_figure(1, 2, height=3.3)
    width = 0.8 / len(means)
    for index, (mean, probabilities) in enumerate(zip(means, shown)):
        left.bar((faces + (index - (len(means) - 1) / 2) * width).numpy(), probabilities.numpy(), width=width,
                 label=f"mean {mean:g}")
    left.set(xlabel="face", ylabel="probability", title="max-ent die for a given mean")
    left.legend()
    right.plot(sweep, multipliers)
    right.plot(means, maxent_distribution(faces, torch.tensor(means, dtype=torch.float64)).multipliers, "o",
               color=PALETTE[1])
    right.axhline(0, color="black", linewidth=0.8)
    right.set(xlabel="prescribed mean face", ylabel=r"multiplier $\lambda$  ($p_k \propto e^{\lambda k}$)",
              title="λ = 0 at the fair mean 3.5")
    return fig


@figure_function
def equal_variance_figure(sigma: float = 1.0):
    """Uniform, Laplace and normal densities with the same variance, and their differential entropies."""
    x = torch.linspace(-4 * sigma, 4 * sigma, 801, dtype=torch.float64)
    half_width, scale = math.sqrt(3) * sigma, sigma / math.sqrt(2)
    densities = {
        f"uniform: h = log(2√3σ) = {math.log(2 * half_width):.3f}": (x.abs() <= half_width) / (2 * half_width),
        f"Laplace: h = 1 + log(√2σ) = {1 + math.log(2 * scale):.3f}": torch.exp(-x.abs() / scale) / (2 * scale),
        f"normal: h = ½ log(2πeσ²) = {0.5 * math.log(2 * math.pi * math.e * sigma**2):.3f}":
            torch.exp(-x**2 / (2 * sigma**2)) / math.sqrt(2 * math.pi * sigma**2),
    }
    fig, ax = new_figure(width=6.0, height=3.2)
    for label, density in densities.items():
        ax.plot(x, density, label=label)
    ax.set(xlabel=f"x (σ = {sigma:g})", ylabel="density", title="equal variance: the normal has the most entropy (nats)")
    ax.legend(fontsize=8)
    return fig
