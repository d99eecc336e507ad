"""Claims of the page on natural gradients and second-order methods (``book/optimization/second-order.md``)."""

from __future__ import annotations

import functools
import math

import numpy as np
import scipy.optimize
import sympy as sp
import sympy.stats as st
import torch

from ...claims import (
    Alternative,
    Assume,
    Identity,
    Inequality,
    Measurement,
    Numeric,
    Reduction,
    Term,
    Words,
    register,
)
from ...estimation.symbolic import Displayed, notation
from ...information.claims.fisher import expectations_with_sigma, normal_log_density
from ...information.symbolic import ScoreCovariance
from ..curvature import hvp
from ..descent import gradient_descent
from ..natural import empirical_fisher, fisher_matrix, natural_gradient_step
from ..second_order import _inverse_update, bfgs, conjugate_gradient, lbfgs_two_loop

# --------------------------------------------------------------------------- the induced metric

Phi, eps = sp.symbols("Phi epsilon", real=True)
theta = sp.Symbol("theta", positive=True)
L = sp.Function("L")

register(Identity(
    label="eq-induced-metric",
    lhs=sp.Subs(sp.Derivative(sp.exp(Phi - eps * sp.Derivative(L(sp.exp(Phi)), Phi)), eps), eps, 0),
    rhs=-theta**2 * sp.Subs(sp.Derivative(L(theta), theta), theta, sp.exp(Phi)),
    method="doit",
    given=((theta, sp.exp(Phi)),),
    condition=Words("for every differentiable loss", L(theta), r"and the parameter $\theta$ written as $e^\Phi$"),
    source="Kaplan (4.6.3)–(4.6.4)",
))

# --------------------------------------------------------------------------- generic 2 × 2 matrices

J, F, B = (sp.MatrixSymbol(name, 2, 2) for name in ("J", "F", "B"))
g, d, y, v = (sp.MatrixSymbol(name, 2, 1) for name in ("g", "d", "y", "v"))
alpha, beta, rho = sp.symbols("alpha beta rho", real=True)
I2 = sp.Identity(2)


def _symmetric(name):
    a, b, c = sp.symbols(f"{name}_11 {name}_12 {name}_22", real=True)
    return sp.ImmutableMatrix([[a, b], [b, c]])


def _general(name, rows, cols):
    return sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}" if cols > 1
                                                                 else f"{name}_{i + 1}", real=True))


_CHOLESKY = sp.ImmutableMatrix([[sp.Symbol("l_11", real=True), 0],
                                [sp.Symbol("l_21", real=True), sp.Symbol("l_22", real=True)]])
_ENTRIES = {J: _general("J", 2, 2), F: _symmetric("F"), B: _symmetric("B"), g: _general("g", 2, 1),
            d: _general("d", 2, 1), y: _general("y", 2, 1), v: _general("v", 2, 1)}
_SCALARS = {alpha: 1 / (_ENTRIES[y].T * _ENTRIES[d])[0],
            beta: -1 / (_ENTRIES[d].T * _ENTRIES[B] * _ENTRIES[d])[0],
            rho: 1 / (_ENTRIES[y].T * _ENTRIES[d])[0]}


def _explicit(expr, entries=_ENTRIES):
    expr = sp.sympify(expr).xreplace(entries).doit()
    if isinstance(expr, sp.MatrixBase) or getattr(expr, "is_Matrix", False):
        expr = sp.ImmutableMatrix(expr)
    return sp.simplify(expr.subs(_SCALARS))


GENERIC = Reduction("writes every matrix as a generic 2 × 2 matrix of symbols (F and B symmetric), "
                    "substitutes the scalars α, β, ρ and simplifies", _explicit)

register(Identity(
    label="eq-natural-step-invariant",
    lhs=sp.MatMul(J, sp.Inverse(sp.MatMul(J.T, F, J, evaluate=False)), J.T, g, evaluate=False),
    rhs=sp.MatMul(sp.Inverse(F), g, evaluate=False),
    method=GENERIC,
    condition=Words("for every invertible Jacobian", J, "and invertible symmetric Fisher matrix", F,
                    r"(proved for generic $2 \times 2$ matrices)"),
    source="Kaplan (4.6.16)–(4.6.17); Martens (2020)",
))

