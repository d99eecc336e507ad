r"""Claims of the page on recurrent, convolutional and attention layers (``book/kernels/architectures.md``).

Parameter counts are compared with ``torch.nn`` modules, exactly; the layers of
:mod:`mltheory.kernels.blocks` with ``torch.nn.functional`` within float64 rounding; the symmetries
(translation equivariance of a circular convolution, permutation equivariance of attention, the causal
mask) are measured on seeded random inputs; and the transformer's parameter and FLOP counts are
proved symbolically and compared with a torch model under ``FlopCounterMode``.
"""

from __future__ import annotations

import math

import sympy as sp
import torch
import torch.nn.functional as F
from torch import nn

from ...claims import Alternative, Assume, Identity, Measurement, Numeric, Reduction, Words, register
from ..blocks import (_flop_terms, _transformer_count, conv2d_im2col, conv2d_param_count, lstm_param_count,
                      mha_param_count, multi_head_attention, rnn_cell, rnn_param_count, sinusoidal_positional_encoding,
                      transformer_flops, transformer_param_count)

__all__ = ["DotProductVariance", "TransformerParameters", "counted_flops", "language_model"]

U64 = 2.0**-53  # unit roundoff of float64


def _numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _count(what: str, counted: int, formula: int, quantity: str, expected_latex: str) -> Measurement:
    return Measurement.exact(what, counted, formula, reason="integer counts, exact", quantity=quantity,
                             expected_latex=expected_latex)


# ------------------------------------------------------------------ parameter counts of the layers

RECURRENT_SIZES = ((10, 20), (3, 7), (64, 32))


def recurrent_count_check(bias_vectors: int = 2) -> list[Measurement]:
    """Parameters of ``nn.RNN`` and ``nn.LSTM`` (one layer) against the formulas with ``bias_vectors`` biases."""
    out = []
    for d_x, d_h in RECURRENT_SIZES:
        out.append(_count(f"nn.RNN({d_x}, {d_h})", _numel(nn.RNN(d_x, d_h)),
                          rnn_param_count(d_x, d_h, bias_vectors=bias_vectors),
                          r"P_{\mathtt{nn.RNN}}", r"d_h(d_x + d_h) + 2d_h"))
        out.append(_count(f"nn.LSTM({d_x}, {d_h})", _numel(nn.LSTM(d_x, d_h)),
                          lstm_param_count(d_x, d_h, bias_vectors=bias_vectors),
                          r"P_{\mathtt{nn.LSTM}}", r"4d_h(d_x + d_h) + 8d_h"))
    return out


register(Numeric(
    label="eq-recurrent-param-count",
    experiment=recurrent_count_check,
    alternative=Alternative("one bias vector per layer, as in Kaplan's (5.2.1)", kwargs={"bias_vectors": 1}),
    method="parameter count of the torch modules, exact",
    condition=Words(r"for one layer with inputs of size $d_x$ and hidden state of size $d_h$, at "
                    r"$(d_x, d_h)$ in (10, 20), (3, 7), (64, 32)"),
    source="Kaplan (5.2.1), (5.2.2), with PyTorch's two bias vectors",
))

def recurrent_jacobian_norm(radius: float, steps: int, nonlinearity: str = "tanh", hidden: int = 32,
                            seed: int = 8) -> float:
    r"""The spectral norm of :math:`\partial h_T/\partial h_0` through ``steps`` steps of :func:`rnn_cell`, by autograd.

    The recurrent weight is :math:`W_{hh} = \rho Q` with :math:`Q` a seeded random orthogonal matrix (every
    singular value :math:`\rho`); random inputs of size 8 drive the state. ``nonlinearity="linear"``
    drops :math:`\phi`, so that the Jacobian is :math:`W_{hh}^T` exactly.
    """
    g = torch.Generator().manual_seed(seed)
    q, _ = torch.linalg.qr(torch.randn(hidden, hidden, generator=g, dtype=torch.float64))
    weight_hh, weight_ih = radius * q, torch.randn(hidden, 8, generator=g, dtype=torch.float64) / math.sqrt(8)
    inputs = torch.randn(steps, 8, generator=g, dtype=torch.float64)

    def run(h):
        for x in inputs:
            h = (weight_hh @ h + weight_ih @ x if nonlinearity == "linear"
                 else rnn_cell(x, h, weight_ih, weight_hh, nonlinearity=nonlinearity))
        return h

    jacobian = torch.func.jacrev(run)(torch.randn(hidden, generator=g, dtype=torch.float64))
    return float(torch.linalg.matrix_norm(jacobian, ord=2))


