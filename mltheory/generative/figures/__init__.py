"""Figures of the Generative models part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .mutual_information import infonce_cap_figure

__all__ = ["infonce_cap_figure"]
