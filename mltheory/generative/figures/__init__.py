"""Figures of the Generative models part, one module per page. Each function returns a ``matplotlib.figure.Figure``."""

from .flows import autoregressive_samples_figure, flow_density_figure
from .gans import dirac_trajectories_figure, discriminator_figure, generator_gradients_figure, mode_collapse_figure
from .latent_spaces import digits_maps_figure, linear_autoencoder_figure
from .mutual_information import infonce_cap_figure
from .vae import iwae_figure, ppca_collapse_figure, rate_distortion_figure, vae_latent_figure

__all__ = [
    "autoregressive_samples_figure",
    "digits_maps_figure",
    "dirac_trajectories_figure",
    "discriminator_figure",
    "flow_density_figure",
    "generator_gradients_figure",
    "infonce_cap_figure",
    "iwae_figure",
    "linear_autoencoder_figure",
    "mode_collapse_figure",
    "ppca_collapse_figure",
    "rate_distortion_figure",
    "vae_latent_figure",
]
