"""Claims of the page on the Fisher metric (``book/information/fisher-metric.md``)."""

from __future__ import annotations

import math

import sympy as sp
import sympy.stats as st
import torch
from torch.func import jacrev

from ...claims import Alternative, Assume, Domain, Identity, Inequality, Link, Measurement, Numeric, Term, Words, register
from ..divergences import kl_gaussian
from ..fisher import fisher_information
from ..symbolic import D, Hessian, NormalKL, ScoreCovariance, evaluate_expectations
from .entropy import log_inequality_term

x = sp.Symbol("x", real=True)
c = sp.Symbol("c", integer=True)
mu, m = sp.symbols("mu m", real=True)
sigma, v, u, p, t, eps, L = sp.symbols("sigma v u p t epsilon L", positive=True)
theta1, theta2, phi1, phi2 = sp.symbols("theta_1 theta_2 phi_1 phi_2", positive=True)
a, b, s = sp.symbols("a b s", real=True)
k, n = sp.symbols("k n", integer=True, positive=True)
OPEN_UNIT_INTERVAL = ((p, 1 / (1 + t)),)
IN_OPEN_UNIT_INTERVAL = Domain(p, sp.Interval.open(0, 1))


def doit_with_gamma(expr):
    """Evaluate, write beta functions through gamma functions (so B(1/2, 1/2) becomes π), and simplify."""
    return sp.simplify(expr.doit().rewrite(sp.gamma))


def expectations_with_sigma(expr):
    """Evaluate expectations (see ``evaluate_expectations``), then write the log-scale s as log σ and simplify."""
    return sp.simplify(evaluate_expectations(expr).subs(s, sp.log(sigma)))


def expand_trig(expr):
    """Expand trigonometric functions of sums and differences, then simplify."""
    return sp.simplify(sp.expand_trig(expr))


def _coin(q):
    return sp.Tuple(q, 1 - q)


def normal_log_density(mean, std):
    """:math:`\\log \\mathcal N(x; \\mu, \\sigma^2)` in the symbol ``x``."""
    return -sp.log(std) - sp.log(2 * sp.pi) / 2 - (x - mean) ** 2 / (2 * std**2)


# --------------------------------------------------------------------------- score and Fisher = Hessian = covariance

_gaussian_score = sp.Matrix([sp.together(sp.diff(normal_log_density(mu, sigma), param)) for param in (mu, sigma)])
_X = st.Normal("X", mu, sigma)
register(Identity(
    label="eq-score-zero-mean",
    lhs=_gaussian_score.subs(x, _X).applyfunc(st.Expectation),
    rhs=sp.zeros(2, 1),
    method=evaluate_expectations,
    condition=Words(r"for $X \sim \mathcal N(\mu, \sigma^2)$"),
    source="Kaplan (2.3.6), with the score of (3.4.9)",
))

_coin_log_density = c * sp.log(p) + (1 - c) * sp.log(1 - p)
register(Identity(
    label="eq-fisher-bernoulli",
    lhs=Hessian(D(_coin(p), _coin(phi1)), [phi1], [p]),
    steps=[ScoreCovariance(_coin_log_density, [p], c, st.Bernoulli("C", p))],
    rhs=sp.Matrix([1 / (p * (1 - p))]),
    show_steps=True,
    method=evaluate_expectations,
    substitutions=OPEN_UNIT_INTERVAL,
    condition=IN_OPEN_UNIT_INTERVAL,
    source="Kaplan (2.3.7)",
))

_three = sp.Tuple(theta1, theta2, 1 - theta1 - theta2)
_categorical_log_density = (sp.KroneckerDelta(c, 1) * sp.log(theta1) + sp.KroneckerDelta(c, 2) * sp.log(theta2)
                            + sp.KroneckerDelta(c, 3) * sp.log(1 - theta1 - theta2))
