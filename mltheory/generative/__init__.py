"""Generative models: adversarial games and bounds on mutual information.

The public functions are re-exported here; ``mltheory.generative.claims`` holds the checked results of the
book's Generative models part (one module per page) and ``mltheory.generative.figures`` its figures.
"""

from .gans import (
    DIRAC_METHODS,
    GAN_LOSSES,
    MixtureGAN,
    dirac_gan,
    fit_discriminator,
    game_jacobian,
    gan_losses,
    gaussian_mixture,
    optimal_discriminator,
    train_mixture_gan,
)
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
    "DIRAC_METHODS",
    "GAN_LOSSES",
    "GaussianInfoNCE",
    "MixtureGAN",
    "barber_agakov_bound",
    "correlated_gaussians",
    "dirac_gan",
    "fit_discriminator",
    "game_jacobian",
    "gan_losses",
    "gaussian_infonce",
    "gaussian_log_ratio_critic",
    "gaussian_mixture",
    "gaussian_mutual_information",
    "infonce",
    "optimal_discriminator",
    "train_mixture_gan",
]
