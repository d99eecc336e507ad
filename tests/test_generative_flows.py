"""Unit tests of the flows and autoregressive models: couplings, their log-determinants and inverses, normalisation."""

import math

import pytest
import torch

from mltheory.generative import (
    LogisticAutoregressive,
    affine_coupling,
    autoregressive_nll,
    bits_per_dim,
    flow_log_prob,
    independent_bernoulli,
    realnvp,
)

DOUBLE = torch.float64


def _conditioner(kept):
    """Log-scales and shifts that depend nonlinearly on every kept coordinate."""
    total = kept.sum(-1, keepdim=True)
    return torch.sin(total) * torch.arange(1, kept.shape[1] + 1, dtype=kept.dtype), total**2


def test_affine_coupling_log_det_matches_autograd_and_the_inverse_is_exact():
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(0), dtype=DOUBLE)
    mask = torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=DOUBLE)
    y, log_det = affine_coupling(x, mask, _conditioner)
    assert torch.equal(y[:, mask == 1], x[:, mask == 1])
    for row, expected in zip(x, log_det):
        jacobian = torch.autograd.functional.jacobian(lambda p: affine_coupling(p[None], mask, _conditioner)[0][0], row)
        assert torch.allclose(torch.linalg.slogdet(jacobian)[1], expected, atol=1e-12)
    back, inverse_log_det = affine_coupling(y, mask, _conditioner, inverse=True)
    assert torch.allclose(back, x, atol=1e-12)
    assert torch.allclose(inverse_log_det, -log_det, atol=1e-12)


def test_realnvp_inverts_and_its_density_integrates_to_one():
    flow = realnvp(layers=3, hidden=8, seed=1)
    x = torch.randn(50, 2, generator=torch.Generator().manual_seed(2), dtype=DOUBLE)
    z, _ = flow(x)
    assert torch.allclose(flow.inverse(z), x, atol=1e-12)
    axis = torch.linspace(-8, 8, 241, dtype=DOUBLE)
    with torch.no_grad():
        density = flow_log_prob(flow, torch.cartesian_prod(axis, axis)).exp().reshape(241, 241)
    assert abs(torch.trapezoid(torch.trapezoid(density, axis), axis).item() - 1) < 1e-3


def test_realnvp_samples_follow_its_density():
    """The mean of log p over the flow's own samples is minus its entropy; compare with a quadrature of −p log p."""
    flow = realnvp(layers=2, hidden=8, seed=3)
    with torch.no_grad():
        log_p = flow_log_prob(flow, flow.sample(5_000, seed=4))
        axis = torch.linspace(-9, 9, 181, dtype=DOUBLE)
        grid_log_p = flow_log_prob(flow, torch.cartesian_prod(axis, axis))
    entropy = -torch.trapezoid(torch.trapezoid((grid_log_p.exp() * grid_log_p).reshape(181, 181), axis), axis).item()
    standard_error = log_p.std().item() / math.sqrt(len(log_p))
    assert abs(-log_p.mean().item() - entropy) < 5 * standard_error + 1e-3


def test_independent_bernoulli_is_laplace_smoothed_and_its_samples_match():
    x = torch.tensor([[1.0, 0.0, 1.0]] * 3 + [[0.0, 0.0, 1.0]], dtype=DOUBLE)
    model = independent_bernoulli(x)
    assert torch.allclose(torch.sigmoid(model.bias), torch.tensor([4 / 6, 1 / 6, 5 / 6], dtype=DOUBLE))
    expected = -(torch.sigmoid(model.bias).log() * torch.tensor([1.0, 0.0, 1.0], dtype=DOUBLE)).sum()
    expected -= torch.log(1 - torch.sigmoid(model.bias[1]))
    assert torch.allclose(autoregressive_nll(model, x[:1]), expected[None])
    drawn = model.sample(20_000, seed=7)
    p = torch.sigmoid(model.bias)
    assert ((drawn.mean(0) - p).abs() < 5 * (p * (1 - p) / 20_000).sqrt()).all()
    assert bits_per_dim(torch.tensor([3 * math.log(2)]), 3).item() == pytest.approx(1.0)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="mask must hold only 0 and 1"):
        affine_coupling(torch.zeros(2, 2), [0.5, 0.5], _conditioner)
    with pytest.raises(ValueError, match="x must hold only 0 and 1"):
        autoregressive_nll(LogisticAutoregressive(2), [[0.0, 2.0]])
    with pytest.raises(ValueError, match="dim must be an integer >= 2"):
        realnvp(dim=1)
