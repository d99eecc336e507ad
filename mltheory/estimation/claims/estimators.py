"""Claims of the page "Estimators: bias, variance and mean squared error" (``book/estimation/estimators.md``)."""

from __future__ import annotations

import math

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Link, Measurement, Numeric, Words, register
from ...networks import mlp
from ..distributions import Exponential, Normal
from ..estimators import denoising_data, estimator_stats, sample_variance, train_denoiser
from ..symbolic import expectation_of_polynomial, gaussian_raw_moment, iid_expectation, notation, power_sums, raw_moment
from ._evidence import clearly_positive

X = sp.IndexedBase("X")
i, j = sp.symbols("i j", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
mu, theta, f, c = sp.symbols("mu theta f c", real=True)
sigma, mu4, divisor, u = sp.symbols("sigma mu_4 c u", positive=True)
mu3 = sp.Symbol("mu_3", real=True)
v = sp.Symbol("v", positive=True)
N_MINUS_1 = sp.Add(N, -1, evaluate=False)  # printed as N - 1 rather than -1 + N


def general_moment(k: int) -> sp.Expr:
    """Raw moment of a distribution with mean mu, variance sigma^2 and central moments mu_3, mu_4."""
    return raw_moment(k, mu, lambda order: {2: sigma**2, 3: mu3, 4: mu4}[order])


def gaussian_moment(k: int) -> sp.Expr:
    return gaussian_raw_moment(k, mu, sigma)


SampleMean = notation("SampleMeanBar", r"\bar X", lambda size: sp.Sum(X[j], (j, 1, size)) / size)
SumOfSquares = notation("SumOfSquaredDeviations", r"\sum_{i=1}^{#1} \left(X_i - \bar X\right)^2",
                        lambda size: sp.Sum((X[i] - SampleMean(size)) ** 2, (i, 1, size)))
OffDiagonal = notation("OffDiagonalProducts", r"\sum_{i \neq j} X_i X_j",
                       lambda size: sp.Sum(X[i], (i, 1, size)) ** 2 - sp.Sum(X[i] ** 2, (i, 1, size)))


def _iid_operators(name: str, moment):
    expectation = notation(f"Expectation{name}", r"\mathbb{E}\left[#1\right]",
                           lambda e: iid_expectation(e, X, N, moment))
    variance = notation(f"Variance{name}", r"\operatorname{Var}\left[#1\right]",
                        lambda e: iid_expectation(e**2, X, N, moment) - iid_expectation(e, X, N, moment) ** 2)
    return expectation, variance


E, Var = _iid_operators("IIDGeneral", general_moment)
E_gauss, Var_gauss = _iid_operators("IIDGaussian", gaussian_moment)


def in_power_sums(expr):
    """Evaluate, rewrite every sum over the sample through power sums, and expand."""
    return sp.expand(power_sums(expr.doit(), X, N, lambda k: sp.Symbol(f"P_{k}")))


# --------------------------------------------------------------------------- bias, variance, MSE

estimate = sp.Symbol(r"\hat\theta", real=True)
m1, m2 = sp.symbols("m_1 m_2", real=True)
_estimator_moments = {0: sp.Integer(1), 1: m1, 2: m2}
E_single = notation("ExpectationOfEstimator", r"\mathbb{E}\left[#1\right]",
                    lambda e: expectation_of_polynomial(e, estimate, _estimator_moments.__getitem__))
Var_single = notation("VarianceOfEstimator", r"\operatorname{Var}\left[#1\right]",
                      lambda e: expectation_of_polynomial(e**2, estimate, _estimator_moments.__getitem__)
                      - expectation_of_polynomial(e, estimate, _estimator_moments.__getitem__) ** 2)

register(Identity(
    label="eq-mse-decomposition",
    lhs=E_single((estimate - theta) ** 2),
    rhs=(E_single(estimate) - theta) ** 2 + Var_single(estimate),
    method="doit",
    source="Kaplan §3.3; Casella & Berger (2002) §7.3.1",
))

register(Identity(
    label="eq-sample-mean-unbiased",
    lhs=E(SampleMean(N)),
    rhs=mu,
    method="doit",
    condition=Words(r"for i.i.d. $X_1, \dots, X_N$ with mean $\mu$"),
    source="Kaplan (3.3.5)",
))

register(Identity(
    label="eq-sample-mean-variance",
    lhs=Var(SampleMean(N)),
    rhs=sigma**2 / N,
    method="doit",
    condition=Words(r"for i.i.d. $X_i$ with variance $\sigma^2$"),
    source="Kaplan (3.3.9)",
))

register(Identity(
    label="eq-sum-of-squares-expansion",
    lhs=SumOfSquares(N),
    rhs=(1 - 1 / N) * sp.Sum(X[i] ** 2, (i, 1, N)) - OffDiagonal(N) / N,
    method=in_power_sums,
    source="Kaplan (3.3.7), second line corrected: the coefficient of each X_i X_j (i ≠ j) is -1/N",
))

register(Identity(
    label="eq-naive-variance-bias",
    lhs=E(SumOfSquares(N) / N),
    rhs=N_MINUS_1 * sigma**2 / N,
    method="doit",
    condition=Words(r"for i.i.d. $X_i$ with variance $\sigma^2$"),
    source="Kaplan (3.3.7)",
))

register(Identity(
    label="eq-bessel",
    lhs=E(SumOfSquares(N) / N_MINUS_1),
    rhs=sigma**2,
    method="doit",
    condition=(Words(r"for i.i.d. $X_i$ with variance $\sigma^2$,"), Domain(N, sp.Range(2, sp.oo))),
    source="Kaplan (3.3.8)",
))

register(Identity(
    label="eq-sample-variance-variance",
    lhs=Var(SumOfSquares(N) / N_MINUS_1),
    rhs=mu4 / N - sigma**4 * sp.Add(N, -3, evaluate=False) / (N * N_MINUS_1),
    method="doit",
    condition=Words(r"for i.i.d. $X_i$ with central moments $\sigma^2$ (second) and $\mu_4$ (fourth)"),
    source="ours (the general form of Kaplan (3.3.14)); Kendall & Stuart §10.5",
))

register(Identity(
    label="eq-gaussian-sample-variance-variance",
    lhs=Var_gauss(SumOfSquares(N) / N_MINUS_1),
    rhs=2 * sigma**4 / N_MINUS_1,
    method="doit",
    condition=Words(r"for i.i.d. $X_i \sim \mathcal N(\mu, \sigma^2)$"),
    source="Kaplan (3.3.14)",
))

register(Identity(
    label="eq-variance-divisor-mse",
    lhs=E_gauss((SumOfSquares(N) / divisor - sigma**2) ** 2),
    rhs=sigma**4 * ((N**2 - 1) / divisor**2 - 2 * (N - 1) / divisor + 1),
    method="doit",
    condition=Words(r"for i.i.d. $X_i \sim \mathcal N(\mu, \sigma^2)$"),
    source="ours (Kaplan §3.3 discusses the trade-off)",
))


def divisor_mse(c_value) -> sp.Expr:
    r"""Mean squared error of :math:`\frac1c \sum_i (X_i - \bar X)^2` for Gaussian data, from the claim above."""
    return sp.factor(sigma**4 * ((N**2 - 1) / c_value**2 - 2 * (N - 1) / c_value + 1))


def _in_print_order(expr):
    """``expr`` with every sum held unevaluated in the printer's order (N + 1, not 1 + N), for display."""
    return expr.replace(lambda e: isinstance(e, sp.Add), lambda e: sp.Add(*e.as_ordered_terms(), evaluate=False))


_N_ABOVE_ONE = ((N, 1 + v),)
register(Inequality(
    label="eq-variance-divisor-ranking",
    lhs=_in_print_order(divisor_mse(N + 1)),
    steps=[_in_print_order(divisor_mse(N))],
    rhs=_in_print_order(divisor_mse(N - 1)),
    relation="<",
    links=[Link("<"), Link("<")],
    show_steps=True,
    substitutions=_N_ABOVE_ONE,
    condition=(Words("the mean squared errors of the divisors $N + 1$, $N$ and $N - 1$, for"),
               Domain(N, sp.Interval.open(1, sp.oo))),
    source="ours; Casella & Berger (2002) Example 7.3.3",
))


def estimator_check(trials: int, seed: int, n: int = 5) -> list[Measurement]:
    """Monte Carlo bias, variance and MSE of the variance estimators against the exact formulas."""
    generator = torch.Generator().manual_seed(seed)
    sd = 2.0
    gaussian = Normal(1.0, sd)
    measurements = []
    for ddof, divisor_value in ((1, n - 1), (0, n), (-1, n + 1)):
        stats = estimator_stats(lambda x, d=ddof: sample_variance(x, ddof=d), gaussian, n, trials, generator,
                                target=sd**2)
        exact = float(divisor_mse(divisor_value).subs({N: n, sigma: sd}))
        measurements.append(Measurement.from_standard_error(
            f"MSE of divisor {divisor_value}, Gaussian", stats.mse, stats.mse_se, exact, samples=f"{trials} trials",
            quantity=rf"\operatorname{{MSE}}\big[\hat\sigma^2_{{{divisor_value}}}\big]",
            expected_latex=sp.latex(sp.nsimplify(exact))))
        if ddof == 0:
            measurements.append(Measurement.from_standard_error(
                "bias of the divisor-N estimator", stats.bias, stats.bias_se, -sd**2 / n, samples=f"{trials} trials",
                quantity=rf"\operatorname{{bias}}\big[\hat\sigma^2_{{{n}}}\big]",
                expected_latex=rf"-\tfrac{{{sd:g}^2}}{{{n}}}"))
        if ddof == 1:
            measurements.append(Measurement.from_standard_error(
                "Var(s²), Gaussian", stats.variance, stats.variance_se, 2 * sd**4 / (n - 1),
                samples=f"{trials} trials", quantity=r"\operatorname{Var}[s^2]",
                expected_latex=rf"\tfrac{{2 \cdot {sd:g}^4}}{{{n - 1}}}"))
    exponential = estimator_stats(sample_variance, Exponential(1.0), n, trials, generator, target=1.0)
    general = float((mu4 / N - sigma**4 * (N - 3) / (N * (N - 1))).subs({mu4: 9, sigma: 1, N: n}))
    measurements.append(Measurement.from_standard_error(
        "Var(s²), Exp(1) (μ₄ = 9)", exponential.variance, exponential.variance_se, general,
        samples=f"{trials} trials", quantity=r"\operatorname{Var}[s^2]_{\mathrm{Exp}(1)}",
        expected_latex=rf"\tfrac{{9}}{{{n}}} - \tfrac{{{n - 3}}}{{{n} \cdot {n - 1}}}"))
    return measurements


register(Numeric(
    label="eq-estimator-monte-carlo",
    alternative=Alternative("Var(s²) = 2σ⁴/N, with N in place of N − 1", expected={"Var(s²), Gaussian": 6.4}),
    experiment=estimator_check,
    page={"trials": 100_000, "seed": 0},
    test={"trials": 400_000, "seed": 1},
    method="Monte Carlo (N = 5 Gaussian samples of variance 4, variance estimates with divisors 4, 5 and 6)",
    source="Kaplan (3.3.7), (3.3.14)",
))


# --------------------------------------------------------------------------- Noise2Noise

noise = sp.Symbol("n'", real=True)
_noise_moments = {0: sp.Integer(1), 1: sp.Integer(0), 2: sigma**2}
E_noise = notation("ExpectationOverNoise", r"\mathbb{E}_{n'}\left[#1\right]",
                   lambda e: expectation_of_polynomial(e, noise, _noise_moments.__getitem__))

register(Identity(
    label="eq-noise2noise-objective",
    lhs=E_noise((f - (c + noise)) ** 2),
    rhs=(f - c) ** 2 + sigma**2,
    method="doit",
    condition=Words(r"for noise $n'$ of mean 0 and variance $\sigma^2$, independent of $f$"),
    source="Kaplan §3.3.4; Lehtinen et al. (2018)",
))


def noise2noise_check(seed: int, copies: int = 4, epochs: int = 10, trained: bool = True) -> list[Measurement]:
    """A denoiser trained on noisy targets only, on fresh test noise.

    Two measurements: the loss against fresh noisy targets equals the MSE against the clean images plus σ²
    (true for any network that does not see the fresh noise), and the network's output is closer to the
    clean image than its noisy input is (true only for a network that has learnt to denoise). With
    ``trained=False`` the network keeps its random initialisation: a wrong alternative, which the second
    measurement rejects.
    """
    data = denoising_data(copies=copies, seed=seed)
    if trained:
        net = train_denoiser(data.inputs, data.noisy_targets, epochs=epochs, seed=seed)
    else:
        net = mlp([data.inputs.shape[1], 128, data.noisy_targets.shape[1]], seed=seed).eval()
    with torch.no_grad():
        output = net(data.noisy).double()
    clean, fresh, noisy = data.clean.double(), data.fresh_targets.double(), data.noisy.double()
    gap = ((output - fresh) ** 2).mean(dim=1) - ((output - clean) ** 2).mean(dim=1)
    gain = ((noisy - clean) ** 2).mean(dim=1) - ((output - clean) ** 2).mean(dim=1)
    return [
        Measurement.monte_carlo("noisy-target loss − clean-target MSE, per pixel", gap, data.noise_sd**2,
                                quantity=r"\tfrac{1}{64}\, E\big[\|f(c + n) - (c + n')\|^2 - \|f(c + n) - c\|^2\big]",
                                expected_latex=rf"{data.noise_sd:g}^2"),
        clearly_positive("MSE(noisy input) − MSE(Noise2Noise output), per pixel, per test image", gain,
                         quantity=r"\tfrac{1}{64}\, E\big[\|n\|^2 - \|f(c + n) - c\|^2\big]"),
    ]


register(Numeric(
    label="eq-noise2noise-experiment",
    alternative=Alternative("an untrained network", kwargs={"trained": False}),
    experiment=noise2noise_check,
    page={"seed": 0},
    test={"seed": 1},
    method="Monte Carlo over test digits (64 pixels) for the trained Noise2Noise denoiser f, noise n and n′ fresh",
    source="Kaplan §3.3.4; Lehtinen et al. (2018)",
))
