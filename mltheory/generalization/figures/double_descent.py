"""Figures of the page on double descent."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.double_descent import GAUSSIAN_N, RF_FEATURES, RF_N, RF_RIDGE, gaussian_excess_risks, random_features_sweep
from ..double_descent import bias_variance_decomposition, ridgeless_risk

__all__ = ["ridgeless_figure", "random_features_figure"]


@figure_function
def ridgeless_figure(n: int = GAUSSIAN_N, samples: int = 400, seed: int = 100):
    """The risk of ridgeless least squares against p/n: exact finite-n risk, its limit, and Monte Carlo means and medians."""
    fig, ax = new_figure(height=3.6)
    dimensions = list(range(1, 3 * n + 1))
    risks = [gaussian_excess_risks(n, p, samples, seed + p) for p in dimensions]
    ratio = torch.tensor(dimensions, dtype=torch.float64) / n
    away = torch.tensor([abs(p - n) >= 4 for p in dimensions])
    ax.semilogy(ratio, [r.median().item() for r in risks], "v", color=PALETTE[2], markersize=4,
                label=f"median of {samples} data sets")
    ax.semilogy(ratio[away], [r.mean().item() for r, keep in zip(risks, away) if keep], "o", color=PALETTE[0],
                markersize=4, label=f"mean of {samples} data sets")
    exact = ridgeless_risk(n, dimensions, 1.0, 1.0)
    finite = torch.isfinite(exact)
    ax.semilogy(ratio[finite], exact[finite], "x", color=PALETTE[1], label=f"exact mean, n = {n}")
    fine = torch.linspace(0.02, 3.0, 600, dtype=torch.float64)
    fine = fine[(fine - 1).abs() > 0.01]
    limit = ridgeless_risk(1.0, fine, 1.0, 1.0, exact=False)
    for side in (fine < 1, fine > 1):
        ax.semilogy(fine[side], limit[side], color="black", linewidth=1,
                    label=r"limit $n \to \infty$" if side[0] else None)
    ax.axvline(1, color="grey", linestyle=":", linewidth=1)
    ax.axhline(1, color="grey", linestyle="--", linewidth=0.8)
    ax.set(xlabel=r"parameters per data point $p/n$", ylabel=r"excess risk $|\hat\beta - \beta|^2$",
           ylim=(1e-2, 1e3), title=r"ridgeless least squares, $\sigma^2 = r^2 = 1$")
    ax.legend(fontsize=8)
    return fig


@figure_function
def random_features_figure():
    """Left: test error of random ReLU features split into squared bias and variance. Right: ridge and noise-free fits."""
    fig, (left, right) = new_figure(1, 2, height=3.6)
    features = torch.tensor(RF_FEATURES, dtype=torch.float64)
    error, bias2, variance = bias_variance_decomposition(*random_features_sweep())
    _, plug_in, _ = bias_variance_decomposition(*random_features_sweep(), unbiased=False)
    left.loglog(features, error, "o-", color="black", markersize=3, label="test error")
    left.loglog(features, variance, "s-", color=PALETTE[0], markersize=3, label="variance")
    positive = bias2 > 0
    left.loglog(features[positive], bias2[positive], "^-", color=PALETTE[1], markersize=3,
                label=r"bias$^2$ (unbiased)")
    left.loglog(features, plug_in, ":", color=PALETTE[1], label=r"bias$^2$ (plug-in)")
    right.loglog(features, error, "o-", color="black", markersize=3, label=r"minimum norm, $\sigma = 0.5$")
    for color, (label, kwargs) in zip(PALETTE[2:], ((r"minimum norm, $\sigma = 0$", {"noise_sd": 0.0}),
                                                    (rf"ridge $\lambda = {RF_RIDGE:g}$, $\sigma = 0.5$",
                                                     {"ridge": RF_RIDGE}))):
        right.loglog(features, bias_variance_decomposition(*random_features_sweep(**kwargs))[0], "o-",
                     color=color, markersize=3, label=label)
    for ax, title in ((left, "where the error comes from"), (right, "ridge and label noise")):
        ax.axvline(RF_N, color="grey", linestyle=":", linewidth=1)
        ax.set(xlabel="number of random features $P$", ylabel="test error", title=title, ylim=(1e-3, 1e4))
        ax.legend(fontsize=7)
    return fig
