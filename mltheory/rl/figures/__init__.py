"""Figures of the Reinforcement learning part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .mdp import bandit_regret_figure, cliff_values_figure, evaluation_figure
from .policy_gradient import estimators_figure, reinforce_figure

__all__ = [
    "bandit_regret_figure",
    "cliff_values_figure",
    "estimators_figure",
    "evaluation_figure",
    "reinforce_figure",
]
