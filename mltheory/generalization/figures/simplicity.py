"""Figures of the page on simplicity bias."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.simplicity import LINEAR, SLAB, randomised_accuracies, slab_network, trained_network
from ..simplicity import NEGATIVE_SLABS, POSITIVE_SLABS

__all__ = ["simplicity_figure"]


def _decision_map(ax, predict, x_test, y_test, title: str, points: int = 300):
    """Shade the plane of (linear, slab) coordinates by the predicted class and draw test points on it."""
    grid = torch.linspace(-1.2, 1.2, 241)
    linear, slab = torch.meshgrid(grid, grid, indexing="xy")
    with torch.no_grad():
        predicted = predict(linear.flatten(), slab.flatten()).reshape(linear.shape)
    ax.contourf(linear, slab, predicted, levels=[-0.5, 0.5, 1.5], colors=[PALETTE[1], PALETTE[0]], alpha=0.18)
    for label, color, marker in ((1, PALETTE[0], "o"), (0, PALETTE[1], "x")):
        chosen = (y_test[:points] == label).nonzero().flatten()
        ax.scatter(x_test[chosen, LINEAR], x_test[chosen, SLAB], s=8, color=color, marker=marker,
                   label=f"$y = {2 * label - 1:+d}$")
    ax.set(xlabel="linear coordinate $x_0$", ylabel="slab coordinate $x_1$", title=title, aspect="equal")


@figure_function
def simplicity_figure():
    """Decision regions of the network trained on all coordinates and of the one trained on the slab alone, over
    the (linear, slab) plane, and the first network's test accuracy with each feature permuted."""
    fig, (full_ax, slab_ax, bars) = new_figure(1, 3, width=10.0, height=3.6)
    net, x_test, y_test = trained_network()
    slab_net = slab_network()[0]

    def predict_full(linear, slab):  # the 48 noise coordinates at their mean, 0
        inputs = torch.zeros(len(linear), x_test.shape[1])
        inputs[:, LINEAR], inputs[:, SLAB] = linear, slab
        return net(inputs).argmax(-1)

    _decision_map(full_ax, predict_full, x_test, y_test, "trained on all coordinates")
    _decision_map(slab_ax, lambda linear, slab: slab_net(slab[:, None]).argmax(-1), x_test, y_test,
                  "trained on the slab coordinate")
    for centre in POSITIVE_SLABS + NEGATIVE_SLABS:
        slab_ax.axhline(centre, color="grey", linestyle=":", linewidth=0.6)
    full_ax.legend(fontsize=7, loc="upper left")
    accuracies = randomised_accuracies()
    names = ["clean", "linear randomised", "slab randomised"]
    bars.bar(range(3), [accuracies[name] for name in names], color=[PALETTE[2], PALETTE[1], PALETTE[0]])
    bars.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    bars.axhline(0.75, color="grey", linestyle="--", linewidth=1)
    bars.text(1, 0.77, "both features,\nequal votes", fontsize=7, ha="center", va="bottom")
    bars.text(1, 0.52, "chance", fontsize=7, ha="center", va="bottom")
    bars.set_xticks(range(3), ["clean", "linear\npermuted", "slab\npermuted"])
    bars.set(xlabel="test set", ylabel="test accuracy", ylim=(0, 1.05), title="which feature is used")
    return fig
