"""Claims of the page on overfitting (``book/generalization/overfitting.md``): ridge shrinks every direction of a
fit, and the training error of least squares underestimates the error on fresh noise by exactly :math:`2\\sigma^2 p/n`.
"""

from __future__ import annotations

import functools

import sympy as sp
import torch

from ...claims import Alternative, Inequality, Measurement, Numeric, Words, register
from ..overfitting import legendre_features, polynomial_errors

# --------------------------------------------------------------------------- ridge shrinks every direction

s, lam = sp.symbols("s lambda", positive=True)

register(Inequality(
    label="eq-overfitting-ridge-shrinks",
    lhs=s / (s**2 + lam),
    rhs=1 / s,
    relation="<=",
    condition=Words(r"for every singular value $s$ of the feature matrix and every penalty $\lambda$ (both positive)"),
    source="ours (Kaplan §6: L² regularization)",
))


def teacher(x):
    """The cubic :math:`2x^3 - x` that generates the data of the page."""
    return 2 * x**3 - x


N_POINTS = 12
"""The number of training points on the page."""

NOISE_SD = 0.3
"""The standard deviation of the label noise on the page."""


@functools.cache
def cached_polynomial_errors(ridge: float = 0.0, seeds: int = 50):
    """:func:`~mltheory.generalization.overfitting.polynomial_errors` of the page's teacher, cached for the page and its figure."""
    return polynomial_errors(teacher, n=N_POINTS, noise_sd=NOISE_SD, ridge=ridge, seeds=seeds)


def optimism_check(degrees=(3, 6, 9), n: int = N_POINTS, noise_sd: float = NOISE_SD, draws: int = 4000,
                   seed: int = 0) -> list[Measurement]:
    r"""Training error and in-sample error on fresh noise of least squares of degree :math:`d \ge 3`, by Monte Carlo.

    The inputs are fixed (one seeded draw) and the noise is redrawn; the teacher is a cubic, so it lies in the
    span of the features and the errors come from the noise alone: :math:`\sigma^2(1 - p/n)` and
    :math:`\sigma^2(1 + p/n)` with :math:`p = d + 1`.
    """
    generator = torch.Generator().manual_seed(seed)
    x = 2 * torch.rand(n, generator=generator, dtype=torch.float64) - 1
    noise = noise_sd * torch.randn(draws, n, generator=generator, dtype=torch.float64)
    fresh = noise_sd * torch.randn(draws, n, generator=generator, dtype=torch.float64)
    y = teacher(x) + noise
    measurements = []
    for degree in degrees:
        features = legendre_features(x, degree)
        fitted = y @ (features @ torch.linalg.pinv(features)).T  # the least-squares fit of every draw
        p = degree + 1
        measurements.append(Measurement.monte_carlo(
            f"train, d = {degree}", ((fitted - y) ** 2).mean(-1), noise_sd**2 * (1 - p / n),
            quantity=r"\mathbb{E}\,\frac1n\sum_i \bigl(\hat f(x_i) - y_i\bigr)^2",
            expected_latex=r"\sigma^2\Bigl(1 - \frac{p}{n}\Bigr)",
        ))
        measurements.append(Measurement.monte_carlo(
            f"fresh noise, d = {degree}", ((fitted - teacher(x) - fresh) ** 2).mean(-1), noise_sd**2 * (1 + p / n),
            quantity=r"\mathbb{E}\,\frac1n\sum_i \bigl(\hat f(x_i) - y_i'\bigr)^2",
            expected_latex=r"\sigma^2\Bigl(1 + \frac{p}{n}\Bigr)",
        ))
    return measurements


register(Numeric(
    label="eq-overfitting-optimism",
    experiment=optimism_check,
    alternative=Alternative("the training error estimates the noise variance without bias, σ² at every degree",
                            expected={"train, d = 9": NOISE_SD**2, "train, d = 6": NOISE_SD**2}),
    page={"draws": 4000},
    test={"draws": 4000},
    method="Monte Carlo over seeded label noise at fixed inputs",
    condition=Words(r"for least squares of degree $d$ equal to 3, 6 and 9 and its $p$ coefficients, "
                    r"on 12 fixed inputs, with a cubic teacher and Gaussian noise of variance $\sigma^2$"),
    source="ours (Kaplan §6; the optimism of the training error, Efron 1986)",
))
