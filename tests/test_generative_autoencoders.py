"""PCA, principal angles and the autoencoders of mltheory.generative."""

import numpy as np
import pytest
import scipy.linalg
import torch

from mltheory.generative import autoencoder, knn_leave_one_out, linear_autoencoder, pca, principal_angles


def test_principal_angles_match_scipy_including_unequal_dimensions():
    g = np.random.default_rng(0)
    for ka, kb in ((2, 3), (3, 2), (4, 4)):
        a, b = g.standard_normal((7, ka)), g.standard_normal((7, kb))
        ours = principal_angles(torch.tensor(a), torch.tensor(b)).numpy()
        np.testing.assert_allclose(ours, np.sort(scipy.linalg.subspace_angles(a, b)), atol=1e-12)


def test_principal_angles_are_accurate_for_tiny_angles():
    a = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    b = torch.tensor([[1.0], [1e-10]], dtype=torch.float64)
    assert principal_angles(a, b).item() == pytest.approx(1e-10, rel=1e-6)  # arccos would give 0


def test_principal_angles_ignore_the_basis():
    g = torch.Generator().manual_seed(1)
    a = torch.randn(6, 3, generator=g, dtype=torch.float64)
    mix = torch.randn(3, 3, generator=g, dtype=torch.float64)
    assert principal_angles(a, a @ mix).max().item() < 1e-7


def test_pca_error_is_the_sum_of_the_discarded_eigenvalues():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(200, 5, generator=g, dtype=torch.float64) @ torch.randn(5, 5, generator=g, dtype=torch.float64)
    result = pca(x, 2)
    centred = x - result.mean
    error = (centred - centred @ result.components @ result.components.T).square().sum(dim=1).mean()
    assert error.item() == pytest.approx(result.variances[2:].sum().item(), rel=1e-12)


def test_linear_autoencoder_reaches_the_pca_loss_and_only_the_subspace():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(400, 4, generator=g, dtype=torch.float64) * torch.tensor([3.0, 2.0, 1.0, 0.5], dtype=torch.float64)
    model = linear_autoencoder(x, 2, steps=2000)
    result = pca(x, 2)
    assert model.losses[-1].item() == pytest.approx(result.variances[2:].sum().item(), abs=1e-10)
    assert principal_angles(model.decoder, result.components).max().item() < 1e-5
    assert (model.decoder - result.components).abs().max().item() > 0.1  # the weights are not the PCA vectors
    assert torch.all(model.losses[1:] <= model.losses[:-1] + 1e-12)


def test_autoencoder_mirrors_its_encoder():
    model = autoencoder([6, 4, 2], seed=0)
    assert [layer.weight.shape for layer in model[1] if hasattr(layer, "weight")] == [(4, 2), (6, 4)]


def test_knn_leave_one_out_leaves_the_point_out():
    z = torch.tensor([[0.0], [10.0], [10.1]])
    # without leaving it out, point 0 would be its own nearest neighbour and counted right
    assert knn_leave_one_out(z, torch.tensor([0, 1, 1]), neighbours=1).tolist() == [0.0, 1.0, 1.0]


def test_the_claims_name_the_number_of_digits_they_use():
    from mltheory.data import digits
    from mltheory.generative.claims.latent_spaces import N_DIGITS

    assert len(digits()[0]) == N_DIGITS


def test_autoencoder_accepts_the_largest_seed():
    model = autoencoder([3, 2], seed=2**64 - 1)  # the decoder's seed wraps to 0 instead of leaving torch's range
    assert model(torch.zeros(1, 3)).shape == (1, 3)
