"""Claims of the page "Cumulants and the central limit theorem" (``book/estimation/cumulants.md``)."""

from __future__ import annotations

import math

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Measurement, Numeric, Words, register
from ..cumulants import clt_shape, density_from_cumulants, k_statistics_from_central_sums, standardized_sums
from ..distributions import Cauchy, Exponential, Laplace, Uniform
from ..estimators import estimator_stats
from ..symbolic import (
    cumulant_from_moments_expr,
    cumulant_partition_formula,
    each_order,
    iid_expectation,
    moment_from_cumulants_expr,
    moment_partition_formula,
    notation,
    raw_moment,
)

m, n = sp.symbols("m n", integer=True, positive=True)
t = sp.Symbol("t", real=True)
x, mu = sp.symbols("x mu", real=True)
sigma, lam, N = sp.symbols("sigma lambda N", positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
u = sp.Symbol("u", positive=True)
kappa = sp.IndexedBase("kappa")
moment = sp.IndexedBase("mu")
ORDERS = range(1, 7)


# --------------------------------------------------------------------------- the moment–cumulant relations

Moment = notation("MomentFromCumulants", r"\langle X^{#1} \rangle",
                  lambda order: moment_from_cumulants_expr(int(order), kappa))
MomentPartitions = notation(
    "MomentPartitionSum",
    r"#1!\sum_{\{p_n\}:\ \sum_n n\,p_n = #1}\ \prod_{n} \frac{\kappa_n^{p_n}}{p_n!\,(n!)^{p_n}}",
    lambda order: moment_partition_formula(int(order), kappa),
)
Cumulant = notation("CumulantFromMoments", r"\kappa_{#1}", lambda order: cumulant_from_moments_expr(int(order), moment))
CumulantPartitions = notation(
    "CumulantPartitionSum",
    r"#1!\sum_{\{p_n\}:\ \sum_n n\,p_n = #1} (-1)^{b-1}(b-1)!\ \prod_{n} \frac{\mu_n^{p_n}}{p_n!\,(n!)^{p_n}}",
    lambda order: cumulant_partition_formula(int(order), moment),
)

register(Identity(
    label="eq-moments-from-cumulants",
    lhs=Moment(m),
    rhs=MomentPartitions(m),
    method=each_order(m, ORDERS),
    condition=Domain(m, sp.Range(1, 7)),
    source="Kaplan (3.2.6), corrected: the factor m! and the constraint on the p_n were missing",
))

register(Identity(
    label="eq-cumulants-from-moments",
    lhs=Cumulant(m),
    rhs=CumulantPartitions(m),
    method=each_order(m, ORDERS),
    condition=(Domain(m, sp.Range(1, 7)), Words(r"with $b$ the sum of the $p_n$ and $\mu_n$ the moments $\langle X^n \rangle$")),
    source="ours (the inverse of Kaplan (3.2.6)); Kendall & Stuart, Advanced Theory of Statistics §3.14",
))


# --------------------------------------------------------------------------- Gaussian and Poisson

def _normal_density(point, mean, sd):
    return sp.exp(-(point - mean) ** 2 / (2 * sd**2)) / sp.sqrt(2 * sp.pi * sd**2)


register(Identity(
    label="eq-gaussian-cgf",
    lhs=sp.log(sp.Integral(sp.exp(t * x) * _normal_density(x, mu, sigma), (x, -sp.oo, sp.oo))),
    rhs=mu * t + sigma**2 * t**2 / 2,
    method="doit",
    source="Kaplan §3.2 (quick examples)",
))

register(Identity(
    label="eq-poisson-cgf",
    lhs=sp.Subs(sp.log(sp.Sum(sp.exp(-lam) * lam**k * u**k / sp.factorial(k), (k, 0, sp.oo))), u, sp.exp(t)),
    rhs=lam * (sp.exp(t) - 1),
    method="doit",
    source="ours (Kaplan §3.2 states the consequence)",
))

register(Identity(
    label="eq-poisson-cumulants",
    lhs=sp.Subs(sp.Derivative(lam * (sp.exp(t) - 1), (t, n)), t, 0),
    rhs=lam,
    method=each_order(n, ORDERS),
    condition=Domain(n, sp.Range(1, 7)),
    source="ours (Kaplan §3.2 states it)",
))


# --------------------------------------------------------------------------- sums of independent variables

kappa_x, kappa_y = sp.IndexedBase("kappa^X"), sp.IndexedBase("kappa^Y")


def _cumulant_of_sum(order):
    order = int(order)

    def moment_of_sum(j):  # independence: <(X+Y)^j> = sum_i C(j, i) <X^i><Y^(j-i)>
        return sum(sp.binomial(j, i) * _moment(kappa_x, i) * _moment(kappa_y, j - i) for i in range(j + 1))

    return cumulant_from_moments_expr(order, moment_of_sum)


def _moment(cumulants, order):
    return sp.Integer(1) if order == 0 else moment_from_cumulants_expr(order, cumulants)


SumCumulant = notation("CumulantOfIndependentSum", r"\kappa_{#1}(X + Y)", _cumulant_of_sum)

register(Identity(
    label="eq-cumulant-additivity",
    lhs=SumCumulant(m),
    rhs=kappa_x[m] + kappa_y[m],
    method=each_order(m, ORDERS),
    condition=(Words("for independent $X$, $Y$,"), Domain(m, sp.Range(1, 7))),
    source="Kaplan (3.2.8)",
))


cgf = sp.Function("K_X")
_s = sp.Symbol("s", real=True)
CLT_ORDERS = range(2, 7)


def _with_cumulant_series(expr):
    r"""Check an identity in the order ``n`` with ``K_X`` replaced by its cumulant series, for n = 2, ..., 6.

    :math:`K_X(s) = \sum_j \kappa_j s^j / j!`; the n-th derivative at 0 sees only the terms up to
    :math:`s^n`, so the series truncated at order n is exact for it. The variance :math:`\kappa_2`
    is written :math:`\sigma^2`.
    """
    for order in CLT_ORDERS:
        series = sp.Lambda(_s, sum(kappa[j] * _s**j / sp.factorial(j) for j in range(1, order + 1)))
        residual = sp.simplify(expr.subs(n, order).subs(cgf, series).doit().subs(kappa[2], sigma**2))
        if residual != 0:
            return residual
    return sp.Integer(0)


_with_cumulant_series.__name__ = "each n = 2..6: K_X replaced by its cumulant series, doit, simplify"

register(Identity(
    label="eq-clt-cumulant-scaling",
    lhs=sp.Subs(sp.Derivative(N * cgf(t / (sigma * sp.sqrt(N))) - sp.sqrt(N) * kappa[1] * t / sigma, (t, n)), t, 0),
    rhs=N ** (1 - n / 2) * kappa[n] / sigma**n,
    method=_with_cumulant_series,
    given=((kappa[2], sigma**2),),
    condition=(Domain(n, sp.Range(2, 7)), Words(r"the $n$-th cumulant of $Y_N$,")),
    source="Kaplan (3.2.13)–(3.2.14)",
))

DistributionCumulant = notation(
    "CumulantOfNamedDistribution", r"\kappa_{#1}^{\mathrm{#2}}",
    lambda order, name: cumulant_from_moments_expr(int(order), {
        "Exp": lambda j: sp.factorial(j),  # raw moments of Exp(1)
        "U": lambda j: sp.Integer(1) / (j + 1),  # raw moments of Uniform(0, 1)
    }[str(name)]),
)
_exp, _unif = sp.Symbol("Exp"), sp.Symbol("U")

register(Identity(
    label="eq-standardized-sum-shape",
    lhs=sp.Matrix([
        N * DistributionCumulant(3, _exp) / (N * DistributionCumulant(2, _exp)) ** sp.Rational(3, 2),
        N * DistributionCumulant(4, _exp) / (N * DistributionCumulant(2, _exp)) ** 2,
        N * DistributionCumulant(3, _unif) / (N * DistributionCumulant(2, _unif)) ** sp.Rational(3, 2),
        N * DistributionCumulant(4, _unif) / (N * DistributionCumulant(2, _unif)) ** 2,
    ]),
    rhs=sp.Matrix([2 / sp.sqrt(N), 6 / N, 0, -sp.Rational(6, 5) / N]),
    method="doit",
    condition=Words("skewness and excess kurtosis of a sum of $N$ draws of Exp(1) and of U(0, 1)"),
    source="Kaplan §3.2 (CLT); ours",
))


def clt_shape_check(trials: int, seed: int, ns=(1, 2, 4, 8, 16)) -> list[Measurement]:
    """Monte Carlo skewness and excess kurtosis of standardised sums of exponentials and uniforms."""
    measurements = []
    # The standardised cumulants κ₃/σ³ and κ₄/σ⁴ of each law, as LaTeX (their values come from clt_shape).
    laws = (("Exp(1)", r"\mathrm{Exp}", Exponential(1.0), ("2", "6")),
            ("U(0, 1)", r"\mathrm{U}", Uniform(0.0, 1.0), ("0", r"-\tfrac65")))
    for name, short, distribution, (skew, kurt) in laws:
        shape = clt_shape(distribution, ns, trials, seed=seed)
        for i, size in enumerate(ns):
            predictions = {"skewness": rf"\tfrac{{{skew}}}{{\sqrt{{{size}}}}}" if skew != "0" else "0",
                           "kurtosis": rf"{kurt} / {size}"}
            for key, order in (("skewness", 3), ("kurtosis", 4)):
                measurements.append(Measurement.from_standard_error(
                    f"κ{order}(Y_{size}), {name}", shape[key][i], shape[f"{key}_se"][i],
                    shape[f"{key}_predicted"][i], samples=f"{trials} seeded sums",
                    quantity=rf"\kappa_{order}(Y_{{{size}}})_{{{short}}}", expected_latex=predictions[key]))
    return measurements


register(Numeric(
    label="eq-clt-shape-monte-carlo",
    alternative=Alternative("κ₄(Y_N) shrinking like 1/√N, as κ₃ does, instead of 1/N", expected={9: 6 / math.sqrt(16)}),
    experiment=clt_shape_check,
    page={"trials": 100_000, "seed": 0},
    test={"trials": 300_000, "seed": 1},
    method="Monte Carlo: Y_N the standardised sum of N exponential (Exp) or uniform (U) variables",
    source="Kaplan (3.2.14)",
))


def sum_spread_check(trials: int, seed: int) -> list[Measurement]:
    r"""Variance of a sum of independent variables with standard deviations 1, 2 and 3 (three different shapes).

    The variances add, so the standard deviation of the sum is
    :math:`\sqrt{1 + 4 + 9} = \sqrt{14}`, not the root-mean-square
    :math:`\sqrt{14/3}` of the three standard deviations.
    """
    generator = torch.Generator().manual_seed(seed)

    def draw(shape, seed):
        parts = (Uniform(-math.sqrt(3), math.sqrt(3)), Exponential(0.5), Laplace(0.0, 3 / math.sqrt(2)))
        return sum(part(shape, seed=seed) for part in parts)  # sds 1, 2, 3

    stats = estimator_stats(lambda s: s[:, 0], draw, n=1, trials=trials, seed=generator, target=0.0)
    return [Measurement.from_standard_error("variance of X₁ + X₂ + X₃", stats.variance, stats.variance_se, 14.0,
                                            samples=f"{trials} seeded sums",
                                            quantity=r"\operatorname{Var}(X_1 + X_2 + X_3)",
                                            expected_latex=r"1^2 + 2^2 + 3^2")]


register(Numeric(
    label="eq-sum-standard-deviation",
    alternative=Alternative("standard deviations that add, (σ₁ + σ₂ + σ₃)² = 36, instead of variances", expected={0: 36.0}),
    experiment=sum_spread_check,
    page={"trials": 200_000, "seed": 0},
    test={"trials": 1_000_000, "seed": 1},
    method="Monte Carlo (a uniform, an exponential and a Laplace variable, of standard deviations 1, 2 and 3)",
    source="Kaplan §3.2, corrected: root-sum-of-squares, not RMS",
))


# --------------------------------------------------------------------------- k-statistics

X = sp.IndexedBase("X")
i, j = sp.symbols("i j", integer=True, positive=True)
_central = {2: sp.Symbol("sigma^2"), 3: sp.Symbol("mu_3"), 4: sp.Symbol("mu_4")}


def _sample_moment(order):
    return raw_moment(order, mu, _central.__getitem__)


def _k_statistic(order):
    """The k-statistic of the given order, written with sums over a sample of symbolic size N."""
    mean = sp.Sum(X[j], (j, 1, N)) / N
    sums = [sp.Sum((X[i] - mean) ** r, (i, 1, N)) for r in (2, 3, 4)]
    return k_statistics_from_central_sums(N, *sums)[int(order) - 2]


ExpectedKStatistic = notation("ExpectedKStatistic", r"\mathbb{E}[k_{#1}]",
                              lambda order: iid_expectation(_k_statistic(order), X, N, _sample_moment))
CumulantFromCentral = notation("CumulantOfSampledDistribution", r"\kappa_{#1}",
                               lambda order: cumulant_from_moments_expr(int(order), _sample_moment))

register(Identity(
    label="eq-k-statistics-unbiased",
    lhs=sp.Matrix([ExpectedKStatistic(order) for order in (2, 3, 4)]),
    rhs=sp.Matrix([CumulantFromCentral(order) for order in (2, 3, 4)]),
    method="doit",
    condition=Words(r"for i.i.d. samples of every size $N$, with the formulas of $\texttt{sample\_cumulants}$"),
    source="Fisher (1930); ours",
))


# --------------------------------------------------------------------------- Marcinkiewicz and Cauchy

MARCINKIEWICZ_EXAMPLES = {"quartic": (0.0, 1.0, 0.0, -1.0), "cubic": (0.0, 1.0, 0.6)}
"""Polynomial cumulant generating functions of degree 4 and 3 (cumulants κ_1, κ_2, ...)."""


def marcinkiewicz_check(points: int, examples=MARCINKIEWICZ_EXAMPLES) -> list[Measurement]:
    r"""The inverse transforms of :math:`\exp(-k^2/2 + k^4/24 \cdot \kappa_4)` and of a cubic exponent go negative.

    The smallest value over a grid of ``points`` points in :math:`[-8, 8]`,
    plus the quadrature error bound (the difference between the 400- and the
    200-node rule), must be negative. ``examples`` maps names to cumulants.
    """
    grid = torch.linspace(-8, 8, points, dtype=torch.float64)
    measurements = []
    for name, kappa_values in examples.items():
        fine = density_from_cumulants(kappa_values, grid, nodes=400)
        coarse = density_from_cumulants(kappa_values, grid, nodes=200)
        error = float((fine - coarse).abs().max())
        where = int(fine.argmin())
        kappas = ", ".join(f"{k:g}" for k in kappa_values)
        measurements.append(Measurement.exact(
            f"min p(x) + quadrature error, {name} CGF, at x = {grid[where]:.3g}", float(fine[where]) + error, 0.0,
            relation="<=", reason=f"Gauss–Legendre quadrature, error bound {error:.1e}",
            quantity=rf"\min_x p_{{({kappas})}}(x) + \epsilon_{{\mathrm{{quad}}}}", expected_latex="0"))
    return measurements


register(Numeric(
    label="eq-marcinkiewicz-examples",
    alternative=Alternative("a quadratic exponent (κ₁, κ₂) = (0, 1), the one truncation that is a density",
                            kwargs={"examples": {"quadratic": (0.0, 1.0)}}),
    experiment=marcinkiewicz_check,
    page={"points": 801},
    test={"points": 1601},
    method="quadrature: p_κ is the inverse Fourier transform of exp(Σ κ_n (ik)ⁿ/n!) for the cumulants κ listed, on a grid in [−8, 8]; ε_quad bounds the quadrature error",
    source="Marcinkiewicz (1939); corrects Kaplan §3.2",
))

_k = sp.Symbol("k", real=True)
register(Identity(
    label="eq-cauchy-stable",
    lhs=sp.Pow(sp.exp(-sp.Abs(_k) / N), N, evaluate=False),
    rhs=sp.exp(-sp.Abs(_k)),
    method="simplify",
    condition=Words(r"for the characteristic function $e^{-|k|}$ of the standard Cauchy law"),
    source="ours; Feller, An Introduction to Probability Theory Vol. II §II.4",
))


def cauchy_spread_check(trials: int, seed: int, ns=(1, 10, 100)) -> list[Measurement]:
    r"""The fraction of sample means of :math:`N` standard Cauchy draws with :math:`|\bar X| \le 1` stays at 1/2.

    For a standard Cauchy variable :math:`P(|C| \le 1) = \frac{2}{\pi}\arctan 1 = \frac12`,
    and the mean of :math:`N` of them is standard Cauchy again. A Gaussian
    with the same quartiles would concentrate instead.
    """
    generator = torch.Generator().manual_seed(seed)
    measurements = []
    for size in ns:
        means = standardized_sums(Cauchy(), size, trials, seed=generator)
        measurements.append(Measurement.monte_carlo(f"P(|mean of {size}| ≤ 1)", (means.abs() <= 1).double(), 0.5,
                                                    quantity=rf"P\big(|\bar X_{{{size}}}| \le 1\big)",
                                                    expected_latex=r"\tfrac12"))
    return measurements


register(Numeric(
    label="eq-cauchy-mean-spread",
    alternative=Alternative("the mean spreading like 1/√N, as with a finite variance: (2/π) arctan √N", expected={1: 2 / math.pi * math.atan(math.sqrt(10)), 2: 2 / math.pi * math.atan(10)}),
    experiment=cauchy_spread_check,
    page={"trials": 20_000, "seed": 0},
    test={"trials": 50_000, "seed": 1},
    method="Monte Carlo (means of standard Cauchy samples)",
    source="ours; Feller Vol. II §II.4",
))
