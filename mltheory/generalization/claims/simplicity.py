"""Claims of the page on simplicity bias (``book/generalization/simplicity-bias.md``): on LMS-5 data a ReLU network
reads only the linear coordinate, although the slab coordinate alone is learnable and fully predictive; and with
random labels, the first layer's first steps still follow the principal directions of the data.
"""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch

from ...claims import Alternative, Identity, Measurement, Numeric, Words, register
from ...data import digits
from ...networks import accuracy
from ..alignment import first_layer_alignment, principal_energy
from ..simplicity import lms_data, randomised_accuracy, train_classifier

N_TRAIN = 5000
"""Training examples on the page."""
N_TEST = 2000
"""Test examples on the page (half of each label)."""
DIM = 50
"""Input dimension: the linear coordinate, the slab coordinate and 48 of noise."""
EPOCHS = 30
"""Passes over the training set: 600 Adam steps of 256 examples, at the learning rate 0.01."""
LINEAR, SLAB = 0, 1
"""The columns of the two features."""

# --------------------------------------------------------------------------- only the linear feature is correlated

u = sp.Symbol("u", positive=True)

register(Identity(
    label="eq-simplicity-correlation",
    lhs=sp.Integral(u / (1 - sp.Rational(1, 10)), (u, sp.Rational(1, 10), 1)),
    rhs=sp.Rational(11, 20),
    method="doit",
    condition=Words(r"for the linear coordinate $x_0$, the sign $s$ of the label times a magnitude $u$ uniform on "
                    r"$[0.1, 1]$"),
    source="ours (LMS-5 data of Shah et al. 2020)",
))

# --------------------------------------------------------------------------- a permuted feature leaves chance

n, n_plus, n_minus, m_plus, m_minus = sp.symbols("n n_+ n_- m_+ m_-", positive=True)

register(Identity(
    label="eq-simplicity-chance",
    lhs=(n_plus * m_plus + n_minus * m_minus) / n**2,
    rhs=sp.Rational(1, 2),
    given=[(n_plus, n / 2), (n_minus, n / 2), (m_minus, n - m_plus)],
    condition=Words(r"for $n$ test examples with $n_\pm$ of each label, and a classifier that reads only the "
                    r"permuted coordinate and predicts $m_\pm$ of each label on the unpermuted data, with"),
    source="ours (the S-randomised test sets of Shah et al. 2020)",
))


# --------------------------------------------------------------------------- the network reads only the linear feature

@functools.cache
def trained_network():
    """The page's network, trained on LMS-5 data with all coordinates (seed 0), and its test set (seed 1)."""
    x, y = lms_data(N_TRAIN, DIM, seed=0)
    x_test, y_test = lms_data(N_TEST, DIM, seed=1)
    return train_classifier(x, y, epochs=EPOCHS, seed=0), x_test, y_test


@functools.cache
def slab_network():
    """The same network trained on the slab coordinate alone, and its test inputs (that coordinate only)."""
    x, y = lms_data(N_TRAIN, DIM, seed=0)
    x_test, y_test = lms_data(N_TEST, DIM, seed=1)
    return train_classifier(x[:, [SLAB]], y, epochs=EPOCHS, seed=0), x_test[:, [SLAB]], y_test


def randomised_accuracies() -> dict[str, float]:
    """Test accuracy of the page's network on clean data and with each feature permuted across the test set."""
    net, x_test, y_test = trained_network()
    return {"clean": accuracy(net, x_test, y_test),
            "linear randomised": randomised_accuracy(net, x_test, y_test, LINEAR, seed=0),
            "slab randomised": randomised_accuracy(net, x_test, y_test, SLAB, seed=0)}


def _binomial(what: str, value: float, expected: float, quantity: str, expected_latex: str) -> Measurement:
    """An accuracy on the N_TEST test examples, within 5 binomial standard errors of the larger of the measured
    and the expected accuracy's variance (the variance under the prediction, or the plug-in one)."""
    variance = max(value * (1 - value), expected * (1 - expected))
    return Measurement.from_standard_error(what, value, math.sqrt(variance / N_TEST), expected,
                                           samples=f"binomial, {N_TEST} test examples",
                                           quantity=quantity, expected_latex=expected_latex)


def randomisation_check() -> list[Measurement]:
    """The network is right on clean test data, at chance with the linear coordinate permuted, and unaffected by
    permuting the slab coordinate: what a classifier that reads only the linear coordinate does (the chance level
    is exactly 1/2 for balanced labels, by ``eq-simplicity-chance``)."""
    measured = randomised_accuracies()
    return [
        _binomial("clean", measured["clean"], 1.0, r"\mathrm{acc}(h)", "1"),
        _binomial("linear randomised", measured["linear randomised"], 0.5,
                  r"\mathrm{acc}(h \circ \pi_{\mathrm{lin}})", r"\tfrac12"),
        _binomial("slab randomised", measured["slab randomised"], 1.0,
                  r"\mathrm{acc}(h \circ \pi_{\mathrm{slab}})", "1"),
    ]


