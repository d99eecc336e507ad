"""Figures of the page on signal propagation and initialisation."""

from __future__ import annotations

import numpy as np

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.signal import DEPTH, WIDTH, second_moments
from ..mean_field import correlation_map, critical_weight_variance

__all__ = ["phase_diagram_figure", "second_moment_figure"]


@figure_function
def second_moment_figure(seeds: int = 12, seed: int = 0):
    """log2 of the second moment of the signal against the layer, for He, LeCun and Glorot (square layers)."""
    fig, ax = new_figure(width=6.0, height=3.6)
    layers = np.arange(DEPTH + 1)
    for color, (init, name) in zip(PALETTE, (("he", "He"), ("lecun", "LeCun"), ("glorot", "Glorot"))):
        logs = second_moments(init, seeds, seed).log2().numpy()
        style = "--" if init == "glorot" else "-"
        ax.plot(layers, logs.T, style, color=color, alpha=0.25, linewidth=0.8)
        ax.plot(layers, logs.mean(0), style, color=color, linewidth=2, label=f"{name}, mean of {seeds} networks")
    ax.plot(layers, -layers, ":", color="black", linewidth=1, label=r"$2^{-\ell}$")
    ax.set(xlabel=r"layer $\ell$", ylabel=r"$\log_2\langle x_\ell^2\rangle$",
           title=f"ReLU networks of width {WIDTH}")
    ax.legend(fontsize=7)
    return fig


@figure_function
def phase_diagram_figure(points: int = 16):
    """The order-to-chaos line of tanh and erf networks (left) and the tanh correlation map on either side of it (right)."""
    fig, (left, right) = new_figure(1, 2, height=3.6)
    bias = np.concatenate([[0.0], np.geomspace(1e-4, 0.3, points - 1)])  # the lines rise steeply from 0
    tanh = [critical_weight_variance("tanh", b) for b in bias]
    erf = [critical_weight_variance("erf", b) for b in bias]
    left.plot(bias, tanh, "-", color=PALETTE[0], label=r"tanh: $\chi_1 = 1$")
    left.plot(bias, erf, "--", color=PALETTE[1], label=r"erf: $\chi_1 = 1$")
    left.fill_between(bias, tanh, 4.0, color=PALETTE[0], alpha=0.08)
    left.plot([0.0], [2.0], "o", color=PALETTE[2], label=r"ReLU: $\sigma_w^2 = 2$, $\sigma_b = 0$")
    left.text(0.01, 3.7, "chaotic ($\\chi_1 > 1$)", fontsize=8)
    left.text(0.16, 0.7, "ordered ($\\chi_1 < 1$)", fontsize=8)
    left.set(xlabel=r"bias variance $\sigma_b^2$", ylabel=r"weight variance $\sigma_w^2$", ylim=(0.5, 4.0),
             title="phase diagram")
    left.legend(fontsize=7, loc="upper right")
    c = np.linspace(-1.0, 1.0, 101)
    critical = critical_weight_variance("tanh", 0.05)
    for color, (weight_var, name) in zip(PALETTE[3:], ((1.2, "ordered"), (critical, "critical"), (3.0, "chaotic"))):
        right.plot(c, correlation_map(c, "tanh", weight_var, 0.05).numpy(), color=color,
                   label=rf"{name}, $\sigma_w^2 = {weight_var:.2f}$")
    right.plot(c, c, ":", color="black", linewidth=1, label="identity")
    right.set(xlabel=r"correlation $c$ of the inputs", ylabel=r"correlation after one layer",
              title=r"tanh, $\sigma_b^2 = 0.05$")
    right.legend(fontsize=7)
    return fig
