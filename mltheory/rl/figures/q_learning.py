"""Figures of the page on Bellman optimality and Q-learning."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.q_learning import PESSIMISM, bias_mdp_runs, cliff_runs, iteration_runs
from ..mdp import bellman_backup, random_mdp
from ..q_learning import expected_maximum, expected_pessimistic_maximum, greedy_path, knapsack_dp, maximum_bias

__all__ = ["cliff_td_figure", "double_q_figure", "iteration_figure", "knapsack_figure", "overestimation_figure"]


@figure_function
def iteration_figure(gamma: float = 0.9, seed: int = 0):
    """Value iteration's error against γ^k, and Bellman backups of random pairs against the contraction bound."""
    mdp, exact, _, errors = iteration_runs()
    fig, (left, right) = new_figure(1, 2, height=3.4)
    k = torch.arange(len(errors))
    left.semilogy(k, errors, color=PALETTE[0], label=r"$\Vert Q_k - Q^*\Vert_\infty$")
    left.semilogy(k, gamma**k * errors[0], "--", color=PALETTE[1], linewidth=1, label=r"$\gamma^k \Vert Q_0 - Q^*\Vert_\infty$")
    left.set(xlabel="backups k", ylabel="error", title=f"value iteration (policy iteration: {exact.iterations} rounds)")
    left.legend(fontsize=8)
    g = torch.Generator().manual_seed(seed)
    for index, color in zip(range(4), PALETTE):
        random = random_mdp(6, 3, gamma, seed=100 + index)
        x = torch.randn(200, 6, 3, generator=g, dtype=torch.float64)
        y = x + torch.randn(200, 6, 3, generator=g, dtype=torch.float64) * torch.rand(200, 1, 1, generator=g,
                                                                                       dtype=torch.float64) * 3
        before = (x - y).abs().amax((-2, -1))
        after = (bellman_backup(random, x) - bellman_backup(random, y)).abs().amax((-2, -1))
        right.plot(before, after, ".", color=color, markersize=3, alpha=0.6)
    span = torch.tensor([0.0, 9.0])
    right.plot(span, gamma * span, "--", color="0.3", linewidth=1, label=r"slope $\gamma$")
    right.plot(span, span, ":", color="0.6", linewidth=1, label="slope 1")
    right.set(xlabel=r"$\Vert X - Y\Vert_\infty$", ylabel=r"$\Vert TX - TY\Vert_\infty$",
              title="the backup is a γ-contraction")
    right.legend(fontsize=8)
    return fig


@figure_function
def overestimation_figure(max_actions: int = 16, n_samples: int = 4, trials: int = 2000, seed: int = 0):
    """Bias of the single, double, target-copy and lower-confidence-bound estimators of max_a E[Q_a] against the
    number of actions."""
    counts = list(range(1, max_actions + 1))
    runs = [maximum_bias(n, n_samples, trials, seed=seed + n, k=PESSIMISM) for n in counts]
    scale = n_samples**0.5
    fig, ax = new_figure(height=3.4)
    ax.plot(counts, [expected_maximum(n) for n in counts], color="0.3", linewidth=1,
            label=r"$\mathbb{E}[\max_a Z_a]$ (quadrature)")
    ax.plot(counts, [expected_pessimistic_maximum(n, n_samples, PESSIMISM) for n in counts], color="0.3",
            linewidth=1, linestyle="--", label=rf"$\mathbb{{E}}[\max_a (Z_a - {PESSIMISM:g} S_a)]$ (quadrature)")
    labels = {"single": r"single: $\max_a \hat Q^A_a$", "target": r"target copy: $\max_a \hat Q^B_a$",
              "double": r"double: $\hat Q^B_{\arg\max \hat Q^A}$",
              "pessimistic": rf"lower bound: $\max_a (\hat Q^A_a - {PESSIMISM:g}\hat s_a/\sqrt{{n}})$"}
    for (name, label), color, marker in zip(labels.items(), (PALETTE[0], PALETTE[2], PALETTE[1], PALETTE[3]), "o^sD"):
        means = torch.tensor([getattr(run, name).mean().item() * scale for run in runs])
        errors = torch.tensor([getattr(run, name).std().item() * scale / trials**0.5 for run in runs])
        ax.errorbar(counts, means, yerr=2 * errors, fmt=marker, color=color, markersize=4, fillstyle="none",
                    label=label)
    ax.axhline(0, color="0.6", linewidth=0.8)
    ax.set(xlabel="number of actions", ylabel=r"bias $\times \sqrt{n}/\sigma$",
           title="bias of the maximum of noisy estimates (true values 0)", ylim=(-4.6, 2.2))
    ax.legend(fontsize=7, ncol=2, loc="lower right")
    return fig


