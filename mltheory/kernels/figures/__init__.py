"""Figures of the part on infinite width, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .blocks import attention_figure, digits_figure, flops_figure
from .nngp import kurtosis_figure, posterior_figure
from .ntk import ntk_parametrisation_figure, ntk_training_figure, ntk_width_figure

__all__ = [
    "attention_figure",
    "digits_figure",
    "flops_figure",
    "kurtosis_figure",
    "ntk_parametrisation_figure",
    "ntk_training_figure",
    "ntk_width_figure",
    "posterior_figure",
]
