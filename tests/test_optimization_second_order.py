"""Tests of natural gradients and second-order methods: against closed forms, scipy, dense algebra and autograd."""

import math

import numpy as np
import pytest
import scipy.optimize
import torch

from mltheory.optimization import (
    bfgs,
    conjugate_gradient,
    empirical_fisher,
    fisher_matrix,
    gauss_newton_matrix,
    hvp,
    lbfgs_two_loop,
    natural_gradient_step,
)
from mltheory.optimization.claims.second_order import lbfgs_check, rosenbrock, rosenbrock_gradient

DOUBLE = torch.float64


def _logistic_log_prob(theta, x, y):
    z = x @ theta
    return y * z - torch.nn.functional.softplus(z)


def _logistic_sample(theta, x, generator):
    return (torch.rand(x.shape[0], generator=generator, dtype=x.dtype) < torch.sigmoid(x @ theta)).to(x.dtype)


def _spd(n, seed, kappa=50.0):
    g = torch.Generator().manual_seed(seed)
    basis, _ = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=DOUBLE))
    return basis @ torch.diag(torch.logspace(0, math.log10(kappa), n, dtype=DOUBLE)) @ basis.T, \
        torch.randn(n, generator=g, dtype=DOUBLE)


def test_fisher_matrix_exact_and_monte_carlo_agree_with_the_closed_form():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(40, 3, generator=g, dtype=DOUBLE)
    theta = torch.tensor([0.5, -1.0, 0.3], dtype=DOUBLE)
    p = torch.sigmoid(x @ theta)
    closed = (x.T * (p * (1 - p))) @ x / 40
    exact = fisher_matrix(_logistic_log_prob, theta, x, support=[0.0, 1.0])
    assert torch.allclose(exact.matrix, closed, atol=1e-14)
    assert (exact.standard_error == 0).all()
    sampled = fisher_matrix(_logistic_log_prob, theta, x, sample=_logistic_sample, draws=2000, seed=1)
    assert ((sampled.matrix - closed).abs() <= 5 * sampled.standard_error).all()


def test_empirical_fisher_uses_the_labels_and_has_rank_at_most_n():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(3, 5, generator=g, dtype=DOUBLE)
    y = torch.tensor([1.0, 0.0, 1.0], dtype=DOUBLE)
    theta = torch.zeros(5, dtype=DOUBLE)
    fisher = empirical_fisher(_logistic_log_prob, theta, x, y)
    scores = (y - 0.5)[:, None] * x  # score of the logistic model at theta = 0
    assert torch.allclose(fisher, scores.T @ scores / 3, atol=1e-15)
    assert torch.linalg.matrix_rank(fisher) == 3
    assert torch.linalg.eigvalsh(fisher).min() > -1e-12
    with pytest.raises(ValueError, match="one label per row"):
        empirical_fisher(_logistic_log_prob, theta, x, y[:2])


def test_fisher_matrix_needs_exactly_one_way_to_draw_labels():
    x = torch.ones(2, 1, dtype=DOUBLE)
    with pytest.raises(ValueError, match="exactly one of support"):
        fisher_matrix(_logistic_log_prob, [0.0], x)
    with pytest.raises(ValueError, match="sum to 1"):
        fisher_matrix(_logistic_log_prob, [1.0], x, support=[0.0, 2.0])


def test_gauss_newton_is_the_hessian_of_a_linear_least_squares_loss():
    g = torch.Generator().manual_seed(3)
    x, y = torch.randn(30, 4, generator=g, dtype=DOUBLE), torch.randn(30, generator=g, dtype=DOUBLE)
    theta = torch.randn(4, generator=g, dtype=DOUBLE)
    hessian = torch.autograd.functional.hessian(lambda t: ((y - x @ t) ** 2).mean(), theta)
    assert torch.allclose(gauss_newton_matrix(lambda t, xi: xi @ t, theta, x), hessian, atol=1e-13)
    vector_output = gauss_newton_matrix(lambda t, xi: torch.stack([xi @ t, 2 * (xi @ t)]), theta, x)
    assert torch.allclose(vector_output, 5 * hessian, atol=1e-12)  # outputs add: 1² + 2²


