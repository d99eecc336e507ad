"""Unit tests of double descent: the exact ridgeless risk, random ReLU features and the bias-variance split."""

import math

import pytest
import torch

from mltheory.generalization import bias_variance_decomposition, random_features_regression, ridgeless_risk

DOUBLE = torch.float64


def test_ridgeless_risk_is_the_exact_formula_on_both_sides_and_infinite_at_the_threshold():
    risk = ridgeless_risk(30, [5, 27, 28, 29, 30, 31, 32, 60], sigma2=2.0, r2=3.0)
    assert risk[0].item() == pytest.approx(2.0 * 5 / 24)
    assert risk[1].item() == pytest.approx(2.0 * 27 / 2) and risk[2].item() == pytest.approx(2.0 * 28 / 1)
    assert torch.isinf(risk[3:6]).all()
    assert risk[6].item() == pytest.approx(3.0 * (1 - 30 / 32) + 2.0 * 30 / 1)
    assert risk[7].item() == pytest.approx(3.0 * 0.5 + 2.0 * 30 / 29)
    # without noise only the bias is left, finite everywhere: zero up to p = n
    clean = ridgeless_risk(30, [29, 30, 31], sigma2=0.0, r2=3.0)
    assert torch.allclose(clean, torch.tensor([0.0, 0.0, 3.0 / 31], dtype=DOUBLE))


def test_exact_risk_tends_to_the_limit():
    for gamma in (0.5, 2.0):
        limit = ridgeless_risk(1.0, gamma, 1.0, 1.0, exact=False).item()
        n = 10**6
        assert ridgeless_risk(n, round(gamma * n), 1.0, 1.0).item() == pytest.approx(limit, rel=1e-5)
    assert torch.isinf(ridgeless_risk(5.0, 5.0, 1.0, 1.0, exact=False))
    # the limit takes real sizes; the exact risk refuses them
    assert torch.isfinite(ridgeless_risk(2.5, 7.5, 1.0, 1.0, exact=False))
    with pytest.raises(ValueError, match="ridgeless_risk: n must be an integer"):
        ridgeless_risk(2.5, 7, 1.0, 1.0)
    with pytest.raises(ValueError, match="ridgeless_risk: p must hold integers"):
        ridgeless_risk(20, [7.5], 1.0, 1.0)


def test_decomposition_adds_up_and_corrects_the_plug_in_bias():
    g = torch.Generator().manual_seed(0)
    predictions = 1.0 + torch.randn(8, 3, 50, generator=g, dtype=DOUBLE)
    targets = torch.zeros(50, dtype=DOUBLE)
    for unbiased in (True, False):
        error, bias2, variance = bias_variance_decomposition(predictions, targets, unbiased=unbiased)
        assert error.shape == (3,)
        assert torch.allclose(bias2 + variance, error, atol=1e-12)
    _, plug_in, plug_variance = bias_variance_decomposition(predictions, targets, unbiased=False)
    _, corrected, variance = bias_variance_decomposition(predictions, targets)
    assert torch.allclose(plug_in - corrected, variance / 8)
    assert torch.allclose(plug_variance, variance * 7 / 8)
    with pytest.raises(ValueError, match="bias_variance_decomposition: predictions must have shape"):
        bias_variance_decomposition(predictions[:1], targets)
    with pytest.raises(ValueError, match="bias_variance_decomposition: targets must broadcast"):
        bias_variance_decomposition(predictions, torch.zeros(7, dtype=DOUBLE))


def test_random_features_interpolate_and_ridge_shrinks_the_peak():
    predictions, targets = random_features_regression(30, [10, 30, 300], d=5, draws=4, n_test=200, seed=1)
    assert predictions.shape == (4, 3, 200) and targets.shape == (200,)
    again, _ = random_features_regression(30, [10, 30, 300], d=5, draws=4, n_test=200, seed=1)
    assert torch.equal(predictions, again)
    errors = ((predictions - targets) ** 2).mean(-1).log().mean(0)
    assert errors[1] > errors[0] and errors[1] > errors[2]
    ridge, _ = random_features_regression(30, [10, 30, 300], d=5, draws=4, n_test=200, seed=1, ridge=1.0)
    ridge_errors = ((ridge - targets) ** 2).mean(-1).log().mean(0)
    assert ridge_errors[1] < errors[1] - math.log(10)


def test_a_small_ridge_matches_minimum_norm_on_both_sides():
    for features in ([10], [100]):
        exact, _ = random_features_regression(30, features, d=5, draws=2, n_test=20, seed=2)
        ridge, _ = random_features_regression(30, features, d=5, draws=2, n_test=20, seed=2, ridge=1e-9)
        assert torch.allclose(exact, ridge, atol=1e-5)
