r"""Claims of the page "A classifier, end to end" (``book/kernels/classifier.md``).

- The softmax is invariant under a common shift of the logits (identity, any number of classes); the
  sigmoid is the softmax of two classes (identity, erratum 22).
- ``torch.log_softmax`` is exact to rounding at logits where the softmax as written overflows (numeric).
- The gradient of the cross-entropy with respect to the logits is :math:`p - y` (identity for three
  classes; numeric against autograd).
- Permuting hidden units, and rescaling ReLU units by positive factors, leave a network's function
  unchanged up to a proven float64 rounding bound (numeric).
- A random ReLU layer has, on average, :math:`1 + n\frac{2}{\pi}\arctan(\ell/s)` linear regions on a
  segment (identity for the probability, numeric for the count).
- The digits MLP reaches about 97 % test accuracy (numeric, binomial standard error).
"""

from __future__ import annotations

import math

import mpmath
import sympy as sp
import torch
from torch import nn

from ...claims import Alternative, Identity, Measurement, Numeric, Reduction, Words, register
from ...networks import mlp
from ..classifier import (
    logit_gradient,
    permute_hidden_units,
    regions_against_depth,
    rescale_hidden_units,
    train_digits_classifier,
)

__all__ = [
    "DIGITS",
    "EXPECTED_ACCURACY",
    "forward_error_bound",
    "CrossEntropy",
    "Probability",
]

UNIT_ROUNDOFF = 2.0**-53

# --------------------------------------------------------------------------- softmax

a, y = sp.IndexedBase("a"), sp.IndexedBase("y")
i, j, K = sp.symbols("i j K", integer=True, positive=True)
c = sp.Symbol("c", real=True)


def _softmax(index, shift=0):
    return sp.exp(a[index] - shift) / sp.Sum(sp.exp(a[j] - shift), (j, 1, K))


register(Identity(
    label="eq-softmax-shift",
    lhs=_softmax(i, c),
    rhs=_softmax(i),
    source="Kaplan (1.8.1)",
))

x = sp.Symbol("x", real=True)
register(Identity(
    label="eq-sigmoid-two-class-softmax",
    lhs=sp.exp(x) / (sp.exp(x) + sp.exp(0, evaluate=False)),
    rhs=1 / (1 + sp.exp(-x)),
    source="Kaplan (5.1.1), corrected (erratum 22)",
))


def _exact_log_softmax(offsets: list[int]) -> torch.Tensor:
    """:math:`\\log p_i` for logits ``s + offsets`` (any s), in 50-digit arithmetic, rounded to float64."""
    with mpmath.workdps(50):
        normaliser = mpmath.log(mpmath.fsum(mpmath.exp(o) for o in offsets))
        return torch.tensor([float(o - normaliser) for o in offsets], dtype=torch.float64)


OVERFLOW_SCALES = (0.0, 100.0, 1000.0, 1e5)
"""The largest logit of each test vector; float64's exp overflows above 709.78."""
OVERFLOW_CLASSES = 10
"""The number of logits of each test vector, :math:`s - (0, 1, \\dots, K - 1)`."""


def overflow_check(scales=OVERFLOW_SCALES, classes: int = OVERFLOW_CLASSES, method: str = "log_softmax") -> list[Measurement]:
    r"""Log-probabilities of the logits :math:`s - (0, 1, \dots, K-1)` against their exact values, for each scale s.

    ``method="log_softmax"`` uses ``torch.log_softmax``; ``"naive"`` takes the logarithm of the softmax
    as written, :math:`e^{a_i}/\sum_j e^{a_j}` (the wrong alternative).
    """
    from ..classifier import naive_softmax

    offsets = [-k for k in range(classes)]
    exact = _exact_log_softmax(offsets)
    # log_softmax subtracts the maximum (exact here: the logits differ by small integers) and adds one
    # logarithm of a sum of K terms in [0, 1]: at most (K + 4) u relative to 1 + max |log p|
    tolerance = (classes + 4) * UNIT_ROUNDOFF * (1 + float(exact.abs().max()))
    measurements = []
    for s in scales:
        logits = s + torch.tensor(offsets, dtype=torch.float64)
        log_p = torch.log_softmax(logits, -1) if method == "log_softmax" else naive_softmax(logits).log()
        error = float((log_p - exact).abs().max())
        measurements.append(Measurement.exact(
            f"largest error of log p at a_max = {s:g}", error, 0.0, tolerance=tolerance,
            reason=f"float64 rounding, (K + 4) u (1 + max|log p|) = {tolerance:.2g}",
            quantity=r"\max_i \bigl|\widehat{\log p_i} - \log p_i\bigr|", expected_latex="0"))
    return measurements


