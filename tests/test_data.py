"""Seeded datasets are reproducible, correctly shaped and validated."""

import pytest
import torch

from mltheory.data import bernoulli_sequences, digits, random_distributions, train_test_indices


def test_bernoulli_sequences_are_seeded_and_have_the_right_rate():
    q = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    a, b = bernoulli_sequences(q, 40_000, seed=3), bernoulli_sequences(q, 40_000, seed=3)
    assert torch.equal(a, b) and not torch.equal(a, bernoulli_sequences(q, 40_000, seed=4))
    # 5 standard errors of a Bernoulli mean with n = 40000.
    assert ((a.mean(-1) - q).abs() <= 5 * torch.sqrt(q * (1 - q) / 40_000)).all()
    with pytest.raises(ValueError, match="q must lie in"):
        bernoulli_sequences([1.5], 3, seed=0)


def test_random_distributions_cover_the_simplex():
    p = random_distributions(20_000, 5, seed=0)
    assert torch.allclose(p.sum(-1), torch.ones(20_000, dtype=torch.float64))
    top = p.max(-1).values
    assert top.min() < 0.3 and top.max() > 0.999  # nearly uniform and nearly certain rows both occur
    assert torch.equal(p, random_distributions(20_000, 5, seed=0))
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        random_distributions(3, 0, seed=0)


def test_digits():
    x, y = digits()
    assert x.shape == (1797, 64) and y.shape == (1797,)
    assert x.min() == 0 and x.max() == 1 and set(y.tolist()) == set(range(10))


def test_train_test_indices():
    train, test = train_test_indices(100, test_fraction=0.25, seed=1)
    assert len(test) == 25 and sorted(torch.cat([train, test]).tolist()) == list(range(100))
    with pytest.raises(ValueError, match="both parts non-empty"):
        train_test_indices(3, test_fraction=0.01, seed=0)
