"""Unit tests of the simplicity-bias experiment: the LMS-5 data, the trainer and the permuted-feature accuracy."""

import pytest
import torch
from torch import nn

from mltheory.generalization import first_layer_gradient, lms_data, randomised_accuracy, train_classifier
from mltheory.generalization.simplicity import NEGATIVE_SLABS, POSITIVE_SLABS, SLAB_HALF_WIDTH


def _reads(weights) -> nn.Linear:
    """A linear classifier whose class-1 logit is ``weights @ x`` and class-0 logit is its negative."""
    net = nn.Linear(len(weights), 2)
    with torch.no_grad():
        w = torch.tensor(weights)
        net.weight.copy_(torch.stack([-w, w]))
        net.bias.zero_()
    return net


def test_lms_data_has_balanced_labels_and_two_features_that_each_determine_them():
    x, y = lms_data(600, dim=4, seed=3)
    assert x.shape == (600, 4) and x.dtype == torch.float32 and int(y.sum()) == 300
    sign = 2 * y - 1
    assert torch.equal(torch.sign(x[:, 0]).long(), sign)
    assert ((x[:, 0].abs() >= 0.1 - 1e-7) & (x[:, 0].abs() <= 1 + 1e-7)).all()
    for label, centres in ((1, POSITIVE_SLABS), (0, NEGATIVE_SLABS)):
        distance = (x[y == label, 1:2] - torch.tensor(centres)).abs().min(-1).values
        assert (distance <= SLAB_HALF_WIDTH + 1e-6).all()
        used = (x[y == label, 1:2] - torch.tensor(centres)).abs().argmin(-1).unique()
        assert len(used) == len(centres)  # every slab of the class is populated
    assert (x[:, 2:].abs() <= 1).all()
    # no linear function of the slab coordinate separates the classes: its class means are both near zero
    assert x[y == 1, 1].mean().abs() < 0.1 and x[y == 0, 1].mean().abs() < 0.1
    x_again, y_again = lms_data(600, dim=4, seed=3)
    assert torch.equal(x, x_again) and torch.equal(y, y_again)


def test_lms_data_needs_an_even_number_of_examples():
    with pytest.raises(ValueError, match="lms_data: n must be even"):
        lms_data(5, seed=0)


def test_permuting_a_coordinate_that_is_ignored_changes_nothing_and_one_that_is_read_gives_chance():
    x, y = lms_data(4000, dim=3, seed=1)
    linear_reader = _reads([1.0, 0.0, 0.0])
    assert randomised_accuracy(linear_reader, x, y, 1, seed=0) == 1.0
    assert randomised_accuracy(linear_reader, x, y, 2, seed=0) == 1.0
    chance = [randomised_accuracy(linear_reader, x, y, 0, seed=s) for s in range(5)]
    assert all(abs(a - 0.5) < 5 * 0.5 / 4000**0.5 for a in chance)  # five binomial standard errors
    # a classifier that does not read the linear coordinate at all is unaffected by permuting it
    noise_reader = _reads([0.0, 0.0, 1.0])
    assert randomised_accuracy(noise_reader, x, y, 0, seed=0) == pytest.approx(
        randomised_accuracy(noise_reader, x, y, 1, seed=0))


def test_randomised_accuracy_rejects_a_coordinate_outside_the_input():
    x, y = lms_data(4, dim=2, seed=0)
    with pytest.raises(ValueError, match="randomised_accuracy: coordinate must be below the input dimension 2"):
        randomised_accuracy(_reads([1.0, 0.0]), x, y, 2, seed=0)


def test_train_classifier_is_seeded_and_learns_the_linear_feature():
    x, y = lms_data(400, dim=3, seed=0)
    first = train_classifier(x, y, hidden=8, epochs=15, batch_size=32, lr=1e-2, seed=4)
    second = train_classifier(x, y, hidden=8, epochs=15, batch_size=32, lr=1e-2, seed=4)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters()))
    x_test, y_test = lms_data(2000, dim=3, seed=1)
    assert randomised_accuracy(first, x_test, y_test, 1, seed=0) > 0.97
    assert randomised_accuracy(first, x_test, y_test, 0, seed=0) < 0.6


def test_first_layer_gradient_is_the_column_norm_of_the_weight_gradient_and_leaves_the_model_alone():
    x, y = lms_data(500, dim=4, seed=2)
    net = train_classifier(x[:8], y[:8], hidden=6, epochs=1, seed=0)
    before = net[0].weight.grad.clone()  # left over from training
    norms = first_layer_gradient(net, x, y)
    assert torch.equal(net[0].weight.grad, before)
    net.zero_grad()
    nn.functional.cross_entropy(net(x), y).backward()
    assert torch.allclose(norms, net[0].weight.grad.norm(dim=0))
    with pytest.raises(ValueError, match="first_layer_gradient: x must have 4 coordinates"):
        first_layer_gradient(net, x[:, :3], y)
