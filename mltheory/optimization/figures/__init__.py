"""Figures of the Optimization part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .batch_size import critical_batch_figure
from .derivatives import finite_difference_error_figure
from .quadratics import edge_of_stability_figure, quadratic_descent_figure

__all__ = ["critical_batch_figure", "edge_of_stability_figure", "finite_difference_error_figure", "quadratic_descent_figure"]