# --------------------------------------------------------------------------- the natural step from a Lagrangian

delta = sp.MatrixSymbol(r"\delta", 2, 1)
lam, kl = sp.Symbol("lambda", nonzero=True), sp.Symbol("Delta", positive=True)
_ENTRIES[delta] = _general(r"\delta", 2, 1)

Scalar = notation("ScalarOfOneByOne", "#1", lambda M: sp.ImmutableMatrix(M)[0, 0])
Gradient = notation("GradientByVector", r"\nabla_{#2} \left(#1\right)",
                    lambda f, v: sp.ImmutableMatrix([sp.diff(f, v[i]) for i in range(v.shape[0])]))
At = notation("AtVector", r"\left. #1 \right|_{#2 = #3}",
              lambda f, v, point: f.xreplace(dict(zip(v, sp.ImmutableMatrix(point.as_explicit())))))

LAGRANGIAN = Scalar(g.T * delta) + lam * (Scalar(delta.T * F * delta) / 2 - kl)
"""The linear change of the loss plus λ times (the KL divergence to second order minus its budget Δ)."""
STATIONARY_STEP = sp.MatMul(-1 / lam, sp.Inverse(F), g, evaluate=False)
_GENERIC_FISHER = Words("for symmetric invertible", F, r"(proved for generic $2 \times 2$ matrices)")

register(Identity(
    label="eq-natural-lagrangian",
    lhs=Gradient(LAGRANGIAN, delta),
    rhs=Displayed(sp.MatAdd(g, sp.MatMul(lam, F, delta, evaluate=False), evaluate=False)),
    method=GENERIC,
    condition=Words("for symmetric", F, r"(proved for generic $2 \times 2$ matrices)"),
    source="Kaplan (4.6.12)",
))

register(Identity(
    label="eq-natural-lagrangian-solution",
    lhs=At(Gradient(LAGRANGIAN, delta), delta, STATIONARY_STEP),
    rhs=Displayed(sp.ZeroMatrix(2, 1)),
    method=GENERIC,
    condition=_GENERIC_FISHER,
    source="Kaplan (4.6.13)",
))

_NATURAL_NORM = Scalar(g.T * sp.Inverse(F) * g)
register(Identity(
    label="eq-natural-multiplier",
    lhs=At(Scalar(delta.T * F * delta) / 2, delta, STATIONARY_STEP),
    steps=(_NATURAL_NORM / (2 * lam**2),),
    show_steps=True,
    rhs=kl,
    method=GENERIC,
    given=((lam, sp.Pow(_NATURAL_NORM / (2 * kl), sp.Rational(1, 2), evaluate=False)),),
    condition=Words("for symmetric invertible", F, r"(proved for generic $2 \times 2$ matrices) and the multiplier"),
    source="ours (the multiplier of Kaplan (4.6.12) with the KL budget of (4.6.15))",
))

mu, s = sp.symbols("mu s", real=True)
sigma = sp.Symbol("sigma", positive=True)
_LOG_SCALE_JACOBIAN = sp.ImmutableMatrix([[1, 0], [0, sp.Derivative(sp.exp(s), s)]])
register(Identity(
    label="eq-fisher-log-scale",
    lhs=ScoreCovariance(normal_log_density(mu, sp.exp(s)), [mu, s], sp.Symbol("x", real=True),
                        st.Normal("X", mu, sp.exp(s))),
    rhs=sp.MatMul(_LOG_SCALE_JACOBIAN.T, ScoreCovariance(normal_log_density(mu, sigma), [mu, sigma],
                                                         sp.Symbol("x", real=True), st.Normal("X", mu, sigma)),
                  _LOG_SCALE_JACOBIAN, evaluate=False),
    method=expectations_with_sigma,
    condition=Assume(sp.Eq(sigma, sp.exp(s))),
    source="Kaplan (4.6.16); ours (the Gaussian in (μ, log σ))",
))

