"""Claims of the page on double descent (``book/generalization/double-descent.md``).

The exact risk of ridgeless least squares with Gaussian inputs (Belkin, Hsu & Xu 2020), its proportional limit
(Hastie, Montanari, Rosset & Tibshirani 2019), and the interpolation peak of random ReLU features with its
bias–variance decomposition (toy A1, after Yang et al. 2020).
"""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch

from ...claims import Alternative, Assume, Domain, Identity, Measurement, Numeric, Words, register
from ...runtime import one_thread
from ..double_descent import random_features_regression, ridgeless_risk

n, p = sp.symbols("n p", integer=True, positive=True)
sigma2, r2 = sp.Symbol("sigma^2", positive=True), sp.Symbol("r^2", positive=True)

# --------------------------------------------------------------------------- the exact risk at finite size

inverse_gram = sp.MatrixSymbol(r"\mathbb{E}(X^{\top} X)^{-1}", p, p)
inverse_kernel = sp.MatrixSymbol(r"\mathbb{E}(X X^{\top})^{-1}", n, n)
projection = sp.MatrixSymbol(r"\mathbb{E}\,\Pi", p, p)

register(Identity(
    label="eq-double-descent-risk-below",
    lhs=sigma2 * sp.Trace(inverse_gram),
    rhs=sigma2 * p / (n - p - 1),
    method="doit",
    given=((inverse_gram, sp.Identity(p) / (n - p - 1)),),
    condition=Assume(sp.Le(p, n - 2)),
    source="Belkin, Hsu & Xu (2020) Thm. 1; Muirhead (1982) for the inverse Wishart mean",
))

register(Identity(
    label="eq-double-descent-risk-above",
    lhs=r2 * (1 - sp.Trace(projection) / p) + sigma2 * sp.Trace(inverse_kernel),
    rhs=r2 * (1 - n / p) + sigma2 * n / (p - n - 1),
    method="doit",
    given=((projection, sp.Identity(p) * n / p), (inverse_kernel, sp.Identity(n) / (p - n - 1))),
    condition=Assume(sp.Ge(p, n + 2)),
    source="Belkin, Hsu & Xu (2020) Thm. 1; Muirhead (1982) for the inverse Wishart mean",
))

GAUSSIAN_N = 20
"""The number of training points of the Monte Carlo check of the exact risk."""

GAUSSIAN_P = (5, 10, 30, 40)
"""The numbers of parameters of the check: at least four away from the threshold, where the risk has a variance."""


@functools.cache
@one_thread()
def gaussian_excess_risks(n: int, p: int, samples: int, seed: int = 0, sigma2: float = 1.0, r2: float = 1.0):
    r"""The excess risk :math:`|\hat\beta - \beta|^2` of ridgeless least squares on ``samples`` seeded Gaussian data sets.

    :math:`X` has :math:`\mathcal N(0, 1)` entries, :math:`\beta = r e_1`, the noise has variance :math:`\sigma^2`,
    and :math:`\hat\beta = X^+y`, computed from the :math:`n \times n` or :math:`p \times p` Gram matrix, whichever
    is invertible. Cached for the page, its figure and the claim.
    """
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(samples, n, p, generator=generator, dtype=torch.float64)
    beta = torch.zeros(p, dtype=torch.float64)
    beta[0] = math.sqrt(r2)
    y = (X @ beta + math.sqrt(sigma2) * torch.randn(samples, n, generator=generator, dtype=torch.float64)).unsqueeze(-1)
    if p < n:
        fitted = torch.linalg.solve(X.mT @ X, X.mT @ y)
    else:
        fitted = X.mT @ torch.linalg.solve(X @ X.mT, y)
    return ((fitted.squeeze(-1) - beta) ** 2).sum(-1)


def exact_risk_check(n: int = GAUSSIAN_N, dimensions=GAUSSIAN_P, samples: int = 20000, seed: int = 0) -> list[Measurement]:
    r"""The mean excess risk of ridgeless least squares against its exact value, by Monte Carlo (:math:`\sigma^2 = r^2 = 1`)."""
    measurements = []
    for index, dimension in enumerate(dimensions):
        below = dimension < n
        measurements.append(Measurement.monte_carlo(
            f"p = {dimension}", gaussian_excess_risks(n, dimension, samples, seed + index),
            ridgeless_risk(n, dimension, 1.0, 1.0).item(),
            quantity=r"\mathbb{E}\,|\hat\beta - \beta|^2",
            expected_latex=r"\frac{\sigma^2 p}{n - p - 1}" if below
            else r"r^2\Bigl(1 - \frac{n}{p}\Bigr) + \frac{\sigma^2 n}{p - n - 1}",
        ))
    return measurements


register(Numeric(
    label="eq-double-descent-exact-check",
    experiment=exact_risk_check,
    alternative=Alternative("the mean of an inverse chi-square with k degrees of freedom taken as 1/k, "
                            "giving σ²p/(n − p) and r²(1 − n/p) + σ²n/(p − n)",
                            expected={"p = 10": 10 / 10, "p = 30": 1 / 3 + 20 / 10}),
    page={"samples": 20000},
    test={"samples": 5000},
    method="Monte Carlo over seeded Gaussian data sets",
    condition=Words(r"for $n$ of 20, $p$ of 5, 10, 30 and 40, and unit $\sigma^2$ and $r^2$"),
    source="Belkin, Hsu & Xu (2020) Thm. 1",
))