register(Identity(
    label="eq-fisher-categorical",
    lhs=Hessian(D(_three, sp.Tuple(phi1, phi2, 1 - phi1 - phi2)), [phi1, phi2], [theta1, theta2]),
    steps=[ScoreCovariance(_categorical_log_density, [theta1, theta2], c,
                           st.FiniteRV("C", {1: theta1, 2: theta2, 3: 1 - theta1 - theta2}))],
    rhs=sp.diag(1 / theta1, 1 / theta2) + sp.ones(2, 2) / (1 - theta1 - theta2),
    show_steps=True,
    method=evaluate_expectations,
    condition=(Words(r"for three outcomes of probabilities $\theta_1, \theta_2, 1 - \theta_1 - \theta_2$:"),
               Domain(theta1, sp.Interval.open(0, sp.oo)), Domain(theta2, sp.Interval.open(0, sp.oo)),
               Assume(sp.Gt(1 - theta1 - theta2, 0))),
    source="Kaplan (2.3.7); Amari & Nagaoka (2000) §2.2",
))

register(Identity(
    label="eq-fisher-gaussian",
    lhs=Hessian(NormalKL(mu, sigma, m, v), [m, v], [mu, sigma]),
    steps=[ScoreCovariance(normal_log_density(mu, sigma), [mu, sigma], x, _X)],
    rhs=sp.diag(1 / sigma**2, 2 / sigma**2),
    show_steps=True,
    method=evaluate_expectations,
    source="Kaplan (2.3.7) and (2.3.13)",
))

_X0 = st.Normal("X_0", 0, 1)
register(Identity(
    label="eq-fisher-only-at-base",
    lhs=Hessian(NormalKL(0, 1, mu, sigma), [mu, sigma]),
    rhs=sp.MatAdd(ScoreCovariance(normal_log_density(mu, sigma), [mu, sigma], x, _X0), sp.ImmutableMatrix([
        [(sigma**2 - 1 - mu**2) / sigma**4, mu * (mu**2 - 3 * sigma**2 + 3) / sigma**5],
        [mu * (mu**2 - 3 * sigma**2 + 3) / sigma**5,
         -(mu**4 - 5 * mu**2 * sigma**2 + 6 * mu**2 + 2 * sigma**4 - 5 * sigma**2 + 3) / sigma**6]]), evaluate=False),
    method=evaluate_expectations,
    condition=Words(r"with the expectation over $X_0 \sim \mathcal N(0, 1)$"),
    source="ours (corrects the last step of Kaplan (2.3.7))",
))

_v1, _v2, _s1, _s2 = sp.symbols("v_1 v_2 s_1 s_2", real=True)


def single_entry_of_expectations(expr):
    """Evaluate the expectations of a 1×1 matrix expression (see ``evaluate_expectations``) and take its entry."""
    value = evaluate_expectations(sp.Matrix(expr.doit()) if isinstance(expr, sp.MatrixExpr) else expr)
    return sp.simplify(value[0, 0]) if isinstance(value, sp.MatrixBase) else value

_vector, _score = sp.Matrix([_v1, _v2]), sp.Matrix([_s1, _s2])
register(Inequality(
    label="eq-fisher-psd",
    lhs=sp.MatMul(sp.ImmutableMatrix(_vector.T), ScoreCovariance(normal_log_density(mu, sigma), [mu, sigma], x, _X),
                  sp.ImmutableMatrix(_vector), evaluate=False),
    rhs=sp.Integer(0),
    relation=">=",
    steps=[_v1**2 / sigma**2 + 2 * _v2**2 / sigma**2],
    links=[Link("=", method=single_entry_of_expectations), Link(">=")],
    condition=Words(r"for every $v$, shown for the family $\mathcal N(\mu, \sigma^2)$"),
    source="Kaplan (2.3.7) and L1500 (positive semi-definite, not definite)",
))

_logistic = 1 / (1 + sp.exp(-(a + b)))
_overparametrised = c * sp.log(_logistic) + (1 - c) * sp.log(1 - _logistic)
register(Identity(
    label="eq-fisher-singular",
    lhs=sp.Derivative(_overparametrised, a) - sp.Derivative(_overparametrised, b),
    rhs=sp.Integer(0),
    method="doit",
    condition=(Words("for a coin with"), Assume(sp.Eq(sp.log(sp.Function("q")(c)), _overparametrised))),
    source="ours (a family whose Fisher matrix is singular)",
))


