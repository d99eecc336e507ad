"""Generative models: the ELBO and VAEs, adversarial games, and bounds on mutual information.

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
from .vae import ELBO, PPCA, VAE, LinearVAE, elbo, iwae_bound, kl_std_normal, linear_vae, ppca_optimum, vae

__all__ = [
    "DIRAC_METHODS",
    "ELBO",
    "GAN_LOSSES",
    "GaussianInfoNCE",
    "LinearVAE",
    "MixtureGAN",
    "PPCA",
    "VAE",
    "barber_agakov_bound",
    "correlated_gaussians",
    "dirac_gan",
    "elbo",
    "fit_discriminator",
    "game_jacobian",
    "gan_losses",
    "gaussian_infonce",
    "gaussian_log_ratio_critic",
    "gaussian_mixture",
    "gaussian_mutual_information",
    "infonce",
    "iwae_bound",
    "kl_std_normal",
    "linear_vae",
    "optimal_discriminator",
    "ppca_optimum",
    "train_mixture_gan",
    "vae",
]
