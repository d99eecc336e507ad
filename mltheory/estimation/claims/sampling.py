"""Claims of the page "Randomness inside networks" (``book/estimation/sampling.md``)."""

from __future__ import annotations

import math

import sympy as sp
import torch

from ...claims import Alternative, Identity, Measurement, Numeric, Words, register
from ..estimators import summarize_estimates
from ..sampling import (
    binary_gumbel_softmax_mean,
    dropout,
    gumbel_max_sample,
    gumbel_softmax,
    reparam_grad,
    score_function_grad,
    sparse_reward_gradients,
)
from ..symbolic import change_variables, differentiate_under_integral, expectation_of_polynomial, gaussian_raw_moment, notation
from ._evidence import clearly_positive

x, z, mu, d = sp.symbols("x z mu d", real=True)
x1, x2, x3, x4 = sp.symbols("x_1:5", real=True)
sigma, y, n, beta = sp.symbols("sigma y n beta", positive=True)
u = sp.Symbol("u", real=True)
f = sp.Function("f")
_standard_normal = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
_normal = sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
_f_prime = sp.Subs(sp.Derivative(f(u), u), u, mu + sigma * z)

# --------------------------------------------------------------------------- two gradient estimators

register(Identity(
    label="eq-reparametrisation-gradient",
    lhs=sp.Matrix([sp.Derivative(sp.Integral(f(mu + sigma * z) * _standard_normal, (z, -sp.oo, sp.oo)), mu),
                   sp.Derivative(sp.Integral(f(mu + sigma * z) * _standard_normal, (z, -sp.oo, sp.oo)), sigma)]),
    rhs=sp.Matrix([sp.Integral(_f_prime * _standard_normal, (z, -sp.oo, sp.oo)),
                   sp.Integral(z * _f_prime * _standard_normal, (z, -sp.oo, sp.oo))]),
    method=differentiate_under_integral,
    condition=Words(r"for $\epsilon \sim \mathcal N(0, 1)$"),
    source="Kaplan (3.5.1); Kingma & Welling (2014)",
))

register(Identity(
    label="eq-score-function-gradient",
    lhs=sp.Derivative(sp.Integral(f(x) * _normal, (x, -sp.oo, sp.oo)), mu),
    rhs=sp.Integral(f(x) * sp.Derivative(sp.log(_normal), mu) * _normal, (x, -sp.oo, sp.oo)),
    method=differentiate_under_integral,
    condition=Words(r"for any $f$"),
    source="Williams (1992); ours",
))

_z = sp.Symbol("epsilon", real=True)
_gaussian_moments = {k: gaussian_raw_moment(k, 0, 1) for k in range(9)}
E_eps = notation("ExpectationOverStandardNormal", r"\mathbb{E}_{\epsilon}\left[#1\right]",
                 lambda e: expectation_of_polynomial(e, _z, _gaussian_moments.__getitem__))
Var_eps = notation("VarianceOverStandardNormal", r"\operatorname{Var}_{\epsilon}\left[#1\right]",
                   lambda e: expectation_of_polynomial(e**2, _z, _gaussian_moments.__getitem__)
                   - expectation_of_polynomial(e, _z, _gaussian_moments.__getitem__) ** 2)
_x_of_eps = mu + sigma * _z
REPARAM_ESTIMATE = 2 * _x_of_eps  # f'(x) for f = x^2
SCORE_ESTIMATE = _x_of_eps**2 * (_x_of_eps - mu) / sigma**2  # f(x) d/dmu log p(x)

register(Identity(
    label="eq-gradient-estimator-variances",
    lhs=sp.Matrix([E_eps(REPARAM_ESTIMATE), E_eps(SCORE_ESTIMATE), Var_eps(REPARAM_ESTIMATE), Var_eps(SCORE_ESTIMATE)]),
    rhs=sp.Matrix([2 * mu, 2 * mu, 4 * sigma**2, mu**4 / sigma**2 + 14 * mu**2 + 15 * sigma**2]),
    method="doit",
    condition=Words(r"per-sample estimates of $\partial_\mu E[x^2]$ for $x$ drawn as $\mu + \sigma\epsilon$ "
                    "(reparametrised, then score function)"),
    source="Kaplan §3.5; ours",
))


