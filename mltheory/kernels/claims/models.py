r"""Claims of ``book/kernels/architectures.md`` on composed layers: embeddings, transformer blocks, pooling, a CNN.

The embedding and the transformer block of :mod:`mltheory.kernels.models` are compared with
``nn.Embedding`` and ``nn.TransformerEncoderLayer``; max-pooling's partial invariance to shifts is
measured on seeded noise images, where its exact value is a ratio of window sizes; and a small CNN is
trained against an MLP on the scikit-learn digits.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ...claims import Alternative, Measurement, Numeric, Words, register
from ..blocks import conv2d_param_count
from ...data import digits
from .blocks import U64
from ..models import digits_cnn_vs_mlp, embedding, gram_matrix, small_cnn, transformer_block

__all__ = ["pooled_unchanged"]


def embedding_check(offset: int = 0, seed: int = 10) -> Measurement:
    """One-hot products with ``nn.Embedding``'s weight against the module; ``offset`` shifts the token ids."""
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)  # nn.Embedding draws its weight from the global generator
    table = nn.Embedding(50, 16)
    tokens = torch.randint(49, (4, 12), generator=g)
    with torch.no_grad():
        difference = (embedding(tokens + offset, table.weight) - table(tokens)).abs().max()
    return Measurement.exact(
        "largest difference from nn.Embedding", float(difference), 0.0,
        reason="exact: each entry is one weight times 1 plus exact zeros",
        quantity=r"\max\,\bigl|\mathbf{e}_t^\top W - \mathtt{nn.Embedding}(t)\bigr|", expected_latex="0")


register(Numeric(
    label="eq-embedding-one-hot",
    experiment=embedding_check,
    alternative=Alternative("token ids counted from 1 (an off-by-one lookup)", kwargs={"offset": 1}),
    method="the same weights, float32, exact comparison",
    condition=Words(r"for a vocabulary of 50 tokens embedded in 16 dimensions, 4 random sequences of 12 tokens"),
    source="Kaplan §5.2; ours",
))


def block_check(swap: bool = False, seed: int = 11) -> list[Measurement]:
    """:func:`transformer_block` with an ``nn.TransformerEncoderLayer``'s parameters, post-LN and pre-LN, in float32.

    ``swap`` runs our block with the other placement of the layer norms (the wrong alternative).
    """
    x = torch.randn(2, 9, 32, generator=torch.Generator().manual_seed(seed))
    mask = nn.Transformer.generate_square_subsequent_mask(9)
    out = []
    for norm_first in (False, True):
        torch.manual_seed(seed)  # the layer draws its weights from the global generator
        layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True, norm_first=norm_first).eval()
        params = dict(layer.named_parameters())
        for causal in (False, True):
            with torch.no_grad():
                reference = layer(x, src_mask=mask if causal else None, is_causal=causal)
                mine = transformer_block(x, params, norm_first=norm_first ^ swap, n_heads=4, causal=causal)
            name = "pre-LN" if norm_first else "post-LN"
            out.append(Measurement.exact(
                f"largest difference, {name}, causal={causal}", float((mine - reference).abs().max()), 0.0,
                tolerance=1e-6, reason="the accuracy asked for, 1e-6 in float32 (whose unit roundoff is 6e-8)",
                quantity=(rf"\max\,\bigl|\mathrm{{block}}_\text{{{name}}}(X)"
                          r" - \mathtt{nn.TransformerEncoderLayer}(X)\bigr|"),
                expected_latex=r"0 \pm 10^{-6}"))
    return out


register(Numeric(
    label="eq-transformer-block-torch",
    experiment=block_check,
    alternative=Alternative("pre-LN and post-LN swapped", kwargs={"swap": True}),
    method="the same weights, float32, eval mode, dropout 0",
    condition=Words(r"for 2 sequences of 9 tokens of width 32, 4 heads, a feed-forward width of 64, without and "
                    r"with the causal mask"),
    source="Vaswani et al. (2017); Xiong et al. (2020); Kaplan (5.4.14)–(5.4.15)",
))


# ------------------------------------------------------------------ max-pooling and shifts


