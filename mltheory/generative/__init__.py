"""Generative models: exact likelihoods of flows and autoregressive models, adversarial games, bounds on mutual information.

The public functions are re-exported here; ``mltheory.generative.claims`` holds the checked results of the
book's Generative models part (one module per page) and ``mltheory.generative.figures`` its figures.
"""

from .flows import (
    LogisticAutoregressive,
    RealNVP,
    affine_coupling,
    autoregressive_nll,
    binarised_digits,
    bits_per_dim,
    fit_autoregressive,
    fit_flow,
    flow_log_prob,
    independent_bernoulli,
    realnvp,
    standard_normal_log_prob,
    two_moons,
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
    "LogisticAutoregressive",
    "MixtureGAN",
    "RealNVP",
    "affine_coupling",
    "autoregressive_nll",
    "barber_agakov_bound",
    "binarised_digits",
    "bits_per_dim",
    "correlated_gaussians",
    "dirac_gan",
    "fit_autoregressive",
    "fit_discriminator",
    "fit_flow",
    "flow_log_prob",
    "game_jacobian",
    "gan_losses",
    "gaussian_infonce",
    "gaussian_log_ratio_critic",
    "gaussian_mixture",
    "gaussian_mutual_information",
    "independent_bernoulli",
    "infonce",
    "optimal_discriminator",
    "realnvp",
    "standard_normal_log_prob",
    "train_mixture_gan",
    "two_moons",
]
