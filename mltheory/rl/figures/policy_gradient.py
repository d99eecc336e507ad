"""Figures of the page on policy gradients."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.policy_gradient import GAE_LAMBDAS, cliff_reinforce, enumerated_moments, gae_critic_moments
from ..mdp import greedy_policy, policy_evaluation
from .mdp import grid_panel

__all__ = ["estimators_figure", "gae_critic_figure", "reinforce_figure"]

_LABELS = {"vanilla": "vanilla  R(τ)Σψ", "reward_to_go": "reward to go  ΣGψ", "baseline": "baseline  Σ(G−V)ψ",
           "first_step": "sum dropped  R(τ)ψ₀"}


@figure_function
def estimators_figure(seed: int = 0):
    """Exact means against the exact gradient, and exact variances, of the REINFORCE estimators on a two-step MDP."""
    moments = enumerated_moments(seed=seed)
    fig, (left, right) = new_figure(1, 2, height=3.4)
    exact = moments.gradient.flatten()
    span = torch.linspace(exact.min().item() * 1.2, exact.max().item() * 1.2, 2)
    left.plot(span, span, color="0.6", linewidth=1)
    for (name, label), color, marker in zip(_LABELS.items(), PALETTE, "os^x"):
        left.plot(exact, moments.means[name].flatten(), marker, color=color, markersize=6 if marker != "x" else 7,
                  fillstyle="none", label=label)
    left.set(xlabel=r"exact $\partial J / \partial\theta_{sa}$ (autograd)", ylabel="exact mean of the estimator",
             title="means: three unbiased, one not")
    left.legend(fontsize=7)
    names = list(_LABELS)[:3]
    right.bar(range(3), [moments.variances[name] for name in names], color=PALETTE[:3])
    right.set_xticks(range(3), ["vanilla", "reward to go", "baseline"])
    right.set(xlabel="estimator", ylabel=r"$\mathbb{E}\,\|\hat g - \nabla J\|^2$", title="variances (exact)")
    return fig


@figure_function
def reinforce_figure(seed: int = 0):
    """Exact expected return during REINFORCE on a 3 × 5 cliff walk, and the values and moves it ends with."""
    mdp, run, learned, optimal = cliff_reinforce(seed=seed)
    fig, (left, right) = new_figure(1, 2, height=3.2, width=8.0)
    left.plot(run.expected_return, color=PALETTE[0], label=r"$J(\theta_k)$ (exact)")
    left.axhline(optimal, color=PALETTE[1], linestyle="--", linewidth=1, label="optimal (cliff edge)")
    left.axhline(learned, color=PALETTE[2], linestyle=":", linewidth=1.5, label="greedy final policy (top-row path)")
    left.set(xlabel="update k", ylabel="expected return", ylim=(2 * optimal - 3, 0.5),
             title="REINFORCE with a baseline")
    left.legend(fontsize=8, loc="lower right")
    policy = torch.softmax(run.logits, -1)
    grid_panel(right, mdp, policy_evaluation(mdp, policy), policy, title="final policy: values and mean moves",
               cols=5)
    return fig


@figure_function
def gae_critic_figure(seed: int = 0):
    """Exact bias and variance of the GAE gradient estimator against λ, for a true, a halved and a noisy critic."""
    fig, (left, right) = new_figure(1, 2, height=3.2)
    critics = {"true": r"true $V^\pi$", "halved": r"halved $V^\pi/2$", "noisy": r"noisy $V^\pi + N(0, 1)$"}
    for (critic, label), color, marker in zip(critics.items(), PALETTE, "os^"):
        moments = gae_critic_moments(critic, seed)
        bias = (moments.means - moments.gradient).flatten(1).norm(dim=1)
        left.plot(GAE_LAMBDAS, bias, marker=marker, color=color, markersize=4, label=label)
        right.plot(GAE_LAMBDAS, moments.variances, marker=marker, color=color, markersize=4, label=label)
    left.set(xlabel=r"$\lambda$", ylabel=r"$\|\mathbb{E}\,\hat g_\lambda - \nabla J\|$", title="bias (exact)")
    right.set(xlabel=r"$\lambda$", ylabel=r"$\mathbb{E}\,\|\hat g_\lambda - \mathbb{E}\,\hat g_\lambda\|^2$",
              title="variance (exact)")
    left.legend(fontsize=8)
    return fig
