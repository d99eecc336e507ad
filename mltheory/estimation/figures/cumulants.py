"""Figures of the page "Cumulants and the central limit theorem"."""

from __future__ import annotations

import math

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.cumulants import MARCINKIEWICZ_EXAMPLES
from ..cumulants import clt_shape, density_from_cumulants, standardized_sums
from ..distributions import Cauchy, Exponential, Uniform

__all__ = ["clt_histogram_figure", "clt_shape_figure", "marcinkiewicz_figure"]


@figure_function
def clt_shape_figure(ns=(1, 2, 4, 8, 16, 32), trials: int = 100_000, seed: int = 0):
    """Skewness and excess kurtosis of standardised sums against N, on log-log axes, with the predicted lines."""
    fig, (left, right) = new_figure(1, 2, height=3.4)
    fine = torch.logspace(0, math.log10(max(ns)), 50, dtype=torch.float64)
    cases = (("Exp(1)", Exponential(1.0), PALETTE[0]), ("U(0, 1)", Uniform(0.0, 1.0), PALETTE[1]))
    for name, distribution, color in cases:
        shape = clt_shape(distribution, ns, trials, seed=seed)
        for ax, key, order in ((left, "skewness", 3), (right, "kurtosis", 4)):
            coefficient = distribution.cumulant(order) / distribution.variance ** (order / 2)
            if coefficient == 0:
                continue
            sign = math.copysign(1, coefficient)
            ax.errorbar(shape["n"], sign * shape[key], yerr=shape[f"{key}_se"], fmt="o", color=color, markersize=4,
                        capsize=2, label=f"{name}, Monte Carlo" + (" (sign flipped)" if sign < 0 else ""))
            power = {3: "-1/2", 4: "-1"}[order]
            ax.plot(fine, abs(coefficient) * fine ** (1 - order / 2), color=color, linewidth=1,
                    label=f"{name}: ${abs(coefficient):.3g}\\,N^{{{power}}}$")
    left.set(xscale="log", yscale="log", xlabel="number of terms N", ylabel=r"skewness $\kappa_3(Y_N)$",
             title=r"skewness falls like $N^{-1/2}$")
    right.set(xscale="log", yscale="log", xlabel="number of terms N", ylabel=r"|excess kurtosis $\kappa_4(Y_N)$|",
              title=r"excess kurtosis falls like $N^{-1}$")
    left.legend(loc="lower left")
    right.legend(loc="lower left")
    return fig


def _ks_to_normal(y: torch.Tensor) -> float:
    """Kolmogorov–Smirnov distance between the empirical distribution of ``y`` and the standard normal."""
    sorted_y = y.sort().values
    normal_cdf = 0.5 * (1 + torch.erf(sorted_y / math.sqrt(2)))
    n = len(y)
    above = torch.arange(1, n + 1, dtype=torch.float64) / n - normal_cdf
    below = normal_cdf - torch.arange(0, n, dtype=torch.float64) / n
    return float(torch.maximum(above, below).max())


@figure_function
def clt_histogram_figure(ns=(1, 2, 5, 30), trials: int = 50_000, seed: int = 0):
    """Histograms of standardised sums of exponentials (converging to the normal) and of Cauchy means (not converging)."""
    fig, axes = new_figure(2, len(ns), height=4.6)
    x = torch.linspace(-4.5, 4.5, 301, dtype=torch.float64)
    normal = torch.exp(-x**2 / 2) / math.sqrt(2 * math.pi)
    cauchy = 1 / (math.pi * (1 + x**2))
    generator = torch.Generator().manual_seed(seed)
    bins = 60
    weight = bins / (9.0 * trials)  # density units; draws outside [-4.5, 4.5] are left out, not piled at the edge
    for column, n in enumerate(ns):
        top, bottom = axes[0, column], axes[1, column]
        y = standardized_sums(Exponential(1.0), n, trials, seed=generator)
        top.hist(y, bins=bins, range=(-4.5, 4.5), weights=torch.full_like(y, weight), color=PALETTE[0], alpha=0.6)
        top.plot(x, normal, color="black", linewidth=1)
        top.set(title=f"Exp(1), N = {n}\nKS distance {_ks_to_normal(y):.3f}", xlabel="$Y_N$", ylabel="density", ylim=(0, 0.85))
        c = standardized_sums(Cauchy(), n, trials, seed=generator)
        bottom.hist(c, bins=bins, range=(-4.5, 4.5), weights=torch.full_like(c, weight), color=PALETTE[1], alpha=0.6)
        bottom.plot(x, cauchy, color=PALETTE[1], linewidth=1)
        bottom.plot(x, normal, color="black", linewidth=1, linestyle=":")
        bottom.set(title=f"Cauchy, N = {n}", xlabel=r"$\bar X_N$", ylabel="density", ylim=(0, 0.45))
    return fig


@figure_function
def marcinkiewicz_figure():
    """The inverse Fourier transforms of two polynomial CGFs of degree 4 and 3: both dip below zero."""
    x = torch.linspace(-6, 6, 1201, dtype=torch.float64)
    fig, axes = new_figure(1, 2, height=3.2)
    for ax, (name, kappa_values), color in zip(axes, MARCINKIEWICZ_EXAMPLES.items(), PALETTE):
        p = density_from_cumulants(kappa_values, x)
        ax.plot(x, p, color=color)
        ax.axhline(0, color="black", linewidth=0.8)
        where = int(p.argmin())
        ax.annotate(f"minimum {float(p[where]):.4f}\nat x = {float(x[where]):.2f}", (float(x[where]), float(p[where])),
                    xytext=(0.5, 0.55), textcoords="axes fraction", arrowprops={"arrowstyle": "->"}, fontsize=8)
        kappas = ", ".join(f"{v:g}" for v in kappa_values)
        ax.set(xlabel="x", ylabel="p(x)", title=f"{name}: κ = ({kappas})", ylim=(-0.03, 0.12))
    return fig
