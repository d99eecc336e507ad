"""Claims of the page "GANs as games" (``book/generative/gans.md``)."""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Words, register
from ...distances.claims import JSD, P, Q, i, n
from ...estimation.symbolic import notation
from ..gans import dirac_gan, fit_discriminator, game_jacobian, gaussian_mixture, optimal_discriminator

p, q, t = sp.symbols("p q t", positive=True)
D = sp.Symbol("D", positive=True)
ell = sp.Symbol("ell", real=True)
theta, psi = sp.symbols("theta psi", real=True)
lam = sp.Symbol("lambda")
eta, c, gamma = sp.symbols("eta c gamma", positive=True)
k = sp.Symbol("k", integer=True, positive=True)
f = sp.Function("f")

# --------------------------------------------------------------------------- the optimal discriminator

#: The value's integrand at one point, as a function of the discriminator's output ``D`` there.
POINTWISE_VALUE = p * sp.log(D) + q * sp.log(1 - D)

register(Identity(
    label="eq-gan-optimal-discriminator",
    lhs=sp.Subs(sp.Derivative(POINTWISE_VALUE, D), D, p / (p + q)),
    rhs=sp.Integer(0),
    method="doit",
    source="Goodfellow et al. (2014), Proposition 1",
))

register(Inequality(
    label="eq-gan-discriminator-concave",
    lhs=sp.Derivative(POINTWISE_VALUE, (D, 2)),
    rhs=sp.Integer(0),
    relation="<",
    method="doit",
    substitutions=((D, 1 / (1 + t)),),
    condition=Domain(D, sp.Interval.open(0, 1)),
    source="Goodfellow et al. (2014), Proposition 1",
))

_at_optimum = sp.Sum(P[i] * sp.log(P[i] / (P[i] + Q[i])) + Q[i] * sp.log(Q[i] / (P[i] + Q[i])), (i, 1, n))
register(Identity(
    label="eq-gan-value-jsd",
    lhs=_at_optimum,
    rhs=-sp.log(4) + 2 * JSD(),
    method="sums",
    given=((sp.Sum(P[i], (i, 1, n)), 1), (sp.Sum(Q[i], (i, 1, n)), 1)),
    condition=Words("for probability vectors $p$ (data) and $q$ (generator) with positive entries"),
    source="Goodfellow et al. (2014), Theorem 1",
))

# --------------------------------------------------------------------------- saturation

Sigmoid = notation("GanSigmoid", r"\sigma(#1)", lambda x: 1 / (1 + sp.exp(-x)))
"""The logistic function, printed as σ(ℓ): the discriminator's output ``D = σ(ℓ)`` on a generated sample."""

MINIMAX_GENERATOR = sp.log(1 - Sigmoid(ell))
NONSATURATING_GENERATOR = -sp.log(Sigmoid(ell))

register(Identity(
    label="eq-gan-minimax-gradient",
    lhs=sp.Derivative(MINIMAX_GENERATOR, ell),
    rhs=-Sigmoid(ell),
    method="doit",
    source="Kaplan §7.4 (L2243)",
))

register(Identity(
    label="eq-gan-nonsaturating-gradient",
    lhs=sp.Derivative(NONSATURATING_GENERATOR, ell),
    rhs=sp.Mul(-1, 1 - Sigmoid(ell), evaluate=False),
    method="doit",
    source="Kaplan §7.4 (7.4.1)",
))

register(Identity(
    label="eq-gan-saturation",
    lhs=sp.ImmutableMatrix([sp.Limit(-Sigmoid(ell), ell, -sp.oo), sp.Limit(-(1 - Sigmoid(ell)), ell, -sp.oo)]),
    rhs=sp.ImmutableMatrix([0, -1]),
    method="doit",
    source="Kaplan §7.4 (L2243)",
))

