"""Distances between probability distributions: total variation, Hellinger, Jensen–Shannon, f-divergences, Wasserstein.

The public functions are re-exported here; ``mltheory.distances.claims``
holds the checked results of the book's chapter on distances.
"""

from .measures import (
    F_DIVERGENCES,
    f_divergence,
    gaussian_wasserstein_2,
    hellinger,
    js_divergence,
    kl_monte_carlo,
    symmetrized_kl,
    total_variation,
    wasserstein_1d,
)

__all__ = [
    "F_DIVERGENCES",
    "f_divergence",
    "gaussian_wasserstein_2",
    "hellinger",
    "js_divergence",
    "kl_monte_carlo",
    "symmetrized_kl",
    "total_variation",
    "wasserstein_1d",
]
