"""Figures of the Generalization part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .bounds import certificate_figure, cover_figure
from .double_descent import random_features_figure, ridgeless_figure
from .overfitting import overfitting_figure
from .random_matrices import marchenko_pastur_figure, overfitting_term_figure
from .sharpness import sharpness_figure
from .simplicity import alignment_figure, simplicity_figure
from .teacher_student import test_curve_figure

__all__ = [
    "alignment_figure",
    "certificate_figure",
    "cover_figure",
    "marchenko_pastur_figure",
    "overfitting_figure",
    "overfitting_term_figure",
    "random_features_figure",
    "ridgeless_figure",
    "sharpness_figure",
    "simplicity_figure",
    "test_curve_figure",
]