register(Identity(
    label="eq-gan-gradient-ratio",
    lhs=sp.Derivative(NONSATURATING_GENERATOR, ell) / sp.Derivative(MINIMAX_GENERATOR, ell),
    steps=((1 - Sigmoid(ell)) / Sigmoid(ell),),
    rhs=sp.exp(-ell),
    show_steps=True,
    method="doit",
    source="ours (Goodfellow et al. 2014, §3)",
))

# --------------------------------------------------------------------------- the Dirac-GAN: eigenvalues

#: The Dirac-GAN's value: data at 0, generator at θ, discriminator logit ψx.
DIRAC_VALUE = f(psi * theta) + f(0)
#: The simultaneous gradient field (v_θ, v_ψ) = (−∂V/∂θ, ∂V/∂ψ): the generator descends, the
#: discriminator ascends.
DIRAC_FIELD = tuple(
    notation(name, tex, lambda a, b, v=v: v.subs({theta: a, psi: b}, simultaneous=True))(theta, psi)
    for name, tex, v in (("DiracGeneratorVelocity", r"v_{\theta}", -sp.diff(DIRAC_VALUE, theta)),
                         ("DiracDiscriminatorVelocity", r"v_{\psi}", sp.diff(DIRAC_VALUE, psi))))
_origin = ((theta, psi), (0, 0))
_slope = sp.Subs(sp.Derivative(f(t), t), t, 0)  # f'(0)

register(Identity(
    label="eq-dirac-jacobian",
    lhs=sp.ImmutableMatrix([[sp.Subs(sp.Derivative(v, x), *_origin) for x in (theta, psi)] for v in DIRAC_FIELD]),
    rhs=sp.ImmutableMatrix([[0, -_slope], [_slope, 0]]),
    method="doit",
    source="Mescheder, Geiger and Nowozin (2018), §2",
))

DIRAC_JACOBIAN = sp.ImmutableMatrix([[0, -c], [c, 0]])
R1_JACOBIAN = sp.ImmutableMatrix([[0, -c], [c, -gamma]])
_root = sp.sqrt(gamma**2 - 4 * c**2)

register(Identity(
    label="eq-dirac-characteristic",
    lhs=sp.Determinant(sp.ImmutableMatrix(lam * sp.eye(2) - DIRAC_JACOBIAN)),
    rhs=(lam - sp.I * c) * (lam + sp.I * c),
    method="doit",
    given=((c, _slope),),
    source="Mescheder, Geiger and Nowozin (2018), Lemma 2.2",
))

register(Identity(
    label="eq-dirac-r1-characteristic",
    lhs=sp.Determinant(sp.ImmutableMatrix(lam * sp.eye(2) - R1_JACOBIAN)),
    rhs=(lam - (-gamma + _root) / 2) * (lam - (-gamma - _root) / 2),
    method="doit",
    given=((c, _slope),),
    source="Mescheder, Geiger and Nowozin (2018), §4.1",
))

# the unrolled step on the linearised game V = c θ ψ: k ascent steps move ψ to ψ + kηcθ exactly
Bracketed = notation("GanBracketed", r"\left[#1\right]", lambda e: e)
_bilinear = Bracketed(c * theta * psi)
_unrolled_value = Bracketed(c * theta * (psi + k * eta * c * theta))
UNROLLED_STEP = sp.ImmutableMatrix([[1 - 2 * k * eta**2 * c**2, -eta * c], [eta * c, 1]])

register(Identity(
    label="eq-dirac-unrolled-step",
    lhs=sp.ImmutableMatrix([theta - eta * sp.Derivative(_unrolled_value, theta),
                            psi + eta * sp.Derivative(_bilinear, psi)]),
    rhs=sp.MatMul(UNROLLED_STEP, sp.ImmutableMatrix([theta, psi]), evaluate=False),
    method="doit",
    source="ours (Metz et al. 2017 on the Dirac-GAN)",
))

register(Identity(
    label="eq-dirac-unrolled-determinant",
    lhs=sp.Determinant(UNROLLED_STEP),
    rhs=1 - (2 * k - 1) * eta**2 * c**2,
    method="doit",
    source="ours",
))


