"""Claims of the page on relative entropy (``book/information/kl-divergence.md``)."""

from __future__ import annotations

import math

import sympy as sp
import sympy.stats as st
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Term, Words, register
from ..divergences import fit_gaussian_by_kl, gaussian_mixture_log_density, kl_quadrature
from ..symbolic import D, finite_sums
from .entropy import log_inequality_term, stirling_limit

p, q, s, t = sp.symbols("p q s t", positive=True)
N = sp.Symbol("N", positive=True)
i, n, k = sp.symbols("i n k", integer=True, positive=True)
P = sp.IndexedBase("p", positive=True)
Q = sp.IndexedBase("q", positive=True)
counts = sp.IndexedBase("n", positive=True)
x = sp.Symbol("x", real=True)
mu, m1 = sp.symbols("mu m_1", real=True)
sigma, m2, d = sp.symbols("sigma m_2 d", positive=True)
NORMALISED = ((sp.Sum(P[i], (i, 1, n)), 1), (sp.Sum(Q[i], (i, 1, n)), 1))


def bernoulli(a):
    """The pair ``(a, 1 - a)`` of probabilities of a coin, as a sympy Tuple."""
    return sp.Tuple(a, 1 - a)


# --------------------------------------------------------------------------- counting and Gibbs

register(Identity(
    label="eq-kl-counting-limit",
    lhs=sp.Limit((sp.log(sp.binomial(N, p * N)) + p * N * sp.log(q) + (1 - p) * N * sp.log(1 - q)) / N, N, sp.oo),
    rhs=-D(bernoulli(p), bernoulli(q)),
    method=stirling_limit,
    substitutions=((p, 1 / (1 + t)), (q, 1 / (1 + s))),
    condition=(Domain(p, sp.Interval.open(0, 1)), Domain(q, sp.Interval.open(0, 1))),
    source="Kaplan (2.3.1)",
))

register(Inequality(
    label="eq-gibbs",
    lhs=sp.Sum(P[i] * sp.log(P[i] / Q[i]), (i, 1, n)),
    rhs=sp.Integer(0),
    relation=">=",
    method=finite_sums(*NORMALISED),
    certificate=[log_inequality_term(Q[i] / P[i], weight=P[i], over=(i, 1, n))],
    condition=Words("for probability vectors $p$ and $q$ with positive entries"),
    source="Kaplan (2.3.4); Cover & Thomas (2006) Thm 2.6.3",
))


# --------------------------------------------------------------------------- likelihood and cross-entropy

register(Identity(
    label="eq-cross-entropy-decomposition",
    lhs=-sp.Sum(P[i] * sp.log(Q[i]), (i, 1, n)),
    rhs=-sp.Sum(P[i] * sp.log(P[i]), (i, 1, n)) + sp.Sum(P[i] * sp.log(P[i] / Q[i]), (i, 1, n)),
    method="sums",
    source="Cover & Thomas (2006) §2.3",
))

register(Identity(
    label="eq-average-log-loss",
    lhs=-sp.Sum(counts[i] * sp.log(Q[i]), (i, 1, k)) / N,
    rhs=(-sp.Sum(counts[i] / N * sp.log(counts[i] / N), (i, 1, k))
         + sp.Sum(counts[i] / N * sp.log(counts[i] / (N * Q[i])), (i, 1, k))),
    method="sums",
    condition=Words("where outcome $i$ occurs $n_i$ times in $N$ observations"),
    source="Kaplan §2.3 (after 2.3.4) and (3.4.2)–(3.4.4)",
))


# --------------------------------------------------------------------------- not a metric

register(Inequality(
    label="eq-kl-triangle-counterexample",
    lhs=D(bernoulli(sp.Rational(1, 10)), bernoulli(sp.Rational(9, 10))),
    rhs=D(bernoulli(sp.Rational(1, 10)), bernoulli(sp.Rational(1, 2)))
    + D(bernoulli(sp.Rational(1, 2)), bernoulli(sp.Rational(9, 10))),
    relation=">",
    method="doit",
    source="ours (corrects Kaplan §2.3, whose example p = 1, 1/2, 0 satisfies the inequality)",
))


