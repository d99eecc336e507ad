"""Unit tests of the principal energy and of the random-label alignment experiment (toy A4)."""

import pytest
import torch

from mltheory.generalization import first_layer_alignment, principal_energy
from mltheory.networks import fit, mlp


def test_principal_energy_is_k_over_d_for_the_identity_and_one_inside_the_span():
    g = torch.Generator().manual_seed(0)
    basis = torch.linalg.qr(torch.randn(5, 5, generator=g, dtype=torch.float64))[0]
    reference = basis @ torch.diag(torch.tensor([5.0, 4.0, 3.0, 2.0, 1.0], dtype=torch.float64)) @ basis.T
    assert principal_energy(torch.eye(5), reference, 2) == pytest.approx(2 / 5)
    inside = basis[:, :2] @ torch.diag(torch.tensor([3.0, 0.5], dtype=torch.float64)) @ basis[:, :2].T
    assert principal_energy(inside, reference, 2) == pytest.approx(1.0)
    outside = basis[:, 2:] @ basis[:, 2:].T
    assert principal_energy(outside, reference, 2) == pytest.approx(0.0, abs=1e-12)
    assert principal_energy(reference, reference, 1) == pytest.approx(5 / 15)


def test_sgd_changes_of_the_first_layer_lie_in_the_span_of_the_inputs():
    # inputs confined to a 3-dimensional subspace of R^6: SGD keeps the change there, Adam does not
    g = torch.Generator().manual_seed(1)
    x = torch.randn(120, 3, generator=g) @ torch.randn(3, 6, generator=g)
    y = torch.randint(0, 3, (120,), generator=g)
    history = first_layer_alignment(x, y, hidden=16, epochs=2, k=3, seed=0)
    assert history[0]["epoch"] == 0 and history[-1]["epoch"] == 2
    assert all(record["change energy"] == pytest.approx(1.0, abs=1e-5) for record in history[1:])
    assert 0 < history[-1]["misalignment"] and 0 <= history[-1]["accuracy"] <= 1
    adam = first_layer_alignment(x, y, hidden=16, epochs=2, k=3, optimizer="adam", lr=1e-2, seed=0)
    assert adam[-1]["change energy"] < 0.99


def test_fit_with_sgd_is_seeded_and_differs_from_adam():
    g = torch.Generator().manual_seed(2)
    x, y = torch.randn(64, 3, generator=g), torch.randint(0, 2, (64,), generator=g)
    weights = []
    for optimizer in ("sgd", "sgd", "adam"):
        net = mlp([3, 8, 2], seed=0)
        fit(net, x, y, loss=torch.nn.functional.cross_entropy, epochs=2, batch_size=16, lr=0.05, seed=0,
            optimizer=optimizer)
        weights.append(net[0].weight.detach())
    assert torch.equal(weights[0], weights[1]) and not torch.allclose(weights[0], weights[2])


def test_invalid_arguments_are_refused_with_the_function_name():
    with pytest.raises(ValueError, match="principal_energy: k must be at most the dimension 2"):
        principal_energy(torch.eye(2), torch.eye(2), 3)
    with pytest.raises(ValueError, match="principal_energy: covariance must have a positive trace"):
        principal_energy(torch.zeros(2, 2), torch.eye(2), 1)
    x, y = torch.randn(10, 4), torch.zeros(10, dtype=torch.long)
    with pytest.raises(ValueError, match="first_layer_alignment: optimizer must be one of"):
        first_layer_alignment(x, y, optimizer="rmsprop", seed=0)
    with pytest.raises(ValueError, match="first_layer_alignment: k must be at most the input dimension 4"):
        first_layer_alignment(x, y, k=5, seed=0)
