"""Tests of the NNGP page's package code: :func:`mltheory.kernels.nngp_posterior` and :func:`~mltheory.kernels.empirical_nngp`."""

from __future__ import annotations

import math

import pytest
import torch

from mltheory.kernels import Dense, Erf, Relu, empirical_nngp, nngp_posterior, serial
from mltheory.kernels.claims.nngp import kurtosis_model, one_hidden_layer_outputs

MODEL = serial(Dense(1.5, 0.5), Erf(), Dense(1.2, 0.1))
X_TRAIN = torch.tensor([[-1.5], [-0.4], [0.3], [1.1], [2.0]], dtype=torch.float64)
Y_TRAIN = torch.tensor([0.2, -0.7, 0.4, 1.0, -0.3], dtype=torch.float64)
X_TEST = torch.linspace(-3, 3, 9, dtype=torch.float64).unsqueeze(-1)


def test_posterior_matches_the_textbook_formula():
    """Mean K*X (K + s I)^-1 y and covariance K** - K*X (K + s I)^-1 KX*, here by a dense solve."""
    noise = 0.05
    mean, covariance = nngp_posterior(MODEL, X_TRAIN, Y_TRAIN, X_TEST, noise)
    regularised = MODEL.nngp(X_TRAIN, X_TRAIN) + noise * torch.eye(len(X_TRAIN), dtype=torch.float64)
    cross = MODEL.nngp(X_TRAIN, X_TEST)
    torch.testing.assert_close(mean, cross.T @ torch.linalg.solve(regularised, Y_TRAIN))
    torch.testing.assert_close(covariance, MODEL.nngp(X_TEST, X_TEST) - cross.T @ torch.linalg.solve(regularised, cross))
    assert torch.equal(covariance, covariance.T)


def test_posterior_of_several_outputs_and_of_a_callable_kernel():
    """Columns of y are independent regressions; a plain callable kernel gives the same answer as the architecture."""
    targets = torch.stack([Y_TRAIN, -2 * Y_TRAIN], dim=-1)
    mean, covariance = nngp_posterior(MODEL, X_TRAIN, targets, X_TEST, 0.1)
    single, _ = nngp_posterior(MODEL.nngp, X_TRAIN, Y_TRAIN, X_TEST, 0.1)
    assert mean.shape == (9, 2) and covariance.shape == (9, 9)
    torch.testing.assert_close(mean[:, 0], single)
    torch.testing.assert_close(mean[:, 1], -2 * single)


def test_posterior_interpolates_as_the_noise_vanishes():
    """At the training inputs the mean tends to y and the variance to 0 (exercise ex-nngp-interpolation)."""
    for noise in (1e-4, 1e-8):
        mean, covariance = nngp_posterior(MODEL, X_TRAIN, Y_TRAIN, X_TRAIN, noise)
        assert float((mean - Y_TRAIN).abs().max()) < 100 * noise
        assert float(covariance.diagonal().abs().max()) < 100 * noise


def test_data_never_increase_the_variance():
    """Conditioning on data lowers the variance at every input: 0 <= Sigma(x, x) <= K(x, x), up to rounding."""
    _, covariance = nngp_posterior(MODEL, X_TRAIN, Y_TRAIN, X_TEST, 0.01)
    prior = MODEL.nngp(X_TEST, X_TEST).diagonal()
    assert (covariance.diagonal() <= prior + 1e-12).all() and (covariance.diagonal() >= -1e-12).all()
    assert float((prior - covariance.diagonal()).min()) > 0


def test_posterior_is_stable_for_nearly_repeated_inputs():
    """Two inputs 1e-9 apart: with noise the Cholesky route stays finite, symmetric and non-negative to rounding."""
    close = torch.tensor([[0.3], [0.3 + 1e-9], [1.0]], dtype=torch.float64)
    mean, covariance = nngp_posterior(MODEL, close, [1.0, 1.0, 0.0], X_TEST, 1e-6)
    assert torch.isfinite(mean).all() and torch.isfinite(covariance).all()
    assert float(covariance.diagonal().min()) > -1e-10


