"""Tests of the score-function estimate under a sparse reward (book/estimation/sampling.md)."""

from __future__ import annotations

import torch

from mltheory.estimation import sparse_reward_gradients


def test_the_estimate_for_one_step_counts_the_rewarded_episodes():
    estimates = sparse_reward_gradients(2, 1, 10, batches=50, seed=3)
    played = torch.randint(0, 2, (50, 10, 1), generator=torch.Generator().manual_seed(3))
    hits = (played == 0).double().mean((1, 2))
    expected = torch.stack([hits / 2, -hits / 2], dim=-1)[:, None, :]
    assert torch.allclose(estimates, expected)


def test_the_estimate_is_zero_exactly_when_no_episode_is_rewarded():
    estimates = sparse_reward_gradients(3, 4, 5, batches=400, seed=0)
    played = torch.randint(0, 3, (400, 5, 4), generator=torch.Generator().manual_seed(0))
    rewarded = (played == 0).all(-1).any(-1)
    assert torch.equal((estimates != 0).any(-1).any(-1), rewarded)
    assert 0 < int(rewarded.sum()) < 400
