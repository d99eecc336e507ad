"""Figures of the page on the limits of computation."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..computation import landauer_limit

__all__ = ["energy_per_operation_figure"]


@figure_function
def energy_per_operation_figure(gpu_watts: float = 250.0, gpu_operations_per_second: float = 1e14):
    """Energy per 32-bit operation: a GPU of the late 2010s against Landauer's bound at several temperatures."""
    temperatures = torch.tensor([3.0, 77.0, 300.0], dtype=torch.float64)
    bounds = landauer_limit(32, temperatures)
    names = [f"Landauer, {t:g} K" for t in temperatures.tolist()] + ["GPU (250 W, 10¹⁴ op/s)"]
    energies = torch.cat([bounds, torch.tensor([gpu_watts / gpu_operations_per_second], dtype=torch.float64)])
    fig, ax = new_figure(width=6.5, height=3.0)
    ax.barh(names, energies.numpy(), color=[PALETTE[0]] * len(temperatures) + [PALETTE[1]])
    ax.set_xscale("log")
    for y, energy in enumerate(energies.tolist()):
        ax.annotate(f"{energy:.1e} J", (energy, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set(xlabel="energy per 32-bit operation (J, log scale)", ylabel="", xlim=(1e-23, 1e-10),
           title="energy per operation: a GPU against the Landauer bound")
    ax.set_ylabel("bound or device")
    return fig
