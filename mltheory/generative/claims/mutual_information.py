"""Claims of the page on mutual information for representations (``book/generative/mutual-information.md``).

The discrete tables are undefined sympy functions (``p_XC(x, c)``, ``p_X(x)``, ``p_C(c)``, ``Q(x, c)`` for
:math:`Q(c \\mid x)`), tied together by the marginalisation rules of :data:`RULES`, as on the page on
mutual information of the Information part.
"""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Reduction, Term, Words, register
from ...data import random_distributions
from ...information import kl_divergence, mutual_information
from ...information.claims.entropy import log_inequality_term
from ...information.claims.mutual import entropy_sum, log_ratio_sum
from ...information.symbolic import finite_sums
from ..mutual_information import barber_agakov_bound, gaussian_infonce, gaussian_mutual_information

# --------------------------------------------------------------------------- the Barber–Agakov bound

x, c = sp.symbols("x c", integer=True)
x_prime = sp.Symbol("x'", integer=True)
m, n = sp.symbols("m n", integer=True, positive=True)
Lx, Lc, Lx_prime = (x, 1, m), (c, 1, n), (x_prime, 1, m)
p_xc, p_x, p_c, Q = (sp.Function(name, positive=True) for name in ("p_XC", "p_X", "p_C", "Q"))

RULES = (
    (sp.Sum(p_xc(x, c), Lc), p_x(x)), (sp.Sum(p_xc(x, c), Lx), p_c(c)),
    (sp.Sum(p_xc(x_prime, c), Lc), p_x(x_prime)), (sp.Sum(p_xc(x_prime, c), Lx_prime), p_c(c)),
    (sp.Sum(p_x(x), Lx), 1), (sp.Sum(p_c(c), Lc), 1), (sp.Sum(Q(x, c), Lc), 1),
)
"""Marginals of the joint table, normalisation, and :math:`\\sum_c Q(c \\mid x) = 1` for each :math:`x`."""
table_sums = finite_sums(*RULES)
table_sums.__doc__ = "Simplify finite sums using the marginalisation rules ``RULES``."

I_XC = log_ratio_sum(p_xc(x, c), p_xc(x, c) / (p_x(x) * p_c(c)), Lx, Lc)
H_C = entropy_sum(p_c, Lc)
BOUND = H_C + sp.Sum(p_xc(x, c) * sp.log(Q(x, c)), Lx, Lc)
_posterior = p_xc(x, c) / p_x(x)

register(Identity(
    label="eq-barber-agakov-gap",
    lhs=I_XC - BOUND,
    rhs=sp.Sum(p_x(x) * log_ratio_sum(_posterior, _posterior / Q(x, c), Lc), Lx),
    method=table_sums,
    condition=Words(r"for a joint table $p(x, c)$ and any conditional distribution $Q(c \mid x)$"),
    source="Barber & Agakov (2003); Kaplan (7.5.1)",
))

register(Inequality(
    label="eq-barber-agakov",
    lhs=I_XC,
    rhs=BOUND,
    relation=">=",
    method=table_sums,
    certificate=[log_inequality_term(Q(x, c) / _posterior, weight=p_xc(x, c), over=(Lx, Lc))],
    condition=Words(r"for any conditional distribution $Q(c \mid x)$ with positive entries"),
    source="Barber & Agakov (2003); Kaplan (7.5.1)",
))

f = sp.Function("f")
register(Identity(
    label="eq-infogan-lemma",
    lhs=sp.Sum(p_xc(x, c) * f(x, c), Lx, Lc),
    rhs=sp.Sum(p_xc(x, c) * (p_xc(x_prime, c) / p_c(c)) * f(x_prime, c), Lx, Lc, Lx_prime),
    method=Reduction("sums out $x$ with the marginalisation rules, then renames the summation index $x'$ to $x$",
                     lambda expr: table_sums(table_sums(expr).xreplace({x_prime: x}))),
    condition=Words(r"for a joint table $p(x, c)$ and any function $f(x, c)$"),
    source="Chen et al. (2016) Lemma 5.1; corrects Kaplan (7.5.3)",
))


