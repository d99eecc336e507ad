"""Claims of the page on batch size and the gradient noise scale (``book/optimization/batch-size.md``).

McCandlish, Kaplan et al. (2018), which Kaplan's §4.5 follows: the expected loss after a noisy step, the optimal
step and improvement, the noise scales, the S–E hyperbola, and sampling without replacement.
"""

from __future__ import annotations

import functools
import itertools
import math

import scipy.stats
import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Words, register
from ...estimation.symbolic import notation
from ..noise_scale import critical_batch_experiment, logistic_stream, per_example_gradients

# --------------------------------------------------------------------------- the expected loss after a noisy step

DIM = 3
"""The dimension in which the vector identities are written out in coordinates."""

G = sp.MatrixSymbol("G", DIM, 1)
H = sp.MatrixSymbol("H", DIM, DIM)
Sigma = sp.MatrixSymbol("Sigma", DIM, DIM)
G_est = sp.MatrixSymbol(r"G_{\text{est}}", DIM, 1)
eps = sp.Symbol("epsilon", positive=True)
B = sp.Symbol("B", positive=True)
L0 = sp.Symbol(r"L(\theta)", real=True)
_noise = sp.symbols(f"xi_1:{DIM + 1}", real=True)


def _symmetric(M: sp.MatrixSymbol) -> dict:
    """``M[j, i] -> M[i, j]`` for ``j > i``: the entries of a symmetric matrix written with its upper triangle."""
    return {M[j, i]: M[i, j] for i in range(DIM) for j in range(i + 1, DIM)}


def _batch_expectation(expr):
    r"""The expectation over the batch of a quadratic in :math:`G_{\text{est}} = G + \xi`, with :math:`\mathbb E\xi = 0` and :math:`\mathbb E\xi\xi^\top = \Sigma/B`."""
    expr = sp.expand(sp.sympify(expr).doit().xreplace({G_est[i, 0]: G[i, 0] + _noise[i] for i in range(DIM)}))
    polynomial = sp.Poly(expr, *_noise)
    total = sp.Integer(0)
    for powers, coefficient in polynomial.terms():
        present = [i for i, power in enumerate(powers) for _ in range(power)]
        if not present:
            total += coefficient
        elif len(present) == 2:
            total += coefficient * Sigma[present[0], present[1]] / B
        elif len(present) != 1:
            raise ValueError(f"_batch_expectation: {expr} is not quadratic in the noise")
    return sp.expand(total.xreplace(_symmetric(Sigma)).xreplace(_symmetric(H)))


BatchExpectation = notation("BatchExpectation", r"\mathbb{E}\left[#1\right]", _batch_expectation)
Scalar = notation("ScalarOfMatrix", "#1", lambda M: M.as_explicit()[0, 0])
SquaredNorm = notation("SquaredNormOfVector", r"\left|#1\right|^{2}", lambda v: (v.T * v).as_explicit()[0, 0])
Tr = notation("TraceOfMatrix", r"\operatorname{tr}\left(#1\right)", lambda M: M.as_explicit().trace())
Ratio = notation("RatioOfScalars", r"\frac{#1}{#2}", lambda numerator, denominator: numerator / denominator)


def _expand_symmetric(expr):
    """Writes the vectors and matrices out in coordinates (H and Σ symmetric), takes the expectation over the batch and cancels."""
    return sp.cancel(sp.sympify(expr).doit().xreplace(_symmetric(Sigma)).xreplace(_symmetric(H)))


_BATCH_WORDS = Words(r"for the quadratic model of the loss, a batch gradient with mean $G$ and covariance $\Sigma/B$, "
                     r"and symmetric $H$ and $\Sigma$ (written out in three coordinates)")

register(Identity(
    label="eq-expected-noisy-step",
    lhs=BatchExpectation(L0 - eps * Scalar(G.T * G_est) + eps**2 / 2 * Scalar(G_est.T * H * G_est)),
    rhs=L0 - eps * SquaredNorm(G) + eps**2 / 2 * (Scalar(G.T * H * G) + Tr(H * Sigma) / B),
    method=_expand_symmetric,
    condition=_BATCH_WORDS,
    source="Kaplan (4.5.5); McCandlish et al. (2018) eq. 2.4",
))

register(Identity(
    label="eq-gradient-error-noise-scale",
    lhs=Ratio(BatchExpectation(SquaredNorm(sp.MatAdd(G_est, -G, evaluate=False))), SquaredNorm(G)),
    rhs=Ratio(Tr(Sigma), B * SquaredNorm(G)),
    method=_expand_symmetric,
    condition=Words(r"for a batch gradient with mean $G$ and covariance $\Sigma/B$ (written out in three "
                    r"coordinates)"),
    source="Kaplan (4.5.10); McCandlish et al. (2018) eq. 2.9",
))