# A family whose Fisher information vanishes at a point where the distribution still moves: N(θ³, 1) at θ = 0.
_theta = sp.Symbol("theta", real=True)


def _cubic_density(parameter):
    return sp.exp(-(x - parameter**3) ** 2 / 2) / sp.sqrt(2 * sp.pi)


_q = sp.Function("q")
register(Identity(
    label="eq-fisher-cubic",
    lhs=sp.Matrix([
        sp.Integral(_q(x, _theta) * sp.Derivative(sp.log(_q(x, _theta)), _theta) ** 2, (x, -sp.oo, sp.oo)),
        sp.Integral(_q(x, 0) * sp.log(_q(x, 0) / _q(x, _theta)), (x, -sp.oo, sp.oo)),
    ]),
    rhs=sp.Matrix([9 * _theta**4, _theta**6 / 2]),
    method="doit",
    substitutions=((_q(x, _theta), _cubic_density(_theta)), (_q(x, 0), _cubic_density(0))),
    condition=Words("for", _q(x, _theta), r"the density of $\mathcal N(\theta^3, 1)$ and", _q(x, 0), "its value at $\theta$ zero"),
    source="ours",
))


# --------------------------------------------------------------------------- the Gaussian example (2.3.13)

_standard = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
_shifted = sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
# The displayed integrand is log(φ/q) written out, as in Kaplan (2.3.13); the chain also proves it equals the
# integral of φ log(φ/q), the definition.
register(Identity(
    label="eq-kl-gaussian",
    lhs=sp.Integral(_standard * (-x**2 / 2 + (x - mu) ** 2 / (2 * sigma**2) + sp.log(sigma)), (x, -sp.oo, sp.oo)),
    steps=[sp.Integral(_standard * sp.log(_standard / _shifted), (x, -sp.oo, sp.oo))],
    rhs=mu**2 / (2 * sigma**2) + 1 / (2 * sigma**2) - sp.Rational(1, 2) + sp.log(sigma),
    method="doit",
    source="Kaplan (2.3.13)",
))

register(Inequality(
    label="eq-kl-gaussian-nonnegative",
    lhs=NormalKL(0, 1, mu, sigma),
    rhs=sp.Integer(0),
    relation=">=",
    method="doit",
    certificate=[Term(mu**2 / (2 * sigma**2)), log_inequality_term(1 / sigma**2, weight=sp.Rational(1, 2))],
    source="Kaplan (after 2.3.13)",
))

register(Identity(
    label="eq-kl-gaussian-hessian",
    lhs=Hessian(NormalKL(0, 1, mu, sigma), [mu, sigma], [0, 1]),
    rhs=sp.diag(1, 2),
    method=evaluate_expectations,
    source="Kaplan (after 2.3.13)",
))


# --------------------------------------------------------------------------- Jeffreys prior and Fisher–Rao length

_root_fisher = 1 / sp.sqrt(p * (1 - p))
register(Identity(
    label="eq-jeffreys-bernoulli",
    lhs=_root_fisher / sp.Integral(_root_fisher.subs(p, u), (u, 0, 1)),
    steps=[1 / (sp.pi * sp.sqrt(p * (1 - p)))],
    show_steps=True,
    rhs=st.density(st.Beta("B", sp.Rational(1, 2), sp.Rational(1, 2)))(p),
    method=doit_with_gamma,
    substitutions=OPEN_UNIT_INTERVAL,
    condition=IN_OPEN_UNIT_INTERVAL,
    source="Kaplan (2.3.11)–(2.3.12); Jeffreys (1946)",
))

_gaussian_fisher = ScoreCovariance(normal_log_density(mu, sigma), [mu, sigma], x, _X)
register(Identity(
    label="eq-jeffreys-gaussian-improper",
    lhs=sp.Integral(sp.sqrt(sp.Determinant(_gaussian_fisher)), (sigma, 0, sp.oo)),
    rhs=sp.oo,
    method=evaluate_expectations,
    source="Kaplan (2.3.12) (\"assuming the denominator is finite\")",
))

