"""Entropy and its companions: values, properties, agreement with scipy, gradients and bad input."""

import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
import torch
from hypothesis import given
from hypothesis import strategies as st

from mltheory.data import random_distributions
from mltheory.information import (
    binary_entropy,
    compression_rate,
    counting_rate,
    cross_entropy,
    entropy,
    gaussian_differential_entropy,
    kl_divergence,
    log_multinomial,
    sandwich_exponent,
)

# --------------------------------------------------------------------------- strategies


@st.composite
def probability_vectors(draw, min_size=1, max_size=40):
    """Probability vectors with exact zeros, tiny entries and near-certain outcomes."""
    n = draw(st.integers(min_size, max_size))
    weights = draw(st.lists(
        st.one_of(st.just(0.0), st.floats(1e-12, 1.0), st.floats(1.0, 1e6)),
        min_size=n, max_size=n,
    ).filter(lambda w: sum(w) > 0))
    p = torch.tensor(weights, dtype=torch.float64)
    return p / p.sum()


# --------------------------------------------------------------------------- entropy: values


def test_known_values():
    assert entropy([1.0]).item() == 0.0
    assert entropy([0.5, 0.5]).item() == pytest.approx(math.log(2), abs=1e-15)
    assert entropy([0.5, 0.5], base=2).item() == pytest.approx(1.0, abs=1e-15)
    assert entropy([0.25] * 4, base=2).item() == pytest.approx(2.0, abs=1e-15)
    assert entropy([0.5, 0.25, 0.25], base=2).item() == pytest.approx(1.5, abs=1e-15)
    assert entropy([1.0, 0.0, 0.0]).item() == 0.0  # 0 log 0 = 0, no NaN


def test_batched_and_dim():
    p = random_distributions(7, 5, seed=1)
    by_rows = entropy(p)
    assert by_rows.shape == (7,)
    assert torch.allclose(by_rows, torch.stack([entropy(row) for row in p]), atol=0, rtol=0)
    assert torch.allclose(entropy(p.T, dim=0), by_rows, atol=1e-15, rtol=0)
    cube = random_distributions(24, 3, seed=2).reshape(2, 4, 3, 3).transpose(2, 3)  # outcomes along dim 2
    assert torch.allclose(entropy(cube, dim=2), entropy(cube.transpose(2, 3)), atol=0, rtol=0)


def test_keeps_float32_and_device():
    p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float32)
    h = entropy(p)
    assert h.dtype == torch.float32 and h.device == p.device
    assert h.item() == pytest.approx(entropy(p.double()).item(), rel=1e-6)


def test_numpy_and_lists_become_float64():
    assert entropy(np.array([0.5, 0.5])).dtype == torch.float64
    assert entropy([1, 0]).dtype == torch.float64  # integers are fine


@pytest.mark.parametrize("base", [None, 2, math.e, 10, 0.5])
def test_matches_scipy_to_1e12(base):
    p = random_distributions(500, 12, seed=3)
    p[::7, :3] = 0.0  # exact zeros in some rows
    p = p / p.sum(-1, keepdim=True)
    ours = entropy(p, base=base)
    theirs = torch.as_tensor(scipy.stats.entropy(p.numpy(), base=base, axis=-1))
    assert torch.allclose(ours, theirs, atol=1e-12, rtol=0)


@given(probability_vectors())
def test_matches_scipy_on_arbitrary_vectors(p):
    assert entropy(p).item() == pytest.approx(scipy.stats.entropy(p.numpy()), abs=1e-12)


# --------------------------------------------------------------------------- entropy: properties


@given(probability_vectors())
def test_bounds(p):
    h = entropy(p).item()
    assert -1e-12 <= h <= math.log(len(p)) + 1e-12


@given(st.integers(1, 500))
def test_uniform_attains_log_n(n):
    assert entropy(torch.full((n,), 1.0 / n, dtype=torch.float64)).item() == pytest.approx(math.log(n), abs=1e-12)


@given(probability_vectors(min_size=2), st.randoms(use_true_random=False))
def test_permutation_invariance(p, rng):
    order = list(range(len(p)))
    rng.shuffle(order)
    assert entropy(p[order]).item() == pytest.approx(entropy(p).item(), abs=1e-12)


@given(probability_vectors(min_size=2), st.data())
def test_grouping_rule_on_random_partitions(p, data):
    """H(p) = H(w) + sum_j w_j H(p_G_j / w_j) for a random division into groups."""
    groups = torch.tensor(data.draw(st.lists(st.integers(0, 4), min_size=len(p), max_size=len(p))))
    weights, within = [], 0.0
    for g in groups.unique():
        members = p[groups == g]
        w = members.sum()
        weights.append(w)
        if w > 0:
            within += w * entropy(members / w)
    total = torch.stack(weights)
    assert entropy(p).item() == pytest.approx((entropy(total / total.sum()) + within).item(), abs=1e-10)


