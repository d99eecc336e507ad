"""Unit tests of supervised learning read as RL: the sampled loss, the exact gradients, the training curves."""

import pytest
import torch

from mltheory.rl import rl_classification_loss, sl_vs_rl_gradients, train_digits_classifier

DOUBLE = torch.float64


def test_exact_gradients_match_autograd_of_both_objectives():
    logits = torch.randn(5, 4, generator=torch.Generator().manual_seed(1), dtype=DOUBLE).requires_grad_(True)
    labels = torch.tensor([0, 3, 1, 1, 2])
    sl, rl = sl_vs_rl_gradients(logits.detach(), labels)
    p = torch.softmax(logits, -1)
    cross_entropy = -torch.log(p.gather(-1, labels[:, None])).sum()
    accuracy = p.gather(-1, labels[:, None]).sum()
    grad_sl, = torch.autograd.grad(cross_entropy, logits, retain_graph=True)
    grad_rl, = torch.autograd.grad(accuracy, logits)
    assert torch.allclose(sl, grad_sl, atol=1e-14)
    assert torch.allclose(rl, -grad_rl, atol=1e-14)


def test_a_wrong_guess_gives_no_gradient_and_a_right_one_the_log_probability():
    logits = torch.tensor([[5.0, -5.0], [-5.0, 5.0]], dtype=DOUBLE)
    # the policy almost surely guesses label 0 for the first example and 1 for the second
    loss = rl_classification_loss(logits, [1, 1], seed=0)
    assert torch.isclose(loss, -torch.log_softmax(logits, -1)[1, 1] / 2)


def test_full_exploration_guesses_uniformly():
    logits = torch.tensor([[50.0, 0.0, 0.0]], dtype=DOUBLE).repeat(30_000, 1)
    loss = rl_classification_loss(logits, torch.zeros(30_000, dtype=torch.int64), seed=0, epsilon=1.0)
    # with epsilon = 1 the guess is right with probability 1/3 and costs log 3
    right = loss.item() / torch.log(torch.tensor(3.0)).item()
    assert abs(right - 1 / 3) < 5 * (2 / 9 / 30_000) ** 0.5


@pytest.mark.parametrize("method", ["reinforce", "q-regression"])
def test_rl_curves_start_at_the_uniform_policy_and_learn(method):
    curve = train_digits_classifier(method, examples=1600, every=800, lr=0.2)
    assert curve["examples"].tolist() == [0, 800, 1600]
    assert curve["expected_reward"][0].item() == pytest.approx(0.1, abs=1e-12)
    assert curve["expected_reward"][-1] > curve["expected_reward"][0]


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="rl_classification_loss: logits must have shape"):
        rl_classification_loss(torch.zeros(3), [0], seed=0)
    with pytest.raises(ValueError, match="sl_vs_rl_gradients: labels must lie in"):
        sl_vs_rl_gradients(torch.zeros(1, 3), [3])
    with pytest.raises(ValueError, match="train_digits_classifier: method must be one of"):
        train_digits_classifier("adam")


def test_epsilon_greedy_expected_gradient_is_the_on_policy_one_times_one_minus_epsilon():
    logits = torch.randn(4, 10, generator=torch.Generator().manual_seed(2), dtype=DOUBLE).requires_grad_(True)
    labels = torch.tensor([0, 9, 3, 3])
    epsilon = 0.3
    mixture = (1 - epsilon) * torch.softmax(logits, -1) + epsilon / 10
    # E_{y ~ pi}[-R(y) grad log pi(y)], summed exactly over the answers y (R is one at the label)
    expected = -(mixture.detach().gather(-1, labels[:, None]) * mixture.gather(-1, labels[:, None]).log()).sum()
    grad, = torch.autograd.grad(expected, logits)
    _, rl = sl_vs_rl_gradients(logits.detach(), labels)
    assert torch.allclose(grad, (1 - epsilon) * rl, atol=1e-14)