# --------------------------------------------------------------------------- Newton's equation and Gauss–Newton

t1, t2, L0 = sp.symbols("theta_1 theta_2 L_0", real=True)
_theta = sp.ImmutableMatrix([t1, t2])
_H, _g = _symmetric("H"), _general("g", 2, 1)
_quadratic = L0 + (_g.T * _theta)[0] + (_theta.T * _H * _theta)[0] / 2
register(Identity(
    label="eq-newton-equation",
    lhs=sp.ImmutableMatrix([sp.Derivative(_quadratic, t) for t in (t1, t2)]),
    rhs=sp.MatAdd(sp.MatMul(_H, _theta, evaluate=False), _g, evaluate=False),
    method="doit",
    condition=Words(r"for the quadratic model with symmetric $H$, written out in two dimensions"),
    source="ours (corrects the sign of Kaplan (4.7.2): the minimum solves Hθ = −g)",
))

_f = sp.Function("f")(t1, t2)
_label = sp.Symbol("y", real=True)
_gradient_f = sp.ImmutableMatrix([sp.Derivative(_f, t) for t in (t1, t2)])
register(Identity(
    label="eq-gauss-newton-hessian",
    lhs=sp.ImmutableMatrix(2, 2, lambda i, j: sp.Derivative((_label - _f) ** 2, (t1, t2)[i], (t1, t2)[j])),
    rhs=sp.MatAdd(2 * sp.MatMul(_gradient_f, _gradient_f.T, evaluate=False),
                  -2 * (_label - _f) * sp.ImmutableMatrix(2, 2, lambda i, j: sp.Derivative(_f, (t1, t2)[i],
                                                                                          (t1, t2)[j])),
                  evaluate=False),
    method="doit",
    condition=Words("for one example and every twice differentiable model", _f,
                    "(the average over the data is linear)"),
    source="ours (corrects Kaplan (4.7.4): the factor 2 and the sign of the second term)",
))

# --------------------------------------------------------------------------- BFGS

_B_next = B + alpha * y * y.T + beta * (B * d) * (B * d).T
register(Identity(
    label="eq-bfgs-secant",
    lhs=sp.MatMul(_B_next, d, evaluate=False),
    rhs=y,
    method=GENERIC,
    condition=Words(r"with $\alpha$ the reciprocal of $y^\top d$ and $\beta$ minus the reciprocal of "
                    r"$d^\top B d$, for a generic symmetric", B, r"(short for $B_k$, $d_k$, $y_k$)"),
    source="Kaplan (4.7.19)–(4.7.21), with B_k for the approximation throughout (see the errata)",
))

_inverse_next = (I2 - rho * d * y.T) * sp.Inverse(B) * (I2 - rho * y * d.T) + rho * d * d.T
register(Identity(
    label="eq-bfgs-inverse",
    lhs=sp.MatMul(_B_next, _inverse_next, evaluate=False),
    rhs=I2,
    method=GENERIC,
    condition=Words(r"with $\alpha$ and $\rho$ the reciprocal of $y^\top d$ and $\beta$ minus the reciprocal of "
                    r"$d^\top B d$, for a generic invertible symmetric", B),
    source="Kaplan (4.7.22) (Sherman–Morrison–Woodbury)",
))

Lc = sp.MatrixSymbol("L", 2, 2)
rho_positive = sp.Symbol("rho", positive=True)
_WITH_CHOLESKY = {**_ENTRIES, B: (_CHOLESKY * _CHOLESKY.T).inv(), Lc: _CHOLESKY, I2: sp.ImmutableMatrix(sp.eye(2))}


def _single_entry(expr):
    """Writes the matrices as generic 2 × 2 matrices of symbols (B⁻¹ as L Lᵀ, L lower triangular) and takes the entry."""
    expr = sp.sympify(expr).xreplace(_WITH_CHOLESKY).doit()
    return expr[0, 0] if getattr(expr, "shape", None) == (1, 1) else expr


_cholesky_update = ((I2 - rho_positive * d * y.T) * sp.Inverse(B) * (I2 - rho_positive * y * d.T)
                    + rho_positive * d * d.T)
