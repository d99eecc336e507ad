"""Claims of the page on generalization bounds (``book/generalization/bounds.md``).

Cover's (1965) count of the dichotomies a hyperplane through the origin realises, the Donsker–Varadhan change of
measure and Maurer's (2004) moment bound behind the PAC-Bayes bounds of McAllester (1999) and Langford & Seeger
(2001), and a non-vacuous certificate for a small network after Dziugaite & Roy (2017).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp
import torch
from scipy.optimize import linprog

from ...claims import Alternative, Identity, Inequality, Measurement, Numeric, Reduction, Words, register
from ...claims.reduce import split_sums
from ...data import digits, train_test_indices
from ...information.claims.entropy import log_inequality_term
from ...information.symbolic import finite_sums
from ..bounds import cover_count, dziugaite_roy_bound, kl_inverse

# --------------------------------------------------------------------------- Cover's count

P, N = sp.symbols("P N", integer=True, positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)


class CoverCount(sp.Function):
    r"""Cover's count :math:`C(P, N) = 2\sum_{k=0}^{N-1}\binom{P-1}{k}`, kept unevaluated until ``.doit()``.

    Examples
    --------
    >>> CoverCount(3, 2).doit()
    6
    >>> sp.latex(CoverCount(P, N))
    'C\\left(P, N\\right)'
    """

    nargs = 2

    @classmethod
    def eval(cls, *args):
        return None  # never evaluate automatically

    def doit(self, deep=True, **hints):
        points, dimension = (arg.doit(deep=deep, **hints) if deep else arg for arg in self.args)
        total = 2 * sp.Sum(sp.binomial(points - 1, k), (k, 0, dimension - 1))
        return total.doit() if dimension.is_Integer else total

    def _latex(self, printer, exp=None):
        tex = rf"C\left({printer._print(self.args[0])}, {printer._print(self.args[1])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def _written_out(expr):
    """``expr`` with every :class:`CoverCount` replaced by its sum."""
    return expr.replace(lambda e: isinstance(e, CoverCount), lambda e: e.doit())


def _summed(expr):
    """Write out C, evaluate the sums, write the binomials as gamma functions and simplify."""
    return sp.simplify(sp.gammasimp(sp.expand_func(_written_out(expr).doit())))


def _pascal(expr):
    """Write out C, apply Pascal's rule to every binomial(P, k) in a sum, shift the index of the binomial(P − 1, k − 1) sums, then simplify."""
    expr = split_sums(_written_out(expr).replace(sp.binomial(P, k), sp.binomial(P - 1, k) + sp.binomial(P - 1, k - 1)))

    def shift(total):
        (index, low, high), = total.limits
        if total.function != sp.binomial(P - 1, index - 1):
            return total
        return sp.binomial(P - 1, low - 1) + sp.Sum(sp.binomial(P - 1, index), (index, low, high - 1))

    return sp.simplify(expr.replace(lambda e: isinstance(e, sp.Sum), shift))


register(Identity(
    label="eq-bounds-cover-recursion",
    lhs=CoverCount(P + 1, N),
    rhs=CoverCount(P, N) + CoverCount(P, N - 1),
    method=Reduction("writes out the sums, applies Pascal's rule to each binomial and shifts the index", _pascal),
    condition=Words("for integers $P$ and $N$ at least 1"),
    source="Cover (1965) §II",
))

register(Identity(
    label="eq-bounds-cover-half",
    lhs=CoverCount(2 * N, N) / 2 ** (2 * N),
    rhs=sp.Rational(1, 2),
    method=Reduction("evaluates the sum and simplifies its gamma functions", _summed),
    condition=Words("for every dimension $N$ at least 1"),
    source="Cover (1965) §III",
))


def _separable(points: np.ndarray, labels: np.ndarray) -> bool:
    """Whether some w has labels_i (w · x_i) ≥ 1 for all i (a hyperplane through the origin), by linear programming."""
    result = linprog(np.zeros(points.shape[1]), A_ub=-labels[:, None] * points, b_ub=-np.ones(len(labels)),
                     bounds=(None, None), method="highs")
    return result.status == 0


def cover_fraction(P: int, N: int, *, bias: bool = False) -> float:
    """:math:`C(P, N)/2^P`, or with ``bias=True`` the count of affine hyperplanes, :math:`C(P, N + 1)/2^P`."""
    return cover_count(P, N + bias) / 2**P