def barber_agakov_check(count: int = 10_000, seed: int = 0, reverse: bool = False) -> list[Measurement]:
    r"""The Barber–Agakov gap on random joint tables and random variational posteriors.

    For ``count`` random tables of each shape (``n_x`` × ``n_c`` = 3 × 2, 4 × 5, 8 × 3), each with a
    random :math:`Q(c \mid x)`, three exact comparisons, with a tolerance 1e-12 for float64 rounding in
    sums of at most 40 terms of size at most log 40: the gap
    :math:`I - (H(C) + E\log Q)` equals :math:`\sum_x p(x) D(p(\cdot\mid x) \| Q(\cdot\mid x))`; it is
    never negative; and it vanishes at the posterior. With ``reverse=True`` the relative entropies are
    taken the other way round, :math:`D(Q \| p)`: the wrong alternative.
    """
    worst, smallest, tight = 0.0, math.inf, 0.0
    for offset, (n_x, n_c) in enumerate(((3, 2), (4, 5), (8, 3))):
        joint = random_distributions(count, n_x * n_c, seed=seed + 2 * offset).reshape(count, n_x, n_c)
        q = random_distributions(count * n_x, n_c, seed=seed + 2 * offset + 1).reshape(count, n_x, n_c)
        p_x_ = joint.sum(-1)
        posterior = joint / p_x_.unsqueeze(-1)
        information = mutual_information(joint)
        gap = information - barber_agakov_bound(joint, q)
        kl = kl_divergence(q, posterior) if reverse else kl_divergence(posterior, q)
        worst = max(worst, (gap - (p_x_ * kl).sum(-1)).abs().max().item())
        smallest = min(smallest, gap.min().item())
        tight = max(tight, (barber_agakov_bound(joint, posterior) - information).abs().max().item())
    over = rf"\max_{{{3 * count}\ \text{{random}}\ p,\, Q}}"
    return [
        Measurement.exact("largest |gap − average relative entropy|", worst, 0.0, tolerance=1e-12,
                          reason="float64 rounding",
                          quantity=over + r"\Big| I(X;C) - H(C) - E\log Q(c \mid x) - \sum_x p(x)\, "
                                          r"D\big(p(\cdot \mid x) \,\|\, Q(\cdot \mid x)\big)\Big|",
                          expected_latex="0"),
        Measurement.exact("smallest gap", smallest, 0.0, tolerance=1e-12, relation=">=", reason="float64 rounding",
                          quantity=rf"\min_{{{3 * count}\ \text{{random}}\ p,\, Q}} \big[I(X;C) - H(C) - "
                                   r"E\log Q(c \mid x)\big]",
                          expected_latex="0"),
        Measurement.exact("largest |gap| at the posterior", tight, 0.0, tolerance=1e-12, reason="float64 rounding",
                          quantity=rf"\max_{{{3 * count}\ \text{{random}}\ p}} \big| I(X;C) - H(C) - "
                                   r"E\log p(c \mid x)\big|",
                          expected_latex="0"),
    ]


register(Numeric(
    label="eq-barber-agakov-random",
    experiment=barber_agakov_check,
    alternative=Alternative("the gap is the reverse relative entropy, the average of D(Q ‖ p(c | x))",
                            kwargs={"reverse": True}),
    condition=Words("for joint tables of shapes 3 × 2, 4 × 5 and 8 × 3, each with a random $Q$"),
    page={"count": 10_000, "seed": 0},
    test={"count": 5_000, "seed": 10},
    method="random tables",
    source="Kaplan §7.5 (check exactly on random discrete tables)",
))


# --------------------------------------------------------------------------- InfoNCE is capped at log N

