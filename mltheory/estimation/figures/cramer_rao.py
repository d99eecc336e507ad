"""Figures of the page "The Cramér–Rao bound"."""

from __future__ import annotations

import math

import sympy as sp
import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.cramer_rao import _median, efficiency_ratio, exponential_rate_mse, lam
from ..claims.estimators import N as N_SYMBOL
from ..cramer_rao import james_stein, james_stein_risk
from ..distributions import Exponential, Normal
from ..estimators import estimator_stats, sample_variance

__all__ = ["cramer_rao_figure", "exponential_mle_figure", "james_stein_figure"]


@figure_function
def cramer_rao_figure(ns=(3, 5, 11, 21, 51, 101, 201), trials: int = 20_000, seed: int = 0):
    """Variance × N·F₁ against N for the mean, the median and s² of Gaussian samples, with the bound at 1."""
    generator = torch.Generator().manual_seed(seed)
    fig, ax = new_figure(width=6.4, height=3.8)
    curves = {"sample mean": [], "sample median": [], "s² (estimating σ²)": []}
    for n in ns:
        curves["sample mean"].append(efficiency_ratio(lambda x: x.mean(dim=-1), n, trials, generator))
        curves["sample median"].append(efficiency_ratio(_median, n, trials, generator))
        variance = estimator_stats(sample_variance, Normal(), n, trials, generator, target=1.0, batch_size=20_000)
        curves["s² (estimating σ²)"].append((float(variance.variance) * n / 2, float(variance.variance_se) * n / 2))
    for color, (name, points) in zip(PALETTE, curves.items()):
        values, errors = zip(*points)
        ax.errorbar(ns, values, yerr=errors, fmt="o", color=color, markersize=4, capsize=2, label=name)
    grid = torch.logspace(math.log10(min(ns)), math.log10(max(ns)), 100, dtype=torch.float64)
    ax.plot(grid, grid / (grid - 1), color=PALETTE[2], linewidth=1, label="s² exact: N/(N − 1)")
    ax.axhline(math.pi / 2, color=PALETTE[1], linewidth=1, linestyle="--", label="median asymptote π/2")
    ax.axhline(1.0, color="black", linewidth=1, label="Cramér–Rao bound")
    ax.set_xscale("log")
    ax.set_xticks(list(ns), [str(n) for n in ns])
    ax.minorticks_off()
    ax.set(xlabel="sample size N", ylabel=r"$N F_1 \operatorname{Var}(\hat\theta)$",
           title=f"Gaussian data, {trials:,} samples per point", ylim=(0.8, 1.9))
    ax.legend(fontsize=8, ncol=2)
    return fig


@figure_function
def exponential_mle_figure(rate: float = 2.0, trials: int = 20_000, seed: int = 0):
    """The exponential-rate MLE: its distribution approaching the normal, and its MSE against two rivals and the bound."""
    generator = torch.Generator().manual_seed(seed)
    fig, (left, right) = new_figure(1, 2, height=3.5)
    grid = torch.linspace(-4, 6, 401, dtype=torch.float64)
    left.plot(grid, torch.exp(-grid**2 / 2) / math.sqrt(2 * math.pi), color="black", linewidth=1, label="N(0, 1)")
    for color, n in zip(PALETTE, (5, 20, 400)):
        z = math.sqrt(n) * (1 / Exponential(rate)((trials, n), seed=generator).mean(dim=-1) - rate) / rate
        left.hist(z, bins=80, range=(-4, 6), weights=torch.full_like(z, 8 / trials), histtype="step", color=color,
                  label=f"N = {n}")
    left.set(xlabel=r"$\sqrt{N}(\hat\lambda - \lambda)/\lambda$", ylabel="density", title="MLE of a rate, standardised")
    left.legend()
    sizes = torch.arange(3, 41, dtype=torch.float64)
    for color, (shift, name) in zip(PALETTE, ((0, "MLE N/S"), (1, "unbiased (N − 1)/S"), (2, "(N − 2)/S"))):
        mse = sp.lambdify(N_SYMBOL, exponential_rate_mse(N_SYMBOL - shift).subs(lam, 1), modules="math")
        right.plot(sizes, [float(n) * mse(float(n)) for n in sizes], color=color, label=name)
    right.axhline(1.0, color="black", linewidth=1, label="Cramér–Rao bound")
    right.set(xlabel="sample size N", ylabel=r"$N \cdot \mathrm{MSE} / \lambda^2$", ylim=(0.8, 2.5),
              title="exact MSE of c/S")
    right.legend()
    return fig


@figure_function
def james_stein_figure(norms=(0.0, 2.0, 5.0), trials: int = 20_000, seed: int = 0):
    """Exact risk of James–Stein against the dimension d for several distances of θ from 0, below the MLE's risk d."""
    generator = torch.Generator().manual_seed(seed)
    fig, ax = new_figure(width=6.0, height=3.6)
    dims = list(range(3, 21))
    ax.plot(dims, dims, color="black", linewidth=1, label="maximum likelihood: d")
    for color, norm in zip(PALETTE, norms):
        ax.plot(dims, [float(james_stein_risk(d, norm)) for d in dims], color=color, label=f"James–Stein, |θ| = {norm:g}")
        simulated = []
        for d in dims[2::3]:
            truth = torch.zeros(d, dtype=torch.float64)
            truth[0] = norm
            draws = truth + Normal()((trials, d), seed=generator)
            simulated.append(float(((james_stein(draws) - truth) ** 2).sum(-1).mean()))
        ax.plot(dims[2::3], simulated, "o", color=color, markersize=4)
    ax.set(xlabel="dimension d", ylabel=r"risk $E\|\hat\theta - \theta\|^2$",
           title="exact risk (lines), Monte Carlo for d ≥ 5 (dots)")
    ax.legend()
    return fig
