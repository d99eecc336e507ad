"""Unit tests of mltheory.optimization: values against torch.autograd and closed forms, and bad input."""

import math

import pytest
import torch

from mltheory.optimization import (
    Value,
    backward_forward_flops,
    edge_of_stability,
    finite_difference,
    gradient_descent,
    heavy_ball,
    hvp,
    newton_step,
    sharpness,
    two_layer_backward,
)

DOUBLE = torch.float64


def test_finite_differences_match_their_truncation_error():
    x = torch.tensor([0.3, 1.0, 2.0], dtype=DOUBLE)
    eps = 1e-3
    forward = finite_difference(torch.exp, x, eps) - torch.exp(x)
    central = finite_difference(torch.exp, x, eps, kind="central") - torch.exp(x)
    assert torch.allclose(forward, eps / 2 * torch.exp(x), rtol=1e-3)  # next term is eps²/6 f''' relative 3e-4
    assert torch.allclose(central, eps**2 / 6 * torch.exp(x), rtol=1e-3, atol=1e-12)


def test_forward_difference_float64_value():
    value = finite_difference(lambda t: 1e10 + t**2, torch.tensor(10 / 9, dtype=DOUBLE), 1e-3).item()
    assert round(value, 5) == 2.22397


def test_value_tape_matches_autograd_on_shared_subexpressions():
    a, b = Value(0.7), Value(-1.3)
    shared = a * b
    y = shared.tanh() * shared + (a / b).exp() - 3 * a + b ** 3
    y.backward()
    ta, tb = (torch.tensor(v, dtype=DOUBLE, requires_grad=True) for v in (0.7, -1.3))
    s = ta * tb
    ty = torch.tanh(s) * s + torch.exp(ta / tb) - 3 * ta + tb**3
    ga, gb = torch.autograd.grad(ty, (ta, tb))
    assert y.data == pytest.approx(ty.item(), abs=1e-14)
    assert a.grad == pytest.approx(ga.item(), abs=1e-13)
    assert b.grad == pytest.approx(gb.item(), abs=1e-13)


def test_two_layer_backward_matches_autograd_for_both_activations():
    g = torch.Generator().manual_seed(3)
    x, W1, b1 = torch.randn(5, generator=g, dtype=DOUBLE), torch.randn(4, 5, generator=g, dtype=DOUBLE), \
        torch.randn(4, generator=g, dtype=DOUBLE)
    W2, b2, up = torch.randn(3, 4, generator=g, dtype=DOUBLE), torch.randn(3, generator=g, dtype=DOUBLE), \
        torch.randn(3, generator=g, dtype=DOUBLE)
    for name, act in (("tanh", torch.tanh), ("sigmoid", torch.sigmoid)):
        manual = two_layer_backward(x, W1, b1, W2, b2, up, activation=name)
        leaves = [t.clone().requires_grad_() for t in (W1, b1, W2, b2)]
        y = act(leaves[2] @ act(leaves[0] @ x + leaves[1]) + leaves[3])
        for key, grad in zip(("W1", "b1", "W2", "b2"), torch.autograd.grad(y, leaves, up)):
            assert torch.allclose(manual[key], grad, atol=1e-14), (name, key)


def test_backward_costs_twice_forward_and_less_without_input_gradient():
    forward, backward = backward_forward_flops([8, 16, 4], batch_size=2)
    assert (forward, backward) == (2 * 2 * (8 * 16 + 16 * 4), 2 * 2 * 2 * (8 * 16 + 16 * 4))
    forward, backward = backward_forward_flops([8, 16, 4], batch_size=2, input_grad=False)
    assert backward == 2 * forward - 2 * 2 * 8 * 16


def test_gradient_descent_on_a_parabola_is_geometric():
    lam, lr = 3.0, 0.2
    path = gradient_descent(lambda t: 0.5 * lam * (t**2).sum(), [1.0], lr, 10)[:, 0]
    assert torch.allclose(path, (1 - lr * lam) ** torch.arange(11, dtype=DOUBLE), atol=1e-15)


