"""Figures of the page on generalization bounds."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..bounds import cover_count
from ..claims.bounds import digits_certificate, digits_test_errors

__all__ = ["certificate_figure", "cover_figure"]


@figure_function
def cover_figure(dimensions=(5, 25, 125)):
    """The fraction C(P, N)/2^P of dichotomies a hyperplane through the origin realises, against P/N."""
    fig, ax = new_figure(height=3.2)
    for index, N in enumerate(dimensions):
        points = range(1, 4 * N + 1)
        ax.plot([P / N for P in points], [cover_count(P, N) / 2**P for P in points], color=PALETTE[index],
                label=f"$N = {N}$")
    ax.axvline(2, color="grey", linestyle=":", linewidth=1)
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set(xlabel="points per dimension $P/N$", ylabel="fraction of dichotomies realised",
           title="Cover's count: the capacity of a hyperplane is $2N$ points")
    ax.legend(fontsize=8)
    return fig


@figure_function
def certificate_figure(steps: int = 1000):
    """The bound during the optimisation of the posterior, and the certified bound with its parts and the test error."""
    result = digits_certificate(steps)
    test = digits_test_errors(steps).mean().item()
    fig, (left, right) = new_figure(1, 2, height=3.4)
    window = max(steps // 20, 1)
    smoothed = torch.nn.functional.avg_pool1d(result.history.T[:, None, :], window, stride=1)[:, 0, :]
    step = torch.arange(window, steps + 1)
    for column, (label, colour) in enumerate((("objective", PALETTE[0]), ("logistic loss / log 2", PALETTE[1]),
                                              (r"complexity $\sqrt{c/2}$", PALETTE[2]))):
        left.plot(step, smoothed[column], color=colour, label=label)
    left.set(xlabel="Adam step", ylabel=f"mean of the last {window} steps", ylim=(0, 1.5),
             title="McAllester's bound during training")
    left.legend(fontsize=8, loc="upper right")
    parts = {
        "training\nerror": result.empirical_error,
        "its bound\n(sampling)": result.empirical_error_bound,
        "certified\nbound": result.bound,
        "test\nerror": test,
    }
    colours = [PALETTE[1], PALETTE[1], PALETTE[0], PALETTE[3]]
    bars = right.bar(list(parts), list(parts.values()), color=colours)
    right.bar(["certified\nbound"], [result.bound - result.empirical_error_bound],
              bottom=[result.empirical_error_bound], color=PALETTE[2], label="added by the KL term")
    right.bar_label(bars, fmt="%.3f", fontsize=8)
    right.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    right.set(xlabel="the certificate and the measured error", ylabel="error rate", ylim=(0, 0.6), title=f"KL = {result.kl:.0f} nats, n = {result.n}")
    right.legend(fontsize=8, loc="upper left")
    return fig
