"""Figures of the page on sharpness."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.sharpness import hessian_blocks, rescaled_sharpness

__all__ = ["sharpness_figure"]


@figure_function
def sharpness_figure(octaves: int = 4):
    """The sharpness of the rescaled network against the factor α, on log-log axes, with its two asymptotes, the
    upper bound max(α², α⁻²) λ_max(H), and the constant that invariance would predict."""
    fig, ax = new_figure(height=3.6)
    blocks = hessian_blocks()
    alphas = 2.0 ** torch.arange(-octaves, octaves + 1, dtype=torch.float64)
    measured = [rescaled_sharpness(float(a), iterations=100)[0] for a in alphas]
    fine = 2.0 ** torch.linspace(-octaves, octaves, 200, dtype=torch.float64)
    ax.loglog(fine, torch.maximum(fine**2, fine**-2) * blocks["top"], ":", color="grey",
              label=r"upper bound $\max(\alpha^2, \alpha^{-2})\,\lambda_{\max}(H)$")
    ax.loglog(fine[fine >= 1], fine[fine >= 1] ** 2 * blocks["top 22"], "--", color=PALETTE[1],
              label=r"$\alpha^2 \lambda_{\max}(H_{22})$")
    ax.loglog(fine[fine <= 1], fine[fine <= 1] ** -2 * blocks["top 11"], "--", color=PALETTE[2],
              label=r"$\alpha^{-2} \lambda_{\max}(H_{11})$")
    ax.axhline(blocks["top"], color=PALETTE[3], linewidth=1, label=r"invariance (wrong): $\lambda_{\max}(H)$")
    ax.loglog(alphas, measured, "o", color=PALETTE[0], markersize=5,
              label="measured (power iteration)")
    ax.set(xlabel=r"rescaling factor $\alpha$", ylabel=r"top Hessian eigenvalue $\lambda_{\max}(H_\alpha)$",
           title="the same function, any sharpness")
    ax.legend(fontsize=7, loc="upper center")
    return fig