def gradient_variance_check(samples: int, seed: int, mean: float = 1.0, sd: float = 2.0) -> list[Measurement]:
    """Mean and variance of the two per-sample gradient estimators of d/dμ E[x²] against their exact values."""
    generator = torch.Generator().manual_seed(seed)
    reparam = reparam_grad(lambda v: v**2, mean, sd, n_samples=samples, seed=generator)[:, 0]
    score = score_function_grad(lambda v: v**2, mean, sd, n_samples=samples, seed=generator)[:, 0]
    m, s = f"{mean:g}", f"{sd:g}"
    exact = {
        "reparametrised": (reparam, 4 * sd**2, "2x", rf"4 \cdot {s}^2"),
        "score function": (score, mean**4 / sd**2 + 14 * mean**2 + 15 * sd**2, rf"x^2 \tfrac{{x - {m}}}{{{s}^2}}",
                           rf"\tfrac{{{m}^4}}{{{s}^2}} + 14 \cdot {m}^2 + 15 \cdot {s}^2"),
    }
    measurements = []
    for name, (estimates, variance, latex, variance_latex) in exact.items():
        stats = summarize_estimates(estimates, 2 * mean)
        measurements.append(Measurement.from_standard_error(f"{name}: mean", stats.mean, stats.mean_se, 2 * mean,
                                                            samples=f"{samples} samples", quantity=rf"E[{latex}]",
                                                            expected_latex=rf"2 \cdot {m}"))
        measurements.append(Measurement.from_standard_error(f"{name}: variance", stats.variance, stats.variance_se,
                                                            variance, samples=f"{samples} samples",
                                                            quantity=rf"\operatorname{{Var}}[{latex}]",
                                                            expected_latex=variance_latex))
    return measurements


register(Numeric(
    label="eq-gradient-variance-monte-carlo",
    alternative=Alternative("two unbiased estimators of equal variance", expected={"score function: variance": 16.0}),
    experiment=gradient_variance_check,
    page={"samples": 200_000, "seed": 0},
    test={"samples": 1_000_000, "seed": 1},
    method="Monte Carlo, x ~ N(1, 2²); gradients by autograd and torch.func",
    source="Kaplan §3.5; ours",
))


# --------------------------------------------------------------------------- the Gumbel-max trick

def gumbel_density(value):
    """The standard Gumbel density :math:`g(z) = e^{-z - e^{-z}}`."""
    return sp.exp(-value - sp.exp(-value))


def gumbel_cdf(value):
    """The standard Gumbel distribution function :math:`G(z) = e^{-e^{-z}}`."""
    return sp.exp(-sp.exp(-value))


_substitution = change_variables(z, -sp.log(y))

register(Identity(
    label="eq-gumbel-max-two",
    lhs=sp.Integral(gumbel_density(z) * gumbel_cdf(z + d), (z, -sp.oo, sp.oo)),
    rhs=1 / (1 + sp.exp(-d)),
    method=_substitution,
    condition=Words(r"the probability that $x_1 + z_1$ exceeds $x_2 + z_2$, with $d$ the difference $x_1 - x_2$"),
    source="Kaplan (3.5.4)–(3.5.6); Gumbel (1954)",
))

_softmax3 = [sp.exp(v) / (sp.exp(x1) + sp.exp(x2) + sp.exp(x3)) for v in (x1, x2, x3)]
register(Identity(
    label="eq-gumbel-convolution",
    lhs=sp.Integral(gumbel_density(z) * gumbel_density(z + x1 - x2) * gumbel_density(z + x1 - x3), (z, -sp.oo, sp.oo)),
    rhs=2 * _softmax3[0] * _softmax3[1] * _softmax3[2],
    method=_substitution,
    condition=Words(r"for $n$ three, by the change of variable $y$ to $e^{-z}$"),
    source="Kaplan (3.5.5), with the corrected change of variables e^{-z} = y",
))

_softmax4 = [sp.exp(v) / (sp.exp(x1) + sp.exp(x2) + sp.exp(x3) + sp.exp(x4)) for v in (x1, x2, x3, x4)]
register(Identity(
    label="eq-gumbel-derivative",
    lhs=sp.Matrix([sp.Derivative(_softmax3[0], x2, x3), sp.Derivative(_softmax4[0], x2, x3, x4)]),
    rhs=sp.Matrix([2 * sp.Mul(*_softmax3), -6 * sp.Mul(*_softmax4)]),
    method="doit",
    condition=Words(r"for $n$ three and four"),
    source="Kaplan (3.5.5), with the sign (-1)^{n-1} on both sides",
))

register(Identity(
    label="eq-gumbel-mean",
    # The location mu keeps the integral symbolic: a closed numeric integral would be evaluated numerically
    # (and slowly) whenever a failed proof prints it, so mutants would time out instead of failing.
    lhs=sp.Integral(z * gumbel_density(z - mu), (z, -sp.oo, sp.oo)),
    rhs=mu + sp.EulerGamma,
    method=change_variables(z, mu - sp.log(y), y),
    condition=Words(r"the mean of the Gumbel distribution with location $\mu$, where $\gamma$ is Euler's constant"),
    source="Kaplan §3.5 (footnote 7); ours",
))

