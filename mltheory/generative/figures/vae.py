"""Figures of the page "The ELBO and VAEs"."""

from __future__ import annotations

import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.vae import (
    BETAS,
    COLLAPSE_LATENT,
    COLLAPSE_NOISE,
    COLLAPSE_SAMPLES,
    IWAE_REPLICATES,
    binary_digits,
    collapse_data,
    digits_sweep,
    digits_vae,
    iwae_curve,
    rate_distortion,
)
from ..vae import linear_vae, ppca_optimum

__all__ = ["iwae_figure", "ppca_collapse_figure", "rate_distortion_figure", "vae_latent_figure"]


def _mosaic(images: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """``rows × cols`` 8×8 images, one pixel of padding between them, as one array."""
    canvas = torch.ones(rows * 9 - 1, cols * 9 - 1, dtype=torch.float64)
    for index, image in enumerate(images[: rows * cols]):
        r, c = divmod(index, cols)
        canvas[r * 9:r * 9 + 8, c * 9:c * 9 + 8] = image.reshape(8, 8)
    return canvas


@figure_function
def vae_latent_figure(epochs: int = 20, grid: int = 10):
    """The β = 1 VAE on the digits: latent means by digit, the decoder on a latent grid, reconstructions, prior samples."""
    fig, ((latent, decoded), (reconstructed, samples)) = new_figure(2, 2, height=6.4)
    data, labels = binary_digits()
    model = digits_vae(1.0, epochs, 0)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        mean, _ = model.encode(data)
        points = latent.scatter(mean[:, 0].numpy(), mean[:, 1].numpy(), c=labels.numpy(), cmap="tab10", s=4)
        lim = 2.5
        axis = torch.linspace(-lim, lim, grid, dtype=torch.float64)
        z = torch.stack(torch.meshgrid(axis, axis.flip(0), indexing="xy"), -1).reshape(-1, 2)
        images = model.decode(z).probs
        prior = model.decode(torch.randn(grid * grid, 2, generator=generator, dtype=torch.float64)).probs
        shown = torch.cat([torch.nonzero(labels == digit)[:1, 0] for digit in range(10)])
        pairs = torch.stack([data[shown], model.decode(mean[shown]).probs], 0)  # data row, reconstruction row
    fig.colorbar(points, ax=latent, label="digit", ticks=range(10))
    latent.set(xlabel=r"$\mu_1(x)$", ylabel=r"$\mu_2(x)$", title="encoder means")
    decoded.imshow(_mosaic(images, grid, grid).numpy(), cmap="gray_r", extent=(-lim, lim, -lim, lim))
    decoded.set(xlabel=r"$z_1$", ylabel=r"$z_2$", title="decoded latent grid")
    reconstructed.imshow(_mosaic(pairs.reshape(-1, 64), 2, 10).numpy(), cmap="gray_r")
    reconstructed.set(xlabel="digit", ylabel="row", xticks=range(4, 90, 9), xticklabels=range(10),
                      yticks=[3.5, 12.5], yticklabels=["data", "decoded"], title="reconstructions of one digit each")
    samples.imshow(_mosaic(prior, grid, grid).numpy(), cmap="gray_r")
    samples.set(xlabel="sample", ylabel="sample", xticks=[], yticks=[], title="prior samples")
    return fig


@figure_function
def rate_distortion_figure(epochs: int = 20):
    """The β sweep: rate and distortion against β, distortion against rate, and the latent means at the extreme βs."""
    fig, ((curve, plane), (low, high)) = new_figure(2, 2, height=5.6)
    result = rate_distortion(epochs, BETAS, 0)
    betas = list(result)
    rates = [result[b][0] for b in betas]
    distortions = [result[b][1] for b in betas]
    curve.plot(betas, rates, "o-", color=PALETTE[0], label="rate")
    curve.plot(betas, distortions, "s-", color=PALETTE[1], label="distortion")
    curve.set_xscale("log", base=2)
    curve.set_xticks(betas, [f"{b:g}" for b in betas])
    curve.minorticks_off()
    curve.set(xlabel=r"$\beta$", ylabel="nats per digit", title="rate and distortion against β")
    curve.legend(fontsize=8)
    plane.plot(rates, distortions, "o-", color=PALETTE[2])
    for beta, rate, distortion in zip(betas, rates, distortions):
        plane.annotate(f"β = {beta:g}", (rate, distortion), textcoords="offset points", xytext=(4, 4), fontsize=8)
    plane.set(xlabel=r"rate $\mathrm{KL}(q \,\|\, p(z))$", ylabel=r"distortion $-\mathbb{E}_q \log p(x \mid z)$",
              title="the trade-off")
    data, labels = binary_digits()
    models = digits_sweep(epochs, BETAS, 0)
    with torch.no_grad():
        for ax, beta in ((low, betas[0]), (high, betas[-1])):
            mean, _ = models[beta].encode(data)
            ax.scatter(mean[:, 0].numpy(), mean[:, 1].numpy(), c=labels.numpy(), cmap="tab10", s=2)
            ax.set(xlabel=r"$\mu_1(x)$", ylabel=r"$\mu_2(x)$", title=f"encoder means at β = {beta:g}",
                   xlim=(-3.5, 3.5), ylim=(-3.5, 3.5))
    return fig


@figure_function
def iwae_figure(replicates: int = IWAE_REPLICATES):
    """The IWAE bound against the number of importance samples, between the ELBO and log p(x)."""
    fig, ax = new_figure(height=3.4)
    ks, means, bound, log_evidence = iwae_curve(replicates)
    ax.plot(ks, means, "o-", color=PALETTE[0], label=r"$\hat{\mathcal{L}}_K$ (Monte Carlo mean)")
    ax.axhline(log_evidence, color="k", linestyle="--", label=r"$\log p(x)$ (exact)")
    ax.axhline(bound, color=PALETTE[1], linestyle=":", label=r"ELBO $\mathcal{L}(m, v)$ (exact)")
    ax.set(xscale="log", xlabel="importance samples K", ylabel="nats", title="the importance-weighted bound")
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.legend(fontsize=8, loc="lower right")
    return fig


@figure_function
def ppca_collapse_figure(n: int = COLLAPSE_SAMPLES):
    """Each latent coordinate's KL at the optimum against λ/σ²: the closed form, and a trained linear VAE."""
    fig, ax = new_figure(height=3.4)
    data = collapse_data(n, 0)
    ratio = torch.linspace(0.05, 4, 400, dtype=torch.float64)
    curve, wrong = 0.5 * torch.log(ratio).clamp_min(0), 0.5 * torch.log1p(ratio)
    ax.plot(ratio.numpy(), curve.numpy(), color="k", label=r"$\frac{1}{2}\max(0, \log\lambda/\sigma^2)$")
    ax.plot(ratio.numpy(), wrong.numpy(), color="0.6", linestyle=":", label=r"$\frac{1}{2}\log(1 + \lambda/\sigma^2)$ (wrong)")
    best = ppca_optimum(data, latent=COLLAPSE_LATENT, noise_var=COLLAPSE_NOISE)
    fit = linear_vae(data, latent=COLLAPSE_LATENT, noise_var=COLLAPSE_NOISE)
    ax.plot((best.eigenvalues / COLLAPSE_NOISE).numpy(), fit.kl.sort(descending=True).values.numpy(), "o", color=PALETTE[0],
            label="linear VAE, trained")
    ax.axvline(1.0, color="0.8", zorder=0)
    ax.set(xlabel=r"eigenvalue over noise variance, $\lambda_i / \sigma^2$", ylabel=r"$\mathrm{KL}_i$ (nats)",
           title="posterior collapse in probabilistic PCA")
    ax.legend(fontsize=8, loc="upper left")
    return fig
