"""Unit tests of the bounds on mutual information: Barber–Agakov, InfoNCE and the correlated Gaussians."""

import math

import numpy as np
import pytest
import torch
from scipy import stats

from mltheory.data import random_distributions
from mltheory.generative import (
    barber_agakov_bound,
    correlated_gaussians,
    gaussian_infonce,
    gaussian_log_ratio_critic,
    gaussian_mutual_information,
    infonce,
)
from mltheory.information import mutual_information

DOUBLE = torch.float64


def _tables(count=50, n_x=4, n_c=3, seed=0):
    joint = random_distributions(count, n_x * n_c, seed=seed).reshape(count, n_x, n_c)
    q = random_distributions(count * n_x, n_c, seed=seed + 1).reshape(count, n_x, n_c)
    return joint, q


def test_barber_agakov_matches_its_definition_and_is_tight_only_at_the_posterior():
    joint, q = _tables()
    p_c = joint.sum(-2)
    direct = -(p_c * p_c.log()).sum(-1) + (joint * q.log()).sum((-2, -1))
    assert torch.allclose(barber_agakov_bound(joint, q), direct, atol=1e-14)
    posterior = joint / joint.sum(-1, keepdim=True)
    information = mutual_information(joint)
    assert torch.allclose(barber_agakov_bound(joint, posterior), information, atol=1e-13)
    assert (barber_agakov_bound(joint, q) < information - 1e-6).all()


def test_barber_agakov_is_minus_infinity_when_q_rules_out_a_possible_code():
    joint = torch.tensor([[0.5, 0.0], [0.25, 0.25]], dtype=DOUBLE)
    q = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=DOUBLE)  # x = 1 has code 0 with probability 1/2
    assert barber_agakov_bound(joint, q) == -math.inf
    # zero probability where the joint is zero costs nothing
    assert torch.isfinite(barber_agakov_bound(joint, torch.tensor([[1.0, 0.0], [0.5, 0.5]], dtype=DOUBLE)))


def test_barber_agakov_broadcasts_one_model_over_a_batch_of_tables():
    joint, q = _tables(count=3)
    assert torch.allclose(barber_agakov_bound(joint, q[0]), torch.stack([barber_agakov_bound(t, q[0]) for t in joint]))


def _infonce_loop(scores):
    n = len(scores)
    return sum(math.log(math.exp(scores[i][i]) / (sum(math.exp(s) for s in scores[i]) / n)) for i in range(n)) / n


def test_infonce_matches_its_definition_and_never_exceeds_log_n():
    scores = 3 * torch.randn(200, 6, 6, generator=torch.Generator().manual_seed(0), dtype=DOUBLE)
    values = infonce(scores)
    assert values.shape == (200,)
    assert math.isclose(values[0].item(), _infonce_loop(scores[0].tolist()), abs_tol=1e-13)
    assert (values <= math.log(6) + 1e-15).all()


def test_infonce_ignores_a_function_of_x_and_overflows_nowhere():
    scores = torch.randn(5, 5, generator=torch.Generator().manual_seed(1), dtype=DOUBLE)
    shifted = scores + torch.arange(5, dtype=DOUBLE).unsqueeze(-1) * 100  # g(x_i) added to row i
    assert torch.isclose(infonce(shifted), infonce(scores), atol=1e-12)
    assert torch.isclose(infonce(1e4 * torch.eye(5, dtype=DOUBLE)), torch.tensor(math.log(5), dtype=DOUBLE))
    assert infonce(torch.zeros(1, 1)) == 0


def test_gaussian_mutual_information_matches_the_bivariate_normal():
    rho = 0.9
    bivariate = stats.multivariate_normal(cov=[[1, rho], [rho, 1]])
    # I = H(X) + H(Y) - H(X, Y) for one pair, then times d
    one_pair = 2 * stats.norm().entropy() - bivariate.entropy()
    assert math.isclose(gaussian_mutual_information(rho, 10).item(), 10 * one_pair, rel_tol=1e-12)
    assert gaussian_mutual_information(-rho, 3) == gaussian_mutual_information(rho, 3)


def test_correlated_gaussians_are_seeded_and_have_the_right_shapes():
    x, y = correlated_gaussians(5, 3, 0.2, seed=4)
    assert x.shape == y.shape == (5, 3) and x.dtype == DOUBLE
    assert torch.equal(correlated_gaussians(5, 3, 0.2, seed=4)[1], y)
    xb, _ = correlated_gaussians(5, 3, 0.2, batches=2, seed=4)
    assert xb.shape == (2, 5, 3)


def test_critic_is_the_log_density_ratio():
    x, y = correlated_gaussians(4, 3, 0.7, seed=2)
    scores = gaussian_log_ratio_critic(x, y, 0.7)
    s = 1 - 0.7**2
    xn, yn = x.numpy(), y.numpy()
    expected = np.array([[stats.norm(0.7 * xn[i], math.sqrt(s)).logpdf(yn[j]).sum() - stats.norm().logpdf(yn[j]).sum()
                          for j in range(4)] for i in range(4)])
    assert np.allclose(scores.numpy(), expected, atol=1e-12)


def test_gaussian_infonce_sits_under_the_cap_and_reaches_i_for_weak_dependence():
    capped = gaussian_infonce(64, rho=0.9, batches=40, seed=0)
    assert (capped.estimates <= math.log(64)).all()
    assert capped.estimates.mean() < gaussian_mutual_information(0.9, 10) - 3
    weak = gaussian_infonce(256, rho=0.5, batches=20, seed=0)
    se = weak.estimates.std().item() / math.sqrt(20)
    information = gaussian_mutual_information(0.5, 10).item()
    # E Î ≤ I for every critic, and E Î ≥ the mean tangent bound (eq-infonce-tangent)
    assert weak.estimates.mean().item() <= information + 5 * se
    assert weak.estimates.mean().item() >= weak.lower.mean().item() - 5 * se


def test_gaussian_infonce_with_one_pair_per_batch_is_zero():
    run = gaussian_infonce(1, batches=3, seed=0)
    assert torch.equal(run.estimates, torch.zeros(3, dtype=DOUBLE))
    assert torch.equal(run.lower, torch.zeros(3, dtype=DOUBLE))


@pytest.mark.parametrize("rho", [1.0, -1.0, float("nan")])
def test_a_correlation_outside_the_open_interval_is_refused(rho):
    with pytest.raises(ValueError, match="gaussian_mutual_information: rho"):
        gaussian_mutual_information(rho, 2)
