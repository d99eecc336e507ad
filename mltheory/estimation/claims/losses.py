"""Claims of the page "Why these losses" (``book/estimation/losses.md``)."""

from __future__ import annotations

import math

import sympy as sp
import torch

from ...claims import Alternative, Case, Domain, Identity, Inequality, Measurement, Numeric, Term, Words, register
from ...information.claims.entropy import log_inequality_term
from ..distributions import Cauchy
from ..estimators import median_variance
from ..symbolic import Displayed, notation

i, n = sp.symbols("i n", integer=True, positive=True)
P, q = sp.IndexedBase("P", positive=True), sp.IndexedBase("q", positive=True)
x, theta, y, f, r = sp.symbols("x theta y f r", real=True)
frequency = sp.Symbol("f", positive=True)
sigma, tau, b, delta, R, s, t = sp.symbols("sigma tau b delta R s t", positive=True)
p = sp.Symbol("p", positive=True)

# --------------------------------------------------------------------------- maximum likelihood and relative entropy

Entropy = notation("EntropyOfP", r"S(P)", lambda: -sp.Sum(P[i] * sp.log(P[i]), (i, 1, n)))
Divergence = notation("DivergencePq", r"D_{\mathrm{KL}}(P \,\|\, q)", lambda: sp.Sum(P[i] * sp.log(P[i] / q[i]), (i, 1, n)))

register(Inequality(
    label="eq-categorical-mle",
    lhs=-sp.Sum(P[i] * sp.log(q[i]), (i, 1, n)),
    rhs=Entropy(),
    relation=">=",
    method="sums",
    certificate=[log_inequality_term(q[i] / P[i], weight=P[i], over=(i, 1, n))],
    given=((sp.Sum(P[i], (i, 1, n)), 1), (sp.Sum(q[i], (i, 1, n)), 1)),
    source="Kaplan (3.4.2)–(3.4.4); Cover & Thomas (2006) Thm 2.6.3",
))


