"""Unit tests of the policy-gradient tools: returns to go, GAE, the REINFORCE loss, enumeration and exact moments."""

import pytest
import torch

from mltheory.rl import (
    TabularMDP,
    enumerate_trajectories,
    estimator_moments,
    gae,
    random_mdp,
    reinforce,
    reinforce_loss,
    rewards_to_go,
    softmax_policy,
)

DOUBLE = torch.float64


def test_rewards_to_go_matches_the_definition():
    rewards = torch.randn(3, 6, generator=torch.Generator().manual_seed(0), dtype=DOUBLE)
    expected = torch.stack([sum(0.8 ** (k - t) * rewards[:, k] for k in range(t, 6)) for t in range(6)], -1)
    assert torch.allclose(rewards_to_go(rewards, 0.8), expected, atol=1e-13)


def test_gae_is_the_geometric_average_of_k_step_advantages():
    g = torch.Generator().manual_seed(1)
    rewards, values = torch.randn(5, generator=g, dtype=DOUBLE), torch.randn(6, generator=g, dtype=DOUBLE)
    gamma, lam = 0.9, 0.6

    def k_step(t, k):
        k = min(k, 5 - t)
        return -values[t] + sum(gamma**j * rewards[t + j] for j in range(k)) + gamma**k * values[t + k]

    # after the episode's last step every A^(k) is the same, so the geometric tail sums in closed form
    expected = torch.stack([(1 - lam) * sum(lam ** (k - 1) * k_step(t, k) for k in range(1, 5 - t))
                            + lam ** (4 - t) * k_step(t, 5 - t) for t in range(5)])
    assert torch.allclose(gae(rewards, values, gamma, lam), expected, atol=1e-12)


def test_gae_refuses_values_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"gae: values must have shape \(\.\.\., T1\)"):
        gae([1.0, 2.0], [0.0, 0.0], 0.9, 0.5)


def test_reinforce_loss_gradient_is_minus_the_estimate():
    theta = torch.zeros(2, 3, dtype=DOUBLE, requires_grad=True)
    states, actions = torch.tensor([[0, 1]]), torch.tensor([[2, 0]])
    log_probs = torch.log_softmax(theta, -1)[states, actions]
    reinforce_loss(log_probs, [[3.0, 1.0]], baseline=1.0).backward()
    expected = torch.zeros(2, 3, dtype=DOUBLE)
    expected[0] = -(3.0 - 1.0) * (torch.tensor([0.0, 0.0, 1.0]) - 1 / 3)
    expected[1] = -(1.0 - 1.0) * (torch.tensor([1.0, 0.0, 0.0]) - 1 / 3)
    assert torch.allclose(theta.grad, expected, atol=1e-14)


def test_enumerated_trajectories_carry_all_the_probability():
    mdp = random_mdp(3, 2, gamma=0.9, seed=5)
    paths = enumerate_trajectories(mdp, 3)
    policy = softmax_policy(torch.zeros(3, 2, dtype=DOUBLE))
    log_pi = policy.log()[paths.states[:, :-1], paths.actions].sum(-1)
    assert (paths.log_dynamics + log_pi).exp().sum().item() == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ValueError, match="enumerate_trajectories: mdp must have no terminal states"):
        enumerate_trajectories(TabularMDP([[[1.0]]], [[0.0]], 0.5, terminal=[True]), 1)


def test_estimator_means_are_the_gradient_and_dropping_the_sum_is_not():
    mdp = random_mdp(2, 3, gamma=0.7, seed=2)
    logits = torch.randn(2, 3, generator=torch.Generator().manual_seed(3), dtype=DOUBLE)
    moments = estimator_moments(mdp, logits, horizon=2)
    for name in ("vanilla", "reward_to_go", "baseline"):
        assert torch.allclose(moments.means[name], moments.gradient, atol=1e-12)
    assert (moments.means["first_step"] - moments.gradient).abs().max() > 1e-3


def test_reinforce_learns_a_bandit():
    bandit = TabularMDP([[[1.0], [1.0], [1.0]]], [[0.0, 1.0, 0.5]], gamma=0.5)
    run = reinforce(bandit, updates=60, batch_size=16, lr=0.5, horizon=1, seed=0)
    assert run.expected_return[-1] > 0.9 and run.expected_return.shape == (61,)


def test_n_step_advantage_is_the_truncated_sum_of_k_rewards_and_a_value():
    from mltheory.rl import n_step_advantage
    g = torch.Generator().manual_seed(3)
    rewards, values = torch.randn(2, 5, generator=g, dtype=DOUBLE), torch.randn(2, 6, generator=g, dtype=DOUBLE)
    for k in (1, 2, 3, 7):
        expected = torch.stack([-values[:, t] + sum(0.8**j * rewards[:, t + j] for j in range(min(k, 5 - t)))
                                + 0.8 ** min(k, 5 - t) * values[:, t + min(k, 5 - t)] for t in range(5)], -1)
        assert torch.allclose(n_step_advantage(rewards, values, 0.8, k), expected, atol=1e-12)
    with pytest.raises(ValueError, match="n_step_advantage: k"):
        n_step_advantage(rewards, values, 0.8, 0)


def test_finite_horizon_values_match_the_enumerated_conditional_returns():
    from mltheory.rl import finite_horizon_values
    mdp = random_mdp(3, 2, gamma=0.9, seed=4)
    policy = softmax_policy(torch.randn(3, 2, generator=torch.Generator().manual_seed(5), dtype=DOUBLE))
    moments = estimator_moments(mdp, policy.log(), 3)
    values = finite_horizon_values(mdp, policy, 3)
    assert torch.allclose((mdp.initial * values[0]).sum(), torch.tensor(moments.expected_return, dtype=DOUBLE))


def test_gae_moments_unbiased_at_true_critic_and_at_lambda_one_for_any_critic():
    from mltheory.rl import finite_horizon_values, gae_moments
    mdp = random_mdp(2, 2, gamma=0.8, seed=6)
    logits = torch.randn(2, 2, generator=torch.Generator().manual_seed(7), dtype=DOUBLE)
    lams = torch.tensor([0.0, 0.5, 1.0], dtype=DOUBLE)
    true = gae_moments(mdp, logits, 3, lams)
    assert (true.means - true.gradient).abs().max() < 1e-12
    wrong = gae_moments(mdp, logits, 3, lams, values=finite_horizon_values(mdp, softmax_policy(logits), 3) + 1.0
                        + torch.tensor([[0.0, 0.5]] * 3, dtype=DOUBLE))
    bias = (wrong.means - wrong.gradient).abs().amax((-2, -1))
    assert bias[-1] < 1e-12 and bias[0] > 1e-3
    # lambda = 1 is the baselined estimator of estimator_moments
    baseline = estimator_moments(mdp, logits, 3)
    assert abs(true.variances[-1].item() - baseline.variances["baseline"]) < 1e-12
