"""Figures of the page on derivatives by machine."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..derivatives import finite_difference

__all__ = ["finite_difference_error_figure"]


@figure_function
def finite_difference_error_figure(constant: float = 1e10, x0: float = 10 / 9):
    """The V-shaped error of finite differences of ``constant + x²``: rounding ∝ 1/ε on the left, truncation ε on the right."""
    steps = torch.logspace(-9, 1, 300, dtype=torch.float64)
    x = torch.full_like(steps, x0)
    exact = 2 * x0
    unit = torch.finfo(torch.float64).eps / 2
    fig, ax = new_figure(height=3.8)
    for color, kind in zip(PALETTE, ("forward", "central")):
        error = (finite_difference(lambda t: constant + t**2, x, steps, kind=kind) - exact).abs()
        ax.loglog(steps, error.clamp_min(1e-17), ".", markersize=3, color=color, label=f"{kind} difference")
    ax.loglog(steps, steps, "--", color="gray", label=r"truncation $\epsilon f''/2$ (forward)")
    ax.loglog(steps, 2 * unit * constant / steps, ":", color="black", label=r"rounding $2u|f|/\epsilon$")
    best = 2 * (unit * constant / 2) ** 0.5
    ax.axvline(best, color=PALETTE[2], linewidth=1, label=r"best step $2\sqrt{u|f|/|f''|}$")
    ax.set(xlabel=r"step $\epsilon$", ylabel=r"error $|D_\epsilon f - f'(x)|$", ylim=(1e-8, 1e3),
           title=r"$f(x) = 10^{10} + x^2$ at $x = 10/9$ in float64")
    ax.legend(fontsize=8)
    return fig