def test_heavy_ball_matches_its_matrix_power():
    lam, lr, beta = 2.0, 0.3, 0.7
    path = heavy_ball(lambda t: 0.5 * lam * (t**2).sum(), [1.0], lr, beta, 20)[:, 0]
    M = torch.tensor([[1 - lr * lam, beta], [-lr * lam, beta]], dtype=DOUBLE)
    state = torch.linalg.matrix_power(M, 20) @ torch.tensor([1.0, 0.0], dtype=DOUBLE)
    assert path[-1].item() == pytest.approx(state[0].item(), abs=1e-14)


def test_newton_step_lands_on_the_minimum_of_a_quadratic_and_is_scale_invariant():
    H = torch.tensor([[4.0, 1.0], [1.0, 0.5]], dtype=DOUBLE)
    m = torch.tensor([2.0, -1.0], dtype=DOUBLE)
    step = newton_step(lambda t: 0.5 * (t - m) @ H @ (t - m) + 7.0, [10.0, 3.0])
    assert torch.allclose(step, m, atol=1e-12)
    f = lambda t: (t**4).sum() + torch.exp(t).sum()  # noqa: E731
    a = 5.0
    base = newton_step(f, [0.4, -0.2])
    scaled = newton_step(lambda p: 3.0 * f(p / a), [0.4 * a, -0.2 * a])
    assert torch.allclose(scaled, a * base, atol=1e-12)


def test_newton_step_rejects_a_singular_hessian():
    with pytest.raises(ValueError, match="newton_step: the Hessian of loss at theta must be invertible"):
        newton_step(lambda t: t[0] ** 2, [1.0, 2.0])


def test_hvp_and_sharpness_match_the_dense_hessian():
    g = torch.Generator().manual_seed(0)
    A = torch.randn(6, 6, generator=g, dtype=DOUBLE)
    A = A @ A.T

    def loss(t):
        return 0.5 * t @ A @ t + torch.cos(t).sum()

    theta, v = torch.randn(6, generator=g, dtype=DOUBLE), torch.randn(6, generator=g, dtype=DOUBLE)
    H = torch.autograd.functional.hessian(loss, theta)
    assert torch.allclose(hvp(loss, theta, v), H @ v, atol=1e-12)
    top, vector = sharpness(loss, theta, iterations=500, seed=1)
    assert top == pytest.approx(torch.linalg.eigvalsh(H)[-1].item(), rel=1e-8)
    assert vector.norm().item() == pytest.approx(1.0)


def test_edge_of_stability_record_shapes():
    run = edge_of_stability(lr=0.5, total_steps=10, every=5, n_samples=20, hidden=4, seed=0)
    assert run.steps.tolist() == [0, 5, 10]
    assert run.loss.shape == (11,) and math.isfinite(run.loss[-1].item())


@pytest.mark.parametrize("call, message", [
    (lambda: finite_difference(torch.sin, [1.0], [-1e-3]), r"finite_difference: eps must be positive \(got -0.001\)"),
    (lambda: finite_difference(torch.sin, [1.0], 1e-3, kind="backward"), "finite_difference: kind must be one of"),
    (lambda: gradient_descent(lambda t: t.sum(), [[1.0]], 0.1, 2), "gradient_descent: theta must be a nonempty 1-D"),
    (lambda: heavy_ball(lambda t: t.sum(), [1.0], 0.1, 1.0, 2), r"heavy_ball: momentum must be a finite number in \[0, 1\) \(got 1\)"),
    (lambda: hvp(lambda t: t.sum(), [1.0, 2.0], [1.0]), r"hvp: v must have the shape of theta \(2,\) \(got \(1,\)\)"),
    (lambda: sharpness(lambda t: t.sum(), [1.0], start=[0.0]), "sharpness: start must be a nonzero vector"),
    (lambda: two_layer_backward([1.0], [[1.0, 2.0]], [0.0], [[1.0]], [0.0], [1.0]), "two_layer_backward: x must have shape"),
    (lambda: backward_forward_flops([3]), "backward_forward_flops: widths must be a sequence of at least two"),
])
def test_bad_input_names_function_argument_and_value(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
