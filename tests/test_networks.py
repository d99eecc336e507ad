"""The seeded network helpers: reproducible, validated, and able to learn."""

import pytest
import torch
from torch import nn

from mltheory.data import digits, train_test_indices
from mltheory.networks import accuracy, fit, mlp


def test_mlp_shapes_and_seeding():
    net = mlp([64, 32, 16, 10], activation="tanh", seed=3)
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert all(torch.equal(a, b) for a, b in zip(net.parameters(), mlp([64, 32, 16, 10], activation="tanh", seed=3).parameters()))
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp([2, 2], activation="swish", seed=0)
    with pytest.raises(ValueError, match="at least an input and an output"):
        mlp([2], seed=0)


def test_fit_is_reproducible_and_learns_digits():
    x, y = digits(dtype=torch.float32)
    train, test = train_test_indices(len(x), seed=0)

    def run():
        net = mlp([64, 64, 10], seed=0)
        return fit(net, x[train], y[train], loss=nn.functional.cross_entropy, epochs=8, batch_size=64,
                   lr=3e-3, seed=1, evaluate=lambda m: {"test": accuracy(m, x[test], y[test])})

    first, second = run(), run()
    assert first == second
    assert first[-1]["test"] > 0.9 and first[-1]["loss"] < first[0]["loss"]


def test_fit_rejects_bad_arguments():
    net = mlp([2, 2], seed=0)
    x, y = torch.zeros(4, 2), torch.zeros(4, dtype=torch.long)
    with pytest.raises(ValueError, match="same, non-zero number of examples"):
        fit(net, x, y[:3], loss=nn.functional.cross_entropy, epochs=1, batch_size=2, lr=0.1, seed=0)
    with pytest.raises(ValueError, match="lr must be positive"):
        fit(net, x, y, loss=nn.functional.cross_entropy, epochs=1, batch_size=2, lr=0.0, seed=0)
