"""Figures of the entropy page."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
import torch

from ...data import bernoulli_sequences
from ...plotting import PALETTE, figure_function, new_figure
from ..measures import binary_entropy, compression_rate, counting_rate, entropy, sandwich_exponent
from ..symbolic import counting_rate_correction

__all__ = [
    "binary_entropy_figure",
    "compression_figure",
    "counting_figure",
    "sandwich_figure",
    "simplex_entropy_figure",
]


def predicted_counting_gap(p, n) -> torch.Tensor:
    r"""The leading gap :math:`H_2(p) - \frac1n\log\binom{n}{pn} \approx \frac{1}{2n}\log(2\pi n p(1-p))`.

    Evaluated from the symbolic expression that claim ``eq-counting-correction`` proves.
    """
    N, P = sp.symbols("N P", positive=True)
    gap = sp.lambdify((N, P), -counting_rate_correction(N, P), modules="numpy")
    p, n = torch.broadcast_tensors(torch.as_tensor(p, dtype=torch.float64), torch.as_tensor(n, dtype=torch.float64))
    return torch.as_tensor(gap(n.numpy(), p.numpy()), dtype=torch.float64)


@figure_function
def counting_figure(ps=(0.1, 0.3, 0.5), max_exponent: int = 6):
    """Convergence of the per-symbol log-count to the binary entropy, and the rate of convergence."""
    n = torch.unique(torch.logspace(1, max_exponent, 80, dtype=torch.float64).round())
    fig, (left, right) = new_figure(1, 2, height=3.4)
    for color, p in zip(PALETTE, ps):
        rate = counting_rate(p, n)
        exact_p = torch.round(p * n) / n
        limit = binary_entropy(exact_p)
        left.semilogx(n, rate, color=color, label=f"p = {p:g}")
        left.axhline(float(binary_entropy(p)), color=color, linestyle=":", linewidth=1)
        right.loglog(n, limit - rate, "o", color=color, markersize=3, label=f"p = {p:g}: exact gap")
        right.loglog(n, predicted_counting_gap(exact_p, n), color=color, linewidth=1)
    left.set(xlabel="sequence length n", ylabel=r"$\frac{1}{n}\log\binom{n}{pn}$ (nats)",
             title="log-count per symbol (dotted: $H_2(p)$)")
    right.set(xlabel="sequence length n", ylabel=r"$H_2(p) - \frac{1}{n}\log\binom{n}{pn}$ (nats)",
              title=r"gap vs. $\frac{1}{2n}\log(2\pi n p(1-p))$ (lines)")
    left.legend()
    return fig


@figure_function
def binary_entropy_figure():
    """The binary entropy in bits, and its slope computed by autograd against the closed form."""
    q = torch.linspace(0.0, 1.0, 401, dtype=torch.float64)
    interior = q[1:-1].clone().requires_grad_(True)
    (slope,) = torch.autograd.grad(binary_entropy(interior).sum(), interior)
    fig, (left, right) = new_figure(1, 2, height=3.2)
    left.plot(q, binary_entropy(q, base=2))
    left.plot([0.5], [1.0], "o", color=PALETTE[1])
    left.annotate("1 bit at q = 1/2", (0.5, 1.0), xytext=(0.56, 0.8), arrowprops={"arrowstyle": "->"})
    left.set(xlabel="probability of heads q", ylabel="$H_2(q)$ (bits)", title="binary entropy", ylim=(0, 1.08))
    right.plot(interior.detach(), slope, label="autograd")
    closed = torch.log((1 - interior.detach()) / interior.detach())
    right.plot(interior.detach()[::20], closed[::20], "o", markersize=3, label=r"$\log\frac{1-q}{q}$")
    right.set(xlabel="probability of heads q", ylabel="$dH_2/dq$ (nats)", title="slope: infinite at the ends")
    right.legend()
    return fig


def simplex_grid(resolution: int) -> torch.Tensor:
    """All probability vectors with 3 entries that are multiples of ``1/resolution``, shape (m, 3)."""
    i, j = torch.meshgrid(torch.arange(resolution + 1), torch.arange(resolution + 1), indexing="ij")
    keep = i + j <= resolution
    i, j = i[keep], j[keep]
    return torch.stack([i, j, resolution - i - j], dim=-1).to(torch.float64) / resolution


@figure_function
def simplex_entropy_figure(resolution: int = 120):
    """Entropy (bits) over the probability simplex of three outcomes."""
    grid = simplex_grid(resolution)
    h = entropy(grid, base=2)  # one batched call over every point of the grid
    # Barycentric coordinates to the plane: vertex k at corners[k].
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, math.sqrt(3) / 2]])
    xy = grid.numpy() @ corners
    fig, ax = new_figure(width=5.6, height=4.6)
    mesh = ax.tricontourf(xy[:, 0], xy[:, 1], h.numpy(), levels=20, cmap="viridis")
    lines = ax.tricontour(xy[:, 0], xy[:, 1], h.numpy(), levels=[0.5, 1.0, 1.5], colors="white", linewidths=0.8)
    ax.clabel(lines, fmt="%.1f", fontsize=8)
    centre = corners.mean(axis=0)
    ax.plot(*centre, "*", color=PALETTE[1], markersize=12)
    ax.annotate(f"maximum at the uniform\ndistribution: log₂3 = {math.log2(3):.3f} bits", centre,
                xytext=(0, -14), textcoords="offset points", ha="center", va="top", fontsize=8)
    for k, (cx, cy) in enumerate(corners):
        ax.annotate(f"p{k + 1} = 1 (H = 0)", (cx, cy), ha="center", va="top" if cy == 0 else "bottom",
                    xytext=(0, -4 if cy == 0 else 4), textcoords="offset points", fontsize=9)
    fig.colorbar(mesh, ax=ax, label="H(p) (bits); white contours at 0.5, 1.0, 1.5", shrink=0.8)
    ax.set(xlim=(-0.12, 1.12), ylim=(-0.1, 0.95), aspect="equal")
    ax.set_axis_off()
    return fig


@figure_function
def compression_figure(n: int = 2**16, seed: int = 0, codecs=("lzma", "bz2", "zlib")):
    """Bits per symbol used by standard compressors on Bernoulli(q) sequences, against H₂(q)."""
    qs = torch.linspace(0.01, 0.99, 25, dtype=torch.float64)
    sequences = bernoulli_sequences(qs, n, seed=seed)
    fine = torch.linspace(0, 1, 401, dtype=torch.float64)
    fig, ax = new_figure(width=6.0, height=3.6)
    ax.plot(fine, binary_entropy(fine, base=2), color="black", label="$H_2(q)$: the limit")
    for codec in codecs:
        ax.plot(qs, [compression_rate(s, codec=codec) for s in sequences], "o-", markersize=3, linewidth=1,
                label=codec)
    ax.set(xlabel="probability of a 1, q", ylabel="bits per symbol",
           title=f"compressing n = {n:,} i.i.d. bits", ylim=(0, None))
    ax.legend()
    return fig


@figure_function
def sandwich_figure(s: int = 2, t: int = 3, max_power: int = 40):
    """The bounds m/n ≤ log t / log s < (m+1)/n of the uniqueness proof, closing in as n grows."""
    powers = np.arange(1, max_power + 1)
    m = np.array([sandwich_exponent(s, t, int(k)) for k in powers])
    fig, ax = new_figure(width=6.0, height=3.2)
    ax.fill_between(powers, m / powers, (m + 1) / powers, step=None, alpha=0.25, label="[m/n, (m+1)/n]")
    ax.axhline(math.log(t) / math.log(s), color=PALETTE[1], label=f"log {t} / log {s}")
    ax.set(xlabel="n", ylabel="ratio", title=f"{s}^m ≤ {t}^n < {s}^(m+1) traps log {t} / log {s}")
    ax.legend()
    return fig