def pooled_unchanged(shift, *, images: int = 2000, size: int = 16, seed: int = 12) -> torch.Tensor:
    r"""Per image, the fraction of 2×2 max-pool outputs that a circular shift of the image leaves unchanged.

    The images have i.i.d. standard normal pixels, so ties have probability zero. Output :math:`j` of
    the pooled shifted image is compared with output :math:`j` of the pooled original (invariance, not
    equivariance).
    """
    x = torch.randn(images, 1, size, size, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    moved = F.max_pool2d(x.roll(tuple(shift), dims=(-2, -1)), 2)
    return (moved == F.max_pool2d(x, 2)).double().flatten(1).mean(1)


def pooling_check(images: int = 2000, law: str = "union") -> list[Measurement]:
    r"""Max-pooling under shifts: a share of the outputs equal to (shared)/(union) for one-pixel shifts; exact for two.

    ``law="window"`` expects the share of the window that the shift keeps instead (the wrong alternative).
    """
    out = []
    for shift, union, window, latex in (((0, 1), 1 / 3, 1 / 2, r"\tfrac{2}{6}"), ((1, 1), 1 / 7, 1 / 4,
                                                                                     r"\tfrac{1}{7}")):
        out.append(Measurement.monte_carlo(
            f"fraction unchanged by the shift {shift}", pooled_unchanged(shift, images=images),
            union if law == "union" else window,
            quantity=rf"P\bigl(\mathrm{{pool}}(T_{{{shift}}}x)_j = \mathrm{{pool}}(x)_j\bigr)", expected_latex=latex))
    x = torch.randn(8, 3, 16, 16, generator=torch.Generator().manual_seed(13), dtype=torch.float64)
    moved = F.max_pool2d(x.roll((2, 4), dims=(-2, -1)), 2) - F.max_pool2d(x, 2).roll((1, 2), dims=(-2, -1))
    out.append(Measurement.exact(
        "largest difference at the shift (2, 4), a multiple of the stride", float(moved.abs().max()), 0.0,
        reason="exact: a maximum of the same numbers",
        quantity=r"\max\,\bigl|\mathrm{pool}(T_{(2, 4)}x) - T_{(1, 2)}\mathrm{pool}(x)\bigr|", expected_latex="0"))
    return out


register(Numeric(
    label="eq-maxpool-shift",
    experiment=pooling_check,
    alternative=Alternative("the share of the window that the shift keeps, 2/4 and 1/4", kwargs={"law": "window"}),
    page={"images": 2000},
    test={"images": 2000},
    method="Monte Carlo over seeded noise images, 5 standard errors; exact comparison",
    condition=Words(r"for 2 × 2 max-pooling with stride 2 of 16 × 16 images with i.i.d. Gaussian pixels, "
                    r"$T_a$ the circular shift by $a$, 2000 images"),
    source="Kaplan §5.3; ours",
))


# ------------------------------------------------------------------ a CNN against an MLP on the digits

CNN_COUNT = conv2d_param_count(1, 8, 3) + conv2d_param_count(8, 16, 3) + 64 * 10 + 10
MLP_COUNT = (64 * 128 + 128) + (128 * 10 + 10)
THRESHOLD = 0.9


def digits_check(trained: bool = True, epochs: int = 25) -> list[Measurement]:
    """Parameter counts of the two networks, exact, and their test accuracies against 90%, with binomial SEs."""
    result = digits_cnn_vs_mlp(epochs=epochs, trained=trained)
    out = []
    for key, name, formula in (("cnn", "CNN", CNN_COUNT), ("mlp", "MLP", MLP_COUNT)):
        out.append(Measurement.exact(f"parameters of the {name}", result[key]["parameters"], formula,
                                     reason="integer counts, exact", quantity=rf"P_\text{{{name}}}"))
    for key, name in (("cnn", "CNN"), ("mlp", "MLP")):
        p, n = result[key]["test_accuracy"], result["n_test"]
        out.append(Measurement.from_standard_error(
            f"test accuracy of the {name}", p, (p * (1 - p) / n) ** 0.5, THRESHOLD, relation=">=",
            samples=f"binomial, {n} test images", quantity=rf"\text{{accuracy}}_\text{{{name}}}"))
    return out


register(Numeric(
    label="eq-digits-cnn-mlp",
    experiment=digits_check,
    alternative=Alternative("the networks as initialised, untrained", kwargs={"trained": False}),
    method="training with Adam, test accuracy on 359 held-out images, 5 binomial standard errors",
    condition=Words(r"for the CNN of two 3 × 3 convolutions (8 and 16 channels) with 2 × 2 max-pooling and the MLP "
                    r"64–128–10, trained for 25 epochs on 1438 scikit-learn digits"),
    source="Kaplan §5.3; LeCun et al. (1989); ours",
))


# ------------------------------------------------------------------ the style statistic


def gram_permutation_check(statistic: str = "gram", images: int = 16, seed: int = 14) -> list[Measurement]:
    r"""Gram matrices of random-CNN features of digits, before and after a random permutation of the positions.

    The features are the first convolution and ReLU of a seeded :func:`small_cnn` (8 channels, 8×8). With
    ``statistic="features"`` the feature maps themselves are compared (the wrong alternative).
    """
    x, _ = digits()
    layer = small_cnn(seed=seed)[:3].double()
    with torch.no_grad():
        features = layer(x[:images])  # (images, 8, 8, 8)
    positions = features.shape[-1] * features.shape[-2]
    perm = torch.randperm(positions, generator=torch.Generator().manual_seed(seed))
    shuffled = features.flatten(-2)[..., perm].unflatten(-1, features.shape[-2:])
    compare = gram_matrix if statistic == "gram" else (lambda f: f)
    difference = float((compare(shuffled) - compare(features)).abs().max())
    tolerance = 2 * positions * U64 * float(gram_matrix(features.abs()).max())
    return [Measurement.exact(
        "largest difference after permuting the positions", difference, 0.0, tolerance=tolerance,
        reason=f"float64 rounding of {positions}-term sums in two orders, 2 HW u max G(|F|) = {tolerance:.2g}",
        quantity=r"\max\,\bigl|G(F\Pi) - G(F)\bigr|", expected_latex="0")]


register(Numeric(
    label="eq-gram-permutation",
    experiment=gram_permutation_check,
    alternative=Alternative("the feature maps themselves, which move with the positions",
                            kwargs={"statistic": "features"}),
    method="random-feature CNN on seeded digits, float64",
    condition=Words(r"for the 8 ReLU feature maps of a random 3 × 3 convolution on 16 digits, $\Pi$ a random "
                    r"permutation of the 64 positions"),
    source="Gatys et al. (2015); Kaplan §5.3; ours",
))
