"""Figures of the page on simplicity bias."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.simplicity import (
    ALIGNMENT_EPOCHS, ALIGNMENT_K, LINEAR, SLAB, alignment_histories, data_energy, randomised_accuracies,
    slab_network, trained_network,
)
from ..simplicity import NEGATIVE_SLABS, POSITIVE_SLABS

__all__ = ["alignment_figure", "simplicity_figure"]


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


def _mean_and_error(histories, key: str, start: int = 0):
    """The mean of one recorded quantity over the seeds at each epoch from ``start``, and its standard error."""
    values = torch.tensor([[record[key] for record in history[start:]] for history in histories], dtype=torch.float64)
    return values.mean(0), values.std(0) / len(histories) ** 0.5


@figure_function
def alignment_figure(epochs: int = ALIGNMENT_EPOCHS):
    """The principal energy of the first layer's change and of its covariance during SGD on random labels, against
    the data's own and the isotropic value, and the commutator misalignment of the covariance with the data's."""
    fig, (energy_ax, commutator_ax) = new_figure(1, 2, width=9.0, height=3.4)
    histories = alignment_histories(epochs)
    steps = torch.arange(epochs + 1)
    for key, start, color, label in (("change energy", 1, PALETTE[0], r"change $\Delta^\top\Delta$"),
                                     ("energy", 0, PALETTE[2], r"weights $W^\top W$")):
        mean, error = _mean_and_error(histories, key, start)
        energy_ax.errorbar(steps[start:], mean, yerr=error, color=color, marker="o", markersize=3, label=label)
    energy_ax.axhline(data_energy(), color=PALETTE[1], linestyle="--", linewidth=1,
                      label=r"data $\Sigma_x$")
    energy_ax.axhline(ALIGNMENT_K / 64, color="grey", linestyle=":", linewidth=1, label="isotropic, $k/d$")
    energy_ax.set(xlabel="epoch of SGD on random labels", ylabel=f"fraction in top {ALIGNMENT_K} directions",
                  ylim=(0, 1), title="energy in the data's principal directions")
    energy_ax.legend(fontsize=7)
    mean, error = _mean_and_error(histories, "misalignment")
    commutator_ax.errorbar(steps, mean, yerr=error, color=PALETTE[3], marker="o", markersize=3)
    accuracy_ax = commutator_ax.twinx()
    mean, _ = _mean_and_error(histories, "accuracy")
    accuracy_ax.plot(steps, mean, color="grey", linestyle="--", linewidth=1)
    accuracy_ax.set(xlabel="epoch of SGD on random labels", ylabel="training accuracy (dashed)", ylim=(0, 1))
    commutator_ax.set(xlabel="epoch of SGD on random labels",
                      ylabel=r"$\|\Sigma_W\Sigma_x - \Sigma_x\Sigma_W\|_F / (\|\Sigma_W\|_F \|\Sigma_x\|_F)$",
                      ylim=(0, None), title="commutator misalignment")
    return fig