GumbelCDF = notation("GumbelDistributionFunction", r"G\left(#1\right)", gumbel_cdf)
register(Identity(
    label="eq-gumbel-max-stability",
    lhs=GumbelCDF(z) ** n,
    rhs=GumbelCDF(z - sp.log(n)),
    method="simplify",
    condition=Words(r"the maximum of $n$ Gumbel variables, with distribution function $e^{-e^{-z}}$ each"),
    source="Kaplan §3.5, footnote 7",
))

GUMBEL_LOGITS = (0.3, -1.0, 2.0, 0.5)
"""The logits of the Gumbel-max experiment."""


def gumbel_max_check(samples: int, seed: int) -> list[Measurement]:
    """Frequencies of argmax(x + z) against softmax(x), one binomial standard error per class."""
    logits = torch.tensor(GUMBEL_LOGITS, dtype=torch.float64)
    draws = gumbel_max_sample(logits, seed=seed, sample_shape=samples)
    probabilities = torch.softmax(logits, dim=-1)
    total = " + ".join(f"e^{{{v:g}}}" for v in GUMBEL_LOGITS)
    return [Measurement.monte_carlo(f"frequency of class {k + 1}", (draws == k).double(), float(probabilities[k]),
                                    quantity=rf"P\big(\arg\max_i (x_i + z_i) = {k + 1}\big)",
                                    expected_latex=rf"\frac{{e^{{{GUMBEL_LOGITS[k]:g}}}}}{{{total}}}")
            for k in range(len(logits))]


register(Numeric(
    label="eq-gumbel-max-frequencies",
    alternative=Alternative("frequencies softmax(x/2), as if the Gumbel noise had scale 2", expected={2: math.exp(1.0) / sum(math.exp(v / 2) for v in GUMBEL_LOGITS)}),
    experiment=gumbel_max_check,
    page={"samples": 200_000, "seed": 0},
    test={"samples": 1_000_000, "seed": 1},
    method="Monte Carlo",
    source="Kaplan (3.5.3)–(3.5.6) (numerical check)",
))


def gumbel_softmax_bias_check(samples: int, seed: int, difference: float = 1.5) -> list[Measurement]:
    r"""The two-class Gumbel-softmax mean: simulation against quadrature, its bias at β = 1, and its decay with β."""
    generator = torch.Generator().manual_seed(seed)
    logits = torch.tensor([difference, 0.0], dtype=torch.float64)
    target = float(torch.sigmoid(torch.tensor(difference)))
    measurements = []
    for beta_value in (0.5, 1.0, 4.0):
        first = gumbel_softmax(logits, beta_value, seed=generator, sample_shape=samples)[:, 0]
        exact = float(binary_gumbel_softmax_mean(difference, beta_value))
        b = f"{beta_value:g}"
        measurements.append(Measurement.monte_carlo(
            f"E[f₁], β = {b}", first, exact, quantity=rf"E\big[\mathrm{{softmax}}({b}\,(x + z))_1\big]",
            expected_latex=rf"\int \sigma\big({b}\,({difference:g} + l)\big)\, \sigma(l)\, \sigma(-l)\, dl"))
        if beta_value == 1.0:
            measurements.append(clearly_positive("|E[f₁] − σ(d)|, β = 1 (sign-adjusted samples)",
                                                 (first - target) * math.copysign(1, float(first.mean()) - target),
                                                 quantity=rf"\big|E[\mathrm{{softmax}}(x + z)_1] - \sigma({difference:g})\big|"))
    biases = [abs(float(binary_gumbel_softmax_mean(difference, b)) - target) for b in (1, 4, 16, 64, 256)]
    betas = (1, 4, 16, 64, 256)
    measurements += [Measurement.exact(f"bias decreases with β (step {k + 1})", later, earlier, relation="<=",
                                       reason="quadrature, error below 1e-10", quantity=rf"|b({betas[k + 1]})|",
                                       expected_latex=rf"|b({betas[k]})|")
                     for k, (earlier, later) in enumerate(zip(biases, biases[1:]))]
    return measurements


register(Numeric(
    label="eq-gumbel-softmax-bias",
    alternative=Alternative("an unbiased relaxation, E[f₁] = σ(d) already at β = 1", expected={"E[f₁], β = 1": 1 / (1 + math.exp(-1.5))}),
    experiment=gumbel_softmax_bias_check,
    page={"samples": 200_000, "seed": 0},
    test={"samples": 1_000_000, "seed": 1},
    method="Monte Carlo and quadrature: logits x = (1.5, 0), z Gumbel, b(β) the bias of E[softmax(β(x + z))₁] from σ(1.5)",
    source="Kaplan (3.5.7), corrected: the relaxation samples the softmax only as β → ∞",
))


