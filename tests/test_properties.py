"""Property tests (hypothesis) of the invariants that the book states for each measure (issue 11).

These complement the claims: the claims prove identities symbolically or check them on the
book's examples; here the same relations must hold on random distributions of random sizes.
Tolerances are rounding error of float64 sums over at most a few dozen terms.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mltheory.distances import hellinger, js_divergence, symmetrized_kl, total_variation, wasserstein_1d
from mltheory.distances import f_divergence
from mltheory.information import (
    binary_entropy,
    conditional_entropy,
    conditional_mutual_information,
    cross_entropy,
    entropy,
    fisher_rao_distance,
    joint_entropy,
    kl_divergence,
    mutual_information,
)

ROUNDING = 1e-10
FEW = settings(max_examples=40, deadline=None)


def _normalised(weights) -> torch.Tensor:
    w = torch.tensor(weights, dtype=torch.float64)
    return w / w.sum()


weights = st.floats(0.0, 1.0).filter(lambda w: w == 0 or w > 1e-6)


@st.composite
def distributions(draw, count=1, size=None, positive=False):
    """``count`` probability vectors over the same number of outcomes (zeros allowed unless ``positive``)."""
    n = draw(st.integers(2, 8)) if size is None else size
    entry = st.floats(1e-3, 1.0) if positive else weights
    found = []
    for _ in range(count):
        w = draw(st.lists(entry, min_size=n, max_size=n).filter(lambda w: sum(w) > 1e-3))
        found.append(_normalised(w))
    return found


@st.composite
def tables(draw, shape_size=2):
    """A joint table over ``shape_size`` variables with 2 to 4 values each."""
    shape = tuple(draw(st.integers(2, 4)) for _ in range(shape_size))
    w = draw(st.lists(weights, min_size=math.prod(shape), max_size=math.prod(shape)).filter(lambda w: sum(w) > 1e-3))
    return _normalised(w).reshape(shape)


@st.composite
def channels(draw, n):
    """A stochastic matrix K[x, y] = P(y | x) with n inputs and 2 to 5 outputs."""
    m = draw(st.integers(2, 5))
    rows = [draw(st.lists(st.floats(1e-3, 1.0), min_size=m, max_size=m)) for _ in range(n)]
    return torch.stack([_normalised(row) for row in rows])


# ------------------------------------------------------------------ entropy

@FEW
@given(distributions(), st.randoms(use_true_random=False))
def test_entropy_bounds_and_relabelling(ps, random):
    (p,) = ps
    h = entropy(p)
    assert -ROUNDING <= h <= math.log(len(p)) + ROUNDING
    order = list(range(len(p)))
    random.shuffle(order)
    assert torch.isclose(entropy(p[order]), h, atol=ROUNDING)


@FEW
@given(st.floats(0.0, 1.0))
def test_binary_entropy_bounds_and_symmetry(q):
    h = binary_entropy(q)
    assert -ROUNDING <= h <= math.log(2) + ROUNDING
    assert torch.isclose(h, binary_entropy(1 - q), atol=ROUNDING)


# ------------------------------------------------------------------ relative entropy and its relatives

@FEW
@given(distributions(count=2, positive=True))
def test_kl_non_negative_zero_on_the_diagonal_and_cross_entropy_decomposes(ps):
    p, q = ps
    d = kl_divergence(p, q)
    assert d >= -ROUNDING
    assert abs(kl_divergence(p, p)) <= ROUNDING
    assert torch.isclose(cross_entropy(p, q), entropy(p) + d, atol=ROUNDING)
    assert torch.isclose(f_divergence(p, q, "kl"), d, atol=ROUNDING)
    assert torch.isclose(symmetrized_kl(p, q), d + kl_divergence(q, p), atol=ROUNDING)


@FEW
@given(distributions(count=2, positive=True, size=4), st.data())
def test_data_processing_inequality(ps, data):
    """A channel K can only bring two distributions closer: D(pK || qK) <= D(p || q), and so for TV."""
    p, q = ps
    k = data.draw(channels(4))
    assert kl_divergence(p @ k, q @ k) <= kl_divergence(p, q) + ROUNDING
    assert total_variation(p @ k, q @ k) <= total_variation(p, q) + ROUNDING
    assert js_divergence(p @ k, q @ k) <= js_divergence(p, q) + ROUNDING


@FEW
@given(distributions(count=3), st.randoms(use_true_random=False))
def test_metrics_symmetric_bounded_triangle_and_invariant_under_relabelling(ps, random):
    p, q, r = ps
    order = list(range(len(p)))
    random.shuffle(order)
    for distance, top in ((total_variation, 1.0), (hellinger, 1.0), (fisher_rao_distance, math.pi)):
        d = distance(p, q)
        assert -ROUNDING <= d <= top + ROUNDING
        assert torch.isclose(d, distance(q, p), atol=1e-7)
        assert d <= distance(p, r) + distance(r, q) + 1e-7
        assert torch.isclose(d, distance(p[order], q[order]), atol=1e-7)
    js = js_divergence(p, q)
    assert -ROUNDING <= js <= math.log(2) + ROUNDING
    assert torch.isclose(js, js_divergence(q, p), atol=ROUNDING)


# ------------------------------------------------------------------ several variables

@FEW
@given(tables())
def test_chain_rule_and_mutual_information_bounds(p_xy):
    h_x, h_y = entropy(p_xy.sum(1)), entropy(p_xy.sum(0))
    h_xy = joint_entropy(p_xy)
    assert torch.isclose(h_xy, h_y + conditional_entropy(p_xy), atol=ROUNDING)  # H(X,Y) = H(Y) + H(X|Y)
    i = mutual_information(p_xy)
    assert torch.isclose(i, h_x + h_y - h_xy, atol=ROUNDING)
    assert -ROUNDING <= i <= min(h_x, h_y) + ROUNDING
    assert torch.isclose(i, mutual_information(p_xy.T), atol=ROUNDING)
    assert h_xy <= h_x + h_y + ROUNDING


@FEW
@given(tables(shape_size=3))
def test_conditional_mutual_information_non_negative(p_xyz):
    assert conditional_mutual_information(p_xyz) >= -ROUNDING


@FEW
@given(distributions(positive=True, size=3), st.data())
def test_mutual_information_data_processing(ps, data):
    """For a Markov chain X -> Y -> Z, I(X; Z) <= I(X; Y)."""
    (p_x,) = ps
    to_y = data.draw(channels(3))
    to_z = data.draw(channels(to_y.shape[1]))
    p_xy = p_x.unsqueeze(1) * to_y
    assert mutual_information(p_xy @ to_z) <= mutual_information(p_xy) + ROUNDING


# ------------------------------------------------------------------ Wasserstein

@FEW
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=30), st.lists(st.floats(-100, 100), min_size=1, max_size=30),
       st.floats(-10, 10))
def test_wasserstein_symmetric_shift_and_scipy(u, v, shift):
    from scipy.stats import wasserstein_distance

    d = wasserstein_1d(u, v)
    assert d >= 0
    assert torch.isclose(d, wasserstein_1d(v, u), rtol=1e-9, atol=1e-9)
    assert math.isclose(float(d), wasserstein_distance(u, v), rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(float(wasserstein_1d(u, np.array(u) + shift)), abs(shift), rel_tol=1e-9, abs_tol=1e-9)