_u = sp.MatMul(Lc.T, I2 - rho_positive * y * d.T, v)
register(Inequality(
    label="eq-bfgs-positive-definite",
    lhs=sp.MatMul(v.T, _cholesky_update, v, evaluate=False),
    rhs=sp.ZeroMatrix(1, 1),
    relation=">=",
    method=Reduction("writes the matrices as generic 2 × 2 matrices of symbols, B⁻¹ as a Cholesky product L Lᵀ, "
                     "and simplifies", lambda expr: sp.simplify(_single_entry(expr))),
    certificate=[Term(_u[0, 0] ** 2 + _u[1, 0] ** 2, method=_single_entry),  # |Lᵀ(I − ρ y dᵀ) v|²
                 Term(sp.MatMul(d.T, v)[0, 0] ** 2, weight=rho_positive, method=_single_entry)],
    condition=Words(r"for every $v$, every positive-definite", B, r"with Cholesky factor $L$, and every positive "
                    r"$\rho$ (for BFGS the reciprocal of $y^\top d$)"),
    source="ours (Kaplan §4.7: BFGS keeps its approximation positive definite when yᵀd is positive)",
))


# --------------------------------------------------------------------------- natural gradient on a Gaussian

def gaussian_nll(mean, scale):
    """Mean negative log-likelihood (less ½ log 2π) of data with sample mean 0 and variance 1 under N(mean, scale²)."""
    return torch.log(scale) + (mean**2 + 1) / (2 * scale**2)


def _in_sigma(t):
    return gaussian_nll(t[0], t[1])


def _in_log_sigma(t):
    return gaussian_nll(t[0], torch.exp(t[1]))


def _fisher_in_sigma(t):
    """The Fisher matrix in (μ, σ), diag(1/σ², 2/σ²) (the claim eq-fisher-gaussian)."""
    return torch.diag(torch.stack([1 / t[1] ** 2, 2 / t[1] ** 2]))


def _fisher_in_log_sigma(t):
    """The Fisher matrix in (μ, log σ), diag(1/σ², 2) (the claim eq-fisher-log-scale)."""
    return torch.diag(torch.stack([torch.exp(-2 * t[1]), torch.full_like(t[1], 2.0)]))


def _natural_path(loss, start, fisher, lr, steps):
    path = [torch.as_tensor(start, dtype=torch.float64)]
    for _ in range(steps):
        path.append(natural_gradient_step(loss, path[-1], fisher, lr))
    return torch.stack(path)


@functools.lru_cache(maxsize=16)
def gaussian_fit_paths(lr: float, duration: float = 2.0, start=(1.5, 2.0)) -> dict[str, torch.Tensor]:
    """Paths in the (μ, σ) plane of GD and of the natural gradient, each run in (μ, σ) and in (μ, log σ).

    ``duration / lr`` steps each, so that every path covers the same time of its gradient flow.
    """
    steps = round(duration / lr)
    log_start = (start[0], math.log(start[1]))

    def to_sigma(path):
        return torch.stack([path[:, 0], path[:, 1].exp()], dim=1)

    return {
        "GD in σ": gradient_descent(_in_sigma, start, lr, steps),
        "GD in log σ": to_sigma(gradient_descent(_in_log_sigma, log_start, lr, steps)),
        "natural gradient in σ": _natural_path(_in_sigma, start, _fisher_in_sigma, lr, steps),
        "natural gradient in log σ": to_sigma(_natural_path(_in_log_sigma, log_start, _fisher_in_log_sigma, lr,
                                                             steps)),
    }


def _gap_order(lrs, first: str, second: str) -> float:
    """The slope of log(max gap between two paths) against log(learning rate)."""
    gaps = [(gaussian_fit_paths(lr)[first] - gaussian_fit_paths(lr)[second]).norm(dim=1).max().item() for lr in lrs]
    return float(np.polyfit(np.log(lrs), np.log(gaps), 1)[0])


