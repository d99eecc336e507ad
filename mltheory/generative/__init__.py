"""Generative models: GANs as games.

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

__all__ = [
    "DIRAC_METHODS",
    "GAN_LOSSES",
    "MixtureGAN",
    "dirac_gan",
    "fit_discriminator",
    "game_jacobian",
    "gan_losses",
    "gaussian_mixture",
    "optimal_discriminator",
    "train_mixture_gan",
]
