"""Figures of the Probability and estimation part, one module per page; each function returns a figure."""

from .cramer_rao import cramer_rao_figure, exponential_mle_figure, james_stein_figure
from .cumulants import clt_histogram_figure, clt_shape_figure, marcinkiewicz_figure
from .estimators import noise2noise_figure, variance_estimators_figure
from .losses import calibration_figure, regularization_figure, robust_regression_figure
from .sampling import gradient_variance_figure, gumbel_figure

__all__ = [
    "calibration_figure",
    "clt_histogram_figure",
    "clt_shape_figure",
    "cramer_rao_figure",
    "exponential_mle_figure",
    "gradient_variance_figure",
    "gumbel_figure",
    "james_stein_figure",
    "marcinkiewicz_figure",
    "noise2noise_figure",
    "regularization_figure",
    "robust_regression_figure",
    "variance_estimators_figure",
]
