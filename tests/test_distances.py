"""Distances between distributions: agreement with scipy, batching, the f-divergence family and bad input."""

import math

import numpy as np
import pytest
import scipy.spatial.distance
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mltheory.data import random_distributions
from mltheory.distances import (
    F_DIVERGENCES,
    f_divergence,
    gaussian_wasserstein_2,
    hellinger,
    js_divergence,
    kl_monte_carlo,
    symmetrized_kl,
    total_variation,
    wasserstein_1d,
)
from mltheory.information import kl_divergence


def _random_problem(rng):
    n, m = rng.integers(1, 60, size=2)
    u = rng.normal(size=n) * rng.uniform(0.1, 10)
    v = rng.standard_t(2, size=m) + rng.normal()
    if rng.uniform() < 0.3:  # ties
        u = np.round(u)
        v = np.round(v)
    weights = (rng.uniform(size=n), rng.uniform(size=m)) if rng.uniform() < 0.5 else (None, None)
    return u, v, *weights


def test_wasserstein_1d_matches_scipy_to_1e_10():
    """Acceptance: agreement with scipy.stats.wasserstein_distance to 1e-10 on random samples."""
    rng = np.random.default_rng(0)
    for _ in range(300):
        u, v, wu, wv = _random_problem(rng)
        ours = float(wasserstein_1d(u, v, wu, wv))
        assert abs(ours - scipy.stats.wasserstein_distance(u, v, wu, wv)) < 1e-10


def test_wasserstein_1d_batches_and_orders():
    rng = np.random.default_rng(1)
    u, v = rng.normal(size=(4, 30)), rng.normal(size=(4, 20)) + 1
    batched = wasserstein_1d(u, v)
    assert batched.shape == (4,)
    assert np.allclose(batched.numpy(), [scipy.stats.wasserstein_distance(a, b) for a, b in zip(u, v)], atol=1e-12)
    weights = rng.uniform(size=(3, 30))
    assert wasserstein_1d(u[0], v[0], weights, None).shape == (3,)
    z = torch.randn(100_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    w2 = float(wasserstein_1d(z, 1 + 2 * z, p=2))
    assert abs(w2 - float(((1 + z) ** 2).mean().sqrt())) < 1e-12  # a monotone map is its own optimal coupling
    assert abs(w2 - float(gaussian_wasserstein_2(0.0, 1.0, 1.0, 2.0))) < 0.01
    assert float(wasserstein_1d([0.0, 1.0], [0.0, 1.0], p=3)) == 0.0


@pytest.mark.parametrize("kwargs,error,message", [
    ({"u_values": [], "v_values": [1.0]}, ValueError, "at least one sample"),
    ({"u_values": [1.0, float("nan")], "v_values": [1.0]}, ValueError, "NaN"),
    ({"u_values": [1.0], "v_values": [1.0], "u_weights": [-1.0]}, ValueError, "u_weights must be non-negative"),
    ({"u_values": [1.0, 2.0], "v_values": [1.0], "u_weights": [0.0, 0.0]}, ValueError, "positive sum"),
    ({"u_values": [1.0, 2.0], "v_values": [1.0], "u_weights": [1.0, 2.0, 3.0]}, ValueError, "must broadcast"),
    ({"u_values": [1.0], "v_values": [1.0], "p": 0.5}, ValueError, "p must be a finite number >= 1"),
    ({"u_values": "abc", "v_values": [1.0]}, TypeError, "real array-like"),
])
def test_wasserstein_1d_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=f"wasserstein_1d: .*{message}"):
        wasserstein_1d(**kwargs)


def test_discrete_distances_match_scipy_and_known_values():
    p, q = random_distributions(400, 7, seed=4).reshape(2, 200, 7)
    expected_js = scipy.spatial.distance.jensenshannon(p.numpy(), q.numpy(), axis=-1) ** 2
    assert np.allclose(js_divergence(p, q).numpy(), expected_js, atol=1e-12)
    assert np.allclose(total_variation(p, q).numpy(), 0.5 * np.abs((p - q).numpy()).sum(-1))
    assert torch.allclose(hellinger(p, q) ** 2, 1 - (p * q).sqrt().sum(-1), atol=1e-12)
    assert torch.allclose(symmetrized_kl(p, q), kl_divergence(p, q) + kl_divergence(q, p))
    assert float(js_divergence([1.0, 0.0], [0.0, 1.0])) == pytest.approx(math.log(2))
    assert float(total_variation([1.0, 0.0], [0.0, 1.0])) == 1.0


def test_named_f_divergences_agree_with_the_dedicated_functions():
    p, q = random_distributions(200, 5, seed=5).reshape(2, 100, 5)
    assert torch.allclose(f_divergence(p, q, "kl"), kl_divergence(p, q), atol=1e-12)
    assert torch.allclose(f_divergence(p, q, "reverse_kl"), kl_divergence(q, p), atol=1e-12)
    assert torch.allclose(f_divergence(p, q, "total_variation"), total_variation(p, q), atol=1e-12)
    assert torch.allclose(f_divergence(p, q, "squared_hellinger"), hellinger(p, q) ** 2, atol=1e-12)
    assert torch.allclose(f_divergence(p, q, "jensen_shannon"), js_divergence(p, q), atol=1e-12)
    assert torch.allclose(f_divergence(p, q, "chi_squared"), ((p - q) ** 2 / q).sum(-1), atol=1e-10)
    assert set(F_DIVERGENCES) == {"kl", "reverse_kl", "total_variation", "squared_hellinger", "jensen_shannon",
                                  "chi_squared"}


@settings(max_examples=50)
@given(st.integers(2, 8), st.integers(0, 10_000))
def test_f_divergences_are_nonnegative_and_vanish_on_the_diagonal(n, seed):
    p, q = random_distributions(2, n, seed=seed)
    for name in F_DIVERGENCES:
        assert float(f_divergence(p, q, name)) >= -1e-12
        assert abs(float(f_divergence(p, p, name))) < 1e-12


def test_f_divergence_rejects_bad_generators_and_supports():
    with pytest.raises(ValueError, match="f must satisfy f\\(1\\) = 0"):
        f_divergence([0.5, 0.5], [0.5, 0.5], lambda t: t)
    with pytest.raises(ValueError, match="f must be one of"):
        f_divergence([0.5, 0.5], [0.5, 0.5], "renyi")
    with pytest.raises(ValueError, match="q must be positive wherever p is"):
        f_divergence([0.5, 0.5], [1.0, 0.0], "kl")
    with pytest.raises(ValueError, match="same number of outcomes"):
        js_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="sum to 1"):
        hellinger([0.5, 0.6], [0.5, 0.5])


def test_kl_monte_carlo_estimate():
    x = torch.randn(200_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    estimate, se = kl_monte_carlo(-x**2 / 2, -(x - 1) ** 2 / 8 - math.log(2))
    assert abs(float(estimate) - (math.log(2) - 0.25)) < 5 * float(se)
    with pytest.raises(ValueError, match="at least 2 samples"):
        kl_monte_carlo([0.0], [0.0])
