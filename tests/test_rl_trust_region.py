"""Unit tests of the trust-region tools: policy KL, Fisher-vector products, the TRPO step and the PPO-clip loss."""

import pytest
import torch

from mltheory.optimization import fisher_matrix
from mltheory.rl import fisher_vector_product, policy_kl, ppo_clip_loss, trpo_step

DOUBLE = torch.float64


def _linear_policy(seed=0, states=6, features=3, actions=3):
    generator = torch.Generator().manual_seed(seed)
    phi = torch.randn(states, features, generator=generator, dtype=DOUBLE)
    theta = torch.randn(features * actions, generator=generator, dtype=DOUBLE)
    return phi, theta, lambda t: phi @ t.reshape(features, actions)


def test_policy_kl_is_the_mean_over_states_and_zero_at_equal_policies():
    new = torch.tensor([[0.0, 1.0], [2.0, 0.0]], dtype=DOUBLE)
    old = torch.tensor([[1.0, 0.0], [0.0, 0.0]], dtype=DOUBLE)
    p, q = torch.softmax(new, -1), torch.softmax(old, -1)
    per_state = (p * (p / q).log()).sum(-1)
    assert torch.isclose(policy_kl(new, old), per_state.mean())
    assert torch.isclose(policy_kl(new, old, weights=[0.25, 0.75]), per_state @ torch.tensor([0.25, 0.75], dtype=DOUBLE))
    assert policy_kl(new, new).item() == pytest.approx(0.0, abs=1e-15)


def test_fisher_vector_products_equal_the_dense_fisher_matrix():
    phi, theta, logits_fn = _linear_policy()

    def log_prob(t, x, y):
        return (torch.log_softmax(x @ t.reshape(3, 3), -1) * y).sum()

    dense = fisher_matrix(log_prob, theta, phi, support=torch.eye(3, dtype=DOUBLE)).matrix
    v = torch.randn(9, generator=torch.Generator().manual_seed(5), dtype=DOUBLE)
    assert torch.allclose(fisher_vector_product(logits_fn, theta, v), dense @ v, atol=1e-13)
    assert torch.allclose(fisher_vector_product(logits_fn, theta, v, damping=0.5), dense @ v + 0.5 * v, atol=1e-13)


def test_trpo_step_respects_the_trust_region_and_improves():
    phi, theta, logits_fn = _linear_policy(seed=1)
    rewards = torch.randn(6, 3, generator=torch.Generator().manual_seed(2), dtype=DOUBLE)

    def objective(t):
        return (torch.softmax(logits_fn(t), -1) * rewards).sum(-1).mean()

    for max_kl in (1e-3, 0.3):
        step = trpo_step(objective, logits_fn, theta, max_kl=max_kl, damping=1e-3)
        assert 0 < step.kl <= max_kl and step.improvement > 0
        assert step.kl == pytest.approx(policy_kl(logits_fn(step.theta), logits_fn(theta)).item())


@pytest.mark.parametrize("advantage, ratio, slope", [
    (2.0, 1.5, 0.0), (2.0, 1.0, -2.0), (2.0, 0.5, -2.0),   # A > 0: clipped above only
    (-2.0, 0.5, 0.0), (-2.0, 1.0, 2.0), (-2.0, 1.5, 2.0),  # A < 0: clipped below only; pessimistic above
])
def test_ppo_clip_gradient_in_all_six_regions(advantage, ratio, slope):
    r = torch.tensor([ratio], dtype=DOUBLE, requires_grad=True)
    gradient, = torch.autograd.grad(ppo_clip_loss(r, advantage, clip_eps=0.2), r)
    assert gradient.item() == slope


def test_ppo_at_ratio_one_is_the_policy_gradient():
    logits = torch.tensor([0.3, -0.5, 1.0], dtype=DOUBLE, requires_grad=True)
    old = torch.log_softmax(logits, -1).detach()
    actions, advantages = torch.tensor([0, 2, 1]), torch.tensor([1.0, -0.5, 2.0], dtype=DOUBLE)
    ratio = (torch.log_softmax(logits, -1)[actions] - old[actions]).exp()
    ppo, = torch.autograd.grad(ppo_clip_loss(ratio, advantages), logits)
    pg, = torch.autograd.grad(-(torch.log_softmax(logits, -1)[actions] * advantages).mean(), logits)
    assert torch.allclose(ppo, pg, atol=1e-15)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="ppo_clip_loss: ratio must be a non-empty array of positive"):
        ppo_clip_loss([0.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="policy_kl: logits_old must have the shape"):
        policy_kl([[0.0, 1.0]], [[0.0, 1.0, 2.0]])
    with pytest.raises(ValueError, match="fisher_vector_product: v must have the shape of theta"):
        fisher_vector_product(lambda t: t.reshape(1, 2), [0.0, 0.0], [1.0])