RADII = (0.9, 1.0, 1.1)


def recurrent_gradient_check(steps: int = 50, law: str = "bound") -> list[Measurement]:
    r""":math:`\log\|\partial h_T/\partial h_0\|_2` against :math:`T\log\rho`: equal for a linear RNN, at most for tanh.

    ``law="equal"`` compares the tanh RNN with :math:`T\log\rho` two-sided (the wrong alternative).
    """
    slack = 4 * steps * 32 * U64  # float64 rounding of T products of 32-term sums, relative
    out = []
    for radius in RADII:
        expected = steps * math.log(radius)
        linear = math.log(recurrent_jacobian_norm(radius, steps, "linear"))
        out.append(Measurement.exact(f"linear RNN, ρ = {radius}", linear, expected, tolerance=slack,
                                     reason=f"float64 rounding, 4 T d u = {slack:.1g}",
                                     quantity=r"\log\bigl\|\partial h_T/\partial h_0\bigr\|_2^{\text{linear}}",
                                     expected_latex=r"T\log\rho"))
        saturating = math.log(recurrent_jacobian_norm(radius, steps, "tanh"))
        out.append(Measurement.exact(f"tanh RNN, ρ = {radius}", saturating, expected, tolerance=slack,
                                     relation="<=" if law == "bound" else "==",
                                     reason=f"float64 rounding, 4 T d u = {slack:.1g}",
                                     quantity=r"\log\bigl\|\partial h_T/\partial h_0\bigr\|_2^{\tanh}",
                                     expected_latex=r"T\log\rho"))
    return out


register(Numeric(
    label="eq-rnn-gradient",
    experiment=recurrent_gradient_check,
    alternative=Alternative("the tanh RNN's gradient compounds like ρ^T as the linear one's does",
                            kwargs={"law": "equal"}),
    method="autograd Jacobians (torch.func.jacrev), float64",
    condition=Words(r"for 50 steps of a 32-unit RNN whose recurrent weight is $\rho$ times a random orthogonal "
                    r"matrix, $\rho$ in 0.9, 1.0, 1.1, with random inputs"),
    source="Kaplan §5.2; Bengio et al. (1994); Pascanu et al. (2013)",
))

CONV_SIZES = ((8, 16, 5), (3, 4, 3), (1, 1, 1))


def conv_count_check(bias: bool = True) -> list[Measurement]:
    """Parameters of ``nn.Conv2d`` against :math:`k^2 C_{in} C_{out} (+ C_{out})`."""
    return [_count(f"nn.Conv2d({c_in}, {c_out}, {k})", _numel(nn.Conv2d(c_in, c_out, k)),
                   conv2d_param_count(c_in, c_out, k, bias=bias),
                   r"P_{\mathtt{nn.Conv2d}}", r"k^2 C_\text{in} C_\text{out} + C_\text{out}")
            for c_in, c_out, k in CONV_SIZES]


register(Numeric(
    label="eq-conv-param-count",
    experiment=conv_count_check,
    alternative=Alternative("the 200 × 16 weight matrix alone, without the biases", kwargs={"bias": False}),
    method="parameter count of the torch module, exact",
    condition=Words(r"for a $k \times k$ filter from $C_\text{in}$ to $C_\text{out}$ channels, at "
                    r"$(C_\text{in}, C_\text{out}, k)$ in (8, 16, 5), (3, 4, 3), (1, 1, 1)"),
    source="Kaplan §5.3 (the 5 × 5 filter from 8 to 16 channels)",
))

