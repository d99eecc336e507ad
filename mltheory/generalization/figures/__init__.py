"""Figures of the Generalization part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .double_descent import random_features_figure, ridgeless_figure
from .overfitting import overfitting_figure
from .random_matrices import marchenko_pastur_figure, overfitting_term_figure
from .teacher_student import test_curve_figure

from .simplicity import simplicity_figure

__all__ = [
    "marchenko_pastur_figure",
    "overfitting_figure",
    "overfitting_term_figure",
    "random_features_figure",
    "ridgeless_figure",
    "simplicity_figure",
    "test_curve_figure",
]
