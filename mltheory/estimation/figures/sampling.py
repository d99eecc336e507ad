"""Figures of the page "Randomness inside networks"."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.sampling import GUMBEL_LOGITS
from ..estimators import summarize_estimates
from ..sampling import binary_gumbel_softmax_mean, gumbel_max_sample, gumbel_softmax, reparam_grad, score_function_grad

__all__ = ["gradient_variance_figure", "gumbel_figure"]


@figure_function
def gradient_variance_figure(sd: float = 1.0, samples: int = 20_000, seed: int = 0):
    """Variance of the reparametrised and score-function estimators of d/dμ E[x²], against μ, exact and simulated."""
    generator = torch.Generator().manual_seed(seed)
    means = torch.linspace(-3, 3, 13, dtype=torch.float64)
    fine = torch.linspace(-3, 3, 301, dtype=torch.float64)
    fig, ax = new_figure(width=6.0, height=3.6)
    baseline = means**2 + sd**2  # E[f(x)], the optimal constant baseline is close to it
    estimators = (
        ("reparametrised", lambda: reparam_grad(lambda v: v**2, means, sd, n_samples=samples, seed=generator)[..., 0],
         4 * sd**2 * torch.ones_like(fine)),
        ("score function", lambda: score_function_grad(lambda v: v**2, means, sd, n_samples=samples, seed=generator)[..., 0],
         fine**4 / sd**2 + 14 * fine**2 + 15 * sd**2),
        ("score function, baseline E[f]",
         lambda: score_function_grad(lambda v: v**2 - baseline, means, sd, n_samples=samples, seed=generator)[..., 0],
         None),
    )
    for color, (name, simulate, exact) in zip(PALETTE, estimators):
        stats = summarize_estimates(simulate(), 2 * means)
        ax.errorbar(means, stats.variance, yerr=stats.variance_se, fmt="o", color=color, markersize=3, label=name)
        if exact is not None:
            ax.plot(fine, exact, color=color, linewidth=1)
    ax.set(yscale="log", xlabel=r"mean $\mu$ (with $\sigma = 1$)", ylabel=r"variance of one estimate of $\partial_\mu E[x^2]$",
           title="exact (lines) and simulated (dots)")
    ax.legend()
    return fig


@figure_function
def gumbel_figure(samples: int = 100_000, seed: int = 0, difference: float = 1.5):
    """Gumbel-max frequencies against the softmax, and the bias of the Gumbel-softmax mean against the temperature."""
    generator = torch.Generator().manual_seed(seed)
    fig, (left, right) = new_figure(1, 2, height=3.4)
    logits = torch.tensor(GUMBEL_LOGITS, dtype=torch.float64)
    classes = torch.arange(len(logits))
    frequencies = torch.bincount(gumbel_max_sample(logits, seed=generator, sample_shape=samples), minlength=len(logits))
    left.bar((classes - 0.2).numpy(), torch.softmax(logits, -1).numpy(), width=0.4, color=PALETTE[0], label="softmax(x)")
    left.bar((classes + 0.2).numpy(), (frequencies / samples).numpy(), width=0.4, color=PALETTE[1], label="argmax(x + Gumbel)")
    left.set_xticks(classes.tolist(), [f"x = {v:g}" for v in GUMBEL_LOGITS])
    left.set(xlabel="class (logit)", ylabel="probability", title=f"{samples:,} Gumbel-max samples")
    left.legend()
    target = float(torch.sigmoid(torch.tensor(difference)))
    betas = torch.logspace(-1, 2, 200, dtype=torch.float64)
    right.plot(betas, binary_gumbel_softmax_mean(difference, betas), color=PALETTE[0], label="exact (quadrature)")
    simulated_betas = [0.25, 1.0, 4.0, 16.0]
    logits2 = torch.tensor([difference, 0.0], dtype=torch.float64)
    simulated = [summarize_estimates(gumbel_softmax(logits2, b, seed=generator, sample_shape=samples)[:, 0], 0.0)
                 for b in simulated_betas]
    right.errorbar(simulated_betas, [float(s.mean) for s in simulated], yerr=[5 * float(s.mean_se) for s in simulated],
                   fmt="o", color=PALETTE[1], markersize=4, label="simulated (±5 s.e.)")
    right.axhline(target, color="black", linewidth=1, linestyle=":", label=r"softmax probability $\sigma(d)$")
    right.set(xscale="log", xlabel=r"inverse temperature $\beta$", ylabel=r"$E[f_1]$",
              title=f"two classes, logit difference d = {difference:g}")
    right.legend()
    return fig