def test_natural_gradient_step_is_invariant_to_first_order():
    def loss_sigma(t):
        return torch.log(t[1]) + (t[0] ** 2 + 1) / (2 * t[1] ** 2)

    def loss_log(t):
        return loss_sigma(torch.stack([t[0], t[1].exp()]))

    theta = torch.tensor([1.5, 2.0], dtype=DOUBLE)
    lr = 1e-6
    step_sigma = natural_gradient_step(loss_sigma, theta, torch.diag(torch.tensor([1 / 4, 2 / 4], dtype=DOUBLE)), lr)
    step_log = natural_gradient_step(loss_log, [1.5, math.log(2.0)], torch.diag(torch.tensor([1 / 4, 2.0],
                                                                                          dtype=DOUBLE)), lr)
    moved_sigma = step_sigma - theta
    moved_log = torch.stack([step_log[0], step_log[1].exp()]) - theta
    assert torch.allclose(moved_sigma, moved_log, rtol=1e-5)


def test_natural_gradient_step_updates_a_module_in_place():
    model = torch.nn.Linear(2, 1, bias=False, dtype=DOUBLE)
    x = torch.eye(2, dtype=DOUBLE)
    new = natural_gradient_step(lambda m: ((m(x).squeeze(-1) - 1.0) ** 2).sum() / 2, model, torch.eye(2), lr=1.0)
    assert torch.allclose(new, torch.ones(2, dtype=DOUBLE))
    assert torch.allclose(model.weight.detach(), torch.ones(1, 2, dtype=DOUBLE))
    with pytest.raises(ValueError, match="singular"):
        natural_gradient_step(lambda t: (t**2).sum(), [1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]], lr=0.1)


def test_conjugate_gradient_solves_with_hessian_vector_products():
    hessian, b = _spd(30, seed=4)
    zero = torch.zeros(30, dtype=DOUBLE)
    path = conjugate_gradient(lambda v: hvp(lambda t: 0.5 * t @ hessian @ t, zero, v), b, tol=1e-12)
    assert torch.allclose(path[-1], torch.linalg.solve(hessian, b), atol=1e-9)
    # n steps in exact arithmetic; in float64 conjugacy decays, so the last digits take a few more (here 36)
    assert len(conjugate_gradient(hessian, b, tol=1e-6)) - 1 <= 30
    assert torch.allclose(conjugate_gradient(hessian, b, x0=path[-1])[-1], path[-1])  # already solved: no step


def test_conjugate_gradient_finishes_in_as_many_steps_as_distinct_eigenvalues():
    eigenvalues = torch.tensor([2.0] * 10 + [5.0] * 10 + [9.0] * 10, dtype=DOUBLE)
    path = conjugate_gradient(torch.diag(eigenvalues), torch.ones(30, dtype=DOUBLE))
    assert len(path) - 1 == 3
    with pytest.raises(ValueError, match="positive definite"):
        conjugate_gradient(-torch.eye(2, dtype=DOUBLE), [1.0, 0.0])


def test_bfgs_matches_scipy_on_rosenbrock():
    peer = scipy.optimize.minimize(scipy.optimize.rosen, np.array([-1.2, 1.0]), jac=scipy.optimize.rosen_der,
                                   method="BFGS", options={"gtol": 1e-9})
    ours = bfgs(rosenbrock, [-1.2, 1.0], gtol=1e-9)
    assert np.abs(ours[-1].numpy() - peer.x).max() <= 1e-6
    assert abs((len(ours) - 1) - peer.nit) <= 5  # the same method: similar numbers of iterations


def test_rosenbrock_and_its_gradient_equal_scipys():
    t = torch.randn(7, generator=torch.Generator().manual_seed(0), dtype=DOUBLE)
    assert rosenbrock(t).item() == pytest.approx(scipy.optimize.rosen(t.numpy()), rel=1e-14)
    assert np.allclose(rosenbrock_gradient(t).numpy(), scipy.optimize.rosen_der(t.numpy()), rtol=1e-13, atol=0)
    leaf = t.clone().requires_grad_(True)
    assert torch.allclose(torch.autograd.grad(rosenbrock(leaf), leaf)[0], rosenbrock_gradient(t), rtol=1e-13)


