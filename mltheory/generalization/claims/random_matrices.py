"""Claims of the page on random matrices (``book/generalization/random-matrices.md``).

Kaplan §6 (6.0.15) and the overfitting term after it, in the convention of Advani & Saxe (2017): :math:`r = D/P`,
:math:`X` of :math:`D \\times P` entries :math:`\\mathcal N(0, 1/P)`, eigenvalues of :math:`X^\\top X`.
"""

from __future__ import annotations

import functools
import math

import scipy.integrate
import sympy as sp

from ...claims import Alternative, Assume, Identity, Measurement, Numeric, Words, register
from ..double_descent import ridgeless_risk
from ..random_matrices import gram_eigenvalues, marchenko_pastur_edges, overfitting_term

# --------------------------------------------------------------------------- the mass of the density

c, h = sp.symbols("c h", positive=True)
theta = sp.Symbol("theta", real=True)

register(Identity(
    label="eq-random-matrices-substitution",
    lhs=h**2 * sp.sin(theta) ** 2 / (c - h * sp.cos(theta)),
    rhs=c + h * sp.cos(theta) - (c**2 - h**2) / (c - h * sp.cos(theta)),
    condition=(Words(r"for every angle $\theta$, with"), Assume(sp.Gt(c, h))),
    source="ours (the integral of Kaplan (6.0.15))",
))


def _quadrature(f, low: float, high: float, alpha: float) -> tuple[float, float]:
    r"""QUADPACK's QAWS rule for :math:`\int_a^b (x - a)^\alpha (b - x)^{1/2} f(x)\,dx` and its error estimate."""
    value, error = scipy.integrate.quad(f, low, high, weight="alg", wvar=(alpha, 0.5), epsabs=1e-12, epsrel=1e-12)
    return value, error


_QUADRATURE_REASON = "QUADPACK's error estimate (QAWS, with the square-root endpoint factors as its weight), times 10, plus 1e-12 for rounding"


def _mass_and_inverse_moment(r: float) -> tuple[tuple[float, float], tuple[float, float] | None]:
    r"""The continuous mass :math:`\int\rho` and (for :math:`r \ne 1`) the inverse moment :math:`\int\rho/\lambda`, with error estimates."""
    low, high = marchenko_pastur_edges(r)
    if r == 1:  # the lower edge is 0: rho = x^(-1/2) (4 - x)^(1/2) / (2 pi)
        return _quadrature(lambda x: 1 / (2 * math.pi), low, high, -0.5), None
    mass = _quadrature(lambda x: 1 / (2 * math.pi * x), low, high, 0.5)
    inverse = _quadrature(lambda x: 1 / (2 * math.pi * x**2), low, high, 0.5)
    return mass, inverse


def mass_check(ratios=(0.25, 0.5, 1.0, 2.0, 4.0)) -> list[Measurement]:
    r"""The continuous part of the Marchenko–Pastur law carries mass :math:`\min(r, 1)`, by quadrature."""
    measurements = []
    for r in ratios:
        (value, error), _ = _mass_and_inverse_moment(r)
        measurements.append(Measurement.exact(
            f"r = {r:g}", value, min(r, 1.0), tolerance=10 * error + 1e-12, reason=_QUADRATURE_REASON,
            quantity=r"\int_{\lambda_-}^{\lambda_+} \rho(\lambda)\,d\lambda", expected_latex=r"\min(r, 1)",
        ))
    return measurements


register(Numeric(
    label="eq-random-matrices-mass",
    experiment=mass_check,
    alternative=Alternative("the continuous part carries all the mass, 1 for every r (no atom at zero)",
                            expected={"r = 0.5": 1.0, "r = 0.25": 1.0}),
    page={}, test={},
    method="adaptive quadrature of (6.0.15)",
    condition=Words(r"for $r$ equal to 0.25, 0.5, 1, 2 and 4"),
    source="Kaplan (6.0.15); Marchenko & Pastur (1967)",
))


def inverse_moment_check(ratios=(0.25, 0.5, 2.0, 4.0)) -> list[Measurement]:
    r"""The inverse moment :math:`\int\rho(\lambda)/\lambda\,d\lambda` is :math:`r/(1 - r)` below 1 and :math:`1/(r - 1)` above."""
    measurements = []
    for r in ratios:
        _, (value, error) = _mass_and_inverse_moment(r)
        below = r < 1
        measurements.append(Measurement.exact(
            f"r = {r:g}", value, r / (1 - r) if below else 1 / (r - 1), tolerance=10 * error + 1e-12,
            reason=_QUADRATURE_REASON,
            quantity=r"\int_{\lambda_-}^{\lambda_+} \frac{\rho(\lambda)}{\lambda}\,d\lambda",
            expected_latex=r"\frac{r}{1 - r}\ (r < 1)" if below else r"\frac{1}{r - 1}\ (r > 1)",
        ))
    return measurements


