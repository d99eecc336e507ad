"""Figures of the page on mutual information for representations."""

from __future__ import annotations

import math

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.mutual_information import SIZES, infonce_runs
from ..mutual_information import gaussian_mutual_information

__all__ = ["infonce_cap_figure"]


@figure_function
def infonce_cap_figure(batches: tuple[int, ...] = (256, 64, 16, 4), weak_batches: tuple[int, ...] = (256, 64, 16, 4),
                       d: int = 10):
    """InfoNCE with the optimal critic against log N, for strong (ρ = 0.9) and weak (ρ = 0.5) dependence.

    Each panel shows the mean estimate over ``batches`` (ρ = 0.9) or ``weak_batches`` (ρ = 0.5) batches per
    N, with bars of two standard errors, the cap log N, the true mutual information and the lower bound of
    eq-infonce-tangent.
    """
    fig, axes = new_figure(1, 2, height=3.6)
    log_n = [math.log(size) for size in SIZES]
    for ax, rho, counts in zip(axes, (0.9, 0.5), (batches, weak_batches)):
        runs = infonce_runs(rho, tuple(counts), 0, d)
        information = gaussian_mutual_information(rho, d).item()
        means = [runs[size][0] for size in SIZES]
        ax.plot(log_n, log_n, "--", color=PALETTE[3], label=r"cap $\log N$")
        ax.axhline(information, color=PALETTE[2], label=rf"true $I(X; Y) = {information:.2f}$")
        ax.plot(log_n, [runs[size][2] for size in SIZES], "v:", color=PALETTE[1], markersize=5,
                label=r"lower bound $\overline{\log \frac{N r}{r + N - 1}}$")
        ax.errorbar(log_n, means, yerr=[2 * runs[size][1] for size in SIZES], fmt="o-", color=PALETTE[0],
                    markersize=5, label=r"InfoNCE, optimal critic")
        ax.set(xlabel=r"$\log N$ (nats), batch size $N$ = 16, 64, 256, 1024", ylabel="estimate (nats)",
               title=rf"$\rho = {rho}$, $d = {d}$")
        ax.set_xticks(log_n)
        ax.set_xticklabels([f"{value:.2f}" for value in log_n])
    axes[0].legend(fontsize=8, loc="lower right")
    return fig
