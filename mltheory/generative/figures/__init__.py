"""Figures of the Generative models part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .gans import dirac_trajectories_figure, discriminator_figure, generator_gradients_figure, mode_collapse_figure
from .mutual_information import infonce_cap_figure
from .vae import iwae_figure, ppca_collapse_figure, rate_distortion_figure, vae_latent_figure

__all__ = [
    "dirac_trajectories_figure",
    "discriminator_figure",
    "generator_gradients_figure",
    "infonce_cap_figure",
    "iwae_figure",
    "mode_collapse_figure",
    "ppca_collapse_figure",
    "rate_distortion_figure",
    "vae_latent_figure",
]
