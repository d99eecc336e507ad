"""Figures of the Reinforcement-learning part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .supervised import sl_vs_rl_figure

__all__ = [
    "sl_vs_rl_figure",
]