def natural_gradient_paths_check(lrs=(0.04, 0.02, 0.01, 0.005), slack: float = 0.1):
    """The order in the learning rate ε at which the paths of the two parametrisations approach each other."""
    return [
        Measurement.exact("order of the natural-gradient gap", _gap_order(lrs, "natural gradient in σ",
                                                                         "natural gradient in log σ"),
                          1.0, tolerance=slack,
                          reason="Euler's method is first order: the slope tends to 1 as ε → 0; "
                                 f"{slack} allows the next order over ε ≤ {max(lrs)}",
                          quantity=r"\text{order in } \epsilon \text{ of } \max_n \|\theta^{NG,\sigma}_n - "
                                   r"\theta^{NG,\log\sigma}_n\|",
                          expected_latex="1"),
        Measurement.exact("order of the gradient-descent gap", _gap_order(lrs, "GD in σ", "GD in log σ"),
                          0.0, tolerance=slack, reason="the same slack; order 0: the gap does not shrink",
                          quantity=r"\text{order in } \epsilon \text{ of } \max_n \|\theta^{GD,\sigma}_n - "
                                   r"\theta^{GD,\log\sigma}_n\|",
                          expected_latex="0"),
    ]


register(Numeric(
    label="eq-natural-gradient-paths",
    experiment=natural_gradient_paths_check,
    alternative=Alternative("the natural-gradient paths stay apart like the gradient-descent paths (order 0)",
                            expected={"order of the natural-gradient gap": 0.0}),
    page={"lrs": (0.04, 0.02, 0.01, 0.005)},
    test={"lrs": (0.02, 0.01, 0.005, 0.0025)},
    method="GD and natural-gradient runs in (μ, σ) and (μ, log σ), compared in the (μ, σ) plane",
    condition=Words(r"fitting $\mathcal N(\mu, \sigma^2)$ from $(1.5, 2)$ over the time 2, with the gap's slope "
                    r"fitted on a log-log scale over four $\epsilon$"),
    source="ours (Kaplan §4.6)",
))


# --------------------------------------------------------------------------- true against empirical Fisher

def _linear_log_prob(t, x, label):
    return -0.5 * (label - x @ t) ** 2


def _linear_sample(t, x, generator):
    return x @ t + torch.randn(x.shape[0], generator=generator, dtype=x.dtype)


def empirical_fisher_check(n: int = 20_000, offsets=(0.0, 2.0), seed: int = 0):
    """The (1, 1) entries of the true and the empirical Fisher of linear regression at θ* + δ e₁.

    The inputs are standard normal in 3 dimensions and the labels y = θ*ᵀx + noise with unit variance. The true
    Fisher (labels drawn from the model) is the identity at every θ; the empirical Fisher's (1, 1) entry is
    E[(ε − δ x₁)² x₁²] = 1 + 3δ² (ε the noise).
    """
    generator = torch.Generator().manual_seed(seed)
    best = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    x = torch.randn(n, 3, generator=generator, dtype=torch.float64)
    labels = x @ best + torch.randn(n, generator=generator, dtype=torch.float64)
    measurements = []
    for offset in offsets:
        point = best + offset * torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)
        true = fisher_matrix(_linear_log_prob, point, x, sample=_linear_sample, seed=seed + 1)
        per_example = ((labels - x @ point) * x[:, 0]) ** 2
        measurements += [
            Measurement.from_standard_error(
                f"true Fisher at delta = {offset:g}", true.matrix[0, 0], true.standard_error[0, 0], 1.0,
                samples=f"{n} labels drawn from the model", quantity=r"F_{11}(\theta^* + \delta e_1)",
                expected_latex="1"),
            Measurement.from_standard_error(
                f"empirical Fisher at delta = {offset:g}", empirical_fisher(_linear_log_prob, point, x, labels)[0, 0],
                per_example.std().item() / math.sqrt(n), 1 + 3 * offset**2, samples=f"{n} data labels",
                quantity=r"\tilde F_{11}(\theta^* + \delta e_1)", expected_latex=r"1 + 3\delta^2"),
        ]
    return measurements


