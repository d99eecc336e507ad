"""Figures of the Optimization part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .derivatives import finite_difference_error_figure
from .momentum import iterations_figure, momentum_trajectories_figure, spectral_radius_figure
from .quadratics import edge_of_stability_figure, quadratic_descent_figure

__all__ = [
    "edge_of_stability_figure",
    "finite_difference_error_figure",
    "iterations_figure",
    "momentum_trajectories_figure",
    "quadratic_descent_figure",
    "spectral_radius_figure",
]
