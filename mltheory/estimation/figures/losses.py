"""Figures of the page "Why these losses"."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.losses import robust_regression_data
from ..distributions import Normal
from ..losses import (
    digits_calibration,
    expected_calibration_error,
    lasso,
    reliability_curve,
    ridge,
    robust_fit,
    soft_threshold,
    temperature_scale,
)

__all__ = ["calibration_figure", "regularization_figure", "robust_regression_figure"]

_LOSSES = (("l2", "squared (Gaussian)"), ("l1", "absolute (Laplace)"), ("huber", "Huber, δ = 1"),
           ("cauchy", "log(1 + r²) (Cauchy)"))


def sparse_regression(n: int = 50, d: int = 20, active: int = 5, noise: float = 0.5, seed: int = 0):
    """A regression problem whose true coefficients are mostly zero: design, targets, true coefficients."""
    generator = torch.Generator().manual_seed(seed)
    design = Normal()((n, d), seed=generator)
    truth = torch.zeros(d, dtype=torch.float64)
    truth[:active] = torch.tensor([3.0, -2.0, 1.5, 1.0, -0.8], dtype=torch.float64)[:active]
    targets = design @ truth + noise * Normal()(n, seed=generator)
    return design, targets, truth


@figure_function
def regularization_figure(seed: int = 0):
    """Soft-thresholding against shrinkage, and lasso against ridge coefficient paths on a sparse problem."""
    fig, (left, right) = new_figure(1, 2, height=3.5)
    z = torch.linspace(-3, 3, 601, dtype=torch.float64)
    left.plot(z, z, color="black", linewidth=0.8, linestyle=":", label="no penalty")
    left.plot(z, z / 2, color=PALETTE[0], label=r"L2, $\lambda = 1$: $z/(1+\lambda)$")
    left.plot(z, soft_threshold(z, 1.0), color=PALETTE[1], label=r"L1, $\lambda = 1$: soft threshold")
    left.set(xlabel="unpenalised value z", ylabel="penalised minimiser w", title="one coordinate")
    left.legend()
    design, targets, truth = sparse_regression(seed=seed)
    penalties = torch.logspace(-2, 2.5, 40, dtype=torch.float64)
    lasso_path = lasso(design, targets, penalties, steps=3000)
    ridge_path = ridge(design, targets, penalties)
    for k in range(design.shape[1]):
        style = {"color": PALETTE[1] if k < 5 else "grey", "linewidth": 1.2 if k < 5 else 0.6}
        right.semilogx(penalties, lasso_path[:, k], **style)
        right.semilogx(penalties, ridge_path[:, k], linestyle="--", **{**style, "color": PALETTE[0] if k < 5 else "silver"})
    right.set(xlabel=r"penalty $\lambda$", ylabel="coefficient", title="lasso (solid) and ridge (dashed) paths")
    return fig


@figure_function
def robust_regression_figure(n: int = 60, trials: int = 500, seed: int = 0):
    """One regression with Cauchy noise and the four fitted lines; the spread of the fitted slopes over many datasets."""
    fig, (left, right) = new_figure(1, 2, height=3.5)
    design, targets, truth = robust_regression_data(trials, n, seed)
    x = design[:, 1]
    left.plot(x, targets[0], "o", color="grey", markersize=3, label="data (Cauchy noise)")
    left.plot(x, design @ truth, color="black", linewidth=1, label="truth")
    slopes = []
    for color, (loss, name) in zip(PALETTE, _LOSSES):
        coefficients = robust_fit(design, targets, loss=loss, iterations=40)
        left.plot(x, design @ coefficients[0], color=color, label=name)
        slopes.append((coefficients[:, 1] - truth[1]).abs())
    left.set(xlabel="x", ylabel="y", ylim=(-8, 10), title=f"one dataset, n = {n} (outliers off the plot)")
    left.legend(fontsize=7)
    right.boxplot([s.numpy() for s in slopes], whis=(5, 95), showfliers=False)
    right.set_xticks(range(1, len(_LOSSES) + 1), [name.split(" (")[0].split(",")[0] for _, name in _LOSSES])
    right.set(yscale="log", xlabel="loss", ylabel="|slope error|",
              title=f"{trials} datasets: 5–95% range of the error")
    return fig


@figure_function
def calibration_figure(n_bins: int = 10, seed: int = 0):
    """Reliability diagrams of a small digits classifier before and after temperature scaling."""
    data = digits_calibration(seed=seed)
    temperature = temperature_scale(data.validation_logits, data.validation_labels)
    fig, axes = new_figure(1, 2, height=3.5)
    centres = (torch.arange(n_bins, dtype=torch.float64) + 0.5) / n_bins
    for ax, scale, name in ((axes[0], 1.0, "as trained"), (axes[1], float(temperature), "temperature scaled")):
        probs = torch.softmax(data.test_logits / scale, dim=-1)
        confidence, accuracy, fraction = reliability_curve(probs, data.test_labels, n_bins=n_bins)
        ece = float(expected_calibration_error(probs, data.test_labels, n_bins=n_bins))
        filled = fraction > 0
        ax.bar(centres[filled].numpy(), accuracy[filled].numpy(), width=1 / n_bins, color=PALETTE[0], alpha=0.7, edgecolor="white",
               label="accuracy in bin")
        ax.plot(confidence[filled], accuracy[filled], "o", color=PALETTE[1], markersize=4,
                label="(mean confidence, accuracy)")
        ax.plot([0, 1], [0, 1], color="black", linewidth=0.8, linestyle=":", label="perfect calibration")
        title = f"{name}" + (f", T = {scale:.2f}" if scale != 1.0 else "") + f"\nECE = {ece:.3f}"
        ax.set(xlabel="confidence (largest probability)", ylabel="accuracy", xlim=(0, 1), ylim=(0, 1), title=title)
    axes[0].legend(fontsize=7, loc="upper left")
    return fig
