"""Figures of the page on trust regions and PPO."""

from __future__ import annotations

import numpy as np
import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.trust_region import BANDIT_MEANS, bandit_step, batch_updates
from ..trust_region import ppo_clip_loss

__all__ = ["ppo_clip_figure", "natural_step_figure", "several_updates_figure"]


@figure_function
def ppo_clip_figure(clip_eps: float = 0.2):
    """The PPO-clip objective −L and its slope in the ratio r, for a positive and a negative advantage."""
    fig, axes = new_figure(1, 2, height=3.2)
    ratio = torch.linspace(0.3, 1.7, 141, dtype=torch.float64, requires_grad=True)
    for ax, advantage, color in zip(axes, (1.0, -1.0), PALETTE):
        losses = torch.stack([ppo_clip_loss(r, advantage, clip_eps) for r in ratio.unbind()])  # one per sample
        slope, = torch.autograd.grad(losses.sum(), ratio)
        r = ratio.detach().numpy()
        ax.plot(r, -losses.detach().numpy(), color=color, label=r"objective $\min(rA, \mathrm{clip}(r)A)$")
        ax.plot(r, (r * advantage), ":", color="0.5", label=r"unclipped $rA$")
        ax.plot(r, -slope.numpy(), "--", color=PALETTE[2], label=r"its slope $-\partial L / \partial r$")
        for edge in (1 - clip_eps, 1 + clip_eps):
            ax.axvline(edge, color="0.8", linewidth=0.8)
        ax.set(xlabel="probability ratio r", title=f"advantage A = {advantage:+g}, ε = {clip_eps:g}")
        ax.legend(fontsize=7, loc="lower right" if advantage > 0 else "lower left")
    for ax in axes:
        ax.set_ylabel("per-sample objective and slope")
    return fig


@figure_function
def natural_step_figure(deltas=tuple(10.0 ** -k for k in np.arange(1, 8.5, 0.5))):
    """The KL and the gain of the natural step on the bandit, relative to δ and to √(2δq), against δ."""
    fig, ax = new_figure(height=3.4)
    deltas = np.array(deltas)
    for sign, style in ((1, "-"), (-1, "--")):
        steps = [bandit_step(float(d), sign) for d in deltas]
        label = "+" if sign > 0 else "− (as printed in (8.5.2))"
        ax.loglog(deltas, [abs(s["kl"] / d - 1) for s, d in zip(steps, deltas)], style + "o", markersize=3,
                  color=PALETTE[0], label=rf"$|D/\delta - 1|$, sign {label}")
        ax.loglog(deltas, [abs(s["gain"] / s["first_order_gain"] - 1) for s in steps], style + "s", markersize=3,
                  color=PALETTE[1], label=rf"$|\mathrm{{gain}} / \sqrt{{2\delta q}} - 1|$, sign {label}")
    ax.loglog(deltas, np.sqrt(deltas), ":", color="0.5", label=r"slope $\sqrt{\delta}$")
    ax.set(xlabel=r"trust region $\delta$ (nats)", ylabel="relative error",
           title="the natural step on a four-armed softmax bandit")
    ax.legend(fontsize=7)
    return fig


@figure_function
def several_updates_figure(seeds: int = 20, clip_eps: float = 0.2):
    """PPO-clip against the vanilla policy-gradient surrogate, each taking 20 steps on one batch of the bandit."""
    fig, (left, right) = new_figure(1, 2, height=3.4)
    arms = np.arange(len(BANDIT_MEANS))
    for offset, (method, label, color) in zip((-0.15, 0.15), (("ppo", "PPO-clip", PALETTE[0]),
                                                              ("pg", "vanilla policy gradient", PALETTE[1]))):
        runs = [batch_updates(method, seed, clip_eps=clip_eps) for seed in range(seeds)]
        for i, run in enumerate(runs):
            steps = np.arange(1, len(run["kl"]) + 1)
            left.semilogy(steps, run["kl"], color=color, alpha=0.4, linewidth=0.8, label=label if i == 0 else None)
            right.scatter(arms + offset, run["ratio"].numpy(), color=color, s=8, alpha=0.6,
                          label=label if i == 0 else None)
    left.axhline(-np.log(1 - clip_eps), color="0.3", linestyle="--", linewidth=0.8,
                 label=r"$-\log(1 - \epsilon)$")
    left.set(xlabel="gradient step on the batch", ylabel=r"$D(\pi_{old} \,\|\, \pi_\theta)$ (nats)",
             title=f"{seeds} batches of 64 samples")
    left.legend(fontsize=7)
    right.axhspan(1 - clip_eps, 1 + clip_eps, color="0.9", label="clip range")
    right.set_yscale("log")
    right.set(xlabel="arm (mean rewards " + ", ".join(f"{m:g}" for m in BANDIT_MEANS) + ")", xticks=arms,
              xticklabels=[str(a + 1) for a in arms],
              ylabel=r"ratio $\pi_\theta(a) / \pi_{old}(a)$ after 20 steps", title="final ratio of each arm")
    right.legend(fontsize=7)
    return fig
