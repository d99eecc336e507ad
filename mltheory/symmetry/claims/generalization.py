"""Claims of the page "The problem of generalization" (book/symmetry/generalization.md)."""

from __future__ import annotations

import math

import sympy as sp
import torch

from ...claims import Alternative, Identity, Measurement, Numeric, Words, register
from ..correct_sets import adversarial_target, two_interpolants
from ..random_labels import CASES, random_labels_experiment, split_sizes
from ..relu import _residual_ratio, count_linear_pieces, random_interpolation, relu_interpolant
from ..symbolic import matrix_simplify, trig_simplify
from ._matrices import NULL_DIRECTION, loss, v, w_star

register(Identity(
    label="eq-minimisers-affine",
    lhs=loss(w_star + v),
    rhs=loss(w_star),
    method=matrix_simplify,
    given=NULL_DIRECTION,
    condition=Words(r"for every $v$ in the null space of $\Phi$"),
    source="Gelada & Buckman §1.1 (stated); proof ours",
))


def memorisation_check(hidden: int = 256, epochs: int = 200) -> list[Measurement]:
    """Final training accuracy of the same network on the three datasets of the random-labels experiment."""
    results = random_labels_experiment(hidden=hidden, epochs=epochs)
    n_train = split_sizes()[0]
    return [Measurement.exact(f"training accuracy, {case}", results[case][-1]["train"], 1.0,
                              reason=f"fraction of the {n_train} training examples classified correctly",
                              quantity=rf"\text{{training accuracy ({case})}}", expected_latex="1")
            for case in CASES]


def held_out_accuracy_check(hidden: int = 256, epochs: int = 200) -> list[Measurement]:
    r"""Final test accuracy: far above chance with true labels, chance with random ones.

    With random labels the held-out labels are independent of everything the
    network saw, so each test prediction is right with probability exactly
    1/10 and the test accuracy is a Binomial(:math:`m`, 1/10) fraction with
    standard error :math:`\sqrt{0.09/m}`.
    """
    results = random_labels_experiment(hidden=hidden, epochs=epochs)
    m = split_sizes()[1]
    chance = [Measurement.from_standard_error(f"test accuracy, {case}", results[case][-1]["test"],
                                              math.sqrt(0.09 / m), 0.1, samples=f"{m} held-out examples",
                                              quantity=rf"\text{{test accuracy ({case})}}",
                                              expected_latex=r"\tfrac{1}{10}")
              for case in CASES[1:]]
    learned = Measurement.exact("test accuracy, true labels", results[CASES[0]][-1]["test"], 0.9, relation=">=",
                                reason="stated bound: far above the chance level 0.1",
                                quantity=r"\text{test accuracy (true labels)}")
    return [learned, *chance]


register(Numeric(
    label="eq-memorisation",
    experiment=memorisation_check,
    alternative=Alternative("a network cannot fit noise: its training accuracy on random labels stays at chance, "
                            "1/10", expected={"training accuracy, random labels": 0.1}),
    method="training an MLP on the digits three times",
    source="Gelada & Buckman §1.3, after Zhang et al. (2017)",
))

register(Numeric(
    label="eq-test-accuracy",
    experiment=held_out_accuracy_check,
    alternative=Alternative("no generalisation gap: a network that fits random labels has test accuracy equal to "
                            "its training accuracy, 1", expected={"test accuracy, random labels": 1.0}),
    method="the same three networks on held-out examples",
    source="Gelada & Buckman §1.3, after Zhang et al. (2017)",
))


# ---------------------------------------------------------------------------- correct and error sets

def correct_sets_check(grid: int = 720) -> list[Measurement]:
    """Two exact interpolants of the same data, and two test sets that rank them in opposite orders."""
    result = two_interpolants(grid=grid)
    fit = Measurement.exact("largest training residual of h_A and h_B", result["train_residual"], 0.0,
                            tolerance=result["train_bound"],
                            reason="float64 rounding bound of the minimum-norm solve",
                            quantity=r"\max_{x \in D} |h_A(x) - f(x)|,\ |h_B(x) - f(x)|", expected_latex="0")
    ranking = Measurement.exact("product of the ranking signs", result["ranking_product"], -1.0,
                                reason="a product of two signs, computed exactly",
                                quantity=r"\operatorname{sign}\!\big(\mathrm{acc}_{D'_A}(h_A) - \mathrm{acc}_{D'_A}(h_B)\big)"
                                         r"\operatorname{sign}\!\big(\mathrm{acc}_{D'_B}(h_A) - \mathrm{acc}_{D'_B}(h_B)\big)",
                                expected_latex="-1")
    return [fit, ranking]


