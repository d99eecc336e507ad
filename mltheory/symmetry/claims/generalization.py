"""Claims of the page "The problem of generalization" (book/symmetry/generalization.md)."""

from __future__ import annotations

import math

from ...claims import Alternative, Identity, Measurement, Numeric, Words, register
from ..random_labels import CASES, random_labels_experiment, split_sizes
from ..symbolic import matrix_simplify
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
