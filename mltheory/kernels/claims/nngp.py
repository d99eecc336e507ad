r"""Claims of the page "Infinite width: the NNGP" (``book/kernels/nngp.md``).

- Williams's erf kernel: the Gaussian integral :math:`E[\operatorname{erf}'(u)\operatorname{erf}'(v)]` and
  :math:`E[\operatorname{erf}(u)] = 0` (identities), which with Price's identity of
  :mod:`~mltheory.kernels.claims.price` give the arcsine formula.
- The output of a random network with one hidden layer of width :math:`n` has excess kurtosis
  :math:`(3E\phi^4/(E\phi^2)^2 - 3)/n`, which is :math:`15/n` for a ReLU (identity), and the measured
  kurtosis follows it (numeric): the central limit theorem at work.
- The analytic NNGP kernels of ReLU and erf networks of depth 1 to 3 agree with the mean kernel of
  finite networks of width 1024 (numeric).
- The posterior of a Gaussian process: conditioning a Gaussian pair (identity), and the residual of the
  posterior mean on networks drawn from the prior (numeric).
"""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch

from ...runtime import one_thread
from ...claims import Alternative, Domain, Identity, Measurement, Numeric, register
from ..inference import nngp_posterior
from ..layers import Dense, Erf, Relu, serial
from ..monte_carlo import empirical_nngp

__all__ = [
    "KURTOSIS_WIDTHS",
    "MONTE_CARLO_INPUTS",
    "REGRESSION_MODEL",
    "kurtosis_check",
    "kurtosis_model",
    "monte_carlo_models",
    "one_hidden_layer_outputs",
    "posterior_residual_check",
    "regression_data",
]

# --------------------------------------------------------------------------- the output tends to a Gaussian