# --------------------------------------------------------------------------- the Dirac-GAN: runs

#: The runs of the page: method, and its keyword arguments (the source's lr 0.1 and γ = 1).
DIRAC_RUNS = {
    "simultaneous": dict(method="simultaneous"),
    "unrolled, k = 1": dict(method="unrolled", k=1),
    "unrolled, k = 5": dict(method="unrolled", k=5),
    "unrolled, k = 10": dict(method="unrolled", k=10),
    "R1, γ = 1": dict(method="r1", gamma=1.0),
}
_TEX = {"simultaneous": r"\mathrm{sim}", "unrolled, k = 1": "k=1", "unrolled, k = 5": "k=5",
        "unrolled, k = 10": "k=10", "R1, γ = 1": r"\mathrm{R1}"}


@functools.lru_cache(maxsize=8)
def dirac_runs(steps: int = 5000, lr: float = 0.1) -> dict[str, torch.Tensor]:
    """The paths of :data:`DIRAC_RUNS` from (1, 1), ``steps`` steps of size ``lr`` each."""
    return {name: dirac_gan(steps=steps, lr=lr, **kwargs) for name, kwargs in DIRAC_RUNS.items()}


def dirac_norms_check(steps: int = 5000, lr: float = 0.1):
    r"""The distance from the equilibrium after ``steps`` steps, against the values the source reports.

    The source gives two decimals for simultaneous steps (1.41 → 3.63) and one significant digit for unrolling
    with k = 1 (3e-3): the tolerance is half a unit of the last digit given. For k = 5 and 10 it reports
    about 5e-12 and 2e-12, which the runs must at least reach.
    """
    runs = dirac_runs(steps, lr)
    norm = {name: path[-1].norm().item() for name, path in runs.items()}
    return [
        Measurement.exact("simultaneous, start", runs["simultaneous"][0].norm().item(), math.sqrt(2),
                          tolerance=1e-15, reason="float64 rounding",
                          quantity=r"\|(\theta_0, \psi_0)\|", expected_latex=r"\sqrt2"),
        Measurement.exact("simultaneous, end", norm["simultaneous"], 3.63, tolerance=0.005,
                          reason="half a unit of the source's second decimal",
                          quantity=rf"\|(\theta, \psi)^{{\mathrm{{sim}}}}_{{{steps}}}\|", expected_latex="3.63"),
        Measurement.exact("unrolled k = 1, end", norm["unrolled, k = 1"], 3e-3, tolerance=5e-4,
                          reason="half a unit of the source's one significant digit",
                          quantity=rf"\|(\theta, \psi)^{{k=1}}_{{{steps}}}\|", expected_latex=r"3 \times 10^{-3}"),
        Measurement.exact("unrolled k = 5, end", norm["unrolled, k = 5"], 5e-12, relation="<=",
                          reason="the source's value as an upper bound",
                          quantity=rf"\|(\theta, \psi)^{{k=5}}_{{{steps}}}\|", expected_latex=r"5 \times 10^{-12}"),
        Measurement.exact("unrolled k = 10, end", norm["unrolled, k = 10"], 2e-12, relation="<=",
                          reason="the source's value as an upper bound",
                          quantity=rf"\|(\theta, \psi)^{{k=10}}_{{{steps}}}\|", expected_latex=r"2 \times 10^{-12}"),
    ]


register(Numeric(
    label="eq-dirac-norms",
    experiment=dirac_norms_check,
    alternative=Alternative("simultaneous gradient descent/ascent converges to the equilibrium",
                            expected={"simultaneous, end": 0.0}),
    page={"steps": 5000},
    test={"steps": 5000},
    method="the Dirac-GAN trained from (1, 1) with step 0.1",
    condition=Words("from $(1, 1)$ with step $0.1$"),
    source="toy D3 of the paper summaries (Mescheder, Geiger and Nowozin 2018)",
))