MHA_SIZES = ((512, 8), (512, 1), (64, 4))


def mha_count_check(biases_counted: bool = True) -> list[Measurement]:
    """Parameters of ``nn.MultiheadAttention`` with and without biases against :math:`4d^2 (+4d)`."""
    out = []
    for d, heads in MHA_SIZES:
        for bias in (True, False):
            counted = _numel(nn.MultiheadAttention(d, heads, bias=bias))
            formula = mha_param_count(d, bias=bias and biases_counted)
            latex = r"4d^2 + 4d" if bias else r"4d^2"
            out.append(_count(f"nn.MultiheadAttention({d}, {heads}, bias={bias})", counted, formula,
                              rf"P_{{\mathtt{{MHA}}}}^{{\text{{bias={bias}}}}}", latex))
    return out


register(Numeric(
    label="eq-mha-param-count",
    experiment=mha_count_check,
    alternative=Alternative("4d² also for the module with biases", kwargs={"biases_counted": False}),
    method="parameter count of the torch module, exact",
    condition=Words(r"for self-attention of width $d$ with any number of heads, at "
                    r"$(d, n_\text{heads})$ in (512, 8), (512, 1), (64, 4)"),
    source="Kaplan (5.4.10)",
))


# ------------------------------------------------------------------ convolution


def _conv_rounding(x, weight) -> float:
    """Float64 bound on two evaluations of the same sums in different orders: 2 L u max Σ|w||x|, L terms a sum."""
    terms = weight[0].numel()
    return 2 * terms * U64 * float(F.conv2d(x.abs(), weight.abs()).max())


def im2col_check(flip: bool = False, seed: int = 0) -> list[Measurement]:
    """:func:`conv2d_im2col` against ``F.conv2d`` for several strides and paddings; ``flip`` flips the filter."""
    g = torch.Generator().manual_seed(seed)
    out = []
    for stride, padding in ((1, 0), (1, 2), (2, 1)):
        x = torch.randn(2, 3, 9, 9, generator=g, dtype=torch.float64)
        weight = torch.randn(4, 3, 3, 3, generator=g, dtype=torch.float64)
        bias = torch.randn(4, generator=g, dtype=torch.float64)
        mine = conv2d_im2col(x, weight.flip(-1, -2) if flip else weight, bias, stride=stride, padding=padding)
        reference = F.conv2d(x, weight, bias, stride=stride, padding=padding)
        tolerance = _conv_rounding(F.pad(x, (padding,) * 4), weight)
        out.append(Measurement.exact(
            f"largest difference from F.conv2d at stride {stride}, padding {padding}",
            float((mine - reference).abs().max()), 0.0, tolerance=tolerance,
            reason=f"float64 rounding of {weight[0].numel()}-term sums in two orders, "
                   f"2 L u max Σ|w||x| = {tolerance:.2g}",
            quantity=r"\max\,\bigl|\mathrm{im2col}(x)^\top W - \mathtt{conv2d}(x, W)\bigr|", expected_latex="0"))
    return out


register(Numeric(
    label="eq-conv-im2col",
    experiment=im2col_check,
    alternative=Alternative("the flipped filter (convolution in the signal-processing sense)",
                            kwargs={"flip": True}),
    method="seeded random inputs, float64",
    condition=Words(r"for 3 × 3 filters from 3 to 4 channels on 9 × 9 images, at stride 1 and 2 and "
                    r"padding 0, 1, 2"),
    source="Kaplan §5.3; ours",
))


