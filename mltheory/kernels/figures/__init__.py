"""Figures of the part on infinite width, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .ntk import ntk_parametrisation_figure, ntk_training_figure, ntk_width_figure

__all__ = ["ntk_parametrisation_figure", "ntk_training_figure", "ntk_width_figure"]
