"""Unit tests of advantage normalisation, PPO's KL-penalty loss and the AlphaZero loss."""

import math

import pytest
import torch

from mltheory.rl import (
    PolicyValueNet,
    alphazero_loss,
    normalize_advantages,
    policy_kl,
    ppo_clip_loss,
    ppo_kl_penalty_loss,
)

DOUBLE = torch.float64


def _batch(seed=0, samples=5, actions=3):
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(samples, actions, generator=generator, dtype=DOUBLE)
    chosen = torch.randint(actions, (samples,), generator=generator)
    advantages = torch.randn(samples, generator=generator, dtype=DOUBLE)
    return logits, chosen, advantages


def test_normalised_advantages_have_mean_zero_and_variance_one():
    advantages = torch.randn(2, 50, generator=torch.Generator().manual_seed(1), dtype=DOUBLE) * 3 + 7
    normalised = normalize_advantages(advantages)
    assert normalised.shape == advantages.shape
    assert normalised.mean().item() == pytest.approx(0.0, abs=1e-14)
    assert normalised.square().mean().item() == pytest.approx(1.0, abs=1e-14)


def test_normalisation_removes_scale_and_offset_and_a_negative_scale_flips_the_sign():
    _, _, advantages = _batch()
    reference = normalize_advantages(advantages)
    assert torch.allclose(normalize_advantages(4.0 * advantages - 2.5), reference, atol=1e-14)
    assert torch.allclose(normalize_advantages(-4.0 * advantages + 1.0), -reference, atol=1e-14)


def test_ppo_clip_gradient_with_normalised_advantages_ignores_the_scale_and_offset_of_the_advantages():
    logits, chosen, advantages = _batch(seed=2)
    old = torch.log_softmax(logits, -1).detach()[torch.arange(5), chosen]
    theta = (logits + 0.3).requires_grad_(True)  # away from r = 1, so that the clip can act

    def gradient(a):
        ratio = (torch.log_softmax(theta, -1)[torch.arange(5), chosen] - old).exp()
        return torch.autograd.grad(ppo_clip_loss(ratio, normalize_advantages(a)), theta)[0]

    assert torch.allclose(gradient(10.0 * advantages + 3.0), gradient(advantages), atol=1e-14)
    ratio = (torch.log_softmax(theta, -1)[torch.arange(5), chosen] - old).exp()
    raw = torch.autograd.grad(ppo_clip_loss(ratio, advantages + 3.0), theta)[0]  # an offset without normalising
    assert not torch.allclose(raw / raw.norm(), gradient(advantages) / gradient(advantages).norm(), atol=1e-3)


def test_kl_penalty_gradient_at_the_old_policy_is_the_policy_gradient():
    logits, chosen, advantages = _batch(seed=3)
    theta = logits.clone().requires_grad_(True)
    out = ppo_kl_penalty_loss(theta, logits, chosen, advantages, beta=5.0)
    penalised, = torch.autograd.grad(out.loss, theta)
    policy_gradient, = torch.autograd.grad(-(torch.log_softmax(theta, -1)[torch.arange(5), chosen]
                                             * advantages).mean(), theta)
    assert out.kl == pytest.approx(0.0, abs=1e-15)
    assert torch.allclose(penalised, policy_gradient, atol=1e-15)


def test_kl_penalty_is_the_kl_of_the_new_policy_from_the_old():
    logits, chosen, advantages = _batch(seed=4)
    new = logits + torch.randn(5, 3, generator=torch.Generator().manual_seed(5), dtype=DOUBLE)
    ratio = (torch.log_softmax(new, -1) - torch.log_softmax(logits, -1))[torch.arange(5), chosen].exp()
    out = ppo_kl_penalty_loss(new, logits, chosen, advantages, beta=2.0)
    kl = policy_kl(logits, new).item()  # D(π_old ‖ π_new)
    assert out.kl == pytest.approx(kl) and kl != pytest.approx(policy_kl(new, logits).item())
    assert out.loss.item() == pytest.approx(-(ratio * advantages).mean().item() + 2.0 * kl)