def equivariance_check(padding_mode: str = "circular", seed: int = 1) -> list[Measurement]:
    """Shift the image circularly and convolve, against convolve and shift, for several shifts."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, 2, 12, 12, generator=g, dtype=torch.float64)
    weight = torch.randn(3, 2, 3, 3, generator=g, dtype=torch.float64)
    layer = lambda image: conv2d_im2col(image, weight, padding=1, padding_mode=padding_mode)  # noqa: E731
    tolerance = _conv_rounding(F.pad(x, (1,) * 4, mode="circular"), weight)
    out = []
    for shift in ((1, 0), (2, 3), (5, 11)):
        moved = lambda image: image.roll(shift, dims=(-2, -1))  # noqa: E731
        out.append(Measurement.exact(
            f"largest difference at shift {shift}", float((layer(moved(x)) - moved(layer(x))).abs().max()), 0.0,
            tolerance=tolerance,
            reason=f"float64 rounding of {weight[0].numel()}-term sums, 2 L u max Σ|w||x| = {tolerance:.2g}",
            quantity=r"\max\,\bigl|f(T_a x) - T_a f(x)\bigr|", expected_latex="0"))
    return out


register(Numeric(
    label="eq-conv-equivariance",
    experiment=equivariance_check,
    alternative=Alternative("zero padding, whose border breaks the symmetry", kwargs={"padding_mode": "zeros"}),
    method="seeded random image, float64",
    condition=Words(r"for a 3 × 3 convolution with circular padding on a 12 × 12 image, $T_a$ the circular "
                    r"shift by $a$ in (1, 0), (2, 3), (5, 11)"),
    source="Kaplan §5.3; ours",
))


# ------------------------------------------------------------------ the variance of a dot product

i, j = sp.symbols("i j", integer=True, positive=True)
d_k = sp.Symbol("d_k", integer=True, positive=True)
mu_q, mu_k = sp.symbols(r"\mu_q \mu_k", real=True)
s_q, s_k = sp.symbols(r"\sigma_q \sigma_k", positive=True)


def _second_moment(mu, sigma):
    r""":math:`E[a_i a_j] = \mu^2 + \sigma^2\delta_{ij}` for independent entries of mean mu and variance sigma²."""
    return mu**2 + sigma**2 * sp.KroneckerDelta(i, j)


DOT_MOMENTS = (sp.Sum(_second_moment(mu_q, s_q) * _second_moment(mu_k, s_k), (j, 1, d_k), (i, 1, d_k))
               - sp.Sum(mu_q * mu_k, (i, 1, d_k)) ** 2)


class DotProductVariance(sp.Function):
    r""":math:`\operatorname{Var}(q\cdot k) = E[(q\cdot k)^2] - E[q\cdot k]^2`; ``doit`` writes it in the entries' moments."""

    def doit(self, **hints):
        return DOT_MOMENTS

    def _latex(self, printer):
        return r"\operatorname{Var}(q\cdot k)"


def _sum_deltas(expr):
    """Evaluate the sums; the Kronecker delta leaves ``Piecewise((1, i <= d_k), ...)``, true on the range of i."""
    summed = expr.doit().doit()  # the first doit may only unfold DotProductVariance into its sums

    def in_range(pw):
        return isinstance(pw, sp.Piecewise) and pw.args[0].cond in (sp.Le(i, d_k), sp.Ge(d_k, i))

    return sp.expand(summed.replace(in_range, lambda pw: pw.args[0].expr).doit())


SUM_DELTAS = Reduction("sympy sums the Kronecker deltas over 1 ≤ i, j ≤ d_k and expands", _sum_deltas)

register(Identity(
    label="eq-dot-product-variance",
    lhs=DotProductVariance(d_k),
    steps=(DOT_MOMENTS,),
    rhs=d_k * (s_q**2 * s_k**2 + s_q**2 * mu_k**2 + mu_q**2 * s_k**2),
    show_steps=True,
    method=SUM_DELTAS,
    condition=Words(r"for $q, k$ with independent entries of means $\mu_q, \mu_k$ and variances "
                    r"$\sigma_q^2, \sigma_k^2$"),
    source="Kaplan §5.4 (the reason for the scale $1/\\sqrt{d_k}$); ours",
))


