"""Claims of the page "Toward deep networks" (book/symmetry/deep-networks.md)."""

from __future__ import annotations

import math

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Measurement, Numeric, Words, register
from ...estimation import summarize_estimates
from ...kernels import power_law_fit
from ...kernels.claims.ntk import exponent_bound
from ..ntk import (
    ensemble_invariance,
    ensemble_ntk,
    ntk_invariance_errors,
    ntk_probe_points,
    relu_kernels,
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


_ARC_COSINE = (r"\lVert x_i\rVert\lVert x_j\rVert\,\frac{\sin\theta_{ij} + (\pi - \theta_{ij})\cos\theta_{ij}}"
               r"{2\pi}")
_SCALED_ARC_COSINE = r"\frac{\sigma_w^2}{D}\," + _ARC_COSINE
_LAYER_QUANTITY = (r"E\big[\sigma(w\cdot x_i)\,\sigma(w\cdot x_j)\big],\ w \sim \mathcal N\big(0, \tfrac{\sigma_w^2}{D} I_D\big),"
                   r"\ D = 3,\ \sigma_w^2 = 2,\ 1 \le i \le j \le 4")


def relu_layer_kernel_check(samples: int = 200_000, dim: int = 3, seed: int = 0,
                            drop_factor: bool = False) -> list[Measurement]:
    r"""Monte Carlo :math:`E[\sigma(w\cdot x)\sigma(w\cdot x')]` for a ReLU and :math:`w \sim \mathcal N(0, \frac{g^2}{D} I_D)`.

    Four seeded points in :math:`D = 3` dimensions and :math:`g^2 = 2`, so that the factor
    :math:`g^2/D = 2/3` differs from 1 (in two dimensions with He's gain it is exactly 1, and a
    missing factor would go unnoticed). With ``drop_factor=True`` the expected values omit
    :math:`g^2/D`: a wrong alternative that the measurements reject.
    """
    generator = torch.Generator().manual_seed(seed)
    points = torch.randn(4, dim, generator=generator, dtype=torch.float64)
    gain = math.sqrt(2)
    weights = gain / math.sqrt(dim) * torch.randn(samples, dim, generator=generator, dtype=torch.float64)
    activations = torch.relu(weights @ points.T)
    expected, _ = relu_kernels(points, points, weight_gain=gain)
    if drop_factor:
        expected = expected * dim / gain**2
    rows, cols = torch.triu_indices(len(points), len(points))
    return [
        Measurement.monte_carlo(f"$E[\\sigma(u_{i + 1})\\sigma(u_{j + 1})]$", activations[:, i] * activations[:, j],
                                float(expected[i, j]), quantity=_LAYER_QUANTITY,
                                expected_latex=_ARC_COSINE if drop_factor else _SCALED_ARC_COSINE)
        for i, j in zip(rows.tolist(), cols.tolist())
    ]


register(Numeric(
    label="eq-relu-layer-kernel",
    experiment=relu_layer_kernel_check,
    alternative=Alternative("the arc-cosine kernel without the factor σ_w²/D", kwargs={"drop_factor": True}),
    page={"samples": 200_000, "seed": 0},
    test={"samples": 1_000_000, "seed": 1},
    method="Monte Carlo over Gaussian weight vectors (10 pairs of points)",
    source="Cho & Saul (2009); ours, from eq-relu-kernel",
))


_NTK_TERMS = (r"\frac{g^2}{D}\lVert x_i\rVert\lVert x_j\rVert\,"
              r"\frac{\sin\theta_{ij} + (\pi - \theta_{ij})\cos\theta_{ij}}{2\pi} + 1 + "
              r"g^2 (x_i\cdot x_j + 1)\,\frac{\pi - \theta_{ij}}{2\pi}")


def ntk_expectation_check(width: int = 1024, seeds: int = 64, grows_with_width: bool = True) -> list[Measurement]:
    """Seed average of the empirical NTK of ``mlp([2, width, 1])`` against its exact expectation, entry by entry.

    With ``grows_with_width=False`` the expected kernel is the one of width 1, as if the
    kernel did not grow with the width in the standard parametrisation: a wrong alternative.
    """
    points = ntk_probe_points()
    kernels = ensemble_ntk(width, points, points, seeds=seeds, first_seed=7)
    expected = relu_ntk_expectation(points, points, width=width if grows_with_width else 1)
    quantity = rf"E\,\Theta_{{{width}}}(x_i, x_j),\ 1 \le i \le j \le {len(points)}"
    latex = rf"{width}\," + _NTK_TERMS if grows_with_width else _NTK_TERMS
    rows, cols = torch.triu_indices(len(points), len(points))
    return [
        Measurement.monte_carlo(f"$\\Theta(x_{i + 1}, x_{j + 1})$", kernels[:, i, j], float(expected[i, j]),
                                quantity=quantity, expected_latex=latex)
        for i, j in zip(rows.tolist(), cols.tolist())
    ]


register(Numeric(
    label="eq-ntk-expectation",
    experiment=ntk_expectation_check,
    alternative=Alternative("a kernel that does not grow with the width (the first term without the factor n)",
                            kwargs={"grows_with_width": False}),
    page={"width": 512, "seeds": 48},
    test={"width": 2048, "seeds": 96},
    method="Monte Carlo over initialisations (36 kernel entries)",
    source="ours, from eq-relu-kernel and eq-relu-derivative-kernel",
))


_VARIANCE_POINT = (0.6, -0.3)
_GAIN_SQUARED = 2.0


def ntk_variance(width: int) -> float:
    """The exact variance of :math:`\\Theta_n(x, x)` at the point of :func:`ntk_variance_check` (see there)."""
    radius_squared = sum(c * c for c in _VARIANCE_POINT)
    s2 = _GAIN_SQUARED * radius_squared / len(_VARIANCE_POINT)
    return (1.25 * width * s2**2 + _GAIN_SQUARED * s2 / 2 * (radius_squared + 1)
            + 1.25 * _GAIN_SQUARED**2 / width * (radius_squared + 1) ** 2)


def ntk_variance_check(widths=(64, 1024), seeds: int = 600, seed: int = 11) -> list[Measurement]:
    r"""Seed variance of the empirical NTK :math:`\Theta_n(x, x)` of ``mlp([2, n, 1])`` against its exact value.

    With :math:`s^2 = g^2\lVert x\rVert^2/D` the variance of the first-layer pre-activation,
    :math:`\Theta_n(x, x) = \sum_j \sigma(h_j)^2 + 1 + (\lVert x\rVert^2 + 1)\sum_j v_j^2 \sigma'(h_j)`
    is a sum of :math:`n` independent terms, and the ReLU moments
    :math:`E[h^2 1_{h>0}] = s^2/2`, :math:`E[h^4 1_{h>0}] = 3s^4/2`, :math:`E v^2 = g^2/n`,
    :math:`E v^4 = 3g^4/n^2` give

    .. math::

        \operatorname{Var}\Theta_n(x, x) = \tfrac54\, n s^4 + \tfrac{g^2 s^2}{2}(\lVert x\rVert^2 + 1)
        + \tfrac{5 g^4}{4n}(\lVert x\rVert^2 + 1)^2 ,

    which grows like :math:`n`. The wrong alternative, a kernel that becomes deterministic, is
    represented by the variance of :math:`\Theta_n / n` (the NTK parametrisation), which is this
    value over :math:`n^2`; the measurements reject it.
    """
    point = torch.tensor([_VARIANCE_POINT], dtype=torch.float64)
    measurements = []
    for width in widths:
        kernels = ensemble_ntk(width, point, point, seeds=seeds, first_seed=seed)[:, 0, 0]
        stats_ = summarize_estimates(kernels, 0.0)
        measurements.append(Measurement.from_standard_error(
            f"Var Θ_n(x, x) at n = {width}", float(stats_.variance), float(stats_.variance_se), ntk_variance(width),
            samples=f"{seeds} networks",
            quantity=rf"\operatorname{{Var}}\Theta_{{{width}}}(x, x)",
            expected_latex=rf"\tfrac54\cdot {width}\, s^4 + \tfrac{{g^2 s^2}}{{2}}\big(\lVert x\rVert^2 + 1\big)"
                           rf" + \tfrac{{5 g^4}}{{4\cdot {width}}}\big(\lVert x\rVert^2 + 1\big)^2"))
    return measurements


register(Numeric(
    label="eq-ntk-variance",
    experiment=ntk_variance_check,
    alternative=Alternative("a kernel that becomes deterministic: the variance of Θ_n/n (NTK parametrisation), "
                            "the exact value over n²",
                            expected={f"Var Θ_n(x, x) at n = {n}": ntk_variance(n) / n**2 for n in (64, 1024)}),
    page={"widths": (64, 1024), "seeds": 600},
    test={"widths": (64, 1024), "seeds": 600, "seed": 5},
    method="Monte Carlo over initialisations",
    source="ours",
))


def ntk_rate_check(widths=(64, 256, 1024, 4096), seeds: int = 16) -> Measurement:
    """The exponent of the RMS invariance error of the empirical NTK across widths, against -1/2."""
    slope, standard_error, _ = power_law_fit(widths, ntk_invariance_errors(tuple(widths), seeds=seeds))
    return Measurement.from_standard_error(
        r"exponent $\beta$ in $\mathrm{rms}(e) \propto n^{\beta}$", slope, standard_error, -0.5,
        samples=f"{seeds} networks per width",
        quantity=r"\beta \text{ in } \frac{\lVert \Theta_n(QX, QX) - \Theta_n(X, X)\rVert_F}"
                 r"{\lVert \Theta_n(X, X)\rVert_F} \propto n^{\beta}",
        expected_latex=r"-\tfrac12")


register(Numeric(
    label="eq-ntk-invariance-rate",
    experiment=ntk_rate_check,
    alternative=Alternative("the error falls like 1/n, as the variance of a mean of n terms does",
                            expected={0: -1.0}),
    page={"widths": (64, 256, 1024, 4096), "seeds": 16},
    test={"widths": (64, 256, 1024, 4096), "seeds": 48},
    method="weighted log-log fit over widths",
    source="ours (issue 5: the invariance error falls like n^{-1/2})",
))


def trained_width_check(widths=(16, 64, 256, 1024), seeds: int = 16,
                        exponent: float | None = None) -> Measurement:
    r"""The exponent :math:`\beta` of the RMS :math:`D_3`-invariance error of trained networks across widths.

    By default the claim is one-sided: :math:`\beta` is negative by more than 5 standard errors of the
    weighted log-log fit. Given ``exponent``, the measurement instead tests the law
    :math:`\beta =` ``exponent`` two-sided within 5 standard errors: ``exponent=0`` (the error does not
    depend on the width) is a wrong alternative that the measurement rejects.
    """
    return exponent_bound("exponent of the invariance error",
                          r"\mathrm{rms}\big(\operatorname{err}_{D_3}(f_n)\big) \propto n^{\beta}",
                          widths, ensemble_invariance(tuple(widths), seeds=seeds)["single"], 0.0, "0", exponent)


register(Numeric(
    label="eq-trained-invariance-width",
    experiment=trained_width_check,
    alternative=Alternative("the width does not matter: the law β = 0, tested two-sided within 5σ",
                            kwargs={"exponent": 0.0}),
    page={"widths": (16, 64, 256, 1024), "seeds": 16},
    test={"widths": (16, 64, 256, 1024), "seeds": 16},
    method="trained ensembles, weighted log-log fit",
    source="ours (issue 5: the invariance error shrinks with width)",
))


def ensemble_average_check(widths=(16, 256), seeds: int = 8, ensembles: int = 16,
                           power: float = 1.0) -> list[Measurement]:
    r"""For each width, the statistic :math:`Z = S\,Q(\bar f) - \frac1S\sum_s Q(f_s)` has mean exactly 0.

    With ``power`` :math:`a \ne 1` the statistic is :math:`S^a Q(\bar f) - \frac1S\sum_s Q(f_s)`, whose mean
    is 0 only if the error of the average falls like :math:`S^{-a}`: ``power=0.5`` is a wrong alternative.
    """
    result = ensemble_invariance(tuple(widths), seeds=seeds, ensembles=ensembles)
    measurements = []
    for i, width in enumerate(widths):
        single = result["single_sq"][i].reshape(ensembles, seeds).mean(1)
        z = seeds**power * result["mean_sq"][i] - single
        scale = "S" if power == 1 else f"S^{{{power:g}}}"
        measurements.append(Measurement.monte_carlo(
            f"$S\\,Q(\\bar f) - \\overline{{Q(f)}}$ at width {width} "
            f"(where $\\overline{{Q(f)}}$ = {float(single.mean()):.3g})", z, 0.0,
            quantity=rf"E\big[{scale}\,Q(\bar f_S) - \overline{{Q(f)}}\big]\ (n = {width},\ S = {seeds})", expected_latex="0"))
    return measurements


register(Numeric(
    label="eq-ensemble-invariance",
    experiment=ensemble_average_check,
    alternative=Alternative("the squared error of the average falls like 1/√S, as a root mean square would",
                            kwargs={"power": 0.5}),
    page={"widths": (16, 256), "seeds": 8, "ensembles": 16},
    test={"widths": (16, 256), "seeds": 8, "ensembles": 16},
    method="Monte Carlo over independent ensembles",
    source="ours",
))
