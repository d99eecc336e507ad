"""Figures of the page on latent spaces and autoencoders."""

from __future__ import annotations

from ...information.figures.tsne import _DIGIT_COLOURS
from ...data import digits
from ...plotting import PALETTE, figure_function, new_figure
from ..autoencoders import knn_leave_one_out, pca
from ..claims.latent_spaces import CODE_DIMENSION, EPOCHS, LOSS_TARGET, NEIGHBOURS, digits_linear_autoencoder, digits_maps

__all__ = ["digits_maps_figure", "linear_autoencoder_figure"]


@figure_function
def digits_maps_figure(epochs: int = EPOCHS, tsne_iterations: int = 1000, seed: int = 0):
    """The digits in three 2-D maps (PCA, a tanh autoencoder, t-SNE), coloured by label, with their leave-one-out k-NN accuracy."""
    maps = digits_maps(epochs, tsne_iterations, seed)
    labels = maps["labels"]
    fig, axes = new_figure(1, 3, width=11.0, height=3.8)
    for ax, name in zip(axes, ("PCA", "autoencoder", "t-SNE")):
        points = maps[name]
        for digit in range(10):
            chosen = labels == digit
            ax.scatter(points[chosen, 0], points[chosen, 1], s=3, color=_DIGIT_COLOURS[digit])
            centre = points[chosen].median(dim=0).values
            ax.annotate(str(digit), centre.tolist(), fontsize=11, weight="bold", ha="center", va="center")
        accuracy = knn_leave_one_out(points, labels, neighbours=NEIGHBOURS).mean().item()
        ax.set(xlabel=f"{name} coordinate 1", ylabel=f"{name} coordinate 2",
               title=f"{name}: {NEIGHBOURS}-NN accuracy {accuracy:.3f}")
    return fig


@figure_function
def linear_autoencoder_figure(k: int = CODE_DIMENSION, steps: int = 3000):
    """The excess loss of a linear autoencoder on the digits during training, and the spectrum it discards."""
    model = digits_linear_autoencoder(k, steps)
    spectrum = pca(digits()[0], 1).variances
    fig, axes = new_figure(1, 2, height=3.4)
    optimum = spectrum[k:].sum().item()
    excess = (model.losses - optimum).clamp(min=1e-16)
    axes[0].semilogy(excess.tolist(), color=PALETTE[0])
    axes[0].axhline(LOSS_TARGET, color=PALETTE[1], linestyle="--", linewidth=1)
    axes[0].annotate("target of the check", (len(excess) - 1, LOSS_TARGET), xytext=(0, 4), textcoords="offset points",
                     ha="right", va="bottom", fontsize=8, color=PALETTE[1])
    axes[0].set(xlabel="gradient step", ylabel=r"$L(D, E) - \sum_{i>k}\lambda_i$",
                title=f"excess reconstruction error, k = {k}")
    index, values = list(range(1, len(spectrum) + 1)), spectrum.tolist()
    axes[1].bar(index[:k], values[:k], color=PALETTE[0], label="kept (top k)")
    axes[1].bar(index[k:], values[k:], color=PALETTE[1], label="discarded: their sum is the error")
    axes[1].set(xlabel="eigenvalue index i", ylabel=r"eigenvalue $\lambda_i$ of the covariance",
                title="spectrum of the digits")
    axes[1].legend(fontsize=8)
    return fig
