"""Claims of the page on momentum (``book/optimization/momentum.md``)."""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Words, register
from ..descent import gradient_descent, heavy_ball
from ..momentum import convergence_rate, nesterov, optimal_momentum
from .quadratics import MOMENTUM_MATRIX, beta, eta, lam, s, t, theta

e = sp.Symbol("e")
v = sp.Symbol("v")
x = sp.Symbol("x", real=True)
u = sp.Symbol("u", nonnegative=True)
kappa = sp.Symbol("kappa", positive=True)
lmin, lmax = sp.symbols("lambda_min lambda_max", positive=True)

#: ``1 + β − ηλ``, the trace of the heavy-ball matrix: its eigenvalues are ``(b ± √(b² − 4β))/2``.
TRACE = 1 + beta - eta * lam
CRITICAL_MOMENTUM = (1 - sp.sqrt(eta * lam)) ** 2

# --------------------------------------------------------------------------- the heavy-ball matrix

register(Identity(
    label="eq-momentum-characteristic",
    lhs=sp.Determinant(sp.ImmutableMatrix(e * sp.eye(2) - MOMENTUM_MATRIX)),
    rhs=e**2 - TRACE * e + beta,
    method="doit",
    source="Kaplan (4.3.8)",
))

register(Identity(
    label="eq-momentum-complex-modulus",
    lhs=(TRACE + sp.I * sp.sqrt(4 * beta - TRACE**2)) * (TRACE - sp.I * sp.sqrt(4 * beta - TRACE**2)) / 4,
    rhs=beta,
    method="expand",
    source="ours",
))

register(Inequality(
    label="eq-momentum-jury",
    lhs=sp.Determinant(sp.ImmutableMatrix(-sp.eye(2) - MOMENTUM_MATRIX)),
    rhs=sp.Integer(0),
    relation=">",
    method="doit",
    substitutions=((lam, 2 * (1 + beta) * t / (eta * (1 + t))),),
    condition=(Domain(beta, sp.Interval.Ropen(0, 1)), Domain(lam, sp.Interval.open(0, 2 * (1 + beta) / eta))),
    source="Kaplan (4.3.9)",
))

# --------------------------------------------------------------------------- critical damping

register(Identity(
    label="eq-critical-damping",
    lhs=sp.Subs(TRACE**2 - 4 * beta, beta, CRITICAL_MOMENTUM),
    rhs=sp.Integer(0),
    method="doit",
    source="Kaplan (4.3.10)",
))

register(Identity(
    label="eq-critical-rate",
    lhs=sp.Subs(TRACE / 2, beta, CRITICAL_MOMENTUM),
    rhs=1 - sp.sqrt(eta * lam),
    method="doit",
    source="Kaplan (4.3.11)",
))

register(Identity(
    label="eq-critical-jordan",
    lhs=sp.MatPow((MOMENTUM_MATRIX - (1 - sp.sqrt(eta * lam)) * sp.eye(2)).subs(beta, CRITICAL_MOMENTUM), 2),
    rhs=sp.ImmutableMatrix(sp.zeros(2)),
    method="doit",
    source="ours",
))

# --------------------------------------------------------------------------- two curvatures: the optimal momentum

OPTIMAL_LR = 4 / (sp.sqrt(lmin) + sp.sqrt(lmax)) ** 2
OPTIMAL_RATE = (sp.sqrt(lmax) - sp.sqrt(lmin)) / (sp.sqrt(lmax) + sp.sqrt(lmin))

for label, curvature, root in (("eq-optimal-momentum-flat", lmin, OPTIMAL_RATE),
                               ("eq-optimal-momentum-steep", lmax, -OPTIMAL_RATE)):
    register(Identity(
        label=label,
        lhs=sp.Subs(TRACE.subs(lam, curvature) / 2, (eta, beta), (OPTIMAL_LR, OPTIMAL_RATE**2)),
        rhs=root,
        method="doit",
        source="Kaplan (4.3.12)–(4.3.13)",
    ))

register(Identity(
    label="eq-momentum-rate",
    lhs=OPTIMAL_RATE,
    rhs=(sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1),
    given=((kappa, lmax / lmin),),
    source="Kaplan (4.3.14), with κ = λ_max/λ_min (erratum)",
))

register(Identity(
    label="eq-gd-optimal-rate",
    lhs=sp.Subs(1 - eta * lmin, eta, 2 / (lmin + lmax)),
    steps=(sp.Subs(eta * lmax - 1, eta, 2 / (lmin + lmax)),),
    show_steps=True,
    rhs=(kappa - 1) / (kappa + 1),
    method="doit",
    given=((kappa, lmax / lmin),),
    source="Kaplan §4.3",
))