# --------------------------------------------------------------------------- forward and reverse fits

_cross_entropy = sp.log(2 * sp.pi * sigma**2) / 2 + (m2 - 2 * mu * m1 + mu**2) / (2 * sigma**2)
_at_moments = {mu: m1, sigma: sp.sqrt(m2 - m1**2)}
register(Identity(
    label="eq-forward-kl-moment-matching",
    lhs=sp.Matrix([sp.Subs(sp.Derivative(_cross_entropy, v), (mu, sigma), (m1, sp.sqrt(m2 - m1**2)))
                   for v in (mu, sigma)]),
    rhs=sp.zeros(2, 1),
    method="doit",
    substitutions=((m2, m1**2 + t),),
    condition=(Words("where $m_1$ and $m_2$ are the means of $X$ and $X^2$ under $p$,"),
               Domain(m2, sp.Interval.open(m1**2, sp.oo))),
    source="ours (the moment-matching property of Kaplan §2.3's forward KL)",
))


def _moments(expr):
    """Evaluate expectations and variances of sympy.stats variables by linearity, then simplify."""
    return sp.simplify(expr.rewrite(st.Expectation).expand().doit())


_sign = st.Bernoulli("S", sp.Rational(1, 2), succ=1, fail=-1)
_noise = st.Normal("Z", 0, 1)
register(Identity(
    label="eq-bimodal-moments",
    lhs=sp.Matrix([st.Expectation(d * _sign + _noise), st.Variance(d * _sign + _noise)]),
    rhs=sp.Matrix([0, 1 + d**2]),
    method=_moments,
    condition=Words(r"for a sign $S$, $+1$ or $-1$ with probability $\tfrac12$ each, and $Z \sim \mathcal N(0, 1)$"),
    source="Kaplan §2.3 (asymmetry of KL)",
))

def _combined_integrals(expr):
    """Simplify the logarithms' arguments, combine the integrals over ℝ, and integrate the density q (∫ q = 1)."""
    expr = sp.expand(expr.replace(lambda e: isinstance(e, sp.log), lambda e: sp.log(sp.simplify(e.args[0]))))
    rest, integrands = sp.Integer(0), {}
    for term in sp.Add.make_args(expr):
        factor, integrals = term.as_independent(sp.Integral, as_Add=False)
        if isinstance(integrals, sp.Integral):
            integrands[integrals.limits] = integrands.get(integrals.limits, 0) + factor * integrals.function
        else:
            rest += term
    unevaluated = sp.Integer(0)
    for limits, integrand in integrands.items():
        multiple = sp.simplify(sp.expand_log(sp.expand(integrand / _normal), force=True))
        # An integrand c·q integrates to c; any other integrand is left unevaluated (so the proof fails).
        if x in multiple.free_symbols:
            unevaluated += sp.Integral(integrand, *limits)
        else:
            rest += multiple
    return sp.simplify(rest) + unevaluated


_normal = sp.exp(-(x - d) ** 2 / 2) / sp.sqrt(2 * sp.pi)
_mixture = (sp.exp(-(x + d) ** 2 / 2) + sp.exp(-(x - d) ** 2 / 2)) / (2 * sp.sqrt(2 * sp.pi))
register(Inequality(
    label="eq-reverse-kl-single-bump",
    lhs=sp.Integral(_normal * sp.log(_normal / _mixture), (x, -sp.oo, sp.oo)),
    rhs=sp.log(2),
    relation="<",
    method=_combined_integrals,
    certificate=[Term(sp.log(1 + sp.exp(-2 * d * x)), weight=_normal, integrate=(x, -sp.oo, sp.oo))],
    condition=Words(r"for $p$ the even mixture of $\mathcal N(-d, 1)$ and $\mathcal N(d, 1)$, "
                    r"and $q$ the normal $\mathcal N(d, 1)$"),
    source="ours",
))