def predicted_rate(method: str, lr: float, k: int = 1, gamma: float = 1.0, slope: float = 0.5) -> float:
    r"""The spectral radius of the linearised step, from the closed forms of the eigenvalue claims.

    Simultaneous: :math:`|1 \pm i\eta c| = \sqrt{1 + \eta^2c^2}`. Unrolled (complex pair while
    :math:`k\eta c < 1`): :math:`\sqrt{\det M_k} = \sqrt{1 - (2k - 1)\eta^2c^2}`. R1: the larger
    :math:`|1 + \eta\lambda_\pm|` with :math:`\lambda_\pm = (-\gamma \pm \sqrt{\gamma^2 - 4c^2})/2`. Here
    :math:`c = f'(0) = 1/2`.
    """
    if method == "simultaneous":
        return math.sqrt(1 + (lr * slope) ** 2)
    if method == "unrolled":
        return math.sqrt(1 - (2 * k - 1) * (lr * slope) ** 2)
    root = complex(gamma**2 - 4 * slope**2) ** 0.5
    return max(abs(1 + lr * (-gamma + s * root) / 2) for s in (1, -1))


def dirac_rates_check(steps: int = 1000, lr: float = 0.1, distance: float = 1e-6):
    r"""The measured rate per step near the equilibrium, :math:`(\|x_n\| / \|x_0\|)^{1/n}`, for each method.

    Each run starts at ``distance`` from the equilibrium, where the step is linear up to a relative
    :math:`O(10^{-12})`. For the linear map :math:`M` (:func:`~mltheory.generative.game_jacobian`, by automatic
    differentiation) the ratio lies between the extreme singular values of :math:`M^n`, so the measured rate
    lies within their n-th roots of the spectral radius: that interval, plus 1e-10 for rounding and the
    remainder, is the tolerance.
    """
    start = torch.tensor([distance, distance], dtype=torch.float64) / math.sqrt(2)
    measurements = []
    for name, kwargs in DIRAC_RUNS.items():
        path = dirac_gan(steps=steps, lr=lr, start=start, **kwargs)
        rate = (path[-1].norm() / path[0].norm()).item() ** (1 / steps)
        singular = torch.linalg.svdvals(torch.linalg.matrix_power(game_jacobian(lr=lr, **kwargs), steps))
        low, high = (s.item() ** (1 / steps) for s in (singular[-1], singular[0]))
        expected = predicted_rate(lr=lr, **kwargs)
        tolerance = max(high - expected, expected - low, 0.0) + 1e-10
        measurements.append(Measurement.exact(
            name, rate, expected, tolerance=tolerance,
            reason=f"singular values of M^{steps} bound the rate to [{low:.6f}, {high:.6f}], plus 1e-10",
            quantity=rf"\rho_{{{_TEX[name]}}}", expected_latex=rf"\rho(M_{{{_TEX[name]}}})"))
    return measurements


register(Numeric(
    label="eq-dirac-rates",
    experiment=dirac_rates_check,
    alternative=Alternative("simultaneous steps follow the continuous-time flow, which circles the equilibrium "
                            "at a constant distance (rate 1)", expected={"simultaneous": 1.0}),
    page={"steps": 1000},
    test={"steps": 1500},
    method="the Dirac-GAN trained from distance 1e-6 with step 0.1; the rate against the linearised step's eigenvalues",
    condition=Words(r"over the steps from distance $10^{-6}$, with step $0.1$"),
    source="ours (Mescheder, Geiger and Nowozin 2018)",
))


# --------------------------------------------------------------------------- the discriminator of a 1-D mixture

#: The data of the discriminator experiment: two modes, at ±2 with sd 0.5; the generator covers only the right one.
DATA_MEANS, DATA_SD, GENERATOR_MEAN = (-2.0, 2.0), 0.5, 2.0


