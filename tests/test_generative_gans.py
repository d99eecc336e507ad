"""Unit tests of the GAN functions: the optimal discriminator, the losses' gradients, the Dirac-GAN, its Jacobians."""

import math

import pytest
import torch

from mltheory.generative import (
    dirac_gan,
    fit_discriminator,
    game_jacobian,
    gan_losses,
    gaussian_mixture,
    optimal_discriminator,
    train_mixture_gan,
)

DOUBLE = torch.float64


def test_optimal_discriminator_maximises_the_pointwise_value():
    p, q = torch.tensor([0.3, 0.05, 1.0], dtype=DOUBLE), torch.tensor([0.1, 0.4, 1.0], dtype=DOUBLE)
    d = torch.linspace(1e-4, 1 - 1e-4, 20001, dtype=DOUBLE)[:, None]
    value = p * d.log() + q * (1 - d).log()
    best = d[value.argmax(0), 0]
    assert torch.allclose(best, optimal_discriminator(p, q), atol=1e-4)


def test_gan_losses_match_their_formulas_and_gradients():
    real = torch.tensor([1.5, -0.3], dtype=DOUBLE)
    fake = torch.tensor([-2.0, 0.7, 4.0], dtype=DOUBLE, requires_grad=True)
    d_real, d_fake = torch.sigmoid(real), torch.sigmoid(fake)
    minimax_d, minimax_g = gan_losses(real, fake, kind="minimax")
    assert torch.allclose(minimax_d, -d_real.log().mean() - (1 - d_fake).log().mean())
    assert torch.allclose(minimax_g, (1 - d_fake).log().mean())
    nonsat_d, nonsat_g = gan_losses(real, fake, kind="nonsaturating")
    assert torch.allclose(nonsat_d, minimax_d)
    # the logit gradients of the two generator losses: −D and −(1 − D), per sample (times n for the mean)
    (g_minimax,) = torch.autograd.grad(minimax_g * 3, fake)
    (g_nonsat,) = torch.autograd.grad(nonsat_g * 3, fake)
    assert torch.allclose(g_minimax, -d_fake.detach())
    assert torch.allclose(g_nonsat, -(1 - d_fake.detach()))
    ls_d, ls_g = gan_losses(real, fake, kind="least_squares")
    assert torch.allclose(ls_d, 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake**2).mean())
    assert torch.allclose(ls_g, 0.5 * ((fake - 1) ** 2).mean())


def test_the_losses_are_stable_for_confident_logits():
    d, g = gan_losses([200.0], [-200.0], kind="nonsaturating")
    assert math.isfinite(d.item()) and math.isfinite(g.item())
    assert g.item() == pytest.approx(200.0)


def test_dirac_gan_unrolled_gradient_matches_autograd_through_the_steps():
    # one unrolled step from a generic point, against torch.autograd through k explicit ascent steps
    theta, psi, lr, k = 0.7, -1.3, 0.1, 4
    t = torch.tensor(theta, dtype=DOUBLE, requires_grad=True)
    ahead = torch.tensor(psi, dtype=DOUBLE)
    for _ in range(k):
        ahead = ahead + lr * t * torch.sigmoid(-ahead * t)
    (descent,) = torch.autograd.grad(-torch.nn.functional.softplus(-ahead * t), t)
    step = dirac_gan("unrolled", steps=1, lr=lr, k=k, start=(theta, psi))[1]
    assert step[0].item() == pytest.approx(theta - lr * descent.item(), abs=1e-14)
    ascent = theta * torch.sigmoid(torch.tensor(-psi * theta, dtype=DOUBLE)).item()
    assert step[1].item() == pytest.approx(psi + lr * ascent, abs=1e-14)


def test_dirac_gan_runs_a_batch_of_starts_like_single_runs():
    starts = torch.tensor([[1.0, 1.0], [0.5, -2.0], [-0.1, 0.3]], dtype=DOUBLE)
    batch = dirac_gan("r1", steps=50, start=starts)
    assert batch.shape == (3, 51, 2)
    for i in range(3):
        assert torch.allclose(batch[i], dirac_gan("r1", steps=50, start=starts[i]), atol=1e-15)


@pytest.mark.parametrize("method, k, gamma, expected", [
    ("simultaneous", 1, 1.0, [[1.0, -0.05], [0.05, 1.0]]),
    ("unrolled", 3, 1.0, [[1 - 2 * 3 * 0.0025, -0.05], [0.05, 1.0]]),
    ("r1", 1, 2.0, [[1.0, -0.05], [0.05, 1 - 0.2]]),
])
def test_game_jacobian_is_the_closed_form_step_matrix(method, k, gamma, expected):
    assert torch.allclose(game_jacobian(method, lr=0.1, k=k, gamma=gamma), torch.tensor(expected, dtype=DOUBLE),
                          atol=1e-15)


def test_gaussian_mixture_samples_follow_its_density():
    density, sample = gaussian_mixture([-2.0, 1.0], sd=0.5)
    x = sample(40_000, torch.Generator().manual_seed(0)).squeeze(-1)
    inside = ((x > 0.5) & (x < 1.5)).double()
    grid = torch.linspace(0.5, 1.5, 2001, dtype=DOUBLE)
    expected = torch.trapezoid(density(grid), grid).item()
    assert abs(inside.mean().item() - expected) < 5 * math.sqrt(expected * (1 - expected) / len(x))


def test_fit_discriminator_and_training_are_seeded():
    real, fake = torch.randn(64, dtype=DOUBLE), 1 + torch.randn(64, dtype=DOUBLE)
    x = torch.linspace(-2, 2, 5, dtype=DOUBLE)[:, None]
    a, b = (fit_discriminator(real, fake, steps=5, seed=3)(x) for _ in range(2))
    assert torch.equal(a, b)
    runs = [train_mixture_gan(steps=4, batch_size=8, n_show=10, checkpoints=2, seed=5) for _ in range(2)]
    assert torch.equal(runs[0].samples, runs[1].samples) and runs[0].checkpoints == (2, 4)


@pytest.mark.parametrize("call, message", [
    (lambda: optimal_discriminator([0.0], [0.0]), r"optimal_discriminator: p \+ q must be positive"),
    (lambda: gan_losses([0.0], [0.0], kind="wasserstein"), "gan_losses: kind must be one of"),
    (lambda: dirac_gan("adam"), "dirac_gan: method must be one of"),
    (lambda: dirac_gan(start=[1.0]), "dirac_gan: start must have a last dimension of size 2"),
    (lambda: game_jacobian(lr=0.0), "game_jacobian: lr must be positive"),
    (lambda: gaussian_mixture([[0.0, 1.0]]), "gaussian_mixture: means must be a 1-D array"),
])
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
