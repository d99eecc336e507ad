"""Figures of the page "Estimators: bias, variance and mean squared error"."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.estimators import N, divisor_mse, sigma
from ..distributions import Normal
from ..estimators import estimator_stats, noise2noise, sample_variance

__all__ = ["noise2noise_figure", "variance_estimators_figure"]

_DIVISORS = ((1, "N − 1 (unbiased)"), (0, "N (maximum likelihood)"), (-1, "N + 1 (least MSE)"))


@figure_function
def variance_estimators_figure(n: int = 5, sizes=(2, 3, 5, 10, 20, 50), trials: int = 50_000, seed: int = 0):
    """Bias², variance and MSE of the three variance estimators: a bar chart at one N, and the MSE against N."""
    generator = torch.Generator().manual_seed(seed)
    sampler = Normal(0.0, 1.0)
    fig, (left, right) = new_figure(1, 2, height=3.6)
    positions = torch.arange(len(_DIVISORS), dtype=torch.float64)
    for k, (ddof, name) in enumerate(_DIVISORS):
        stats = estimator_stats(lambda x, d=ddof: sample_variance(x, ddof=d), sampler, n, trials, generator, target=1.0)
        bias2, variance = float(stats.bias**2), float(stats.variance)
        left.bar(k, bias2, color=PALETTE[1], label="bias²" if k == 0 else None)
        left.bar(k, variance, bottom=bias2, color=PALETTE[0], label="variance" if k == 0 else None)
        left.errorbar(k, float(stats.mse), yerr=float(stats.mse_se), fmt="o", color="black", markersize=3,
                      label="MSE (Monte Carlo)" if k == 0 else None)
    left.set_xticks(positions.tolist(), [name.split(" (")[0] for _, name in _DIVISORS])
    left.set(xlabel=f"divisor c (N = {n})", ylabel=r"error in units of $\sigma^4$",
             title=r"$\frac{1}{c}\sum_i (X_i - \bar X)^2$: bias² + variance")
    left.legend(loc="upper right")
    grid = torch.arange(2, max(sizes) + 1, dtype=torch.float64)
    for color, (ddof, name) in zip(PALETTE, _DIVISORS):
        exact = [size * float(divisor_mse(N - ddof).subs({N: int(size), sigma: 1})) for size in grid]
        right.plot(grid, exact, color=color, linewidth=1, label=name)
        measured = [estimator_stats(lambda x, d=ddof: sample_variance(x, ddof=d), sampler, size, trials // 5, generator,
                                    target=1.0) for size in sizes]
        right.errorbar(sizes, [size * float(s.mse) for size, s in zip(sizes, measured)],
                       yerr=[size * float(s.mse_se) for size, s in zip(sizes, measured)], fmt="o", color=color,
                       markersize=3)
    right.set_xscale("log")
    right.set_xticks(list(sizes), [str(size) for size in sizes])
    right.minorticks_off()
    right.set(xlabel="sample size N", ylabel=r"N × MSE in units of $\sigma^4$", ylim=(0, 4.2),
              title="exact (lines), Monte Carlo (dots); all → 2")
    right.legend()
    return fig


@figure_function
def noise2noise_figure(copies=(1, 2, 4, 8), seed: int = 0, shown: int = 6):
    """Test digits denoised by networks trained on clean and on noisy targets, and the test MSE against the data size."""
    fig, placeholder = new_figure(width=7.0, height=4.2)
    placeholder.remove()
    grid = fig.add_gridspec(4, shown + 4)
    result = noise2noise(copies=4, epochs=10, seed=seed)
    rows = (("clean", result.clean), ("noisy input", result.noisy),
            ("noisy → clean", result.clean_target_output), ("noisy → noisy", result.noisy_target_output))
    for r, (name, images) in enumerate(rows):
        for k in range(shown):
            ax = fig.add_subplot(grid[r, k])
            ax.imshow(images[k].reshape(8, 8).clamp(0, 1).numpy(), cmap="gray_r", vmin=0, vmax=1)
            ax.set_axis_off()
            if k == 0:
                ax.text(-0.15, 0.5, name, transform=ax.transAxes, rotation=90, ha="right", va="center", fontsize=8)
    curve = fig.add_subplot(grid[:, shown:])
    sweeps = [noise2noise(copies=k, epochs=max(2, 40 // k), seed=seed) for k in copies]
    curve.plot(copies, [s.clean_target_mse for s in sweeps], "o-", color=PALETTE[0], label="trained on clean targets")
    curve.plot(copies, [s.noisy_target_mse for s in sweeps], "o-", color=PALETTE[1], label="trained on noisy targets")
    curve.axhline(result.noisy_mse, color="black", linestyle=":", label="noisy input")
    curve.set_xscale("log", base=2)
    curve.set(xlabel="noisy copies per training image", ylabel="test MSE per pixel (vs clean)",
              title=f"noise σ = {result.noise_sd:g}", ylim=(0, None))
    curve.set_xticks(list(copies), [str(k) for k in copies])
    curve.minorticks_off()
    curve.legend(fontsize=7)
    return fig
