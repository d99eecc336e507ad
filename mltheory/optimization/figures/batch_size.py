"""Figures of the page on batch size and the gradient noise scale."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.batch_size import cached_critical_batch_experiment

__all__ = ["critical_batch_figure"]


@figure_function
def critical_batch_figure(seed: int = 0):
    """Steps against examples with the fitted hyperbola; steps against batch size; the noise scale along training."""
    run = cached_critical_batch_experiment(seed)
    fit = run.fit
    fig, (trade, steps, noise) = new_figure(1, 3, width=10.0, height=3.5)

    batches = torch.logspace(-2, 14, 300, base=2.0, dtype=torch.float64)
    fitted = fit.steps(batches)
    trade.loglog(fitted * batches, fitted, color=PALETTE[1], label="fitted hyperbola")
    trade.loglog(run.examples, run.steps, "o", color=PALETTE[0], markersize=4, label="SGD runs")
    for batch, e, s in zip(run.batch_sizes.tolist(), run.examples.tolist(), run.steps.tolist()):
        if batch in (1, 32, 1024):
            trade.annotate(f"B = {batch:g}", (e, s), textcoords="offset points", xytext=(5, 4), fontsize=8)
    trade.axhline(fit.s_min, color="gray", linestyle=":", linewidth=1)
    trade.axvline(fit.e_min, color="gray", linestyle=":", linewidth=1)
    trade.plot(2 * fit.e_min, 2 * fit.s_min, "s", color=PALETTE[2], markersize=6, label=r"$B = \mathcal{B}_{crit}$")
    trade.set(xlabel="examples E", ylabel="steps S", title=r"dotted: $E_{\min}$ and $S_{\min}$",
              xlim=(0.5 * fit.e_min, 4 * run.examples.max().item()))
    trade.legend(fontsize=7)

    shown = batches[(batches >= 0.5) & (batches <= 2048)]
    steps.loglog(shown, fit.steps(shown), color=PALETTE[1], label=r"$S_{\min}(1 + \mathcal{B}_{crit}/B)$")
    steps.loglog(run.batch_sizes, run.steps, "o", color=PALETTE[0], markersize=4, label="SGD runs")
    steps.axvline(fit.b_crit, color=PALETTE[2], linestyle="--", linewidth=1, label=r"$\mathcal{B}_{crit}$")
    steps.axvline(run.b_simple, color=PALETTE[3], linestyle=":", linewidth=1.5,
                  label=r"$\bar{\mathcal{B}}_{simple}$")
    steps.set(xlabel="batch size B", ylabel="steps S to the target", title="linear scaling, then none")
    steps.legend(fontsize=7)

    path = torch.arange(len(run.path_b_simple))
    noise.semilogy(path, run.path_b_simple, "o-", color=PALETTE[3], markersize=3, label=r"$\mathcal{B}_{simple}$")
    noise.semilogy(path, run.path_b_noise, "s-", color=PALETTE[4], markersize=3,
                   label=r"$\mathcal{B}_{noise}$ (Hessian)")
    noise.axhline(fit.b_crit, color=PALETTE[2], linestyle="--", linewidth=1, label=r"$\mathcal{B}_{crit}$")
    noise.set(xlabel="step of full-batch descent", ylabel="noise scale", title="it grows as the loss falls")
    noise.legend(fontsize=7)
    return fig
