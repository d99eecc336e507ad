"""Figures of the page on the neural tangent kernel."""

from __future__ import annotations

import math

import numpy as np
import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..layers import Dense, Relu, serial
from ..training import empirical_ntk, lazy_data, lazy_training, power_law_fit

__all__ = ["ntk_parametrisation_figure", "ntk_training_figure", "ntk_width_figure"]

WIDTHS = (64, 256, 1024, 4096)


def _fitted(ax, widths, errors, color, marker, label):
    """RMS over seeds with each seed faint, and the weighted power-law fit of :func:`power_law_fit`."""
    n = np.array(widths, dtype=float)
    for s in range(errors.shape[1]):
        ax.loglog(n, errors[:, s], marker, color=color, alpha=0.2, markersize=3)
    slope, standard_error, prefactor = power_law_fit(widths, errors)
    ax.loglog(n, errors.pow(2).mean(1).sqrt(), marker, color=color, label=label)
    ax.loglog(n, prefactor * n**slope, "-", color=color, linewidth=1,
              label=f"fit: $n^{{{slope:.2f} \\pm {standard_error:.2f}}}$")


@figure_function
def ntk_width_figure(widths=WIDTHS, seeds: int = 8):
    """The empirical NTK at initialisation and its change in training (left); the trained network's distance from the NTK prediction (right)."""
    result = lazy_training(tuple(widths), seeds=seeds)
    n = np.array(widths, dtype=float)
    fig, (left, right) = new_figure(1, 2, height=3.6)
    _fitted(left, widths, result["initial"], PALETTE[0], "o", r"$\|\hat\Theta_0 - \Theta\|_F / \|\Theta\|_F$")
    _fitted(left, widths, result["moved"], PALETTE[1], "s", r"$\|\hat\Theta_t - \hat\Theta_0\|_F / \|\hat\Theta_0\|_F$")
    for power, style in ((-0.5, ":"), (-1.0, "--")):
        left.loglog(n, 0.3 * (n / n[0]) ** power, style, color="black", linewidth=0.8,
                    label=f"$n^{{{power:g}}}$")
    left.set(xlabel="width n (hidden units)", ylabel="relative Frobenius distance", title="the kernel")
    left.legend(fontsize=7)
    _fitted(right, widths, result["prediction"], PALETTE[2], "o", r"from $f_0 + \mu_t$")
    right.loglog(n, result["offset"].pow(2).mean(1).sqrt(), "s--", color=PALETTE[3], label=r"from $\mu_t$ alone")
    right.set(xlabel="width n (hidden units)", ylabel="rms distance / rms target", title="the trained network")
    right.legend(fontsize=7)
    return fig


@figure_function
def ntk_training_figure(widths=(WIDTHS[0], WIDTHS[-1]), seeds: int = 8):
    """Trained networks of two widths on the circle task, each beside its infinite-width prediction f_0 + mu_t."""
    result = lazy_training(tuple(WIDTHS), seeds=seeds)
    x_train, y_train, x_test = lazy_data()
    angle = torch.atan2(x_test[:, 1], x_test[:, 0]).remainder(2 * math.pi)
    order = angle.argsort()
    train_angle = torch.atan2(x_train[:, 1], x_train[:, 0]).remainder(2 * math.pi)
    fig, axes = new_figure(1, len(widths), height=3.2)
    for ax, width in zip(np.atleast_1d(axes), widths):
        row = WIDTHS.index(width)
        for s, color in zip(range(3), PALETTE):
            ax.plot(angle[order], result["trained"][row, s][order], "-", color=color, linewidth=1.4,
                    label="trained network" if s == 0 else None)
            ax.plot(angle[order], result["linear"][row, s][order], "--", color="black", linewidth=0.9,
                    label=r"$f_0 + \mu_t$ (NTK)" if s == 0 else None)
        ax.plot(angle[order], result["infinite"][order], ":", color="0.5", linewidth=1.2, label=r"mean $\mu_t$")
        ax.plot(train_angle, y_train, "ko", markersize=4, label="training points")
        ax.set(xlabel=r"angle $\phi$ of the input", ylabel="output", title=f"width {width}")
    np.atleast_1d(axes)[0].legend(fontsize=7)
    return fig


@figure_function
def ntk_parametrisation_figure(widths=(16, 64, 256, 1024, 4096), seeds: int = 8):
    r"""The empirical NTK :math:`\hat\Theta(x, x)` against the width in the two parametrisations, with the analytic values."""
    x = torch.tensor([[0.6, 0.8]], dtype=torch.float64)
    fig, ax = new_figure(width=6.0, height=3.6)
    n = np.array(widths, dtype=float)
    for color, parametrisation in zip(PALETTE, ("ntk", "standard")):
        model = serial(Dense(math.sqrt(2), 0.1, parametrisation), Relu(), Dense(1.0, 0.1, parametrisation))
        values = torch.tensor([[float(empirical_ntk(model.network(width, 100 * width + s, input_dim=2), x, x))
                                for s in range(seeds)] for width in widths])
        analytic = [float(model.ntk(x, x, width=width)) for width in widths]
        ax.loglog(n, values, "o", color=color, alpha=0.3, markersize=3)
        ax.loglog(n, analytic, "-", color=color, label=f"{parametrisation} parametrisation: analytic")
    ax.set(xlabel="width n (hidden units)", ylabel=r"$\hat\Theta(x, x)$", title="the NTK at one input, 8 networks per width")
    ax.legend(fontsize=8)
    return fig
