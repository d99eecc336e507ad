"""Figures of the Probability and estimation part, one module per page; each function returns a figure."""

from .cumulants import clt_histogram_figure, clt_shape_figure, marcinkiewicz_figure

__all__ = ["clt_histogram_figure", "clt_shape_figure", "marcinkiewicz_figure"]
