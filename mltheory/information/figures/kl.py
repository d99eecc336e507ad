"""Figures of the page on relative entropy."""

from __future__ import annotations

import math

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..divergences import fit_gaussian_by_kl, gaussian_mixture_log_density, kl_quadrature, type_class_log_probability
from ..measures import kl_divergence

__all__ = ["kl_asymmetry_figure", "kl_counting_figure"]


@figure_function
def kl_counting_figure(max_exponent: int = 6):
    """The probability that a model q gives to the typical sequences of p decays at the rate D(p‖q)."""
    pairs = (([0.5, 0.5], [0.7, 0.3]), ([0.2, 0.8], [0.5, 0.5]), ([0.2, 0.3, 0.5], [1 / 3, 1 / 3, 1 / 3]))
    lengths = torch.unique(torch.logspace(1, max_exponent, 60, dtype=torch.float64).round())
    fig, (left, right) = new_figure(1, 2, height=3.4)
    for color, (p, q) in zip(PALETTE, pairs):
        p, q = torch.tensor(p, dtype=torch.float64), torch.tensor(q, dtype=torch.float64)
        counts = torch.round(lengths.unsqueeze(-1) * p)
        counts[:, -1] = lengths - counts[:, :-1].sum(-1)  # whole counts that add up to N
        rate = type_class_log_probability(counts, q) / lengths
        limit = -kl_divergence(p, q).item()
        label = f"p = {tuple(round(v, 2) for v in p.tolist())}, q = {tuple(round(v, 2) for v in q.tolist())}"
        left.semilogx(lengths, rate, color=color, label=label)
        left.axhline(limit, color=color, linestyle=":", linewidth=1)
        right.loglog(lengths, (rate - limit).abs(), color=color)
    left.set(xlabel="sequence length N", ylabel=r"$\frac{1}{N}\log P_q(\mathrm{type\ of\ } p)$ (nats)",
             title=r"rate of the type class (dotted: $-D(p\,\|\,q)$)")
    right.set(xlabel="sequence length N", ylabel="distance to the limit (nats)", title=r"approach: $O(\log N / N)$")
    left.legend(fontsize=7)
    return fig


@figure_function
def kl_asymmetry_figure(d: float = 3.0, resolution: int = 50):
    """Fitting a Gaussian to two bumps: forward KL covers both, reverse KL picks one."""
    x = torch.linspace(-d - 12, d + 12, 1201, dtype=torch.float64)
    log_p = gaussian_mixture_log_density(x, [-d, d], [1.0, 1.0], [0.5, 0.5])
    starts = torch.tensor([-d, 0.05, d], dtype=torch.float64)
    forward = fit_gaussian_by_kl(x, log_p, direction="forward", mean=starts[1:2], std=[1.0])
    reverse = fit_gaussian_by_kl(x, log_p, direction="reverse", mean=starts, std=torch.ones(3, dtype=torch.float64))
    means = torch.linspace(-d - 2, d + 2, resolution, dtype=torch.float64)
    stds = torch.linspace(0.4, 2 * math.sqrt(1 + d**2), resolution, dtype=torch.float64)
    grid_mean, grid_std = torch.meshgrid(means, stds, indexing="ij")
    z = (x - grid_mean.reshape(-1, 1)) / grid_std.reshape(-1, 1)
    log_q = -0.5 * z**2 - torch.log(grid_std.reshape(-1, 1)) - 0.5 * math.log(2 * math.pi)
    landscapes = {"forward": kl_quadrature(x, log_p, log_q), "reverse": kl_quadrature(x, log_q, log_p)}

    fig, axes = new_figure(1, 3, width=10.5, height=3.5)
    axes[0].plot(x, log_p.exp(), color="black", label="p: two bumps")
    fits = [(forward, 0, "min D(p‖q): covers both"), (reverse, 0, "min D(q‖p): one bump"),
            (reverse, 1, "min D(q‖p): a worse local fit")]
    for color, (fit, index, label) in zip(PALETTE, fits):
        density = torch.exp(gaussian_mixture_log_density(x, fit.mean[index:index + 1], fit.std[index:index + 1], [1.0]))
        axes[0].plot(x, density, color=color, linestyle="--" if index else "-", label=label)
    axes[0].set(xlim=(-d - 6, d + 6), xlabel="x", ylabel="density", title=f"p and the fitted Gaussians (d = {d:g})")
    axes[0].legend(fontsize=7)
    for ax, (name, values), color in zip(axes[1:], landscapes.items(), PALETTE):
        grid = values.reshape(resolution, resolution)
        mesh = ax.contourf(grid_mean, grid_std, grid.clamp(max=float(grid.min()) + 3), levels=20, cmap="viridis")
        fit = forward if name == "forward" else reverse
        ax.plot(fit.mean, fit.std, "o", color=PALETTE[1], markersize=5)
        ax.set(xlabel="mean μ of q", ylabel="standard deviation σ of q",
               title="D(p‖q) over (μ, σ)" if name == "forward" else "D(q‖p) over (μ, σ)")
        fig.colorbar(mesh, ax=ax, label="nats (capped at min + 3)")
    return fig