register(Inequality(
    label="eq-momentum-beats-gd",
    lhs=(sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1),
    rhs=(kappa - 1) / (kappa + 1),
    relation="<=",
    method="simplify",
    substitutions=((kappa, (1 + u) ** 2),),
    condition=Domain(kappa, sp.Interval(1, sp.oo)),
    source="Kaplan §4.3",
))

# --------------------------------------------------------------------------- Nesterov

NESTEROV_MATRIX = sp.ImmutableMatrix([[1 - eta * lam, beta * (1 - eta * lam)], [-eta * lam, beta * (1 - eta * lam)]])
"""Nesterov's method on ``λθ²/2`` maps ``(θ_n, v_n)`` to ``(θ_{n+1}, v_{n+1})`` by this matrix."""

_look_ahead_step = beta * v - eta * sp.Subs(sp.Derivative(lam * x**2 / 2, x), x, theta + beta * v)

register(Identity(
    label="eq-nesterov-matrix",
    lhs=sp.ImmutableMatrix([theta + _look_ahead_step, _look_ahead_step]),
    rhs=sp.MatMul(NESTEROV_MATRIX, sp.ImmutableMatrix([theta, v]), evaluate=False),
    method="doit",
    source="ours (Nesterov 1983)",
))

NESTEROV_TRACE = (1 + beta) * (1 - eta * lam)

NESTEROV_STANDARD = ((eta, lam, beta), (1 / lmax, lmin, (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)))

register(Identity(
    label="eq-nesterov-critical",
    lhs=sp.Subs(NESTEROV_TRACE**2 - 4 * beta * (1 - eta * lam), *NESTEROV_STANDARD),
    rhs=sp.Integer(0),
    method="doit",
    given=((kappa, lmax / lmin),),
    source="ours (Nesterov 1983)",
))

register(Identity(
    label="eq-nesterov-rate",
    lhs=sp.Subs(NESTEROV_TRACE / 2, *NESTEROV_STANDARD),
    rhs=1 - 1 / sp.sqrt(kappa),
    method="doit",
    given=((kappa, lmax / lmin),),
    source="ours (Nesterov 1983)",
))


# --------------------------------------------------------------------------- numerical checks

def stability_region_check(grid: int = 201, region: str = "jury"):
    r"""Where the spectral radius of the heavy-ball matrix is below 1, against the Jury region, and where it is smallest.

    The grid of :math:`(\eta\lambda, \beta)` is offset by half a spacing so that no point lies on the boundary.
    ``region="gd"`` compares with plain gradient descent's :math:`\eta\lambda < 2` instead (the wrong alternative).
    """
    h = (torch.arange(grid, dtype=torch.float64) + 0.5) * 4.5 / grid
    b = (torch.arange(grid, dtype=torch.float64) + 0.5) * 1.1 / grid
    H, B = torch.meshgrid(h, b, indexing="ij")
    stable = convergence_rate(H, 1.0, B) < 1
    predicted = (H < 2 * (1 + B)) & (B < 1) if region == "jury" else H < 2
    rule = r"\eta\lambda < 2 + 2\beta,\ \beta < 1" if region == "jury" else r"\eta\lambda < 2"
    fine = torch.linspace(0, 1, 20 * grid + 1, dtype=torch.float64)[:-1]
    soft = h[h < 1]
    best = fine[convergence_rate(soft[:, None], 1.0, fine[None, :]).argmin(-1)]
    return [
        Measurement.exact("grid points misclassified", (stable != predicted).sum().item(), 0,
                          reason="exact count",
                          quantity=rf"\#\{{\text{{grid points where }} \rho(M) < 1 \text{{ disagrees with }} {rule}\}}",
                          expected_latex="0"),
        Measurement.exact("distance of the best momentum from critical damping",
                          (best - (1 - soft.sqrt()) ** 2).abs().max().item(), 0, tolerance=(fine[1] - fine[0]).item(),
                          reason="one spacing of the momentum grid",
                          quantity=r"\max_{\eta\lambda < 1} \bigl|\operatorname{argmin}_\beta \rho(M) - (1 - \sqrt{\eta\lambda})^2\bigr|",
                          expected_latex="0"),
    ]


register(Numeric(
    label="eq-momentum-stability-region",
    experiment=stability_region_check,
    alternative=Alternative("momentum leaves gradient descent's region ηλ < 2 unchanged", kwargs={"region": "gd"}),
    page={"grid": 201},
    test={"grid": 401},
    method="eigenvalues of the heavy-ball matrix on a grid of (ηλ, β)",
    condition=Words(r"on a grid of $\eta\lambda$ in $(0, 4.5)$ and $\beta$ in $(0, 1.1)$ offset from the boundary"),
    source="Kaplan (4.3.9)–(4.3.10)",
))


def two_curvature_quadratic(kappa: float):
    """The loss ``(θ₁² + κ θ₂²)/2``, with curvatures 1 and κ."""
    curvatures = torch.tensor([1.0, kappa], dtype=torch.float64)
    return lambda p: 0.5 * (curvatures * p**2).sum()


