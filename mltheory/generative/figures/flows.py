"""Figures of the page on exact likelihoods: a RealNVP on two moons, and an autoregressive model of digits."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.flows import best_gaussian, digits_data, digits_models, flow_data, trained_flow
from ..flows import flow_log_prob

__all__ = ["autoregressive_samples_figure", "flow_density_figure"]

#: Draws shown from the flow, and the window (in steps) of the running mean of the training NLL.
SAMPLES_SHOWN, NLL_WINDOW = 600, 25


@figure_function
def flow_density_figure(steps: int = 600, grid: int = 161, samples: int = SAMPLES_SHOWN):
    """The RealNVP of the page: its learned density with samples drawn from it, and its training NLL.

    The training points; the density :math:`p_X` on a grid of ``grid`` × ``grid`` points; ``samples`` draws
    from the flow; and the minibatch NLL during training, with the test NLL of the flow and of the best Gaussian.
    """
    flow, history = trained_flow(steps)
    train, test = flow_data()
    fig, axes = new_figure(2, 2, height=5.8)
    axes = axes.ravel()
    axis = torch.linspace(-3, 3, grid, dtype=torch.float64)
    with torch.no_grad():
        density = flow_log_prob(flow, torch.cartesian_prod(axis, axis)).exp().reshape(grid, grid)
        drawn = flow.sample(samples, seed=5)
    axes[0].scatter(*train.T.numpy(), s=2, color=PALETTE[0], alpha=0.5)
    mesh = axes[1].pcolormesh(axis.numpy(), axis.numpy(), density.T.numpy(), cmap="viridis", shading="auto")
    fig.colorbar(mesh, ax=axes[1], label="$p_X(x)$")
    axes[2].scatter(*drawn.T.numpy(), s=2, color=PALETTE[1], alpha=0.7)
    for ax, title in zip(axes[:3], ("training data", r"learned density $p_X$", "samples from the flow")):
        ax.set(xlabel="$x_1$ (standardised)", ylabel="$x_2$ (standardised)", title=title, xlim=(-3, 3), ylim=(-3, 3))
        ax.set_aspect("equal")
    smoothed = history.unfold(0, NLL_WINDOW, 1).mean(-1)
    axes[3].plot(range(NLL_WINDOW, len(history) + 1), smoothed.numpy(), color=PALETTE[0],
                 label=f"training (mean of {NLL_WINDOW})")
    with torch.no_grad():
        axes[3].axhline(-best_gaussian(train).log_prob(test).mean().item(), color=PALETTE[3], ls="--",
                        label="best Gaussian, test")
        axes[3].axhline(-flow_log_prob(flow, test).mean().item(), color=PALETTE[2], ls=":", label="flow, test")
    axes[3].set(xlabel="Adam step", ylabel="NLL (nats per point)", title="the NLL falls")
    axes[3].legend(fontsize=7)
    return fig


@figure_function
def autoregressive_samples_figure(count: int = 8):
    """Binarised digits, and samples from the autoregressive model and from the independent-pixel baseline."""
    train, _ = digits_data()
    model, baseline = digits_models()
    rows = {"training digits": train[:count], "autoregressive model": model.sample(count, seed=2),
            "independent pixels": baseline.sample(count, seed=2)}
    fig, axes = new_figure(len(rows), 1, height=3.4)
    for ax, (name, images) in zip(axes, rows.items()):
        padded = torch.nn.functional.pad(images.reshape(-1, 8, 8), (1, 1), value=float("nan"))  # a gap between
        ax.imshow(padded.permute(1, 0, 2).reshape(8, -1).numpy(), cmap="gray_r", vmin=0, vmax=1)
        ax.axis("off")
        ax.set_title(name, fontsize=9, loc="left")
    return fig