def dot_variance_check(dims=(16, 64), samples: int = 20_000, seed: int = 2) -> list[Measurement]:
    r"""Sample :math:`q\cdot k` with standard normal entries; the mean of :math:`(q\cdot k)^2` against :math:`d_k`."""
    g = torch.Generator().manual_seed(seed)
    out = []
    for dim in dims:
        q, k = torch.randn(2, samples, dim, generator=g, dtype=torch.float64)
        out.append(Measurement.monte_carlo(f"Var(q·k) at d_k = {dim}", (q * k).sum(-1) ** 2, dim,
                                           quantity=r"\overline{(q\cdot k)^2}", expected_latex="d_k"))
    return out


register(Numeric(
    label="eq-dot-product-variance-sampled",
    experiment=dot_variance_check,
    alternative=Alternative("the standard deviation is d_k (the variance would be d_k²): Var = √d_k",
                            expected={0: 4.0, 1: 8.0}),
    page={"samples": 20_000},
    test={"samples": 20_000},
    method="Monte Carlo, 5 standard errors",
    condition=Words(r"for standard normal entries, $d_k$ in 16 and 64, with 20000 samples each (the mean of "
                    r"$q\cdot k$ is 0, so its mean square is its variance)"),
    source="Kaplan §5.4; ours",
))


# ------------------------------------------------------------------ the positional encoding as a rotation

omega, t, shift = sp.symbols(r"\omega t k", real=True)
ROTATION = sp.Matrix([[sp.cos(omega * shift), sp.sin(omega * shift)],
                      [-sp.sin(omega * shift), sp.cos(omega * shift)]])

register(Identity(
    label="eq-positional-rotation",
    lhs=sp.Matrix([sp.sin(omega * (t + shift)), sp.cos(omega * (t + shift))]),
    rhs=sp.MatMul(ROTATION, sp.Matrix([sp.sin(omega * t), sp.cos(omega * t)]), evaluate=False),
    method=Reduction("sympy multiplies out and applies the addition formulas",
                     lambda e: sp.simplify(sp.expand_trig(e.doit()))),
    condition=Words(r"for every pair of coordinates of frequency $\omega$, position $t$ and shift $k$"),
    source="Vaswani et al. (2017), §3.5; Kaplan §5.4",
))


# ------------------------------------------------------------------ attention: symmetries and torch


