r"""Claims of the page "Signal propagation and initialisation" (``book/kernels/signal-propagation.md``).

- The variance of a product of independent factors, and of a ReLU of a Gaussian (identities).
- The second-moment recursion of a ReLU layer (identity; Kaplan's (5.1.9) tracks the variance instead,
  erratum 24), and what it predicts at depth 50: He keeps the log second moment of order 1, LeCun halves
  it per layer (numeric, over seeds, against the exact expectation).
- The slope :math:`\chi_1` of the correlation map for ReLU and erf (identities), and the tanh critical
  line found by Newton's method (numeric, by Monte Carlo).
- Residual networks: :math:`(1 + a/L)^L \to e^a` (identity) and the growth of finite linear residual
  networks with and without the branch scaling :math:`1/\sqrt L` (numeric).
- Layer, batch and weight normalisation agree with ``torch.nn``, weight normalisation per output row
  (numeric, to rounding; erratum 23).
"""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch
from torch import nn

from ...claims import Alternative, Assume, Domain, Identity, Measurement, Numeric, register
from ...networks import batch_norm, layer_norm, weight_norm
from ..mean_field import critical_weight_variance, length_fixed_point, residual_growth, signal_propagation

__all__ = [
    "DEPTH",
    "WIDTH",
    "depth_check",
    "expected_log2_second_moment",
    "norms_check",
    "residual_check",
    "second_moments",
    "tanh_critical_check",
]


class Mean(sp.Function):
    r"""The expectation :math:`\langle X\rangle`, unevaluated (an independent factor's moments are symbols of their own)."""

    def _latex(self, printer, exp=None):
        mean = rf"\langle {printer._print(self.args[0])} \rangle"
        return mean if exp is None else rf"{mean}^{{{exp}}}"


# --------------------------------------------------------------------------- variances of products and of a ReLU

A, B = sp.symbols("A B", real=True)
var_a, var_b = sp.symbols(r"\operatorname{Var}A \operatorname{Var}B", nonnegative=True)

register(Identity(
    label="eq-variance-product",
    lhs=Mean(A**2 * B**2) - Mean(A * B) ** 2,
    rhs=var_a * Mean(B) ** 2 + Mean(A) ** 2 * var_b + var_a * var_b,
    method="expand",
    given=((Mean(A**2 * B**2), Mean(A**2) * Mean(B**2)), (Mean(A * B), Mean(A) * Mean(B)),
           (Mean(A**2), var_a + Mean(A) ** 2), (Mean(B**2), var_b + Mean(B) ** 2)),
    source="Kaplan (5.1.7)",
))

h = sp.Symbol("h", real=True)
sigma = sp.Symbol(r"\sigma", positive=True)
q = sp.Symbol("q", positive=True)