register(Numeric(
    label="eq-empirical-fisher",
    experiment=empirical_fisher_check,
    alternative=Alternative("the empirical Fisher is the Fisher matrix, also away from the optimum",
                            expected={"empirical Fisher at delta = 2": 1.0}),
    page={"n": 20_000},
    test={"n": 200_000},
    method="Monte Carlo: scores by torch.func at model-drawn and at data labels",
    condition=Words(r"for linear regression with unit noise, standard normal inputs in three dimensions, at "
                    r"$\delta$ equal to 0 and 2"),
    source="Kunstner, Balles & Hennig (2019); corrects Kaplan (4.6.18)",
))


# --------------------------------------------------------------------------- conjugate gradients

def _rotated_quadratic(eigenvalues: torch.Tensor, seed: int):
    """A quadratic ½θᵀHθ − bᵀθ with the given spectrum in a random orthonormal basis, and its b."""
    generator = torch.Generator().manual_seed(seed)
    n = eigenvalues.numel()
    basis, _ = torch.linalg.qr(torch.randn(n, n, generator=generator, dtype=torch.float64))
    hessian = basis @ torch.diag(eigenvalues) @ basis.T
    b = torch.randn(n, generator=generator, dtype=torch.float64)
    return hessian, b


def cg_distinct_eigenvalues_check(dimension: int = 60, levels=(1.0, 3.0, 7.0, 12.0, 20.0, 30.0), seed: int = 0):
    """Steps CG needs (to a relative residual 1e-10), with Hessian-vector products, when H has k distinct eigenvalues."""
    measurements = []
    for k in range(1, len(levels) + 1):
        eigenvalues = torch.tensor(levels[:k], dtype=torch.float64).repeat_interleave(
            torch.tensor([dimension // k + (i < dimension % k) for i in range(k)]))
        hessian, b = _rotated_quadratic(eigenvalues, seed + k)
        zero = torch.zeros(dimension, dtype=torch.float64)
        path = conjugate_gradient(lambda u: hvp(lambda t: 0.5 * t @ hessian @ t, zero, u), b, tol=1e-10)
        measurements.append(Measurement.exact(
            f"steps with {k} distinct eigenvalues", len(path) - 1, k,
            reason=f"exact count (dimension {dimension})", quantity=r"\text{CG steps}", expected_latex="k"))
    return measurements


register(Numeric(
    label="eq-cg-distinct-eigenvalues",
    experiment=cg_distinct_eigenvalues_check,
    alternative=Alternative("CG needs as many steps as the dimension, 60",
                            expected={f"steps with {k} distinct eigenvalues": 60 for k in range(1, 7)}),
    page={"dimension": 60},
    test={"dimension": 200},
    method="conjugate gradients with Hessian-vector products",
    condition=Words(r"for $H$ with $k$ distinct eigenvalues, $k$ from 1 to 6, in dimension 60"),
    source="Kaplan §4.7; Nocedal & Wright (2006) ch. 5",
))


def cg_rate(kappa: float, root: int = 2) -> float:
    """The factor ``(κ^{1/root} − 1)/(κ^{1/root} + 1)``: CG's bound for root 2."""
    r = kappa ** (1 / root)
    return (r - 1) / (r + 1)


@functools.lru_cache(maxsize=4)
def cg_errors(kappa: float = 100.0, dimension: int = 400, steps: int = 40, seed: int = 0) -> torch.Tensor:
    """The H-norm error ratios ‖e_k‖_H / ‖e_0‖_H of CG on a quadratic with eigenvalues evenly spread over [1, κ]."""
    eigenvalues = torch.linspace(1.0, kappa, dimension, dtype=torch.float64)
    b = torch.randn(dimension, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    zero = torch.zeros(dimension, dtype=torch.float64)
    path = conjugate_gradient(lambda u: hvp(lambda t: 0.5 * (eigenvalues * t**2).sum(), zero, u), b,
                              tol=1e-300, max_iter=steps)
    errors = path - b / eigenvalues
    norms = (errors**2 * eigenvalues).sum(dim=1).sqrt()
    return norms / norms[0]


def cg_bound_check(kappa: float = 100.0, dimension: int = 400, steps: int = 40, root: int = 2):
    """The largest ratio of CG's error to the bound 2ρᵏ over the run (ρ from κ^{1/root})."""
    ratios = cg_errors(kappa, dimension, steps) / (2 * cg_rate(kappa, root) ** torch.arange(steps + 1))
    return Measurement.exact(
        "largest error / bound", ratios.max().item(), 1.0, relation="<=", reason="a bound, compared exactly",
        quantity=r"\max_k \frac{\|\theta_k - \theta^*\|_H}{2\left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^k "
                 r"\|\theta_0 - \theta^*\|_H}",
        expected_latex="1")


register(Numeric(
    label="eq-cg-bound",
    experiment=cg_bound_check,
    alternative=Alternative("CG converges at the faster rate with the fourth root of κ", kwargs={"root": 4}),
    page={"kappa": 100.0, "dimension": 400, "steps": 40},
    test={"kappa": 1000.0, "dimension": 2000, "steps": 100},
    method="conjugate gradients with Hessian-vector products",
    condition=Words(r"for eigenvalues evenly spread from 1 to $\kappa$, here 100, over the first 40 steps"),
    source="Kaplan §4.7; Shewchuk (1994) §9",
))


# --------------------------------------------------------------------------- BFGS in practice

def _steepest_descent_exact(hessian, b, tol, max_iter):
    """Steepest descent with the exact step on ½θᵀHθ − bᵀθ; the number of steps to reach ‖g‖∞ ≤ tol."""
    t = torch.zeros_like(b)
    for step in range(max_iter + 1):
        gradient = hessian @ t - b
        if gradient.abs().max() <= tol:
            return step
        t = t - (gradient @ gradient) / (gradient @ hessian @ gradient) * gradient
    return max_iter + 1


def bfgs_quadratic_check(dimensions=(2, 5, 10, 20), kappa: float = 100.0, seed: int = 0, method: str = "bfgs"):
    """Steps of BFGS with exact line search to reach ‖∇L‖∞ ≤ 10⁻⁹ on n-dimensional quadratics of condition κ."""
    measurements = []
    for n in dimensions:
        eigenvalues = torch.logspace(0, math.log10(kappa), n, dtype=torch.float64)
        hessian, b = _rotated_quadratic(eigenvalues, seed + n)
        if method == "bfgs":
            path = bfgs(lambda t: 0.5 * t @ hessian @ t - b @ t, torch.zeros(n, dtype=torch.float64), gtol=1e-9,
                        max_iter=10 * n, line_search="exact")
            taken = len(path) - 1
        else:
            taken = _steepest_descent_exact(hessian, b, 1e-9, 10 * n)
        measurements.append(Measurement.exact(f"steps in dimension {n}", taken, n, relation="<=",
                                              reason="exact count", quantity=r"\text{BFGS steps}",
                                              expected_latex="n"))
    return measurements


register(Numeric(
    label="eq-bfgs-quadratic-steps",
    experiment=bfgs_quadratic_check,
    alternative=Alternative("steepest descent with the same exact line search also finishes in n steps",
                            kwargs={"method": "steepest"}),
    page={"dimensions": (2, 5, 10, 20)},
    test={"dimensions": (2, 5, 10, 20, 40)},
    method="BFGS with an exact line search (one Hessian-vector product per step)",
    condition=Words(r"on quadratics in $n$ dimensions with condition number 100, to a gradient of $10^{-9}$"),
    source="Kaplan §4.7; Nocedal & Wright (2006) ch. 6",
))


def rosenbrock(t):
    """Rosenbrock's function :math:`\\sum_i 100 (t_{i+1} - t_i^2)^2 + (1 - t_i)^2` (as ``scipy.optimize.rosen``), minimum 0 at (1, …, 1)."""
    head = t[:-1]
    terms = torch.cat([10 * torch.addcmul(t[1:], head, head, value=-1), 1 - head])  # 10 (t_{i+1} - t_i²), 1 - t_i
    return terms.dot(terms)


def rosenbrock_gradient(t):
    """The gradient of :func:`rosenbrock` in closed form (as ``scipy.optimize.rosen_der``).

    Term :math:`i` contributes :math:`-400\\,t_i r_i - 2(1 - t_i)` to :math:`\\partial/\\partial t_i` and
    :math:`200\\, r_i` to :math:`\\partial/\\partial t_{i+1}`, with :math:`r_i = t_{i+1} - t_i^2`.
    """
    head = t[:-1]
    residual = torch.addcmul(t[1:], head, head, value=-1)
    by_head = torch.addcmul(2 * head - 2, head, residual, value=-400)
    return torch.nn.functional.pad(by_head, (0, 1)) + torch.nn.functional.pad(200 * residual, (1, 0))


ROSENBROCK_START = (-1.2, 1.0)


def bfgs_scipy_check(gtol: float = 1e-9, method: str = "bfgs"):
    """Our BFGS against ``scipy.optimize.minimize(method="BFGS")`` on Rosenbrock from (−1.2, 1)."""
    peer = scipy.optimize.minimize(scipy.optimize.rosen, np.array(ROSENBROCK_START), jac=scipy.optimize.rosen_der,
                                   method="BFGS", options={"gtol": gtol})
    if method == "bfgs":
        ours = bfgs(rosenbrock, ROSENBROCK_START, gtol=gtol)[-1]
    else:
        ours = gradient_descent(rosenbrock, ROSENBROCK_START, 1e-3, 2000)[-1]
    return Measurement.exact("largest difference from scipy", (ours.numpy() - peer.x).__abs__().max(), 0.0,
                             tolerance=1e-6, reason="the agreement the issue asks for, 10⁻⁶",
                             quantity=r"\|\theta_{\text{ours}} - \theta_{\text{scipy}}\|_\infty",
                             expected_latex=r"0")


register(Numeric(
    label="eq-bfgs-scipy",
    experiment=bfgs_scipy_check,
    alternative=Alternative("gradient descent (η = 10⁻³, 2000 steps) reaches the same point",
                            kwargs={"method": "gradient_descent"}),
    page={"gtol": 1e-9},
    test={"gtol": 1e-9},
    method="our BFGS and scipy's from (−1.2, 1)",
    condition=Words(r"on Rosenbrock's function, both stopped at a gradient of $10^{-9}$"),
    source="ours (issue 12)",
))


def lbfgs_check(dimension: int = 8, memory: int = 5, seed: int = 0, start: str = "scaled"):
    """The two-loop recursion against the dense product of ``memory`` BFGS inverse updates."""
    generator = torch.Generator().manual_seed(seed)
    hessian, gradient = _rotated_quadratic(torch.logspace(0, 2, dimension, dtype=torch.float64), seed)
    steps = torch.randn(memory, dimension, generator=generator, dtype=torch.float64)
    changes = steps @ hessian  # y_i = H d_i, so y_iᵀd_i > 0
    gamma = (steps[-1] @ changes[-1]) / (changes[-1] @ changes[-1])
    inverse = (gamma if start == "scaled" else 1.0) * torch.eye(dimension, dtype=torch.float64)
    for step, change in zip(steps, changes):
        inverse = _inverse_update(inverse, step, change)
    dense = inverse @ gradient
    difference = (lbfgs_two_loop(gradient, steps, changes) - dense).abs().max() / dense.abs().max()
    return Measurement.exact("relative difference", difference.item(), 0.0, tolerance=1e-12,
                             reason="float64 rounding (10⁴ unit roundoffs)",
                             quantity=r"\|r_{\text{two-loop}} - B_k^{-1} g\|_\infty / \|B_k^{-1} g\|_\infty",
                             expected_latex="0")


register(Numeric(
    label="eq-lbfgs-two-loop",
    experiment=lbfgs_check,
    alternative=Alternative("the dense product starts from the identity instead of γI", kwargs={"start": "identity"}),
    page={"dimension": 8, "memory": 5},
    test={"dimension": 50, "memory": 10},
    method="two-loop recursion against dense BFGS inverse updates",
    condition=Words(r"for 5 pairs in 8 dimensions, starting from $\gamma I$"),
    source="Nocedal (1980); Nocedal & Wright (2006) ch. 7",
))
