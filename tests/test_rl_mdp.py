"""Unit tests of the tabular MDP: the model's checks, policy evaluation, backups, dynamic programming, rollouts."""

import math

import pytest
import torch

from mltheory.rl import (
    TabularMDP,
    action_values,
    bandit,
    bellman_backup,
    cliff_walking,
    discounted_return,
    policy_evaluation,
    policy_iteration,
    random_mdp,
    rollout,
    value_iteration,
)

DOUBLE = torch.float64


def _uniform(mdp):
    return torch.full((mdp.n_states, mdp.n_actions), 1.0 / mdp.n_actions, dtype=DOUBLE)


def test_policy_evaluation_solves_the_bellman_expectation_equation():
    mdp = random_mdp(6, 3, gamma=0.95, seed=4)
    policy = _uniform(mdp)
    v = policy_evaluation(mdp, policy)
    q = action_values(mdp, v)
    assert torch.allclose((policy * q).sum(-1), v, atol=1e-12)
    assert torch.allclose(bellman_backup(mdp, q, policy), q, atol=1e-12)


def test_policy_evaluation_matches_the_neumann_series():
    mdp = random_mdp(4, 2, gamma=0.5, seed=1)
    policy = _uniform(mdp)
    p_pi = torch.einsum("sa,sat->st", policy, mdp.transitions)
    r_pi = (policy * mdp.rewards).sum(-1)
    series = sum(torch.linalg.matrix_power(0.5 * p_pi, k) @ r_pi for k in range(80))
    assert torch.allclose(policy_evaluation(mdp, policy), series, atol=1e-12)


def test_terminal_states_and_undiscounted_episodes():
    mdp = cliff_walking(gamma=1.0)
    best = policy_iteration(mdp, _uniform(mdp))  # with gamma = 1 start from a policy that reaches the goal
    # the shortest path from the start takes 13 steps of reward -1
    assert policy_evaluation(mdp, best.policy)[36].item() == pytest.approx(-13.0, abs=1e-9)
    stay_left = torch.zeros(48, 4, dtype=DOUBLE)
    stay_left[:, 3] = 1.0  # never reaches the goal
    with pytest.raises(ValueError, match="policy_evaluation: with gamma = 1 the policy must reach a terminal"):
        policy_evaluation(mdp, stay_left)


def test_value_iteration_and_policy_iteration_agree():
    mdp = random_mdp(7, 3, gamma=0.8, seed=2)
    best = policy_iteration(mdp)
    iterates = value_iteration(mdp, 150)
    assert (iterates[-1] - best.q).abs().max() <= 0.8**150 * best.q.abs().max() + 1e-12
    assert torch.allclose(bellman_backup(mdp, best.q), best.q, atol=1e-12)


def test_rollout_returns_average_to_the_value():
    mdp = random_mdp(3, 2, gamma=0.7, seed=0)
    policy = _uniform(mdp)
    episodes = rollout(mdp, policy, horizon=60, n_episodes=4000, seed=3, start=1)
    returns = discounted_return(episodes.rewards, mdp.gamma)
    error = returns.std().item() / math.sqrt(4000)
    assert abs(returns.mean().item() - policy_evaluation(mdp, policy)[1].item()) < 5 * error


def test_rollout_stops_at_terminal_states():
    episodes = rollout(bandit([1.0, 2.0], sd=0.5), [[0.5, 0.5], [0.5, 0.5]], horizon=3, n_episodes=5, seed=0)
    assert episodes.alive[:, 0].all() and not episodes.alive[:, 1:].any()
    assert (episodes.rewards[:, 1:] == 0).all()


def test_the_model_refuses_bad_tables():
    P = [[[1.0, 0.0]], [[0.0, 1.0]]]
    with pytest.raises(ValueError, match="TabularMDP: transitions must sum to 1"):
        TabularMDP([[[0.5, 0.6]], [[0.0, 1.0]]], [[0.0], [0.0]], 0.9)
    with pytest.raises(ValueError, match=r"TabularMDP: rewards must have shape \(S, A\)"):
        TabularMDP(P, [[0.0, 1.0], [0.0, 1.0]], 0.9)
    with pytest.raises(ValueError, match="TabularMDP: terminal must hold booleans"):
        TabularMDP(P, [[0.0], [0.0]], 0.9, terminal=[0.5, 0.0])
    with pytest.raises(ValueError, match="TabularMDP: available must offer at least one action"):
        TabularMDP(P, [[0.0], [0.0]], 0.9, available=[[True], [False]])
    with pytest.raises(ValueError, match="TabularMDP: reward_sd must be non-negative"):
        TabularMDP(P, [[0.0], [0.0]], 0.9, reward_sd=[[-1.0], [0.0]])
    with pytest.raises(TypeError, match="policy_evaluation: mdp must be a TabularMDP"):
        policy_evaluation("cliff", [[1.0]])


def test_policies_may_not_use_unavailable_actions():
    mdp = TabularMDP([[[1.0], [1.0]]], [[0.0, 1.0]], 0.5, available=[[True, False]])
    with pytest.raises(ValueError, match="policy must put no probability on unavailable actions"):
        policy_evaluation(mdp, [[0.5, 0.5]])
    assert bellman_backup(mdp, [[0.0, 10.0]]).tolist() == [[0.0, 1.0]]  # the max ignores action 1
