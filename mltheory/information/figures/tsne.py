"""Figures of the page on SNE and t-SNE."""

from __future__ import annotations

import torch

from ...data import digits
from ...plotting import PALETTE, figure_function, new_figure
from ..claims.tsne import digits_embeddings, two_clusters_embedding
from ..tsne import tsne, tsne_stopping_iteration

#: The tolerance of the early stop that the digits figure and page show (see :func:`mltheory.information.tsne`).
STOP_TOL = 0.01

__all__ = ["tsne_cluster_size_figure", "tsne_digits_figure", "tsne_perplexity_figure"]

_DIGIT_COLOURS = (*PALETTE[:7], "#999999", "#882255", "#44AA99")


def _scatter_digits(ax, embedding, labels, title):
    for digit in range(10):
        chosen = labels == digit
        ax.scatter(embedding[chosen, 0], embedding[chosen, 1], s=3, color=_DIGIT_COLOURS[digit], label=str(digit))
        centre = embedding[chosen].median(dim=0).values
        ax.annotate(str(digit), centre.tolist(), fontsize=11, weight="bold", ha="center", va="center")
    ax.set(xlabel="t-SNE coordinate 1", ylabel="t-SNE coordinate 2", title=title)


@figure_function
def tsne_digits_figure(n_points: int = 1797, perplexity: float = 30.0, seed: int = 0):
    """Our t-SNE of the digits beside scikit-learn's, and the objective during our optimisation."""
    run = digits_embeddings(n_points, perplexity, seed)
    fig, axes = new_figure(1, 3, width=11.0, height=3.8)
    _scatter_digits(axes[0], run["ours"], run["labels"],
                    f"ours: T₅ = {run['ours_trustworthiness']:.4f}, {run['ours_seconds']:.1f} s")
    _scatter_digits(axes[1], run["theirs"], run["labels"],
                    f"scikit-learn: T₅ = {run['theirs_trustworthiness']:.4f}, {run['theirs_seconds']:.1f} s")
    history = run["history"]
    axes[2].semilogy(history[:, 0], history[:, 1], "o-", markersize=3)
    axes[2].axvline(250, color="black", linestyle=":", linewidth=1)
    axes[2].annotate("end of early\nexaggeration", (250, history[:, 1].max().item()), xytext=(6, 0),
                     textcoords="offset points", fontsize=8, va="top")
    axes[2].axhline(run["theirs_kl"], color=PALETTE[1], linestyle="--", linewidth=1)
    axes[2].annotate("scikit-learn, final", (history[-1, 0].item(), run["theirs_kl"]), xytext=(0, 4),
                     textcoords="offset points", fontsize=8, ha="right", va="bottom", color=PALETTE[1])
    stop = tsne_stopping_iteration(history, STOP_TOL)
    axes[2].axvline(stop, color=PALETTE[2], linestyle="-.", linewidth=1)
    axes[2].annotate(f"tol={STOP_TOL:g}\nstops here", (stop, history[:, 1].max().item()), xytext=(4, -24),
                     textcoords="offset points", fontsize=8, va="top", color=PALETTE[2])
    axes[2].set(xlabel="iteration", ylabel="D(P ‖ Q) in nats (exaggerated P at first)", title="our objective")
    return fig


@figure_function
def tsne_perplexity_figure(n_points: int = 500, perplexities=(5.0, 30.0, 100.0), seed: int = 0):
    """The same digits embedded at several perplexities: more neighbours, more global structure."""
    images, labels = digits()
    images, labels = images[:n_points], labels[:n_points]
    fig, axes = new_figure(1, len(perplexities), width=10.5, height=3.4)
    for ax, perplexity in zip(axes, perplexities):
        embedding = tsne(images, perplexity=perplexity, seed=seed).embedding
        _scatter_digits(ax, embedding, labels, f"perplexity {perplexity:g}")
    return fig


@figure_function
def tsne_cluster_size_figure(n_per_cluster: int = 150, spreads=(1.0, 10.0), seed: int = 0):
    """Two clusters whose spreads differ tenfold come out of t-SNE the same size."""
    run = two_clusters_embedding(n_per_cluster, tuple(spreads), seed=seed)
    fig, axes = new_figure(1, 2, width=9.0, height=3.4)
    panels = ((run["x"], run["data_spreads"], "data (first two coordinates)", "coordinate"),
              (run["embedding"], run["map_spreads"], "t-SNE map", "t-SNE coordinate"))
    for ax, (points, radii, title, name) in zip(axes, panels):
        for cluster in range(len(spreads)):
            chosen = run["labels"] == cluster
            ax.scatter(points[chosen, 0], points[chosen, 1], s=4, color=PALETTE[cluster])
        radii = " and ".join(f"{radius:.3g}" for radius in radii.tolist())
        ax.set(xlabel=f"{name} 1", ylabel=f"{name} 2", title=f"{title}\nRMS cluster radii {radii}")
        ax.set_aspect("equal", adjustable="datalim")
    return fig
