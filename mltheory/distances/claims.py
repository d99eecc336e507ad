"""Claims of the page "Distances between distributions" (``book/estimation/distances.md``)."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
import torch
from scipy.optimize import linprog

from ..claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Term, Words, register
from ..data import random_distributions
from ..estimation.distributions import Normal
from ..estimation.estimators import summarize_estimates
from ..estimation.symbolic import expectation_of_polynomial, gaussian_raw_moment, laurent_limit, notation
from ..information import kl_divergence
from ..information.symbolic import H
from .measures import hellinger, js_divergence, kl_monte_carlo, symmetrized_kl, total_variation, wasserstein_1d

p, q, t, a, b, s_, r_ = sp.symbols("p q t a b s r", positive=True)
x, z, mu1, mu2 = sp.symbols("x z mu_1 mu_2", real=True)
sigma1, sigma2 = sp.symbols("sigma_1 sigma_2", positive=True)
theta, eps, u = sp.symbols("theta epsilon u", real=True)

# --------------------------------------------------------------------------- the Monte Carlo estimate of KL

_log_ratio = -x**2 / 2 + (x - 1) ** 2 / 8 + sp.log(2)  # log N(x; 0, 1) - log N(x; 1, 4)
_standard_moments = {k: gaussian_raw_moment(k, 0, 1) for k in range(5)}


def kl_monte_carlo_check(trials: int, seed: int, sizes=(10, 100, 1000)) -> list[Measurement]:
    r"""The Monte Carlo estimate of :math:`D(\mathcal N(0, 1) \,\|\, \mathcal N(1, 4))` is unbiased with variance
    :math:`\operatorname{Var}[\log(p/q)]/N`; both exact values come from the Gaussian moments."""
    mean = float(expectation_of_polynomial(_log_ratio, x, _standard_moments.__getitem__))
    variance = float(expectation_of_polynomial(_log_ratio**2, x, _standard_moments.__getitem__) - mean**2)
    generator = torch.Generator().manual_seed(seed)
    measurements = []
    for n in sizes:
        samples = Normal(0.0, 1.0)((trials, n), seed=generator)
        log_p = -samples**2 / 2 - 0.5 * math.log(2 * math.pi)
        log_q = -(samples - 1) ** 2 / 8 - 0.5 * math.log(8 * math.pi)
        estimates, _ = kl_monte_carlo(log_p, log_q)
        stats = summarize_estimates(estimates, mean)
        estimate = rf"\tfrac{{1}}{{{n}}} \textstyle\sum_{{i=1}}^{{{n}}} \log\tfrac{{P(x_i)}}{{q(x_i)}}"
        measurements.append(Measurement.from_standard_error(f"mean estimate, N = {n}", stats.mean, stats.mean_se, mean,
                                                            samples=f"{trials} estimates", quantity=rf"E\big[{estimate}\big]",
                                                            expected_latex=r"D(P \,\|\, q)"))
        measurements.append(Measurement.from_standard_error(f"N × variance, N = {n}", float(stats.variance) * n,
                                                            float(stats.variance_se) * n, variance,
                                                            samples=f"{trials} estimates",
                                                            quantity=rf"{n} \operatorname{{Var}}\big[{estimate}\big]",
                                                            expected_latex=r"\operatorname{Var}_P\big[\log\tfrac{P}{q}\big]"))
    return measurements


register(Numeric(
    label="eq-kl-monte-carlo",
    alternative=Alternative("the reverse divergence D(q‖P) = 2 − log 2", expected={"mean estimate, N = 1000": 2 - math.log(2)}),
    experiment=kl_monte_carlo_check,
    page={"trials": 4_000, "seed": 0},
    test={"trials": 10_000, "seed": 1},
    method="Monte Carlo, P = N(0, 1) and q = N(1, 4); D(P‖q) and the variance exact from Gaussian moments",
    source="Kaplan (3.6.1)",
))


# --------------------------------------------------------------------------- Jensen–Shannon

i, n = sp.symbols("i n", integer=True, positive=True)
P, Q = sp.IndexedBase("p", positive=True), sp.IndexedBase("q", positive=True)
_M = (P[i] + Q[i]) / 2
JSD = notation("JensenShannonSum", r"\mathrm{JSD}(p \,\|\, q)",
               lambda: sp.Sum(P[i] * sp.log(P[i] / _M) + Q[i] * sp.log(Q[i] / _M), (i, 1, n)) / 2)

register(Inequality(
    label="eq-jsd-bounds",
    lhs=JSD(),
    rhs=sp.log(2),
    relation="<=",
    method="sums",
    certificate=[Term(sp.log(1 + Q[i] / P[i]), weight=P[i] / 2, over=(i, 1, n)),
                 Term(sp.log(1 + P[i] / Q[i]), weight=Q[i] / 2, over=(i, 1, n))],
    given=((sp.Sum(P[i], (i, 1, n)), 1), (sp.Sum(Q[i], (i, 1, n)), 1)),
    condition=Words("for probability vectors $p$, $q$ with positive entries"),
    source="Kaplan (3.6.2); Lin (1991)",
))

_open = ((a, 1 / (1 + s_)), (b, 1 / (1 + r_)))
_m_disjoint = (a / 2, (1 - a) / 2, b / 2, (1 - b) / 2)
register(Identity(
    label="eq-disjoint-jsd",
    lhs=H(*_m_disjoint) - (H(a, 1 - a, 0, 0) + H(0, 0, b, 1 - b)) / 2,
    rhs=sp.log(2),
    method="doit",
    substitutions=_open,
    condition=(Words(r"for $p$ the coin $(a, 1 - a)$ on two outcomes and $q$ the coin $(b, 1 - b)$ on two others,"),
               Domain(a, sp.Interval.open(0, 1)), Domain(b, sp.Interval.open(0, 1))),
    source="ours (Kaplan §3.6 motivation for Wasserstein)",
))


# --------------------------------------------------------------------------- f-divergences

F_GENERATORS = {
    "KL": t * sp.log(t),
    "TV": sp.Abs(t - 1) / 2,
    "H^2": (sp.sqrt(t) - 1) ** 2 / 2,
    "JS": (t * sp.log(t) - (1 + t) * sp.log((1 + t) / 2)) / 2,
    r"\chi^2": (t - 1) ** 2,
}
"""Generators f of the f-divergences, as sympy expressions in t = p/q (mirroring ``F_DIVERGENCES``)."""

Perspective = notation("PerspectiveOfGenerator", r"q\, f_{\mathrm{#1}}\!\left(\tfrac{p}{q}\right)",
                       lambda name: q * F_GENERATORS[str(name)].subs(t, p / q))
_names = [sp.Symbol(name) for name in ("KL", "TV", "H^2", "JS")]
register(Identity(
    label="eq-f-divergence-family",
    lhs=sp.Matrix([Perspective(name) for name in _names]),
    rhs=sp.Matrix([p * sp.log(p / q), sp.Abs(p - q) / 2, (sp.sqrt(p) - sp.sqrt(q)) ** 2 / 2,
                   (p * sp.log(2 * p / (p + q)) + q * sp.log(2 * q / (p + q))) / 2]),
    method="doit",
    condition=Words("the terms of KL, total variation, squared Hellinger and Jensen–Shannon"),
    source="Csiszár (1967); Ali & Silvey (1966)",
))

Curvature = notation("GeneratorCurvatureAtOne", r"f_{\mathrm{#1}}''(1)",
                     lambda name: sp.diff(F_GENERATORS[str(name)], t, 2).subs(t, 1))
register(Identity(
    label="eq-f-divergence-curvatures",
    lhs=sp.Matrix([Curvature(sp.Symbol(name)) for name in ("KL", "H^2", "JS", r"\chi^2")]),
    rhs=sp.Matrix([1, sp.Rational(1, 4), sp.Rational(1, 4), 2]),
    method="doit",
    condition=Words(r"for KL, squared Hellinger, Jensen–Shannon and $\chi^2$"),
    source="ours",
))

f = sp.Function("f")
p1, p2 = sp.Function("p_1"), sp.Function("p_2")
_family = (p1(theta), p2(theta), 1 - p1(theta) - p2(theta))


def _f_divergence_of_family(first, second):
    return sum(pi.subs(theta, second) * f(pi.subs(theta, first) / pi.subs(theta, second)) for pi in _family)


FDivergence = notation("FDivergenceOfFamily", r"D_f\left(p_{#1} \,\|\, p_{#2}\right)", _f_divergence_of_family)
Fisher = notation("FisherOfFamily3", r"F(#1)",
                  lambda point: sum(sp.diff(pi, theta) ** 2 / pi for pi in _family).subs(theta, point))
register(Identity(
    label="eq-f-divergence-local",
    lhs=sp.Limit(FDivergence(theta, theta + eps) / eps**2, eps, 0, dir="+-"),
    rhs=sp.Subs(sp.Derivative(f(u), (u, 2)), u, 1) / 2 * Fisher(theta),
    method=laurent_limit,
    given=((f(1), 0),),
    condition=Words(r"for every $f$ vanishing at 1 and twice differentiable there, and every smooth family "
                    r"$(p_1, p_2, 1 - p_1 - p_2)$"),
    source="Kaplan §3.6; Amari & Nagaoka (2000) Thm 3.5; ours",
))


# --------------------------------------------------------------------------- the triangle inequality

def triangle_check(triples: int, seed: int, outcomes: int = 4, square_root: bool = True) -> list[Measurement]:
    """√JSD (or JSD itself, if not ``square_root``) on random triples; symmetrised KL violates the triangle on some."""
    p_, q_, r = random_distributions(3 * triples, outcomes, seed=seed).reshape(3, triples, outcomes)
    power = 0.5 if square_root else 1.0
    root = [js_divergence(a_, b_).clamp_min(0) ** power for a_, b_ in ((p_, r), (p_, q_), (q_, r))]
    jeffreys = [symmetrized_kl(a_, b_) for a_, b_ in ((p_, r), (p_, q_), (q_, r))]
    worst_root = float((root[0] - root[1] - root[2]).max())
    violations = float(((jeffreys[0] - jeffreys[1] - jeffreys[2]) > 0).double().mean())
    return [
        Measurement.exact("max over triples of √JSD(p, r) − √JSD(p, q) − √JSD(q, r)", worst_root, 0.0, relation="<=",
                          tolerance=1e-12, reason="float64 rounding",
                          quantity=r"\max_{\text{triples}} \Big(\sqrt{\mathrm{JSD}(p, r)} - \sqrt{\mathrm{JSD}(p, q)}"
                                   r" - \sqrt{\mathrm{JSD}(q, r)}\Big)", expected_latex="0"),
        Measurement.exact("fraction of triples where symmetrised KL violates it", violations, 1 / triples,
                          relation=">=", reason="at least one violation among the triples",
                          quantity=r"\text{fraction of triples with } J(p, r) > J(p, q) + J(q, r)",
                          expected_latex=rf"\tfrac{{1}}{{{triples}}}"),
    ]


register(Numeric(
    label="eq-sqrt-jsd-triangle",
    alternative=Alternative("JSD itself, without the square root, as the metric", kwargs={"square_root": False}),
    experiment=triangle_check,
    page={"triples": 10_000, "seed": 0},
    test={"triples": 100_000, "seed": 1},
    method="exhaustive check of random triples of distributions on 4 outcomes; J is D(p‖r) + D(r‖p)",
    source="Kaplan §3.6; Endres & Schindelin (2003)",
))


def classical_bounds_check(pairs: int, seed: int, outcomes: int = 6, hellinger_factor: float = math.sqrt(2)
                           ) -> list[Measurement]:
    r"""Le Cam's :math:`H^2 \le TV \le \sqrt2 H` and Pinsker's :math:`TV \le \sqrt{D/2}` on random pairs.

    ``hellinger_factor`` replaces the :math:`\sqrt2` (to show that the check rejects a wrong constant).
    """
    p_, q_ = random_distributions(2 * pairs, outcomes, seed=seed).reshape(2, pairs, outcomes)
    tv, h, kl = total_variation(p_, q_), hellinger(p_, q_), kl_divergence(p_, q_)
    rounding = "float64 rounding"
    return [
        Measurement.exact("max (H² − TV)", float((h**2 - tv).max()), 0.0, relation="<=", tolerance=1e-12, reason=rounding,
                          quantity=r"\max_{\text{pairs}} \big(H^2 - \mathrm{TV}\big)", expected_latex="0"),
        Measurement.exact("max (TV − √2 H)", float((tv - hellinger_factor * h).max()), 0.0, relation="<=", tolerance=1e-12,
                          reason=rounding, quantity=r"\max_{\text{pairs}} \big(\mathrm{TV} - \sqrt2\, H\big)",
                          expected_latex="0"),
        Measurement.exact("max (TV − √(KL/2))", float((tv - (kl / 2).sqrt()).max()), 0.0, relation="<=",
                          tolerance=1e-12, reason=rounding,
                          quantity=r"\max_{\text{pairs}} \big(\mathrm{TV} - \sqrt{D(p\|q)/2}\big)", expected_latex="0"),
    ]


register(Numeric(
    label="eq-classical-bounds",
    alternative=Alternative("TV ≤ H, without Le Cam's factor √2", kwargs={"hellinger_factor": 1.0}),
    experiment=classical_bounds_check,
    page={"pairs": 20_000, "seed": 0},
    test={"pairs": 200_000, "seed": 1},
    method="exhaustive check of random pairs of distributions on 6 outcomes",
    source="Le Cam (1986); Pinsker (1964); Tsybakov (2009) §2.4",
))


# --------------------------------------------------------------------------- Wasserstein

_standard_normal = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
register(Identity(
    label="eq-gaussian-w2",
    lhs=sp.Integral(((mu1 + sigma1 * z) - (mu2 + sigma2 * z)) ** 2 * _standard_normal, (z, -sp.oo, sp.oo)),
    rhs=(mu1 - mu2) ** 2 + (sigma1 - sigma2) ** 2,
    method="doit",
    condition=Words(r"for $\mathcal N(\mu_k, \sigma_k^2)$, through the quantile functions at $s$ of $\Phi(z)$"),
    source="Kaplan §3.6 (map); ours",
))


def transport_plan_cost(u_values, v_values, u_weights, v_weights) -> float:
    """The optimal transport cost between two weighted point sets, by linear programming over couplings."""
    n, m = len(u_values), len(v_values)
    cost = np.abs(np.subtract.outer(u_values, v_values)).ravel()
    rows = np.kron(np.eye(n), np.ones(m))
    columns = np.kron(np.ones(n), np.eye(m))
    result = linprog(cost, A_eq=np.vstack([rows, columns]), b_eq=np.concatenate([u_weights, v_weights]),
                     bounds=(0, None), method="highs")
    return float(result.fun)


def coupling_check(problems: int, seed: int, weighted: bool = True) -> list[Measurement]:
    r"""In one dimension the best coupling is the quantile coupling: the LP optimum equals :func:`wasserstein_1d`.

    With ``weighted=False`` the formula is evaluated with equal weights (to show that the check rejects it).
    """
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(problems):  # independent small linear programs, one per problem
        n, m = rng.integers(1, 9, size=2)
        u_values, v_values = rng.normal(size=n) * 2, rng.normal(size=m) + 1
        u_weights, v_weights = rng.uniform(0.1, 1, size=n), rng.uniform(0.1, 1, size=m)
        u_weights, v_weights = u_weights / u_weights.sum(), v_weights / v_weights.sum()
        formula_weights = (u_weights, v_weights) if weighted else (np.full(n, 1 / n), np.full(m, 1 / m))
        formula = float(wasserstein_1d(u_values, v_values, *formula_weights))
        worst = max(worst, abs(transport_plan_cost(u_values, v_values, u_weights, v_weights) - formula))
    return [Measurement.exact(f"max |LP optimum − quantile formula| over {problems} problems", worst, 0.0,
                              tolerance=1e-7, reason="HiGHS feasibility and optimality tolerance 1e-7",
                              quantity=r"\max_{\text{problems}} \Big|\min_{\pi \in \Pi(u, v)} \sum_{jk} \pi_{jk} "
                                       r"|x_j - y_k| - \int_0^1 \left|F_u^{-1}(s) - F_v^{-1}(s)\right| ds\Big|",
                              expected_latex="0")]


register(Numeric(
    label="eq-wasserstein-coupling",
    alternative=Alternative("the quantile formula with the points' weights ignored", kwargs={"weighted": False}),
    experiment=coupling_check,
    page={"problems": 30, "seed": 0},
    test={"problems": 100, "seed": 1},
    method="linear programming",
    source="Kaplan §3.6; Villani (2009) Ch. 2",
))


def disjoint_check(points: int) -> list[Measurement]:
    """Two uniform distributions on a grid, shifted apart: KL is infinite, JSD and TV saturate, W₁ tracks the shift."""
    grid = torch.arange(4 * points, dtype=torch.float64) / points  # [0, 4) in steps of 1/points
    base = torch.zeros_like(grid)
    base[:points] = 1 / points  # uniform on [0, 1)
    measurements = []
    for shift in (1, 2, 3):
        moved = torch.roll(base, shift * points)
        measurements += [
            Measurement.exact(f"KL, shift {shift}", float(kl_divergence(base, moved)), math.inf, relation=">=",
                              reason="exact: q = 0 where p > 0", quantity=rf"D(p \,\|\, q_{shift})",
                              expected_latex=r"\infty"),
            Measurement.exact(f"JSD, shift {shift}", float(js_divergence(base, moved)), math.log(2), tolerance=1e-12,
                              reason="float64 rounding", quantity=rf"\mathrm{{JSD}}(p, q_{shift})",
                              expected_latex=r"\log 2"),
            Measurement.exact(f"TV, shift {shift}", float(total_variation(base, moved)), 1.0, tolerance=1e-12,
                              reason="float64 rounding", quantity=rf"\mathrm{{TV}}(p, q_{shift})", expected_latex="1"),
            Measurement.exact(f"W₁, shift {shift}", float(wasserstein_1d(grid, grid, base, moved)), float(shift),
                              tolerance=1e-12, reason="float64 rounding", quantity=rf"W_1(p, q_{shift})",
                              expected_latex=str(shift)),
        ]
    return measurements


register(Numeric(
    label="eq-disjoint-supports",
    alternative=Alternative("W₁ saturating at 1 like TV, whatever the shift", expected={"W₁, shift 3": 1.0}),
    experiment=disjoint_check,
    page={"points": 100},
    test={"points": 1_000},
    method="exact computation: p uniform on [0, 1), q_s the same shifted by s, on a grid",
    source="Kaplan §3.6; Arjovsky et al. (2017)",
))


# --------------------------------------------------------------------------- co-adaptation: simultaneous gradient play

_player_x, _player_y = sp.symbols("x y", real=True)
_eta = sp.Symbol("eta", positive=True)
register(Identity(
    label="eq-simultaneous-play",
    lhs=(_player_x - _eta * _player_y) ** 2 + (_player_y + _eta * _player_x) ** 2,
    rhs=(1 + _eta**2) * (_player_x**2 + _player_y**2),
    method="expand",
    source="ours",
))
