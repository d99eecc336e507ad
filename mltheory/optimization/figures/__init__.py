"""Figures of the Optimization part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .adaptive import reddi_figure
from .batch_size import critical_batch_figure
from .derivatives import finite_difference_error_figure
from .momentum import iterations_figure, momentum_trajectories_figure, spectral_radius_figure
from .quadratics import edge_of_stability_figure, quadratic_descent_figure
from .second_order import conjugate_gradient_figure, natural_gradient_paths_figure

__all__ = [
    "conjugate_gradient_figure",
    "critical_batch_figure",
    "edge_of_stability_figure",
    "finite_difference_error_figure",
    "iterations_figure",
    "momentum_trajectories_figure",
    "natural_gradient_paths_figure",
    "quadratic_descent_figure",
    "reddi_figure",
    "spectral_radius_figure",
]