register(Identity(
    label="eq-noise-scale-isotropic",
    lhs=Ratio(Tr(sp.Symbol("h", positive=True) * Sigma), Scalar(G.T * sp.Symbol("h", positive=True) * G)),
    rhs=Ratio(Tr(Sigma), SquaredNorm(G)),
    method=_expand_symmetric,
    condition=Words(r"for a Hessian $h I$ with positive $h$ (written out in three coordinates)"),
    source="Kaplan (4.5.8)–(4.5.9); McCandlish et al. (2018) eqs. 2.7–2.8",
))

# --------------------------------------------------------------------------- the optimal step and improvement

g = sp.Symbol(r"|G|", positive=True)
curvature = sp.Symbol(r"G^{\top} H G", positive=True)
trace_noise = sp.Symbol(r"\operatorname{tr}(H \Sigma)", positive=True)
eps_max, b_noise = sp.Symbol(r"\epsilon_{\max}", positive=True), sp.Symbol(r"\mathcal{B}_{\text{noise}}", positive=True)
dl_max = sp.Symbol(r"\Delta L_{\max}", positive=True)
s = sp.Symbol("s", positive=True)

EXPECTED_LOSS = L0 - eps * g**2 + eps**2 / 2 * (curvature + trace_noise / B)
"""The right side of eq-expected-noisy-step, with the scalars named."""
OPTIMAL_STEP = eps_max / (1 + b_noise / B)
DEFINITIONS = ((eps_max, g**2 / curvature), (b_noise, trace_noise / curvature), (dl_max, g**4 / (2 * curvature)))

register(Identity(
    label="eq-optimal-step",
    lhs=sp.Subs(sp.Derivative(EXPECTED_LOSS, eps), eps, OPTIMAL_STEP),
    rhs=sp.Integer(0),
    method="doit",
    given=DEFINITIONS[:2],
    source="Kaplan (4.5.6); McCandlish et al. (2018) eq. 2.6",
))

register(Identity(
    label="eq-optimal-improvement",
    lhs=sp.Subs(L0 - EXPECTED_LOSS, eps, OPTIMAL_STEP),
    rhs=dl_max / (1 + b_noise / B),
    method="doit",
    given=DEFINITIONS,
    source="Kaplan (4.5.7); McCandlish et al. (2018) eq. 2.6",
))

register(Inequality(
    label="eq-step-too-large",
    lhs=EXPECTED_LOSS - L0,
    rhs=sp.Integer(0),
    relation=">",
    substitutions=((eps, 2 * g**2 / (curvature + trace_noise / B) + s),),
    condition=Domain(eps, sp.Interval.open(2 * g**2 / (curvature + trace_noise / B), sp.oo)),
    source="Kaplan §4.5; McCandlish et al. (2018) §2.2",
))

# --------------------------------------------------------------------------- the S-E hyperbola

S, E = sp.symbols("S E", positive=True)
S_min, E_min = sp.Symbol(r"S_{\min}", positive=True), sp.Symbol(r"E_{\min}", positive=True)
b_crit = sp.Symbol(r"\mathcal{B}", positive=True)

register(Identity(
    label="eq-s-e-hyperbola",
    lhs=sp.Mul(sp.Add(S / S_min, -1, evaluate=False), sp.Add(E / E_min, -1, evaluate=False), evaluate=False),
    rhs=sp.Integer(1),
    method="simplify",
    given=((E, B * S), (S, S_min * (1 + b_crit / B)), (E_min, b_crit * S_min)),
    source="Kaplan (4.5.11); McCandlish et al. (2018) eq. 2.11",
))

# --------------------------------------------------------------------------- sampling without replacement

N = sp.Symbol("N", integer=True, positive=True)
sigma2 = sp.Symbol("sigma^2", positive=True)
i = sp.Symbol("i", integer=True, positive=True)
a = sp.IndexedBase("a")

register(Identity(
    label="eq-without-replacement-variance",
    lhs=sigma2 / B + sp.Mul(sp.Add(B, -1, evaluate=False) / B,
                            Ratio(sp.Sum(a[i], (i, 1, N)) ** 2 - sp.Sum(a[i] ** 2, (i, 1, N)),
                                  N * sp.Add(N, -1, evaluate=False)), evaluate=False),
    rhs=sigma2 / B * Ratio(N - B, sp.Add(N, -1, evaluate=False)),
    method="simplify",
    given=((sp.Sum(a[i], (i, 1, N)), 0), (sp.Sum(a[i] ** 2, (i, 1, N)), N * sigma2)),
    condition=Words(r"for $B$ of $N$ values drawn without replacement ($N$ at least 2), where the deviations $a_i$ "
                    r"of the values from their mean satisfy"),
    source="Kaplan §4.5 footnote 10, in exact form (the notes give the approximation 1/B − 1/N)",
))


