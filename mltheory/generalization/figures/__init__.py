"""Figures of the Generalization part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .bounds import certificate_figure, cover_figure
from .overfitting import overfitting_figure
from .random_matrices import marchenko_pastur_figure, overfitting_term_figure

__all__ = ["certificate_figure", "cover_figure", "marchenko_pastur_figure", "overfitting_figure", "overfitting_term_figure"]