@given(probability_vectors(min_size=3))
def test_merge_two_rule(p):
    """The two-outcome grouping rule of eq-grouping-rule, numerically."""
    w = p[0] + p[1]
    merged = torch.cat([w.reshape(1), p[2:]])
    inner = entropy(torch.stack([p[0], p[1]]) / w) if w > 0 else 0.0
    assert entropy(p).item() == pytest.approx((entropy(merged) + w * inner).item(), abs=1e-10)


def test_gradient_matches_formula():
    p = random_distributions(4, 6, seed=4) + 0.05  # interior points: entropy is smooth there
    p = (p / p.sum(-1, keepdim=True)).requires_grad_(True)
    (grad,) = torch.autograd.grad(entropy(p).sum(), p)
    assert torch.allclose(grad, -(torch.log(p) + 1).detach(), atol=1e-12)
    assert torch.autograd.gradcheck(lambda q: entropy(q / q.sum(-1, keepdim=True)), (p.detach().requires_grad_(),))


# --------------------------------------------------------------------------- entropy: bad input


@pytest.mark.parametrize("p,error,message", [
    ([0.5, 0.6], ValueError, r"^entropy: p must sum to 1 along dim -1 \(got 1\.1\)$"),
    ([[0.5, 0.5], [0.2, 0.2]], ValueError, r"sum to 1 along dim -1 \(got 0\.4\)"),
    ([0.5, -0.1, 0.6], ValueError, r"^entropy: p must be non-negative \(got -0\.1\)$"),
    ([0.5, float("nan"), 0.5], ValueError, r"^entropy: p must not contain NaN$"),
    ([float("inf"), 0.5], ValueError, r"must be finite"),
    ([], ValueError, r"^entropy: p must not be empty along dim -1 \(got shape \(0,\)\)$"),
    (0.5, ValueError, r"at least one dimension"),
    ("0.5", TypeError, r"^entropy: p must be a real array-like of numbers \(got str\)$"),
    (None, TypeError, r"got NoneType"),
    ([[0.5, 0.5], [1.0]], TypeError, r"real array-like"),
    (np.array([0.5 + 1j, 0.5]), TypeError, r"must be real"),
])
def test_rejects_invalid_p(p, error, message):
    with pytest.raises(error, match=message):
        entropy(p)


def test_never_renormalises():
    with pytest.raises(ValueError, match="got 2"):
        entropy([1.0, 1.0])


def test_accepts_rounding_error_only():
    entropy([1 / 3, 1 / 3, 1 / 3])
    entropy(torch.softmax(torch.randn(1000, generator=torch.Generator().manual_seed(0)), 0).float())
    with pytest.raises(ValueError, match="sum to 1"):
        entropy([0.5, 0.5 + 1e-6])


@pytest.mark.parametrize("base,error", [(1, ValueError), (0, ValueError), (-2, ValueError),
                                        (float("inf"), ValueError), ("2", TypeError), (True, TypeError)])
def test_rejects_invalid_base(base, error):
    with pytest.raises(error, match="entropy: base must be"):
        entropy([0.5, 0.5], base=base)


@pytest.mark.parametrize("dim,error", [(1, ValueError), (-2, ValueError), (0.5, TypeError)])
def test_rejects_invalid_dim(dim, error):
    with pytest.raises(error, match="entropy: (dim must|dim must be an integer)"):
        entropy([0.5, 0.5], dim=dim)


# --------------------------------------------------------------------------- binary entropy


@given(st.floats(0.0, 1.0))
def test_binary_entropy_is_entropy_of_a_coin(q):
    assert binary_entropy(q).item() == pytest.approx(entropy([q, 1 - q]).item(), abs=1e-12)


