"""Tests of :mod:`mltheory.kernels.mean_field` and the initialisers and normalisations of :mod:`mltheory.networks`."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from mltheory.kernels import (
    Dense,
    Erf,
    Relu,
    chi1,
    correlation_map,
    critical_weight_variance,
    length_fixed_point,
    length_map,
    serial,
)
from mltheory.networks import batch_norm, init_weight, layer_norm, weight_norm


@pytest.mark.parametrize("scheme, torch_init", [
    ("he", lambda w, g: nn.init.kaiming_normal_(w, nonlinearity="relu", generator=g)),
    ("lecun", lambda w, g: nn.init.kaiming_normal_(w, nonlinearity="linear", generator=g)),
    ("glorot", lambda w, g: nn.init.xavier_normal_(w, generator=g)),
])
def test_initialisers_draw_what_torch_nn_init_draws(scheme, torch_init):
    ours = init_weight(30, 20, scheme, seed=3)
    theirs = torch_init(torch.empty(20, 30, dtype=torch.float64), torch.Generator().manual_seed(3))
    torch.testing.assert_close(ours, theirs, rtol=1e-14, atol=0)


def test_length_and_correlation_maps_are_the_nngp_kernel_of_one_layer():
    """The diagonal and the normalised off-diagonal of serial(Dense, phi, Dense) at the fixed point."""
    for activation, layer in (("relu", Relu), ("erf", Erf)):
        weight_var, bias_var = 1.3, 0.2
        q = length_fixed_point(activation, weight_var, bias_var)
        assert float(length_map(q, activation, weight_var, bias_var)) == pytest.approx(q, rel=1e-12)
        model = serial(Dense(1.0), layer(), Dense(math.sqrt(weight_var), math.sqrt(bias_var)))
        c = 0.4
        x = math.sqrt(2 * q) * torch.tensor([[1.0, 0.0], [c, math.sqrt(1 - c**2)]], dtype=torch.float64)
        kernel = model.nngp(x, x)
        assert float(kernel[0, 0]) == pytest.approx(q, rel=1e-12)
        assert float(correlation_map([c], activation, weight_var, bias_var)) == pytest.approx(float(kernel[0, 1]) / q)


@pytest.mark.parametrize("activation", ["erf", "tanh"])
def test_chi1_is_the_slope_of_the_correlation_map_at_one(activation):
    weight_var, bias_var = 2.0, 0.1
    c = torch.tensor([1 - 1e-4, 1.0], dtype=torch.float64)
    values = correlation_map(c, activation, weight_var, bias_var)
    slope = float((values[1] - values[0]) / 1e-4)
    assert slope == pytest.approx(chi1(activation, weight_var, bias_var), rel=1e-3)


def test_critical_points():
    assert critical_weight_variance("relu") == 2.0
    assert critical_weight_variance("erf") == pytest.approx(math.pi / 4, rel=1e-14)
    assert critical_weight_variance("tanh") == pytest.approx(1.0, rel=1e-14)
    assert critical_weight_variance("tanh", 0.05) == pytest.approx(1.76, abs=0.005)
    small = [critical_weight_variance("tanh", b) for b in (1e-2, 1e-4, 1e-6)]
    assert small[0] > small[1] > small[2] > 1.0  # tends to 1 as sigma_b -> 0
    for activation in ("erf", "tanh"):
        for bias_var in (1e-3, 0.05, 1.0):
            w = critical_weight_variance(activation, bias_var)
            assert chi1(activation, w, bias_var) == pytest.approx(1.0, abs=1e-10)
    assert chi1("erf", 1.0, 0.3) == pytest.approx(4 / (math.pi * math.sqrt(1 + 4 * length_fixed_point("erf", 1.0, 0.3))))


def test_layer_and_batch_norm_standardise():
    x = torch.randn(16, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 4 + 2
    y = layer_norm(x, eps=0.0)
    torch.testing.assert_close(y.mean(-1), torch.zeros(16, dtype=torch.float64), atol=1e-12, rtol=0)
    torch.testing.assert_close(y.var(-1, correction=0), torch.ones(16, dtype=torch.float64))
    torch.testing.assert_close(layer_norm(x[:3]), layer_norm(x)[:3])  # per example
    z, _, _ = batch_norm(x, torch.zeros(5), torch.ones(5), eps=0.0)
    torch.testing.assert_close(z.mean(0), torch.zeros(5, dtype=torch.float64), atol=1e-12, rtol=0)
    assert not torch.allclose(batch_norm(x[:3], torch.zeros(5), torch.ones(5))[0], z[:3])  # depends on the batch


def test_weight_norm_rows_have_length_g():
    v = torch.randn(4, 3, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    g = torch.tensor([0.5, 1.0, 2.0, 3.0], dtype=torch.float64)
    torch.testing.assert_close(weight_norm(v, g).flatten(1).norm(dim=1), g)
