"""Figures of the page on the linear teacher–student in time."""

from __future__ import annotations

import math

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.teacher_student import FLOW_TIMES, SIGMAS, best_stopping_time, flow_experiment
from ..teacher_student import egen_ridge, egen_theory

__all__ = ["test_curve_figure"]


@figure_function
def test_curve_figure(P: int = 200, ratios=(0.5, 1.0, 2.0), teachers: int = 40, times=FLOW_TIMES, seed: int = 0):
    """Test and training error against training time: gradient flow over teachers against (6.0.14), for several r.

    The defaults are those of the claim eq-teacher-student-egen, whose simulation the figure shows.
    """
    fig, axes = new_figure(1, len(ratios), height=3.4)
    fine = torch.logspace(math.log10(times[0]), math.log10(times[-1]), 300, dtype=torch.float64)
    for index, (ax, r) in enumerate(zip(axes, ratios)):
        test, training, eigenvalues = flow_experiment(P, r, teachers, tuple(times), seed + index, False)
        mean, error = test.mean(0), test.std(0) / math.sqrt(teachers)
        ax.errorbar(times, mean, yerr=error, fmt="o", color=PALETTE[0], markersize=4,
                    label=f"test, mean of {teachers} teachers")
        ax.plot(fine, egen_theory(eigenvalues, fine, **SIGMAS), color=PALETTE[1], label="(6.0.14)")
        ax.plot(times, training.mean(0), "s--", color=PALETTE[2], markersize=3, label="training")
        ridge = egen_ridge(eigenvalues, SIGMAS["sigma_eps"] ** 2 / SIGMAS["sigma_w"] ** 2,
                           SIGMAS["sigma_w"], SIGMAS["sigma_eps"]).item()
        ax.axhline(ridge, color="grey", linestyle=":", linewidth=1, label="optimal ridge")
        stop, _ = best_stopping_time(eigenvalues, **SIGMAS)
        ax.axvline(stop, color=PALETTE[1], linestyle=":", linewidth=1)
        ax.set_xscale("log")
        ax.set(xlabel="training time $t$", ylabel="mean squared error", title=f"$r = D/P = {r:g}$", ylim=(0, 2.6))
    axes[0].legend(fontsize=7)
    return fig