i, j = sp.symbols("i j", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
critic = sp.Function("f", real=True)
X, Y = sp.IndexedBase("x"), sp.IndexedBase("y")
ROW_SUM = sp.Sum(sp.exp(critic(X[i], Y[j])), (j, 1, N))
INFONCE = sp.Sum(sp.log(sp.exp(critic(X[i], Y[i])) / (ROW_SUM / N)), (i, 1, N)) / N
_others = sp.Symbol("R_i", nonnegative=True)


def _row_sum_split(expr):
    """Writes row i's sum of N exponentials as the positive pair's term plus a nonnegative rest, then expands
    the arguments of the logarithms."""
    split = expr.xreplace({ROW_SUM: sp.exp(critic(X[i], Y[i])) + _others})
    return split.replace(lambda e: isinstance(e, sp.log), lambda e: sp.log(sp.expand(e.args[0])))


register(Inequality(
    label="eq-infonce-cap",
    lhs=INFONCE,
    rhs=sp.log(N),
    relation="<=",
    method="sums",
    certificate=[Term(sp.log(ROW_SUM * sp.exp(-critic(X[i], Y[i]))), weight=1 / N, over=(i, 1, N),
                      method=Reduction("writes row i's sum as the pair's own term plus the nonnegative sum of the "
                                       "other N − 1 terms, then expands inside the logarithm", _row_sum_split))],
    condition=Words("for any critic $f$ and any $N$ pairs"),
    source="van den Oord et al. (2018); Poole et al. (2019) §2.3",
))

S, r, mean = sp.symbols("S r m", positive=True)
_ratio = (r + S) / (r + mean)
register(Inequality(
    label="eq-infonce-tangent",
    lhs=sp.log(1 + S / r),
    rhs=sp.log(1 + mean / r) + (S - mean) / (r + mean),
    relation="<=",
    method="expand_log",
    certificate=[log_inequality_term(_ratio)],
    condition=(Domain(S, sp.Interval.open(0, sp.oo)), Domain(r, sp.Interval.open(0, sp.oo)),
               Domain(mean, sp.Interval.open(0, sp.oo))),
    source="ours (the tangent line of the concave logarithm)",
))


# --------------------------------------------------------------------------- correlated Gaussians (toy D1)

SIZES = (16, 64, 256, 1024)
#: Batches per batch size on the page and in the test suite (fewer for larger N, whose batches cost N² each).
PAGE_BATCHES, TEST_BATCHES = (4096, 1024, 256, 32), (1024, 256, 64, 12)


@functools.lru_cache(maxsize=8)
def infonce_runs(rho: float = 0.9, batches: tuple[int, ...] = PAGE_BATCHES, seed: int = 0,
                 d: int = 10) -> dict[int, tuple[float, float, float, float]]:
    """For each batch size N of :data:`SIZES`: mean InfoNCE estimate, its standard error, the mean lower bound
    and the standard error of the paired difference, over ``batches[k]`` batches (seed ``seed + k``)."""
    runs = {}
    for k, (size, count) in enumerate(zip(SIZES, batches)):
        run = gaussian_infonce(size, rho=rho, d=d, batches=count, seed=seed + k)
        difference = run.estimates - run.lower
        runs[size] = (run.estimates.mean().item(), run.estimates.std().item() / math.sqrt(count),
                      run.lower.mean().item(), difference.std().item() / math.sqrt(count))
    return runs


def _sized(name: str, size: int) -> str:
    return f"{name}, N = {size}"


def infonce_check(batches: tuple[int, ...] = PAGE_BATCHES, seed: int = 0) -> list[Measurement]:
    r"""InfoNCE with the optimal critic on correlated Gaussians (:math:`d = 10`, :math:`\rho = 0.9`).

    For each :math:`N`, the mean estimate over independent batches is compared with the cap
    :math:`\log N` of eq-infonce-cap (within 5 standard errors) and with the mean of the lower bound
    :math:`\frac1N\sum_i \log\frac{N r_i}{r_i + N - 1}` on the same pairs (5 standard errors of the
    paired difference), which eq-infonce-tangent proves is below the estimate's expectation.
    """
    measurements = []
    for size, (mean_, se, lower, se_difference) in infonce_runs(0.9, tuple(batches), seed).items():
        count = batches[SIZES.index(size)]
        measurements.append(Measurement.from_standard_error(
            _sized("mean estimate below the cap", size), mean_, se, math.log(size), relation="<=",
            samples=f"{count} batches", quantity=r"\overline{\hat I}_{\mathrm{NCE}}", expected_latex=r"\log N"))
        measurements.append(Measurement.from_standard_error(
            _sized("mean estimate above the lower bound", size), mean_, se_difference, lower, relation=">=",
            samples=f"{count} batches", quantity=r"\overline{\hat I}_{\mathrm{NCE}}",
            expected_latex=r"\overline{\log \frac{N r(x, y)}{r(x, y) + N - 1}}"))
    return measurements


_I_GAUSSIAN = gaussian_mutual_information(0.9, 10).item()
register(Numeric(
    label="eq-infonce-gaussian",
    experiment=infonce_check,
    alternative=Alternative(
        f"InfoNCE is unbiased: its mean is I(X; Y) = {_I_GAUSSIAN:.2f} nats at every N",
        expected={_sized("mean estimate above the lower bound", size): _I_GAUSSIAN for size in SIZES}),
    condition=Words(r"averaged over batches of $N$ pairs, $N$ being 16, 64, 256 or 1024, of correlated Gaussians in "
                    r"10 dimensions with correlation 0.9 per coordinate, scored by the optimal critic $\log r$"),
    page={"batches": PAGE_BATCHES, "seed": 0},
    test={"batches": TEST_BATCHES, "seed": 100},
    method="Monte Carlo over batches",
    source="toy D1 (paper summaries); van den Oord et al. (2018); Poole et al. (2019)",
))
