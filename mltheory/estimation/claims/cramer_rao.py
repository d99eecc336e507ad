"""Claims of the page "The Cramér–Rao bound" (``book/estimation/cramer-rao.md``)."""

from __future__ import annotations

import math

import sympy as sp
import sympy.stats as stats
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Link, Measurement, Numeric, Reduction, Term, Words, register
from ...information.symbolic import expectation, fisher_information_expr, score_expr
from ..cramer_rao import james_stein, james_stein_risk
from ..distributions import Exponential, Normal
from ..estimators import estimator_stats, median_variance, sample_variance, summarize_estimates
from ..symbolic import (
    Displayed,
    blockwise,
    differentiate_under_integral,
    gaussian_raw_moment,
    iid_expectation,
    notation,
    power_sums,
)
from .estimators import SampleMean, SumOfSquares, X, N, N_MINUS_1, i

x, theta, mu = sp.symbols("x theta mu", real=True)
sigma, lam, v, F1, M = sp.symbols("sigma lambda v F_1 M", positive=True)
p = sp.Symbol("p", positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
density = sp.Function("p")
estimate = sp.Function(r"\hat\phi")

# --------------------------------------------------------------------------- the score and its covariances

register(Identity(
    label="eq-score-mean-zero",
    lhs=sp.Integral(density(x, theta) * sp.Derivative(sp.log(density(x, theta)), theta), (x, -sp.oo, sp.oo)),
    steps=[sp.Derivative(sp.Integral(density(x, theta), (x, -sp.oo, sp.oo)), theta)],
    rhs=sp.Integer(0),
    show_steps=True,
    method=differentiate_under_integral,
    given=((sp.Integral(density(x, theta), (x, -sp.oo, sp.oo)), 1),),
    condition=Words("differentiating under the integral sign, for a density"),
    source="Kaplan (3.4.10)",
))

register(Identity(
    label="eq-fisher-second-derivative",
    lhs=sp.Integral(density(x, theta) * sp.Derivative(sp.log(density(x, theta)), theta) ** 2, (x, -sp.oo, sp.oo))
    + sp.Integral(density(x, theta) * sp.Derivative(sp.log(density(x, theta)), (theta, 2)), (x, -sp.oo, sp.oo)),
    rhs=sp.Derivative(sp.Integral(density(x, theta), (x, -sp.oo, sp.oo)), (theta, 2)),
    method=differentiate_under_integral,
    condition="(differentiating twice under the integral sign)",
    source="Kaplan §3.4.2; ours",
))

register(Identity(
    label="eq-score-covariance",
    lhs=sp.Derivative(sp.Integral(estimate(x) * density(x, theta), (x, -sp.oo, sp.oo)), theta),
    rhs=sp.Integral(estimate(x) * sp.Derivative(sp.log(density(x, theta)), theta) * density(x, theta),
                    (x, -sp.oo, sp.oo)),
    method=differentiate_under_integral,
    condition=Words(r"differentiating under the integral sign"),
    source="Kaplan (3.4.12)",
))

S_sample = sp.IndexedBase("S")
_score_moments = {1: sp.Integer(0), 2: F1}
ScoreVariance = notation(
    "VarianceOfScoreSum", r"\operatorname{Var}\left[#1\right]",
    lambda e: iid_expectation(e**2, S_sample, N, lambda order: _score_moments.get(order, sp.Symbol(f"m_{order}")))
    - iid_expectation(e, S_sample, N, lambda order: _score_moments.get(order, sp.Symbol(f"m_{order}"))) ** 2,
)

register(Identity(
    label="eq-fisher-additivity",
    lhs=ScoreVariance(sp.Sum(S_sample[i], (i, 1, N))),
    rhs=N * F1,
    method="doit",
    condition=Words(r"for independent scores $S_i$ of mean 0 and variance $F_1$"),
    source="Kaplan §3.4.2; ours",
))

# Cramér–Rao for a scalar parameter, through Var(phi_hat - c S_N) >= 0.
a, s_value, c = sp.symbols("a s c", real=True)
cov, dphi = sp.Symbol(r"\operatorname{Cov}(\hat\phi, S_N)", real=True), sp.Symbol(r"\phi'", real=True)
var_phi = sp.Symbol(r"\operatorname{Var}\hat\phi", positive=True)
_centred_moments = {a**2: var_phi, a * s_value: cov, s_value**2: N * F1}


def _expectation_of_centred_quadratic(expr):
    """E[...] of a quadratic in the centred variables a = phi_hat - E phi_hat and s = S_N, by bilinearity."""
    expanded = sp.Poly(sp.expand(expr), a, s_value)
    moments = {sp.Integer(1): sp.Integer(1), a: sp.Integer(0), s_value: sp.Integer(0), **_centred_moments}
    return sp.expand(sum(coeff * moments[a**e1 * s_value**e2] for (e1, e2), coeff in expanded.terms()))


_step = dphi / (N * F1)
register(Inequality(
    label="eq-cramer-rao",
    lhs=var_phi,
    rhs=dphi**2 / (N * F1),
    relation=">=",
    method=Reduction("the expectation of the square, by bilinearity from Var φ̂, Cov(φ̂, S_N) and Var S_N = N F₁ "
                     "(eq-fisher-additivity), then simplify",
                     lambda e: sp.simplify(_expectation_of_centred_quadratic(e))),
    certificate=[Term((a - _step * s_value) ** 2, method="simplify")],
    given=((cov, dphi),),
    condition=Words(r"for every unbiased estimator $\hat\phi$ of $\phi(\theta)$ from $N$ independent draws, "
                    r"with $\phi'$ the derivative of $\phi$, and the covariance from eq-score-covariance:"),
    source="Kaplan (3.4.13); Cramér (1946), Rao (1945)",
))

k_dim, d_dim = sp.symbols("k d", integer=True, positive=True)
C_block = sp.MatrixSymbol("C", k_dim, k_dim)
J_block = sp.MatrixSymbol("J", k_dim, d_dim)
F_block = sp.MatrixSymbol("F", d_dim, d_dim)
register(Identity(
    label="eq-cramer-rao-schur",
    lhs=sp.BlockMatrix([[sp.Identity(k_dim), -J_block * F_block.I], [sp.ZeroMatrix(d_dim, k_dim), sp.Identity(d_dim)]])
    * sp.BlockMatrix([[C_block, J_block], [J_block.T, F_block]])
    * sp.BlockMatrix([[sp.Identity(k_dim), sp.ZeroMatrix(k_dim, d_dim)], [-F_block.I * J_block.T, sp.Identity(d_dim)]]),
    rhs=sp.BlockMatrix([[C_block - J_block * F_block.I * J_block.T, sp.ZeroMatrix(k_dim, d_dim)],
                        [sp.ZeroMatrix(d_dim, k_dim), F_block]]),
    method=blockwise,
    condition=Words(r"with $C$ the covariance of $\hat\phi$, $J$ its covariance with $S$ (the Jacobian of $\phi$) "
                    r"and $F$ the covariance of $S$"),
    source="Kaplan (3.4.14), corrected: J is the Jacobian of the target φ, and the bound is a matrix inequality",
))


# --------------------------------------------------------------------------- exponential families

_v = sp.Symbol("v", positive=True)  # the Gaussian variance as a parameter
FAMILIES = {
    # name: (log density in x, parameter, random variable, target phi, efficient estimator of one sample's term)
    r"\mathcal{N}(\mu, \sigma^2),\ \mu": (
        -(x - mu) ** 2 / (2 * sigma**2) - sp.log(2 * sp.pi * sigma**2) / 2, mu, stats.Normal("Xn", mu, sigma), mu, x),
    r"\mathcal{N}(\mu, v),\ v = \sigma^2": (
        -(x - mu) ** 2 / (2 * _v) - sp.log(2 * sp.pi * _v) / 2, _v, stats.Normal("Xv", mu, sp.sqrt(_v)), _v,
        (x - mu) ** 2),
    r"\mathrm{Bernoulli}(p)": (x * sp.log(p) + (1 - x) * sp.log(1 - p), p, stats.Bernoulli("Xb", p), p, x),
    r"\mathrm{Poisson}(\lambda)": (x * sp.log(lam) - lam - sp.log(sp.factorial(x)), lam, stats.Poisson("Xp", lam), lam, x),
    r"\mathrm{Exp}(\lambda)": (sp.log(lam) - lam * x, lam, stats.Exponential("Xe", lam), 1 / lam, x),
}
"""The five families of the page: log-density, parameter, sympy.stats variable, target φ and the summand of its
efficient estimator (the estimator is the sample mean of the summand)."""

_family_symbols = {name: sp.Symbol(name) for name in FAMILIES}


def _fisher(name):
    log_density, parameter, variable, _, _ = FAMILIES[str(name)]
    return sp.simplify(fisher_information_expr(log_density, [parameter], x, variable)[0, 0])


def _score_mean(name):
    log_density, parameter, variable, _, _ = FAMILIES[str(name)]
    return expectation(score_expr(log_density, [parameter])[0], x, variable)


Fisher = notation("FisherOfFamily", r"F_{#1}", _fisher)
ScoreMean = notation("ScoreMeanOfFamily", r"E_{#1}[S]", _score_mean)


def matrix_simplify(expr):
    """Evaluate a matrix-valued difference and simplify each entry."""
    return expr.doit().applyfunc(sp.simplify)


register(Identity(
    label="eq-exponential-family-fisher",
    lhs=sp.Matrix([[ScoreMean(symbol), Fisher(symbol)] for symbol in _family_symbols.values()]),
    rhs=sp.Matrix([[0, 1 / sigma**2], [0, 1 / (2 * _v**2)], [0, 1 / (p * (1 - p))], [0, 1 / lam], [0, 1 / lam**2]]),
    method="doit",
    condition=Words(r"the score's mean and $-E[\partial_\theta^2 \log p]$ for one draw of each family"),
    source="Kaplan §3.4.2; ours (exact sympy.stats expectations)",
))


def _efficient_sides(name):
    """(phi_hat - phi, phi'(theta) S_N / (N F_1)) for one family, written with sums over the sample."""
    log_density, parameter, _, target, summand = FAMILIES[name]
    score = score_expr(log_density, [parameter])[0]
    estimator = sp.Sum(summand.subs(x, X[i]), (i, 1, N)) / N
    score_sum = sp.Sum(score.subs(x, X[i]), (i, 1, N))
    return estimator - target, sp.diff(target, parameter) / (N * _fisher(name)) * score_sum


_EFFICIENT = [_efficient_sides(name) for name in FAMILIES]


def _in_power_sums(expr):
    """Evaluate, write every sum over the sample through the power sums P_k, then simplify."""
    return sp.simplify(sp.expand(power_sums(expr.doit(), X, N, lambda order: sp.Symbol(f"P_{order}"))))


register(Identity(
    label="eq-efficient-estimators",
    lhs=sp.Matrix([left for left, _ in _EFFICIENT]),
    rhs=sp.Matrix([right for _, right in _EFFICIENT]),
    method=_in_power_sums,
    condition=Words("for the five families, in the order of the table"),
    source="ours; Lehmann & Casella (1998) Thm 2.5.12",
))


# --------------------------------------------------------------------------- the Gaussian with both parameters unknown

def _gaussian_moment(order):
    return gaussian_raw_moment(order, mu, sigma)


def _covariance(first, second):
    def e(expr):
        return iid_expectation(expr, X, N, _gaussian_moment)

    return sp.simplify(e(first * second) - e(first) * e(second))


def _estimator_covariance():
    estimators = [SampleMean(N).doit(), (SumOfSquares(N) / N_MINUS_1).doit()]
    return sp.Matrix(2, 2, lambda r, c_: _covariance(estimators[r], estimators[c_]))


def _gaussian_bound():
    log_density = -(x - mu) ** 2 / (2 * _v) - sp.log(2 * sp.pi * _v) / 2
    fisher = fisher_information_expr(log_density, [mu, _v], x, stats.Normal("Xg", mu, sp.sqrt(_v)))
    return (N * fisher).inv().subs(_v, sigma**2)


CovarianceMatrix = notation("CovarianceOfMeanAndVariance", r"\operatorname{Cov}\left[(\bar X, s^2)\right]",
                            _estimator_covariance)
InverseFisher = notation("InverseSampleFisherGaussian", r"(N F)^{-1}", _gaussian_bound)

register(Identity(
    label="eq-gaussian-cramer-rao-gap",
    lhs=CovarianceMatrix() - InverseFisher(),
    rhs=Displayed(sp.Matrix([[0, 0], [0, 2 * sigma**4 / (N * N_MINUS_1)]])),
    method=matrix_simplify,
    condition=Words(r"for $N$ Gaussian draws and $\theta$ the pair $(\mu, \sigma^2)$"),
    source="Kaplan §3.4.2; ours",
))

_gaussian = stats.Normal("X_median", mu, sigma)


def _density_at_median():
    """The Gaussian density at its median, both found by sympy.stats (nothing about f(μ) is typed in)."""
    (median,) = stats.median(_gaussian)
    return stats.density(_gaussian)(median)


DensityAtMedian = notation("GaussianDensityAtMedian", r"f(m)", _density_at_median)
register(Identity(
    label="eq-median-asymptotic-variance",
    lhs=1 / (4 * DensityAtMedian() ** 2),
    rhs=sp.pi * sigma**2 / 2,
    method="doit",
    condition=Words(r"the limit of $N$ times the variance of the median, for the density $f$ of "
                    r"$\mathcal N(\mu, \sigma^2)$ at its median $m$"),
    source="Laplace; Kaplan §3.4 (numerical check); ours",
))


def efficiency_ratio(estimator, n: int, trials: int, seed, sd: float = 1.0):
    """N Var(estimator) / sigma^2 for Gaussian samples of size n, with its standard error."""
    stats_ = estimator_stats(estimator, Normal(0.0, sd), n, trials, seed, target=0.0, batch_size=20_000)
    scale = n / sd**2
    return float(stats_.variance) * scale, float(stats_.variance_se) * scale


def _median(x_):
    return x_.median(dim=-1).values


def cramer_rao_efficiency_check(trials: int, seed: int, n: int = 201) -> list[Measurement]:
    """Variance × N·F_1 for the mean (1), the median and s² (N/(N − 1)) of standard Gaussian samples.

    The median's is exact at ``n`` (quadrature over the order-statistic density, :func:`median_variance`);
    it tends to π/2.
    """
    generator = torch.Generator().manual_seed(seed)
    samples = f"{trials} trials of N = {n}"
    mean_ratio, mean_se = efficiency_ratio(lambda x_: x_.mean(dim=-1), n, trials, generator)
    median_ratio, median_se = efficiency_ratio(_median, n, trials, generator)
    variance = estimator_stats(sample_variance, Normal(0.0, 1.0), n, trials, generator, target=1.0, batch_size=20_000)
    m = (n - 1) // 2
    return [
        Measurement.from_standard_error("N Var(mean) F₁", mean_ratio, mean_se, 1.0, samples=samples,
                                        quantity=rf"{n} \operatorname{{Var}}(\bar X)", expected_latex="1"),
        Measurement.from_standard_error(
            "N Var(median) F₁", median_ratio, median_se, n * median_variance(n, "normal"), samples=samples,
            quantity=rf"{n} \operatorname{{Var}}(\operatorname{{med}})",
            expected_latex=rf"\frac{{{n} \cdot {n}!}}{{{m}!^2}} \int_0^1 \Phi^{{-1}}(u)^2\, u^{{{m}}} (1 - u)^{{{m}}}\, du"),
        Measurement.from_standard_error("N Var(s²) F₁ (F₁ = 1/(2σ⁴))", float(variance.variance) * n / 2,
                                        float(variance.variance_se) * n / 2, n / (n - 1), samples=samples,
                                        quantity=rf"\tfrac{{{n}}}{{2}} \operatorname{{Var}}(s^2)",
                                        expected_latex=rf"\tfrac{{{n}}}{{{n - 1}}}"),
    ]


register(Numeric(
    label="eq-cramer-rao-efficiency",
    alternative=Alternative("a median as efficient as the mean, N F₁ Var(median) = 1", expected={1: 1.0}),
    experiment=cramer_rao_efficiency_check,
    page={"trials": 60_000, "seed": 0},
    test={"trials": 100_000, "seed": 1},
    method="Monte Carlo (standard normal samples, so that F₁ is 1 for the mean and ½ for the variance)",
    source="Kaplan §3.4.2 (numerical check)",
))


# --------------------------------------------------------------------------- maximum likelihood at finite N

s_total = sp.Symbol("s", positive=True)
_gamma_density = lam**N * s_total ** (N - 1) * sp.exp(-lam * s_total) / sp.gamma(N)
_N_ABOVE_TWO = ((N, M + 2),)

register(Identity(
    label="eq-exponential-mle-bias",
    lhs=sp.Integral(N / s_total * _gamma_density, (s_total, 0, sp.oo)),
    rhs=N * lam / N_MINUS_1,
    method="doit",
    substitutions=((N, M + 1),),
    condition=(Words(r"$E[1/\bar X]$ for $N$ exponential draws, whose sum is $\mathrm{Gamma}(N, \lambda)$,"),
               Domain(N, sp.Interval.open(1, sp.oo))),
    source="Kaplan §3.4 (numerical check); ours",
))

register(Identity(
    label="eq-exponential-mle-variance",
    lhs=sp.Integral(N**2 / s_total**2 * _gamma_density, (s_total, 0, sp.oo))
    - sp.Integral(N / s_total * _gamma_density, (s_total, 0, sp.oo)) ** 2,
    rhs=N**2 * lam**2 / (N_MINUS_1**2 * sp.Add(N, -2, evaluate=False)),
    method="doit",
    substitutions=_N_ABOVE_TWO,
    condition=(Words(r"$\operatorname{Var}(1/\bar X)$,"), Domain(N, sp.Interval.open(2, sp.oo))),
    source="ours",
))


def exponential_rate_mse(c_value) -> sp.Expr:
    r"""Exact MSE of the rate estimator :math:`c/S`, :math:`S = \sum_i X_i`, from the two inverse moments above."""
    first = sp.integrate((1 / s_total * _gamma_density).subs(_N_ABOVE_TWO), (s_total, 0, sp.oo))
    second = sp.integrate((1 / s_total**2 * _gamma_density).subs(_N_ABOVE_TWO), (s_total, 0, sp.oo))
    return sp.factor((c_value**2 * second - 2 * c_value * lam * first + lam**2).subs(M, N - 2))


RateMSE = notation("ExponentialRateMSE", r"\operatorname{MSE}\left(\frac{#1}{S}\right)", exponential_rate_mse)
register(Inequality(
    label="eq-exponential-mle-not-best",
    lhs=RateMSE(sp.Add(N, -2, evaluate=False)),
    steps=[lam**2 / N_MINUS_1,
           lam**2 * sp.Add(N, 2, evaluate=False) / (N_MINUS_1 * sp.Add(N, -2, evaluate=False))],
    rhs=RateMSE(N),
    relation="<",
    links=[Link("="), Link("<"), Link("=")],
    show_steps=True,
    substitutions=((N, 2 + v),),
    condition=(Words(r"for $N$ exponential draws of rate $\lambda$ with sum $S$; the right side is the MLE's,"),
               Domain(N, sp.Interval.open(2, sp.oo))),
    source="corrects Kaplan fn. 6 and §3.4.2 (MLE neither unbiased nor minimum-variance at finite N)",
))


def exponential_mle_check(trials: int, seed: int, n: int = 5, rate: float = 2.0) -> list[Measurement]:
    """Mean, variance and MSE of the exponential-rate MLE N/S, and of (N − 2)/S, at small N."""
    generator = torch.Generator().manual_seed(seed)
    mle = estimator_stats(lambda x_: 1 / x_.mean(dim=-1), Exponential(rate), n, trials, generator, target=rate)
    shrunk = estimator_stats(lambda x_: (n - 2) / x_.sum(dim=-1), Exponential(rate), n, trials, generator, target=rate)
    samples = f"{trials} trials of N = {n}"
    lam = f"{rate:g}"
    return [
        Measurement.from_standard_error("E[N/S]", mle.mean, mle.mean_se, n * rate / (n - 1), samples=samples,
                                        quantity=rf"E\big[\tfrac{{{n}}}{{S}}\big]",
                                        expected_latex=rf"\tfrac{{{n} \cdot {lam}}}{{{n - 1}}}"),
        Measurement.from_standard_error("Var[N/S]", mle.variance, mle.variance_se,
                                        n**2 * rate**2 / ((n - 1) ** 2 * (n - 2)), samples=samples,
                                        quantity=rf"\operatorname{{Var}}\big[\tfrac{{{n}}}{{S}}\big]",
                                        expected_latex=rf"\tfrac{{{n}^2 \cdot {lam}^2}}{{{n - 1}^2 \cdot {n - 2}}}"),
        Measurement.from_standard_error("MSE[N/S]", mle.mse, mle.mse_se, rate**2 * (n + 2) / ((n - 1) * (n - 2)),
                                        samples=samples, quantity=rf"\operatorname{{MSE}}\big[\tfrac{{{n}}}{{S}}\big]",
                                        expected_latex=rf"\tfrac{{{lam}^2 \cdot {n + 2}}}{{{n - 1} \cdot {n - 2}}}"),
        Measurement.from_standard_error("MSE[(N − 2)/S]", shrunk.mse, shrunk.mse_se, rate**2 / (n - 1),
                                        samples=samples, quantity=rf"\operatorname{{MSE}}\big[\tfrac{{{n - 2}}}{{S}}\big]",
                                        expected_latex=rf"\tfrac{{{lam}^2}}{{{n - 1}}}"),
    ]


register(Numeric(
    label="eq-exponential-mle-monte-carlo",
    alternative=Alternative("an unbiased maximum-likelihood estimate, E[N/S] = λ", expected={0: 2.0}),
    experiment=exponential_mle_check,
    page={"trials": 200_000, "seed": 0},
    test={"trials": 1_000_000, "seed": 1},
    method="Monte Carlo, S the sum of N = 5 exponential samples of rate λ = 2",
    source="Kaplan §3.4 (numerical check: 2.499 vs 2.5 at N = 5)",
))


def exponential_mle_coverage(n: int, half_width: float = 1.96) -> float:
    r"""Exact :math:`P\big(|\sqrt N(\hat\lambda - \lambda)| \le c\,\lambda\big)` for the MLE :math:`\hat\lambda = N/S`.

    :math:`\lambda S \sim \mathrm{Gamma}(N, 1)`, and the event is
    :math:`N/(1 + c/\sqrt N) \le \lambda S \le N/(1 - c/\sqrt N)`, so the probability is a
    difference of two regularised incomplete gamma functions (the same for every :math:`\lambda`).

    Examples
    --------
    >>> round(exponential_mle_coverage(400), 5)
    0.94875
    """
    shrink = half_width / math.sqrt(n)
    shape = torch.tensor(float(n), dtype=torch.float64)
    ends = torch.tensor([n / (1 - shrink), n / (1 + shrink)], dtype=torch.float64)
    upper, lower = torch.special.gammainc(shape, ends)
    return float(upper - lower)


def asymptotic_normality_check(trials: int, seed: int, n: int = 400, rate: float = 2.0) -> list[Measurement]:
    r"""The scaled error :math:`z = \sqrt N (\hat\lambda - \lambda)` of the MLE of an exponential rate at large N.

    Its exact mean and variance, :math:`\sqrt N \lambda/(N-1)` and :math:`N^3\lambda^2/((N-1)^2(N-2))`,
    tend to 0 and :math:`F_1^{-1} = \lambda^2`, and :math:`P(|z| \le 1.96\,\lambda)`, computed exactly
    by :func:`exponential_mle_coverage`, to 0.95. With :math:`\lambda = 2` the inverse Fisher information
    :math:`\lambda^2 = 4` and the Fisher information :math:`1/\lambda^2 = 1/4` are far apart, so the
    variance measurement rejects the wrong alternative :math:`\mathcal N(0, F_1)`.
    """
    generator = torch.Generator().manual_seed(seed)
    z = math.sqrt(n) * (1 / Exponential(rate)((trials, n), seed=generator).mean(dim=-1) - rate)
    stats_ = summarize_estimates(z, 0.0)
    scaled = rf"\sqrt{{{n}}}\,(\hat\lambda_{{\mathrm{{MLE}}}} - {rate:g})"
    samples = f"{trials} trials of N = {n}"
    return [
        Measurement.from_standard_error("E[z]", stats_.mean, stats_.mean_se, math.sqrt(n) * rate / (n - 1),
                                        samples=samples, quantity=rf"E\big[{scaled}\big]",
                                        expected_latex=rf"\frac{{\sqrt{{{n}}} \cdot {rate:g}}}{{{n - 1}}}"),
        Measurement.from_standard_error("Var[z]", stats_.variance, stats_.variance_se,
                                        n**3 * rate**2 / ((n - 1) ** 2 * (n - 2)), samples=samples,
                                        quantity=rf"\operatorname{{Var}}\big[{scaled}\big]",
                                        expected_latex=rf"\frac{{{n}^3 \cdot {rate:g}^2}}{{{n - 1}^2 \cdot {n - 2}}}"),
        Measurement.monte_carlo("P(|z| ≤ 1.96 λ)", (z.abs() <= 1.96 * rate).double(), exponential_mle_coverage(n),
                                quantity=rf"P\big(|{scaled}| \le 1.96 \cdot {rate:g}\big)"),
    ]


register(Numeric(
    label="eq-mle-asymptotic-normality",
    alternative=Alternative("the variance F₁ = 1/λ² instead of its inverse", expected={"Var[z]": 0.25}),
    experiment=asymptotic_normality_check,
    page={"trials": 20_000, "seed": 0},
    test={"trials": 40_000, "seed": 1},
    method="Monte Carlo",
    source="ours; Lehmann & Casella (1998) Thm 6.3.10",
))


# --------------------------------------------------------------------------- James–Stein

q_norm = sp.Symbol("q", positive=True)
dimension = sp.Symbol("d", positive=True)
_chi_square = q_norm ** (dimension / 2 - 1) * sp.exp(-q_norm / 2) / (2 ** (dimension / 2) * sp.gamma(dimension / 2))
register(Identity(
    label="eq-james-stein-origin",
    lhs=dimension - (dimension - 2) ** 2 * sp.Integral(_chi_square / q_norm, (q_norm, 0, sp.oo)),
    rhs=sp.Integer(2),
    method="doit",
    substitutions=((dimension, M + 2),),
    condition=(Words(r"the risk of James–Stein at $\theta$ zero, with $\|X\|^2 \sim \chi^2_d$,"),
               Domain(dimension, sp.Interval.open(2, sp.oo))),
    source="James & Stein (1961); ours",
))


def james_stein_check(trials: int, seed: int) -> list[Measurement]:
    """Monte Carlo risk of James–Stein against its exact value, which lies below the MLE's risk d.

    Only d ≥ 5 is simulated: for d ≤ 4, 1/‖X‖² has infinite variance and
    Monte Carlo standard errors are meaningless (the theorem holds for d ≥ 3).
    """
    generator = torch.Generator().manual_seed(seed)
    measurements = []
    for d in (5, 10, 20):
        for norm in (0.0, 2.0, 5.0):
            truth = torch.zeros(d, dtype=torch.float64)
            truth[0] = norm
            draws = truth + Normal()((trials, d), seed=generator)
            errors = ((james_stein(draws) - truth) ** 2).sum(-1)
            exact = float(james_stein_risk(d, norm))
            risk = rf"R_{{{d}}}({norm:g})"
            measurements.append(Measurement.monte_carlo(
                f"JS risk, d = {d}, |θ| = {norm:g}", errors, exact, quantity=risk,
                expected_latex=rf"{d} - {(d - 2) ** 2}\, E_{{{norm:g}}}\big[\|X\|^{{-2}}\big]"))
            measurements.append(Measurement.exact(f"exact JS risk, d = {d}, |θ| = {norm:g}", exact, d,
                                                  relation="<=", reason="series of the exact risk, strict",
                                                  quantity=rf"{d} - {(d - 2) ** 2}\, E_{{{norm:g}}}\big[\|X\|^{{-2}}\big]",
                                                  expected_latex=str(d)))
    return measurements


register(Numeric(
    label="eq-james-stein-risk",
    alternative=Alternative("Jensen's plug-in 1/E‖X‖² for E[‖X‖⁻²]: risk d − (d − 2)²/(d + |θ|²)", expected={2: 5 - 9 / (5 + 4)}),
    experiment=james_stein_check,
    page={"trials": 20_000, "seed": 0},
    test={"trials": 50_000, "seed": 1},
    method="Monte Carlo of R_d(|θ|), the risk E‖θ̂_JS − θ‖² in dimension d at |θ|, against the exact series for E‖X‖⁻² with X ~ N(θ, I); d is the risk of the estimate X",
    source="James & Stein (1961); corrects Kaplan §3.4.2",
))
