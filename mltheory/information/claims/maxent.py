"""Claims of the page on maximum entropy (``book/information/maximum-entropy.md``)."""

from __future__ import annotations

import numpy as np
import scipy.optimize
import sympy as sp
import sympy.stats as st
import torch

from ...claims import Alternative, Assume, Domain, Identity, Inequality, Link, Measurement, Numeric, Term, Words, register
from ..maxent import boltzmann, maxent_distribution
from ..symbolic import DifferentialEntropy, evaluate_expectations, finite_sums
from .entropy import log_inequality_term

i, j, n = sp.symbols("i j n", integer=True, positive=True)
P = sp.IndexedBase("p", positive=True)
Q = sp.IndexedBase("q", positive=True)
E = sp.IndexedBase("E", real=True)
beta, nu, lambda1, lambda2, mu, x = sp.symbols("beta nu lambda_1 lambda_2 mu x", real=True)
p, sigma, t, U, w = sp.symbols("p sigma t U w", positive=True)


def expanded_logs(expr):
    """Evaluate (see ``evaluate_expectations``), then expand logarithms and simplify."""
    return sp.simplify(sp.expand_log(evaluate_expectations(expr), force=True))


# --------------------------------------------------------------------------- Boltzmann

# Sums held unevaluated keep the author's order: ν(Σ p_j − 1), and −log p_i − 1 − βE_i + ν on the right.
_lagrangian = sp.Add(-sp.Sum(P[j] * sp.log(P[j]), (j, 1, n)), beta * (U - sp.Sum(P[j] * E[j], (j, 1, n))),
                     nu * sp.Add(sp.Sum(P[j], (j, 1, n)), -1, evaluate=False), evaluate=False)
register(Identity(
    label="eq-boltzmann-stationarity",
    lhs=sp.Derivative(_lagrangian, P[i]),
    rhs=sp.Add(-sp.log(P[i]), -1, -beta * E[i], nu, evaluate=False),
    method="doit",
    given=((sp.Le(i, n), sp.true),),
    source="Kaplan (2.4.1)–(2.4.2)",
))

Z = sp.Symbol("Z", positive=True)
_normalisations = (
    (sp.Sum(Q[i], (i, 1, n)), 1), (sp.Sum(Q[i] * E[i], (i, 1, n)), U),
    (sp.Sum(sp.exp(-beta * E[i]), (i, 1, n)), Z), (sp.Sum(E[i] * sp.exp(-beta * E[i]), (i, 1, n)), U * Z),
)


def with_boltzmann_p(expr):
    """Write p_i = exp(−β E_i)/Z, then simplify the sums with Z = Σ e^{−βE_i}, Σ E_i e^{−βE_i} = U Z, Σ q_i = 1, Σ q_i E_i = U."""
    return finite_sums(*_normalisations)(expr.xreplace({P[i]: sp.exp(-beta * E[i]) / Z}))


register(Identity(
    label="eq-boltzmann-optimal",
    lhs=(-sp.Sum(P[i] * sp.log(P[i]), (i, 1, n))) - (-sp.Sum(Q[i] * sp.log(Q[i]), (i, 1, n))),
    rhs=sp.Sum(Q[i] * sp.log(Q[i] / P[i]), (i, 1, n)),
    method=with_boltzmann_p,
    condition=(Assume(sp.Eq(P[i], sp.exp(-beta * E[i]) / Z)), Words("and any $q$ with"),
               *(Assume(sp.Eq(old, new)) for old, new in _normalisations)),
    source="Jaynes (1957); Cover & Thomas (2006) Thm 12.1.1",
))

_energies = (0, 1, 2)
_mean_energy = (sum(e * sp.exp(-beta * e) for e in _energies) / sum(sp.exp(-beta * e) for e in _energies))
_root = (U - 1 + sp.sqrt(1 + 6 * U - 3 * U**2)) / (2 * (2 - U))
register(Identity(
    label="eq-three-level-beta",
    lhs=sp.Subs(_mean_energy, beta, -sp.log(_root)),
    rhs=U,
    method="doit",
    substitutions=((U, 2 / (1 + t)),),
    condition=(Words("for energies 0, 1, 2 and every mean energy"), Domain(U, sp.Interval.open(0, 2))),
    source="Kaplan §2.4 (β is fixed by ⟨E⟩), solved in closed form",
))

