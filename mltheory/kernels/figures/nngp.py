"""Figures of the page "Infinite width: the NNGP"."""

from __future__ import annotations

import math

import numpy as np
import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.nngp import REGRESSION_MODEL, kurtosis_model, one_hidden_layer_outputs, regression_data
from ..inference import nngp_posterior

__all__ = ["kurtosis_figure", "posterior_figure"]


def _erf_kurtosis_constant(nodes: int = 200) -> float:
    r""":math:`3E[\operatorname{erf}(h)^4]/E[\operatorname{erf}(h)^2]^2 - 3` for :math:`h \sim \mathcal N(0, 1)`, by Gauss–Hermite quadrature."""
    points, weights = np.polynomial.hermite_e.hermegauss(nodes)
    values = torch.erf(torch.as_tensor(points)).numpy()
    weights = weights / weights.sum()
    return 3 * float(weights @ values**4) / float(weights @ values**2) ** 2 - 3


@figure_function
def kurtosis_figure(samples: int = 20_000, widths=(1, 2, 4, 8, 16, 32, 64), seed: int = 0):
    """Left: the output of random ReLU networks of width 1 and 16 against the Gaussian; right: excess kurtosis against width."""
    fig, (left, right) = new_figure(1, 2, height=3.6)
    variance = float(kurtosis_model().nngp([[1.0]], [[1.0]]))
    grid = np.linspace(-3.5, 3.5, 301)
    for width, color in ((1, PALETTE[1]), (16, PALETTE[0])):
        outputs = one_hidden_layer_outputs(width, samples, seed) / math.sqrt(variance)
        left.hist(outputs.numpy(), bins=np.linspace(-3.5, 3.5, 71), density=True, histtype="step",
                  color=color, linewidth=1.4, label=f"width {width}")
    left.plot(grid, np.exp(-grid**2 / 2) / math.sqrt(2 * math.pi), "k--", linewidth=1.0, label="standard normal")
    left.set(xlabel=r"output $f(x)/\sqrt{K(x, x)}$", ylabel="density", yscale="log", ylim=(1e-3, 3),
             title="one hidden ReLU layer: outputs of random networks")
    left.legend(loc="upper right")
    n = np.asarray(widths, dtype=float)
    constants = {"ReLU": 15.0, "erf": _erf_kurtosis_constant()}
    for (name, constant), color in zip(constants.items(), (PALETTE[0], PALETTE[2])):
        model = kurtosis_model("relu" if name == "ReLU" else "erf")
        k = float(model.nngp([[1.0]], [[1.0]]))
        means, errors = [], []
        for i, width in enumerate(widths):
            excess = one_hidden_layer_outputs(width, samples, seed + 100 + i, "relu" if name == "ReLU" else "erf")
            excess = excess**4 / k**2 - 3
            means.append(float(excess.mean()))
            errors.append(2 * float(excess.std()) / math.sqrt(samples))
        right.errorbar(n, means, yerr=errors, fmt="o", color=color, markersize=4, capsize=2,
                       label=f"{name}, measured (±2 se)")
        right.plot(n, constant / n, "-", color=color, linewidth=1.0, label=rf"{name}: ${constant:.3g}/n$")
    right.plot(n, 15 / np.sqrt(n), ":", color=PALETTE[1], label=r"wrong: $15/\sqrt{n}$")
    right.set(xscale="log", yscale="log", xlabel="width n", ylabel="excess kurtosis of the output",
              title="the central limit theorem at work")
    right.legend(fontsize=8)
    return fig


@figure_function
def posterior_figure(noise_var: float = 0.01, prior_networks: int = 6, width: int = 256, seed: int = 0):
    """Left: random finite networks and the NNGP prior band; right: the posterior mean and ±2 sd band with the data."""
    fig, (left, right) = new_figure(1, 2, height=3.6)
    grid = torch.linspace(-3, 3, 241, dtype=torch.float64).unsqueeze(-1)
    prior_sd = REGRESSION_MODEL.nngp(grid, grid).diagonal().sqrt()
    x = grid[:, 0].numpy()
    left.fill_between(x, -2 * prior_sd.numpy(), 2 * prior_sd.numpy(), color=PALETTE[5], alpha=0.3,
                      label=r"NNGP prior, $\pm 2$ sd")
    with torch.no_grad():
        for s in range(prior_networks):
            net = REGRESSION_MODEL.network(width, seed + s, input_dim=1)
            left.plot(x, net(grid)[:, 0].numpy(), linewidth=1.0, color=PALETTE[s % 5],
                      label=f"random networks, width {width}" if s == 0 else None)
    left.set(xlabel="input x", ylabel="output f(x)", title="before the data: the prior")
    left.legend(loc="lower left", fontsize=8)
    x_train, y_train = regression_data(noise_var=noise_var)
    mean, covariance = nngp_posterior(REGRESSION_MODEL, x_train, y_train, grid, noise_var)
    sd = covariance.diagonal().clamp(min=0).sqrt()
    right.fill_between(x, (mean - 2 * sd).numpy(), (mean + 2 * sd).numpy(), color=PALETTE[5], alpha=0.3,
                       label=r"posterior, $\pm 2$ sd")
    right.plot(x, mean.numpy(), color=PALETTE[0], label="posterior mean")
    right.plot(x, np.sin(2 * x), "--", color="0.4", linewidth=1.0, label=r"$\sin 2x$ (the truth)")
    right.plot(x_train[:, 0].numpy(), y_train.numpy(), "o", color=PALETTE[1], markersize=5, label="data")
    right.set(xlabel="input x", ylabel="output f(x)", title="after the data: the posterior")
    right.legend(loc="lower left", fontsize=8)
    return fig