register(Numeric(
    label="eq-softmax-overflow",
    experiment=overflow_check,
    alternative=Alternative("the logarithm of the softmax as written, e^{a_i}/Σ e^{a_j}", kwargs={"method": "naive"}),
    method="torch.log_softmax in float64 against 50-digit arithmetic",
    condition=Words(rf"for the logits $s - (0, 1, \dots, {OVERFLOW_CLASSES - 1})$, "
                    rf"$s \in \{{{', '.join(f'{v:g}' for v in OVERFLOW_SCALES)}\}}$"),
    source="Kaplan §1.8",
))

# --------------------------------------------------------------------------- the logit gradient

A = sp.symbols("a1:4", real=True)
Y = sp.symbols("y1:4", real=True)


class Probability(sp.Function):
    r""":math:`p_k = e^{a_k}/\sum_j e^{a_j}` for three classes; its arguments are ``k`` and the logits; ``doit`` writes it out."""

    def doit(self, **hints):
        k, *logits = self.args
        return sp.exp(logits[int(k) - 1]) / sp.Add(*(sp.exp(t) for t in logits))

    def _latex(self, printer):
        return rf"p_{{{printer._print(self.args[0])}}}"


class CrossEntropy(sp.Function):
    r""":math:`L = -\sum_k y_k\log p_k` for three classes; its arguments are the logits, then the targets."""

    def doit(self, **hints):
        logits, targets = self.args[:3], self.args[3:]
        return -sp.Add(*(t * sp.log(Probability(k, *logits).doit()) for k, t in enumerate(targets, 1)))

    def _latex(self, printer):
        return "L"


register(Identity(
    label="eq-logit-gradient",
    lhs=sp.Matrix([sp.Derivative(CrossEntropy(*A, *Y), t) for t in A]),
    rhs=sp.Matrix([Probability(k, *A) - t for k, t in enumerate(Y, 1)]),
    method=Reduction("sympy differentiates, then simplifies", lambda e: sp.simplify(e.doit())),
    given=[(Y[0] + Y[1] + Y[2], 1)],
    source="ours (Kaplan §1.8)",
))


def logit_gradient_check(batch: int = 64, classes: int = 10, seed: int = 0,
                         formula: str = "p - y") -> Measurement:
    r""":func:`~mltheory.kernels.classifier.logit_gradient` against autograd of the summed cross-entropy.

    ``formula="probabilities"`` compares with the gradient with respect to the probabilities,
    :math:`-y/p`, instead (the wrong alternative).
    """
    generator = torch.Generator().manual_seed(seed)
    logits = (5 * torch.randn(batch, classes, generator=generator, dtype=torch.float64)).requires_grad_()
    labels = torch.randint(classes, (batch,), generator=generator)
    nn.functional.cross_entropy(logits, labels, reduction="sum").backward()
    with torch.no_grad():
        if formula == "p - y":
            ours = logit_gradient(logits, labels)
        else:
            ours = -nn.functional.one_hot(labels, classes) / torch.softmax(logits, -1)
    # both sides are a softmax (entries in [0, 1]) minus 0 or 1, each rounded to (K + 4) u
    tolerance = 2 * (classes + 4) * UNIT_ROUNDOFF
    return Measurement.exact(
        "largest difference from autograd", float((ours - logits.grad).abs().max()), 0.0, tolerance=tolerance,
        reason=f"float64 rounding of two softmaxes over K = {classes} classes, 2 (K + 4) u = {tolerance:.2g}",
        quantity=r"\max_{b,i}\bigl|(p - y)_{bi} - \partial L/\partial a_{bi}\bigr|", expected_latex="0")


