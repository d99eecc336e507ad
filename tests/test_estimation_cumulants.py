"""Cumulants, moments, k-statistics and the samplers with known moments."""

import math

import numpy as np
import pytest
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mltheory.estimation import cumulants_from_moments, moments_from_cumulants, sample_cumulants, standardized_sums
from mltheory.estimation.cumulants import density_from_cumulants
from mltheory.estimation.distributions import Cauchy, Exponential, Laplace, Normal, Uniform

finite = st.floats(-3.0, 3.0, allow_nan=False)


@settings(max_examples=50)
@given(st.lists(finite, min_size=1, max_size=6))
def test_moment_cumulant_round_trip(kappa):
    kappa = torch.tensor(kappa, dtype=torch.float64)
    back = cumulants_from_moments(moments_from_cumulants(kappa))
    assert torch.allclose(back, kappa, atol=1e-9, rtol=1e-9)


def test_known_moments_and_batches():
    standard_normal = moments_from_cumulants([0.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    assert standard_normal.tolist() == [0.0, 1.0, 0.0, 3.0, 0.0, 15.0]
    poisson = moments_from_cumulants(torch.full((6,), 2.0, dtype=torch.float64))
    expected = [scipy.stats.poisson(2.0).moment(n) for n in range(1, 7)]
    assert np.allclose(poisson.numpy(), expected)
    batch = torch.tensor([[0.0, 1.0, 0.0], [2.0, 2.0, 2.0]], dtype=torch.float64)
    assert torch.equal(moments_from_cumulants(batch.T, dim=0).T, moments_from_cumulants(batch))


def test_sample_cumulants_match_scipy_kstat():
    x = Exponential(1.0)((3, 500), seed=0)
    ours = sample_cumulants(x)
    theirs = torch.tensor([[scipy.stats.kstat(row.numpy(), n) for n in (1, 2, 3, 4)] for row in x])
    assert torch.allclose(ours, theirs, atol=1e-10)
    assert sample_cumulants(x.T, dim=0, order=2).shape == (3, 2)


@pytest.mark.parametrize("call,message", [
    (lambda: sample_cumulants([1.0, 2.0, 3.0]), "at least 4 points"),
    (lambda: sample_cumulants([1.0, 2.0], order=5), "order must be at most 4"),
    (lambda: sample_cumulants([1.0, float("nan")], order=2), "NaN"),
    (lambda: moments_from_cumulants([]), "at least one order"),
    (lambda: cumulants_from_moments([[1.0, float("inf")]]), "finite"),
    (lambda: density_from_cumulants([0.0, 1.0, 0.0, 1.0], 0.0), "has not decayed"),
])
def test_rejects_invalid_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_density_from_cumulants_recovers_the_normal():
    x = torch.linspace(-4, 4, 17, dtype=torch.float64)
    exact = torch.exp(-(x - 1) ** 2 / 8) / math.sqrt(8 * math.pi)
    assert torch.allclose(density_from_cumulants([1.0, 4.0], x), exact, atol=1e-12)


@pytest.mark.parametrize("distribution", [Normal(1.0, 2.0), Exponential(0.5), Uniform(-1.0, 3.0), Laplace(0.5, 1.5)])
def test_samplers_have_their_cumulants(distribution):
    x = distribution((400_000,), seed=1)
    stats = sample_cumulants(x)
    for order in (1, 2, 3):
        expected = distribution.cumulant(order)
        scale = distribution.variance ** (order / 2)
        assert abs(float(stats[order - 1]) - expected) < 0.05 * scale


def test_samplers_are_seeded_and_validated():
    assert torch.equal(Normal()((5,), seed=3), Normal()((5,), seed=3))
    generator = torch.Generator().manual_seed(0)
    assert not torch.equal(Cauchy()(4, seed=generator), Cauchy()(4, seed=generator))
    with pytest.raises(ValueError, match="Normal: scale must be a positive finite number"):
        Normal(0.0, -1.0)
    with pytest.raises(ValueError, match="Uniform: high must exceed low"):
        Uniform(1.0, 0.0)
    with pytest.raises(TypeError, match="seed must be an integer or a torch.Generator"):
        Normal()(3, seed=0.5)
    with pytest.raises(ValueError, match="the cumulants are not defined"):
        Cauchy().mean


def test_standardized_sums_have_unit_variance_and_cauchy_means_do_not_shrink():
    y = standardized_sums(Uniform(0.0, 1.0), 12, 100_000, seed=2)
    assert abs(float(y.mean())) < 0.02 and abs(float(y.var()) - 1) < 0.02
    means = standardized_sums(Cauchy(), 50, 100_000, seed=3)
    quartiles = torch.quantile(means, torch.tensor([0.25, 0.75], dtype=torch.float64))
    assert abs(float(quartiles[1] - quartiles[0]) - 2.0) < 0.05  # the interquartile range of a standard Cauchy
    with pytest.raises(TypeError, match="distribution must be"):
        standardized_sums("normal", 2, 10, seed=0)
