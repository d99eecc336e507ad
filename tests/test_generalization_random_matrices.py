"""Unit tests of the random-matrix functions: the density, the spectrum of XᵀX and the overfitting term."""

import math

import pytest
import torch
from scipy.integrate import quad

from mltheory.generalization import gram_eigenvalues, marchenko_pastur_edges, marchenko_pastur_pdf, overfitting_term
from mltheory.generalization.claims.random_matrices import exact_overfitting_mean


@pytest.mark.parametrize("r, sigma2", [(0.5, 1.0), (2.0, 1.0), (0.5, 3.0)])
def test_density_integrates_to_the_continuous_mass_and_scales_with_sigma2(r, sigma2):
    low, high = marchenko_pastur_edges(r, sigma2)
    assert (low, high) == pytest.approx((sigma2 * (1 - math.sqrt(r)) ** 2, sigma2 * (1 + math.sqrt(r)) ** 2))
    mass = quad(lambda x: marchenko_pastur_pdf([x], r, sigma2).item(), low, high, limit=200)[0]
    assert mass == pytest.approx(min(r, 1.0), abs=1e-6)
    outside = marchenko_pastur_pdf([0.0, low * 0.99, high * 1.01], r, sigma2)
    assert torch.equal(outside, torch.zeros(3, dtype=torch.float64))


def test_gram_eigenvalues_have_the_atom_and_the_trace():
    eigenvalues = gram_eigenvalues(P=50, D=20, seed=3, samples=30)
    assert eigenvalues.shape == (30, 50)
    assert (eigenvalues[:, :30] == 0).all() and (eigenvalues[:, 30:] > 0).all()
    # E tr XᵀX = D: the mean eigenvalue is r, here within 5 standard errors
    traces = eigenvalues.sum(-1)
    assert abs(traces.mean().item() - 20) < 5 * traces.std().item() / math.sqrt(30)
    # seeded: the same seed gives the same spectrum
    assert torch.equal(gram_eigenvalues(P=50, D=20, seed=3, samples=30), eigenvalues)


def test_overfitting_term_sums_inverse_nonzero_eigenvalues():
    assert overfitting_term([0.0, 0.5, 2.0], sigma_eps=2.0).item() == pytest.approx(4 * (2 + 0.5) / 3)
    batch = overfitting_term(torch.tensor([[1.0, 1.0], [0.0, 4.0]], dtype=torch.float64))
    assert torch.allclose(batch, torch.tensor([1.0, 0.125], dtype=torch.float64))


def test_exact_mean_refuses_the_infinite_cases():
    assert exact_overfitting_mean(10, 5) == pytest.approx(5 / 4)
    assert exact_overfitting_mean(10, 20) == pytest.approx(10 / 9)
    with pytest.raises(ValueError, match="infinite"):
        exact_overfitting_mean(10, 11)


def test_bad_input_names_the_function():
    with pytest.raises(ValueError, match="marchenko_pastur_pdf: r"):
        marchenko_pastur_pdf([1.0], r=0.0)
    with pytest.raises(ValueError, match="overfitting_term: eigenvalues"):
        overfitting_term([-1.0, 1.0])