@pytest.mark.parametrize("call, error, message", [
    (lambda: nngp_posterior(MODEL, [[0.5], [0.5]], [1.0, -1.0], [[0.0]], 0.0), ValueError,
     r"^nngp_posterior: K\(x_train, x_train\) \+ noise_var \* I must be positive definite"),
    (lambda: nngp_posterior("relu", X_TRAIN, Y_TRAIN, X_TEST, 0.1), TypeError, r"^nngp_posterior: kernel must be"),
    (lambda: nngp_posterior(lambda a, b: torch.ones(2, 2), X_TRAIN, Y_TRAIN, X_TEST, 0.1), ValueError,
     r"^nngp_posterior: kernel must return a matrix of shape \(5, 5\)"),
    (lambda: nngp_posterior(MODEL, X_TRAIN, Y_TRAIN[:3], X_TEST, 0.1), ValueError, r"^nngp_posterior: y_train"),
    (lambda: nngp_posterior(MODEL, X_TRAIN, Y_TRAIN, X_TEST, -0.1), ValueError, r"^nngp_posterior: noise_var"),
])
def test_posterior_rejects_invalid_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_empirical_nngp_is_the_readout_covariance_of_each_network():
    """One hidden layer: each network's kernel is sigma_w^2 a.a'/n + sigma_b^2 of its own hidden features."""
    model = serial(Dense(1.3, 0.4), Relu(), Dense(0.7, 0.2))
    x = torch.tensor([[1.0, -0.5], [0.2, 0.8]], dtype=torch.float64)
    kernels = empirical_nngp(model, x, width=16, networks=3, seed=5, dtype=torch.float64)
    for s in range(3):
        net = model.network(16, 5 + s, input_dim=2)
        features = torch.relu(net.steps[0](x))
        torch.testing.assert_close(kernels[s], 0.49 * features @ features.T / 16 + 0.04)
    torch.testing.assert_close(kernels, empirical_nngp(model, x, width=16, networks=3, seed=5, dtype=torch.float64))


def test_empirical_nngp_rejects_a_model_without_readout():
    with pytest.raises(ValueError, match=r"^empirical_nngp: model must end with a dense layer"):
        empirical_nngp(serial(Dense(), Relu()), [[1.0]], width=4, networks=2)
    with pytest.raises(TypeError, match=r"^empirical_nngp: model must be an architecture"):
        empirical_nngp(torch.nn.Linear(1, 1), [[1.0]], width=4, networks=2)


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_sampled_outputs_have_the_nngp_variance(activation):
    """The direct sampler of the kurtosis check has variance K(x, x) (5 standard errors) and mean 0."""
    outputs = one_hidden_layer_outputs(32, 20_000, seed=3, activation=activation)
    variance = float(kurtosis_model(activation).nngp([[1.0]], [[1.0]]))
    squares = outputs**2
    assert abs(float(squares.mean()) - variance) <= 5 * float(squares.std()) / math.sqrt(len(squares))
    assert abs(float(outputs.mean())) <= 5 * float(outputs.std()) / math.sqrt(len(outputs))


def test_sampled_outputs_match_finite_networks_in_distribution():
    """The sampler draws the same law as kurtosis_model().network: compare fourth moments (5 standard errors)."""
    model = kurtosis_model()
    point = torch.tensor([[1.0]], dtype=torch.float64)
    with torch.no_grad():
        networks = torch.stack([model.network(4, s, input_dim=1)(point)[0, 0] for s in range(3000)])
    sampled = one_hidden_layer_outputs(4, 3000, seed=9)
    a, b = networks**4, sampled**4
    difference = float(a.mean() - b.mean())
    assert abs(difference) <= 5 * math.sqrt(float(a.var() + b.var()) / 3000)