_Z = sp.Sum(sp.exp(-beta * E[j]), (j, 1, n))
_log_Z = sp.log(_Z)
_average = sp.Sum(E[j] * sp.exp(-beta * E[j]), (j, 1, n)) / _Z
register(Identity(
    label="eq-log-partition-derivatives",
    lhs=sp.Matrix([sp.Derivative(_log_Z, beta), sp.Derivative(_log_Z, beta, 2)]),
    rhs=sp.Matrix([-_average, sp.Sum(E[j] ** 2 * sp.exp(-beta * E[j]), (j, 1, n)) / _Z - _average**2]),
    method="doit",
    source="Kaplan §2.4 (the log-partition identity of the notes' inventory)",
))

_ratio = sp.Mul(P[i], sp.Pow(sp.Mul(P[i], sp.exp(-E[i]), evaluate=False), -1, evaluate=False), evaluate=False)
register(Identity(
    label="eq-reweighting-kl",
    lhs=sp.Sum(P[i] * sp.log(_ratio, evaluate=False), (i, 1, n)),
    rhs=sp.Sum(P[i] * E[i], (i, 1, n)),
    method="sums",
    condition=Assume(sp.Eq(sp.Sum(P[i] * sp.exp(-E[i]), (i, 1, n)), 1)),
    source="Kaplan (2.4.4)–(2.4.5)",
))


# --------------------------------------------------------------------------- the Gaussian

register(Identity(
    label="eq-gaussian-maxent-stationarity",
    lhs=sp.Derivative(-p * sp.log(p) + lambda1 * p * x + lambda2 * p * x**2 + nu * p, p),
    rhs=-sp.log(p) - 1 + lambda1 * x + lambda2 * x**2 + nu,
    method="doit",
    source="ours (corrects the sign of log p in Kaplan (2.4.7))",
))

_normal = sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
register(Identity(
    label="eq-gaussian-maxent-solution",
    lhs=sp.Subs(sp.exp(nu - 1 + lambda1 * x + lambda2 * x**2), (lambda1, lambda2, nu),
                (mu / sigma**2, -1 / (2 * sigma**2), 1 - mu**2 / (2 * sigma**2) - sp.log(2 * sp.pi * sigma**2) / 2)),
    rhs=_normal,
    method="doit",
    source="Kaplan (2.4.8), with the multipliers found (λ₂ < 0)",
))

_p = sp.Function("p", positive=True)
_line = (x, -sp.oo, sp.oo)
_density_rules = ((sp.Integral(_p(x), _line), 1), (sp.Integral(x * _p(x), _line), mu),
                  (sp.Integral(x**2 * _p(x), _line), sigma**2 + mu**2))


def density_integrals(expr):
    """Split every integral over ℝ into integrals of single terms, evaluate those sympy can, and simplify."""
    def split(integral):
        total = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(sp.expand_log(integral.function, force=True))):
            factor, rest = term.as_independent(x, as_Add=False)
            part = sp.Integral(rest, *integral.limits)
            total += factor * (part if part.has(_p) else part.doit())
        return total

    return sp.simplify(sp.expand(expr.replace(lambda e: isinstance(e, sp.Integral), split)))


register(Inequality(
    label="eq-gaussian-maxent-bound",
    lhs=-sp.Integral(_p(x) * sp.log(_p(x)), _line),
    rhs=sp.log(2 * sp.pi * sp.E * sigma**2) / 2,
    relation="<=",
    method=density_integrals,
    certificate=[Term(_normal / _p(x) - 1 - sp.log(_normal / _p(x)), weight=_p(x), integrate=_line,
                      by="eq-log-inequality", at={sp.Symbol("x", positive=True): _normal / _p(x)})],
    given=_density_rules,
    condition=Words(r"for every positive density $p$ on $\mathbb R$ with mean $\mu$ and variance $\sigma^2$:"),
    source="Kaplan §2.4; Cover & Thomas (2006) Thm 8.6.5",
))

