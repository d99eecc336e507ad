"""Figures of the Reinforcement learning part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .mdp import bandit_regret_figure, cliff_values_figure, evaluation_figure

__all__ = [
    "bandit_regret_figure",
    "cliff_values_figure",
    "evaluation_figure",
]
