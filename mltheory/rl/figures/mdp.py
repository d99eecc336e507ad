"""Figures of the page on Markov decision processes."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.mdp import evaluation_experiment
from ..mdp import MOVES, bandit, cliff_walking, policy_evaluation, policy_iteration
from ..q_learning import q_learning

__all__ = ["bandit_regret_figure", "cliff_values_figure", "evaluation_figure", "grid_panel"]


def grid_panel(ax, mdp, values, policy=None, title: str = "", cols: int = 12):
    """Draw state values of a gridworld as a heat map, with the greedy move of ``policy`` as arrows."""
    rows = mdp.n_states // cols
    shown = values.clone().reshape(rows, cols)
    cliff = mdp.terminal.reshape(rows, cols).clone()
    cliff[-1, -1] = False
    image = ax.imshow(shown.masked_fill(cliff, float("nan")).numpy(), cmap="viridis")
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="value")
    if policy is not None:
        moves = torch.tensor(MOVES, dtype=torch.float64)
        step = policy.to(torch.float64) @ moves  # expected (row, column) move
        live = ~mdp.terminal
        row, col = torch.arange(mdp.n_states) // cols, torch.arange(mdp.n_states) % cols
        ax.quiver(col[live], row[live], 0.4 * step[live, 1], 0.4 * step[live, 0], color="white",
                  angles="xy", scale_units="xy", scale=1, width=0.006)
    for index in cliff.nonzero().tolist():
        ax.text(index[1], index[0], "×", ha="center", va="center", color="0.4", fontsize=9)
    ax.text(0, rows - 1, "S", ha="center", va="bottom", color="white", fontsize=9, fontweight="bold")
    ax.text(cols - 1, rows - 1, "G", ha="center", va="center", color="black", fontsize=9, fontweight="bold")
    ax.set(title=title, xticks=[], yticks=[], xlabel="column of the grid", ylabel="row")


@figure_function
def cliff_values_figure(gamma: float = 0.9):
    """State values of the uniformly random and of the optimal policy on CliffWalking, with the optimal moves."""
    mdp = cliff_walking(gamma=gamma)
    uniform = torch.full((mdp.n_states, mdp.n_actions), 0.25, dtype=torch.float64)
    best = policy_iteration(mdp)
    fig, (top, bottom) = new_figure(2, 1, height=4.6)
    grid_panel(top, mdp, policy_evaluation(mdp, uniform), title=rf"uniformly random policy, $\gamma = {gamma:g}$")
    grid_panel(bottom, mdp, policy_evaluation(mdp, best.policy), best.policy,
               title="optimal policy (arrows), found by policy iteration")
    return fig


@figure_function
def evaluation_figure(n_states: int = 5, n_actions: int = 3, gamma_value: float = 0.9, n_episodes: int = 20_000,
                      horizon: int = 100, seed: int = 0):
    """Running Monte Carlo averages of the return from each state, converging to the values of the linear solve."""
    _, _, values, starts, returns = evaluation_experiment(n_states, n_actions, gamma_value, n_episodes, horizon, seed)
    fig, ax = new_figure(height=3.4)
    for state, color in zip(range(n_states), PALETTE):
        sample = returns[starts == state]
        count = torch.arange(1, sample.numel() + 1)
        ax.semilogx(count, sample.cumsum(0) / count, color=color, linewidth=1.2, label=f"s = {state}")
        ax.axhline(values[state].item(), color=color, linestyle="--", linewidth=1)
    ax.set(xlabel="episodes started in s", ylabel="average discounted return",
           title=r"Monte Carlo averages (solid) and $(I-\gamma P_\pi)^{-1} r_\pi$ (dashed)")
    ax.legend(fontsize=8, ncols=5, loc="lower right")
    return fig


@figure_function
def bandit_regret_figure(means=(0.2, -0.8, 1.5, 0.4, 1.2, -1.5, -0.1, -1.0, 0.8, -0.5),
                         epsilons=(0.0, 0.01, 0.1, 0.3), steps: int = 1000, n_runs: int = 400, seed: int = 0):
    """Average cumulative regret of ε-greedy Q-learning on a 10-armed Gaussian bandit, for several ε."""
    machine = bandit(torch.tensor(means, dtype=torch.float64))
    best = max(means)
    fig, ax = new_figure(height=3.4)
    for epsilon, color in zip(epsilons, PALETTE):
        run = q_learning(machine, steps, alpha=0.1, epsilon=epsilon, n_runs=n_runs, seed=seed)
        regret = (best - machine.rewards[0][run.actions]).cumsum(-1).mean(0)
        ax.plot(torch.arange(1, steps + 1), regret, color=color, label=rf"$\varepsilon = {epsilon:g}$")
    ax.set(xlabel="pulls", ylabel="cumulative regret", title="explore or exploit: ε-greedy on a 10-armed bandit")
    ax.legend(fontsize=8)
    return fig
