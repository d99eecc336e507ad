"""Tests of :mod:`mltheory.kernels.classifier`: softmax, the logit gradient, parameter symmetries, linear regions."""

from __future__ import annotations

import torch
from torch import nn

from mltheory.kernels import (
    count_linear_regions,
    gaussian_relu_mlp,
    linear_region_breakpoints,
    logit_gradient,
    naive_softmax,
    permute_hidden_units,
    regions_against_depth,
    rescale_hidden_units,
    shifted_softmax,
    train_digits_classifier,
)
from mltheory.networks import mlp
from mltheory.symmetry.relu import count_linear_pieces, sawtooth


def test_softmaxes_agree_where_nothing_overflows_and_only_the_shifted_one_survives_large_logits():
    logits = torch.randn(5, 7, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    torch.testing.assert_close(naive_softmax(logits), torch.softmax(logits, -1))
    torch.testing.assert_close(shifted_softmax(logits), torch.softmax(logits, -1))
    large = logits + 800.0  # exp(800) overflows float64
    assert naive_softmax(large).isnan().all()
    torch.testing.assert_close(shifted_softmax(large), torch.softmax(logits, -1))
    assert naive_softmax(torch.tensor([90.0, 89.0])).isnan().all()  # float32 overflows above 88.72


def test_logit_gradient_is_autograd_of_the_cross_entropy_and_its_rows_sum_to_zero():
    generator = torch.Generator().manual_seed(1)
    logits = torch.randn(6, 4, generator=generator, dtype=torch.float32).requires_grad_()
    labels = torch.randint(4, (6,), generator=generator)
    nn.functional.cross_entropy(logits, labels, reduction="sum").backward()
    gradient = logit_gradient(logits.detach(), labels)
    torch.testing.assert_close(gradient, logits.grad)
    torch.testing.assert_close(gradient.sum(-1), torch.zeros(6), atol=1e-6, rtol=0)
    assert gradient.dtype == torch.float32


def test_permutation_keeps_the_function_and_its_inverse_restores_the_parameters():
    net = mlp([4, 6, 5, 2], seed=0, dtype=torch.float64)
    x = torch.randn(20, 4, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    order = torch.tensor([3, 0, 4, 1, 2])
    permuted = permute_hidden_units(net, order, layer=1)
    torch.testing.assert_close(permuted(x), net(x))
    assert not torch.equal(permuted[2].weight, net[2].weight)
    restored = permute_hidden_units(permuted, order.argsort(), layer=1)
    for p, q in zip(restored.parameters(), net.parameters()):
        assert torch.equal(p, q)
    assert torch.equal(permute_hidden_units(net, torch.arange(6))[0].weight, net[0].weight)


def test_positive_rescaling_keeps_a_relu_network_but_not_a_tanh_network():
    x = torch.randn(20, 3, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    factors = torch.tensor([0.5, 2.0, 3.0, 0.25])
    relu = mlp([3, 4, 2], seed=0, dtype=torch.float64)
    torch.testing.assert_close(rescale_hidden_units(relu, factors)(x), relu(x))
    powers_of_two = torch.tensor([0.5, 2.0, 4.0, 0.25])  # exact in floating point: bitwise the same outputs
    assert torch.equal(rescale_hidden_units(relu, powers_of_two)(x), relu(x))
    tanh = mlp([3, 4, 2], activation="tanh", seed=0, dtype=torch.float64)
    assert (rescale_hidden_units(tanh, factors)(x) - tanh(x)).abs().max() > 1e-2


def _sawtooth_network(depth: int) -> nn.Sequential:
    """The tent map T(x) = 2 ReLU(x) - 4 ReLU(x - 1/2) composed ``depth`` times, as Linear and ReLU modules."""
    def linear(weight, bias):
        layer = nn.Linear(len(weight[0]), len(weight), dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(weight))
            layer.bias.copy_(torch.tensor(bias))
        return layer

    modules = [linear([[1.0], [1.0]], [0.0, -0.5]), nn.ReLU()]
    for _ in range(depth - 1):
        modules += [linear([[2.0, -4.0], [2.0, -4.0]], [0.0, -0.5]), nn.ReLU()]
    return nn.Sequential(*modules, linear([[2.0, -4.0]], [0.0]))


def test_the_sawtooth_network_has_two_to_the_depth_regions():
    x = torch.linspace(0, 1, 257, dtype=torch.float64)
    for depth in range(1, 7):
        net = _sawtooth_network(depth)
        torch.testing.assert_close(net(x[:, None])[:, 0], sawtooth(x, depth))
        assert count_linear_regions(net, [0.0], [1.0]) == count_linear_pieces(depth) == 2**depth


def test_breakpoints_match_the_activation_pattern_changes_on_a_fine_grid():
    net = gaussian_relu_mlp([2, 6, 6, 6, 1], seed=4, bias_std=0.3)
    start, end = torch.tensor([-2.0, 0.5], dtype=torch.float64), torch.tensor([2.0, 1.5], dtype=torch.float64)
    breakpoints = linear_region_breakpoints(net, start, end)
    t = torch.linspace(0, 1, 200_001, dtype=torch.float64)[:, None]
    h, patterns = start + t * (end - start), []
    with torch.no_grad():
        for module in net[:-1]:
            h = module(h)
            if isinstance(module, nn.Linear):
                patterns.append(h > 0)
    pattern = torch.cat(patterns, 1)
    changes = t[1:, 0][(pattern[1:] != pattern[:-1]).any(1)]
    assert len(changes) == len(breakpoints) > 3
    assert (changes - breakpoints).abs().max() <= 1 / 200_000  # each change within one grid step of a breakpoint


def test_one_layer_regions_are_one_plus_the_kinks_on_the_segment():
    net = gaussian_relu_mlp([2, 16, 1], seed=5)
    weight = net[0].weight.detach()
    kinks = -weight[:, 1] / weight[:, 0]  # unit j switches at t_j on the segment x(t) = (t, 1)
    expected = 1 + int(((kinks > -2) & (kinks < 2)).sum())
    assert count_linear_regions(net, [-2.0, 1.0], [2.0, 1.0]) == expected


def test_deeper_networks_only_add_regions_and_stay_below_the_bound():
    # the network of depth L is the first L hidden layers of the deepest one, so its breakpoints persist
    counts = regions_against_depth((1, 2, 3), width=4, networks=20)
    assert (counts.diff(dim=0) >= 0).all() and (counts.diff(dim=0) > 0).any()
    assert (counts >= 1).all()
    assert (counts <= torch.tensor([5.0, 25.0, 125.0], dtype=torch.float64)[:, None]).all()  # (n + 1)^L


def test_digits_classifier_learns_and_is_reproducible():
    first = train_digits_classifier(epochs=2, seed=3)
    again = train_digits_classifier(epochs=2, seed=3)
    assert first["test_accuracy"] == again["test_accuracy"] > 0.8
    assert first["n_test"] == 359 and int(first["confusion"].sum()) == 359
    assert train_digits_classifier(epochs=2, seed=3, trained=False)["test_accuracy"] < 0.3