# --------------------------------------------------------------------------- dropout

mask = sp.Symbol("m", real=True)
p_drop, activation = sp.symbols("p a", positive=True)
_mask_moments = {0: sp.Integer(1)}
E_mask = notation("ExpectationOverDropoutMask", r"\mathbb{E}_{m}\left[#1\right]",
                  lambda e: expectation_of_polynomial(e, mask, lambda k: _mask_moments.get(k, 1 - p_drop)))

register(Identity(
    label="eq-dropout-scaling",
    lhs=sp.Matrix([E_mask(mask * activation / (1 - p_drop)), E_mask(mask * activation)]),
    rhs=sp.Matrix([activation, (1 - p_drop) * activation]),
    method="doit",
    condition=Words(r"for a mask $m \sim \mathrm{Bernoulli}(1 - p)$ (each unit dropped with probability $p$)"),
    source="Kaplan §3.4.5, corrected: the test-time factor is 1 − p; Srivastava et al. (2014)",
))


def dropout_check(units: int, seed: int, p: float = 0.3) -> list[Measurement]:
    """Inverted dropout keeps the mean activation; plain masking multiplies it by the keep probability 1 − p."""
    generator = torch.Generator().manual_seed(seed)
    activations = 0.5 + torch.rand(units, dtype=torch.float64, generator=generator)
    inverted = dropout(activations, p, seed=generator)
    kept = (inverted != 0).double()
    return [
        Measurement.monte_carlo("mean of dropout(a)/a (inverted)", inverted / activations, 1.0,
                                quantity=r"E\left[\mathrm{dropout}(a) / a\right]", expected_latex="1"),
        Measurement.monte_carlo("fraction kept", kept, 1 - p, quantity=r"P(m = 1)", expected_latex=rf"1 - {p:g}"),
        Measurement.monte_carlo("mean of m·a/a (plain mask)", kept, 1 - p, quantity=r"E[m\, a] / a",
                                expected_latex=rf"1 - {p:g}"),
    ]


register(Numeric(
    label="eq-dropout-monte-carlo",
    alternative=Alternative("dropout without the 1/(1 − p) rescaling, mean 1 − p", expected={0: 0.7}),
    experiment=dropout_check,
    page={"units": 200_000, "seed": 0},
    test={"units": 1_000_000, "seed": 1},
    method="Monte Carlo",
    source="Kaplan §3.4.5",
))


# --------------------------------------------------------------------------- sparse rewards

SPARSE_ACTIONS, SPARSE_HORIZON, SPARSE_EPISODES = 2, 8, 64
"""The sparse-reward problem of :func:`sparse_reward_check`: k actions, horizon T, N episodes per estimate."""


def sparse_reward_check(batches: int = 4000, hit_probability: float | None = None) -> Measurement:
    r"""Fraction of score-function estimates that are exactly zero, against :math:`(1 - k^{-T})^N`.

    Each estimate is zero or not independently, so the fraction is a binomial
    proportion with standard error :math:`\sqrt{P(1 - P)/B}` over ``batches``
    estimates. ``hit_probability`` replaces :math:`k^{-T}` in the expected
    value (for the wrong alternative).
    """
    k, T, N = SPARSE_ACTIONS, SPARSE_HORIZON, SPARSE_EPISODES
    estimates = sparse_reward_gradients(k, T, N, batches=batches, seed=0)
    zero = (estimates == 0).all(-1).all(-1).double()
    p_zero = (1 - (k ** -T if hit_probability is None else hit_probability)) ** N
    return Measurement.from_standard_error(
        f"fraction of zero estimates, k = {k}, T = {T}, N = {N}", zero.mean().item(),
        math.sqrt(p_zero * (1 - p_zero) / batches), p_zero, samples=f"{batches} seeded estimates",
        quantity=r"P(\hat g = 0)", expected_latex=r"(1 - k^{-T})^{N}")


register(Numeric(
    label="eq-sparse-reward",
    experiment=sparse_reward_check,
    alternative=Alternative("the chance of stumbling on the reward falls only like 1/(kT), not exponentially "
                            "in T", kwargs={"hit_probability": 1 / (SPARSE_ACTIONS * SPARSE_HORIZON)}),
    page={"batches": 4000},
    test={"batches": 2000},
    method="Monte Carlo over seeded batches of episodes",
    source="ours, after Jang (2017)",
))