_uniform = st.Uniform("U", -sp.sqrt(3) * sigma, sp.sqrt(3) * sigma)
_laplace = st.Laplace("L", 0, sigma / sp.sqrt(2))
_gaussian = st.Normal("G", 0, sigma)
_h_uniform, _h_laplace = sp.log(2 * sp.sqrt(3) * sigma), 1 + sp.log(sp.sqrt(2) * sigma)
_h_gaussian = sp.log(2 * sp.pi * sp.E * sigma**2) / 2
register(Identity(
    label="eq-equal-variance-entropies",
    lhs=sp.Matrix([[st.Variance(X), DifferentialEntropy(X)] for X in (_uniform, _laplace, _gaussian)]),
    rhs=sp.Matrix([[sigma**2, _h_uniform], [sigma**2, _h_laplace], [sigma**2, _h_gaussian]]),
    method=expanded_logs,
    condition=Words("for $U$ uniform, $L$ Laplace and $G$ normal, centred"),
    source="Kaplan (2.4.6)–(2.4.8); the comparison is from the notes' inventory",
))

register(Inequality(
    label="eq-gaussian-largest-entropy",
    lhs=sp.Max(_h_uniform, _h_laplace, evaluate=False),
    rhs=_h_gaussian,
    relation="<",
    steps=[_h_laplace],
    links=[Link("=", method="expand_log"), Link("<", method="expand_log")],
    condition=Words(r"at equal variance $\sigma^2$"),
    source="Cover & Thomas (2006) Thm 8.6.5",
))


# --------------------------------------------------------------------------- the numerical solver

def _die_by_polynomial(mean: float) -> np.ndarray:
    """Max-ent die with a given mean, independently: p_k ∝ x^k with x the positive root of Σ_k (k − mean) x^k."""
    coefficients = [k - mean for k in range(6, 0, -1)]  # highest power first; the common factor x is dropped
    roots = np.roots(coefficients)
    x_ = roots[(np.abs(roots.imag) < 1e-12) & (roots.real > 0)].real[0]
    weights = x_ ** np.arange(1, 7)
    return weights / weights.sum()


def _die_by_direct_maximisation(mean: float) -> np.ndarray:
    """Max-ent die with a given mean, by maximising the entropy over p directly (scipy's SLSQP, constraints explicit)."""
    faces = np.arange(1.0, 7.0)
    constraints = [{"type": "eq", "fun": lambda p: p.sum() - 1, "jac": lambda p: np.ones_like(p)},
                   {"type": "eq", "fun": lambda p: p @ faces - mean, "jac": lambda p: faces}]
    result = scipy.optimize.minimize(lambda p: np.sum(p * np.log(p)), np.full(6, 1 / 6), jac=lambda p: np.log(p) + 1,
                                     method="SLSQP", bounds=[(1e-12, 1.0)] * 6, constraints=constraints,
                                     options={"ftol": 1e-15, "maxiter": 500})
    if not result.success:
        raise RuntimeError(f"_die_by_direct_maximisation: SLSQP failed for mean {mean}: {result.message}")
    return result.x


