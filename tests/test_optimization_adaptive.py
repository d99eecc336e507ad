"""Unit tests of mltheory.optimization.adaptive: agreement with torch.optim, closed forms, modules and bad input."""

import copy

import pytest
import torch

from mltheory.optimization import adam, amsgrad, gradient_descent, reddi_online_problem, rmsprop, sign_descent
from mltheory.optimization.claims.adaptive import random_quadratic, torch_optim_path

DOUBLE = torch.float64

CASES = [
    (adam, {}, torch.optim.Adam, {}),
    (adam, {"beta1": 0.5, "beta2": 0.9, "eps": 1e-6}, torch.optim.Adam, {"betas": (0.5, 0.9), "eps": 1e-6}),
    (adam, {"weight_decay": 0.1}, torch.optim.Adam, {"weight_decay": 0.1}),
    (adam, {"weight_decay": 0.1, "decoupled": True}, torch.optim.AdamW, {"weight_decay": 0.1}),
    (amsgrad, {}, torch.optim.Adam, {"amsgrad": True}),
    (rmsprop, {"bias_correction": False}, torch.optim.RMSprop, {}),
    (rmsprop, {"beta": 0.9, "bias_correction": False, "weight_decay": 0.05}, torch.optim.RMSprop,
     {"alpha": 0.9, "weight_decay": 0.05}),
]


@pytest.mark.parametrize("dtype", [torch.float32, DOUBLE])
@pytest.mark.parametrize("ours, our_settings, peer, peer_settings", CASES)
def test_optimisers_equal_torch_optim_over_100_steps(ours, our_settings, peer, peer_settings, dtype):
    loss, start = random_quadratic(30, seed=2, dtype=dtype)
    path = ours(loss, start, 0.01, 100, **our_settings)
    reference = torch_optim_path(peer, loss, start, 100, lr=0.01, **peer_settings)
    assert path.dtype == dtype
    assert (path - reference).abs().max().item() <= 1e-7


def test_other_bias_correction_does_not_match_torch():
    loss, start = random_quadratic(30, seed=2)
    reference = torch_optim_path(torch.optim.Adam, loss, start, 100, lr=0.01)
    assert (adam(loss, start, 0.01, 100, bias_correction=False) - reference).abs().max().item() > 0.1


def test_module_is_trained_in_place_like_torch_optim():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    twin = copy.deepcopy(net)
    x, y = torch.randn(16, 3), torch.randn(16, 2)
    path = adam(lambda m: ((m(x) - y) ** 2).mean(), net, lr=0.01, steps=50, weight_decay=0.01, decoupled=True)
    opt = torch.optim.AdamW(twin.parameters(), lr=0.01, weight_decay=0.01)
    for _ in range(50):
        opt.zero_grad()
        ((twin(x) - y) ** 2).mean().backward()
        opt.step()
    assert path.shape == (51, sum(p.numel() for p in net.parameters()))
    for ours, theirs in zip(net.parameters(), twin.parameters()):
        assert (ours - theirs).abs().max().item() <= 1e-7
    assert torch.equal(path[-1], torch.cat([p.detach().reshape(-1) for p in net.parameters()]))


@pytest.mark.parametrize("beta1, beta2", [(0.0, 0.5), (0.9, 0.999), (0.99, 0.9999)])
def test_constant_gradient_gives_steps_of_length_lr(beta1, beta2):
    path = adam(lambda p: (torch.tensor([2.0, -0.5], dtype=DOUBLE) * p).sum(), [0.0, 0.0], 0.1, 50,
                beta1=beta1, beta2=beta2, eps=0.0)
    steps = path[1:] - path[:-1]
    # 1 - beta**t loses about -log10(1 - beta) digits to cancellation: 1e-16 / 1e-4 relative, times lr
    assert torch.allclose(steps, torch.tensor([-0.1, 0.1], dtype=DOUBLE).expand_as(steps), rtol=0, atol=1e-12)


def test_adam_is_invariant_under_scaling_the_loss_and_gradient_descent_is_not():
    loss, start = random_quadratic(10, seed=3, dtype=DOUBLE)
    small = adam(loss, start, 0.01, 200, eps=0.0)
    large = adam(lambda p: 1000 * loss(p), start, 0.01, 200, eps=0.0)
    assert (small - large).abs().max().item() < 1e-12
    gd = (gradient_descent(loss, start, 0.01, 20) - gradient_descent(lambda p: 1000 * loss(p), start, 0.01, 20))
    assert gd.abs().max().item() > 1


def test_zero_decays_give_sign_descent():
    loss, start = random_quadratic(10, seed=4, dtype=DOUBLE)
    signs = sign_descent(loss, start, 0.01, 100)
    # g / sqrt(g * g) is ±1 up to rounding, so the paths agree to rounding accumulated over 100 steps
    assert torch.allclose(adam(loss, start, 0.01, 100, beta1=0.0, beta2=0.0, eps=0.0), signs, rtol=0, atol=1e-13)
    assert torch.allclose(rmsprop(loss, start, 0.01, 100, beta=0.0, eps=0.0), signs, rtol=0, atol=1e-13)


def test_weight_decay_decoupled_or_not_differs_only_with_decay():
    loss, start = random_quadratic(5, seed=5, dtype=DOUBLE)
    assert torch.equal(adam(loss, start, 0.1, 10, weight_decay=0.0), adam(loss, start, 0.1, 10, decoupled=True))
    assert not torch.allclose(adam(loss, start, 0.1, 10, weight_decay=0.5),
                              adam(loss, start, 0.1, 10, weight_decay=0.5, decoupled=True))


def test_reddi_problem_separates_adam_and_amsgrad():
    problem = reddi_online_problem(3.0)
    assert [problem(torch.ones(1), t).item() for t in range(1, 7)] == [3.0, -1.0, -1.0, 3.0, -1.0, -1.0]
    settings = dict(beta1=0.0, beta2=0.1, eps=0.0, bounds=(-1.0, 1.0), online=True)
    adam_path = adam(problem, [0.0], 0.05, 600, **settings)
    ams_path = amsgrad(problem, [0.0], 0.05, 600, **settings)
    assert adam_path.max() == 1.0 and adam_path[-3:].min() > 0.8
    assert ams_path.min() == -1.0 and ams_path[-3:].max() < -0.8


@pytest.mark.parametrize("call, message", [
    (lambda: adam(lambda t: t.sum(), [1.0], 0.1, 2, beta1=1.0), r"adam: beta1 must be a finite number in \[0, 1\) \(got 1\)"),
    (lambda: rmsprop(lambda t: t.sum(), [1.0], 0.1, 2, eps=-1.0), r"rmsprop: eps must be non-negative and finite \(got -1\)"),
    (lambda: amsgrad(lambda t: t.sum(), [1.0], 0.1, 2, bounds=(1.0, -1.0)), r"amsgrad: bounds must have low < high"),
    (lambda: sign_descent(lambda t: t.sum(), [1.0], 0.1, 2, bounds=3.0), r"sign_descent: bounds must be None or a pair"),
    (lambda: adam(lambda m: m, torch.nn.ReLU(), 0.1, 2), "adam: theta must have trainable parameters"),
    (lambda: adam(lambda t: t.sum(), [[1.0]], 0.1, 2), "adam: theta must be a nonempty 1-D"),
    (lambda: reddi_online_problem(2.0), r"reddi_online_problem: constant must be a finite number > 2 \(got 2\)"),
])
def test_bad_input_names_function_argument_and_value(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