def separability_check(N: int = 5, ratios=(1, 2, 3), trials: int = 400, seed: int = 0,
                       bias: bool = False) -> list[Measurement]:
    r"""The fraction of random labellings of Gaussian points that a hyperplane through the origin separates.

    ``bias=True`` compares with the count for hyperplanes with a bias (the wrong alternative).
    """
    rng = np.random.default_rng(seed)
    measurements = []
    for ratio in ratios:
        points = rng.standard_normal((trials, ratio * N, N))
        labels = rng.choice([-1.0, 1.0], size=(trials, ratio * N))
        separable = [float(_separable(x, y)) for x, y in zip(points, labels)]
        measurements.append(Measurement.monte_carlo(
            f"P = {ratio}N", separable, cover_fraction(ratio * N, N, bias=bias),
            quantity=rf"\Pr[\text{{separable}}]_{{P = {ratio * N}}}",
            expected_latex=rf"2^{{1 - P}} \sum_{{k < N}} \binom{{P - 1}}{{k}}",
        ))
    return measurements


register(Numeric(
    label="eq-bounds-cover-sampling",
    experiment=separability_check,
    alternative=Alternative("hyperplanes with a bias, N + 1 parameters: C(P, N + 1)/2^P", kwargs={"bias": True}),
    page={"trials": 400}, test={"trials": 300, "seed": 1},
    method="Monte Carlo: Gaussian points, random labels, feasibility of a linear program",
    condition=Words(r"for $N$ equal to 5 and $P$ equal to $N$, $2N$ and $3N$ standard Gaussian points"),
    source="Cover (1965) Thm 1",
))

# --------------------------------------------------------------------------- the change of measure

i, n = sp.symbols("i n", integer=True, positive=True)
Q = sp.IndexedBase("q", positive=True)
Prior = sp.IndexedBase("p", positive=True)
F = sp.IndexedBase("f", real=True)
Z = sp.Symbol("Z", positive=True)
_partition = sp.Sum(Prior[i] * sp.exp(F[i]), (i, 1, n))

register(Inequality(
    label="eq-bounds-donsker-varadhan",
    lhs=sp.Sum(Q[i] * F[i], (i, 1, n)),
    rhs=sp.Sum(Q[i] * sp.log(Q[i] / Prior[i]), (i, 1, n)) + sp.log(_partition),
    relation="<=",
    method=finite_sums((sp.Sum(Q[i], (i, 1, n)), 1), (sp.Sum(Prior[i], (i, 1, n)), 1), (_partition, Z)),
    certificate=[log_inequality_term(Prior[i] * sp.exp(F[i]) / (Z * Q[i]), weight=Q[i], over=(i, 1, n))],
    condition=Words("for probability vectors $q$ and $p$ with positive entries and any real $f$"),
    source="Donsker & Varadhan (1975); McAllester (1999)",
))

# --------------------------------------------------------------------------- Maurer's moment bound


def maurer_moment(sizes) -> torch.Tensor:
    r""":math:`\xi(n) = \sum_k \binom nk (k/n)^k (1 - k/n)^{n-k}`, the mean of :math:`e^{n\,\mathrm{kl}(\hat L\|L)}` for every :math:`L`, at each size."""
    n = torch.as_tensor(sizes, dtype=torch.float64)[:, None]
    j = torch.arange(int(n.max()) + 1, dtype=torch.float64)[None, :]
    inside = j <= n
    rest = (n - j).clamp(min=0)
    log_terms = (torch.lgamma(n + 1) - torch.lgamma(j + 1) - torch.lgamma(rest + 1)
                 + torch.xlogy(j, j / n) + torch.xlogy(rest, rest / n))
    return torch.logsumexp(torch.where(inside, log_terms, -math.inf), dim=1).exp()


def maurer_check(largest: int = 2000, factor: float = 2.0) -> list[Measurement]:
    r"""The largest :math:`\xi(n)/\sqrt n` for :math:`n` up to ``largest``, against 2 (``factor`` replaces the 2)."""
    sizes = torch.arange(1, largest + 1)
    ratio = (maurer_moment(sizes) / sizes.double().sqrt()).max().item()
    return [Measurement.exact("max ξ(n)/√n", ratio, factor, relation="<=", tolerance=1e-12,
                              reason="float64 rounding of the sums",
                              quantity=rf"\max_{{1 \le n \le {largest}}} \xi(n)/\sqrt n",
                              expected_latex=f"{factor:g}")]


register(Numeric(
    label="eq-bounds-maurer",
    experiment=maurer_check,
    alternative=Alternative("the constant √n without the factor 2 (Maurer's lower bound)", kwargs={"factor": 1.0}),
    page={"largest": 2000}, test={"largest": 1200},
    method="exact sums over the binomial distribution, in log space, for every n",
    condition=Words(r"where $\xi(n)$ is the mean of $e^{n\,\mathrm{kl}(\hat L \| L)}$ over $n$ examples"),
    source="Maurer (2004) Thm 1",
))

