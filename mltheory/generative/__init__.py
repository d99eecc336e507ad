"""Generative models: latent spaces, likelihoods, adversarial games, and bounds on mutual information.

The public functions are re-exported here; ``mltheory.generative.claims`` holds the checked results of the
book's Generative models part (one module per page) and ``mltheory.generative.figures`` its figures.
"""

from .mutual_information import (
    GaussianInfoNCE,
    barber_agakov_bound,
    correlated_gaussians,
    gaussian_infonce,
    gaussian_log_ratio_critic,
    gaussian_mutual_information,
    infonce,
)

__all__ = [
    "GaussianInfoNCE",
    "barber_agakov_bound",
    "correlated_gaussians",
    "gaussian_infonce",
    "gaussian_log_ratio_critic",
    "gaussian_mutual_information",
    "infonce",
]