def test_bfgs_with_a_closed_form_gradient_follows_autograds_path_and_finds_scipys_minimum():
    analytic, autograd = bfgs(rosenbrock, [-1.2, 1.0], gradient=rosenbrock_gradient), bfgs(rosenbrock, [-1.2, 1.0])
    assert analytic.shape == autograd.shape and (analytic - autograd).abs().max() <= 1e-8  # rounding only
    # In 100 dimensions (500 steps) rounding moves the path, but not where it ends: where scipy ends, at the
    # global minimum (1, ..., 1) and not at the local one near (-1, 1, ..., 1) (benchmarks/peers.py compares).
    ours = bfgs(rosenbrock, np.resize(np.array([-1.2, 1.0]), 100), gradient=rosenbrock_gradient)[-1]
    assert (ours - 1).abs().max() <= 1e-6


def test_bfgs_takes_a_closed_form_gradient_for_a_module():
    x = torch.linspace(-1, 1, 20, dtype=DOUBLE)[:, None]
    y = 3 * x - 1

    def gradient(m):  # of the mean squared error, by weight then bias
        residual = m(x) - y
        return torch.stack([2 * (residual * x).mean(), 2 * residual.mean()])

    model = torch.nn.Linear(1, 1, dtype=DOUBLE)
    path = bfgs(lambda m: ((m(x) - y) ** 2).mean(), model, gradient=gradient, gtol=1e-10)
    assert torch.allclose(path[-1], torch.tensor([3.0, -1.0], dtype=DOUBLE), atol=1e-8)
    assert torch.allclose(model.bias.detach(), torch.tensor([-1.0], dtype=DOUBLE), atol=1e-8)
    with pytest.raises(ValueError, match=r"bfgs: gradient must return a torch.float64 tensor of shape \(2,\)"):
        bfgs(lambda m: ((m(x) - y) ** 2).mean(), model, gradient=lambda m: torch.zeros(3, dtype=DOUBLE))


def test_bfgs_with_exact_line_search_finishes_a_quadratic_in_n_steps():
    for n in (3, 8, 15):
        hessian, b = _spd(n, seed=n)
        path = bfgs(lambda t: 0.5 * t @ hessian @ t - b @ t, torch.zeros(n, dtype=DOUBLE), gtol=1e-9,
                    line_search="exact")
        assert len(path) - 1 <= n
        assert torch.allclose(path[-1], torch.linalg.solve(hessian, b), atol=1e-8)


def test_bfgs_trains_a_module_in_place():
    x = torch.linspace(-1, 1, 20, dtype=DOUBLE)[:, None]
    model = torch.nn.Linear(1, 1, dtype=DOUBLE)
    path = bfgs(lambda m: ((m(x) - (3 * x - 1)) ** 2).mean(), model, gtol=1e-10)
    assert torch.allclose(path[-1], torch.tensor([3.0, -1.0], dtype=DOUBLE), atol=1e-8)
    assert torch.allclose(model.weight.detach(), torch.tensor([[3.0]], dtype=DOUBLE), atol=1e-8)
    with pytest.raises(ValueError, match="trainable parameters"):
        bfgs(lambda m: torch.zeros(()), torch.nn.ReLU())


def test_bfgs_exact_line_search_refuses_negative_curvature():
    with pytest.raises(ValueError, match="positive curvature"):
        bfgs(lambda t: -(t**2).sum(), [1.0, 1.0], line_search="exact")


def test_lbfgs_two_loop_equals_the_dense_product():
    assert lbfgs_check(dimension=30, memory=8, seed=3).passed
    assert not lbfgs_check(dimension=30, memory=8, seed=3, start="identity").passed
    with pytest.raises(ValueError, match="positive curvature"):
        lbfgs_two_loop([1.0, 0.0], [[1.0, 0.0]], [[-1.0, 0.0]])