METHODS = ("gradient descent", "heavy ball", "Nesterov")


def tuned_runs(kappa: float, steps: int, start=(1.0, 1.0), methods=METHODS) -> dict[str, torch.Tensor]:
    """Gradient descent, heavy ball and Nesterov on the two-curvature quadratic, each with its best parameters."""
    loss = two_curvature_quadratic(kappa)
    run = {
        "gradient descent": lambda: gradient_descent(loss, start, 2 / (1 + kappa), steps),
        "heavy ball": lambda: heavy_ball(loss, start, *optimal_momentum(1.0, kappa), steps),
        "Nesterov": lambda: nesterov(loss, start, *optimal_momentum(1.0, kappa, kind="nesterov"), steps),
    }
    return {name: run[name]() for name in methods}


def kappa_100_check(steps: int = 200, kappa: int = 100, prefactor: bool = True):
    r"""The error after ``steps`` steps at κ = 100 against the exact matrix-power predictions.

    The error is :math:`\max_i |\theta_{n,i}/\theta_{0,i}|`. Gradient descent multiplies both coordinates by
    :math:`\pm(\kappa-1)/(\kappa+1)`; the critically damped heavy ball's steep coordinate is
    :math:`(-r)^n(1 + n(1 + r))` with :math:`r = (\sqrt\kappa-1)/(\sqrt\kappa+1)` (a Jordan block).
    ``prefactor=False`` drops the factor :math:`1 + n(1 + r)` (the wrong alternative).
    """
    runs = tuned_runs(float(kappa), steps)
    root = math.isqrt(kappa)
    gd_rate, hb_rate = (kappa - 1) / (kappa + 1), (root - 1) / (root + 1)
    hb_expected = hb_rate**steps * ((1 + steps * (1 + hb_rate)) if prefactor else 1)
    # rounding η and β splits the double root by O(√u), which changes an n-th power by O(n² u), u = 2⁻⁵³
    rounding = 8 * steps**2 * 2.0**-53
    return [
        Measurement.exact("gradient descent", runs["gradient descent"][-1].abs().max().item(), gd_rate**steps,
                          tolerance=rounding * gd_rate**steps, reason="relative rounding 8 n² u: rounded η, β split the double root",
                          quantity=rf"\max_i |\theta^{{\mathrm{{GD}}}}_{{{steps},i}}|",
                          expected_latex=rf"\left(\tfrac{{{kappa - 1}}}{{{kappa + 1}}}\right)^{{{steps}}}"),
        Measurement.exact("heavy ball", runs["heavy ball"][-1].abs().max().item(), hb_expected,
                          tolerance=rounding * hb_expected, reason="relative rounding 8 n² u: rounded η, β split the double root",
                          quantity=rf"\max_i |\theta^{{\mathrm{{HB}}}}_{{{steps},i}}|",
                          expected_latex=(rf"\left(\tfrac{{{root - 1}}}{{{root + 1}}}\right)^{{{steps}}}"
                                          rf"\left(1 + {steps}\cdot\tfrac{{{2 * root}}}{{{root + 1}}}\right)")),
    ]


register(Numeric(
    label="eq-kappa-100-errors",
    experiment=kappa_100_check,
    alternative=Alternative("the heavy ball's error is the pure power (9/11)^n, without the factor 1 + n(1 + r)",
                            kwargs={"prefactor": False}),
    page={"steps": 200},
    test={"steps": 200},
    method="gradient descent and heavy ball run on (θ₁² + 100 θ₂²)/2 from (1, 1)",
    condition=Words(r"for $\kappa$ equal to 100, with $\eta$ equal to $2/101$ for gradient descent and the "
                    r"optimal $\eta$ and $\beta$ for the heavy ball"),
    source="ours (Kaplan §4.3)",
))


@functools.lru_cache(maxsize=4)
def iterations_to_tolerance(kappas: tuple[float, ...], tolerance: float = 1e-6) -> dict[str, torch.Tensor]:
    r"""Steps until :math:`\max_i|\theta_{n,i}| \le` ``tolerance`` from (1, 1), for each method of :func:`tuned_runs` and each κ.

    Each run is given twice the number of steps that the slower of the two rates, gradient descent's
    :math:`\kappa/2` or momentum's :math:`2\sqrt\kappa` steps per factor e, predicts (plus 50); a run that has
    not reached the tolerance by then counts as infinitely many steps.
    """
    counts: dict[str, list[float]] = {}
    for kappa in kappas:
        for name, steps_per_e in (("gradient descent", kappa / 2), ("heavy ball", 2 * math.sqrt(kappa)),
                                  ("Nesterov", 2 * math.sqrt(kappa))):
            path = tuned_runs(kappa, int(2 * steps_per_e * math.log(1 / tolerance)) + 50, methods=(name,))[name]
            reached = (path.abs().amax(-1) <= tolerance).nonzero()
            counts.setdefault(name, []).append(reached[0, 0].item() if len(reached) else math.inf)
    return {name: torch.tensor(c, dtype=torch.float64) for name, c in counts.items()}


