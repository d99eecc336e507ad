"""Unit tests of polynomial fitting: the Legendre features, least squares, minimum norm and ridge."""

import pytest
import torch

from mltheory.generalization import legendre_features, polynomial_errors, polynomial_fit

DOUBLE = torch.float64


def test_legendre_features_match_the_closed_forms():
    x = torch.linspace(-1, 1, 7, dtype=DOUBLE)
    features = legendre_features(x, 3)
    expected = torch.stack([torch.ones_like(x), x, (3 * x**2 - 1) / 2, (5 * x**3 - 3 * x) / 2], -1)
    assert torch.allclose(features, expected, atol=1e-14)
    assert legendre_features(x, 0).shape == (7, 1)


def test_least_squares_recovers_a_polynomial_and_interpolates_at_full_degree():
    x = torch.linspace(-1, 1, 10, dtype=DOUBLE)
    y = 2 * x**3 - x
    coefficients = polynomial_fit(x, y, 5)
    assert torch.allclose(legendre_features(x, 5) @ coefficients, y, atol=1e-12)
    assert torch.allclose(coefficients[4:], torch.zeros(2, dtype=DOUBLE), atol=1e-12)
    noisy = y + torch.sin(7 * x)
    for degree in (9, 14):  # as many coefficients as points or more: the fit interpolates
        assert torch.allclose(legendre_features(x, degree) @ polynomial_fit(x, noisy, degree), noisy, atol=1e-8)


def test_minimum_norm_is_the_smallest_interpolant():
    x = torch.linspace(-1, 1, 6, dtype=DOUBLE)
    y = torch.cos(3 * x)
    features = legendre_features(x, 9)
    w = polynomial_fit(x, y, 9)
    null = torch.linalg.svd(features).Vh[6:]  # directions the data do not see
    other = w + null.T @ torch.tensor([0.3, -0.2, 0.1, 0.5], dtype=DOUBLE)
    assert torch.allclose(features @ other, y, atol=1e-10)
    assert w.norm() < other.norm()


def test_ridge_shrinks_towards_least_squares_as_the_penalty_vanishes():
    x = torch.linspace(-1, 1, 8, dtype=DOUBLE)
    y = torch.exp(x)
    exact = polynomial_fit(x, y, 4)
    norms = [polynomial_fit(x, y, 4, ridge).norm() for ridge in (1e-9, 1e-2, 1.0, 100.0)]
    assert torch.allclose(polynomial_fit(x, y, 4, 1e-12), exact, atol=1e-8)
    assert all(a > b for a, b in zip(norms, norms[1:]))


def test_polynomial_errors_are_seeded_and_interpolation_has_zero_training_error():
    train, test = polynomial_errors(lambda x: x, n=6, degrees=(1, 5, 8), seeds=3, n_test=50)
    assert train.shape == test.shape == (3, 3)
    assert train[:, 1:].max() < 1e-20
    again, _ = polynomial_errors(lambda x: x, n=6, degrees=(1, 5, 8), seeds=3, n_test=50)
    assert torch.equal(train, again)


def test_bad_input_names_the_function():
    with pytest.raises(ValueError, match="polynomial_fit: x and y"):
        polynomial_fit([0.0, 1.0], [1.0], 1)
    with pytest.raises(ValueError, match="polynomial_fit: ridge"):
        polynomial_fit([0.0, 1.0], [1.0, 2.0], 1, ridge=-1.0)
    with pytest.raises(TypeError, match="polynomial_errors: teacher"):
        polynomial_errors(3.0)