# --------------------------------------------------------------------------- numerical checks

def _example_loss(w, x, y):
    return torch.nn.functional.binary_cross_entropy_with_logits(x @ w, y)


@functools.lru_cache(maxsize=4)
def _population_gradients(n: int, dim: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Per-example gradients of the logistic loss for ``n`` examples of the stream at a seeded point, their mean,
    and the trace of their covariance (divided by ``n``: the data set is the whole population)."""
    sample, _, _, w_star = logistic_stream(dim=dim, condition=10.0, seed=seed)
    x, y = sample((n,), torch.Generator().manual_seed(seed + 1))
    grads = per_example_gradients(_example_loss, 0.5 * w_star, x, y)
    mean = grads.mean(0)
    return grads, mean, ((grads - mean) ** 2).sum(1).mean().item()


def without_replacement_check(n: int = 10, dim: int = 5, seed: int = 0, replacement: bool = False):
    r"""Exact :math:`\mathbb E|G_{\text{est}} - G|^2` over every batch drawn without replacement from ``n`` examples.

    For each :math:`B` the mean is taken over all :math:`\binom{n}{B}` batches (exact enumeration) and compared
    with :math:`\operatorname{tr}\Sigma/B \cdot (n-B)/(n-1)`, where :math:`\Sigma` is the covariance of the ``n``
    per-example gradients (divided by ``n``); ``replacement=True`` compares with :math:`\operatorname{tr}\Sigma/B`.
    """
    grads, mean, trace = _population_gradients(n, dim, seed)
    measurements = []
    for batch in range(1, n + 1):
        subsets = torch.tensor(list(itertools.combinations(range(n), batch)))
        errors = ((grads[subsets].mean(1) - mean) ** 2).sum(1)
        factor = 1.0 if replacement else (n - batch) / (n - 1)
        measurements.append(Measurement.exact(
            f"B = {batch}", errors.mean().item(), trace / batch * factor, tolerance=1e-12 * trace,
            reason="exact enumeration of all batches; float64 rounding",
            quantity=r"\mathbb{E}\left|G_{\text{est}} - G\right|^{2}",
            expected_latex=r"\frac{\operatorname{tr}\Sigma}{B}\,\frac{N - B}{N - 1}",
        ))
    return measurements


register(Numeric(
    label="eq-without-replacement-enumeration",
    experiment=without_replacement_check,
    alternative=Alternative("batches drawn with replacement: tr Σ / B, without the factor (N − B)/(N − 1)",
                            kwargs={"replacement": True}),
    page={"n": 10, "dim": 5},
    test={"n": 14, "dim": 8},
    method="exact enumeration of every batch of per-example logistic-regression gradients",
    condition=Words(r"for every batch size $B$ from 1 to $N$, with $N$ per-example gradients of logistic regression"),
    source="ours (Kaplan §4.5 footnote 10)",
))


def with_replacement_check(n: int = 64, dim: int = 5, batches=(1, 4, 16), draws: int = 20_000, seed: int = 0,
                           without_factor: bool = False):
    r"""Monte Carlo :math:`\mathbb E|G_{\text{est}} - G|^2` for batches drawn with replacement, against :math:`\operatorname{tr}\Sigma/B`.

    ``without_factor=True`` compares with the without-replacement value instead (the wrong alternative).
    """
    grads, mean, trace = _population_gradients(n, dim, seed)
    generator = torch.Generator().manual_seed(seed + 2)
    measurements = []
    for batch in batches:
        picks = torch.randint(n, (draws, batch), generator=generator)
        errors = ((grads[picks].mean(1) - mean) ** 2).sum(1)
        factor = (n - batch) / (n - 1) if without_factor else 1.0
        measurements.append(Measurement.monte_carlo(
            f"B = {batch}", errors, trace / batch * factor,
            quantity=r"\mathbb{E}\left|G_{\text{est}} - G\right|^{2}",
            expected_latex=r"\frac{\operatorname{tr}\Sigma}{B}",
        ))
    return measurements


register(Numeric(
    label="eq-with-replacement-monte-carlo",
    experiment=with_replacement_check,
    alternative=Alternative("the without-replacement factor (N − B)/(N − 1) applies to these batches too",
                            kwargs={"without_factor": True}),
    page={"n": 64, "draws": 20_000},
    test={"n": 64, "draws": 100_000},
    method="Monte Carlo over seeded batches of per-example logistic-regression gradients",
    condition=Words(r"for batches of 1, 4 and 16 drawn with replacement from $N$ equal to 64 examples"),
    source="Kaplan (4.5.2), (4.5.10)",
))


CRITICAL_BATCH_SEEDS = tuple(range(8))
"""The seeds of the critical-batch experiment: independent problems (the direction of the optimum) and streams."""


def cached_critical_batch_experiment(seed: int = 0, repeats: int = 5, noise_samples: int = 4096):
    """:func:`~mltheory.optimization.critical_batch_experiment` with its defaults, cached so that the page's numbers,
    the claim and the figure share one run per seed, however the arguments are spelled."""
    return _critical_batch_run(int(seed), int(repeats), int(noise_samples))


@functools.lru_cache(maxsize=2 * len(CRITICAL_BATCH_SEEDS))
def _critical_batch_run(seed: int, repeats: int, noise_samples: int):
    """The cache behind :func:`cached_critical_batch_experiment`, keyed by all three arguments in one spelling."""
    return critical_batch_experiment(seed=seed, repeats=repeats, noise_samples=noise_samples)


def critical_batch_ratios(seeds=CRITICAL_BATCH_SEEDS, repeats: int = 5, noise_samples: int = 4096,
                          compare_with: str = "averaged") -> torch.Tensor:
    """:math:`\\mathcal B_{\\text{crit}}/\\bar{\\mathcal B}_{\\text{simple}}` for each seed (``"initial"``: over the noise scale at the start)."""
    ratios = []
    for seed in seeds:
        run = cached_critical_batch_experiment(seed, repeats, noise_samples)
        ratios.append(run.fit.b_crit / (run.b_simple if compare_with == "averaged" else run.path_b_simple[0].item()))
    return torch.tensor(ratios, dtype=torch.float64)


def critical_batch_check(seeds=CRITICAL_BATCH_SEEDS, repeats: int = 5, noise_samples: int = 4096,
                         compare_with: str = "averaged"):
    r"""The mean over seeds of :math:`\log(\mathcal B_{\text{crit}}/\bar{\mathcal B}_{\text{simple}})`, with its 95% interval, inside :math:`\pm\log 3`.

    The interval is the mean plus or minus Student's :math:`t_{0.975}` (with one degree of freedom fewer than
    there are seeds) times the standard error of the seeds' spread. ``compare_with="initial"`` divides by the
    noise scale at the start of training instead (the wrong alternative).
    """
    logs = critical_batch_ratios(seeds, repeats, noise_samples, compare_with).log()
    n = len(logs)
    half_width = scipy.stats.t.ppf(0.975, n - 1) * logs.std().item() / math.sqrt(n)
    mean = logs.mean().item()
    ell = r"\overline{\log(\mathcal{B}_{\text{crit}} / \bar{\mathcal{B}}_{\text{simple}})}"
    reason = f"the paper's factor of 3, for the whole 95% interval over {n} seeds (t with {n - 1} degrees of freedom)"
    return [
        Measurement.exact("upper end of the interval", mean + half_width, math.log(3), relation="<=", reason=reason,
                          quantity=ell + r" + t\,\mathrm{SE}", expected_latex=r"\log 3"),
        Measurement.exact("lower end of the interval", mean - half_width, -math.log(3), relation=">=", reason=reason,
                          quantity=ell + r" - t\,\mathrm{SE}", expected_latex=r"-\log 3"),
    ]


register(Numeric(
    label="eq-critical-batch-noise-scale",
    experiment=critical_batch_check,
    alternative=Alternative("the critical batch is the noise scale at the start of training (it does not grow)",
                            kwargs={"compare_with": "initial"}),
    page={"seeds": CRITICAL_BATCH_SEEDS, "repeats": 5, "noise_samples": 4096},
    test={"seeds": CRITICAL_BATCH_SEEDS, "repeats": 5, "noise_samples": 4096},
    method="SGD on a logistic-regression stream at batch sizes 1 to 1024, each with its best of 25 learning rates",
    condition=Words(r"for logistic regression in 20 dimensions, trained until 5% of the initial excess loss "
                    rf"remains, the mean and standard error over {len(CRITICAL_BATCH_SEEDS)} seeds"),
    source="McCandlish et al. (2018) §3; Kaplan (4.5.12)",
))
