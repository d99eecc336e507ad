"""Figures of the Information part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .computation import energy_per_operation_figure
from .entropy import (
    binary_entropy_figure,
    compression_figure,
    counting_figure,
    predicted_counting_gap,
    sandwich_figure,
    simplex_entropy_figure,
)
from .fisher import jeffreys_figure, path_divergence_figure
from .kl import kl_asymmetry_figure, kl_counting_figure
from .maxent import equal_variance_figure, jaynes_die_figure
from .mutual import noisy_channel_figure
from .tsne import tsne_cluster_size_figure, tsne_digits_figure, tsne_perplexity_figure

__all__ = [
    "binary_entropy_figure",
    "compression_figure",
    "counting_figure",
    "energy_per_operation_figure",
    "equal_variance_figure",
    "jaynes_die_figure",
    "jeffreys_figure",
    "kl_asymmetry_figure",
    "kl_counting_figure",
    "noisy_channel_figure",
    "path_divergence_figure",
    "sandwich_figure",
    "simplex_entropy_figure",
    "tsne_cluster_size_figure",
    "tsne_digits_figure",
    "tsne_perplexity_figure",
]