def log_log_slope(x: torch.Tensor, y: torch.Tensor) -> float:
    """The least-squares slope of log y against log x."""
    lx, ly = x.log(), y.log()
    lx = lx - lx.mean()
    return float((lx * (ly - ly.mean())).sum() / (lx**2).sum())


def predicted_errors(kappa: float, steps: torch.Tensor) -> dict[str, torch.Tensor]:
    r"""The exact :math:`\max_i|\theta_{n,i}|` of :func:`tuned_runs` from (1, 1), from the matrix powers.

    Gradient descent: :math:`\rho^n` with :math:`\rho = (\kappa-1)/(\kappa+1)`. Heavy ball: the steep
    coordinate's Jordan block, :math:`r^n(1 + n(1 + r))` with :math:`r = (\sqrt\kappa-1)/(\sqrt\kappa+1)`.
    Nesterov: the flat coordinate's, :math:`e^n(1 + n/\sqrt\kappa)` with :math:`e = 1 - 1/\sqrt\kappa`
    (the steep one is zero after two steps, since :math:`\eta\lambda_{\max} = 1`).
    """
    root = math.sqrt(kappa)
    r, e = (root - 1) / (root + 1), 1 - 1 / root
    return {"gradient descent": ((kappa - 1) / (kappa + 1)) ** steps,
            "heavy ball": r**steps * (1 + steps * (1 + r)),
            "Nesterov": e**steps * (1 + steps / root)}


def iteration_slope_check(kappas=(10.0, 31.6, 100.0, 316.0, 1000.0), tolerance: float = 1e-6,
                          momentum_slope: float = 0.5):
    r"""Fitted slopes of log(steps to ``tolerance``) against log κ: 1 for gradient descent, ½ with momentum.

    The tolerance of each slope is its own bias at these κ, computed from the exact step counts of
    :func:`predicted_errors` (finite κ, and with momentum the Jordan prefactor's extra log n steps), plus
    the change that one step more or fewer in each count could make to the fit.
    ``momentum_slope=1`` expects the momentum methods to scale like gradient descent (the wrong alternative).
    """
    kappas = tuple(float(k) for k in kappas)
    counts = iterations_to_tolerance(kappas, tolerance)
    x = torch.tensor(kappas, dtype=torch.float64)
    weights = (x.log() - x.log().mean()) / ((x.log() - x.log().mean()) ** 2).sum()
    asymptotic = {"gradient descent": 1.0, "heavy ball": 0.5, "Nesterov": 0.5}
    expected = {"gradient descent": 1.0, "heavy ball": momentum_slope, "Nesterov": momentum_slope}
    tex = {"gradient descent": "GD", "heavy ball": "HB", "Nesterov": "NAG"}
    measurements = []
    for name, slope in expected.items():
        exact = []
        for kappa in kappas:
            steps = torch.arange(int(kappa * math.log(1 / tolerance)) + 50, dtype=torch.float64)
            exact.append((predicted_errors(kappa, steps)[name] <= tolerance).nonzero()[0, 0].item())
        exact = torch.tensor(exact, dtype=torch.float64)
        bias = abs(log_log_slope(x, exact) - asymptotic[name])
        rounding = (weights.abs() / exact).sum().item()
        measurements.append(Measurement.exact(
            name, log_log_slope(x, counts[name]), slope, tolerance=bias + rounding,
            reason=(f"the exact counts' own departure from slope {asymptotic[name]:g} at these κ, {bias:.3f}, "
                    f"plus one step per count, {rounding:.3f}"),
            quantity=rf"\text{{slope}}_{{\mathrm{{{tex[name]}}}}}",
            expected_latex=f"{slope:g}" if slope != 0.5 else r"\tfrac12"))
    return measurements


register(Numeric(
    label="eq-iteration-slopes",
    experiment=iteration_slope_check,
    alternative=Alternative("momentum only changes the constant, not the exponent of κ",
                            kwargs={"momentum_slope": 1.0}),
    page={"kappas": (10.0, 31.6, 100.0, 316.0, 1000.0)},
    test={"kappas": (10.0, 31.6, 100.0, 316.0, 1000.0, 3160.0)},
    method="least-squares fit of log(steps) against log κ over runs of each method",
    condition=Words(r"for the steps to reach $10^{-6}$ on $(\theta_1^2 + \kappa\,\theta_2^2)/2$ from $(1, 1)$, "
                    r"each method with its best parameters"),
    source="ours (Kaplan §4.3)",
))
