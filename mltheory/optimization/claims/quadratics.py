"""Claims of the page on gradient descent and Newton's method on quadratics (``book/optimization/quadratics.md``)."""

from __future__ import annotations

import functools

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Reduction, Words, register
from ..descent import gradient_descent, heavy_ball
from ..stability import edge_of_stability

theta, theta0, minimum = sp.symbols("theta theta_0 theta^*", real=True)
lam, eta, a, scale = sp.symbols("lambda eta a c", positive=True)
beta = sp.Symbol("beta", nonnegative=True)
t = sp.Symbol("t", positive=True)
s = sp.Symbol("s", nonnegative=True)
n = sp.Symbol("n", integer=True, nonnegative=True)
phi = sp.Symbol("varphi", real=True)
L = sp.Function("L")

# --------------------------------------------------------------------------- gradient descent

register(Identity(
    label="eq-gd-quadratic-iterate",
    lhs=sp.Subs(theta - eta * sp.Derivative(lam * theta**2 / 2, theta), theta, (1 - eta * lam) ** n * theta0),
    rhs=(1 - eta * lam) ** (n + 1) * theta0,
    method="doit",
    condition=Domain(n, sp.Range(0, sp.oo)),
    source="Kaplan (4.1.3), (4.3.4)",
))

register(Inequality(
    label="eq-gd-stable",
    lhs=(1 - eta * lam) ** 2,
    rhs=sp.Integer(1),
    relation="<",
    substitutions=((lam, 2 * t / (eta * (1 + t))),),
    condition=Domain(lam, sp.Interval.open(0, 2 / eta)),
    source="Kaplan (4.3.5)",
))

register(Inequality(
    label="eq-gd-unstable",
    lhs=(1 - eta * lam) ** 2,
    rhs=sp.Integer(1),
    relation=">=",
    substitutions=((lam, (2 + s) / eta),),
    condition=Domain(lam, sp.Interval(2 / eta, sp.oo)),
    source="Kaplan (4.3.5)",
))

MOMENTUM_MATRIX = sp.ImmutableMatrix([[1 - eta * lam, beta], [-eta * lam, beta]])
"""The heavy ball on ``λθ²/2`` maps ``(θ_n, v_n)`` to ``(θ_{n+1}, v_{n+1})`` by this matrix."""

register(Identity(
    label="eq-heavy-ball-matrix",
    lhs=sp.ImmutableMatrix([theta + beta * sp.Symbol("v") - eta * sp.Derivative(lam * theta**2 / 2, theta),
                            beta * sp.Symbol("v") - eta * sp.Derivative(lam * theta**2 / 2, theta)]),
    rhs=sp.MatMul(MOMENTUM_MATRIX, sp.ImmutableMatrix([theta, sp.Symbol("v")]), evaluate=False),
    method="doit",
    source="ours (Kaplan (4.3.6)–(4.3.7) with the velocity v_{n+1} of erratum 15)",
))

register(Inequality(
    label="eq-heavy-ball-unstable",
    lhs=sp.Determinant(-sp.eye(2) - MOMENTUM_MATRIX),
    rhs=sp.Integer(0),
    relation="<=",
    method="doit",
    substitutions=((lam, (2 + 2 * beta + s) / eta),),
    condition=(Domain(beta, sp.Interval.Ropen(0, 1)), Domain(lam, sp.Interval(2 * (1 + beta) / eta, sp.oo))),
    source="ours (Kaplan (4.3.9))",
))


def stability_threshold_check(lr: float = 0.1, momenta=(0.0, 0.9), grid: int = 2001, steps: int = 4000):
    r"""The largest curvature at which heavy ball stays bounded, found by running it on a diagonal quadratic.

    The quadratic :math:`\tfrac12\sum_k \lambda_k\theta_k^2` has ``grid`` curvatures from 0.5 to 1.5 times the
    predicted threshold :math:`(2+2\beta)/\eta`; a coordinate counts as stable if it has not grown after ``steps``.
    """
    measurements = []
    for momentum in momenta:
        predicted = (2 + 2 * momentum) / lr
        curvatures = torch.linspace(0.5, 1.5, grid, dtype=torch.float64) * predicted
        spacing = (curvatures[1] - curvatures[0]).item()
        path = heavy_ball(lambda p: 0.5 * (curvatures * p**2).sum(), torch.ones(grid), lr, momentum, steps)
        stable = path[-1].abs() <= 1
        threshold = curvatures[stable].max().item()
        measurements.append(Measurement.exact(
            f"threshold at beta = {momentum}", threshold, predicted, tolerance=2 * spacing,
            reason="two grid spacings (the curvature grid's resolution)",
            quantity=rf"\lambda_{{\max\text{{ stable}}}}(\beta = {momentum:g})",
            expected_latex=rf"\frac{{2 + 2 \cdot {momentum:g}}}{{\eta}}",
        ))
    return measurements