# --------------------------------------------------------------------------- the proportional limit

gamma, t = sp.Symbol("gamma", positive=True), sp.Symbol("t", positive=True)

register(Identity(
    label="eq-double-descent-limit-below",
    lhs=sp.Limit(sigma2 * gamma * n / (n - gamma * n - 1), n, sp.oo),
    rhs=sigma2 * gamma / (1 - gamma),
    method="doit",
    substitutions=((gamma, 1 / (1 + t)),),
    condition=(Words(r"with $p$ equal to $\gamma n$,"), Domain(gamma, sp.Interval.open(0, 1))),
    source="Hastie, Montanari, Rosset & Tibshirani (2019) Thm. 1",
))

register(Identity(
    label="eq-double-descent-limit-above",
    lhs=sp.Limit(r2 * (1 - n / (gamma * n)) + sigma2 * n / (gamma * n - n - 1), n, sp.oo),
    rhs=r2 * (1 - 1 / gamma) + sigma2 / (gamma - 1),
    method="doit",
    substitutions=((gamma, 1 + t),),
    condition=(Words(r"with $p$ equal to $\gamma n$,"), Domain(gamma, sp.Interval.open(1, sp.oo))),
    source="Hastie, Montanari, Rosset & Tibshirani (2019) Thm. 1",
))

# --------------------------------------------------------------------------- the bias-variance decomposition

K = sp.Symbol("K", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
a = sp.IndexedBase("a")
f = sp.Symbol("f", real=True)
a_bar, s2 = sp.Symbol(r"\bar a", real=True), sp.Symbol("s^2", nonnegative=True)

register(Identity(
    label="eq-double-descent-decomposition",
    lhs=sp.Sum((a[k] - f) ** 2, (k, 1, K)) / K,
    rhs=sp.Add((a_bar - f) ** 2 - s2 / K, s2, evaluate=False),
    method="sums",
    given=((s2, sp.Sum((a[k] - a_bar) ** 2, (k, 1, K)) / (K - 1)), (a_bar, sp.Sum(a[k], (k, 1, K)) / K)),
    condition=(Words("for"), Assume(sp.Ge(K, 2)), Words("predictions $a_k$ of a target $f$, where")),
    source="ours (the unbiased decomposition of toy A1; Yang et al. 2020)",
))

# --------------------------------------------------------------------------- the peak of random ReLU features

RF_N = 100
"""The number of training points of the random-features experiment (toy A1)."""

RF_FEATURES = (10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100, 105, 110, 120, 140, 170, 200, 300, 500, 1000)
"""The numbers of random features of the page's sweep."""

RF_RIDGE = 1.0
"""The ridge penalty that removes the peak."""


@functools.cache
def random_features_sweep(features=RF_FEATURES, noise_sd: float = 0.5, ridge: float = 0.0, draws: int = 20,
                          n_test: int = 2000):
    """:func:`~mltheory.generalization.double_descent.random_features_regression` at the page's sizes, cached for the
    page, its figure and the claim."""
    return random_features_regression(RF_N, features, noise_sd=noise_sd, ridge=ridge, draws=draws, n_test=n_test)


def peak_check(draws: int = 20, n_test: int = 2000, ridge: float = 0.0) -> list[Measurement]:
    r"""The error at :math:`P = n` against :math:`P = n/2` and :math:`P = 10n`, as the mean over draws of the log ratio.

    The error of one draw at :math:`P = n` has no finite mean, but its logarithm has: the log ratios, paired by draw,
    have a standard error, and a mean log ratio above :math:`\log 10` says that the typical error is ten times larger.
    """
    features = (RF_N // 2, RF_N, 10 * RF_N)
    predictions, targets = random_features_sweep(features, ridge=ridge, draws=draws, n_test=n_test)
    log_errors = ((predictions - targets) ** 2).mean(-1).log()
    measurements = []
    for column, name in ((0, "n/2"), (2, "10n")):
        measurements.append(Measurement.monte_carlo(
            f"P = n against P = {name}", log_errors[:, 1] - log_errors[:, column], math.log(10), relation=">=",
            quantity=rf"\mathbb{{E}}\,\log\frac{{E_{{P = n}}}}{{E_{{P = {name}}}}}", expected_latex=r"\log 10",
        ))
    return measurements


register(Numeric(
    label="eq-double-descent-peak",
    experiment=peak_check,
    alternative=Alternative(f"regularisation leaves the interpolation peak in place: ridge with penalty {RF_RIDGE:g} "
                            "peaks at P = n too", kwargs={"ridge": RF_RIDGE}),
    page={"draws": 20, "n_test": 2000},
    test={"draws": 20, "n_test": 500},
    method="Monte Carlo over seeded training sets and random features",
    condition=Words(r"for minimum-norm ReLU features, $n$ of 100, noise 0.5, 20 draws"),
    source="toy A1 (Yang et al. 2020)",
))
