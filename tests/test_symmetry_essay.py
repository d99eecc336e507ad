"""Tests of the essay and Masterplan additions to the symmetry part: pictures, correct sets, ReLU, robustness."""

from __future__ import annotations

import math

import pytest
import torch

from mltheory.symmetry.correct_sets import adversarial_target, line_product, two_interpolants
from mltheory.symmetry.degree_seven import features
from mltheory.symmetry.linear import min_norm_interpolant
from mltheory.symmetry.pictures import (
    butterfly_image,
    mirror_action,
    mirror_reconstruction,
    orbit_fill,
    tiling_action,
    tiling_image,
    tiling_reconstruction,
)
from mltheory.symmetry.relu import count_linear_pieces, relu_interpolant, sawtooth
from mltheory.symmetry.robustness import fgsm, transform_digits


# ------------------------------------------------------------------ pictures

def test_pictures_have_exactly_their_symmetries():
    butterfly = butterfly_image(32)
    assert torch.equal(butterfly, butterfly.flip(1))
    assert not torch.equal(butterfly, butterfly.flip(0))
    tile = tiling_image(16, 1)
    for k in range(4):
        assert torch.equal(tile, tile.rot90(k))
    assert torch.equal(tile, tile.flip(1))
    floor = tiling_image(16, 3)
    assert torch.equal(floor[:16, :16], floor[32:, 16:32])


def test_pixel_tables_are_group_actions():
    mirror = mirror_action(6, 8)[0].flatten()
    assert torch.equal(mirror[mirror], torch.arange(48))  # a reflection is its own inverse
    rotation, reflection = tiling_action(8, 8, 4, ["rotations", "reflections"]).flatten(1)
    power = torch.arange(64)
    for _ in range(4):
        power = rotation[power]
    assert torch.equal(power, torch.arange(64))  # a quarter turn has order 4
    assert torch.equal(reflection[reflection], torch.arange(64))
    assert sorted(rotation.tolist()) == list(range(64))  # a permutation of the pixels


def test_orbit_fill_copies_values_and_leaves_unreached_pixels_empty():
    image = torch.arange(8.0).reshape(1, 8, 1)
    known = torch.tensor([[True, False, False, False, False, False, False, False]])
    filled = orbit_fill(image, known, mirror_action(1, 8))
    assert filled[0, 7, 0] == 0.0 and filled[0, 1:7].isnan().all()


def test_reconstructions_are_exact_only_with_the_right_group():
    assert mirror_reconstruction(32)["max_error"] == 0.0
    assert mirror_reconstruction(32)["coverage"] == 1.0
    assert mirror_reconstruction(32, "x2")["coverage"] == 0.5
    full = tiling_reconstruction(16, 2)
    assert full["coverage"] == 1.0 and full["max_error"] == 0.0
    assert full["patch_fraction"] == pytest.approx((8 * 9 / 2) / (32 * 32))
    assert tiling_reconstruction(16, 2, ["translations"])["coverage"] < 0.2


# ------------------------------------------------------------------ correct sets and the impossibility theorem

def test_two_interpolants_fit_the_data_and_disagree_elsewhere():
    result = two_interpolants(grid=360)
    assert result["train_residual"] <= result["train_bound"]
    assert result["ranking_product"] == -1
    assert result["overlap"] < min(result["correct"].values())


def test_line_product_is_a_product_of_sines_on_the_circle():
    angles = torch.tensor([0.3, 1.1, 2.9], dtype=torch.float64)
    data = torch.stack([angles.cos(), angles.sin()], dim=-1)
    theta = torch.linspace(0, 2 * math.pi, 50, dtype=torch.float64)
    points = torch.stack([theta.cos(), theta.sin()], dim=-1)
    expected = torch.sin(theta[:, None] - angles).prod(-1)
    assert torch.allclose(line_product(points, data), expected, atol=1e-14)


def test_the_adversarial_target_lies_in_v7():
    result = adversarial_target(grid=90)
    generator = torch.Generator().manual_seed(5)
    angles = 2 * math.pi * torch.rand(8, generator=generator, dtype=torch.float64)
    points = 1.3 * torch.stack([angles.cos(), angles.sin()], dim=-1)
    fitted = min_norm_interpolant(features(), points, result["g"](points))  # 8 generic points determine V_7
    elsewhere = torch.randn(20, 2, generator=generator, dtype=torch.float64)
    assert torch.allclose(fitted(elsewhere), result["g"](elsewhere), rtol=1e-8, atol=1e-8)
    assert result["smallest_gap"] > 0 and result["correct_fraction"] == 0.0


# ------------------------------------------------------------------ ReLU constructions

def test_relu_interpolant_is_exact_on_small_dyadic_data():
    X = torch.tensor([[0.0], [0.5], [2.0], [3.0]], dtype=torch.float64)
    y = torch.tensor([1.0, -1.0, 2.0, 0.5], dtype=torch.float64)
    net = relu_interpolant(X[[2, 0, 3, 1]], y[[2, 0, 3, 1]])  # the order of the data does not matter
    assert torch.equal(net(X).squeeze(1), y)
    midpoint = net(torch.tensor([[1.25]], dtype=torch.float64)).item()
    assert midpoint == pytest.approx(0.5)  # linear between neighbouring points


def test_relu_interpolant_refuses_tied_projections():
    with pytest.raises(ValueError, match="relu_interpolant: X must have distinct projections"):
        relu_interpolant([[1.0], [1.0]], [0.0, 1.0])


def test_sawtooth_pieces_double_with_depth():
    assert [count_linear_pieces(depth) for depth in range(7)] == [2**depth for depth in range(7)]
    x = torch.tensor([0.0, 0.125, 0.25], dtype=torch.float64)
    assert sawtooth(x, 3).tolist() == [0.0, 1.0, 0.0]


# ------------------------------------------------------------------ robustness

def test_transform_digits_scales_and_shifts():
    images = torch.rand(3, 64, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    moved = transform_digits(images, brightness=torch.tensor([1.0, 0.5, 0.25]), shift=[[0, 1], [1, 0], [0, 0]])
    grid, out = images.reshape(3, 8, 8), moved.reshape(3, 8, 8)
    assert torch.equal(out[0, :, 1:], grid[0, :, :-1]) and torch.equal(out[0, :, 0], torch.zeros(8))
    assert torch.allclose(out[1, 1:], 0.5 * grid[1, :-1])
    assert torch.allclose(out[2], 0.25 * grid[2])


def test_fgsm_raises_the_loss_of_a_linear_model_by_eps_times_the_l1_norm_of_w():
    net = torch.nn.Linear(3, 2, dtype=torch.float64)
    with torch.no_grad():
        net.weight.copy_(torch.tensor([[1.0, -2.0, 0.5], [0.0, 0.0, 0.0]]))
        net.bias.zero_()
    x = torch.tensor([[0.5, 0.5, 0.5]], dtype=torch.float64)
    moved = fgsm(net, x, [0], 0.1)
    margin = lambda z: (net(z)[:, 0] - net(z)[:, 1]).item()  # noqa: E731
    assert margin(x) - margin(moved) == pytest.approx(0.1 * 3.5)

