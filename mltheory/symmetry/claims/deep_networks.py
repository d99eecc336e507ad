"""Claims of the page "Toward deep networks" (book/symmetry/deep-networks.md)."""

from __future__ import annotations

import sympy as sp
import torch

from ...claims import Domain, Identity, Measurement, Numeric, Words, register
from ..ntk import (
    ensemble_invariance,
    ensemble_ntk,
    ntk_invariance_errors,
    ntk_probe_points,
    power_law_fit,
    relu_ntk_expectation,
)
from ..symbolic import matrix_simplify

D = sp.Symbol("D", integer=True, positive=True)
Q = sp.MatrixSymbol("Q", D, D)
x_vec, x_prime_vec = sp.MatrixSymbol("x", D, 1), sp.MatrixSymbol("x'", D, 1)
rho = sp.Symbol("rho", positive=True)
psi = sp.Symbol("psi", real=True)
theta = sp.Symbol("theta", positive=True)
_gaussian_polar = sp.exp(-rho**2 / 2) / (2 * sp.pi)
_both_positive = (psi, theta - sp.pi / 2, sp.pi / 2)

register(Identity(
    label="eq-gram-invariance",
    lhs=sp.MatMul(sp.Transpose(Q * x_vec), Q * x_prime_vec, evaluate=False),
    rhs=x_vec.T * x_prime_vec,
    method=matrix_simplify,
    given=((Q.T * Q, sp.Identity(D)),),
    condition=Words(r"for every orthogonal $Q$"),
    source="ours",
))

register(Identity(
    label="eq-relu-kernel",
    lhs=sp.Integral(sp.Integral(rho**3 * sp.cos(psi) * sp.cos(psi - theta) * _gaussian_polar, _both_positive),
                    (rho, 0, sp.oo)),
    rhs=(sp.sin(theta) + (sp.pi - theta) * sp.cos(theta)) / (2 * sp.pi),
    method="doit",
    condition=Domain(theta, sp.Interval.open(0, sp.pi)),
    source="Cho & Saul (2009), arc-cosine kernel of degree 1; derivation ours",
))

register(Identity(
    label="eq-relu-derivative-kernel",
    lhs=sp.Integral(sp.Integral(rho * _gaussian_polar, _both_positive), (rho, 0, sp.oo)),
    rhs=(sp.pi - theta) / (2 * sp.pi),
    method="doit",
    condition=Domain(theta, sp.Interval.open(0, sp.pi)),
    source="Cho & Saul (2009), arc-cosine kernel of degree 0; derivation ours",
))


def ntk_expectation_check(width: int = 1024, seeds: int = 64) -> list[Measurement]:
    """Seed average of the empirical NTK of ``mlp([2, width, 1])`` against its exact expectation, entry by entry."""
    points = ntk_probe_points()
    kernels = ensemble_ntk(width, points, points, seeds=seeds, first_seed=7)
    expected = relu_ntk_expectation(points, points, width=width)
    rows, cols = torch.triu_indices(len(points), len(points))
    return [
        Measurement.monte_carlo(f"$\\Theta(x_{i + 1}, x_{j + 1})$", kernels[:, i, j], float(expected[i, j]))
        for i, j in zip(rows.tolist(), cols.tolist())
    ]


register(Numeric(
    label="eq-ntk-expectation",
    statement=r"E\,\Theta(x, x') = n\,\frac{g^2}{D}\lVert x\rVert\lVert x'\rVert\,"
              r"\frac{\sin\theta + (\pi - \theta)\cos\theta}{2\pi} + 1 + g^2 (x\cdot x' + 1)\,\frac{\pi - \theta}{2\pi}",
    experiment=ntk_expectation_check,
    page={"width": 512, "seeds": 48},
    test={"width": 2048, "seeds": 96},
    method="Monte Carlo over initialisations (36 kernel entries)",
    source="ours, from eq-relu-kernel and eq-relu-derivative-kernel",
))


def ntk_rate_check(widths=(64, 256, 1024, 4096), seeds: int = 16) -> Measurement:
    """The exponent of the RMS invariance error of the empirical NTK across widths, against -1/2."""
    slope, standard_error, _ = power_law_fit(widths, ntk_invariance_errors(tuple(widths), seeds=seeds))
    return Measurement.from_standard_error(r"exponent $\beta$ in $\mathrm{rms}(e) \propto n^{\beta}$", slope,
                                           standard_error, -0.5, samples=f"{seeds} networks per width")


register(Numeric(
    label="eq-ntk-invariance-rate",
    statement=r"\frac{\lVert \Theta_n(QX, QX) - \Theta_n(X, X)\rVert_F}{\lVert \Theta_n(X, X)\rVert_F} "
              r"\propto n^{-1/2}",
    experiment=ntk_rate_check,
    page={"widths": (64, 256, 1024, 4096), "seeds": 16},
    test={"widths": (64, 256, 1024, 4096), "seeds": 48},
    method="weighted log-log fit over widths",
    source="ours (issue 5: the invariance error falls like n^{-1/2})",
))


def trained_width_check(widths=(16, 64, 256, 1024), seeds: int = 16) -> Measurement:
    """The exponent of the RMS D3-invariance error of trained networks across widths: negative by more than 5σ."""
    result = ensemble_invariance(tuple(widths), seeds=seeds)
    slope, standard_error, _ = power_law_fit(widths, result["single"])
    return Measurement.exact(r"upper end $\beta + 5\sigma$ of the exponent of the invariance error", slope
                             + 5 * standard_error, 0.0, relation="<=",
                             reason=f"weighted log-log fit, β = {slope:.3f}, σ = {standard_error:.2g}, "
                                    f"{seeds} networks per width")


register(Numeric(
    label="eq-trained-invariance-width",
    statement=r"\mathrm{rms}\big(\operatorname{err}_{D_3}(f_n)\big) \propto n^{\beta},\ \beta < 0",
    experiment=trained_width_check,
    page={"widths": (16, 64, 256, 1024), "seeds": 16},
    test={"widths": (16, 64, 256, 1024), "seeds": 32},
    method="trained ensembles, weighted log-log fit",
    source="ours (issue 5: the invariance error shrinks with width)",
))


def ensemble_average_check(widths=(16, 256), seeds: int = 8, ensembles: int = 16) -> list[Measurement]:
    r"""For each width, the statistic :math:`Z = S\,Q(\bar f) - \frac1S\sum_s Q(f_s)` has mean exactly 0."""
    result = ensemble_invariance(tuple(widths), seeds=seeds, ensembles=ensembles)
    measurements = []
    for i, width in enumerate(widths):
        single = result["single_sq"][i].reshape(ensembles, seeds).mean(1)
        z = seeds * result["mean_sq"][i] - single
        measurements.append(Measurement.monte_carlo(
            f"$S\\,Q(\\bar f) - \\overline{{Q(f)}}$ at width {width} "
            f"(where $\\overline{{Q(f)}}$ = {float(single.mean()):.3g})", z, 0.0))
    return measurements


register(Numeric(
    label="eq-ensemble-invariance",
    statement=r"E\, Q(\bar f_S) = \frac{1}{S}\, E\, Q(f), \qquad \bar f_S = \frac1S \sum_{s=1}^{S} f_s",
    experiment=ensemble_average_check,
    page={"widths": (16, 256), "seeds": 8, "ensembles": 16},
    test={"widths": (16, 256), "seeds": 8, "ensembles": 48},
    method="Monte Carlo over independent ensembles",
    source="ours",
))
