"""Figures of the Reinforcement-learning part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .search import mcts_visits_figure, self_play_figure
from .supervised import sl_vs_rl_figure
from .trust_region import natural_step_figure, ppo_clip_figure

__all__ = [
    "mcts_visits_figure",
    "natural_step_figure",
    "ppo_clip_figure",
    "self_play_figure",
    "sl_vs_rl_figure",
]
