"""Unit tests of TD control, the maximisation bias and knapsack DP."""

import itertools
import math

import pytest
import torch

from mltheory.rl import (
    bandit,
    cliff_walking,
    double_q_learning,
    epsilon_greedy,
    expected_maximum,
    greedy_path,
    knapsack_dp,
    maximization_bias_mdp,
    maximum_bias,
    policy_iteration,
    q_learning,
    random_mdp,
    sarsa,
)

DOUBLE = torch.float64


def test_expected_maximum_closed_forms():
    assert expected_maximum(1) == pytest.approx(0.0, abs=1e-12)
    assert expected_maximum(2) == pytest.approx(1 / math.sqrt(math.pi), abs=1e-12)
    assert expected_maximum(3) == pytest.approx(1.5 / math.sqrt(math.pi), abs=1e-12)


def test_double_estimator_is_unbiased_and_single_is_not():
    run = maximum_bias(5, n_samples=2, trials=20_000, seed=3)
    scale = 1 / math.sqrt(2)
    assert abs(run.double.mean().item()) < 5 * run.double.std().item() / math.sqrt(20_000)
    expected = expected_maximum(5) * scale
    assert abs(run.single.mean().item() - expected) < 5 * run.single.std().item() / math.sqrt(20_000)


def test_epsilon_greedy_breaks_ties_and_respects_availability():
    q = torch.zeros(4000, 3, dtype=DOUBLE)
    greedy = epsilon_greedy(q, 0.0, seed=1)
    counts = torch.bincount(greedy, minlength=3)
    assert counts.min() > 1200  # ties are broken uniformly
    available = torch.tensor([[True, False, True]]).expand(4000, 3)
    explored = epsilon_greedy(q, 1.0, available=available, seed=2)
    assert not (explored == 1).any()


def test_q_learning_finds_the_best_arm_and_q_star():
    machine = bandit([0.0, 1.0, 0.5], sd=0.1)
    run = q_learning(machine, steps=400, alpha=0.2, epsilon=0.3, n_runs=8, seed=0)
    assert (run.q[:, 0].argmax(-1) == 1).all()
    assert torch.allclose(run.q[:, 0, 1], torch.ones(8, dtype=DOUBLE), atol=0.1)


def test_q_learning_and_sarsa_on_a_small_cliff():
    mdp = cliff_walking(3, 5)
    qrun = q_learning(mdp, steps=1500, alpha=0.5, epsilon=0.1, n_runs=4, seed=0)
    srun = sarsa(mdp, steps=1500, alpha=0.5, epsilon=0.1, n_runs=4, seed=0)
    assert all(greedy_path(mdp, q)[1] == -6.0 for q in qrun.q)  # one up, four right, one down
    assert all(greedy_path(mdp, q)[1] < -6.0 for q in srun.q)


def test_greedy_path_reports_a_cycle():
    mdp = cliff_walking(2, 3)
    q = torch.zeros(6, 4, dtype=DOUBLE)
    q[:, 0] = 1.0  # always up: stuck in the top row
    path, total = greedy_path(mdp, q)
    assert total == -math.inf and path[-1] == path[-2]
    with pytest.raises(ValueError, match="greedy_path: mdp must be deterministic"):
        greedy_path(random_mdp(3, 2, 0.9), torch.zeros(3, 2))


def test_double_q_learning_tables_have_the_mdp_shape():
    mdp = maximization_bias_mdp(n_actions=4)
    run = double_q_learning(mdp, steps=50, alpha=0.1, epsilon=0.1, n_runs=3, seed=0)
    assert run.q.shape == (3, 3, 4) and run.rewards.shape == (3, 50)
    assert not (run.actions[run.states == 0] >= 2).any()  # A offers only two actions


def test_knapsack_matches_exhaustive_search():
    g = torch.Generator().manual_seed(0)
    for _ in range(20):
        weights = torch.randint(1, 9, (7,), generator=g)
        values = torch.randint(0, 20, (7,), generator=g).double()
        best, chosen = knapsack_dp(weights, values, 12)
        brute = max(sum(values[i].item() for i in range(7) if pick[i])
                    for pick in itertools.product((0, 1), repeat=7)
                    if sum(weights[i].item() for i in range(7) if pick[i]) <= 12)
        assert best == brute == values[chosen].sum().item()
        assert weights[chosen].sum().item() <= 12
    with pytest.raises(ValueError, match="knapsack_dp: weights must be integers"):
        knapsack_dp([1.5, 2.0], [1.0, 1.0], 3)


def test_policy_iteration_respects_unavailable_actions():
    mdp = maximization_bias_mdp()
    result = policy_iteration(mdp)
    assert result.policy[0].argmax().item() == 0  # right: left is worth -0.1
    assert result.q[0, 1].item() == pytest.approx(-0.1)


def test_pessimistic_maximum_is_the_plain_maximum_at_k_zero_and_decreases_in_k():
    from mltheory.rl import expected_pessimistic_maximum
    assert abs(expected_pessimistic_maximum(5, 3, 0.0) - expected_maximum(5)) < 1e-8
    values = [expected_pessimistic_maximum(5, 3, k) for k in (0.0, 1.0, 2.0, 4.0)]
    assert all(a > b for a, b in zip(values, values[1:])) and values[-1] < 0
    # one action: E[Z - kS] = -k E[S], with E[S] = sqrt(2/(n-1)) Γ(n/2)/Γ((n-1)/2) for n samples
    n = 5
    mean_s = math.sqrt(2 / (n - 1)) * math.gamma(n / 2) / math.gamma((n - 1) / 2)
    assert abs(expected_pessimistic_maximum(1, n, 2.0) + 2.0 * mean_s) < 1e-8


def test_dqn_loss_targets_terminal_states_and_double_dqn():
    from mltheory.rl import dqn_loss
    q = torch.tensor([[1.0, 2.0], [0.0, 1.0]], dtype=torch.float64, requires_grad=True)
    next_q = torch.tensor([[0.0, 4.0], [3.0, 1.0]], dtype=torch.float64)
    online = torch.tensor([[5.0, 0.0], [3.0, 1.0]], dtype=torch.float64)
    # targets: 1 + 0.5 * 4 = 3, and 0 (terminal); Double DQN selects action 0 in the first row: 1 + 0.5 * 0 = 1
    loss = dqn_loss(q, [0, 1], [1.0, 0.0], next_q, 0.5, terminal=[False, True])
    assert torch.isclose(loss, torch.tensor(0.5 * ((1 - 3) ** 2 + 1**2) / 2, dtype=torch.float64))
    double = dqn_loss(q, [0, 1], [1.0, 0.0], next_q, 0.5, terminal=[False, True], next_q_online=online)
    assert torch.isclose(double, torch.tensor(0.5 * (0.0 + 1.0) / 2, dtype=torch.float64))
    # the target is a constant unless stop_grad is off
    target = next_q.clone().requires_grad_(True)
    dqn_loss(q, [0, 1], [1.0, 0.0], target, 0.5).backward()
    assert target.grad is None
    dqn_loss(q, [0, 1], [1.0, 0.0], target, 0.5, stop_grad=False).backward()
    assert target.grad[0, 1] == 0.5 * (3 - 1) / 2
