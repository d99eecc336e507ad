"""Generative models: autoencoders and latent spaces, adversarial games, and bounds on mutual information.

The public functions are re-exported here; ``mltheory.generative.claims`` holds the checked results of the
book's Generative models part (one module per page) and ``mltheory.generative.figures`` its figures.
"""

from .autoencoders import (
    PCA,
    LinearAutoencoder,
    autoencoder,
    knn_leave_one_out,
    linear_autoencoder,
    pca,
    principal_angles,
)
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
    "LinearAutoencoder",
    "MixtureGAN",
    "PCA",
    "autoencoder",
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
    "knn_leave_one_out",
    "linear_autoencoder",
    "optimal_discriminator",
    "pca",
    "principal_angles",
    "train_mixture_gan",
]
