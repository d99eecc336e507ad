"""Figures of the page on natural gradients and second-order methods."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.second_order import cg_errors, cg_rate, gaussian_fit_paths, gaussian_nll

__all__ = ["conjugate_gradient_figure", "natural_gradient_paths_figure"]


@figure_function
def natural_gradient_paths_figure(lr: float = 0.01):
    """Paths of GD and of the natural gradient, each run in (μ, σ) and in (μ, log σ), drawn in the (μ, σ) plane."""
    fig, ax = new_figure(height=4.2)
    mean, scale = torch.meshgrid(torch.linspace(-0.3, 1.7, 200, dtype=torch.float64),
                                 torch.linspace(0.6, 2.2, 200, dtype=torch.float64), indexing="ij")
    ax.contour(mean, scale, gaussian_nll(mean, scale), levels=15, colors="0.8", linewidths=0.7)
    styles = {"GD in σ": (PALETTE[0], "-"), "GD in log σ": (PALETTE[1], "-"),
              "natural gradient in σ": (PALETTE[2], "-"), "natural gradient in log σ": (PALETTE[3], "--")}
    for name, path in gaussian_fit_paths(lr).items():
        color, style = styles[name]
        ax.plot(path[:, 0], path[:, 1], style, color=color, label=name)
    ax.plot([1.5], [2.0], "ko", markersize=4)
    ax.plot([0.0], [1.0], "k*", markersize=9, label="maximum likelihood")
    ax.set(xlabel=r"mean $\mu$", ylabel=r"standard deviation $\sigma$",
           title=rf"fitting $\mathcal{{N}}(\mu, \sigma^2)$, $\epsilon = {lr:g}$, time 2")
    ax.legend(fontsize=8, loc="lower right")
    return fig


@figure_function
def conjugate_gradient_figure(kappa: float = 100.0, dimension: int = 400, steps: int = 40):
    """CG's error against its bound 2ρᵏ and against gradient descent's rate, for evenly spread eigenvalues."""
    fig, ax = new_figure(height=3.6)
    k = torch.arange(steps + 1)
    ax.semilogy(k, cg_errors(kappa, dimension, steps), "o-", markersize=3, color=PALETTE[0],
                label=r"CG: $\|e_k\|_H / \|e_0\|_H$")
    ax.semilogy(k, 2 * cg_rate(kappa) ** k, "--", color=PALETTE[1],
                label=r"bound $2\left(\frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}\right)^k$")
    ax.semilogy(k, ((kappa - 1) / (kappa + 1)) ** k, ":", color=PALETTE[2],
                label=r"gradient descent's rate $\left(\frac{\kappa - 1}{\kappa + 1}\right)^k$")
    ax.set(xlabel="step k", ylabel="relative error in the H-norm",
           title=rf"conjugate gradients, {dimension} eigenvalues evenly spread over $[1, {kappa:g}]$")
    ax.legend(fontsize=8)
    return fig
