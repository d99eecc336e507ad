"""Claims of the page on the linear teacher–student in time (``book/generalization/teacher-student.md``).

Kaplan §6 (6.0.2)–(6.0.14), after Advani & Saxe (2017), with the sign of the noise corrected (erratum 27) and the
inputs normalised as :math:`x \\sim \\mathcal N(0, I/P)` (erratum 28); the optimal stopping time of a mode; ridge at
:math:`\\lambda = \\sigma_\\epsilon^2/\\sigma_w^2` as the posterior mean, and early stopping against it.
"""

from __future__ import annotations

import functools
import math

import scipy.optimize
import sympy as sp
import torch

from ...claims import Alternative, Assume, Identity, Inequality, Measurement, Numeric, Words, register
from ...estimation.symbolic import notation
from ...runtime import one_thread
from ...optimization.claims.batch_size import Scalar, SquaredNorm
from ..random_matrices import gram_spectrum
from ..teacher_student import egen_ridge, egen_theory, generalization_error, gradient_flow_linear, ridge_fit, teacher_student

# --------------------------------------------------------------------------- the loss and its gradient (erratum 27)

PARAMETERS, POINTS = 3, 2
"""The sizes in which the vector identities are written out in coordinates."""

X = sp.MatrixSymbol("X", POINTS, PARAMETERS)
w = sp.MatrixSymbol("w", PARAMETERS, 1)
w_bar = sp.MatrixSymbol(r"\bar{w}", PARAMETERS, 1)
eps_vec = sp.MatrixSymbol(r"\epsilon", POINTS, 1)
LABELS = sp.MatAdd(X * w_bar, eps_vec, evaluate=False)
"""The labels :math:`y = X\\bar w + \\epsilon` of the teacher."""
ERROR = sp.MatrixSymbol(r"\left(w - \bar{w}\right)", PARAMETERS, 1)
"""The weight error, a symbol named for what it stands for; the proofs write it out as ``w - w_bar``."""


def _explicit(expr):
    """Writes $w - \\bar w$ out and the vectors and matrices in coordinates (three parameters, two data points), then expands."""
    expr = sp.sympify(expr).doit().xreplace({ERROR: w - w_bar}).doit()
    return sp.expand(expr.as_explicit() if isinstance(expr, sp.MatrixExpr) else expr)


NegativeGradient = notation("NegativeGradientInW", r"-\nabla_{w} #1",
                            lambda f: -sp.Matrix([sp.diff(_explicit(f), w[k, 0]) for k in range(PARAMETERS)]))
Vector = notation("VectorInCoordinates", "#1", lambda v: v.as_explicit())
HalfSquaredNorm = notation("HalfSquaredNormOfResidual", r"\frac{1}{2}\left|#1\right|^{2}",
                           lambda v: SquaredNorm(v).doit() / 2)

_COORDINATES = Words("for the teacher's labels $X\\bar w + \\epsilon$ (written out for three parameters and two "
                     "data points)")

register(Identity(
    label="eq-teacher-student-loss",
    lhs=HalfSquaredNorm(sp.MatAdd(LABELS, -X * w, evaluate=False)),
    rhs=Scalar(ERROR.T * X.T * X * ERROR) / 2 - Scalar(eps_vec.T * X * ERROR) + SquaredNorm(eps_vec) / 2,
    method=_explicit,
    condition=_COORDINATES,
    source="Kaplan (6.0.2), sign of the noise term corrected",
))

register(Identity(
    label="eq-teacher-student-gradient",
    lhs=NegativeGradient(HalfSquaredNorm(sp.MatAdd(LABELS, -X * w, evaluate=False))),
    rhs=Vector(X.T * sp.MatAdd(eps_vec, -X * ERROR, evaluate=False)),
    method=_explicit,
    condition=_COORDINATES,
    source="Kaplan (6.0.3)–(6.0.4), sign of the noise term corrected",
))

# --------------------------------------------------------------------------- one mode: (6.0.13) and its mean square

t = sp.Symbol("t", nonnegative=True)
lam = sp.Symbol("lambda", positive=True)
z_bar, z0, eps_mode = sp.symbols(r"\bar{z} z_0 \tilde{\epsilon}", real=True)
z = sp.Function("z")
MODE_FLOW = sp.Eq(sp.Derivative(z(t), t), lam * (z_bar - z(t)) + eps_mode * sp.sqrt(lam))
"""The gradient flow of one mode, Kaplan's (6.0.12)."""