register(Numeric(
    label="eq-simplicity-randomised",
    experiment=randomisation_check,
    alternative=Alternative("the network uses both features as equal votes, so that permuting either one leaves it "
                            "right whenever the two agree and at chance otherwise: 3/4",
                            expected={"linear randomised": 0.75, "slab randomised": 0.75}),
    method="one ReLU network trained on LMS-5 data, tested with each feature permuted across the test set",
    condition=Words(rf"for a ReLU network of width 100 trained by Adam (learning rate 0.01) for "
                    rf"{EPOCHS * math.ceil(N_TRAIN / 256)} steps on {N_TRAIN} LMS-5 examples in {DIM} dimensions, "
                    rf"tested on {N_TEST}, with $\pi$ a permutation of one coordinate across the test examples"),
    source="Shah et al. 2020 (LMS-5 data, S-randomised test sets); set-up of toy A2",
))


# --------------------------------------------------------------------------- the slab feature alone is learnable

def slab_alone_check() -> list[Measurement]:
    """The same network, trained on the slab coordinate alone, classifies the test set correctly."""
    net, x_test, y_test = slab_network()
    return [_binomial("slab only", accuracy(net, x_test, y_test), 1.0, r"\mathrm{acc}(h_{\mathrm{slab}})", "1")]


register(Numeric(
    label="eq-simplicity-slab-alone",
    experiment=slab_alone_check,
    alternative=Alternative("the slab feature is too complex for the network to learn: it does no better than the "
                            "best single threshold on the slab coordinate, 2/3", expected={"slab only": 2 / 3}),
    method="the same network and training on the slab coordinate alone",
    condition=Words(rf"for the same network and training, with the slab coordinate as its only input, tested on "
                    rf"{N_TEST} examples"),
    source="Shah et al. 2020 (the slab feature is learnable alone); experiment ours",
))


# --------------------------------------------------------------------------- random labels still teach the first layer

ALIGNMENT_SEEDS = 5
"""Independent runs (random labels, initial weights and minibatch order) of the random-label experiment."""
ALIGNMENT_HIDDEN = 128
"""Width of the two hidden layers of the network 64 → 128 → 128 → 10 trained on random labels."""
ALIGNMENT_EPOCHS = 20
"""Epochs of SGD (momentum 0.9, minibatches of 64) on the page."""
ALIGNMENT_K = 10
"""Number of top principal directions of the digits."""
ALIGNMENT_LR = {"sgd": 0.05, "adam": 1e-3}
"""Learning rate of each optimiser in the random-label experiment (SGD with momentum 0.9; minibatches of 64)."""


def random_digit_labels(seed: int) -> torch.Tensor:
    """Labels drawn uniformly from the ten digits, independently of the images (``seed`` selects the draw)."""
    return torch.randint(0, 10, (len(digits()[1]),), generator=torch.Generator().manual_seed(1000 + seed))


@functools.cache
def alignment_histories(epochs: int = ALIGNMENT_EPOCHS, optimizer: str = "sgd") -> tuple[list[dict], ...]:
    """One :func:`first_layer_alignment` history per seed, on the digits with random labels."""
    x = digits(dtype=torch.float32)[0]
    return tuple(first_layer_alignment(x, random_digit_labels(seed), hidden=ALIGNMENT_HIDDEN, epochs=epochs,
                                       optimizer=optimizer, lr=ALIGNMENT_LR[optimizer], k=ALIGNMENT_K, seed=seed)
                 for seed in range(ALIGNMENT_SEEDS))


def data_energy() -> float:
    """The fraction of the digits' variance in their top ALIGNMENT_K principal directions."""
    x = digits()[0]
    x = x - x.mean(0)
    covariance = x.T @ x / len(x)
    return principal_energy(covariance, covariance, ALIGNMENT_K)


def first_epoch_check(epochs: int = ALIGNMENT_EPOCHS, optimizer: str = "sgd") -> list[Measurement]:
    """The principal energy of the first layer's change after one epoch of random-label training, averaged over
    the seeds, against the principal energy of the data covariance itself."""
    changes = [history[1]["change energy"] for history in alignment_histories(epochs, optimizer)]
    return [Measurement.monte_carlo("first epoch", changes, data_energy(),
                                    quantity=rf"E_{{{ALIGNMENT_K}}}(\Delta^\top \Delta)",
                                    expected_latex=rf"E_{{{ALIGNMENT_K}}}(\Sigma_x)")]


register(Numeric(
    label="eq-random-labels-first-epoch",
    experiment=first_epoch_check,
    alternative=Alternative(f"random labels teach the first layer nothing about the inputs, so its change is "
                            f"isotropic: a fraction k/d = {ALIGNMENT_K}/64 of its energy in any {ALIGNMENT_K} "
                            f"directions", expected={"first epoch": ALIGNMENT_K / 64}),
    test={"epochs": 1},
    method=f"{ALIGNMENT_SEEDS} seeded runs of SGD on the digits with random labels",
    condition=Words(rf"for the network 64–{ALIGNMENT_HIDDEN}–{ALIGNMENT_HIDDEN}–10 after one epoch of SGD "
                    rf"(momentum 0.9, learning rate {ALIGNMENT_LR['sgd']:g}) on the 1797 centred digits with labels drawn "
                    rf"uniformly, $\Delta$ the change of its first layer, $E_{{{ALIGNMENT_K}}}$ the fraction of a covariance's "
                    rf"trace in the top {ALIGNMENT_K} principal directions of the digits"),
    source="Maennel et al. 2020 (alignment of the first layer with the data); experiment ours (toy A4)",
))