register(Identity(
    label="eq-jeffreys-invariance",
    lhs=sp.sqrt(sp.Determinant(ScoreCovariance(normal_log_density(mu, sp.exp(s)), [mu, s], x,
                                               st.Normal("X", mu, sp.exp(s))))),
    rhs=sp.sqrt(sp.Determinant(_gaussian_fisher)) * sp.Derivative(sp.exp(s), s),
    method=expectations_with_sigma,
    condition=Assume(sp.Eq(sigma, sp.exp(s))),
    source="Kaplan (2.3.11)",
))

register(Identity(
    label="eq-bernoulli-arclength",
    lhs=sp.Derivative(2 * sp.asin(sp.sqrt(p)), p),
    rhs=_root_fisher,
    method="doit",
    substitutions=OPEN_UNIT_INTERVAL,
    condition=IN_OPEN_UNIT_INTERVAL,
    source="ours (Fisher–Rao distance of coins)",
))

register(Identity(
    label="eq-fisher-rao-overlap",
    lhs=sp.cos(sp.asin(sp.sqrt(theta1)) - sp.asin(sp.sqrt(theta2))),
    rhs=sp.sqrt(theta1 * theta2) + sp.sqrt((1 - theta1) * (1 - theta2)),
    method=expand_trig,
    substitutions=((theta1, 1 / (1 + t)), (theta2, 1 / (1 + u))),
    condition=(Domain(theta1, sp.Interval.open(0, 1)), Domain(theta2, sp.Interval.open(0, 1))),
    source="ours (the categorical formula 2 arccos Σ√(p q) for coins)",
))


# --------------------------------------------------------------------------- the missing factor 1/2

register(Identity(
    label="eq-kl-local-quadratic",
    lhs=sp.Limit(D(_coin(p), _coin(p + eps)) / eps**2, eps, 0, "+"),
    rhs=_root_fisher**2 / 2,
    method="doit",
    substitutions=OPEN_UNIT_INTERVAL,
    condition=IN_OPEN_UNIT_INTERVAL,
    source="ours (corrects Kaplan (2.3.9)–(2.3.10), which drop the 1/2)",
))

_step = NormalKL(a + (k - 1) * L / n, 1, a + k * L / n, 1)
register(Identity(
    label="eq-path-kl-sum",
    lhs=sp.Matrix([sp.Sum(_step, (k, 1, n)), sp.Sum(sp.sqrt(2 * _step), (k, 1, n))]),
    rhs=sp.Matrix([L**2 / (2 * n), L]),
    method="doit",
    condition=Words(r"for $n$ equal steps from $\mathcal N(a, 1)$ to $\mathcal N(a + L, 1)$"),
    source="ours (makes Kaplan (2.3.9)–(2.3.10) exact for a Gaussian)",
))


# --------------------------------------------------------------------------- autograd and Monte Carlo

def _normal_log_prob(theta, x_):
    return -0.5 * ((x_ - theta[0]) / theta[1]) ** 2 - torch.log(theta[1]) - 0.5 * math.log(2 * math.pi)


def _normal_sample(theta, size, generator):
    return theta[0] + theta[1] * torch.randn(size, generator=generator, dtype=theta.dtype)


def _cauchy_log_prob(theta, x_):
    return torch.log(theta[1] / math.pi) - torch.log((x_ - theta[0]) ** 2 + theta[1] ** 2)


def _cauchy_sample(theta, size, generator):
    uniform = torch.rand(size, generator=generator, dtype=theta.dtype)
    return theta[0] + theta[1] * torch.tan(math.pi * (uniform - 0.5))


def _cauchy_kl(theta0, theta):
    """:math:`D(C(\\mu_0, \\gamma_0) \\| C(\\mu, \\gamma)) = \\log\\frac{(\\gamma_0 + \\gamma)^2 + (\\mu_0 - \\mu)^2}{4 \\gamma_0 \\gamma}` (Chyzak & Nielsen, 2019)."""
    return torch.log(((theta0[1] + theta[1]) ** 2 + (theta0[0] - theta[0]) ** 2) / (4 * theta0[1] * theta[1]))


