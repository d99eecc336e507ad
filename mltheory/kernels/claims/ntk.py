r"""Claims of the page on the neural tangent kernel (``book/kernels/ntk.md``).

Two identities are the chain rule behind the NTK recursion, for a network with one hidden layer of
:math:`n = 3` units on inputs of dimension :math:`D = 2` and a generic activation :math:`\phi`: the
gradient inner product splits into the read-out layer's part and the hidden layer's part, in the NTK
parametrisation (:math:`h = \frac{\sigma_w}{\sqrt D}Wx + \sigma_b c`,
:math:`f = \frac{\sigma_w}{\sqrt n}v\cdot\phi(h) + \sigma_b b`, all parameters standard normal) and in
the standard one (:math:`h = Wx + c`, :math:`f = v\cdot\phi(h) + b`). Sympy differentiates the network
with respect to each of its :math:`3\cdot 2 + 3 + 3 + 1 = 13` parameters.

One identity sums the steps of gradient descent along one eigenvector of the kernel. Three numeric
claims compare finite networks with the analytic kernel of
:data:`~mltheory.kernels.training.LAZY_ARCHITECTURE` across widths, from
:func:`~mltheory.kernels.training.lazy_training`.
"""

from __future__ import annotations

import sympy as sp
import torch

from ...claims import Alternative, Identity, Measurement, Numeric, Reduction, Words, register
from ..training import LAZY_ARCHITECTURE, LAZY_LEARNING_RATE, lazy_data, lazy_training, ntk_regression, power_law_fit

__all__ = ["TangentKernel", "activation", "activation_derivative", "hidden", "network"]

HIDDEN, INPUTS = 3, 2
j, k = sp.symbols("j k", integer=True, positive=True)
s_w, s_b = sp.symbols(r"\sigma_w \sigma_b", positive=True)
v, c = sp.IndexedBase("v"), sp.IndexedBase("c")
W = sp.IndexedBase("W")
b = sp.Symbol("b")
x, xp = sp.IndexedBase("x"), sp.IndexedBase("x'")


class activation_derivative(sp.Function):  # noqa: N801 - a sympy function, printed as phi'
    r""":math:`\phi'`, the derivative of the generic activation."""

    def _latex(self, printer):
        return rf"\phi'\left({printer._print(self.args[0])}\right)"


class activation(sp.Function):  # noqa: N801 - a sympy function, printed as phi
    r"""A generic differentiable activation :math:`\phi`, whose derivative is :class:`activation_derivative`."""

    def fdiff(self, argindex=1):
        return activation_derivative(self.args[0])

    def _latex(self, printer):
        return rf"\phi\left({printer._print(self.args[0])}\right)"


class hidden(sp.Function):  # noqa: N801 - a sympy function, printed as h_j(x)
    r"""The pre-activation :math:`h_j` of hidden unit ``j`` at the input ``x`` (``x`` or ``x'``); ``doit`` writes it out.

    Its third argument is 1 for the NTK parametrisation, 0 for the standard one.
    """

    def doit(self, **hints):
        unit, point, ntk = self.args
        weights = sp.Add(*(W[unit, i] * point[i] for i in range(1, INPUTS + 1)))
        if ntk:
            return s_w / sp.sqrt(INPUTS) * weights + s_b * c[unit]
        return weights + c[unit]

    def _latex(self, printer):
        unit, point, _ = self.args
        return rf"h_{{{printer._print(unit)}}}({printer._print(point)})"


def network(point, ntk: bool):
    """The network's output at ``point``, written out in its parameters."""
    units = [activation(hidden(unit, point, int(ntk)).doit()) for unit in range(1, HIDDEN + 1)]
    if ntk:
        return s_w / sp.sqrt(HIDDEN) * sp.Add(*(v[u] * a for u, a in zip(range(1, HIDDEN + 1), units))) + s_b * b
    return sp.Add(*(v[u] * a for u, a in zip(range(1, HIDDEN + 1), units))) + b


PARAMETERS = sp.Tuple(*[W[u, i] for u in range(1, HIDDEN + 1) for i in range(1, INPUTS + 1)],
                      *[c[u] for u in range(1, HIDDEN + 1)], *[v[u] for u in range(1, HIDDEN + 1)], b)


class TangentKernel(sp.Function):
    r""":math:`\nabla_\theta f(x)\cdot\nabla_\theta f(x')`, the sum over the 13 parameters; ``doit`` differentiates.

    Its argument is 1 for the NTK parametrisation, 0 for the standard one.
    """

    def doit(self, **hints):
        ntk = bool(self.args[0])
        f1, f2 = network(x, ntk), network(xp, ntk)
        return sp.Add(*(sp.diff(f1, p) * sp.diff(f2, p) for p in PARAMETERS))

    def _latex(self, printer):
        return r"\nabla_\theta f(x)\cdot\nabla_\theta f(x')"


def _sum(term):
    return sp.Sum(term, (j, 1, HIDDEN))


def _dot(ntk: bool):
    dot = sp.Sum(x[k] * xp[k], (k, 1, INPUTS))
    return s_w**2 / INPUTS * dot + s_b**2 if ntk else dot + 1