@functools.lru_cache(maxsize=4)
def discriminator_experiment(n: int = 2000, steps: int = 800, seed: int = 0):
    """The data density, the collapsed generator's density, and a discriminator trained on ``n`` samples of each."""
    data_density, data_sample = gaussian_mixture(DATA_MEANS, DATA_SD)
    generator_density, generator_sample = gaussian_mixture([GENERATOR_MEAN], DATA_SD)
    rng = torch.Generator().manual_seed(seed)
    net = fit_discriminator(data_sample(n, rng), generator_sample(n, rng), steps=steps, seed=seed)
    return data_density, generator_density, net


def _values(x: torch.Tensor, data_density, generator_density, net):
    """V(D̂), V(D*) and ∫(p + q)(D̂ − D*)² by the trapezoid rule on the grid ``x``."""
    p_x, q_x = data_density(x), generator_density(x)
    with torch.no_grad():
        logit = net(x[:, None]).squeeze(-1)
    log_d, log_not_d = -torch.nn.functional.softplus(-logit), -torch.nn.functional.softplus(logit)
    best = optimal_discriminator(p_x, q_x)
    trained = torch.trapezoid(p_x * log_d + q_x * log_not_d, x).item()
    xlogx = torch.special.xlogy  # p log(p/(p+q)) + q log(q/(p+q)), finite where D* rounds to 0 or 1
    optimal = torch.trapezoid(xlogx(p_x, p_x) + xlogx(q_x, q_x) - xlogx(p_x + q_x, p_x + q_x), x).item()
    distance = torch.trapezoid((p_x + q_x) * (torch.sigmoid(logit) - best) ** 2, x).item()
    return trained, optimal, distance


def discriminator_gap_check(n: int = 2000, steps: int = 800, seed: int = 0, grid: int = 4001):
    r"""A trained discriminator against :math:`D^*`: its value is below the optimum, and the gap bounds its distance.

    For every :math:`D`, :math:`V(D^*) - V(D) = \int (p + q)\,\mathrm{KL}(\mathrm{Bern}(D^*) \,\|\, \mathrm{Bern}(D))`
    and Pinsker's inequality bounds each KL below by :math:`2(D - D^*)^2`, so
    :math:`\int (p + q)(D - D^*)^2 \le \tfrac12 [V(D^*) - V(D)]`. The integrals are trapezoid sums on ``grid``
    points of [−6, 6]; the tolerance is their change when the spacing is halved.
    """
    densities = discriminator_experiment(n, steps, seed)
    fine = _values(torch.linspace(-6, 6, 2 * grid - 1, dtype=torch.float64), *densities)
    coarse = _values(torch.linspace(-6, 6, grid, dtype=torch.float64), *densities)
    quadrature = max(abs(a - b) for a, b in zip(fine, coarse))
    trained, optimal, distance = fine
    return [
        Measurement.exact("V(D̂)", trained, optimal, tolerance=quadrature, relation="<=",
                          reason="trapezoid rule, its change on halving the spacing",
                          quantity=r"V(\hat D)", expected_latex=r"V(D^*) = -\log 4 + 2\,\mathrm{JSD}(p \,\|\, q)"),
        Measurement.exact("weighted squared distance", distance, (optimal - trained) / 2, tolerance=quadrature,
                          relation="<=", reason="trapezoid rule, its change on halving the spacing",
                          quantity=r"\int (p + q)(\hat D - D^*)^2\,dx",
                          expected_latex=r"\tfrac12\bigl[V(D^*) - V(\hat D)\bigr]"),
    ]


register(Numeric(
    label="eq-gan-discriminator-gap",
    experiment=discriminator_gap_check,
    alternative=Alternative("no discriminator does better than the equilibrium value −log 4",
                            expected={"V(D̂)": -math.log(4)}),
    page={"n": 2000, "steps": 800},
    test={"n": 1000, "steps": 250, "seed": 1},
    method="an MLP discriminator trained on 2000 samples of each distribution; integrals on a grid",
    condition=Words(r"for data with modes at $\pm 2$ and a generator covering only the mode at $2$"),
    source="ours (Goodfellow et al. 2014, Proposition 1)",
))