register(Numeric(
    label="eq-random-matrices-inverse-moment",
    experiment=inverse_moment_check,
    alternative=Alternative("the inverse moment is 1/|1 − r| on both sides (the atom's missing mass ignored)",
                            expected={"r = 0.5": 2.0, "r = 0.25": 4 / 3}),
    page={}, test={},
    method="adaptive quadrature of (6.0.15) divided by λ",
    condition=Words(r"for $r$ equal to 0.25, 0.5, 2 and 4"),
    source="Kaplan §6 (after (6.0.15)); Advani & Saxe (2017)",
))

# --------------------------------------------------------------------------- the overfitting term at P = 400

OVERFITTING_SEED = 0
"""The seed of the Gram matrices of the overfitting-term check."""


def exact_overfitting_mean(P: int, D: int, sigma_eps: float = 1.0) -> float:
    r"""The exact mean of the overfitting term at finite size, from the mean of an inverse Wishart matrix.

    :math:`\sigma_\epsilon^2 D/(P - D - 1)` for :math:`D < P - 1` and :math:`\sigma_\epsilon^2 P/(D - P - 1)` for
    :math:`D > P + 1`: the nonzero eigenvalues are those of a Wishart matrix :math:`W_m(n, I/P)` with
    :math:`m = \min(D, P)`, :math:`n = \max(D, P)`, and :math:`\mathbb E W^{-1} = P\,I/(n - m - 1)`. This is the
    noise term of the exact risk of ridgeless least squares with :math:`D` points and :math:`P` parameters
    (:func:`~mltheory.generalization.double_descent.ridgeless_risk` with no signal).
    """
    if abs(D - P) <= 1:
        raise ValueError(f"exact_overfitting_mean: the mean is infinite for |D - P| <= 1 (got P={P}, D={D})")
    return ridgeless_risk(D, P, sigma2=sigma_eps**2, r2=0.0).item()


@functools.cache
def overfitting_samples(P: int, D: int, samples: int, seed: int = OVERFITTING_SEED):
    """The overfitting term of ``samples`` seeded Gram matrices (σ_ε = 1), cached for the page, the figure and the claim."""
    return overfitting_term(gram_eigenvalues(P, D, seed=seed, samples=samples))


def overfitting_check(P: int = 400, ratios=(0.5, 2.0), samples: int = 100, per_data: bool = False) -> list[Measurement]:
    r"""The mean overfitting term at :math:`P` parameters against its exact finite-size mean, by Monte Carlo.

    ``per_data=True`` normalises the sum by :math:`D` instead of :math:`P` (the wrong alternative).
    """
    measurements = []
    for index, r in enumerate(ratios):
        D = round(r * P)
        terms = overfitting_samples(P, D, samples, OVERFITTING_SEED + index)
        if per_data:
            terms = terms * P / D
        measurements.append(Measurement.monte_carlo(
            f"r = {r:g}", terms, exact_overfitting_mean(P, D),
            quantity=r"\mathbb{E}\,\frac{\sigma_\epsilon^2}{P}\sum_{\lambda_\alpha > 0}\frac{1}{\lambda_\alpha}",
            expected_latex=r"\frac{\sigma_\epsilon^2 D}{P - D - 1}" if D < P else r"\frac{\sigma_\epsilon^2 P}{D - P - 1}",
        ))
    return measurements


register(Numeric(
    label="eq-random-matrices-overfitting-term",
    experiment=overfitting_check,
    alternative=Alternative("the sum over modes is normalised per data point, by D instead of P",
                            kwargs={"per_data": True}),
    page={"P": 400, "samples": 100},
    test={"P": 400, "samples": 40},
    method="Monte Carlo over seeded Gaussian data matrices",
    condition=Words(r"for $P$ equal to 400 parameters, $rP$ data points with $r$ equal to 0.5 and 2, "
                    r"and unit noise variance, over 100 seeded data matrices"),
    source="Kaplan §6 (after (6.0.15)); Advani & Saxe (2017)",
))
