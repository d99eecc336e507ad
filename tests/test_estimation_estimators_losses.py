"""Estimator statistics, regression losses, ridge and lasso, robust fits and calibration."""

import pytest
import torch
import torch.nn.functional as F

from mltheory.estimation import (
    estimator_stats,
    expected_calibration_error,
    gumbel_max_sample,
    huber,
    lasso,
    nll_cauchy,
    nll_gaussian,
    nll_laplace,
    reliability_curve,
    ridge,
    robust_fit,
    sample_variance,
    soft_threshold,
    summarize_estimates,
    temperature_scale,
)
from mltheory.estimation.distributions import Normal


def test_estimator_stats_is_exact_on_a_known_case_and_batches_agree():
    stats = estimator_stats(lambda x: x.mean(-1), Normal(2.0, 3.0), n=9, trials=200_000, seed=0, target=2.0)
    assert abs(float(stats.variance) - 1.0) < 5 * float(stats.variance_se)
    assert abs(float(stats.bias)) < 5 * float(stats.bias_se)
    assert abs(float(stats.mse) - float(stats.variance + stats.bias**2)) < 1e-4
    def batched(seed):
        return estimator_stats(lambda x: x.mean(-1), Normal(2.0, 3.0), n=9, trials=1000, seed=seed, target=2.0,
                               batch_size=7)

    first, again = batched(1), batched(1)
    assert torch.equal(first.mean, again.mean) and first.trials == 1000
    assert abs(float(first.mean) - 2.0) < 5 * float(first.mean_se)


def test_estimator_stats_rejects_bad_input():
    with pytest.raises(ValueError, match="trials must be an integer >= 2"):
        estimator_stats(lambda x: x.mean(-1), Normal(), n=3, trials=1, seed=0, target=0.0)
    with pytest.raises(ValueError, match="one estimate per trial"):
        estimator_stats(lambda x: x.mean(), Normal(), n=3, trials=10, seed=0, target=0.0)
    with pytest.raises(TypeError, match="must be callable"):
        estimator_stats(None, Normal(), n=3, trials=10, seed=0, target=0.0)
    with pytest.raises(ValueError, match="at least 2 trials"):
        summarize_estimates([1.0], 0.0)


def test_sample_variance_divisors():
    x = torch.tensor([1.0, 2.0, 4.0, 7.0], dtype=torch.float64)
    squares = float(((x - x.mean()) ** 2).sum())
    for ddof, divisor in ((1, 3), (0, 4), (-1, 5)):
        assert float(sample_variance(x, ddof=ddof)) == pytest.approx(squares / divisor)
    assert torch.allclose(sample_variance(x.reshape(2, 2), dim=0), torch.var(x.reshape(2, 2), dim=0))
    with pytest.raises(ValueError, match="ddof must be less than the sample size"):
        sample_variance(x, ddof=4)


def test_nlls_match_torch_distributions():
    r = torch.linspace(-5, 5, 41, dtype=torch.float64)
    scale = torch.tensor(1.7, dtype=torch.float64)
    assert torch.allclose(nll_gaussian(r, scale), -torch.distributions.Normal(0.0, scale).log_prob(r))
    assert torch.allclose(nll_laplace(r, scale), -torch.distributions.Laplace(0.0, scale).log_prob(r))
    assert torch.allclose(nll_cauchy(r, scale), -torch.distributions.Cauchy(0.0, scale).log_prob(r))
    assert torch.allclose(huber(r, 1.3), F.huber_loss(r, torch.zeros_like(r), reduction="none", delta=1.3))
    for loss in (nll_gaussian, nll_laplace, nll_cauchy, huber):
        with pytest.raises(ValueError, match="must be positive"):
            loss([1.0], 0.0)
        with pytest.raises(ValueError, match="NaN"):
            loss([float("nan")])