h = sp.Symbol("h", real=True)
q = sp.Symbol("q", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
_normal = sp.exp(-h**2 / (2 * q)) / sp.sqrt(2 * sp.pi * q)


def _relu_moment(power: int):
    """:math:`E[\\max(h, 0)^k]` for :math:`h \\sim \\mathcal N(0, q)`, as an unevaluated integral."""
    return sp.Integral(h**power * _normal, (h, 0, sp.oo))


register(Identity(
    label="eq-relu-output-kurtosis",
    lhs=(3 * _relu_moment(4) / _relu_moment(2) ** 2 - 3) / n,
    rhs=15 / n,
    method="doit",
    source="ours (cumulants of a sum of n independent terms)",
))

KURTOSIS_WIDTHS = (4, 16, 64, 1024)
"""Widths at which the excess kurtosis of the output is measured."""


def kurtosis_model(activation: str = "relu"):
    """The network whose output kurtosis is measured: one hidden layer, :math:`\\sigma_w = 1`, no biases."""
    return serial(Dense(1.0), Relu() if activation == "relu" else Erf(), Dense(1.0))


def one_hidden_layer_outputs(width: int, samples: int, seed: int, activation: str = "relu",
                             chunk: int = 4_000_000) -> torch.Tensor:
    r"""Outputs at one input of ``samples`` independent random networks of :func:`kurtosis_model`.

    At an input with :math:`\lVert x\rVert^2/D = 1` the pre-activations :math:`h_j` of the hidden layer
    are independent standard normals, and the output is
    :math:`f = n^{-1/2}\sum_j v_j\,\phi(h_j)` with independent standard normal read-out weights
    :math:`v_j`: the networks are drawn in that form, ``chunk`` numbers at a time.
    """
    generator = torch.Generator().manual_seed(seed)
    phi = torch.relu if activation == "relu" else torch.erf
    rows = max(1, chunk // width)
    outputs = []
    for start in range(0, samples, rows):
        size = min(rows, samples - start)
        hidden = torch.randn(size, width, generator=generator, dtype=torch.float64)
        readout = torch.randn(size, width, generator=generator, dtype=torch.float64)
        outputs.append((readout * phi(hidden)).sum(-1) / math.sqrt(width))
    return torch.cat(outputs)


@functools.lru_cache(maxsize=2)
def kurtosis_check(widths=KURTOSIS_WIDTHS, samples: int = 40_000, seed: int = 0) -> list[Measurement]:
    r"""The excess kurtosis :math:`E f^4/K^2 - 3` of the output of random ReLU networks, against :math:`15/n`.

    The variance :math:`E f^2 = K` is the analytic NNGP kernel, exact at every width for one hidden
    layer, so :math:`f^4/K^2 - 3` averages to the excess kurtosis without bias: a plain Monte Carlo mean.
    """
    model = kurtosis_model()
    variance = float(model.nngp([[1.0]], [[1.0]]))
    measurements = []
    for k, width in enumerate(widths):
        outputs = one_hidden_layer_outputs(width, samples, seed + k)
        measurements.append(Measurement.monte_carlo(
            f"excess kurtosis at n = {width}", outputs**4 / variance**2 - 3, 15 / width,
            quantity=rf"\kappa_{{{width}}}", expected_latex=rf"15/{width}"))
    return measurements


register(Numeric(
    label="eq-nngp-kurtosis",
    experiment=kurtosis_check,
    alternative=Alternative("the excess kurtosis falls like 15/√n, the Berry–Esseen rate of the CLT",
                            expected={f"excess kurtosis at n = {w}": 15 / math.sqrt(w) for w in KURTOSIS_WIDTHS}),
    page={"samples": 40_000, "seed": 0},
    test={"samples": 50_000, "seed": 100},
    method="Monte Carlo over random networks",
    source="ours; Neal (1996)",
))

# --------------------------------------------------------------------------- Williams's erf kernel


def _gaussian_integrals(expr):
    """sympy evaluates the Gaussian integrals one variable at a time (each exponent is negative definite), then simplifies."""

    def evaluate(integral):
        value = integral.function
        for limits in integral.limits:
            value = sp.integrate(sp.expand(value), limits, conds="none")
            # factored exponents show sympy that each remaining Gaussian integral converges
            value = sp.simplify(value).replace(sp.exp, lambda argument: sp.exp(sp.factor(argument)))
        return value

    return sp.simplify(expr.replace(lambda e: isinstance(e, sp.Integral), evaluate))


a, d = sp.symbols("a d", positive=True)
b = sp.Symbol("b", real=True)
z1, z2 = sp.symbols("z_1 z_2", real=True)
_standard = sp.exp(-(z1**2 + z2**2) / 2) / (2 * sp.pi)

register(Identity(
    label="eq-erf-derivative-kernel",
    lhs=4 / sp.pi * sp.Integral(sp.exp(-(a * z1) ** 2 - (b * z1 + d * z2) ** 2) * _standard,
                                (z2, -sp.oo, sp.oo), (z1, -sp.oo, sp.oo)),
    rhs=4 / (sp.pi * sp.sqrt((1 + 2 * a**2) * (1 + 2 * (b**2 + d**2)) - 4 * (a * b) ** 2)),
    method=_gaussian_integrals,
    source="Williams (1997); derivation ours",
))

register(Identity(
    label="eq-erf-odd-mean",
    lhs=sp.Integral(sp.erf(a * h) * sp.exp(-h**2 / 2) / sp.sqrt(2 * sp.pi), (h, -sp.oo, sp.oo)),
    rhs=0,
    method="doit",
    source="ours",
))

# --------------------------------------------------------------------------- the analytic kernels against finite networks

MONTE_CARLO_INPUTS = torch.tensor([[1.0, 0.0, 0.5], [0.3, -1.0, 0.2], [-0.8, 0.4, 1.0], [0.0, 0.6, -0.7]],
                                  dtype=torch.float64)
"""Four inputs of dimension 3, with different lengths and angles (one pair obtuse)."""


def monte_carlo_models(bias_std: float = 0.5) -> dict:
    """The architectures checked by Monte Carlo: ReLU (:math:`\\sigma_w^2 = 2`) and erf (:math:`\\sigma_w = 1.5`), depths 1–3."""
    models = {}
    for name, activation, weight_std in (("ReLU", Relu, math.sqrt(2)), ("erf", Erf, 1.5)):
        for depth in (1, 2, 3):
            hidden = [layer for _ in range(depth) for layer in (Dense(weight_std, bias_std), activation())]
            models[(name, depth)] = serial(*hidden, Dense(weight_std, bias_std))
    return models


@functools.lru_cache(maxsize=2)
def monte_carlo_check(networks: int = 100, width: int = 1024, seed: int = 0,
                      expected_bias_std: float = 0.5) -> list[Measurement]:
    r"""Relative Frobenius error of the mean empirical NNGP of ``networks`` networks against the analytic kernel.

    The standard error of the mean kernel in Frobenius norm, :math:`\sqrt{\sum_{ij}\widehat{\operatorname{Var}}K_{ij}/S}`,
    is the root-mean-square size of the error when the analytic kernel is the mean; each error must be
    within 5 of them, and within 0.04 (the bound that neural-tangents' own tests use). At depth 1 the
    mean of the empirical kernels is the analytic kernel exactly; deeper, it differs by :math:`O(1/n)`.
    With ``expected_bias_std=0`` the analytic kernels omit the bias variances (the wrong alternative).
    """
    measurements = []
    expected = monte_carlo_models(expected_bias_std)
    for key, model in monte_carlo_models().items():
        kernels = empirical_nngp(model, MONTE_CARLO_INPUTS, width, networks, seed=seed).double()
        exact = expected[key].nngp(MONTE_CARLO_INPUTS, MONTE_CARLO_INPUTS)
        norm = float(torch.linalg.matrix_norm(exact))
        error = float(torch.linalg.matrix_norm(kernels.mean(0) - exact)) / norm
        standard_error = float((kernels.var(0).sum() / networks).sqrt()) / norm
        quantity = r"\lVert \bar K_{1024} - K\rVert_F / \lVert K\rVert_F"
        what = f"{key[0]}, depth {key[1]}"
        measurements.append(Measurement.from_standard_error(
            f"relative error, {what}", error, standard_error, 0.0, relation="<=",
            samples=f"{networks} networks", quantity=quantity, expected_latex=r"5\,\mathrm{se}"))
        measurements.append(Measurement.exact(
            f"relative error within 0.04, {what}", error, 0.04, relation="<=",
            reason="the acceptance bound of neural-tangents' tests", quantity=quantity, expected_latex="0.04"))
    return measurements


register(Numeric(
    label="eq-nngp-monte-carlo",
    experiment=monte_carlo_check,
    alternative=Alternative("the kernels without the bias variances σ_b² (the arc-cosine and Williams kernels "
                            "composed as they stand)", kwargs={"expected_bias_std": 0.0}),
    page={"networks": 100, "seed": 0},
    test={"networks": 100, "seed": 1000},
    method="Monte Carlo over finite networks of width 1024 (ReLU and erf, depths 1–3)",
    source="Lee et al. (2018); Cho & Saul (2009); Williams (1997)",
))

# --------------------------------------------------------------------------- the posterior

k_xx, p_xx, s2 = sp.symbols(r"K_{xx} K_{**} \sigma^2", positive=True)
k_x = sp.Symbol(r"K_{*x}", real=True)
y, f = sp.symbols("y f_*", real=True)
w = sp.Symbol("w", positive=True)


_joint = sp.ImmutableMatrix([[k_xx + s2, k_x], [k_x, p_xx]])
_pair = sp.ImmutableMatrix([y, f])
POSTERIOR_MEAN = k_x * y / (k_xx + s2)
POSTERIOR_VARIANCE = p_xx - k_x**2 / (k_xx + s2)

register(Identity(
    label="eq-gp-conditional",
    lhs=sp.MatMul(_pair.T, sp.Inverse(_joint), _pair, evaluate=False),
    rhs=sp.ImmutableMatrix([[y**2 / (k_xx + s2) + (f - POSTERIOR_MEAN) ** 2 / POSTERIOR_VARIANCE]]),
    method="doit",
    substitutions=((p_xx, k_x**2 / (k_xx + s2) + w),),
    condition=Domain(p_xx, sp.Interval.open(k_x**2 / (k_xx + s2), sp.oo)),
    source="ours (Rasmussen & Williams 2006, §2.2)",
))

REGRESSION_MODEL = serial(Dense(2.0, 1.0), Erf(), Dense(1.5, 0.0))
"""The network of the regression example: one hidden erf layer."""


def regression_data(points: int = 8, noise_var: float = 0.01, seed: int = 0):
    """``points`` noisy observations of :math:`\\sin(2x)` at seeded inputs in [-2, 2], as ``(x, y)`` of shapes (N, 1), (N,)."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.sort(4 * torch.rand(points, generator=generator, dtype=torch.float64) - 2).values.unsqueeze(-1)
    noise = math.sqrt(noise_var) * torch.randn(points, generator=generator, dtype=torch.float64)
    return x, torch.sin(2 * x[:, 0]) + noise


POSTERIOR_TEST_INPUTS = torch.tensor([[-2.5], [-1.0], [0.0], [0.7], [2.5]], dtype=torch.float64)


@functools.lru_cache(maxsize=2)
@one_thread()
def posterior_residual_check(networks: int = 2000, width: int = 256, noise_var: float = 0.01, seed: int = 0,
                             add_noise: bool = False) -> list[Measurement]:
    r"""Mean squared residual of the posterior mean on data drawn from finite networks, against the posterior variance.

    Each network :math:`f` of :data:`REGRESSION_MODEL` at width ``width`` gives observations
    :math:`y = f(X) + \varepsilon`; :func:`~mltheory.kernels.inference.nngp_posterior` predicts :math:`f(x_*)`
    from them. For one hidden layer the covariance of :math:`f` is the NNGP kernel exactly at every
    width, so :math:`E[(f(x_*) - m(x_*))^2] = \Sigma(x_*, x_*)` exactly, Gaussian or not. With
    ``add_noise=True`` the expected values are :math:`\Sigma + \sigma^2`, the variance of a new noisy
    observation instead of the function (the wrong alternative).
    """
    x_train, _ = regression_data(noise_var=noise_var)
    inputs = torch.cat([x_train, POSTERIOR_TEST_INPUTS])
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        outputs = torch.stack([REGRESSION_MODEL.network(width, seed + s, input_dim=1)(inputs)[:, 0]
                               for s in range(networks)], dim=-1)
    train = outputs[: len(x_train)]
    observed = train + math.sqrt(noise_var) * torch.randn(train.shape, generator=generator, dtype=torch.float64)
    mean, covariance = nngp_posterior(REGRESSION_MODEL, x_train, observed, POSTERIOR_TEST_INPUTS, noise_var)
    residual = outputs[len(x_train):] - mean
    expected = covariance.diagonal() + (noise_var if add_noise else 0.0)
    return [
        Measurement.monte_carlo(
            f"mean squared residual at x = {float(point):g}", residual[j] ** 2, float(expected[j]),
            quantity=r"E\big[(f(x_*) - m(x_*))^2\big]",
            expected_latex=r"\Sigma(x_*, x_*) + \sigma^2" if add_noise else r"\Sigma(x_*, x_*)")
        for j, point in enumerate(POSTERIOR_TEST_INPUTS[:, 0])
    ]


register(Numeric(
    label="eq-nngp-posterior-residual",
    experiment=posterior_residual_check,
    alternative=Alternative("the predictive variance of a noisy observation, Σ + σ², instead of the function's",
                            kwargs={"add_noise": True}),
    page={"networks": 2000, "seed": 0},
    test={"networks": 3000, "seed": 50_000},
    method="Monte Carlo over finite networks of width 256 drawn from the prior",
    source="ours; Neal (1996); Lee et al. (2018)",
))