def test_binary_entropy_values_and_slope():
    assert binary_entropy([0.0, 1.0]).tolist() == [0.0, 0.0]
    assert binary_entropy(0.5, base=2).item() == pytest.approx(1.0, abs=1e-15)
    q = torch.linspace(0.01, 0.99, 99, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(binary_entropy(q).sum(), q)
    assert torch.allclose(slope, torch.log((1 - q) / q).detach(), atol=1e-12)


@pytest.mark.parametrize("q,message", [(1.5, r"q must lie in \[0, 1\] \(got 1\.5\)"), (-0.1, "got -0.1"),
                                       (float("nan"), "NaN")])
def test_binary_entropy_rejects_invalid_q(q, message):
    with pytest.raises(ValueError, match=f"binary_entropy: .*{message}"):
        binary_entropy(q)


# --------------------------------------------------------------------------- counting


@given(st.lists(st.integers(0, 30), min_size=1, max_size=5))
def test_log_multinomial_matches_exact_counts(counts):
    exact = math.factorial(sum(counts))
    for c in counts:
        exact //= math.factorial(c)
    assert log_multinomial(counts).item() == pytest.approx(math.log(exact), abs=1e-9)


def test_log_multinomial_rejects_bad_counts():
    with pytest.raises(ValueError, match="whole numbers"):
        log_multinomial([1.5, 2])
    with pytest.raises(ValueError, match="non-negative"):
        log_multinomial([-1, 2])


def test_counting_rate_approaches_entropy():
    n = torch.tensor([10.0, 1e3, 1e5, 1e7], dtype=torch.float64)
    gap = binary_entropy(0.3) - counting_rate(0.3, n)
    assert (gap > 0).all() and (gap[1:] < gap[:-1]).all()
    assert gap[-1] < 1e-5
    with pytest.raises(ValueError, match="positive whole numbers"):
        counting_rate(0.3, [0.5])


@pytest.mark.parametrize("s,t", [(2, 3), (3, 2), (5, 7), (10, 10), (2, 1024)])
def test_sandwich_exponent_by_brute_force(s, t):
    for n in range(1, 30):
        m = sandwich_exponent(s, t, n)
        assert s**m <= t**n < s ** (m + 1)


def test_sandwich_exponent_rejects_bad_input():
    with pytest.raises(ValueError, match="s must be an integer >= 2"):
        sandwich_exponent(1, 3, 2)
    with pytest.raises(TypeError, match="n must be an integer"):
        sandwich_exponent(2, 3, 2.0)


# --------------------------------------------------------------------------- compression and differential entropy


def test_compression_rate():
    assert compression_rate([0, 1] * 50_000) < 0.02  # periodic: almost free
    generator = torch.Generator().manual_seed(0)
    fair = (torch.rand(2**15, generator=generator) < 0.5).double()
    assert 1.0 <= compression_rate(fair) < 1.1  # incompressible: at least 1 bit per symbol
    for bad, message in [([0, 2], "only 0 and 1"), ([[0, 1]], "1-D"), ([], "empty")]:
        with pytest.raises(ValueError, match=f"compression_rate: .*{message}"):
            compression_rate(bad)
    with pytest.raises(ValueError, match="codec must be one of"):
        compression_rate([0, 1], codec="gzip")


def test_gaussian_differential_entropy_matches_scipy():
    variances = torch.tensor([1e-3, 0.05, 1.0, 40.0], dtype=torch.float64)
    expected = scipy.stats.norm(scale=np.sqrt(variances.numpy())).entropy()
    assert torch.allclose(gaussian_differential_entropy(variances), torch.as_tensor(expected), atol=1e-12)
    assert gaussian_differential_entropy(1e-3).item() < 0  # differential entropy can be negative
    with pytest.raises(ValueError, match="variance must be positive"):
        gaussian_differential_entropy([1.0, 0.0])


# --------------------------------------------------------------------------- relative entropy and cross-entropy


def test_kl_and_cross_entropy_match_scipy_to_1e12():
    p = random_distributions(300, 9, seed=5)
    q = random_distributions(300, 9, seed=6)
    p[::5, :2] = 0.0
    p = p / p.sum(-1, keepdim=True)
    expected = torch.as_tensor(scipy.special.rel_entr(p.numpy(), q.numpy()).sum(-1))
    assert torch.allclose(kl_divergence(p, q), expected, atol=1e-12, rtol=0)
    assert torch.allclose(cross_entropy(p, q), entropy(p) + kl_divergence(p, q), atol=1e-12, rtol=0)
    assert torch.allclose(kl_divergence(p, q, base=2), expected / math.log(2), atol=1e-12, rtol=0)


def test_kl_support_and_broadcasting():
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]).item() == math.inf
    assert cross_entropy([0.5, 0.5], [1.0, 0.0]).item() == math.inf
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]).item() == pytest.approx(math.log(2))
    p = random_distributions(4, 3, seed=7)
    assert kl_divergence(p, p).abs().max().item() < 1e-15
    assert kl_divergence(p, [1 / 3] * 3).shape == (4,)


@pytest.mark.parametrize("p,q,message", [
    ([0.5, 0.5], [0.2, 0.3, 0.5], "same number of outcomes along dim -1 \\(got 2 and 3\\)"),
    ([0.5, 0.5], [0.5, 0.6], "q must sum to 1"),
    ([0.5, -0.5, 1.0], [0.2, 0.3, 0.5], "p must be non-negative"),
    ([[0.5, 0.5]] * 3, [[0.5, 0.5]] * 2, "broadcastable shapes"),
])
def test_kl_rejects_invalid_input(p, q, message):
    with pytest.raises(ValueError, match=f"kl_divergence: .*{message}"):
        kl_divergence(p, q)
