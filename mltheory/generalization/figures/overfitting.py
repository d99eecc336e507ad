"""Figures of the page on overfitting."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.overfitting import N_POINTS, NOISE_SD, cached_polynomial_errors, teacher
from ..overfitting import legendre_features, polynomial_fit

__all__ = ["overfitting_figure"]


@figure_function
def overfitting_figure(ridge: float = 1e-2, seed: int = 0):
    """Left: fits of several degrees to one dataset. Right: median training and test error against the degree."""
    fig, (left, right) = new_figure(1, 2, height=3.6)
    generator = torch.Generator().manual_seed(seed)
    x = 2 * torch.rand(N_POINTS, generator=generator, dtype=torch.float64) - 1
    y = teacher(x) + NOISE_SD * torch.randn(N_POINTS, generator=generator, dtype=torch.float64)
    grid = torch.linspace(-1, 1, 400, dtype=torch.float64)
    left.plot(grid, teacher(grid), color="grey", linestyle="--", label="teacher")
    for color, (degree, penalty, name) in zip(PALETTE, ((3, 0.0, "degree 3"), (11, 0.0, "degree 11 (interpolates)"),
                                                        (15, 0.0, "degree 15, minimum norm"),
                                                        (15, ridge, rf"degree 15, ridge $\lambda = {ridge:g}$"))):
        curve = legendre_features(grid, degree) @ polynomial_fit(x, y, degree, penalty)
        left.plot(grid, curve, color=color, label=name)
    left.plot(x, y, "o", color="black", markersize=4)
    left.set(xlabel="x", ylabel="y", ylim=(-2.5, 2.5), title=f"{N_POINTS} noisy points")
    left.legend(fontsize=7)
    degrees = torch.arange(16)
    for color, (penalty, name) in zip(PALETTE, ((0.0, "least squares / minimum norm"), (ridge, rf"ridge $\lambda = {ridge:g}$"))):
        train, test = cached_polynomial_errors(penalty)
        right.semilogy(degrees, test.median(0).values, "o-", color=color, markersize=3, label=f"test, {name}")
        right.semilogy(degrees, train.median(0).values.clamp_min(1e-6), "x--", color=color, markersize=4,
                       label=f"train, {name}")
    right.axhline(NOISE_SD**2, color="grey", linestyle=":", linewidth=1)
    right.axvline(N_POINTS - 1, color="grey", linestyle=":", linewidth=1)
    right.set(xlabel="degree d", ylabel="MSE, median of 50 datasets", title="train and test error")
    right.legend(fontsize=7)
    return fig
