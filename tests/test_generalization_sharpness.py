"""Unit tests of the rescaling of layers and of the Hessian's top eigenvalue (the page on sharpness)."""

import pytest
import torch
from torch import nn

from mltheory.generalization import loss_hessian, rescale_layers, rescaling_factors, top_hessian_eigenvalue


def _net(activation=nn.ReLU, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 5), activation(), nn.Linear(5, 4), activation(), nn.Linear(4, 2)).double()


def _data(n=12, seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, generator=g, dtype=torch.float64), torch.arange(n) % 2


def test_rescaling_scales_one_layer_up_and_the_next_weights_down():
    net = _net()
    factors = rescaling_factors(net, 3.0, layer=1)
    sizes = [p.numel() for p in net.parameters()]  # W1, b1, W2, b2, W3, b3
    expected = torch.cat([torch.full((k,), f, dtype=torch.float64)
                          for k, f in zip(sizes, (1, 1, 3.0, 3.0, 1 / 3, 1))])
    assert torch.equal(factors, expected)
    rescaled = rescale_layers(net, 3.0, layer=1)
    assert torch.allclose(rescaled[2].weight, 3 * net[2].weight) and torch.equal(rescaled[0].weight, net[0].weight)
    assert rescaled is not net and torch.allclose(rescaled[4].weight, net[4].weight / 3)


@pytest.mark.parametrize("layer", [0, 1])
def test_relu_function_is_unchanged_exactly_for_a_power_of_two_and_tanh_changes(layer):
    x, _ = _data()
    net = _net()
    assert torch.equal(rescale_layers(net, 2.0**-5, layer)(x), net(x))
    assert torch.allclose(rescale_layers(net, 3.7, layer)(x), net(x), rtol=1e-12, atol=1e-12)
    tanh = _net(nn.Tanh)
    assert (rescale_layers(tanh, 4.0, layer)(x) - tanh(x)).abs().max() > 1e-3


def test_hessian_transforms_by_congruence_and_power_iteration_finds_the_top_eigenvalue():
    x, y = _data()
    net = _net()
    alpha = 3.0
    hessian = loss_hessian(net, x, y)
    inverse = 1 / rescaling_factors(net, alpha)
    rescaled = loss_hessian(rescale_layers(net, alpha), x, y)
    assert torch.allclose(rescaled, inverse[:, None] * hessian * inverse[None, :], atol=1e-10)
    value, residual = top_hessian_eigenvalue(rescale_layers(net, alpha), x, y, iterations=2000)
    eigenvalues = torch.linalg.eigvalsh(rescaled)
    assert abs(value - float(eigenvalues[eigenvalues.abs().argmax()])) <= residual + 1e-10
    assert residual < 1e-6


def test_invalid_arguments_are_refused_with_the_function_name():
    net = _net()
    with pytest.raises(ValueError, match="rescale_layers: layer must be below 2"):
        rescale_layers(net, 2.0, layer=2)
    with pytest.raises(ValueError, match="rescale_layers: alpha must be positive"):
        rescale_layers(net, 0.0)
    with pytest.raises(ValueError, match="rescaling_factors: model must have at least two nn.Linear layers"):
        rescaling_factors(nn.Sequential(nn.Linear(2, 2)), 2.0)
    with pytest.raises(TypeError, match="rescaling_factors: model must be an nn.Sequential"):
        rescaling_factors(nn.Linear(2, 2), 2.0)
    x, y = _data()
    with pytest.raises(ValueError, match="loss_hessian: y"):
        loss_hessian(net, x, y[:-1])
