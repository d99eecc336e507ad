"""Figures of the Information part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .entropy import (
    binary_entropy_figure,
    compression_figure,
    counting_figure,
    predicted_counting_gap,
    sandwich_figure,
    simplex_entropy_figure,
)

__all__ = [
    "binary_entropy_figure",
    "compression_figure",
    "counting_figure",
    "sandwich_figure",
    "simplex_entropy_figure",
]
