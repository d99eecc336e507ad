"""Figures of the Reinforcement learning part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .mdp import bandit_regret_figure, cliff_values_figure, evaluation_figure
from .policy_gradient import estimators_figure, gae_critic_figure, reinforce_figure
from .q_learning import cliff_td_figure, double_q_figure, iteration_figure, knapsack_figure, overestimation_figure
from .search import mcts_visits_figure, self_play_figure
from .supervised import sl_vs_rl_figure
from .trust_region import natural_step_figure, ppo_clip_figure, several_updates_figure

__all__ = [
    "bandit_regret_figure",
    "cliff_td_figure",
    "cliff_values_figure",
    "double_q_figure",
    "estimators_figure",
    "evaluation_figure",
    "gae_critic_figure",
    "iteration_figure",
    "knapsack_figure",
    "mcts_visits_figure",
    "natural_step_figure",
    "overestimation_figure",
    "ppo_clip_figure",
    "reinforce_figure",
    "self_play_figure",
    "several_updates_figure",
    "sl_vs_rl_figure",
]
