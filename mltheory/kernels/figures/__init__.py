"""Figures of the part on infinite width, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .blocks import attention_figure, digits_figure, flops_figure
from .classifier import digits_training_figure, linear_regions_figure
from .nngp import kurtosis_figure, posterior_figure
from .ntk import ntk_parametrisation_figure, ntk_training_figure, ntk_width_figure
from .signal import phase_diagram_figure, second_moment_figure

__all__ = [
    "attention_figure",
    "digits_figure",
    "digits_training_figure",
    "flops_figure",
    "kurtosis_figure",
    "linear_regions_figure",
    "ntk_parametrisation_figure",
    "ntk_training_figure",
    "ntk_width_figure",
    "phase_diagram_figure",
    "posterior_figure",
    "second_moment_figure",
]
