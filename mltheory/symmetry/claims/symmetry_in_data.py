"""Claims of the page "Symmetry in data, and robustness" (book/symmetry/symmetry-in-data.md)."""

from __future__ import annotations

from ...claims import Alternative, Measurement, Numeric, register
from ..robustness import asymmetric_fit, augmentation_experiment, fgsm_curve

FIT_TOLERANCE = 0.01
"""How closely the network of :func:`asymmetric_check` must fit its data."""
FGSM_EPSILON = 0.15
"""The attack size at which :func:`fgsm_check` compares the attack with random noise."""


def asymmetric_check(pairs: int = 8, steps: int = 300) -> list[Measurement]:
    """A network trained to give mirror images opposite targets does so: h(x) - h(gx) = 2 up to its residuals."""
    result = asymmetric_fit(pairs, steps=steps)
    residual = result["max_residual"]
    return [
        Measurement.exact("largest training residual", residual, FIT_TOLERANCE, relation="<=",
                          reason="stated: the network fits every target to 0.01",
                          quantity=r"\max_{x \in D} |h(x) - y(x)|", expected_latex="10^{-2}"),
        Measurement.exact("mean gap", result["gap"], 2.0, tolerance=2 * residual,
                          reason="|h(x) - 1| <= r and |h(gx) + 1| <= r give |h(x) - h(gx) - 2| <= 2r, "
                                 "r the largest residual",
                          quantity=r"\tfrac1n \textstyle\sum_i \big(h(x_i) - h(g \cdot x_i)\big)", expected_latex="2"),
    ]


register(Numeric(
    label="eq-asymmetric-fit",
    experiment=asymmetric_check,
    alternative=Alternative("a network is symmetric by construction, so h(x) = h(g·x)", expected={"mean gap": 0.0}),
    method="training a tanh network on eight mirror pairs with opposite targets",
    source="Gelada & Buckman §1.4 (argued); experiment ours",
))


def augmentation_check(augment: bool = True, copies: int = 3, epochs: int = 20) -> list[Measurement]:
    """Accuracy on brightness-scaled and shifted test digits: low without augmentation, high with it.

    ``augment=False`` is the wrong alternative: the second classifier is
    trained on the plain digits too.
    """
    result = augmentation_experiment(copies=copies, epochs=epochs)
    accuracy = result["accuracy"]
    second = accuracy["augmented" if augment else "plain", "transformed"]
    return [
        Measurement.exact("plain classifier, transformed digits", accuracy["plain", "transformed"], 0.5,
                          relation="<=", reason="stated bound: at most one half",
                          quantity=r"\mathrm{acc}_{T(D')}(h_{\text{plain}})", expected_latex=r"\tfrac12"),
        Measurement.exact("augmented classifier, transformed digits", second, 0.8, relation=">=",
                          reason="stated bound: at least four fifths",
                          quantity=r"\mathrm{acc}_{T(D')}(h_{\text{augmented}})", expected_latex=r"\tfrac45"),
    ]


register(Numeric(
    label="eq-augmentation",
    experiment=augmentation_check,
    alternative=Alternative("the network supplies the invariance by itself: trained without the augmented "
                            "copies it is as accurate on transformed digits", kwargs={"augment": False}),
    method="two digit classifiers, with and without augmented copies, on 359 transformed test digits",
    source="Gelada & Buckman §1.4 (argued); experiment ours",
))


def fgsm_check(attack: str = "fgsm", epochs: int = 20) -> list[Measurement]:
    """The digits classifier before and after a perturbation of size 0.15 per pixel."""
    curve = fgsm_curve([0.0, FGSM_EPSILON], attack=attack, epochs=epochs)
    clean, attacked = curve["accuracy"]
    return [
        Measurement.exact("clean accuracy", clean, 0.9, relation=">=", reason="stated bound: at least 0.9",
                          quantity=r"\mathrm{acc}_{D'}(h)", expected_latex="0.9"),
        Measurement.exact("accuracy under attack", attacked, 0.5, relation="<=",
                          reason="stated bound: at most one half",
                          quantity=rf"\mathrm{{acc}}_{{D'}}\big(h(\cdot + {FGSM_EPSILON}\,\operatorname{{sign}}"
                                   r"\nabla_x \ell)\big)", expected_latex=r"\tfrac12"),
    ]


register(Numeric(
    label="eq-fgsm",
    experiment=fgsm_check,
    alternative=Alternative("any perturbation of that size does as much harm: random signs instead of the "
                            "gradient's", kwargs={"attack": "random"}),
    method="the fast gradient sign attack on the plain digits classifier",
    source="Goodfellow et al. (2015); experiment ours",
))