def _solve_mode_flow():
    return z_bar - sp.dsolve(MODE_FLOW, z(t), ics={z(0): z0}).rhs


ModeError = notation("ModeErrorBySolvingTheFlow", r"\bar{z} - z(t)", _solve_mode_flow)
MODE_ERROR = (z_bar - z0) * sp.exp(-lam * t) - eps_mode / sp.sqrt(lam) * (1 - sp.exp(-lam * t))
"""The right side of (6.0.13)."""

register(Identity(
    label="eq-teacher-student-mode-solution",
    lhs=ModeError(),
    rhs=MODE_ERROR,
    method="doit",
    condition=(Words("for the solution of"), Assume(MODE_FLOW), Words("from"), Assume(sp.Eq(z(0), z0))),
    source="Kaplan (6.0.12)–(6.0.13), solved by sympy.dsolve",
))

sigma_w, sigma_w0, sigma_eps = sp.symbols(r"\sigma_w \sigma_{w_0} \sigma_\epsilon", positive=True)
gap0 = sp.Symbol(r"\left(\bar{z} - z_0\right)", real=True)


def _mode_average(expr):
    r"""The mean over independent, centred :math:`\bar z - z_0` and :math:`\tilde\epsilon` with variances :math:`\sigma_w^2 + \sigma_{w_0}^2` and :math:`\sigma_\epsilon^2`."""
    polynomial = sp.Poly(sp.expand(expr), gap0, eps_mode)
    variances = (sigma_w**2 + sigma_w0**2, sigma_eps**2)
    total = sp.Integer(0)
    for powers, coefficient in polynomial.terms():
        if any(power % 2 for power in powers):
            continue  # odd moments of a centred Gaussian vanish
        if any(power > 2 for power in powers):
            raise ValueError(f"_mode_average: {expr} is not quadratic")
        total += coefficient * math.prod(v ** (p // 2) for v, p in zip(variances, powers))
    return total


ModeAverage = notation("ModeAverageOverTeachers", r"\mathbb{E}\left[#1\right]", _mode_average)

register(Identity(
    label="eq-teacher-student-mode-average",
    lhs=ModeAverage(MODE_ERROR.subs(z_bar - z0, gap0) ** 2),
    rhs=(sigma_w**2 + sigma_w0**2) * sp.exp(-2 * lam * t) + sigma_eps**2 / lam * (1 - sp.exp(-lam * t)) ** 2,
    method="doit",
    condition=Words("for independent, centred $\\bar z - z_0$ and $\\tilde\\epsilon$ with variances "
                    "$\\sigma_w^2 + \\sigma_{w_0}^2$ and $\\sigma_\\epsilon^2$"),
    source="Kaplan (6.0.14), one mode",
))

# --------------------------------------------------------------------------- the optimal stopping time of a mode

A = sp.Symbol("A", positive=True)
t_star = sp.Symbol("t^*", positive=True)
MODE_TEST_ERROR = A * sp.exp(-2 * lam * t) + sigma_eps**2 / lam * (1 - sp.exp(-lam * t)) ** 2

register(Identity(
    label="eq-teacher-student-stopping",
    lhs=MODE_TEST_ERROR,
    rhs=A * sigma_eps**2 / (lam * A + sigma_eps**2)
    + (A + sigma_eps**2 / lam) * (sp.exp(-lam * t) - sp.exp(-lam * t_star)) ** 2,
    method="simplify",
    given=[(t_star, sp.log(1 + lam * A / sigma_eps**2) / lam)],
    source="ours (the minimum of Kaplan (6.0.14) per mode)",
))

# --------------------------------------------------------------------------- ridge is the posterior mean, and beats early stopping

s_mode = sp.Symbol(r"\tilde{s}", real=True)
penalty = sp.Symbol(r"\lambda_{\mathrm{ridge}}", positive=True)

register(Identity(
    label="eq-teacher-student-posterior",
    lhs=-(s_mode - lam * z_bar) ** 2 / (2 * sigma_eps**2 * lam) - z_bar**2 / (2 * sigma_w**2),
    rhs=sp.Mul(-1, lam + penalty, (z_bar - s_mode / (lam + penalty)) ** 2, 1 / (2 * sigma_eps**2), evaluate=False)
    - penalty * s_mode**2 / (2 * sigma_eps**2 * lam * (lam + penalty)),
    method="simplify",
    given=[(penalty, sigma_eps**2 / sigma_w**2)],
    source="ours; Kaplan §6 (ridge is optimal), Advani & Saxe (2017)",
))

register(Inequality(
    label="eq-teacher-student-ridge-beats-stopping",
    lhs=sigma_w**2 * sigma_eps**2 / (lam * sigma_w**2 + sigma_eps**2),
    rhs=(sigma_w**2 + sigma_w0**2) * sigma_eps**2 / (lam * (sigma_w**2 + sigma_w0**2) + sigma_eps**2),
    relation="<=",
    source="ours; Kaplan §6",
))

# --------------------------------------------------------------------------- gradient flow at P = 200 against (6.0.14)

SIGMAS = {"sigma_w": 1.0, "sigma_eps": 0.5, "sigma_w0": 0.5}
"""The standard deviations of the flow experiment: teacher, label noise, initial weights."""
FLOW_TIMES = tuple(2.0**k for k in range(-4, 8))
"""The times at which the check (and the page's figure) compares the simulation with (6.0.14): 1/16 to 128, doubling."""
_EGEN_LATEX = (r"\frac{1}{P}\sum_{\alpha}\left[(\sigma_w^2 + \sigma_{w_0}^2)e^{-2\lambda_\alpha t} + "
               r"\frac{\sigma_\epsilon^2}{\lambda_\alpha}\left(1 - e^{-\lambda_\alpha t}\right)^2\right] + \sigma_\epsilon^2")


@functools.cache
@one_thread()
def flow_experiment(P: int, r: float, teachers: int, times: tuple, seed: int, unit_inputs: bool = False):
    """Test errors of gradient flow for ``teachers`` teachers on one data matrix, with the spectrum of its XᵀX.

    ``unit_inputs=True`` scales the inputs (training and test) to unit variance, as the notes state (erratum 28).
    Returns ``(test errors, training errors)``, each (teachers, len(times)), and the eigenvalues (P,); cached for the page, the figure and the claims.
    """
    sigmas = SIGMAS
    data = teacher_student(P, round(r * P), seed=seed, teachers=teachers, **sigmas)
    X, y = data.X, data.y
    if unit_inputs:  # the same draws, scaled: the labels keep their noise and follow the scaled inputs
        X = data.X * math.sqrt(P)
        y = data.y + data.teacher @ (X - data.X).T
    weights = gradient_flow_linear(X, y, data.w0, torch.tensor(times, dtype=torch.float64))
    errors = generalization_error(weights, data.teacher[:, None, :], sigmas["sigma_eps"])
    if unit_inputs:  # a fresh unit-variance input sees P times the squared weight error
        errors = (errors - sigmas["sigma_eps"] ** 2) * P + sigmas["sigma_eps"] ** 2
    training = (y[:, None, :] - weights @ X.T).pow(2).mean(-1)
    return errors, training, gram_spectrum(X)


def flow_check(P: int = 200, ratios=(0.5, 1.0, 2.0), teachers: int = 40, times=FLOW_TIMES, seed: int = 0,
               unit_inputs: bool = False) -> list[Measurement]:
    r"""The mean test error of gradient flow over teachers against (6.0.14) on the empirical eigenvalues, by Monte Carlo."""
    measurements = []
    for index, r in enumerate(ratios):
        errors, _, eigenvalues = flow_experiment(P, r, teachers, tuple(times), seed + index, unit_inputs)
        theory = egen_theory(eigenvalues, torch.tensor(times, dtype=torch.float64), **SIGMAS)
        for j, time in enumerate(times):
            measurements.append(Measurement.monte_carlo(
                f"r = {r:g}, t = {time:g}", errors[:, j], theory[j].item(),
                quantity=r"\mathbb{E}_{\bar w, \epsilon, w_0}\,\frac{1}{P}\left|w(t) - \bar w\right|^2 + \sigma_\epsilon^2",
                expected_latex=_EGEN_LATEX,
            ))
    return measurements


register(Numeric(
    label="eq-teacher-student-egen",
    experiment=flow_check,
    alternative=Alternative("the inputs have unit variance, as the notes state, with (6.0.14) as printed",
                            kwargs={"unit_inputs": True}),
    page={"teachers": 40},
    test={"teachers": 24, "ratios": (0.5, 2.0), "times": (0.25, 2.0, 16.0)},
    method="exact gradient flow (matrix exponential) for seeded teachers on one seeded data matrix per ratio",
    condition=Words(r"for $P$ equal to 200, $D/P$ equal to 0.5, 1 and 2, $\sigma_w$ equal to 1, "
                    r"$\sigma_\epsilon$ and $\sigma_{w_0}$ equal to 0.5, at $t$ equal to $2^k$ for $k$ from $-4$ "
                    r"to 7, inputs with variance $1/P$, averaged over 40 teachers"),
    source="Kaplan (6.0.14), inputs normalised as in Advani & Saxe (2017)",
))

# --------------------------------------------------------------------------- optimal ridge against optimal early stopping


def best_stopping_time(eigenvalues, sigma_w: float = 1.0, sigma_eps: float = 0.5,
                       sigma_w0: float = 0.0) -> tuple[float, float]:
    """The single time that minimises (6.0.14), and the minimum, by bounded scalar search in log t."""
    def error(log_time):
        return egen_theory(eigenvalues, torch.tensor([math.exp(log_time)]), sigma_w, sigma_eps, sigma_w0).item()

    result = scipy.optimize.minimize_scalar(error, bounds=(-5.0, 8.0), method="bounded", options={"xatol": 1e-9})
    return math.exp(result.x), result.fun


@functools.cache
@one_thread()
def ridge_stopping_experiment(P: int, r: float, teachers: int, seed: int):
    """Per-teacher test errors of ridge at σ_ε²/σ_w² and of gradient flow from zero stopped at the best single time."""
    sigma_w, sigma_eps = SIGMAS["sigma_w"], SIGMAS["sigma_eps"]
    data = teacher_student(P, round(r * P), sigma_w, sigma_eps, 0.0, seed=seed, teachers=teachers)
    eigenvalues = gram_spectrum(data.X)
    time, stopped_theory = best_stopping_time(eigenvalues, sigma_w, sigma_eps)
    stopped = generalization_error(gradient_flow_linear(data.X, data.y, data.w0, [time])[:, 0], data.teacher, sigma_eps)
    optimal_penalty = sigma_eps**2 / sigma_w**2
    ridge = generalization_error(ridge_fit(data.X, data.y, optimal_penalty), data.teacher, sigma_eps)
    return ridge, stopped, egen_ridge(eigenvalues, optimal_penalty, sigma_w, sigma_eps).item(), stopped_theory, time


def ridge_stopping_check(P: int = 200, ratios=(0.5, 1.0, 2.0), teachers: int = 200, seed: int = 10) -> list[Measurement]:
    r"""Ridge at :math:`\sigma_\epsilon^2/\sigma_w^2` against early stopping at its best time, on the same teachers."""
    measurements = []
    for index, r in enumerate(ratios):
        ridge, stopped, ridge_theory, stopped_theory, _ = ridge_stopping_experiment(P, r, teachers, seed + index)
        measurements.append(Measurement.monte_carlo(
            f"ridge, r = {r:g}", ridge, ridge_theory,
            quantity=r"\mathbb{E}\,E_{\mathrm{ridge}}",
            expected_latex=r"\frac{1}{P}\sum_\alpha \frac{\sigma_w^2\sigma_\epsilon^2}{\lambda_\alpha\sigma_w^2 + \sigma_\epsilon^2} + \sigma_\epsilon^2",
        ))
        measurements.append(Measurement.monte_carlo(
            f"gap, r = {r:g}", stopped - ridge, stopped_theory - ridge_theory,
            quantity=r"\mathbb{E}\,\bigl(E_{\mathrm{gen}}(t_{\mathrm{stop}}) - E_{\mathrm{ridge}}\bigr)",
            expected_latex=r"\min_t E_{\mathrm{gen}}(t) - \min_{\lambda} E_{\mathrm{ridge}}(\lambda)",
        ))
    return measurements


register(Numeric(
    label="eq-teacher-student-ridge-vs-stopping",
    experiment=ridge_stopping_check,
    alternative=Alternative("early stopping at its best time is as good as optimal ridge (a gap of 0)",
                            expected={"gap, r = 0.5": 0.0, "gap, r = 2": 0.0}),
    page={"teachers": 200},
    test={"teachers": 100, "ratios": (0.5, 2.0)},
    method="ridge and exact gradient flow from zero for seeded teachers on one seeded data matrix per ratio, "
           "paired by teacher",
    condition=Words(r"for $P$ equal to 200, $D/P$ equal to 0.5, 1 and 2, $\sigma_w$ equal to 1, $\sigma_\epsilon$ "
                    r"equal to 0.5, zero initial weights, averaged over 200 teachers"),
    source="Kaplan §6 (optimal ridge and optimal early stopping); Advani & Saxe (2017)",
))
