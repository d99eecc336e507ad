"""Figures of the part "Symmetry and generalization". Each function returns a ``matplotlib.figure.Figure``."""

from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib.patches import Circle

from ..plotting import PALETTE, figure_function, new_figure
from .correct_sets import _target, two_interpolants
from .degree_seven import errors_by_size, features, gradient_descent_run, recovery, target
from .groups import dihedral_group, invariance_error
from .linear import Interpolant, circle_points, gradient_field_at_zero, gradient_flow, min_norm_interpolant
from ..kernels import power_law_fit
from .ntk import ensemble_invariance, ntk_invariance_errors
from .pictures import mirror_reconstruction, tiling_reconstruction
from .random_labels import CASES, random_labels_experiment
from .robustness import augmentation_experiment, fgsm_curve
from .representations import circular_harmonic

__all__ = [
    "correct_sets_figure",
    "errors_by_size_figure",
    "gradient_descent_figure",
    "gradient_field_figure",
    "invariance_figure",
    "isotypic_basis_figure",
    "many_minimisers_figure",
    "ntk_invariance_figure",
    "random_labels_figure",
    "reparametrisation_figure",
    "robustness_figure",
    "symmetric_pictures_figure",
    "trained_invariance_figure",
]


def _disk_grid(resolution: int = 121) -> tuple[torch.Tensor, np.ndarray]:
    """Points of the square [-1, 1]² (shape (resolution², 2)) and a mask of those outside the unit disk."""
    axis = torch.linspace(-1, 1, resolution, dtype=torch.float64)
    xx, yy = torch.meshgrid(axis, axis, indexing="xy")
    points = torch.stack([xx.flatten(), yy.flatten()], dim=-1)
    outside = (points.pow(2).sum(-1) > 1).reshape(resolution, resolution).numpy()
    return points, outside


def _heatmap(ax, values: torch.Tensor, title: str, outside: np.ndarray):
    """Draw values on the unit disk with a symmetric diverging colour scale."""
    grid = np.ma.masked_array(values.detach().reshape(outside.shape).numpy(), mask=outside)
    scale = float(np.abs(grid).max()) or 1.0
    image = ax.imshow(grid, extent=(-1, 1, -1, 1), origin="lower", cmap="RdBu_r", vmin=-scale, vmax=scale)
    ax.set(title=title, xlabel="x", ylabel="y", aspect="equal")
    ax.grid(False)
    return image


def _angles(count: int = 721) -> tuple[torch.Tensor, torch.Tensor]:
    """Angles in [0, 2π] and the matching points of the unit circle."""
    angle = torch.linspace(0, 2 * math.pi, count, dtype=torch.float64)
    return angle, torch.stack([angle.cos(), angle.sin()], dim=-1)