FAMILIES = {
    "normal": (_normal_log_prob, _normal_sample,
               lambda theta0, theta: kl_gaussian(theta0[0], theta0[1], theta[0], theta[1]),
               lambda theta: torch.diag(torch.stack([1 / theta[1] ** 2, 2 / theta[1] ** 2]))),
    "cauchy": (_cauchy_log_prob, _cauchy_sample, _cauchy_kl,
               lambda theta: torch.eye(2, dtype=theta.dtype) / (2 * theta[1] ** 2)),
}
"""For each family: log-density, sampler, closed-form KL and closed-form Fisher matrix, in (location, scale)."""


def fisher_three_ways(n_samples: int = 20_000, seed: int = 0) -> list[Measurement]:
    """Fisher information as the autograd Hessian of the KL and as the Monte Carlo covariance of the score.

    For a normal and a Cauchy family at (location, scale) = (0.5, 1.5): the
    Hessian of the closed-form KL at the base point must equal the exact Fisher
    matrix to rounding (1e-10), and each entry of the Monte Carlo estimate must
    lie within 5 standard errors of it.
    """
    theta0 = torch.tensor([0.5, 1.5], dtype=torch.float64)
    measurements = []
    for name, (log_prob, sample, kl, exact) in FAMILIES.items():
        expected = exact(theta0)
        curvature = jacrev(jacrev(lambda theta: kl(theta0, theta)))(theta0)  # reverse mode twice: no forward-mode decompositions
        measurements.append(Measurement.exact(
            f"{name}: max |Hessian of KL − F|", (curvature - expected).abs().max().item(), 1e-10, relation="<=",
            reason="float64 rounding in autograd",
            quantity=rf"\max_{{ij}} \big|\partial_i \partial_j D(q_{{\theta_0}} \| q_\theta) - F_{{ij}}\big|"
                     rf"_{{\text{{{name}}}}}", expected_latex="10^{-10}"))
        estimate = fisher_information(log_prob, theta0, sample=sample, n_samples=n_samples, seed=seed)
        for i, j in ((0, 0), (0, 1), (1, 1)):
            measurements.append(Measurement.from_standard_error(
                f"{name}: Monte Carlo F[{i},{j}]", estimate.matrix[i, j], estimate.standard_error[i, j],
                expected[i, j], samples=f"{n_samples} samples",
                quantity=rf"\overline{{s_{i + 1} s_{j + 1}}}_{{\text{{{name}}}}}",
                expected_latex=FISHER_ENTRIES[name][i, j]))
    return measurements


FISHER_ENTRIES = {"normal": {(0, 0): r"1/\sigma^2", (0, 1): "0", (1, 1): r"2/\sigma^2"},
                  "cauchy": {(0, 0): r"1/(2\gamma^2)", (0, 1): "0", (1, 1): r"1/(2\gamma^2)"}}
"""The exact Fisher matrices' entries as LaTeX, in (location, scale)."""


register(Numeric(
    label="eq-fisher-three-ways",
    experiment=fisher_three_ways,
    alternative=Alternative("the normal's scale entry 1/σ², the same as its location entry",
                            expected={"normal: Monte Carlo F[1,1]": 1 / 1.5**2}),
    condition=Words(r"for the normal $\mathcal N(\mu, \sigma^2)$ and the Cauchy $C(\mu, \gamma)$ at "
                    r"location 0.5 and scale 1.5, with $\overline{s_i s_j}$ the mean over samples "
                    r"$x_n$ from $q_{\theta_0}$ of the product of the scores $\partial_i \log q_\theta(x_n)$"),
    page={"n_samples": 20_000, "seed": 0},
    test={"n_samples": 400_000, "seed": 1},
    method="autograd Hessian and Monte Carlo",
    source="Kaplan §2.3 (N item (c) of the notes' inventory)",
))
