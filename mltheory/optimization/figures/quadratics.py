"""Figures of the page on gradient descent and Newton's method on quadratics."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.quadratics import cached_edge_of_stability
from ..descent import gradient_descent

__all__ = ["edge_of_stability_figure", "quadratic_descent_figure"]


@figure_function
def quadratic_descent_figure(curvature: float = 1.0, steps: int = 30):
    """The size of θ_n for gradient descent on λθ²/2 at several learning rates: monotone, oscillating, stuck, divergent."""
    fig, ax = new_figure(height=3.6)
    for color, factor in zip(PALETTE, (0.5, 1.0, 1.5, 1.95, 2.0, 2.05)):
        lr = factor / curvature
        path = gradient_descent(lambda p: 0.5 * curvature * (p**2).sum(), [1.0], lr, steps)[:, 0]
        ax.semilogy(range(steps + 1), path.abs().clamp_min(1e-16), "o-", markersize=3, color=color,
                    label=rf"$\eta\lambda = {factor:g}$")
    ax.set(xlabel="step n", ylabel=r"$|\theta_n|$", title=r"gradient descent on $\lambda\theta^2/2$")
    ax.legend(fontsize=8, ncols=2)
    return fig


@figure_function
def edge_of_stability_figure(runs=((0.5, 1000), (0.25, 1500)), n_samples: int = 256, hidden: int = 32, seed: int = 0):
    """Sharpness and training loss of full-batch GD on the digits MLP, for several learning rates."""
    fig, (left, right) = new_figure(1, 2, height=3.4)
    for color, (lr, total) in zip(PALETTE, runs):
        run = cached_edge_of_stability(lr, total, n_samples, hidden, seed)
        left.plot(run.steps, run.sharpness, "o-", markersize=2, color=color, label=rf"$\eta = {lr:g}$")
        left.axhline(2 / lr, color=color, linestyle="--", linewidth=1)
        right.semilogy(torch.arange(len(run.loss)), run.loss, color=color, linewidth=1, label=rf"$\eta = {lr:g}$")
    left.set(xlabel="step", ylabel=r"sharpness $\lambda_{\max}$", title=r"sharpness (dashed: $2/\eta$)")
    right.set(xlabel="step", ylabel="training loss (MSE)", title="loss keeps falling, not monotonically")
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    return fig
