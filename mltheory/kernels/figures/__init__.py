"""Figures of the part on infinite width, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .nngp import kurtosis_figure, posterior_figure

__all__ = ["kurtosis_figure", "posterior_figure"]