#: Differentiating and expanding is enough: both sides are polynomials in the parameters, phi and phi'.
DIFFERENTIATE = Reduction("sympy evaluates the sums and derivatives, then expands", lambda e: sp.expand(e.doit()))

_FORWARD = {ntk: (activation(hidden(j, x, int(ntk))) * activation(hidden(j, xp, int(ntk))),
                  activation_derivative(hidden(j, x, int(ntk))) * activation_derivative(hidden(j, xp, int(ntk))))
            for ntk in (True, False)}

register(Identity(
    label="eq-ntk-chain-rule",
    lhs=TangentKernel(1),
    rhs=(s_w**2 / HIDDEN * _sum(_FORWARD[True][0]) + s_b**2
         + s_w**2 / HIDDEN * _sum(v[j] ** 2 * _FORWARD[True][1]) * _dot(True)),
    method=DIFFERENTIATE,
    condition=Words(r"for one hidden layer of three units on inputs of dimension two, in the NTK "
                    r"parametrisation"),
    source="ours (the chain rule; Jacot et al. 2018, Theorem 1)",
))

register(Identity(
    label="eq-ntk-chain-rule-standard",
    lhs=TangentKernel(0),
    rhs=_sum(_FORWARD[False][0]) + 1 + _sum(v[j] ** 2 * _FORWARD[False][1]) * _dot(False),
    method=DIFFERENTIATE,
    condition=Words(r"for the same network in the standard parametrisation"),
    source="ours (the chain rule)",
))


# ------------------------------------------------------------------ gradient descent in one eigendirection of the kernel

eta, lam, m = sp.symbols(r"\eta \lambda m", positive=True)
step, steps = sp.symbols("s t", integer=True, nonnegative=True)

register(Identity(
    label="eq-ntk-mode-sum",
    lhs=sp.Sum(eta / m * (1 - eta * lam / m) ** step, (step, 0, steps - 1)),
    rhs=(1 - (1 - eta * lam / m) ** steps) / lam,
    method="doit",
    source="ours (Lee et al. 2019, eq. 9, in discrete time)",
))


def prediction_check(steps: int = 100, learning_rate: float = LAZY_LEARNING_RATE, time: str = "discrete") -> Measurement:
    r""":func:`~mltheory.kernels.training.ntk_regression` against ``steps`` explicit steps of kernel gradient descent.

    The explicit steps update the predictions on the training and test points of
    :func:`~mltheory.kernels.training.lazy_data` by :math:`-\frac{\eta}{m}\Theta(\cdot, X)(f(X) - Y)` from 0.
    ``time="continuous"`` compares with gradient flow's :math:`\Theta_{xX}\Theta_{XX}^{-1}(I - e^{-\eta t\Theta_{XX}/m})Y`
    instead (the wrong alternative).
    """
    x_train, y_train, x_test = lazy_data()
    m = len(x_train)
    gram, cross = LAZY_ARCHITECTURE.ntk(x_train, x_train), LAZY_ARCHITECTURE.ntk(x_test, x_train)
    train, test = torch.zeros_like(y_train), torch.zeros(len(x_test), dtype=y_train.dtype)
    for _ in range(steps):
        residual = train - y_train
        train, test = train - learning_rate / m * gram @ residual, test - learning_rate / m * cross @ residual
    if time == "discrete":
        closed = ntk_regression(LAZY_ARCHITECTURE, x_train, y_train, x_test, t=steps, learning_rate=learning_rate)
    else:
        flow = torch.linalg.matrix_exp(-learning_rate * steps / m * gram)
        closed = cross @ torch.linalg.solve(gram, (torch.eye(m, dtype=gram.dtype) - flow) @ y_train)
    # each step rounds once per entry of a product of m terms: at most (m + 2) u relative per step, summed over steps
    scale = float(cross.abs().sum(1).max() * y_train.abs().max() * learning_rate / m)
    tolerance = steps * (m + 2) * 2.0**-53 * scale * steps
    return Measurement.exact(
        "largest difference between the closed form and the explicit steps", float((closed - test).abs().max()), 0.0,
        tolerance=tolerance, reason=f"float64 rounding, t² (m + 2) u times the largest step, {tolerance:.2g}",
        quantity=r"\max_x \bigl|\mu_t(x) - \mu^{\text{steps}}_t(x)\bigr|", expected_latex="0")


register(Numeric(
    label="eq-ntk-prediction",
    experiment=prediction_check,
    alternative=Alternative("the gradient-flow formula with e^{-ηtΘ/m} describes t discrete steps",
                            kwargs={"time": "continuous"}),
    page={"steps": 100},
    test={"steps": 100},
    method="closed form against explicit steps, in float64",
    condition=Words(r"for the kernel and the data of the experiments below, 100 steps with learning rate 2"),
    source="ours (Lee et al. 2019, eq. 9, in discrete time)",
))


# ------------------------------------------------------------------ finite networks across widths

#: The sweep of every claim below, on the page and in the tests: the three claims share one run of lazy_training.
SWEEP = {"widths": (64, 256, 1024, 4096), "seeds": 8}