def _normal(variance):
    return sp.exp(-h**2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


register(Identity(
    label="eq-relu-variance",
    lhs=sp.Integral(h**2 * _normal(sigma**2), (h, 0, sp.oo)) - sp.Integral(h * _normal(sigma**2), (h, 0, sp.oo)) ** 2,
    rhs=sigma**2 * (sp.Rational(1, 2) - 1 / (2 * sp.pi)),
    method="doit",
    source="Kaplan §5.1.3",
))

# --------------------------------------------------------------------------- the second-moment recursion (erratum 24)

n = sp.Symbol(r"n_{l-1}", integer=True, positive=True)
var_w = sp.Symbol(r"\operatorname{Var}W", positive=True)
moment = sp.Symbol(r"\langle x_{l-1}^2\rangle", positive=True)

register(Identity(
    label="eq-he-second-moment",
    lhs=sp.Integral(h**2 * _normal(n * var_w * moment), (h, 0, sp.oo)),
    rhs=n * var_w * moment / 2,
    method="doit",
    source="He et al. (2015), §2.2; corrects Kaplan (5.1.9)",
))

DEPTH, WIDTH = 50, 512
"""The deep ReLU networks of the experiment: 50 square layers of 512 units."""


def expected_log2_second_moment(depth: int, width: int, weight_var_times_width: float) -> float:
    r"""The exact :math:`E[\log_2\langle x_L^2\rangle]` of :func:`~mltheory.kernels.mean_field.signal_propagation`.

    Given the layer before, :math:`W_l x_{l-1}` has independent :math:`\mathcal N(0, v\langle x_{l-1}^2\rangle)`
    entries (:math:`v` = ``weight_var_times_width``), so the ratio :math:`R_l = \langle x_l^2\rangle/\langle x_{l-1}^2\rangle`
    is :math:`(v/n)\chi^2_K` with :math:`K \sim \operatorname{Bin}(n, 1/2)` active units, independent of the past:
    :math:`\log_2\langle x_L^2\rangle` is a sum of :math:`L` independent copies of :math:`\log_2 R`, and
    :math:`E\ln\chi^2_K = \psi(K/2) + \ln 2`. The expectation is conditional on :math:`K \ge 1` in every layer
    (a layer with no active unit has probability :math:`2^{-n}`).
    """
    k = torch.arange(1, width + 1, dtype=torch.float64)
    log_pmf = (torch.lgamma(torch.tensor(width + 1.0, dtype=torch.float64)) - torch.lgamma(k + 1)
               - torch.lgamma(width - k + 1) - width * math.log(2))
    pmf = log_pmf.exp() / log_pmf.exp().sum()
    log_chi2 = (pmf * (torch.digamma(k / 2) + math.log(2))).sum()
    return depth * (math.log2(weight_var_times_width / width) + float(log_chi2) / math.log(2))


@functools.lru_cache(maxsize=4)
def second_moments(init: str, seeds: int, seed: int) -> torch.Tensor:
    """:func:`~mltheory.kernels.mean_field.signal_propagation` at depth 50 and width 512 (cached for the figure)."""
    return signal_propagation(DEPTH, WIDTH, init, seeds=seeds, seed=seed)


def depth_check(seeds: int = 12, seed: int = 0, per_layer_factor: float | None = None) -> list[Measurement]:
    r"""Mean over seeds of :math:`\log_2\langle x_{50}^2\rangle` under He and LeCun, against its exact expectation.

    With ``per_layer_factor`` the expected value is instead :math:`L\log_2` of that factor times the
    initialisation's gain (the wrong alternative: a recursion for the variance rather than the second moment).
    """
    measurements = []
    for init, gain in (("he", 2.0), ("lecun", 1.0)):
        logs = second_moments(init, seeds, seed)[:, -1].log2()
        if per_layer_factor is None:
            expected = expected_log2_second_moment(DEPTH, WIDTH, gain)
        else:
            expected = DEPTH * math.log2(per_layer_factor * gain / 2)
        name = {"he": "He", "lecun": "LeCun"}[init]
        measurements.append(Measurement.monte_carlo(
            f"mean log2 second moment at depth {DEPTH}, {name}", logs, expected,
            quantity=rf"\overline{{\log_2\langle x_{{{DEPTH}}}^2\rangle}}_{{\mathrm{{{name}}}}}",
            expected_latex=f"{expected:.3f}"))
    return measurements


register(Numeric(
    label="eq-depth-second-moment",
    experiment=depth_check,
    alternative=Alternative("the recursion of Kaplan's (5.1.9) read for the variance: each ReLU layer keeps "
                            "the fraction 1 − 1/π of the signal under He, not all of it",
                            kwargs={"per_layer_factor": 1 - 1 / math.pi}),
    page={"seeds": 12, "seed": 0},
    test={"seeds": 6, "seed": 1000},
    method="Monte Carlo over deep random ReLU networks (depth 50, width 512)",
    source="ours; He et al. (2015); Kaplan §5.1.3",
))

# --------------------------------------------------------------------------- the order-to-chaos line

weight_variance = sp.Symbol(r"\sigma_w^2", positive=True)

register(Identity(
    label="eq-relu-chi1",
    lhs=weight_variance * sp.Integral(_normal(q), (h, 0, sp.oo)),
    rhs=weight_variance / 2,
    method="doit",
    source="Poole et al. (2016); Schoenholz et al. (2017)",
))

register(Identity(
    label="eq-erf-chi1",
    lhs=weight_variance * sp.Integral(4 / sp.pi * sp.exp(-2 * h**2) * _normal(q), (h, -sp.oo, sp.oo)),
    rhs=4 * weight_variance / (sp.pi * sp.sqrt(1 + 4 * q)),
    method="doit",
    source="ours, from Williams (1997)",
))

TANH_BIAS_VARIANCES = (0.01, 0.05, 0.2)
"""Bias variances at which the tanh critical point is checked."""


@functools.lru_cache(maxsize=4)
def tanh_critical_check(samples: int = 200_000, seed: int = 0, stand_in: str = "tanh") -> list[Measurement]:
    r"""Monte Carlo check of the tanh critical points from :func:`~mltheory.kernels.mean_field.critical_weight_variance`.

    At each bias variance, with :math:`\sigma_w^2` from Newton's method and :math:`q^*` from
    :func:`~mltheory.kernels.mean_field.length_fixed_point`, the sample means of
    :math:`\sigma_w^2\tanh^2(\sqrt{q^*}z) + \sigma_b^2` and of :math:`\sigma_w^2\tanh'(\sqrt{q^*}z)^2` must be
    :math:`q^*` and 1 (independent of the quadrature the solver used). With ``stand_in="erf"`` the weight
    variance comes from erf's critical line instead (the wrong alternative).
    """
    generator = torch.Generator().manual_seed(seed)
    z = torch.randn(samples, generator=generator, dtype=torch.float64)
    measurements = []
    for bias_var in TANH_BIAS_VARIANCES:
        weight_var = critical_weight_variance(stand_in, bias_var)
        q_star = length_fixed_point("tanh", weight_var, bias_var)
        t = torch.tanh(math.sqrt(q_star) * z)
        measurements.append(Measurement.monte_carlo(
            f"chi1 at sigma_b^2 = {bias_var:g}", weight_var * (1 - t**2) ** 2, 1.0,
            quantity=r"\chi_1", expected_latex="1"))
        measurements.append(Measurement.monte_carlo(
            f"length map at q* for sigma_b^2 = {bias_var:g}", weight_var * t**2 + bias_var, q_star,
            quantity=r"\sigma_w^2 E[\tanh^2(\sqrt{q^*}z)] + \sigma_b^2", expected_latex="q^*"))
    return measurements


register(Numeric(
    label="eq-tanh-critical",
    experiment=tanh_critical_check,
    alternative=Alternative("erf as a stand-in for tanh: the weight variance of erf's critical line",
                            kwargs={"stand_in": "erf"}),
    page={"samples": 200_000, "seed": 0},
    test={"samples": 200_000, "seed": 7},
    method="Monte Carlo over standard normal z at the critical points found by Newton's method",
    source="Poole et al. (2016); Schoenholz et al. (2017)",
))

# --------------------------------------------------------------------------- residual networks

a = sp.Symbol("a", positive=True)
L = sp.Symbol("L", integer=True, positive=True)

register(Identity(
    label="eq-residual-limit",
    lhs=sp.Limit((1 + a / L) ** L, L, sp.oo),
    rhs=sp.exp(a),
    method="doit",
    source="Kaplan §5.1.4",
))

RESIDUAL_WIDTH = 32


def residual_check(seeds: int = 200, seed: int = 0) -> list[Measurement]:
    r"""Mean of :math:`\lVert X_L\rVert^2/\lVert X_0\rVert^2` of linear residual networks against the exact expectations.

    Unscaled branches at depth 10 grow like :math:`(1 + a)^{10}`; branches scaled by :math:`1/\sqrt L` at
    depth 100 give :math:`(1 + a/100)^{100}`, both exactly in expectation (each block multiplies the expected
    squared length by :math:`1 + \alpha^2 a`, the cross term having mean 0), with :math:`a = 1`.
    """
    unscaled = residual_growth(10, RESIDUAL_WIDTH, scaled=False, seeds=seeds, seed=seed)
    deep = residual_growth(100, RESIDUAL_WIDTH, scaled=True, seeds=seeds, seed=seed + 1)
    return [
        Measurement.monte_carlo("growth, unscaled, L = 10", unscaled, 2.0**10,
                                quantity=r"E\lVert X_{10}\rVert^2/\lVert X_0\rVert^2", expected_latex="(1 + a)^{10}"),
        Measurement.monte_carlo("growth, branches scaled by 1/sqrt(L), L = 100", deep, 1.01**100,
                                quantity=r"E\lVert X_{100}\rVert^2/\lVert X_0\rVert^2",
                                expected_latex=r"(1 + a/100)^{100}"),
    ]


register(Numeric(
    label="eq-residual-growth",
    experiment=residual_check,
    alternative=Alternative("additive instead of compounding growth, 1 + La unscaled and 1 + a scaled: each branch "
                            "adding a times the input's squared length rather than the stream's",
                            expected={0: 1.0 + 10, 1: 1.0 + 1}),
    page={"seeds": 200, "seed": 0},
    test={"seeds": 100, "seed": 500},
    method="Monte Carlo over linear residual networks of width 32 (a = 1)",
    source="ours; Kaplan §5.1.4",
))

# --------------------------------------------------------------------------- normalisation against torch.nn

ROUNDING = 1e-12
"""Tolerance for two float64 computations of the same formula in a different order (about 10^4 units in the last place)."""


def _max_difference(x, y) -> float:
    return float((torch.as_tensor(x) - torch.as_tensor(y)).abs().max())


def norms_check(seed: int = 0, weight_norm_over: str = "rows") -> list[Measurement]:
    r"""Largest difference between :mod:`mltheory.networks`' normalisations and ``torch.nn``'s, in float64.

    Layer norm against ``nn.LayerNorm`` with a random gain and shift; batch norm against ``nn.BatchNorm1d``
    over three training steps (outputs and running statistics) and one evaluation step; weight norm
    against ``torch.nn.utils.parametrizations.weight_norm``. With ``weight_norm_over="matrix"`` the weight
    norm is computed as Kaplan's (5.1.2) writes it, :math:`g\,v/\sqrt{\frac1N\sum v^2}` over the whole matrix
    (the wrong alternative).
    """
    generator = torch.Generator().manual_seed(seed)
    randn = functools.partial(torch.randn, generator=generator, dtype=torch.float64)
    x, gain, shift = randn(8, 6) * 3 + 1, randn(6), randn(6)
    torch_ln = nn.LayerNorm(6, dtype=torch.float64)
    torch_bn = nn.BatchNorm1d(6, dtype=torch.float64)
    with torch.no_grad():
        torch_ln.weight.copy_(gain), torch_ln.bias.copy_(shift)
        torch_bn.weight.copy_(gain), torch_bn.bias.copy_(shift)
        ln = _max_difference(layer_norm(x, gain, shift), torch_ln(x))
        bn, mean, var = 0.0, torch.zeros(6, dtype=torch.float64), torch.ones(6, dtype=torch.float64)
        for _ in range(3):
            batch = randn(8, 6) * 2 - 1
            y, mean, var = batch_norm(batch, mean, var, gain, shift, training=True)
            bn = max(bn, _max_difference(y, torch_bn(batch)), _max_difference(mean, torch_bn.running_mean),
                     _max_difference(var, torch_bn.running_var))
        torch_bn.eval()
        bn = max(bn, _max_difference(batch_norm(x, mean, var, gain, shift, training=False)[0], torch_bn(x)))
        linear = nn.utils.parametrizations.weight_norm(nn.Linear(6, 4, dtype=torch.float64))
        v, g = randn(4, 6), randn(4).abs() + 0.5
        linear.parametrizations.weight.original0.copy_(g[:, None])
        linear.parametrizations.weight.original1.copy_(v)
        ours = weight_norm(v, g) if weight_norm_over == "rows" else g[:, None] * v / v.pow(2).mean().sqrt()
        wn = _max_difference(ours, linear.weight)
    return [
        Measurement.exact(f"max |{name} - torch.nn|", value, ROUNDING, relation="<=",
                          reason="float64 rounding", quantity=rf"\max\lvert\mathrm{{{name}}} - \mathrm{{torch}}\rvert",
                          expected_latex=rf"10^{{{round(math.log10(ROUNDING))}}}")
        for name, value in (("LN", ln), ("BN", bn), ("WN", wn))
    ]


register(Numeric(
    label="eq-norms-torch",
    experiment=norms_check,
    alternative=Alternative("weight normalisation over the whole matrix, g v/√(mean v²) (Kaplan's (5.1.2))",
                            kwargs={"weight_norm_over": "matrix"}),
    page={"seed": 0},
    test={"seed": 1},
    method="comparison with torch.nn in float64",
    source="Ba et al. (2016); Ioffe & Szegedy (2015); Salimans & Kingma (2016); corrects Kaplan (5.1.2)",
))