def test_ridge_is_the_stationary_point_and_batches_over_penalties():
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(30, 4, generator=generator, dtype=torch.float64)
    y = torch.randn(30, generator=generator, dtype=torch.float64)
    penalties = torch.tensor([0.0, 0.5, 10.0], dtype=torch.float64)
    w = ridge(X, y, penalties)
    gradient = (X.T @ (X @ w.T - y[:, None])).T + penalties[:, None] * w
    assert w.shape == (3, 4) and gradient.abs().max() < 1e-10
    assert torch.allclose(w[0], torch.linalg.lstsq(X, y).solution, atol=1e-10)
    with pytest.raises(ValueError, match="lam must be non-negative"):
        ridge(X, y, -1.0)
    with pytest.raises(ValueError, match="y must have shape"):
        ridge(X, y[:-1], 1.0)


def test_soft_threshold_and_lasso_optimality():
    assert soft_threshold([-2.0, -0.5, 0.3, 1.5], 1.0).tolist() == [-1.0, 0.0, 0.0, 0.5]
    with pytest.raises(ValueError, match="threshold must be non-negative"):
        soft_threshold([1.0], -0.1)
    generator = torch.Generator().manual_seed(1)
    X = torch.randn(40, 6, generator=generator, dtype=torch.float64)
    y = X[:, 0] * 3 + 0.1 * torch.randn(40, generator=generator, dtype=torch.float64)
    lam = 5.0
    w = lasso(X, y, lam, steps=5000)
    gradient = X.T @ (X @ w - y)  # subgradient conditions of 1/2 |y - Xw|^2 + lam |w|_1
    active = w != 0
    assert torch.allclose(gradient[active], -lam * torch.sign(w[active]), atol=1e-6)
    assert (gradient[~active].abs() <= lam + 1e-6).all() and (~active).sum() >= 3


def test_robust_fit_reproduces_mean_and_median_and_rejects_bad_loss():
    ones = torch.ones(5, 1, dtype=torch.float64)
    values = torch.tensor([[0.0, 1.0, 2.0, 3.0, 1000.0], [5.0, 5.0, 6.0, 7.0, -100.0]], dtype=torch.float64)
    assert torch.allclose(robust_fit(ones, values, loss="l2").squeeze(-1), values.mean(-1))
    assert torch.allclose(robust_fit(ones, values, loss="l1").squeeze(-1), values.median(-1).values, atol=1e-6)
    assert float(robust_fit(ones, values[0], loss="cauchy")) < 3.0
    with pytest.raises(ValueError, match="loss must be one of"):
        robust_fit(ones, values, loss="l3")


def test_calibration_tools():
    probs = torch.tensor([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.2, 0.8]], dtype=torch.float64)
    labels = torch.tensor([0, 1, 0, 1])
    confidence, accuracy, fraction = reliability_curve(probs, labels, n_bins=5)
    assert float(fraction.sum()) == pytest.approx(1.0)
    ece = sum(f * abs(a - c) for f, a, c in zip(fraction.tolist(), accuracy.tolist(), confidence.tolist()))
    assert float(expected_calibration_error(probs, labels, n_bins=5)) == pytest.approx(ece)
    assert expected_calibration_error(probs.expand(3, 4, 2), labels.expand(3, 4), n_bins=5).shape == (3,)
    with pytest.raises(ValueError, match="labels must lie in"):
        expected_calibration_error(probs, torch.tensor([0, 1, 2, 0]))
    with pytest.raises(TypeError, match="labels must be integer"):
        expected_calibration_error(probs, labels.double())


def test_temperature_scale_minimises_the_log_loss():
    generator = torch.Generator().manual_seed(2)
    logits = 4 * torch.randn(500, 5, generator=generator, dtype=torch.float64)
    labels = gumbel_max_sample(logits / 2.5, seed=3)  # the true temperature is 2.5
    temperature = float(temperature_scale(logits, labels))
    grid = torch.linspace(0.5, 6, 2000, dtype=torch.float64)
    log_probs = torch.log_softmax(logits / grid[:, None, None], dim=-1)  # (grid, samples, classes)
    losses = -log_probs.gather(-1, labels.expand(len(grid), -1).unsqueeze(-1)).mean(dim=(1, 2))
    assert abs(temperature - float(grid[losses.argmin()])) < 0.01
    assert abs(temperature - 2.5) < 0.5
