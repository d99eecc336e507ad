"""Cramér–Rao tools, James–Stein, Gumbel sampling, gradient estimators and dropout."""

import math

import numpy as np
import pytest
import torch
import scipy.special
from scipy import integrate

from mltheory.estimation import (
    binary_gumbel_softmax_mean,
    cramer_rao_bound,
    dropout,
    fisher_monte_carlo,
    gumbel_max_sample,
    gumbel_noise,
    gumbel_softmax,
    james_stein,
    james_stein_risk,
    reparam_grad,
    score_function_grad,
)
from mltheory.estimation.distributions import Normal


def test_cramer_rao_bound_shapes_and_jacobian():
    assert torch.allclose(cramer_rao_bound([0.5, 2.0], n=4), torch.tensor([0.5, 0.125], dtype=torch.float64))
    F = torch.tensor([[2.0, 0.5], [0.5, 1.0]], dtype=torch.float64)
    bound = cramer_rao_bound(F, n=3)
    assert torch.allclose(bound, torch.linalg.inv(3 * F))
    J = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    assert torch.allclose(cramer_rao_bound(F, n=3, jacobian=J), J @ bound @ J.T)
    assert cramer_rao_bound(F.expand(5, 2, 2), jacobian=J).shape == (5, 1, 1)
    with pytest.raises(ValueError, match="positive definite"):
        cramer_rao_bound([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="symmetric"):
        cramer_rao_bound([[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match="jacobian must have shape"):
        cramer_rao_bound(F, jacobian=[[1.0, 2.0, 3.0]])


def test_fisher_monte_carlo_of_a_bernoulli():
    def log_bernoulli(theta, x):
        return x * torch.log(theta[0]) + (1 - x) * torch.log(1 - theta[0])

    x = (torch.rand(200_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64) < 0.3).double()
    fisher = fisher_monte_carlo(log_bernoulli, [0.3], x)
    assert abs(float(fisher) - 1 / (0.3 * 0.7)) < 0.05
    with pytest.raises(ValueError, match="theta must be a vector"):
        fisher_monte_carlo(log_bernoulli, 0.3, x)


def test_james_stein_shrinks_and_its_exact_risk_matches_simulation():
    x = torch.tensor([[3.0, 4.0, 0.0], [0.3, 0.4, 0.0]], dtype=torch.float64)
    shrunk = james_stein(x)
    assert torch.allclose(shrunk[0], x[0] * (1 - 1 / 25))
    assert (james_stein(x, positive_part=True)[1] == 0).all()
    with pytest.raises(ValueError, match="zero vector"):
        james_stein([0.0, 0.0, 0.0])
    truth = torch.tensor([1.5] + [0.0] * 7, dtype=torch.float64)
    draws = truth + Normal()((200_000, 8), seed=1)
    errors = ((james_stein(draws) - truth) ** 2).sum(-1)
    assert abs(float(errors.mean()) - float(james_stein_risk(8, 1.5))) < 5 * float(errors.std()) / math.sqrt(200_000)


def test_gumbel_noise_and_max_sampling():
    z = gumbel_noise((400_000,), seed=0)
    assert abs(float(z.mean()) - 0.5772156649) < 5 * math.pi / math.sqrt(6 * 400_000)
    logits = torch.tensor([[0.0, 1.0], [2.0, -1.0]], dtype=torch.float64)
    draws = gumbel_max_sample(logits, seed=1, sample_shape=(50_000,))
    assert draws.shape == (50_000, 2) and draws.dtype == torch.int64
    frequencies = (draws == 1).double().mean(0)
    assert torch.allclose(frequencies, torch.softmax(logits, -1)[:, 1], atol=0.01)
    with pytest.raises(ValueError, match="at least one class"):
        gumbel_max_sample(torch.zeros(0), seed=0)


def test_gumbel_softmax_is_a_differentiable_point_of_the_simplex():
    logits = torch.tensor([0.5, -0.2, 1.0], dtype=torch.float64, requires_grad=True)
    soft = gumbel_softmax(logits, 2.0, seed=0, sample_shape=4)
    assert torch.allclose(soft.sum(-1), torch.ones(4, dtype=torch.float64))
    (gradient,) = torch.autograd.grad(soft[:, 0].sum(), logits)
    assert gradient.abs().sum() > 0
    hard = gumbel_softmax(logits, 2.0, seed=0, sample_shape=4, hard=True)
    assert set(hard.detach().flatten().tolist()) <= {0.0, 1.0}
    assert torch.equal(hard.detach().argmax(-1), soft.detach().argmax(-1))
    with pytest.raises(ValueError, match="beta must be positive"):
        gumbel_softmax(logits, 0.0, seed=0)


@pytest.mark.parametrize("difference,beta", [(1.5, 1.0), (-0.7, 0.3), (3.0, 25.0)])
def test_binary_gumbel_softmax_mean_matches_adaptive_quadrature(difference, beta):
    def integrand(l):
        return scipy.special.expit(beta * (difference + l)) * scipy.special.expit(l) * scipy.special.expit(-l)

    reference, _ = integrate.quad(integrand, -60, 60, points=[-difference], limit=200, epsabs=1e-13)
    assert abs(float(binary_gumbel_softmax_mean(difference, beta)) - reference) < 1e-10


def test_gradient_estimators_are_unbiased_and_batched():
    means = torch.tensor([0.0, 1.0, -2.0], dtype=torch.float64)
    reparam = reparam_grad(torch.sin, means, 0.5, n_samples=200_000, seed=0)
    assert reparam.shape == (200_000, 3, 2)
    exact_mu = torch.cos(means) * math.exp(-0.125)  # d/dmu E[sin(mu + sigma z)] = cos(mu) e^{-sigma^2/2}
    assert torch.allclose(reparam[..., 0].mean(0), exact_mu, atol=5e-3)
    score = score_function_grad(torch.sin, means, 0.5, n_samples=400_000, seed=1)
    assert torch.allclose(score[..., 0].mean(0), exact_mu, atol=0.02)
    with pytest.raises(ValueError, match="sd must be positive"):
        reparam_grad(torch.sin, 0.0, 0.0, n_samples=10, seed=0)


def test_dropout_validation_and_evaluation_mode():
    x = torch.ones(10, dtype=torch.float64)
    assert torch.equal(dropout(x, 0.5, seed=0, train=False), x)
    assert set(dropout(x, 0.5, seed=0).tolist()) <= {0.0, 2.0}
    with pytest.raises(ValueError, match=r"p must be a finite number in \[0, 1\)"):
        dropout(x, 1.0, seed=0)
    with pytest.raises(ValueError, match=r"p must be a finite number in \[0, 1\)"):
        dropout(x, -0.1, seed=0)
    assert np.allclose(dropout(x, 0.0, seed=0).numpy(), 1.0)