def _random_circle_points(m: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    angle = 2 * math.pi * torch.rand(m, generator=generator, dtype=torch.float64)
    return torch.stack([angle.cos(), angle.sin()], dim=-1)


def _angle_of(points: torch.Tensor) -> torch.Tensor:
    return torch.remainder(torch.atan2(points[:, 1], points[:, 0]), 2 * math.pi)


@figure_function
def random_labels_figure(hidden: int = 256, epochs: int = 200):
    """Training and test accuracy against epochs for true labels, random labels and random inputs."""
    results = random_labels_experiment(hidden=hidden, epochs=epochs)
    fig, (left, right) = new_figure(1, 2, height=3.3)
    for color, case in zip(PALETTE, CASES):
        history = results[case]
        epoch = [record["epoch"] for record in history]
        left.plot(epoch, [record["train"] for record in history], color=color, label=case)
        right.plot(epoch, [record["test"] for record in history], color=color, label=case)
    right.axhline(0.1, color="black", linestyle=":", linewidth=1, label="chance (1/10)")
    left.set(xlabel="epoch", ylabel="training accuracy", title="every dataset is memorised", ylim=(0, 1.02))
    right.set(xlabel="epoch", ylabel="test accuracy", title="only true labels generalise", ylim=(0, 1.02))
    left.legend(loc="lower right")
    right.legend(loc="center right")
    return fig


@figure_function
def many_minimisers_figure(seed: int = 3):
    r"""Several interpolants of three points in :math:`V_7`, drawn on the unit circle: all fit, all differ."""
    X = _random_circle_points(3, seed)
    labels = torch.tensor([1.0, -0.5, 0.3], dtype=torch.float64)
    feature_map = features()
    best = min_norm_interpolant(feature_map, X, labels)
    null_space = torch.linalg.svd(feature_map(X), full_matrices=True)[2][3:]
    angle, circle = _angles()
    fig, ax = new_figure(width=6.4, height=3.4)
    for i, c in enumerate((-1.5, -0.75, 0.75, 1.5)):
        weights = best.weights + c * null_space[i % len(null_space)]
        ax.plot(angle, Interpolant(feature_map, weights)(circle), color=PALETTE[1 + i], linewidth=1.2,
                label="other interpolants" if i == 0 else None)
    ax.plot(angle, best(circle), color=PALETTE[0], linewidth=2.4, label="minimum norm (where gradient flow ends)")
    ax.plot(_angle_of(X), labels, "o", color="black", markersize=7, label="data", zorder=5)
    ax.set(xlabel="angle θ on the unit circle (rad)", ylabel="h(cos θ, sin θ)",
           title="zero training loss, different predictions")
    ax.legend(loc="upper right", fontsize=8)
    return fig


@figure_function
def gradient_descent_figure(points: int = 5, steps: int = 400, seed: int = 0):
    r"""Gradient descent from :math:`w = 0`: distance to the minimum-norm interpolant, against the exact rate."""
    run = gradient_descent_run(points, steps, seed=seed)
    labels, eigenvalues = run["labels"], run["eigenvalues"]
    step = torch.arange(steps + 1, dtype=torch.float64)
    bound = run["factors"].max() ** step * labels.norm() / eigenvalues.min().sqrt()
    loss = ((run["path"] @ run["phi"].T - labels) ** 2).mean(-1)
    fig, (left, right) = new_figure(1, 2, height=3.3)
    left.semilogy(step, run["distance"], label="gradient descent")
    left.semilogy(step[::25], run["exact"][::25], "o", markersize=3, label="exact formula")
    left.semilogy(step, bound, ":", color="black", label=r"bound $\rho^j\|y\|/\sqrt{\lambda_{\min}}$")
    left.set(xlabel="step j", ylabel=r"$\|w_j - w^\star\|$", title="converges to the minimum-norm interpolant")
    left.legend(fontsize=8)
    right.semilogy(step[1:], loss[1:])
    right.set(xlabel="step j", ylabel="training loss L(w_j)", title="while the loss goes to zero")
    return fig


@figure_function
def reparametrisation_figure():
    r"""The same data and function space, two parametrisations: binomial weights recover :math:`r^7\cos 3\theta`, plain ones do not."""
    X = circle_points(3)
    labels = target(3)(X)
    angle, circle = _angles()
    fig, ax = new_figure(width=6.4, height=3.4)
    ax.plot(angle, target(3)(circle), color="black", linewidth=3, alpha=0.3, label=r"target $\cos 3\theta$")
    for color, weighting in zip(PALETTE, ("binomial", "plain")):
        fitted = min_norm_interpolant(features(weighting), X, labels)
        error = float(recovery(X, 3, weighting=weighting)[0])
        ax.plot(angle, fitted(circle), color=color, label=f"{weighting} monomials (test error {error:.2g})")
    ax.plot(_angle_of(X), labels, "o", color="black", markersize=7, label="data")
    ax.set(xlabel="angle θ on the unit circle (rad)", ylabel="function value",
           title="minimum-norm interpolants in two parametrisations of $V_7$")
    ax.legend(fontsize=8, loc="lower left")
    return fig


@figure_function
def isotypic_basis_figure(d: int = 7):
    r"""The rotation-isotypic basis :math:`r^d\cos k\theta`, :math:`r^d\sin k\theta` of :math:`V_d`."""
    frequencies = list(range(d % 2, d + 1, 2))
    points, outside = _disk_grid(81)
    fig, axes = new_figure(2, len(frequencies), width=7.0, height=3.8)
    axes = np.atleast_2d(axes).reshape(2, len(frequencies))
    for column, k in enumerate(frequencies):
        for row, kind in enumerate(("cos", "sin")):
            ax = axes[row, column]
            if k == 0 and kind == "sin":
                ax.set_axis_off()
                continue
            _heatmap(ax, circular_harmonic(points, d, k, kind=kind), f"$r^{d}\\{kind} {k}\\theta$", outside)
            ax.set(xticks=[-1, 0, 1], yticks=[-1, 0, 1])
    return fig


@figure_function
def invariance_figure(steps: int = 400):
    r"""Functions learned from the :math:`D_3` orbit with an invariant and a non-invariant kernel, and their invariance along the flow."""
    X = circle_points(3)
    labels = target(3)(X)
    group = dihedral_group(3)
    points, outside = _disk_grid(101)
    test = circle_points(64, offset=0.1)
    fig, axes = new_figure(1, 3, width=7.0, height=2.7)
    for i, weighting in enumerate(("binomial", "plain")):
        fitted = min_norm_interpolant(features(weighting), X, labels)
        _heatmap(axes[i], fitted(points), f"learned, {weighting} monomials", outside)
        axes[i].plot(X[:, 0], X[:, 1], "o", color="black", markersize=5)
        phi = features(weighting)(X)
        dt = len(X) / float(torch.linalg.eigvalsh(phi @ phi.T).sum())
        path = gradient_flow(features(weighting), X, labels, dt=dt, steps=steps)[1:]
        errors = invariance_error(Interpolant(features(weighting), path), group, test)
        axes[2].semilogy(torch.arange(1, steps + 1), errors.clamp_min(1e-17), color=PALETTE[i], label=weighting)
    axes[2].set(xlabel="gradient-flow step j", ylabel="$D_3$ invariance error", title="along gradient flow",
                ylim=(1e-17, 10))
    axes[2].legend(fontsize=8)
    return fig


@figure_function
def gradient_field_figure(seed: int = 1):
    r"""Target, dataset and gradient field at :math:`w = 0` (the source's three columns), for orbits and random points."""
    rows = [
        ("$D_3$ orbit", circle_points(3), 3),
        ("$D_7$ orbit", circle_points(7), 7),
        ("3 random points", _random_circle_points(3, seed), 3),
        ("7 random points", _random_circle_points(7, seed + 1), 7),
    ]
    points, outside = _disk_grid(81)
    fig, axes = new_figure(len(rows), 3, width=6.6, height=2.1 * len(rows))
    for row, (name, X, k) in zip(axes, rows):
        values = target(k)(X)
        _heatmap(row[0], target(k)(points), f"target $r^7\\cos {k}\\theta$", outside)
        row[1].scatter(X[:, 0], X[:, 1], c=values, cmap="RdBu_r", vmin=-1, vmax=1, s=60, edgecolors="black")
        row[1].add_patch(Circle((0, 0), 1, fill=False, color="grey", linewidth=0.8))
        row[1].set(xlim=(-1.1, 1.1), ylim=(-1.1, 1.1), aspect="equal", xlabel="x", ylabel="y", title=name)
        field = gradient_field_at_zero(features(), X, values, points)
        _heatmap(row[2], field, "gradient field at $w = 0$", outside)
    return fig


@figure_function
def errors_by_size_figure(trials: int = 2000):
    """Test error against the number of points: equally spaced orbits against random points, for two targets."""
    fig, axes = new_figure(1, 2, height=3.3)
    for ax, k in zip(axes, (3, 7)):
        result = errors_by_size(k, trials=trials)
        sizes = np.array(result["sizes"])
        ax.fill_between(sizes, result["lower"], result["upper"], alpha=0.25, color=PALETTE[1],
                        label="random points: quartiles")
        ax.semilogy(sizes, result["median"], "o-", color=PALETTE[1], label="random points: median")
        ax.semilogy(sizes, result["orbit"].clamp_min(1e-17), "s-", color=PALETTE[0],
                    label="equally spaced (orbit of $C_m$)")
        ax.axhline(1e-15, color="black", linestyle=":", linewidth=1)
        ax.set(xlabel="number of points m", ylabel="relative test error", title=f"target $r^7\\cos {k}\\theta$",
               ylim=(1e-17, 10), xticks=sizes)
    axes[0].legend(fontsize=8, loc="lower left")
    return fig


@figure_function
def ntk_invariance_figure(widths=(64, 256, 1024, 4096), seeds: int = 16):
    """Relative change of the empirical NTK under a rotation of the inputs, against the width, on log-log axes."""
    fig, ax = new_figure(width=6.0, height=3.6)
    n = np.array(widths, dtype=float)
    for color, init, name in ((PALETTE[0], "gaussian", "Gaussian initialisation"),
                              (PALETTE[1], "default", "PyTorch's default (uniform) initialisation")):
        errors = ntk_invariance_errors(tuple(widths), seeds=seeds, init=init)
        rms = errors.pow(2).mean(1).sqrt()
        ax.loglog(n, rms, "o", color=color, label=name)
        if init == "gaussian":
            slope, standard_error, prefactor = power_law_fit(widths, errors)
            ax.loglog(n, prefactor * n**slope, "-", color=color, linewidth=1,
                      label=f"fit: $n^{{{slope:.2f} \\pm {standard_error:.2f}}}$")
            ax.loglog(n, float(rms[0]) * (n / n[0]) ** -0.5, ":", color="black", linewidth=1, label="$n^{-1/2}$")
    ax.set(xlabel="width n (hidden units)", ylabel="rms relative change of Θ",
           title="the NTK of a finite network is invariant up to $n^{-1/2}$")
    ax.legend(fontsize=8)
    return fig


@figure_function
def trained_invariance_figure(widths=(16, 64, 256, 1024), seeds: int = 16):
    """D3-invariance error of trained networks against width: single networks and their seed average."""
    result = ensemble_invariance(tuple(widths), seeds=seeds)
    n = np.array(widths, dtype=float)
    single = result["single"]
    fig, ax = new_figure(width=6.0, height=3.6)
    for s in range(single.shape[1]):
        ax.loglog(n, single[:, s], "-", color=PALETTE[0], alpha=0.15, linewidth=0.8)
    ax.loglog(n, single.pow(2).mean(1).sqrt(), "o-", color=PALETTE[0], label="single network (rms over seeds)")
    ax.loglog(n, result["mean"][:, 0], "s-", color=PALETTE[1], label=f"average of {seeds} networks")
    ax.set(xlabel="width n (hidden units)", ylabel="relative $D_3$ invariance error",
           title="networks trained on the $D_3$ orbit")
    ax.legend(fontsize=8)
    return fig


def _picture(ax, image: torch.Tensor, title: str):
    """Draw an RGB picture, with pixels that are still unknown (nan) in light grey."""
    shown = torch.where(image.isnan(), torch.tensor(0.85, dtype=image.dtype), image)
    ax.imshow(shown.numpy(), interpolation="nearest")
    ax.set_title(title)
    ax.set_axis_off()  # a picture: its pixel axes carry no units


@figure_function
def symmetric_pictures_figure(size: int = 128, tile: int = 32, tiles: int = 4):
    r"""Top: a butterfly from its left half. Bottom: a tiled floor from one eighth of a tile."""
    mirror = mirror_reconstruction(size)
    wrong = mirror_reconstruction(size, axis="x2")
    within = tiling_reconstruction(tile, tiles, ("rotations", "reflections"))
    floor = tiling_reconstruction(tile, tiles)
    fig, axes = new_figure(2, 3, height=5.2)
    _picture(axes[0, 0], torch.where(mirror["known"][..., None], mirror["image"], torch.nan), "the data D: left half")
    _picture(axes[0, 1], mirror["filled"], r"filled in by $(x_1, x_2) \mapsto (-x_1, x_2)$")
    _picture(axes[0, 2], wrong["filled"], r"the wrong mirror, $x_2 \mapsto -x_2$")
    _picture(axes[1, 0], torch.where(floor["known"][..., None], floor["image"], torch.nan),
             "the data D: 1/8 of a tile")
    _picture(axes[1, 1], within["filled"], "filled in by the tile's $D_4$")
    _picture(axes[1, 2], floor["filled"], r"and by the shifts of $\mathbb{Z}^2$")
    return fig


@figure_function
def correct_sets_figure(grid: int = 720):
    r"""Two interpolants of the same three points, with their correct sets and the two test sets."""
    result = two_interpolants(grid=grid)
    angle, circle = _angles()
    fig, ax = new_figure(width=6.6, height=3.6)
    ax.plot(angle, _target(circle), color="black", linewidth=2.2, label="target f")
    for color, name in zip(PALETTE, ("A", "B")):
        ax.plot(angle, result["models"][name](circle), color=color, linewidth=1.4, label=f"$h_{name}$")
        test = result["tests"][name]
        ax.plot(_angle_of(test), torch.full((len(test),), -1.45 if name == "A" else -1.6), "|", color=color,
                markersize=8, label=f"test set $D'_{name}$")
    ax.plot(_angle_of(result["data"]), _target(result["data"]), "o", color="black", markersize=7, label="data D",
            zorder=5)
    ax.set(xlabel="angle θ on the unit circle (rad)", ylabel="value at (cos θ, sin θ)", ylim=(-1.75, 1.6),
           title="both fit D; each is right on a different arc")
    ax.legend(loc="upper right", fontsize=7, ncols=2)
    return fig


@figure_function
def robustness_figure(epsilons=(0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2)):
    r"""Left: accuracy of the digits classifier against the size of a perturbation. Right: transformed digits."""
    fig, (left, right) = new_figure(1, 2, height=3.3)
    for color, attack, label in ((PALETTE[1], "fgsm", "gradient sign (FGSM)"),
                                 (PALETTE[0], "random", "random signs")):
        curve = fgsm_curve(epsilons, attack=attack)
        left.plot(curve["epsilons"], curve["accuracy"], "o-", color=color, label=label)
    left.axhline(0.1, color="black", linestyle=":", linewidth=1, label="chance (1/10)")
    left.set(xlabel="ε, change of every pixel (pixel range [0, 1])", ylabel="test accuracy", ylim=(0, 1.02),
             title="a worst-case nudge, not noise")
    left.legend(fontsize=8)
    accuracy = augmentation_experiment()["accuracy"]
    names = ("plain", "augmented")
    positions = torch.arange(2, dtype=torch.float64)
    for offset, (color, test) in zip((-0.18, 0.18), ((PALETTE[2], "clean"), (PALETTE[4], "transformed"))):
        right.bar(positions + offset, [accuracy[name, test] for name in names], width=0.36, color=color,
                  label=f"{test} test digits")
    right.set(xticks=positions.tolist(), xticklabels=["trained plain", "trained with\nbrightness and shifts"],
              xlabel="classifier", ylabel="test accuracy", ylim=(0, 1.02), title="the data must carry the symmetry")
    right.legend(fontsize=8, loc="lower right")
    return fig