def mode_seeking_check(d: float = 3.0, n_starts: int = 9, grid_points: int = 4001) -> list[Measurement]:
    """Fit a Gaussian to ½N(−d,1) + ½N(d,1) in both directions from several starting means (σ = 1).

    The integrals use the trapezoidal rule on [−d − 12, d + 12]; for these
    smooth, Gaussian-tailed integrands its error is far below 1e-12, and it
    moves the optimum by less than that over the curvature (of order 0.1 or
    more). Each fit ends with Newton steps; the last step, measured, bounds the
    distance to the stationary point. The tolerance 1e-9 on the forward fits
    covers both with a wide margin. The best reverse fit is compared with
    bounds, which it must satisfy with no tolerance.
    """
    x_grid = torch.linspace(-d - 12, d + 12, grid_points, dtype=torch.float64)
    log_p = gaussian_mixture_log_density(x_grid, [-d, d], [1.0, 1.0], [0.5, 0.5])
    starts = torch.linspace(-d, d, n_starts, dtype=torch.float64) + 0.05  # off the symmetric point 0
    ones = torch.ones_like(starts)
    forward = fit_gaussian_by_kl(x_grid, log_p, direction="forward", mean=starts, std=ones)
    reverse = fit_gaussian_by_kl(x_grid, log_p, direction="reverse", mean=starts, std=ones)
    best = reverse.divergence.argmin()
    log_broad = gaussian_mixture_log_density(x_grid, [0.0], [math.sqrt(1 + d**2)], [1.0])
    basis = "last Newton step and quadrature error, each < 1e-11"
    variance_error = (forward.std.square() - 1 - d**2).abs()
    forward_q, reverse_q = r"q^{\star}_{p\|q}", r"q^{\star}_{q\|p}"
    return [
        Measurement.exact("largest last Newton step of the forward fits", forward.last_step.max().item(), 1e-11,
                          relation="<=", reason="converged to rounding"),
        Measurement("largest |μ| of the forward fits", forward.mean.abs().max().item(), 0.0, 1e-9, basis,
                    quantity=rf"\max_{{\text{{starts}}}} |\mu({forward_q})|", expected_latex="0"),
        Measurement("σ² of the forward fits (worst)", forward.std.square()[variance_error.argmax()].item(),
                    1 + d**2, 1e-9, basis,
                    quantity=rf"\sigma^2({forward_q})", expected_latex=rf"1 + {d:g}^2"),
        Measurement.exact("D(q‖p) of the best reverse fit", reverse.divergence[best].item(), math.log(2),
                          relation="<=", reason="bound eq-reverse-kl-single-bump, strict",
                          quantity=rf"D({reverse_q} \,\|\, p)", expected_latex=r"\log 2"),
        Measurement.exact("|μ| of the best reverse fit", reverse.mean[best].abs().item(), d / 2,
                          relation=">=", reason="it sits on one bump, nearer ±d than 0",
                          quantity=rf"|\mu({reverse_q})|", expected_latex=rf"{d:g} / 2"),
        Measurement.exact("D(q‖p) at the moment-matched q = N(0, 1 + d²)", kl_quadrature(x_grid, log_broad, log_p).item(),
                          math.log(2), relation=">=", reason="the broad fit is worse than a single bump",
                          quantity=rf"D\big(\mathcal N(0, 1 + {d:g}^2) \,\|\, p\big)", expected_latex=r"\log 2"),
    ]


register(Numeric(
    label="eq-reverse-kl-mode-seeking",
    experiment=mode_seeking_check,
    alternative=Alternative("the directions swapped: the forward fit D(p‖q) sits on one bump, N(±d, 1)",
                            expected={"σ² of the forward fits (worst)": 1.0}),
    condition=Words(r"for $p$ the even mixture of $\mathcal N(-3, 1)$ and $\mathcal N(3, 1)$, "
                    r"$q^{\star}_{p\|q}$ the Gaussians minimising $D(p\|q)$ from several starts, "
                    r"$q^{\star}_{q\|p}$ the best Gaussian minimising $D(q\|p)$"),
    page={"d": 3.0, "n_starts": 9},
    test={"d": 3.0, "n_starts": 13, "grid_points": 6001},
    method="numerical minimisation from several starts",
    source="Kaplan §2.3 (asymmetry), made quantitative",
))