register(Numeric(
    label="eq-logit-gradient-autograd",
    experiment=logit_gradient_check,
    alternative=Alternative("the gradient with respect to the probabilities, −y/p", kwargs={"formula": "probabilities"}),
    method="against torch.autograd on 64 random logit vectors of 10 classes, in float64",
    source="ours (Kaplan §1.8)",
))

# --------------------------------------------------------------------------- symmetries of the parameters


def forward_error_bound(net: nn.Sequential, inputs: torch.Tensor, *, parameter_error: float = 0.0) -> torch.Tensor:
    r"""A first-order bound on the float64 rounding error of ``net(inputs)``, per output.

    With :math:`m_0 = |x|` and :math:`m_l = |W_l|\,m_{l-1} + |b_l|`, each layer's computed affine map is
    off by at most :math:`\gamma_{n+1} m_l` (:math:`\gamma_k = ku/(1 - ku)`, :math:`n` the fan-in), an
    elementwise 1-Lipschitz activation with :math:`|\phi(z)| \le |z|` does not enlarge an error (and adds
    at most :math:`u m_l` itself), and :math:`|W|` carries earlier errors forward no further than it
    carries :math:`m`, so the output is off by at most
    :math:`(\sum_l (\gamma_{n_l+1} + \delta) + \text{activations}\cdot u)\,m_L`, where :math:`\delta`
    (``parameter_error``) bounds the relative error of every stored weight and bias against the exact
    parameters the network stands for (0 when they are stored exactly).

    Parameters
    ----------
    net : torch.nn.Sequential
        ``nn.Linear`` layers and elementwise activations, in float64.
    inputs : torch.Tensor, shape (B, d)
    parameter_error : float, default 0
        Bound on the relative rounding error of each weight and bias.

    Returns
    -------
    torch.Tensor, shape (B, d_out)

    Examples
    --------
    >>> from mltheory.networks import mlp
    >>> net = mlp([3, 4, 2], seed=0, dtype=torch.float64)
    >>> x = torch.randn(5, 3, dtype=torch.float64)
    >>> bool((forward_error_bound(net, x) < 1e-12).all())
    True
    """
    m, total = inputs.abs(), 0.0
    for module in net:
        if isinstance(module, nn.Linear):
            k = module.in_features + 1
            total += k * UNIT_ROUNDOFF / (1 - k * UNIT_ROUNDOFF) + parameter_error
            m = m @ module.weight.abs().T + module.bias.abs()
        else:
            total += UNIT_ROUNDOFF
    return total * m


SYMMETRY_SIZES = (8, 32, 32, 3)
"""The networks whose symmetries are checked: 8 inputs, two hidden layers of 32 units, 3 outputs."""
SYMMETRY_INPUTS = 256
"""The number of random inputs at which the symmetries are checked."""
RESCALE_LOG_RANGE = 2.0
"""The rescaling factors are drawn log-uniformly from :math:`[e^{-r}, e^{r}]` with this :math:`r`."""
_SYMMETRY_NETWORK = "–".join(map(str, SYMMETRY_SIZES))


def _symmetry_setup(seed: int, activation: str):
    net = mlp(list(SYMMETRY_SIZES), activation=activation, seed=seed, dtype=torch.float64)
    generator = torch.Generator().manual_seed(seed + 1)
    inputs = torch.randn(SYMMETRY_INPUTS, SYMMETRY_SIZES[0], generator=generator, dtype=torch.float64)
    return net, inputs, generator