def _normal(point, mean, variance):
    return sp.exp(-(point - mean) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


register(Identity(
    label="eq-gaussian-evidence",
    lhs=sp.Integral(_normal(x, theta, sigma**2) * _normal(theta, 0, tau**2), (theta, -sp.oo, sp.oo)),
    rhs=_normal(x, 0, sigma**2 + tau**2),
    method="doit",
    condition=Words(r"the evidence of $x \mid \theta \sim \mathcal N(\theta, \sigma^2)$ "
                    r"with prior $\theta \sim \mathcal N(0, \tau^2)$"),
    source="Kaplan (3.4.6), corrected: the denominator is the evidence",
))

_posterior_variance = sigma**2 * tau**2 / (sigma**2 + tau**2)
register(Identity(
    label="eq-gaussian-posterior",
    lhs=sp.log(_normal(x, theta, sigma**2) * _normal(theta, 0, tau**2) / _normal(x, 0, sigma**2 + tau**2)),
    rhs=sp.log(_normal(theta, tau**2 * x / (sigma**2 + tau**2), _posterior_variance)),
    method="expand_log",
    condition=Words(r"the logarithm of likelihood $\times$ prior / evidence"),
    source="Kaplan (3.4.6)–(3.4.7); ours",
))


# --------------------------------------------------------------------------- priors as regularisers

d_rows, d_cols = sp.symbols("n d", integer=True, positive=True)
X_design = sp.MatrixSymbol("X", d_rows, d_cols)
y_vector = sp.MatrixSymbol("y", d_rows, 1)
w_vector = sp.MatrixSymbol("w", d_cols, 1)


def matrix_expand(expr):
    """Evaluate and expand a matrix expression; 0 if it is the zero matrix."""
    expanded = sp.expand(expr.doit())
    return sp.Integer(0) if isinstance(expanded, sp.ZeroMatrix) else expanded


# Matrix expressions inside notations, so that the two sides can be subtracted before they are evaluated.
Gradient = notation("GradientInW", r"\nabla_{w}\left[#1\right]", lambda e: sp.diff(e, w_vector))
_map_objective = ((y_vector - X_design * w_vector).T * (y_vector - X_design * w_vector)) / (2 * sigma**2) \
    + (w_vector.T * w_vector) / (2 * tau**2)
register(Identity(
    label="eq-ridge-map",
    lhs=Gradient(_map_objective),
    rhs=Displayed(((X_design.T * X_design + sigma**2 / tau**2 * sp.Identity(d_cols)) * w_vector
               - X_design.T * y_vector) / sigma**2),
    method=matrix_expand,
    source="Kaplan (3.4.7), (3.4.21); ours",
))

z = sp.Symbol("z", real=True)
lam = sp.Symbol("lambda", positive=True)
register(Identity(
    label="eq-ridge-prox",
    lhs=sp.Subs(sp.Derivative((s - z) ** 2 / 2 + lam * s**2 / 2, s), s, z / (1 + lam)),
    rhs=sp.Integer(0),
    method="doit",
    condition=Words(r"the stationary point of the convex parabola $\tfrac12 (s - z)^2 + \tfrac{\lambda}{2} s^2$"),
    source="ours",
))

_objective = notation("ProxObjective", r"g_{z}(#1)", lambda w_: (w_ - z) ** 2 / 2 + lam * sp.Abs(w_))
_a = sp.Symbol("a", positive=True)
_w = sp.Symbol("w", real=True)


def abs_as_max(expr):
    """Evaluate, write |u| as max(u, −u), and move the other terms of a sum into its one max."""
    expr = sp.expand(expr.doit().replace(sp.Abs, lambda u: sp.Max(u, -u)))
    maxima = [term for term in sp.Add.make_args(expr) if isinstance(term, sp.Max)]
    if len(maxima) != 1:
        return sp.simplify(expr)
    rest = expr - maxima[0]
    return sp.Max(*(sp.simplify(arg + rest) for arg in maxima[0].args))


def _soft_threshold_case(piece, value, minimiser):
    """The case z = value: the gap is ½(w − w*)² + λ(|w| − s w) + λ(1 − |s|)|w| with s = (z − w*)/λ, |s| ≤ 1."""
    slope = (value - minimiser) / lam
    sign_term = Term(sp.Abs(_w) - _w, weight=lam * slope) if slope.is_nonnegative else \
        Term(sp.Abs(_w) + _w, weight=-lam * slope)
    terms = [Term((_w - minimiser) ** 2, weight=sp.Rational(1, 2), method="simplify"), sign_term]
    if sp.simplify(1 - sp.Abs(slope)) != 0:
        terms.append(Term(sp.Abs(_w), weight=sp.simplify(lam * (1 - sp.Abs(slope))), method="simplify"))
    return Case(z, piece, value, terms)


register(Inequality(
    label="eq-soft-threshold",
    lhs=_objective(_w),
    rhs=_objective(sp.sign(z) * sp.Max(sp.Abs(z) - lam, 0)),
    relation=">=",
    method=abs_as_max,
    cases=[
        _soft_threshold_case(sp.Interval.open(lam, sp.oo), lam + _a, _a),
        _soft_threshold_case(sp.FiniteSet(lam), lam, 0),
        _soft_threshold_case(sp.Interval.open(0, lam), lam / (1 + _a), 0),
        _soft_threshold_case(sp.FiniteSet(0), sp.Integer(0), 0),
        _soft_threshold_case(sp.Interval.open(-lam, 0), -lam / (1 + _a), 0),
        _soft_threshold_case(sp.FiniteSet(-lam), -lam, 0),
        _soft_threshold_case(sp.Interval.open(-sp.oo, -lam), -lam - _a, -_a),
    ],
    condition=Words(r"for all $w$ and $z$, where $g_z(w)$ is $\tfrac12 (w - z)^2 + \lambda |w|$"),
    source="ours; Tibshirani (1996)",
))


# --------------------------------------------------------------------------- regression losses from noise models

register(Identity(
    label="eq-gaussian-nll",
    lhs=-sp.log(_normal(y, f, sigma**2)),
    rhs=(f - y) ** 2 / (2 * sigma**2) + sp.log(sigma) + sp.log(2 * sp.pi) / 2,
    method="expand_log",
    source="Kaplan (3.4.17), corrected: +log σ, and it is the negative log-likelihood",
))

register(Identity(
    label="eq-laplace-nll",
    lhs=-sp.log(sp.exp(-sp.Abs(f - y) / b) / (2 * b)),
    rhs=sp.Abs(f - y) / b + sp.log(2 * b),
    method="expand_log",
    source="Kaplan (3.4.18)",
))

register(Identity(
    label="eq-cauchy-nll",
    lhs=-sp.log(sigma / (sp.pi * ((f - y) ** 2 + sigma**2))),
    rhs=sp.log(1 + (f - y) ** 2 / sigma**2) + sp.log(sp.pi * sigma),
    method="expand_log",
    source="Kaplan (3.4.19)",
))

register(Identity(
    label="eq-cauchy-truncated-variance",
    lhs=sp.Integral(r**2 * sigma / (sp.pi * (r**2 + sigma**2)), (r, -R, R)),
    rhs=2 * sigma * R / sp.pi - 2 * sigma**2 * sp.atan(R / sigma) / sp.pi,
    method="doit",
    source="Kaplan §3.4.3; ours",
))

_quadratic, _linear = r**2 / 2, delta * (r - delta / 2)
register(Identity(
    label="eq-huber-smooth",
    lhs=sp.Matrix([sp.Subs(_quadratic - _linear, r, delta), sp.Subs(sp.Derivative(_quadratic - _linear, r), r, delta)]),
    rhs=sp.Matrix([0, 0]),
    method="doit",
    condition=Words(r"the two pieces of Huber's loss meet with equal value and slope at $r$ equal to $\delta$"),
    source="Kaplan §3.4.3; Huber (1964)",
))

# Asymptotic variance E[psi^2] / E[psi']^2 of location M-estimators under standard Cauchy noise.
_cauchy = 1 / (sp.pi * (1 + r**2))
_psi_cauchy = 2 * r / (1 + r**2)
register(Identity(
    label="eq-m-estimator-variances",
    lhs=sp.Matrix([
        1 / (4 * _cauchy.subs(r, 0) ** 2),
        (sp.Integral(r**2 * _cauchy, (r, -1, 1)) + 2 * sp.Integral(_cauchy, (r, 1, sp.oo)))
        / sp.Integral(_cauchy, (r, -1, 1)) ** 2,
        sp.Integral(_psi_cauchy**2 * _cauchy, (r, -sp.oo, sp.oo))
        / sp.Integral(sp.diff(_psi_cauchy, r) * _cauchy, (r, -sp.oo, sp.oo)) ** 2,
    ]),
    rhs=sp.Matrix([sp.pi**2 / 4, 8 / sp.pi, 2]),
    method="doit",
    condition=Words(r"the ratios $E[\psi(\epsilon)^2] / E[\psi'(\epsilon)]^2$ for the L1, Huber (unit $\delta$) and "
                    "Cauchy losses under standard Cauchy noise"),
    source="Huber (1964); ours",
))


def robust_regression_data(trials: int, n: int, seed: int):
    """Design, targets and true coefficients of the robust-regression experiment (standard Cauchy noise)."""
    x_values = torch.linspace(-1, 1, n, dtype=torch.float64)
    design = torch.stack([torch.ones_like(x_values), x_values], dim=-1)
    truth = torch.tensor([0.5, 2.0], dtype=torch.float64)
    noise = Cauchy(0.0, 1.0)((trials, n), seed=seed)
    return design, design @ truth + noise, truth


def robust_location_check(trials: int, n: int, seed: int) -> list[Measurement]:
    r"""Least squares and L1 fits of a location under standard Cauchy noise, against values exact at ``n``.

    With all :math:`x_i = 1` the least-squares fit is the sample mean, whose
    error is exactly standard Cauchy for every :math:`n`, so it lies within
    :math:`\pm 1` with probability exactly 1/2. The L1 fit is the sample median
    (``n`` odd), whose variance :func:`~mltheory.estimation.median_variance`
    computes exactly at this ``n``; it tends to :math:`\pi^2 / (4n)`. The
    median is symmetric about the true location, so its variance is the mean
    of its squared error.
    """
    noise = Cauchy(0.0, 1.0)((trials, n), seed=seed)
    mean_error, median_error = noise.mean(dim=-1), noise.median(dim=-1).values
    m = (n - 1) // 2
    return [
        Measurement.monte_carlo("least squares: P(|error| ≤ 1)", (mean_error.abs() <= 1).double(), 0.5,
                                quantity=r"P\big(|\hat\mu_{\mathrm{LS}} - \mu| \le 1\big)",
                                expected_latex=r"\tfrac12"),
        Measurement.monte_carlo(f"L1: n Var(median), n = {n}", n * median_error**2, n * median_variance(n),
                                quantity=rf"{n} \operatorname{{Var}}(\hat\mu_{{L1}})",
                                expected_latex=rf"\frac{{{n} \cdot {n}!}}{{{m}!^2}} \int_0^1 "
                                               rf"\tan^2\!\big(\pi (u - \tfrac12)\big)\, u^{{{m}}} (1 - u)^{{{m}}}\, du"),
    ]


register(Numeric(
    label="eq-robust-regression",
    experiment=robust_location_check,
    alternative=Alternative("the asymptotic constant π²/4 instead of the exact variance at this n",
                            expected={1: math.pi**2 / 4}),
    page={"trials": 20_000, "n": 21, "seed": 0},
    test={"trials": 200_000, "n": 21, "seed": 1},
    method="Monte Carlo against exact quadrature",
    source="Kaplan §3.4.3; ours",
))


# --------------------------------------------------------------------------- calibration

_log_loss = -frequency * sp.log(p) - (1 - frequency) * sp.log(1 - p)
_OPEN = ((p, 1 / (1 + t)), (frequency, 1 / (1 + s)))
register(Inequality(
    label="eq-calibration-minimiser",
    lhs=_log_loss,
    rhs=_log_loss.subs(p, frequency),
    relation=">=",
    method="expand_log",
    certificate=[log_inequality_term(p / frequency, weight=frequency),
                 log_inequality_term((1 - p) / (1 - frequency), weight=1 - frequency)],
    substitutions=_OPEN,
    condition=(Domain(p, sp.Interval.open(0, 1)), Domain(frequency, sp.Interval.open(0, 1))),
    source="Kaplan (3.4.20)",
))


# --------------------------------------------------------------------------- the loss is not the goal

SURROGATE_A = (sp.Rational(3, 5),) * 3
"""Probabilities that classifier A gives the correct class of three examples: all right, none confidently."""
SURROGATE_B = (sp.Rational(9, 10), sp.Rational(9, 10), sp.Rational(3, 10))
"""The same for classifier B: two confidently right, one wrong (below 1/2 in a two-class problem)."""


def _mean_cross_entropy(probabilities) -> sp.Expr:
    terms = [sp.log(1 / p_correct, evaluate=False) for p_correct in probabilities]
    return sp.Mul(sp.Rational(1, len(terms)), sp.Add(*terms, evaluate=False), evaluate=False)


register(Inequality(
    label="eq-surrogate-loss",
    lhs=_mean_cross_entropy(SURROGATE_B),
    rhs=_mean_cross_entropy(SURROGATE_A),
    relation="<",
    source="ours, after Jang (2017)",
))
