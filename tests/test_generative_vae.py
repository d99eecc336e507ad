"""Unit tests of the ELBO, the IWAE bound, the Gaussian KL, the VAE and probabilistic PCA."""

import math

import torch
from torch.distributions import Normal

from mltheory.generative import elbo, iwae_bound, kl_std_normal, linear_vae, ppca_optimum, vae
from mltheory.information import kl_gaussian

DOUBLE = torch.float64


def _linear_gaussian(mean_factor=1.0, var_factor=1.0):
    """p(z) = N(0, 1), p(x | z) = N(2z, 1); the encoder scales the exact posterior's mean and variance."""
    def encoder(x):
        return mean_factor * 2 * x / 5, torch.full_like(x, math.log(var_factor / 5))

    return encoder, lambda z: Normal(2 * z, 1.0)


def test_kl_std_normal_is_the_gaussian_kl_and_sums_over_coordinates():
    mean, log_var = torch.tensor([[0.3, -1.2]], dtype=DOUBLE), torch.tensor([[0.5, -0.7]], dtype=DOUBLE)
    expected = kl_gaussian(mean, torch.exp(0.5 * log_var), 0.0, 1.0).sum(-1)
    assert torch.allclose(kl_std_normal(mean, log_var), expected)
    formula = 0.5 * (mean**2 + log_var.exp() - 1 - log_var).sum(-1)
    assert torch.allclose(kl_std_normal(mean, log_var), formula)


def test_exact_posterior_makes_every_iwae_draw_equal_log_evidence():
    x = torch.tensor([[1.5], [-0.3]], dtype=DOUBLE)
    encoder, decoder = _linear_gaussian()
    exact = Normal(0.0, math.sqrt(5)).log_prob(x[:, 0])
    for k in (1, 7):
        assert torch.allclose(iwae_bound(x, encoder, decoder, k=k), exact, atol=1e-12)


def test_elbo_terms_and_beta():
    x = torch.tensor([[1.0]], dtype=DOUBLE)
    encoder, decoder = _linear_gaussian(0.5, 2.0)
    one, two = elbo(x, encoder, decoder, k=5, seed=3), elbo(x, encoder, decoder, k=5, beta=2.0, seed=3)
    assert torch.allclose(one.value, one.reconstruction - one.kl)
    assert torch.allclose(two.value, one.reconstruction - 2 * one.kl)


def test_reconstruction_gradient_flows_through_the_reparametrisation():
    mean = torch.zeros(1, 1, dtype=DOUBLE, requires_grad=True)
    x = torch.tensor([[1.0]], dtype=DOUBLE)
    bound = elbo(x, lambda x: (mean.expand_as(x), torch.zeros_like(x)), lambda z: Normal(2 * z, 1.0), k=20_000)
    (grad,) = torch.autograd.grad(bound.value.sum(), mean)
    # d/dm [E log N(1; 2z, 1) - m²/2] at m = 0, v = 1 is 2(x - 2m) - m = 2; each sample's pathwise derivative
    # 2(1 - 2m - 2ε) has standard deviation 4, so the mean of 20000 has standard error 4 / √20000
    assert abs(grad.item() - 2.0) < 5 * 4 / math.sqrt(20_000)


def test_ppca_optimum_matches_linear_vae_and_collapses_small_eigenvalues():
    x = torch.randn(1000, 4, generator=torch.Generator().manual_seed(1), dtype=DOUBLE)
    x = x * torch.tensor([2.0, 1.3, 0.8, 0.3], dtype=DOUBLE)
    best = ppca_optimum(x, latent=3, noise_var=1.0)
    assert (best.kl == 0).tolist() == (best.eigenvalues <= 1.0).tolist()
    fit = linear_vae(x, latent=3, noise_var=1.0, iterations=100)
    assert torch.allclose(fit.elbo, best.log_likelihood, atol=1e-9)
    assert torch.allclose(fit.kl.sort(descending=True).values, best.kl, atol=1e-5)


def test_vae_trains_on_binary_data():
    x = (torch.rand(200, 8, generator=torch.Generator().manual_seed(0)) < 0.3).double()
    model = vae(x, latent=2, hidden=8, epochs=15, batch_size=50)
    assert model.history[-1] > model.history[0]