def _change(net, new, inputs, what, symbol, parameter_error: float = 0.0) -> Measurement:
    """How far ``new`` moves the outputs of ``net``, relative to the rounding bound of both; the stored
    parameters of ``new`` are within ``parameter_error`` (relative) of the exactly transformed ones."""
    with torch.no_grad():
        change = (new(inputs) - net(inputs)).abs()
        bound = forward_error_bound(net, inputs) + forward_error_bound(new, inputs, parameter_error=parameter_error)
    # the change must stay within the rounding bound everywhere: compare the worst ratio with 1
    ratio = float((change / bound).max())
    return Measurement.exact(
        f"largest change / rounding bound, {what}", ratio, 1.0, relation="<=",
        reason="a first-order float64 rounding bound of both networks (forward_error_bound)"
               + (f", with stored parameters within {parameter_error / UNIT_ROUNDOFF:g} u of the exact ones"
                  if parameter_error else ""),
        quantity=rf"\max_x \frac{{|f_{{{symbol}}}(x) - f_\theta(x)|}}{{\text{{rounding bound}}}}",
        expected_latex="1")


def permutation_check(seed: int = 0, outgoing: bool = True) -> Measurement:
    r"""Permute the units of both hidden layers at random; the output may move only by rounding.

    ``outgoing=False`` permutes the incoming weights and biases but leaves the next layer's columns in
    place (the wrong alternative).
    """
    net, inputs, generator = _symmetry_setup(seed, "relu")
    new = net
    for layer in (0, 1):
        order = torch.randperm(SYMMETRY_SIZES[layer + 1], generator=generator)
        permuted = permute_hidden_units(new, order, layer=layer)
        if not outgoing:
            linears = [m for m in permuted if isinstance(m, nn.Linear)]
            with torch.no_grad():
                linears[layer + 1].weight.copy_(linears[layer + 1].weight[:, order.argsort()])
        new = permuted
    return _change(net, new, inputs, "permuted units", r"\pi\theta")


register(Numeric(
    label="eq-permutation-symmetry",
    experiment=permutation_check,
    alternative=Alternative("permuting the incoming weights without the outgoing ones", kwargs={"outgoing": False}),
    page={"seed": 0},
    test={"seed": 1},
    method=f"a ReLU network {_SYMMETRY_NETWORK} in float64 at {SYMMETRY_INPUTS} random inputs, every hidden unit permuted",
    condition=Words(f"for a ReLU network {_SYMMETRY_NETWORK}, every hidden unit permuted"),
    source="ours (Kaplan §1.1)",
))


def rescaling_check(seed: int = 0, activation: str = "relu") -> Measurement:
    r"""Rescale every hidden unit by a factor drawn log-uniformly from :math:`[e^{-r}, e^{r}]` (:data:`RESCALE_LOG_RANGE`).

    ``activation="tanh"`` does the same to a tanh network (the wrong alternative: tanh is not
    positively homogeneous).
    """
    net, inputs, generator = _symmetry_setup(seed, activation)
    new = net
    for layer in (0, 1):
        uniform = torch.rand(SYMMETRY_SIZES[layer + 1], generator=generator, dtype=torch.float64)
        factors = (RESCALE_LOG_RANGE * (2 * uniform - 1)).exp()
        new = rescale_hidden_units(new, factors, layer=layer)
    # each stored weight went through at most two roundings (times c_j of its unit, divided by c_k of its
    # input unit), each bias through one: relative error at most 2u to first order
    return _change(net, new, inputs, "rescaled units", r"c\theta", parameter_error=2 * UNIT_ROUNDOFF)


register(Numeric(
    label="eq-rescaling-symmetry",
    experiment=rescaling_check,
    alternative=Alternative("the same rescaling of a tanh network", kwargs={"activation": "tanh"}),
    page={"seed": 0},
    test={"seed": 1},
    method=f"a ReLU network {_SYMMETRY_NETWORK} in float64 at {SYMMETRY_INPUTS} random inputs, every hidden unit rescaled",
    condition=Words(rf"every hidden unit rescaled by a factor in $[e^{{-{RESCALE_LOG_RANGE:g}}}, e^{{{RESCALE_LOG_RANGE:g}}}]$"),
    source="ours (Kaplan §1.1; Dinh et al. 2017)",
))

# --------------------------------------------------------------------------- linear regions of one random layer