def _attention_weights(d: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    in_weight = torch.randn(3 * d, d, generator=g, dtype=torch.float64) / math.sqrt(d)
    out_weight = torch.randn(d, d, generator=g, dtype=torch.float64) / math.sqrt(d)
    in_bias = 0.1 * torch.randn(3 * d, generator=g, dtype=torch.float64)
    out_bias = 0.1 * torch.randn(d, generator=g, dtype=torch.float64)
    return g, (in_weight, out_weight), (in_bias, out_bias)


def _attention_rounding(n: int, d: int, weights, biases, x) -> float:
    r"""Float64 bound for the same attention evaluated with its sums in another order.

    The outputs are :math:`W_O` times convex combinations of values, so they are at most
    :math:`\|W_O\|_\infty \max|v|`, with :math:`\max|v| \le \|W_V\|_\infty \max|x| + \max|b_V|`; the sums
    over :math:`n` keys and :math:`d` features each contribute at most their length times :math:`u`
    relative to that, twice (two evaluations), for the softmax normaliser, the weighted sum and the
    projections: :math:`8(n + d)u\,\|W_O\|_\infty\max|v|`.
    """
    (in_weight, out_weight), (in_bias, _) = weights, biases
    value_bound = float(in_weight[2 * d:].abs().sum(1).max() * x.abs().max() + in_bias[2 * d:].abs().max())
    return 8 * (n + d) * U64 * float(out_weight.abs().sum(1).max()) * value_bound


def permutation_check(n: int = 12, d: int = 16, heads: int = 4, positional: bool = False,
                      seeds=(3, 4, 5)) -> list[Measurement]:
    """Permute the tokens and attend, against attend and permute; ``positional`` adds the encoding first."""
    out = []
    for seed in seeds:
        g, weights, biases = _attention_weights(d, seed)
        x = torch.randn(n, d, generator=g, dtype=torch.float64)
        perm = torch.randperm(n, generator=g)
        encode = (lambda s: s + sinusoidal_positional_encoding(n, d)) if positional else (lambda s: s)
        layer = lambda s: multi_head_attention(encode(s), *weights, heads, *biases)  # noqa: E731
        tolerance = _attention_rounding(n, d, weights, biases, encode(x))
        out.append(Measurement.exact(
            f"largest difference, seed {seed}", float((layer(x[perm]) - layer(x)[perm]).abs().max()), 0.0,
            tolerance=tolerance, reason=f"float64 rounding, 8 (n + d) u ‖W_O‖ max|v| = {tolerance:.2g}",
            quantity=r"\max\,\bigl|\mathrm{MHA}(PX) - P\,\mathrm{MHA}(X)\bigr|", expected_latex="0"))
    return out


register(Numeric(
    label="eq-attention-permutation",
    experiment=permutation_check,
    alternative=Alternative("with the sinusoidal positional encoding added to the tokens",
                            kwargs={"positional": True}),
    method="seeded random tokens, weights and permutations, float64",
    condition=Words(r"for self-attention without positional encoding, 12 tokens of width 16, 4 heads, "
                    r"$P$ a random permutation of the tokens, three seeds"),
    source="Kaplan §5.4 (none of the matrices acts on the sequence index); ours",
))


def causal_check(n: int = 10, d: int = 16, heads: int = 4, causal: bool = True, seed: int = 6) -> Measurement:
    """Replace the tokens after position s by new ones, for every s: how much do the outputs up to s move?"""
    g, weights, biases = _attention_weights(d, seed)
    x = torch.randn(n, d, generator=g, dtype=torch.float64)
    base = multi_head_attention(x, *weights, heads, *biases, causal=causal)
    moved = 0.0
    for s in range(n - 1):
        changed = torch.cat((x[: s + 1], torch.randn(n - s - 1, d, generator=g, dtype=torch.float64)))
        after = multi_head_attention(changed, *weights, heads, *biases, causal=causal)
        moved = max(moved, float((after[: s + 1] - base[: s + 1]).abs().max()))
    return Measurement.exact(
        "largest change of an output at or before s", moved, 0.0,
        reason="exact: the masked weights are exactly 0, and adding exact zeros does not round",
        quantity=r"\max_{s' \le s}\,\bigl|y_{s'}(x) - y_{s'}(x')\bigr|", expected_latex="0")


register(Numeric(
    label="eq-causal-mask",
    experiment=causal_check,
    alternative=Alternative("attention without the mask", kwargs={"causal": False}),
    method="seeded random tokens, float64, exact comparison",
    condition=Words(r"for causal self-attention on 10 tokens of width 16 with 4 heads, $x'$ equal to $x$ up "
                    r"to position $s$ and redrawn after it, for every $s$"),
    source="Vaswani et al. (2017), §3.2.3; ours",
))


def torch_mha_check(n: int = 9, d: int = 32, heads: int = 4, our_heads: int | None = None,
                    seed: int = 7) -> list[Measurement]:
    """:func:`multi_head_attention` with the weights of an ``nn.MultiheadAttention``, in float32, with and without mask."""
    torch.manual_seed(seed)  # nn.MultiheadAttention draws its weights from the global generator
    module = nn.MultiheadAttention(d, heads, batch_first=True)
    x = torch.randn(2, n, d, generator=torch.Generator().manual_seed(seed))
    out = []
    for causal in (False, True):
        mask = nn.Transformer.generate_square_subsequent_mask(n) if causal else None
        with torch.no_grad():
            reference = module(x, x, x, attn_mask=mask, need_weights=False)[0]
            mine = multi_head_attention(x, module.in_proj_weight, module.out_proj.weight, our_heads or heads,
                                        module.in_proj_bias, module.out_proj.bias, causal=causal)
        out.append(Measurement.exact(
            f"largest difference from nn.MultiheadAttention, causal={causal}",
            float((mine - reference).abs().max()), 0.0, tolerance=1e-6,
            reason="the accuracy asked for, 1e-6 in float32 (whose unit roundoff is 6e-8)",
            quantity=r"\max\,\bigl|\mathrm{MHA}_\text{ours}(X) - \mathtt{nn.MultiheadAttention}(X)\bigr|",
            expected_latex=r"0 \pm 10^{-6}"))
    return out


register(Numeric(
    label="eq-mha-torch",
    experiment=torch_mha_check,
    alternative=Alternative("one head of width 32 instead of 4 heads of width 8", kwargs={"our_heads": 1}),
    method="the same weights, float32",
    condition=Words(r"for 2 sequences of 9 tokens of width 32, 4 heads, without and with the causal mask"),
    source="ours",
))


# ------------------------------------------------------------------ the transformer's parameters and FLOPs

d, n_layers, n_vocab, n_seq, d_ff = sp.symbols(r"d n_L n_\text{vocab} n d_{ff}", positive=True, integer=True)


ratio = sp.Symbol("r", positive=True)

register(Identity(
    label="eq-fc-attention-ratio",
    lhs=sp.Limit((2 * d * d_ff + d_ff + d) / (4 * d**2 + 4 * d), d, sp.oo),
    rhs=ratio / 2,
    method=Reduction("sympy substitutes d_ff = r d and takes the limit", lambda e: sp.simplify(
        e.subs(d_ff, ratio * d).doit())),
    condition=Assume(sp.Eq(d_ff, ratio * d)),
    source="Kaplan (5.4.12)–(5.4.13)",
))


class TransformerParameters(sp.Function):
    r""":math:`P(d, n_L, n_\text{vocab})`, the exact count with :math:`d_{ff} = 4d`; ``doit`` evaluates it."""

    def doit(self, **hints):
        width, layers, vocab = self.args
        return _transformer_count(width, layers, vocab, 4 * width)

    def _latex(self, printer):
        return r"P(d, n_L, n_\text{vocab})"


register(Identity(
    label="eq-transformer-param-count",
    lhs=TransformerParameters(d, n_layers, n_vocab),
    rhs=12 * n_layers * d**2 + d * n_vocab + 13 * n_layers * d,
    method=Reduction("sympy evaluates the count and expands", lambda e: sp.expand(e.doit())),
    condition=(Assume(sp.Eq(d_ff, 4 * d)),
               Words(r"for $n_L$ layers of width $d$ with biases and two layer norms each, and an embedding "
                     r"shared with the output layer")),
    source="Kaplan (5.4.16), with the terms it drops",
))


def language_model(d_model: int, heads: int, layers: int, vocab: int, *, seed: int = 0) -> nn.Module:
    """A decoder-only transformer of ``nn.TransformerEncoderLayer`` blocks, its embedding tied to the output layer."""

    class LanguageModel(nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(seed)
            self.embedding = nn.Embedding(vocab, d_model)
            self.layers = nn.ModuleList(nn.TransformerEncoderLayer(d_model, heads, 4 * d_model, dropout=0.0,
                                                                   batch_first=True) for _ in range(layers))

        def forward(self, tokens):
            n = tokens.shape[-1]
            h = self.embedding(tokens) + sinusoidal_positional_encoding(n, d_model, dtype=torch.float32)
            mask = nn.Transformer.generate_square_subsequent_mask(n)
            for layer in self.layers:
                h = layer(h, src_mask=mask, is_causal=True)
            return h @ self.embedding.weight.T

    return LanguageModel().train()  # training mode: the fused inference path would hide the attention products


def counted_flops(n: int, d_model: int = 32, heads: int = 4, layers: int = 2, vocab: int = 50) -> int:
    """FLOPs of one forward pass of :func:`language_model` on ``n`` tokens, counted by ``FlopCounterMode``.

    The math backend of scaled dot-product attention is selected, so that its two batched products are
    visible to the counter (the fused CPU kernel is not counted).
    """
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    model = language_model(d_model, heads, layers, vocab)
    tokens = torch.randint(vocab, (1, n), generator=torch.Generator().manual_seed(n))
    with torch.no_grad(), sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        model(tokens)
    return counter.get_total_flops()


MODEL_SIZES = ((32, 4, 2, 50), (16, 2, 1, 10))


def transformer_count_check(leading_order: bool = False) -> list[Measurement]:
    """Parameters of :func:`language_model` against :func:`transformer_param_count`, or its leading order."""
    out = []
    for width, heads, layers, vocab in MODEL_SIZES:
        formula = (12 * layers * width**2 + width * vocab if leading_order
                   else transformer_param_count(width, layers, vocab))
        out.append(_count(f"parameters at d = {width}, n_L = {layers}, n_vocab = {vocab}",
                          _numel(language_model(width, heads, layers, vocab)), formula,
                          r"P_\text{torch}", r"P(d, n_L, n_\text{vocab})"))
    return out


register(Numeric(
    label="eq-transformer-param-count-torch",
    experiment=transformer_count_check,
    alternative=Alternative("the leading order 12 n_L d² + d n_vocab taken as exact", kwargs={"leading_order": True}),
    method="parameter count of the torch model, exact",
    condition=Words(r"for torch models of TransformerEncoderLayer blocks with a tied embedding, at "
                    r"$(d, n_L, n_\text{vocab})$ in (32, 2, 50), (16, 1, 10)"),
    source="ours",
))


def _kaplan_flops(n: int, width: int, layers: int, vocab: int) -> int:
    """Twice Kaplan's (5.4.17) as printed (its operations are multiply-adds): one n² d term per layer, not two."""
    return layers * 2 * (2 * n * width * (4 * width + 2 * width) + n * n * width) + 2 * n * width * vocab


FLOP_LENGTHS = (8, 64, 256)


def flops_check(lengths=FLOP_LENGTHS, formula: str = "corrected") -> list[Measurement]:
    """``FlopCounterMode`` on :func:`language_model` (d = 32, two layers, 50 tokens) against the FLOP formula."""
    width, heads, layers, vocab = MODEL_SIZES[0]
    out = []
    for n in lengths:
        expected = (transformer_flops(n, width, layers, n_vocab=vocab)["total"] if formula == "corrected"
                    else _kaplan_flops(n, width, layers, vocab))
        out.append(_count(f"FLOPs at n = {n}", counted_flops(n, width, heads, layers, vocab), expected,
                          r"\text{FLOPs}_{\mathtt{FlopCounterMode}}",
                          r"n_L\bigl(4nd(d_{ff} + 2d) + 4n^2 d\bigr) + 2nd\,n_\text{vocab}"))
    return out


register(Numeric(
    label="eq-transformer-flops",
    experiment=flops_check,
    alternative=Alternative("Kaplan's (5.4.17) as printed, with one n²d per layer", kwargs={"formula": "kaplan"}),
    method="FlopCounterMode on a torch model, exact",
    condition=(Assume(sp.Eq(d_ff, 4 * d)),
               Words(r"for the model above at width 32 with two layers, 4 heads, a vocabulary of 50 and "
                     r"$n$ in 8, 64, 256 tokens")),
    source="Kaplan (5.4.17), corrected",
))

_dense, _attention = _flop_terms(n_seq, d, 4 * d)


class AttentionShare(sp.Function):
    r"""The ratio of a layer's attention FLOPs to its dense FLOPs, with :math:`d_{ff} = 4d`; ``doit`` evaluates it."""

    def doit(self, **hints):
        return _attention / _dense

    def _latex(self, printer):
        return r"\frac{\text{FLOPs}_\text{attention}}{\text{FLOPs}_\text{dense}}"


register(Identity(
    label="eq-attention-crossover",
    lhs=AttentionShare(n_seq, d),
    rhs=n_seq / (6 * d),
    method=Reduction("sympy evaluates the counts and cancels", lambda e: sp.cancel(e.doit())),
    condition=(Assume(sp.Eq(d_ff, 4 * d)), Words(r"per layer")),
    source="Kaplan (5.4.17), corrected",
))
