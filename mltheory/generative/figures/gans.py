"""Figures of the page "GANs as games"."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.gans import DATA_MEANS, GENERATOR_MEAN, dirac_runs, discriminator_experiment
from ..gans import gan_losses, gaussian_mixture, optimal_discriminator, train_mixture_gan

__all__ = ["dirac_trajectories_figure", "discriminator_figure", "generator_gradients_figure", "mode_collapse_figure"]


@figure_function
def generator_gradients_figure(points: int = 400):
    r"""The generator's gradient through the discriminator's logit, minimax against non-saturating, over D(G(z))."""
    fig, ax = new_figure(height=3.6)
    logits = torch.linspace(-9, 9, points, dtype=torch.float64)
    d = torch.sigmoid(logits)
    for color, kind, label in ((PALETTE[0], "minimax", r"minimax: $\log(1 - D)$"),
                               (PALETTE[1], "nonsaturating", r"non-saturating: $-\log D$")):
        fake = logits.clone().requires_grad_()
        loss = gan_losses(torch.zeros(1, dtype=torch.float64), fake, kind)[1] * points  # a sum, not a mean
        (gradient,) = torch.autograd.grad(loss, fake)
        ax.plot(d, gradient, color=color, label=label)
    ax.axvspan(0, 0.1, color="0.9", zorder=0)
    ax.text(0.02, -0.5, "early training:\nD rejects\ngenerated\nsamples", fontsize=8, va="center")
    ax.set(xlabel=r"discriminator's output on a generated sample, $D(G(z)) = \sigma(\ell)$",
           ylabel=r"$\partial(\text{generator loss}) / \partial \ell$", xlim=(0, 1), ylim=(-1.05, 0.05),
           title="the generator's gradient through the logit")
    ax.legend(loc="lower right")
    return fig


@figure_function
def dirac_trajectories_figure(steps: int = 5000, lr: float = 0.1):
    r"""Paths of the Dirac-GAN in the (θ, ψ) plane for each method, and their distance to the equilibrium."""
    fig, (plane, norms) = new_figure(1, 2, height=3.8)
    runs = dirac_runs(steps, lr)
    for color, (name, path) in zip(PALETTE, runs.items()):
        plane.plot(path[:, 0], path[:, 1], color=color, linewidth=0.9, label=name)
        norms.semilogy(path.norm(dim=-1).clamp_min(1e-300), color=color, label=name)
    plane.plot(1, 1, "ko", markersize=4)
    plane.plot(0, 0, "k+", markersize=9)
    plane.set(xlabel=r"generator $\theta$", ylabel=r"discriminator $\psi$", aspect="equal",
              title=f"{steps} steps of size {lr:g} from (1, 1)")
    norms.set(xlabel="step", ylabel=r"$\|(\theta, \psi)\|$", title="distance to the equilibrium")
    norms.legend(fontsize=7, loc="lower left")
    return fig


@figure_function
def discriminator_figure(n: int = 2000, steps: int = 800):
    r"""The data and a collapsed generator's densities, and a trained discriminator against :math:`D^* = p/(p + q)`."""
    fig, (densities, outputs) = new_figure(2, 1, height=4.6, sharex=True)
    data_density, generator_density, net = discriminator_experiment(n, steps, 0)
    x = torch.linspace(-5, 5, 801, dtype=torch.float64)
    p, q = data_density(x), generator_density(x)
    densities.plot(x, p, color=PALETTE[0], label=r"data $p$")
    densities.plot(x, q, color=PALETTE[1], label=r"generator $q$")
    densities.set(xlabel="x", ylabel="density", title=f"data: modes at {DATA_MEANS[0]:g} and {DATA_MEANS[1]:g}; "
                                          f"generator: only the mode at {GENERATOR_MEAN:g}")
    densities.legend()
    with torch.no_grad():
        trained = torch.sigmoid(net(x[:, None])).squeeze(-1)
    outputs.plot(x, optimal_discriminator(p, q), color="k", linestyle="--", label=r"$D^* = p/(p + q)$")
    outputs.plot(x, trained, color=PALETTE[2], label=rf"trained $\hat D$ ({n} samples each)")
    outputs.fill_between(x, 0, 1, where=(p + q) < 1e-3, color="0.92", label=r"$p + q < 10^{-3}$")
    outputs.set(xlabel="x", ylabel="discriminator output", ylim=(-0.02, 1.02))
    outputs.legend(fontsize=8, loc="center left")
    return fig


@figure_function
def mode_collapse_figure(steps: int = 1500, seed: int = 1, means=(-3.0, 0.0, 3.0), sd: float = 0.25):
    """Histograms of a 1-D GAN's samples during training, over the data density: the middle mode is dropped."""
    run = train_mixture_gan(means, sd=sd, steps=steps, checkpoints=4, seed=seed)
    density, _ = gaussian_mixture(means, sd)
    fig, axes = new_figure(1, len(run.checkpoints), height=2.8, sharey=True)
    x = torch.linspace(min(means) - 1.5, max(means) + 1.5, 400, dtype=torch.float64)
    for ax, step, samples in zip(axes, run.checkpoints, run.samples):
        ax.fill_between(x, density(x), color=PALETTE[0], alpha=0.3, label="data")
        ax.hist(samples, bins=80, range=(x[0].item(), x[-1].item()), density=True,
                color=PALETTE[1], alpha=0.8, label="generator")
        ax.set(title=f"step {step}", xlabel="x", ylabel="density")
    axes[0].legend(fontsize=7, loc="upper left")
    return fig
