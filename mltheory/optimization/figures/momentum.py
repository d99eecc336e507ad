"""Figures of the page on momentum."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.momentum import iterations_to_tolerance, log_log_slope, tuned_runs, two_curvature_quadratic
from ..descent import heavy_ball
from ..momentum import convergence_rate, optimal_momentum

__all__ = ["iterations_figure", "momentum_trajectories_figure", "spectral_radius_figure"]


@figure_function
def momentum_trajectories_figure(kappa: float = 25.0, steps: int = 60, start=(-1.0, 0.4)):
    """Paths on (θ₁² + κθ₂²)/2 for gradient descent, tuned and under-damped heavy ball and Nesterov, and their errors."""
    fig, axes = new_figure(2, 3, height=4.6)
    grid_spec = axes[0, 2].get_gridspec()
    for ax in axes[:, 2]:
        ax.remove()
    errors = fig.add_subplot(grid_spec[:, 2])
    runs = tuned_runs(kappa, steps, start)
    lr, _ = optimal_momentum(1.0, kappa)
    runs["heavy ball, β = 0.9"] = heavy_ball(two_curvature_quadratic(kappa), start, lr, 0.9, steps)
    grid = torch.linspace(-1.1, 1.1, 161, dtype=torch.float64)
    a, b = (g.numpy() for g in torch.meshgrid(grid, grid * 0.6, indexing="xy"))
    for ax, color, (name, path) in zip(axes[:, :2].flat, PALETTE, runs.items()):
        ax.contour(a, b, 0.5 * (a**2 + kappa * b**2), levels=10, colors="0.8", linewidths=0.6)
        ax.plot(path[:, 0], path[:, 1], "o-", markersize=1.5, linewidth=0.9, color=color)
        ax.plot(0, 0, "k+", markersize=7)
        ax.set(title=name, aspect="equal", xticks=[-1, 0, 1], yticks=[-0.5, 0, 0.5])
        errors.semilogy(path.abs().amax(-1).clamp_min(1e-16), color=color, linewidth=1.2, label=name)
    for ax in axes[:, :2].flat:
        ax.set(xlabel=r"$\theta_1$ (flat)", ylabel=r"$\theta_2$ (steep)")
    errors.set(xlabel="step n", ylabel=r"$\max_i |\theta_{n,i}|$", title=rf"error, $\kappa = {kappa:g}$")
    errors.legend(fontsize=7, loc="lower left")
    return fig


@figure_function
def spectral_radius_figure(grid: int = 301):
    r"""The spectral radius of the heavy-ball matrix over (ηλ, β), with the Jury boundary and critical damping."""
    fig, ax = new_figure(height=4.2)
    h = torch.linspace(0, 4.5, grid, dtype=torch.float64)
    b = torch.linspace(0, 1.1, grid, dtype=torch.float64)
    H, B = torch.meshgrid(h, b, indexing="xy")
    rho = convergence_rate(H, 1.0, B)
    H, B = H.numpy(), B.numpy()
    image = ax.pcolormesh(H, B, rho.clamp(max=1.2).numpy(), cmap="viridis", shading="auto")
    fig.colorbar(image, ax=ax, label=r"spectral radius $\rho$ (clipped at 1.2)")
    ax.contour(H, B, rho.numpy(), levels=[1.0], colors="white", linewidths=2.5)
    ax.plot(2 * (1 + b), b, "--", color=PALETTE[1], label=r"$\eta\lambda = 2 + 2\beta$")
    ax.axhline(1, color=PALETTE[4], linestyle="--", label=r"$\beta = 1$")
    root = h.sqrt()
    ax.plot(h, (1 - root) ** 2, ":", color="white", label=r"critical damping $\beta = (1 \mp \sqrt{\eta\lambda})^2$")
    inside = (1 + root) ** 2 <= 1.1
    ax.plot(h[inside], ((1 + root) ** 2)[inside], ":", color="white")
    ax.set(xlabel=r"$\eta\lambda$", ylabel=r"momentum $\beta$", xlim=(0, 4.5), ylim=(0, 1.1),
           title=r"heavy ball on $\lambda\theta^2/2$: converges where $\rho < 1$ (white contour)")
    ax.legend(fontsize=7, loc="upper left")
    return fig


@figure_function
def iterations_figure(kappas=(10.0, 31.6, 100.0, 316.0, 1000.0), tolerance: float = 1e-6):
    """Steps to reach ``tolerance`` against κ, log-log, with fitted slopes."""
    fig, ax = new_figure(height=3.6)
    x = torch.tensor(kappas, dtype=torch.float64)
    for color, (name, counts) in zip(PALETTE, iterations_to_tolerance(tuple(kappas), tolerance).items()):
        slope = log_log_slope(x, counts)
        ax.loglog(x, counts, "o-", color=color, label=f"{name}: slope {slope:.2f}")
    ax.set(xlabel=r"condition number $\kappa = \lambda_{\max}/\lambda_{\min}$",
           ylabel=rf"steps to $\max_i|\theta_{{n,i}}| \leq 10^{{{round(torch.tensor(tolerance).log10().item())}}}$",
           title="iterations against conditioning")
    ax.legend(fontsize=8)
    return fig