t, s, ell = sp.symbols(r"t s \ell", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
_cauchy = s / (sp.pi * (s**2 + t**2))

register(Identity(
    label="eq-first-layer-regions",
    lhs=1 + n * 2 * sp.Integral(_cauchy, (t, 0, ell)),
    rhs=1 + n * 2 / sp.pi * sp.atan(ell / s),
    method="doit",
    source="ours",
))

REGION_WIDTH, REGION_HALF_LENGTH = 16, 2.0
"""Width of the random layers and half-length of the segment of the region counts."""


def first_layer_regions_check(networks: int = 1000, seed: int = 0, expected: str = "cauchy") -> Measurement:
    r"""Mean number of regions of one random He-initialised ReLU layer on the segment of
    :func:`~mltheory.kernels.classifier.regions_against_depth`, against :math:`1 + n\frac{2}{\pi}\arctan(\ell/s)`.

    On the segment :math:`x(t) = (t, 1)`, unit :math:`j` kinks at :math:`t_j = -w_{j2}/w_{j1}`, the ratio
    of two independent normals of the same variance: a standard Cauchy variable, so :math:`s = 1`.
    ``expected="every unit"`` compares with :math:`n + 1`, every unit kinking on the segment (the wrong
    alternative).
    """
    counts = regions_against_depth((1,), width=REGION_WIDTH, networks=networks, seed=seed,
                                   half_length=REGION_HALF_LENGTH)[0]
    value = 1 + REGION_WIDTH * 2 / math.pi * math.atan(REGION_HALF_LENGTH)
    if expected != "cauchy":
        value = REGION_WIDTH + 1
    return Measurement.monte_carlo(
        "mean number of regions, one layer", counts, value,
        quantity=rf"\overline{{R}}_{{n = {REGION_WIDTH}}}",
        expected_latex=rf"1 + {REGION_WIDTH}\cdot\tfrac{{2}}{{\pi}}\arctan {REGION_HALF_LENGTH:g}")


register(Numeric(
    label="eq-first-layer-regions-count",
    experiment=first_layer_regions_check,
    alternative=Alternative("every unit kinks on the segment: n + 1 regions", kwargs={"expected": "every unit"}),
    page={"networks": 1000, "seed": 0},
    test={"networks": 1000, "seed": 5000},
    method="Monte Carlo over random layers, exact breakpoints",
    source="ours",
))

# --------------------------------------------------------------------------- the digits classifier

DIGITS = {"hidden": 128, "epochs": 30, "batch_size": 64, "lr": 1e-3, "seed": 0}
"""The settings of the digits classifier on the page."""
EXPECTED_ACCURACY = 0.97
"""The test accuracy expected of an MLP 64–128–10 on the digits."""


def digits_accuracy_check(trained: bool = True, **settings) -> Measurement:
    r"""Test accuracy of :func:`~mltheory.kernels.classifier.train_digits_classifier` against :data:`EXPECTED_ACCURACY`,
    within 5 binomial standard errors :math:`\sqrt{a(1-a)/m}` of the :math:`m` test images.

    ``trained=False`` evaluates the network at initialisation (the wrong alternative).
    """
    result = train_digits_classifier(**{**DIGITS, **settings}, trained=trained)
    acc, m = result["test_accuracy"], result["n_test"]
    return Measurement.from_standard_error(
        "test accuracy", acc, math.sqrt(max(acc * (1 - acc), 1 / m) / m), EXPECTED_ACCURACY,
        samples=f"{m} test images", quantity=r"\text{test accuracy}", expected_latex=f"{EXPECTED_ACCURACY:g}")


register(Numeric(
    label="eq-digits-accuracy",
    experiment=digits_accuracy_check,
    alternative=Alternative("the network at initialisation, before training", kwargs={"trained": False}),
    method=f"an MLP 64–{DIGITS['hidden']}–10 trained with Adam on 80 % of scikit-learn's digits, tested on the rest",
    source="Kaplan §1.8 (MNIST); the digits of Alpaydin and Kaynak (1998)",
))