# --------------------------------------------------------------------------- the kl bound is the tighter


def kl_tighter_check(points: int = 200, fast: bool = False) -> list[Measurement]:
    r"""The largest gap :math:`\mathrm{kl}^{-1}(q, c) - (q + \sqrt{c/2})` over a grid of :math:`(q, c)`.

    ``fast=True`` compares with :math:`q + c` instead (the realisable rate, the wrong alternative).
    """
    q = torch.linspace(0, 1, points, dtype=torch.float64)[:, None]
    c = torch.logspace(-4, 1, points, dtype=torch.float64)[None, :]
    mcallester = q + (c if fast else (c / 2).sqrt())
    gap = (kl_inverse(q, c) - mcallester.clamp(max=1)).max().item()
    return [Measurement.exact("max gap", gap, 0.0, relation="<=", tolerance=1e-12,
                              reason="bisection rounded up, to 1e-12",
                              quantity=r"\max_{q, c}\big(\mathrm{kl}^{-1}(q, c) - q - \sqrt{c/2}\big)",
                              expected_latex="0")]


register(Numeric(
    label="eq-bounds-kl-tighter",
    experiment=kl_tighter_check,
    alternative=Alternative("the realisable rate q + c for every q", kwargs={"fast": True}),
    page={"points": 200}, test={"points": 100},
    method="bisection on a grid",
    condition=Words(r"over a grid of 200 error rates $q$ in $[0, 1]$ and 200 budgets $c$ from $10^{-4}$ to 10"),
    source="Langford & Seeger (2001); Pinsker's inequality",
))

# --------------------------------------------------------------------------- a non-vacuous bound on the digits

DIGITS_SEED = 0
"""The seed of the train/test split and of the network of the certificate."""

DELTA, DELTA_SAMPLING, PRIOR_GRID = 0.025, 0.01, (1e-4, 1.0, 100)
"""The confidence parameters of the certificate (of the PAC-Bayes bound and of the sampling) and its grid of prior variances."""


def digits_task(seed: int = DIGITS_SEED):
    """The digits below 5 (label 0) against 5 and above (label 1), split 2:1 into training and test sets."""
    x, labels = digits(dtype=torch.float32)
    y = (labels >= 5).long()
    train, test = train_test_indices(len(y), test_fraction=1 / 3, seed=seed)
    return x[train], y[train], x[test], y[test]


@functools.cache
def digits_certificate(steps: int = 1000, penalty: bool = True, seed: int = DIGITS_SEED):
    """The certificate of :func:`~mltheory.generalization.bounds.dziugaite_roy_bound` on :func:`digits_task`, cached."""
    x, y, _, _ = digits_task(seed)
    return dziugaite_roy_bound(x, y, steps=steps, penalty=penalty, delta=DELTA, delta_sampling=DELTA_SAMPLING,
                               prior_grid=PRIOR_GRID, seed=seed)


@functools.cache
def digits_test_errors(steps: int = 1000, penalty: bool = True, repeats: int = 20, seed: int = DIGITS_SEED):
    """Per-example test errors of the stochastic network (each the mean over ``repeats`` fresh networks)."""
    _, _, x, y = digits_task(seed)
    return digits_certificate(steps, penalty, seed).sample_errors(x, y, repeats=repeats, seed=seed + 1)


def certificate_check(steps: int = 1000, penalty: bool = True, repeats: int = 20) -> list[Measurement]:
    """The measured test error against the certified bound, and the bound against 1/2."""
    result = digits_certificate(steps, penalty)
    errors = digits_test_errors(steps, penalty, repeats)
    return [
        Measurement.monte_carlo("test error", errors, result.bound, relation="<=",
                                quantity=r"L_{\text{test}}(Q)", expected_latex=r"\text{certified bound}"),
        Measurement.exact("certified bound", result.bound, 0.5, relation="<=", reason="a computed bound",
                          quantity=r"\text{certified bound}", expected_latex=r"\tfrac12"),
    ]


register(Numeric(
    label="eq-bounds-certificate",
    experiment=certificate_check,
    alternative=Alternative("a posterior trained on the error alone, without the KL term in the objective",
                            kwargs={"penalty": False}),
    page={"steps": 1000}, test={"steps": 400},
    method="PAC-Bayes certificate of a Gaussian posterior; test error over held-out digits, fresh weights per example",
    condition=Words(r"for a one-hidden-layer ReLU network of width 32 on the digits below 5 against 5 and above, "
                    r"with confidence parameters $\delta$ of 0.025 and $\delta'$ of 0.01"),
    source="Dziugaite & Roy (2017)",
))
