"""Unit tests of the linear teacher–student: the data, the exact gradient flow, ridge, and the theory of the test error."""

import math

import pytest
import torch

from mltheory.generalization import (
    egen_ridge,
    egen_theory,
    generalization_error,
    gradient_flow_linear,
    optimal_stopping_time,
    ridge_fit,
    teacher_student,
)
from mltheory.generalization import gram_spectrum


def test_teacher_student_is_seeded_and_labels_follow_the_teacher():
    data = teacher_student(P=20, D=30, sigma_w=1.0, sigma_eps=0.0, sigma_w0=0.3, seed=4, teachers=3)
    assert data.X.shape == (30, 20) and data.y.shape == (3, 30) and data.w0.shape == (3, 20)
    assert torch.allclose(data.y, data.teacher @ data.X.T)  # no noise: the labels are the teacher's outputs
    again = teacher_student(P=20, D=30, sigma_w=1.0, sigma_eps=0.0, sigma_w0=0.3, seed=4, teachers=3)
    assert all(torch.equal(a, b) for a, b in zip(data, again))


def test_gradient_flow_matches_small_steps_of_gradient_descent():
    data = teacher_student(P=6, D=4, sigma_w0=0.5, seed=1, teachers=2)
    flow = gradient_flow_linear(data.X, data.y, data.w0, [0.0, 1.5])
    assert torch.equal(flow[:, 0], data.w0)
    w, step = data.w0.clone(), 5e-4
    for _ in range(3_000):
        w = w + step * (data.y - w @ data.X.T) @ data.X
    # Euler's global error is about (step/2) t |XᵀX|² |w| here, a few 1e-3; the weights are of order 1
    assert torch.allclose(flow[:, 1], w, atol=1e-2)
    assert not torch.allclose(flow[:, 1], flow[:, 0], atol=1e-2)


def test_gradient_flow_converges_to_the_minimum_norm_fit_from_zero():
    data = teacher_student(P=8, D=5, seed=2)
    late = gradient_flow_linear(data.X, data.y[0], torch.zeros(8, dtype=torch.float64), [1e4])[0]
    assert torch.allclose(late, torch.linalg.pinv(data.X) @ data.y[0], atol=1e-8)


def test_ridge_solves_its_normal_equations():
    data = teacher_student(P=5, D=7, seed=3)
    w = ridge_fit(data.X, data.y, penalty=0.3)
    gradient = (data.y - w @ data.X.T) @ data.X - 0.3 * w
    assert gradient.abs().max() < 1e-12


def test_egen_theory_limits_and_frozen_modes():
    eigenvalues = torch.tensor([0.0, 0.5, 2.0], dtype=torch.float64)
    start, late = egen_theory(eigenvalues, [0.0, 1e12], sigma_w=1.0, sigma_eps=0.5, sigma_w0=0.5)
    assert start.item() == pytest.approx(1.25 + 0.25)
    # t → ∞: the frozen mode keeps σ_w² + σ_w0², the others σ_ε²/λ
    assert late.item() == pytest.approx((1.25 + 0.25 / 0.5 + 0.25 / 2.0) / 3 + 0.25)
    # tiny eigenvalues (rounding zeros) contribute nothing to the noise term at finite t
    tiny = egen_theory([1e-300, 1.0], [3.0]) - egen_theory([0.0, 1.0], [3.0])
    assert tiny.abs().item() < 1e-12


def test_optimal_stopping_time_minimises_each_mode():
    eigenvalues = torch.tensor([0.1, 1.0, 4.0], dtype=torch.float64)
    best = optimal_stopping_time(eigenvalues, sigma_w=1.0, sigma_eps=0.5, sigma_w0=0.2)
    for lam, t_star in zip(eigenvalues.tolist(), best.tolist()):
        times = torch.tensor([t_star * 0.9, t_star, t_star * 1.1], dtype=torch.float64)
        errors = egen_theory([lam], times, sigma_w=1.0, sigma_eps=0.5, sigma_w0=0.2)
        assert errors[1] < errors[0] and errors[1] < errors[2]
    with pytest.raises(ValueError, match="optimal_stopping_time: sigma_eps must be positive"):
        optimal_stopping_time([1.0], sigma_eps=0.0)


def test_ridge_theory_is_smallest_at_the_bayes_penalty():
    eigenvalues = gram_spectrum(teacher_student(P=50, D=40, seed=5).X)
    best = egen_ridge(eigenvalues, 0.25, sigma_w=1.0, sigma_eps=0.5)
    for penalty in (0.2, 0.3):
        assert egen_ridge(eigenvalues, penalty, sigma_w=1.0, sigma_eps=0.5) > best


def test_generalization_error_is_the_mean_square_on_fresh_inputs():
    generator = torch.Generator().manual_seed(0)
    w, teacher = torch.tensor([1.0, -1.0, 0.5]), torch.tensor([0.0, 0.0, 0.0])
    x = torch.randn(200_000, 3, generator=generator, dtype=torch.float64) / math.sqrt(3)
    noise = 0.5 * torch.randn(200_000, generator=generator, dtype=torch.float64)
    squares = (x @ (w - teacher).double() - noise) ** 2
    expected = generalization_error(w, teacher, sigma_eps=0.5).item()
    assert abs(squares.mean().item() - expected) < 5 * squares.std().item() / math.sqrt(200_000)


def test_bad_input_names_the_function():
    with pytest.raises(ValueError, match="gradient_flow_linear: y must have one label per row"):
        gradient_flow_linear([[1.0, 0.0]], [1.0, 2.0], [0.0, 0.0], [1.0])
    with pytest.raises(ValueError, match="egen_theory: eigenvalues"):
        egen_theory([-1.0], [1.0])