@pytest.mark.parametrize("shift, beta", [(0.0, 0.5), (0.1, 1.0), (3.0, 2.0)])
def test_kl_coefficient_halves_below_and_doubles_above_the_target_band(shift, beta):
    logits, chosen, advantages = _batch(seed=6)
    first = torch.tensor([1.0, 0.0, 0.0], dtype=DOUBLE)
    target = policy_kl(logits, logits + 0.1 * first).item()  # the KL of the middle case: inside the band
    new = logits + shift * first
    assert ppo_kl_penalty_loss(new, logits, chosen, advantages, beta=1.0, kl_target=target).beta == beta
    assert ppo_kl_penalty_loss(new, logits, chosen, advantages, beta=1.0).beta == 1.0


def test_alphazero_loss_is_value_error_plus_cross_entropy_plus_l2():
    log_p = torch.log(torch.tensor([[0.5, 0.25, 0.25], [0.0, 0.5, 0.5]], dtype=DOUBLE))
    targets = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]], dtype=DOUBLE)
    values, results = torch.tensor([0.5, 0.0], dtype=DOUBLE), torch.tensor([1.0, -1.0], dtype=DOUBLE)
    expected = ((0.25 + math.log(2)) + (1.0 + math.log(2))) / 2
    assert alphazero_loss(log_p, values, targets, results).item() == pytest.approx(expected)
    weights = [torch.tensor([1.0, 2.0], dtype=DOUBLE), torch.tensor([[3.0]], dtype=DOUBLE)]
    assert alphazero_loss(log_p, values, targets, results, parameters=weights, weight_decay=0.01).item() == \
        pytest.approx(expected + 0.01 * 14)


def test_alphazero_policy_gradient_is_p_minus_pi_and_vanishes_at_p_equal_pi():
    logits = torch.randn(4, 5, generator=torch.Generator().manual_seed(7), dtype=DOUBLE).requires_grad_(True)
    targets = torch.softmax(torch.randn(4, 5, generator=torch.Generator().manual_seed(8), dtype=DOUBLE), -1)
    zeros = torch.zeros(4, dtype=DOUBLE)
    gradient, = torch.autograd.grad(alphazero_loss(torch.log_softmax(logits, -1), zeros, targets, zeros), logits)
    assert torch.allclose(gradient, (torch.softmax(logits, -1) - targets) / 4, atol=1e-15)
    at_target = targets.log().requires_grad_(True)
    gradient, = torch.autograd.grad(alphazero_loss(torch.log_softmax(at_target, -1), zeros, targets, zeros), at_target)
    assert gradient.abs().max().item() < 1e-15


def test_alphazero_loss_through_the_network_masks_illegal_moves():
    net = PolicyValueNet(hidden=8, seed=0)
    boards = torch.tensor([[1.0, -1.0, 0, 0, 0, 0, 0, 0, 0]], dtype=DOUBLE)
    legal = boards == 0
    log_p, value = net.forward_boards(boards, legal)
    targets = legal.to(DOUBLE) / legal.sum()
    loss = alphazero_loss(log_p, value, targets, [0.0], parameters=net.parameters(), weight_decay=1e-4)
    loss.backward()
    assert math.isfinite(loss.item()) and all(torch.isfinite(w.grad).all() for w in net.parameters())


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="normalize_advantages: advantages must have at least two entries"):
        normalize_advantages([1.0, 1.0])
    with pytest.raises(ValueError, match="ppo_kl_penalty_loss: advantages must have shape"):
        ppo_kl_penalty_loss([[0.0, 1.0]], [[0.0, 0.0]], [1], [1.0, 2.0])
    with pytest.raises(ValueError, match="alphazero_loss: targets must give no mass"):
        alphazero_loss([[0.0, -math.inf]], [0.0], [[0.5, 0.5]], [1.0])