register(Numeric(
    label="eq-correct-sets",
    experiment=correct_sets_check,
    alternative=Alternative("generalization is a single number: every test set ranks the two interpolants the "
                            "same way", expected={"product of the ranking signs": 1.0}),
    method="two minimum-norm interpolants in V_7 and two seeded test sets",
    source="Gelada & Buckman §1.2 (stated); experiment ours",
))

_theta = sp.Symbol("theta", real=True)
_data_angles = sp.symbols("theta_1:4", real=True)
register(Identity(
    label="eq-adversarial-gap",
    lhs=sp.Mul(*[sp.cos(t) * sp.sin(_theta) - sp.sin(t) * sp.cos(_theta) for t in _data_angles])
    * (sp.cos(_theta) ** 2 + sp.sin(_theta) ** 2) ** 2,
    rhs=sp.Mul(*[sp.sin(_theta - t) for t in _data_angles]),
    method=trig_simplify,
    source="ours",
))


def impossibility_check(grid: int = 720) -> list[Measurement]:
    """The adversarial target: same data, same learned function, wrong everywhere on the grid."""
    result = adversarial_target(grid=grid)
    return [
        Measurement.exact("largest |g - h| on the data", result["data_gap"], 0.0,
                          reason="q is exactly 0.0 at each data point in float64 (a product with a zero factor)",
                          quantity=r"\max_{x \in D} |g(x) - h(x)|", expected_latex="0"),
        Measurement.exact("change of the learned weights when trained on g", result["refit_gap"], 0.0,
                          tolerance=result["refit_bound"],
                          reason="float64 rounding bound of two minimum-norm solves",
                          quantity=r"\lVert w_g - w_f \rVert_\infty", expected_latex="0"),
        Measurement.exact("fraction of the grid where h = g", result["correct_fraction"], 0.0,
                          reason=f"counted on {grid} angles off the data; equal means within 8u(|g| + |h|)",
                          quantity=r"|X_c \cap S| \,/\, |S|", expected_latex="0"),
    ]


register(Numeric(
    label="eq-impossible",
    experiment=impossibility_check,
    alternative=Alternative("a target inside the model's own space, fitted exactly on the data, is recovered: "
                            "the learner is right everywhere", expected={"fraction of the grid where h = g": 1.0}),
    method="the minimum-norm learner in V_7 on three points, and the target g = h + q r^4",
    source="Gelada & Buckman §1.2 (stated for arbitrary targets); proof for V_7 ours",
))


# ---------------------------------------------------------------------------- what one hidden layer can fit

def relu_interpolation_check(n: int = 500, d: int = 8, weights: str = "differences") -> Measurement:
    """Largest residual of the closed-form ReLU interpolant on random data, over its rounding bound.

    ``weights="slopes"`` is the wrong alternative: output weights equal to the
    slopes themselves instead of their differences.
    """
    ratio = random_interpolation(n, d)["residual_ratio"] if weights == "differences" else _slopes_ratio(n, d)
    return Measurement.exact(f"largest residual over its rounding bound, {n} points in dimension {d}",
                             ratio, 1.0, relation="<=",
                             reason="first-order float64 rounding bound of the construction (random_interpolation)",
                             quantity=r"\max_j |h(x_j) - y_j| \,/\, \beta_j", expected_latex="1")


def _slopes_ratio(n: int, d: int) -> float:
    """The residual ratio when the output weights are the slopes, not their differences (a wrong construction)."""
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(n, d, generator=generator, dtype=torch.float64)
    y = torch.randn(n, generator=generator, dtype=torch.float64)
    net = relu_interpolant(X, y)
    with torch.no_grad():
        net[2].weight.copy_(net[2].weight.cumsum(1))
    return _residual_ratio(net, X, y)[0]


register(Numeric(
    label="eq-relu-interpolation",
    experiment=relu_interpolation_check,
    alternative=Alternative("the output weights are the slopes between neighbouring points",
                            kwargs={"weights": "slopes"}),
    test={"n": 200, "d": 4},
    method="the closed-form network on seeded normal data",
    source="ours, after Zhang et al. (2017), Theorem 1",
))


def sawtooth_check(depths=tuple(range(1, 9))) -> list[Measurement]:
    """Linear pieces of the composed tent map, counted exactly, against 2^L."""
    return [Measurement.exact(f"pieces, depth {depth}", count_linear_pieces(depth), 2**depth,
                              reason="exact count on a dyadic grid",
                              quantity=r"\#\,\text{linear pieces of } T^{\circ L} \text{ on } [0, 1]",
                              expected_latex="2^{L}")
            for depth in depths]


register(Numeric(
    label="eq-sawtooth-pieces",
    experiment=sawtooth_check,
    alternative=Alternative("pieces add up with depth: two units per layer give 2L pieces",
                            expected={"pieces, depth 6": 12.0}),
    method="counting the pieces of the sawtooth for L = 1, ..., 8",
    source="ours, after Telgarsky (2016) and Raghu et al. (2017)",
))
