"""Figures of the page on recurrent, convolutional and attention layers."""

from __future__ import annotations

import math

import numpy as np
import torch

from ...plotting import PALETTE, figure_function, new_figure
from ..blocks import scaled_dot_product_attention, sinusoidal_positional_encoding, transformer_flops
from ..claims.blocks import MODEL_SIZES, _kaplan_flops, counted_flops
from ..models import digits_cnn_vs_mlp

__all__ = ["attention_figure", "digits_figure", "flops_figure"]


def _row_entropy(weights: torch.Tensor) -> torch.Tensor:
    """Entropy in nats of each row of attention weights."""
    return -torch.special.xlogy(weights, weights).sum(-1)


@figure_function
def attention_figure(n: int = 12, d: int = 16, dims=(2, 8, 32, 128, 512), keys: int = 16, samples: int = 400,
                     seed: int = 0):
    r"""Attention weights of one head without and with the causal mask; row entropy against :math:`d_k` with and without :math:`1/\sqrt{d_k}`."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g, dtype=torch.float64) + sinusoidal_positional_encoding(n, d)
    w_q, w_k = (torch.randn(d, d, generator=g, dtype=torch.float64) / math.sqrt(d) for _ in range(2))
    fig, axes = new_figure(1, 3, width=10.0, height=3.4)
    for ax, causal in zip(axes[:2], (False, True)):
        _, weights = scaled_dot_product_attention(x @ w_q.T, x @ w_k.T, x, causal=causal)
        image = ax.imshow(weights.numpy(), cmap="Blues", vmin=0, vmax=float(weights.max()))
        ax.set(xlabel="key position s'", ylabel="query position s",
               title="causal mask" if causal else "no mask")
        fig.colorbar(image, ax=ax, shrink=0.8, label="weight $S_{ss'}$")
    ax = axes[2]
    for color, scaled in zip(PALETTE, (True, False)):
        entropies = []
        for dim in dims:
            q = torch.randn(samples, 1, dim, generator=g, dtype=torch.float64)
            k = torch.randn(samples, keys, dim, generator=g, dtype=torch.float64)
            scores = (q @ k.transpose(-2, -1)).squeeze(-2) / (math.sqrt(dim) if scaled else 1.0)
            entropies.append(float(_row_entropy(torch.softmax(scores, -1)).mean()))
        ax.semilogx(dims, entropies, "o-", color=color,
                    label=r"scores $q\cdot k/\sqrt{d_k}$" if scaled else r"scores $q\cdot k$")
    ax.axhline(math.log(keys), color="black", linestyle=":", linewidth=0.8, label=f"uniform, log {keys}")
    ax.set(xlabel="key dimension $d_k$", ylabel="entropy of a row of S (nats)", title=f"{keys} keys", ylim=(0, None))
    ax.legend(fontsize=7)
    return fig


@figure_function
def flops_figure(d: int = 64, lengths=(8, 32, 128, 512, 1024)):
    """Per-layer FLOPs of the dense and attention parts against the sequence length; FlopCounterMode against the formulas."""
    n = np.geomspace(16, 16 * d, 60)
    dense = np.array([transformer_flops(int(m), d)["dense"] for m in n], dtype=float)
    attention = np.array([transformer_flops(int(m), d)["attention"] for m in n], dtype=float)
    fig, (left, right) = new_figure(1, 2, width=9.0, height=3.6)
    left.loglog(n, dense, color=PALETTE[0], label=r"dense: $4nd(d_{ff} + 2d) = 24nd^2$")
    left.loglog(n, attention, color=PALETTE[1], label=r"attention: $4n^2 d$")
    left.loglog(n, attention / 2, "--", color=PALETTE[1], linewidth=1, label=r"(5.4.17) as printed: $2n^2 d$")
    for crossover, style, text in ((6 * d, "-", "6d"), (12 * d, "--", "12d")):
        left.axvline(crossover, color="0.4", linestyle=style, linewidth=0.8)
        left.annotate(f"n = {text}", (crossover, dense.min()), rotation=90, fontsize=7, ha="right", va="bottom")
    left.set(xlabel="sequence length n (tokens)", ylabel="FLOPs per layer", title=f"one layer, d = {d}")
    left.legend(fontsize=7)
    width, heads, layers, vocab = MODEL_SIZES[0]
    measured = np.array([counted_flops(m, width, heads, layers, vocab) for m in lengths], dtype=float)
    ours = np.array([transformer_flops(m, width, layers, n_vocab=vocab)["total"] for m in lengths], dtype=float)
    kaplan = np.array([_kaplan_flops(m, width, layers, vocab) for m in lengths], dtype=float)
    right.semilogx(lengths, measured / ours, "o-", color=PALETTE[0], label="corrected formula")
    right.semilogx(lengths, measured / kaplan, "s--", color=PALETTE[1], label="(5.4.17) as printed")
    right.axhline(1.0, color="black", linewidth=0.8, linestyle=":")
    right.set(xlabel="sequence length n (tokens)", ylabel="FlopCounterMode / formula",
              title=f"torch model, d = {width}, {layers} layers")
    right.legend(fontsize=7)
    return fig


@figure_function
def digits_figure(epochs: int = 25):
    """Test accuracy of the small CNN and the MLP on the digits after each epoch (the run of eq-digits-cnn-mlp)."""
    result = digits_cnn_vs_mlp(epochs=epochs)
    fig, ax = new_figure(1, 1, width=5.0, height=3.4)
    for color, key, name in zip(PALETTE, ("cnn", "mlp"), ("CNN", "MLP 64-128-10")):
        curve = np.array(result[key]["curve"])
        se = np.sqrt(curve * (1 - curve) / result["n_test"])
        epoch = np.arange(1, len(curve) + 1)
        ax.plot(epoch, curve, "o-", markersize=3, color=color,
                label=f"{name}, {result[key]['parameters']:,} parameters")
        ax.fill_between(epoch, curve - se, curve + se, color=color, alpha=0.2)
    ax.set(xlabel="epoch", ylabel=f"test accuracy ({result['n_test']} images)", title="8×8 digits", ylim=(0.7, 1.0))
    ax.legend(fontsize=7, loc="lower right")
    return fig
