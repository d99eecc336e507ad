"""Figures of the page "A classifier, end to end"."""

from __future__ import annotations

import math

import numpy as np

from ...plotting import PALETTE, figure_function, new_figure
from ..classifier import regions_against_depth, train_digits_classifier

__all__ = ["digits_training_figure", "linear_regions_figure"]


@figure_function
def digits_training_figure(epochs: int = 30, seed: int = 0):
    """Training loss (left) and train/test accuracy (middle) per epoch of the digits MLP, and its test confusion matrix (right)."""
    result = train_digits_classifier(epochs=epochs, seed=seed)
    history = result["history"]
    epoch = [h["epoch"] for h in history]
    fig, (left, middle, right) = new_figure(1, 3, height=2.9)
    left.plot(epoch, [h["loss"] for h in history], "-", color=PALETTE[0])
    left.set(xlabel="epoch", ylabel="training cross-entropy (nats)", yscale="log", title="loss")
    train, test = [h["train_accuracy"] for h in history], [h["test_accuracy"] for h in history]
    middle.plot(epoch, train, "--", color=PALETTE[1], label="train")
    middle.plot(epoch, test, "-", color=PALETTE[2], label="test")
    # show every epoch: the lower limit is the lowest accuracy, rounded down to a tenth
    middle.set(xlabel="epoch", ylabel="accuracy", ylim=(math.floor(10 * min(train + test)) / 10, 1.0),
               title="accuracy")
    middle.legend(fontsize=7)
    confusion = result["confusion"].numpy()
    image = right.imshow(np.log1p(confusion), cmap="Blues")
    for (row, col), count in np.ndenumerate(confusion):
        if count:
            right.text(col, row, str(count), ha="center", va="center", fontsize=6,
                       color="white" if row == col else "black")
    right.set(xlabel="predicted digit", ylabel="true digit", xticks=range(10), yticks=range(10),
              title="test set")
    image.set_clim(0, math.log1p(confusion.max()))
    return fig


@figure_function
def linear_regions_figure(depths=tuple(range(1, 9)), width: int = 16, networks: int = 100):
    """Mean number of linear regions of random ReLU networks along a segment against depth, beside 2^L."""
    counts = regions_against_depth(tuple(depths), width=width, networks=networks)
    depth = np.array(depths, dtype=float)
    mean, error = counts.mean(1).numpy(), (counts.std(1) / math.sqrt(networks)).numpy()
    fig, ax = new_figure(1, 1, height=3.4)
    ax.errorbar(depth, mean, yerr=error, fmt="o-", color=PALETTE[0], capsize=2,
                label=f"random ReLU networks, width {width} (mean ± s.e.)")
    first = mean[0] - 1
    ax.plot(depth, 1 + first * depth, ":", color=PALETTE[1], linewidth=2, zorder=3,
            label="1 + (regions added by the first layer) × depth")
    ax.plot(depth, 2.0**depth, "--", color="black", linewidth=1, label=r"sawtooth, width 2: $2^L$")
    ax.plot(depth, (width + 1.0) ** depth, "-.", color="grey", linewidth=1, label=r"at most $(n + 1)^L$")
    ax.set(xlabel="depth L (hidden layers)", ylabel="linear regions on the segment", yscale="log")
    ax.set_ylim(1, 1e4)
    ax.legend(fontsize=7)
    return fig
