"""Claims of the Information part: entropy, counting, Shannon's axioms and the entropy bounds.

Each claim is registered under the label of the equation that states it in the
book (``book/information/*.md``).
"""

from __future__ import annotations

import math

import sympy as sp
import sympy.stats
import torch

from ...claims import Alternative, Assume, Domain, Identity, Inequality, Measurement, Numeric, Term, Words, register
from ...data import bernoulli_sequences
from ..measures import compression_rate, sandwich_exponent
from ..symbolic import H, binary_entropy_expr, counting_rate_correction

# Symbols. ``t > 0`` parametrises 0 < p < 1 through p = 1/(1 + t).
p, q, x, t = sp.symbols("p q x t", positive=True)
N, K, sigma = sp.symbols("N K sigma", positive=True)
i, n, k = sp.symbols("i n k", integer=True, positive=True)
P = sp.IndexedBase("p", positive=True)
counts = sp.IndexedBase("n", positive=True)
OPEN_UNIT_INTERVAL = ((p, 1 / (1 + t)),)
IN_OPEN_UNIT_INTERVAL = Domain(p, sp.Interval.open(0, 1))
T = sp.IndexedBase("t", positive=True)


def _entropy_sum(probs, index, low, high):
    """:math:`-\\sum_{index=low}^{high} p_{index} \\log p_{index}` as an unevaluated sum."""
    return -sp.Sum(probs[index] * sp.log(probs[index]), (index, low, high))


def _log_binomial_to_loggamma(expr):
    """Write every ``log(binomial(a, b))`` in ``expr`` as log-gamma functions (same function, real arguments)."""
    def to_loggamma(term):
        top, bottom = term.args[0].args
        return sp.loggamma(top + 1) - sp.loggamma(bottom + 1) - sp.loggamma(top - bottom + 1)

    return expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.binomial), to_loggamma)


def _limit_through_stirling(limit: sp.Limit):
    """Evaluate ``Limit(f, N, oo)`` after replacing each log-gamma in ``f`` by its Stirling series.

    sympy computes the asymptotic series of each ``loggamma(u)`` as ``N -> oo``
    up to a remainder ``O(1/N)``; the remainders vanish in the limit, so the
    limit of ``f`` equals the limit of the truncated expression, which sympy
    then takes. If a remainder is not ``O(1/N)`` the limit is left unevaluated,
    and the claim fails.
    """
    body, variable, point = limit.args[0], limit.args[1], limit.args[2]
    if point != sp.oo:
        return limit
    body = _log_binomial_to_loggamma(body).doit()
    series = {}
    for term in body.atoms(sp.loggamma):
        expansion = sp.series(term, variable, sp.oo, n=1)
        if expansion.getO() != sp.Order(1 / variable, (variable, sp.oo)):
            return limit
        series[term] = expansion.removeO()
    truncated = sp.expand(sp.expand_log(sp.simplify(body.xreplace(series)), force=True))
    return sp.limit(sp.collect(truncated, variable, sp.simplify), variable, sp.oo)


def stirling_limit(expr):
    """Evaluate the limits N → ∞ in ``expr`` through Stirling's series, then simplify (see ``_limit_through_stirling``)."""
    expr = expr.replace(lambda e: isinstance(e, sp.Limit), _limit_through_stirling)
    return sp.simplify(sp.expand_log(expr.doit(), force=True))


# --------------------------------------------------------------------------- definitions and counting

register(Identity(
    label="eq-xlogx-limit",
    lhs=sp.Limit(p * sp.log(p), p, 0, "+"),
    rhs=sp.Integer(0),
    method="doit",
    source="Kaplan §2.1 (after 2.1.5)",
))

register(Identity(
    label="eq-counting-limit",
    lhs=sp.Limit(sp.log(sp.binomial(N, p * N)) / N, N, sp.oo),
    rhs=H(p, 1 - p),
    method=stirling_limit,
    substitutions=OPEN_UNIT_INTERVAL,
    condition=IN_OPEN_UNIT_INTERVAL,
    source="Kaplan (2.1.8)–(2.1.9)",
))

register(Identity(
    label="eq-counting-correction",
    # Written in the author's order (evaluate=False keeps it): log C(N, pN) − N H(p) + ½ log(2πNp(1 − p)).
    lhs=sp.Limit(sp.Add(sp.log(sp.binomial(N, p * N)), -N * H(p, 1 - p), -N * counting_rate_correction(N, p),
                        evaluate=False), N, sp.oo),
    rhs=sp.Integer(0),
    method=stirling_limit,
    substitutions=OPEN_UNIT_INTERVAL,
    condition=IN_OPEN_UNIT_INTERVAL,
    source="ours (next order of Stirling's formula, beyond Kaplan (2.1.8))",
))

register(Identity(
    label="eq-fair-coin",
    lhs=H(sp.Rational(1, 2), sp.Rational(1, 2)),
    rhs=sp.log(2),
    method="doit",
    source="Kaplan (2.1.7)",
))

