"""Figures of the page on random matrices."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.random_matrices import exact_overfitting_mean
from ..random_matrices import gram_eigenvalues, marchenko_pastur_edges, marchenko_pastur_pdf, overfitting_term

__all__ = ["marchenko_pastur_figure", "overfitting_term_figure"]


@figure_function
def marchenko_pastur_figure(P: int = 400, ratios=(0.5, 1.0, 2.0), samples: int = 10, seed: int = 0):
    """Histograms of the nonzero eigenvalues of XᵀX against the continuous Marchenko–Pastur density, for several r."""
    fig, axes = new_figure(1, len(ratios), height=3.2)
    for index, (ax, r) in enumerate(zip(axes, ratios)):
        eigenvalues = gram_eigenvalues(P, round(r * P), seed=seed + index, samples=samples).flatten()
        zero_fraction = (eigenvalues == 0).double().mean().item()
        low, high = marchenko_pastur_edges(r)
        # the histogram of the nonzero eigenvalues, scaled to their share of all P eigenvalues
        weights = torch.full_like(eigenvalues[eigenvalues > 0], 1 / eigenvalues.numel())
        ax.hist(eigenvalues[eigenvalues > 0], bins=40, weights=weights * 40 / (high - low), color=PALETTE[0],
                alpha=0.5, label="eigenvalues")
        grid = torch.linspace(low, high, 400, dtype=torch.float64)[1:-1]
        ax.plot(grid, marchenko_pastur_pdf(grid, r), color=PALETTE[1], label="density (6.0.15)")
        for edge in (low, high):
            ax.axvline(edge, color="grey", linestyle=":", linewidth=1)
        ax.set(xlabel=r"eigenvalue $\lambda$", ylabel="density",
               title=rf"$r = {r:g}$, zeros: {zero_fraction:.2f}")
        if r == 1:
            ax.set_ylim(0, 1.2)
    axes[0].legend(fontsize=8)
    return fig


@figure_function
def overfitting_term_figure(P: int = 200, samples: int = 20, seed: int = 0):
    """The overfitting term against r = D/P: Monte Carlo means, the exact finite-size mean and the P → ∞ limit."""
    fig, ax = new_figure(height=3.4)
    data = [D for D in range(20, 3 * P + 1, 20) if abs(D - P) > 2 * P // 10]
    ratios = torch.tensor(data, dtype=torch.float64) / P
    means = torch.stack([overfitting_term(gram_eigenvalues(P, D, seed=seed + i, samples=samples)).mean()
                         for i, D in enumerate(data)])
    ax.semilogy(ratios, means, "o", color=PALETTE[0], markersize=4, label=f"mean of {samples} draws, P = {P}")
    ax.semilogy(ratios, [exact_overfitting_mean(P, D) for D in data], "x", color=PALETTE[2],
                label="exact finite-P mean")
    fine = torch.linspace(0.05, 3.0, 600, dtype=torch.float64)
    fine = fine[(fine - 1).abs() > 0.02]
    limit = torch.where(fine < 1, fine / (1 - fine), 1 / (fine - 1))
    for side in (fine < 1, fine > 1):
        ax.semilogy(fine[side], limit[side], color=PALETTE[1], label=r"$P \to \infty$" if side[0] else None)
    ax.axvline(1, color="grey", linestyle=":", linewidth=1)
    ax.set(xlabel=r"$r = D/P$", ylabel=r"overfitting term / $\sigma_\epsilon^2$", ylim=(1e-2, 1e2),
           title="the noise the fit keeps at $t \\to \\infty$")
    ax.legend(fontsize=8)
    return fig
