"""The t-SNE gradient as computed for speed (symmetric blocks, segment sums, Z from the repulsion sums)
against the plain dense formula."""

import importlib

import pytest
import torch

from mltheory.information import tsne_gradient, tsne_joint_probabilities
from mltheory.information.tsne import _Pairs, _tsne_gradient

# the module, not the function that mltheory.information exports under the same name
tsne_module = importlib.import_module("mltheory.information.tsne")


def _dense_gradient(p: torch.Tensor, y: torch.Tensor, exaggeration: float = 1.0):
    """4 Σ_j (α p_ij − q_ij) w_ij (y_i − y_j) and Z from the full n x n matrices, in float64."""
    w = 1 / (1 + torch.cdist(y, y).square())
    w.fill_diagonal_(0)
    total = w.sum()
    forces = (exaggeration * p - w / total) * w
    return 4 * (forces.sum(dim=1, keepdim=True) * y - forces @ y), total.item()


def _cloud(n: int, seed: int, spread: float = 1.0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 8, generator=generator, dtype=torch.float64)
    y = spread * torch.randn(n, 2, generator=generator, dtype=torch.float64)
    return x, y


@pytest.mark.parametrize("entries", [10_000, 2**20])  # many blocks with a remainder, and a single block
def test_blocked_gradient_and_normalisation_match_the_dense_formula(monkeypatch, entries):
    monkeypatch.setattr(tsne_module, "_BLOCK_ENTRIES", entries)
    x, y = _cloud(301, seed=0, spread=5.0)
    p = tsne_joint_probabilities(x, 10.0, n_neighbours=31)
    gradient, total, at_pairs = _tsne_gradient(_Pairs.of(p), y, exaggeration=3.0)
    expected, expected_total = _dense_gradient(p, y, exaggeration=3.0)
    assert (gradient - expected).abs().max() <= 1e-12 * expected.abs().max()
    assert total == pytest.approx(expected_total, rel=1e-12)
    rows, cols = p.nonzero(as_tuple=True)
    assert torch.allclose(at_pairs, 1 / (1 + (y[rows] - y[cols]).square().sum(dim=1)), rtol=1e-14)


def test_gradient_of_asymmetric_affinities_and_isolated_points():
    """The public gradient takes any affinities: an asymmetric p, and rows without any pair."""
    _, y = _cloud(40, seed=1, spread=3.0)
    p = torch.rand(40, 40, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    p[:, :5] = 0  # points 0-4 attract nobody from the other side ...
    p[5:9] = 0  # ... and points 5-8 have no pairs in their rows at all
    p.fill_diagonal_(0)
    p /= p.sum()
    assert torch.allclose(tsne_gradient(p, y), _dense_gradient(p, y)[0], rtol=0, atol=1e-15)


def test_single_precision_gradient_on_a_spread_embedding():
    """Float32 loses digits in 1 + |y_i|² + |y_j|² − 2 y_i·y_j: about eps·R² for points within R of the
    centroid. On a map wider than the digits' (R = 96) the error, relative to the largest entry of the
    gradient, stays below 4 eps R², also when the map sits far from the origin (the gradient centres it)."""
    x, y = _cloud(500, seed=3, spread=25.0)
    p = tsne_joint_probabilities(x, 10.0, n_neighbours=31)
    exact = tsne_gradient(p, y)
    radius = (y - y.mean(dim=0)).norm(dim=1).max().item()
    bound = 4 * torch.finfo(torch.float32).eps * radius**2
    single_p = p.float() / p.float().sum()
    for shift in (0.0, 1000.0):
        single = tsne_gradient(single_p, (y + shift).float()).double()
        assert (single - exact).abs().max() <= bound * exact.abs().max()