register(Identity(
    label="eq-uniform-entropy",
    lhs=-sp.Sum(sp.log(1 / n) / n, (i, 1, n)),
    rhs=sp.log(n),
    method="doit",
    source="Kaplan (2.1.3)–(2.1.4)",
))

register(Identity(
    label="eq-gaussian-differential-entropy",
    lhs=sp.Integral(
        -sp.exp(-x**2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
        * sp.log(sp.exp(-x**2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)),
        (x, -sp.oo, sp.oo),
    ),
    rhs=sp.log(2 * sp.pi * sp.E * sigma**2) / 2,
    method="doit",
    source="Kaplan (2.1.5); Cover & Thomas (2006) §8.1",
))

# Scaling a variable by a shifts its differential entropy by log|a|, not log a: checked for negative a.
_y = sp.Symbol("y", real=True)
_scale = sp.Symbol("a", real=True, nonzero=True)
_magnitude = sp.Symbol("b", positive=True)
_normal = sp.stats.Normal("X", 0, sigma)
_p_scaled, _p_normal = sp.Function("p_{aX}"), sp.Function("p_X")
register(Identity(
    label="eq-differential-entropy-scaling",
    lhs=-sp.Integral(_p_scaled(_y) * sp.log(_p_scaled(_y)), (_y, -sp.oo, sp.oo))
    + sp.Integral(_p_normal(_y) * sp.log(_p_normal(_y)), (_y, -sp.oo, sp.oo)),
    rhs=sp.log(sp.Abs(_scale)),
    method="doit",
    substitutions=((_p_scaled(_y), sp.stats.density(_scale * _normal)(_y)),
                   (_p_normal(_y), sp.stats.density(_normal)(_y)), (_scale, -_magnitude)),
    condition=(Words(r"$h(aX) - h(X)$ for normal $X$, with", _p_normal(_y), "and", _p_scaled(_y), "the densities of $X$ and $aX$,"),
               Domain(_scale, sp.Interval.open(-sp.oo, 0))),
    source="Cover & Thomas (2006) §8.6; ours",
))

register(Identity(
    label="eq-binary-entropy-slope",
    lhs=sp.Derivative(binary_entropy_expr(p), p),
    rhs=sp.log((1 - p) / p),
    method="doit",
    substitutions=OPEN_UNIT_INTERVAL,
    condition=IN_OPEN_UNIT_INTERVAL,
    source="ours",
))


# --------------------------------------------------------------------------- Shannon's axioms

register(Identity(
    label="eq-grouping-example",
    lhs=H(sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(1, 6)),
    rhs=H(sp.Rational(1, 2), sp.Rational(1, 2)) + sp.Rational(1, 2) * H(sp.Rational(2, 3), sp.Rational(1, 3)),
    method="doit",
    source="Kaplan (2.2.3); Shannon (1948) §6",
))

_w = P[1] + P[2]
register(Identity(
    label="eq-grouping-rule",
    lhs=_entropy_sum(P, i, 1, n),
    rhs=-_w * sp.log(_w) + _entropy_sum(P, i, 3, n) + _w * H(P[1] / _w, P[2] / _w),
    method="sums",
    condition=Domain(n, sp.Range(2, sp.oo)),
    source="Shannon (1948) §6; Kaplan §2.2",
))

register(Identity(
    label="eq-rational-case",
    lhs=-sp.Sum(counts[i] / N * sp.log(counts[i] / N), (i, 1, k)),
    rhs=sp.log(N) - sp.Sum(counts[i] / N * sp.log(counts[i]), (i, 1, k)),
    method="sums",
    given=((sp.Sum(counts[i], (i, 1, k)), N),),
    source="Shannon (1948) Appendix 2",
))


def sandwich_check(max_base: int = 30, max_power: int = 60) -> Measurement:
    """Check the sandwich step of the uniqueness proof exhaustively over a finite range.

    For every ``2 <= s, t <= max_base`` and ``1 <= n <= max_power`` the exponent
    ``m`` with ``s**m <= t**n < s**(m+1)`` is found in exact integer arithmetic,
    and the largest value of ``n * |m/n - log t / log s|`` is returned; the
    proof needs it at most 1.
    """
    worst = 0.0
    for s_ in range(2, max_base + 1):
        for t_ in range(2, max_base + 1):
            ratio = math.log(t_) / math.log(s_)
            for n_ in range(1, max_power + 1):
                m_ = sandwich_exponent(s_, t_, n_)
                worst = max(worst, n_ * abs(m_ / n_ - ratio))
    cases = (max_base - 1) ** 2 * max_power
    return Measurement.exact(
        f"max n |m/n − log t/log s| over {cases} cases",
        worst, 1.0, relation="<=", tolerance=0.0,
        reason="exact integer powers; float64 logarithms",
        quantity=(rf"\max_{{2 \le s, t \le {max_base},\ 1 \le n \le {max_power}}}\ "
                  r"n \left|\frac{m}{n} - \frac{\log t}{\log s}\right|"),
    )


register(Numeric(
    label="eq-sandwich",
    experiment=sandwich_check,
    alternative=Alternative("the bound 1/(2n) of rounding to the nearest m, instead of 1/n",
                            expected={0: 0.5}),
    condition=Words("with $m$ the largest integer such that $s^m$ does not exceed $t^n$"),
    page={"max_base": 20, "max_power": 40},
    test={"max_base": 40, "max_power": 80},
    method="exhaustive search",
    source="Kaplan (2.2.9)–(2.2.12)",
))


# --------------------------------------------------------------------------- bounds

def log_inequality_term(ratio, weight=sp.Integer(1), over=()) -> Term:
    """The certificate term ``w (r − 1 − log r) ≥ 0``, by eq-log-inequality at ``x = r`` (``r`` must be positive)."""
    return Term(ratio - 1 - sp.log(ratio), weight=weight, over=over, by="eq-log-inequality", at={x: ratio})


register(Inequality(
    label="eq-log-inequality",
    lhs=sp.log(x),
    rhs=sp.Add(x, -1, evaluate=False),
    relation="<=",
    certificate=[Term(x - 1 - sp.log(x), minimum=(x, 1))],
    condition=Domain(x, sp.Interval.open(0, sp.oo)),
    source="Cover & Thomas (2006) §2.6; Kaplan (2.3.4)",
))

register(Inequality(
    label="eq-entropy-nonnegative",
    lhs=_entropy_sum(P, i, 1, n),
    rhs=sp.Integer(0),
    relation=">=",
    method="expand_log",
    certificate=[Term(-sp.log(P[i]), weight=P[i], over=(i, 1, n))],
    substitutions=((P[i], 1 / (1 + T[i])),),
    condition=(Words("for a probability vector $p$,"), Domain(P[i], sp.Interval.open(0, 1))),
    source="Shannon (1948) §6",
))

register(Inequality(
    label="eq-entropy-max",
    lhs=_entropy_sum(P, i, 1, n),
    rhs=sp.log(n),
    relation="<=",
    method="sums",
    certificate=[log_inequality_term(1 / (n * P[i]), weight=P[i], over=(i, 1, n))],
    given=((sp.Sum(P[i], (i, 1, n)), 1),),
    source="Shannon (1948) §6; Cover & Thomas (2006) Thm 2.6.4",
))


# --------------------------------------------------------------------------- compression

def source_coding_check(n: int = 2**16, seed: int = 0, codec: str = "lzma",
                        assumed_q: float | None = None) -> Measurement:
    """Compress Bernoulli(q) sequences and compare each length with the sequence's own information content (bits).

    A sequence ``x`` with ``k`` ones has information content
    ``-log2 p(x) = -k log2 q - (n - k) log2(1 - q)``, computed exactly. Any lossless
    (uniquely decodable) code assigns lengths obeying Kraft's inequality, so
    ``P(L(x) < -log2 p(x) - c) <= 2**-c``; with ``c = 20`` the smallest of the
    seven differences falls below ``-20`` bits by chance with probability below
    ``7 * 2**-20``. The bound is therefore ``-20`` bits, and nothing else.

    With ``assumed_q=0.5`` the information content is computed under the
    uniform law (``n`` bits): the wrong alternative "no code compresses
    random bits", which the compressor refutes at small ``q``.
    """
    qs = torch.tensor([0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5], dtype=torch.float64)
    sequences = bernoulli_sequences(qs, n, seed=seed)
    model = qs if assumed_q is None else torch.full_like(qs, float(assumed_q))
    ones = torch.stack([torch.as_tensor(seq, dtype=torch.float64).sum() for seq in sequences])
    information = -(ones * torch.log2(model) + (n - ones) * torch.log2(1 - model))
    lengths = torch.tensor([compression_rate(seq, codec=codec) * n for seq in sequences], dtype=torch.float64)
    return Measurement(
        f"smallest {codec} length minus −log₂ p(x) over q = 0.02 … 0.5, n = {n} (bits)",
        (lengths - information).min().item(), -20.0, 0.0,
        "Kraft's inequality: shorter by 20 bits with probability ≤ 2⁻²⁰ for each q", ">=",
        quantity=r"\min_{q \in \{0.02, 0.05, 0.1, \dots, 0.5\}} \big[ L(x_q) + \log_2 p(x_q) \big]",
        expected_latex=r"-20\ \text{bits}",
    )


register(Numeric(
    label="eq-source-coding",
    experiment=source_coding_check,
    alternative=Alternative("no code compresses random bits: −log₂ p(x) taken under the uniform law, n bits",
                            kwargs={"assumed_q": 0.5}),
    condition=Words(r"for $x_q$ a sequence of $n$ independent bits with probability $q$ of a one, "
                    r"$L$ its length compressed by lzma"),
    page={"n": 2**16, "seed": 0},
    test={"n": 2**18, "seed": 1},
    method="seeded compression experiment",
    source="Shannon (1948) Thm 9; Cover & Thomas (2006) Thm 5.4.2",
))