INITIAL_QUANTITY = r"\beta \text{ in } \mathrm{rms}\,\frac{\lVert\hat\Theta_n - \Theta\rVert_F}{\lVert\Theta\rVert_F} \propto n^{\beta}"


def initial_rate_check(widths=(64, 256, 1024, 4096), seeds: int = 8) -> Measurement:
    """The exponent of the relative error of the empirical NTK at initialisation, against -1/2."""
    slope, standard_error, _ = power_law_fit(widths, lazy_training(tuple(widths), seeds=seeds)["initial"])
    return Measurement.from_standard_error(
        r"exponent $\beta$ of the relative error of the empirical NTK", slope, standard_error, -0.5,
        samples=f"{seeds} networks per width", quantity=INITIAL_QUANTITY, expected_latex=r"-\tfrac12")


register(Numeric(
    label="eq-ntk-initial-rate",
    experiment=initial_rate_check,
    alternative=Alternative("the error falls like 1/n, as the variance of an average of n terms does",
                            expected={0: -1.0}),
    page=SWEEP,
    test=SWEEP,
    method="weighted log-log fit over widths",
    condition=Words(r"for a ReLU network with one hidden layer of width $n$ in the NTK parametrisation, on "
                    r"8 points of the unit circle"),
    source="ours (Jacot et al. 2018)",
))


def exponent_bound(name: str, quantity: str, widths, errors, bound: float, bound_latex: str,
                   exponent: float | None = None) -> Measurement:
    """``beta + 5 sigma <= bound`` for the weighted log-log fit of ``errors`` (shape (W, S)) across ``widths``.

    Given ``exponent``, the law ``beta = exponent`` is tested two-sided within 5 standard errors instead.
    """
    slope, standard_error, _ = power_law_fit(widths, errors)
    seeds = f"{errors.shape[1]} networks per width"
    if exponent is not None:
        return Measurement.from_standard_error(name, slope, standard_error, exponent, samples=seeds,
                                               quantity=rf"\beta,\ {quantity}")
    return Measurement.exact(f"upper end β + 5σ of the {name}", slope + 5 * standard_error, bound, relation="<=",
                             reason=f"weighted log-log fit, β = {slope:.3f}, σ = {standard_error:.2g}, {seeds}",
                             quantity=rf"\beta + 5\sigma_\beta,\ {quantity}", expected_latex=bound_latex)


def lazy_rate_check(widths=(64, 256, 1024, 4096), seeds: int = 8, exponent: float | None = None) -> Measurement:
    r"""The exponent of the relative change of the empirical NTK during training: at most -1/2 (within 5σ).

    Given ``exponent``, the law :math:`\beta =` ``exponent`` is tested two-sided instead: ``exponent=0``
    (the kernel moves by an amount that does not shrink with the width) is the wrong alternative.
    """
    return exponent_bound("exponent of the change of the empirical NTK in training",
                          r"\mathrm{rms}\,\frac{\lVert\hat\Theta_n(t) - \hat\Theta_n(0)\rVert_F}"
                          r"{\lVert\hat\Theta_n(0)\rVert_F} \propto n^{\beta}",
                          widths, lazy_training(tuple(widths), seeds=seeds)["moved"], -0.5, r"-\tfrac12", exponent)


register(Numeric(
    label="eq-ntk-lazy-rate",
    experiment=lazy_rate_check,
    alternative=Alternative("the kernel moves by an amount that does not shrink: the law β = 0, two-sided",
                            kwargs={"exponent": 0.0}),
    page=SWEEP,
    test=SWEEP,
    method="weighted log-log fit over widths, one-sided",
    condition=Words(r"for the same networks after 100 steps of gradient descent with learning rate 2 on the "
                    r"squared loss"),
    source="ours (Lee et al. 2019, Theorem 2.1)",
))


def regression_rate_check(widths=(64, 256, 1024, 4096), seeds: int = 8, against: str = "linear") -> Measurement:
    r"""The exponent of the distance between the trained network and the infinite-width prediction: below 0.

    ``against="linear"`` compares with :math:`f_0 + \mu_t` (targets :math:`Y - f_0(X)`);
    ``against="mean"`` with :math:`\mu_t` alone, forgetting the initial function (the wrong alternative).
    """
    key = {"linear": "prediction", "mean": "offset"}[against]
    return exponent_bound("exponent of the distance from the NTK prediction",
                          r"\mathrm{rms}_x\,\bigl(f_t(x) - f_0(x) - \mu_t(x)\bigr) \propto n^{\beta}",
                          widths, lazy_training(tuple(widths), seeds=seeds)[key], 0.0, "0")


register(Numeric(
    label="eq-ntk-regression-rate",
    experiment=regression_rate_check,
    alternative=Alternative("the trained network converges to the mean prediction μ_t itself, without f_0",
                            kwargs={"against": "mean"}),
    page=SWEEP,
    test=SWEEP,
    method="weighted log-log fit over widths, one-sided",
    condition=Words(r"for the same networks and training, on 64 test points of the unit circle"),
    source="ours (Lee et al. 2019)",
))