def _episode_returns(run) -> torch.Tensor:
    """Sum of rewards of each agent's first episodes, shape (n_runs, episodes completed by every agent)."""
    episode = run.episode_end.long().cumsum(-1) - run.episode_end.long()
    count = int(run.episode_end.sum(-1).min())
    totals = torch.zeros(run.rewards.shape[0], int(episode.max()) + 1, dtype=run.rewards.dtype)
    totals.scatter_add_(1, episode, run.rewards)
    return totals[:, :count]


@figure_function
def cliff_td_figure(smooth: int = 10):
    """Online return per episode of Q-learning and SARSA on CliffWalking, and the greedy paths they learn."""
    mdp, runs = cliff_runs()
    fig = new_figure(1, 1, height=5.2)[0]
    fig.clear()
    grid = fig.add_gridspec(2, 2, height_ratios=(1.3, 1))
    curve = fig.add_subplot(grid[0, :])
    for (name, run), color in zip(runs.items(), PALETTE):
        returns = _episode_returns(run).mean(0)
        kernel = torch.ones(smooth, dtype=returns.dtype) / smooth
        smoothed = torch.nn.functional.conv1d(returns[None, None], kernel[None, None])[0, 0]
        curve.plot(torch.arange(len(smoothed)) + smooth, smoothed, color=color, label=name)
    curve.set(xlabel="episode", ylabel="sum of rewards in the episode", ylim=(-120, 0),
              title=r"online performance while exploring ($\varepsilon = 0.1$)")
    curve.legend(fontsize=8)
    for column, ((name, run), color) in enumerate(zip(runs.items(), PALETTE)):
        ax = fig.add_subplot(grid[1, column])
        path, total = greedy_path(mdp, run.q[0])
        cliff = mdp.terminal.reshape(4, 12).clone().double()
        cliff[-1, -1] = 0
        ax.imshow(cliff.numpy(), cmap="Greys", vmin=0, vmax=2)
        ax.plot(path % 12, path // 12, "o-", color=color, markersize=3)
        ax.set(title=f"{name}: greedy path, return {total:g}", xticks=[], yticks=[], xlabel="column of the grid",
               ylabel="row")
    return fig


@figure_function
def double_q_figure(epsilon: float = 0.1):
    """How often Q-learning and double Q-learning go left in A, visit by visit, on the maximisation-bias MDP."""
    left = bias_mdp_runs()
    fig, ax = new_figure(height=3.2)
    for (name, label), color in zip((("q_learning", "Q-learning"), ("second", "double Q-learning")), PALETTE):
        ax.plot(torch.arange(1, left[name].shape[1] + 1), 100 * left[name].double().mean(0), color=color,
                label=label)
    ax.axhline(100 * epsilon / 2, color="0.4", linestyle="--", linewidth=1, label=r"optimal $\varepsilon$-greedy")
    ax.set(xlabel="visit to state A", ylabel="% left", title="maximisation bias: going left looks good")
    ax.legend(fontsize=8)
    return fig


@figure_function
def knapsack_figure(weights=(3, 4, 2, 5, 1, 4), values=(4.0, 5.0, 3.0, 8.0, 1.0, 6.0), capacity: int = 10):
    """The dynamic-programming table V_k(c) of a small knapsack, with the chosen items."""
    best, chosen = knapsack_dp(weights, values, capacity)
    table = [torch.zeros(capacity + 1, dtype=torch.float64)]
    for count in range(1, len(weights) + 1):
        table.append(torch.tensor([knapsack_dp(weights[:count], values[:count], c)[0] for c in range(capacity + 1)]))
    fig, ax = new_figure(height=3.2)
    image = ax.imshow(torch.stack(table).numpy(), cmap="viridis", aspect="auto")
    fig.colorbar(image, ax=ax, label=r"$V_k(c)$")
    ax.set(xlabel="capacity c", ylabel="items considered k",
           title=f"knapsack by DP: best value {best:g} with items {[i + 1 for i in chosen.nonzero()[:, 0].tolist()]}")
    return fig