def maxent_solver_check(means=(2.0, 3.5, 4.5, 5.5), levels=(0.25, 0.8, 1.5)) -> list[Measurement]:
    """Newton's method on the dual against three closed forms and a direct maximisation.

    (a) Three levels with energies 0, 1, 2: the multiplier is −β with β from
    the closed form of ``eq-three-level-beta``. (b) A die with a given mean:
    the independent solution by polynomial root finding, and the maximiser of
    :math:`H(p)` over p itself under the two constraints (scipy's SLSQP). (c) The Gaussian:
    features x and x² on a grid of spacing 0.02 over [−14, 14] with mean 0.3
    and variance 1.44; the discrete maximiser has multipliers μ/σ² and
    −1/(2σ²), because the grid moments of a Gaussian equal the continuous ones
    up to terms of order exp(−2π²σ²/h²) (Poisson summation).

    Newton stops when every constraint error is below 1e-12 times the feature
    range; a constraint error δ moves a multiplier by about δ / Var(f), so the
    tolerance is 100 times that bound.
    """
    energies = torch.tensor(_energies, dtype=torch.float64)
    targets = torch.tensor(levels, dtype=torch.float64)
    result = maxent_distribution(energies, targets)
    closed = torch.tensor([float(v) for v in map(sp.lambdify(U, -sp.log(_root)), levels)], dtype=torch.float64)
    variance = (boltzmann(energies, -result.multipliers) * (energies - targets.unsqueeze(-1)) ** 2).sum(-1)
    scaled = ((-result.multipliers - closed).abs() * variance).max().item()
    faces = torch.arange(1.0, 7.0, dtype=torch.float64)
    dice = maxent_distribution(faces, torch.tensor(means, dtype=torch.float64)).probabilities.numpy()
    polynomial = max(np.abs(p - _die_by_polynomial(mean)).max() for mean, p in zip(means, dice))
    direct = max(np.abs(p - _die_by_direct_maximisation(mean)).max() for mean, p in zip(means, dice))
    grid = torch.arange(-14.0, 14.0 + 1e-9, 0.02, dtype=torch.float64)
    centre, spread = 0.3, 1.2
    gaussian = maxent_distribution(torch.stack([grid, grid**2], dim=-1),
                                   torch.tensor([centre, spread**2 + centre**2], dtype=torch.float64))
    newton = "Newton's stopping rule; Poisson-summation error < 1e-300"
    return [
        Measurement.exact("three levels: max |−λ − closed-form β| · Var(E)", scaled, 2e-10, relation="<=",
                          reason="Newton's stopping rule 2e-12 on ⟨E⟩, times 100",
                          quantity=r"\max_{\langle E \rangle} \big|{-\lambda^\star} - \beta(\langle E \rangle)\big|"
                                   r"\operatorname{Var} E", expected_latex=r"2 \times 10^{-10}"),
        Measurement.exact("dice: max |p − polynomial solution|", polynomial, 1e-9, relation="<=",
                          reason="Newton's stopping rule / Var(face), with margin",
                          quantity=r"\max_{\bar x} \| p^\star - p_{\text{polynomial}} \|_\infty",
                          expected_latex="10^{-9}"),
        Measurement.exact("dice: max |p − direct maximisation of H|", direct, 1e-7, relation="<=",
                          reason="SLSQP's stopping rule (ftol 1e-15) fixes p to about √ftol ≈ 3e-8",
                          quantity=r"\max_{\bar x} \| p^\star - \operatorname*{arg\,max}_p H(p) \|_\infty",
                          expected_latex="10^{-7}"),
        Measurement.exact("Gaussian on a grid: λ₁ vs μ/σ²", gaussian.multipliers[0].item(), centre / spread**2,
                          tolerance=1e-8, reason=newton, quantity=r"\lambda_1^\star",
                          expected_latex=r"\mu / \sigma^2"),
        Measurement.exact("Gaussian on a grid: λ₂ vs −1/(2σ²)", gaussian.multipliers[1].item(), -1 / (2 * spread**2),
                          tolerance=1e-8, reason=newton, quantity=r"\lambda_2^\star",
                          expected_latex=r"-1 / (2 \sigma^2)"),
    ]


register(Numeric(
    label="eq-maxent-newton",
    experiment=maxent_solver_check,
    alternative=Alternative("the Gaussian's λ₂ = −1/σ², the factor ½ dropped",
                            expected={"Gaussian on a grid: λ₂ vs −1/(2σ²)": -1 / 1.2**2}),
    condition=Words(r"for $\lambda^\star$ minimising $\log \sum_x e^{\lambda \cdot f(x)} - \lambda \cdot t$ "
                    r"by Newton's method: three levels with energies 0, 1, 2 and mean energy $\langle E \rangle$; "
                    r"dice with mean face $\bar x$; features $x, x^2$ on a grid of spacing 0.02 with "
                    r"mean 0.3 and variance 1.44"),
    page={"means": (2.0, 3.5, 4.5, 5.5), "levels": (0.25, 0.8, 1.5)},
    test={"means": (1.2, 2.0, 3.0, 3.5, 4.5, 5.5, 5.9), "levels": (0.05, 0.25, 0.8, 1.0, 1.5, 1.95)},
    method="Newton's method against closed forms and direct maximisation",
    source="Kaplan §2.4; Jaynes (1957)",
))