register(Numeric(
    label="eq-stability-thresholds",
    experiment=stability_threshold_check,
    alternative=Alternative("momentum does not move the threshold from 2/η",
                            expected={"threshold at beta = 0.9": 2 / 0.1}),
    page={"lr": 0.1, "momenta": (0.0, 0.9), "grid": 2001, "steps": 2000},
    test={"lr": 0.05, "momenta": (0.0, 0.9), "grid": 4001, "steps": 8000},
    method="heavy ball run on a diagonal quadratic",
    condition=Words(r"for $\eta$ equal to 0.1, as the largest stable curvature on a grid"),
    source="ours (Kaplan (4.3.5), (4.3.9); Cohen et al. (2021))",
))


# --------------------------------------------------------------------------- Newton's method and rescaling

def _quadratic_newton(expr):
    """Writes L as the generic quadratic λ(θ − θ*)²/2 + L₀, differentiates and simplifies."""
    return sp.simplify(sp.sympify(expr).subs(L, sp.Lambda(theta, lam * (theta - minimum) ** 2 / 2 + sp.Symbol("L_0"))).doit())


register(Identity(
    label="eq-newton-one-step",
    lhs=theta - sp.Derivative(L(theta), theta) / sp.Derivative(L(theta), (theta, 2)),
    rhs=minimum,
    method=Reduction("writes L as a generic quadratic λ(θ − θ*)²/2 + L₀, differentiates and simplifies",
                     _quadratic_newton),
    condition=Words(r"for every quadratic loss", L(theta), r"with positive curvature and minimum at $\theta^*$"),
    source="Kaplan (4.1.2)",
))

register(Identity(
    label="eq-newton-rescaling",
    lhs=sp.Subs(phi - sp.Derivative(L(phi / a), phi) / sp.Derivative(L(phi / a), (phi, 2)), phi, a * theta),
    rhs=a * (theta - sp.Derivative(L(theta), theta) / sp.Derivative(L(theta), (theta, 2))),
    method="doit",
    condition=Words(r"for every twice differentiable", L(theta), r"and the rescaled parameter $\varphi$ equal to "
                    r"$a\theta$"),
    source="Kaplan §4.1",
))

register(Identity(
    label="eq-curvature-rescaling",
    lhs=sp.Subs(sp.Derivative(scale * L(phi / a), (phi, 2)), phi, a * theta),
    rhs=scale / a**2 * sp.Derivative(L(theta), (theta, 2)),
    method="doit",
    condition=Words(r"for every twice differentiable", L(theta), r", rescaled to $c\,L(\varphi/a)$"),
    source="Kaplan (4.2.2)",
))


# --------------------------------------------------------------------------- edge of stability

@functools.lru_cache(maxsize=4)
def cached_edge_of_stability(lr: float, total_steps: int, n_samples: int, hidden: int, seed: int):
    """:func:`~mltheory.optimization.edge_of_stability` with every=25, cached so that a page's claim and figure share one run."""
    return edge_of_stability(lr=lr, total_steps=total_steps, every=25, n_samples=n_samples, hidden=hidden, seed=seed)


def edge_of_stability_check(lr: float = 0.5, total_steps: int = 1000, n_samples: int = 256, hidden: int = 32,
                            seed: int = 0, band: float = 0.2, compare_with: str = "edge"):
    """Sharpness at the start and averaged over the second half of full-batch GD, against 2/η.

    ``compare_with="initial"`` compares the late sharpness with the initial one instead (the wrong alternative).
    """
    run = cached_edge_of_stability(lr, total_steps, n_samples, hidden, seed)
    late = run.sharpness[run.steps >= total_steps // 2]
    edge = 2 / lr if compare_with == "edge" else run.sharpness[0].item()
    return [
        Measurement.exact("initial sharpness", run.sharpness[0].item(), edge, relation="<=",
                          reason="a bound, compared exactly", quantity=r"\lambda_{\max}(0)",
                          expected_latex=r"2/\eta"),
        Measurement.exact("late sharpness", late.mean().item(), edge, tolerance=band * edge,
                          reason=f"the stated band: within {band:.0%} of 2/η (an empirical regularity, not a theorem)",
                          quantity=r"\overline{\lambda_{\max}}(\text{second half})", expected_latex=r"2/\eta"),
    ]


register(Numeric(
    label="eq-edge-of-stability",
    experiment=edge_of_stability_check,
    alternative=Alternative("the sharpness stays at its initial value (no progressive sharpening)",
                            kwargs={"compare_with": "initial"}),
    page={"lr": 0.5, "total_steps": 1000},
    test={"lr": 0.25, "total_steps": 2000},
    method="full-batch gradient descent on a tanh MLP on 256 digits",
    condition=Words(r"for mean squared error, a $64$-$32$-$10$ tanh network, full-batch gradient descent"),
    source="Cohen et al. (2021)",
))
