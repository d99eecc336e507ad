"""Figures of the page on adaptive methods."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.adaptive import reddi_runs

__all__ = ["reddi_figure"]


@figure_function
def reddi_figure(constant: float = 3.0, lr: float = 0.01, steps: int = 3000):
    """Adam and AMSGrad on Reddi et al.'s online problem: the iterate x_t, and its running average loss."""
    runs = reddi_runs(constant, lr, steps)
    t = torch.arange(steps + 1)
    fig, (left, right) = new_figure(1, 2, height=3.4)
    for color, (name, key) in zip(PALETTE, (("Adam", "adam"), ("AMSGrad", "amsgrad"))):
        x = runs[key]
        left.plot(t, x, color=color, linewidth=1, label=name)
        # f_t(x_t) for t = 1, 2, ...: C x when t mod 3 = 1, else -x
        coefficients = torch.where(t[1:] % 3 == 1, constant, -1.0)
        average = torch.cumsum(coefficients * x[:-1], 0) / t[1:]
        right.plot(t[1:], average, color=color, linewidth=1, label=name)
    left.axhline(-1, color="gray", linestyle="--", linewidth=1, label="minimiser $x = -1$")
    right.axhline(-(constant - 2) / 3, color="gray", linestyle="--", linewidth=1, label="best fixed $x$")
    left.set(xlabel="step t", ylabel="$x_t$", title=rf"iterates ($C = {constant:g}$, $\beta_2 = 1/(1+C^2)$)",
             ylim=(-1.1, 1.1))
    right.set(xlabel="step t", ylabel=r"$\frac{1}{t}\sum_{s=1}^{t} f_s(x_s)$", title="average online loss")
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    return fig
