"""Tests of :mod:`mltheory.kernels.training`: the empirical NTK, gradient-descent training and NTK regression."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from mltheory.kernels import Dense, Relu, empirical_ntk, ntk_regression, serial, train_network
from mltheory.networks import mlp

X = torch.tensor([[1.0, 0.0, 0.5], [0.3, -1.0, 0.2], [-0.8, 0.4, 1.0], [0.0, 0.6, -0.7]], dtype=torch.float64)
Y = torch.tensor([0.5, -1.0, 0.3, 0.8], dtype=torch.float64)
MODEL = serial(Dense(math.sqrt(2), 0.1), Relu(), Dense(1.0, 0.1))


def test_empirical_ntk_is_the_gram_matrix_of_parameter_gradients():
    net = mlp([3, 16, 16, 1], activation="tanh", seed=0, dtype=torch.float64)
    x1, x2 = torch.randn(4, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)

    def gradient(point):
        net.zero_grad()
        net(point[None]).sum().backward()
        return torch.cat([p.grad.reshape(-1) for p in net.parameters()])

    g1, g2 = torch.stack([gradient(p) for p in x1]), torch.stack([gradient(p) for p in x2])
    torch.testing.assert_close(empirical_ntk(net, x1, x2), g1 @ g2.T)
    theta = empirical_ntk(net, x1, x1)
    torch.testing.assert_close(theta, theta.T)
    assert float(torch.linalg.eigvalsh(theta).min()) > -1e-10  # a Gram matrix is positive semi-definite


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 64])
def test_chunked_empirical_ntk_does_not_depend_on_the_chunk_size(chunk_size):
    """Blocks of every size, on and off the diagonal (the same tensor twice, and two different ones)."""
    net = MODEL.network(32, seed=1, input_dim=3)
    full = empirical_ntk(net, X, X[:3].clone(), chunk_size=64)
    torch.testing.assert_close(empirical_ntk(net, X, X[:3].clone(), chunk_size=chunk_size), full)
    torch.testing.assert_close(empirical_ntk(net, X, X, chunk_size=chunk_size), empirical_ntk(net, X, X.clone()))


def test_ntk_regression_equals_iterated_kernel_gradient_descent():
    """mu_t from the eigendecomposition against t explicit steps f <- f - (eta/m) Theta (f - y) from f = 0."""
    eta, steps = 0.7, 25
    gram, cross = MODEL.ntk(X, X), MODEL.ntk(X[:2] * 0.5, X)
    train, test = torch.zeros(4, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    for _ in range(steps):
        residual = train - Y
        train, test = train - eta / 4 * gram @ residual, test - eta / 4 * cross @ residual
    torch.testing.assert_close(ntk_regression(MODEL, X, Y, X, t=steps, learning_rate=eta), train)
    torch.testing.assert_close(ntk_regression(MODEL, X, Y, X[:2] * 0.5, t=steps, learning_rate=eta), test)
    torch.testing.assert_close(ntk_regression(MODEL, X, Y, X), Y)  # t -> infinity interpolates
    limit = ntk_regression(MODEL, X, Y, X[:2] * 0.5)
    torch.testing.assert_close(ntk_regression(MODEL, X, Y, X[:2] * 0.5, t=20_000, learning_rate=eta), limit)


def test_ntk_regression_handles_a_singular_kernel_at_finite_time():
    """Two equal training inputs: a zero eigenvalue contributes its limit t eta / m, not 0/0."""
    x = torch.cat([X[:2], X[:1]])
    y = torch.tensor([0.5, -1.0, 0.5], dtype=torch.float64)
    prediction = ntk_regression(MODEL, x, y, X, t=10, learning_rate=0.5)
    assert torch.isfinite(prediction).all()
    with pytest.raises(ValueError, match=r"^ntk_regression: the NTK of x_train must be positive definite"):
        ntk_regression(MODEL, x, y, X)


def test_wide_trained_network_matches_its_ntk_prediction():
    """f_t = f_0 + mu_t(Y - f_0): closer at width 1024 than at 64 (one network each, same data)."""
    distances = []
    for width in (64, 1024):
        net = MODEL.network(width, seed=3, input_dim=3)
        trained = train_network(net, X, Y, steps=30, learning_rate=1.0)
        with torch.no_grad():
            f0, ft = net(X)[:, 0], trained(X)[:, 0]
        linear = f0 + ntk_regression(MODEL, X, Y - f0, X, t=30, learning_rate=1.0)
        distances.append(float((ft - linear).abs().max()))
    assert distances[1] < distances[0] / 3, distances


def test_train_network_leaves_the_network_unchanged():
    net = nn.Linear(3, 1, dtype=torch.float64)
    before = {name: p.detach().clone() for name, p in net.named_parameters()}
    trained = train_network(net, X, Y, steps=5, learning_rate=0.1)
    for name, p in net.named_parameters():
        assert torch.equal(p, before[name])
    assert not torch.equal(trained.weight, net.weight)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: empirical_ntk(lambda p: p, [[1.0]], [[1.0]]), TypeError,
     r"^empirical_ntk: network must be a torch.nn.Module \(got function\)$"),
    (lambda: empirical_ntk(mlp([2, 3], seed=0), [[1.0, 0.0]], [[1.0, 0.0]]), ValueError,
     r"^empirical_ntk: network must return one number per input"),
    (lambda: empirical_ntk(mlp([2, 1], seed=0), [[1.0, 0.0]], [[1.0, 0.0, 2.0]]), ValueError, r"^empirical_ntk: "),
    (lambda: empirical_ntk(mlp([2, 1], seed=0), [[1.0, 0.0]], [[1.0, 0.0]], chunk_size=0), ValueError,
     r"^empirical_ntk: chunk_size"),
    (lambda: ntk_regression(MODEL, X, Y, X, t=5, learning_rate=100.0), ValueError,
     r"^ntk_regression: learning_rate must satisfy"),
    (lambda: ntk_regression("relu", X, Y, X), TypeError, r"^ntk_regression: kernel must be made by serial"),
    (lambda: train_network(nn.Linear(3, 1), X, Y[:2], steps=1, learning_rate=0.1), ValueError, r"^train_network: y_train"),
])
def test_training_functions_reject_invalid_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()
