"""The Information part's API: agreement with independent computations, batching, gradients and bad input."""

import math

import numpy as np
import pytest
import scipy.constants
import scipy.special
import scipy.stats
import torch

from mltheory.data import random_distributions
from mltheory.information import (
    conditional_entropy,
    conditional_mutual_information,
    entropy,
    fisher_information,
    fisher_rao_distance,
    jeffreys_prior,
    joint_entropy,
    kl_divergence,
    kl_gaussian,
    landauer_limit,
    maxent_distribution,
    mutual_information,
    neighbour_probabilities,
    perplexity,
    reversible_add,
    reversible_add_inverse,
    tsne,
    tsne_joint_probabilities,
)
from mltheory.validation import check_positive, check_probability_table

# --------------------------------------------------------------------------- joint tables


def random_tables(batch: int, nx: int, ny: int, seed: int) -> torch.Tensor:
    """Joint tables p[x, y] with some exact zeros, drawn with a seed."""
    p = random_distributions(batch, nx * ny, seed=seed)
    p[::4, :3] = 0.0
    return (p / p.sum(-1, keepdim=True)).reshape(batch, nx, ny)


def scipy_conditional_entropy(p_xy: np.ndarray) -> np.ndarray:
    """H(X|Y) = sum_y p(y) H(p(x|y)) with scipy.stats.entropy over columns with p(y) > 0."""
    p_y = p_xy.sum(-2)
    columns = np.divide(p_xy, p_y[..., None, :], out=np.zeros_like(p_xy), where=p_y[..., None, :] > 0)
    return (p_y * scipy.stats.entropy(columns, axis=-2)).sum(-1)


def scipy_mutual_information(p_xy: np.ndarray) -> np.ndarray:
    """I(X;Y) = sum rel_entr(p(x, y), p(x) p(y)), the relative-entropy form."""
    product = p_xy.sum(-1)[..., :, None] * p_xy.sum(-2)[..., None, :]
    return scipy.special.rel_entr(p_xy, product).sum((-2, -1))


def test_mutual_information_and_conditional_entropy_match_scipy_to_1e12():
    p = random_tables(400, 5, 7, seed=11)
    assert torch.allclose(mutual_information(p), torch.as_tensor(scipy_mutual_information(p.numpy())),
                          atol=1e-12, rtol=0)
    assert torch.allclose(conditional_entropy(p), torch.as_tensor(scipy_conditional_entropy(p.numpy())),
                          atol=1e-12, rtol=0)
    flat = p.reshape(400, -1).numpy()
    assert torch.allclose(joint_entropy(p), torch.as_tensor(scipy.stats.entropy(flat, axis=-1)), atol=1e-12, rtol=0)
    assert torch.allclose(mutual_information(p, base=2), mutual_information(p) / math.log(2), atol=1e-12, rtol=0)


def test_kl_divergence_matches_scipy_entropy_on_random_batches():
    p = random_distributions(500, 12, seed=12)
    q = random_distributions(500, 12, seed=13)
    p[::3, :4] = 0.0
    p = p / p.sum(-1, keepdim=True)
    expected = scipy.stats.entropy(p.numpy(), q.numpy(), axis=-1)
    assert torch.allclose(kl_divergence(p, q), torch.as_tensor(expected), atol=1e-12, rtol=0)


def test_entropy_identities_hold_per_table():
    p = random_tables(50, 4, 6, seed=14)
    h_x, h_y = entropy(p.sum(-1)), entropy(p.sum(-2))
    assert torch.allclose(conditional_entropy(p), joint_entropy(p) - h_y, atol=1e-13, rtol=0)
    assert torch.allclose(mutual_information(p), h_x - conditional_entropy(p), atol=1e-13, rtol=0)
    assert torch.allclose(mutual_information(p), mutual_information(p.transpose(-2, -1)), atol=1e-13, rtol=0)
    assert (mutual_information(p) >= -1e-15).all()
    independent = p.sum(-1)[..., :, None] * p.sum(-2)[..., None, :]
    assert mutual_information(independent).abs().max().item() < 1e-13


def test_conditional_mutual_information_is_nonnegative_and_zero_for_markov_chains():
    p_xyz = random_distributions(30, 3 * 4 * 2, seed=15).reshape(30, 3, 4, 2)
    assert (conditional_mutual_information(p_xyz) >= -1e-14).all()
    p_x, channel = random_distributions(1, 3, seed=16)[0], random_distributions(3, 4, seed=17)
    p_z_given_y = random_distributions(4, 2, seed=18)
    chain = p_x[:, None, None] * channel[:, :, None] * p_z_given_y[None]  # X -> Y -> Z
    assert conditional_mutual_information(chain).abs().item() < 1e-14  # I(X;Z|Y) = 0


def test_mutual_information_is_differentiable():
    logits = torch.randn(3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0), requires_grad=True)
    p = torch.softmax(logits.flatten(), 0).reshape(3, 4)
    mutual_information(p).backward()
    assert torch.isfinite(logits.grad).all()


@pytest.mark.parametrize("func", [mutual_information, conditional_entropy, joint_entropy])
@pytest.mark.parametrize("p,message", [
    ([0.5, 0.5], "p(_xy)? must have at least 2 dimensions, one per variable \\(got shape \\(2,\\)\\)"),
    (np.zeros((2, 0)), "must not be empty"),
    ([[0.5, -0.1], [0.3, 0.3]], "must be non-negative"),
    ([[0.5, 0.2], [0.2, 0.2]], "must sum to 1 over its last 2 dims \\(got 1.1\\)"),
    ([[0.5, float("nan")], [0.25, 0.25]], "must not contain NaN"),
    ([["a", "b"], ["c", "d"]], "must be"),
])
def test_joint_measures_reject_invalid_input(func, p, message):
    with pytest.raises((ValueError, TypeError), match=f"{func.__name__}: .*{message}"):
        func(p)


def test_kl_divergence_rejects_nan():
    with pytest.raises(ValueError, match="kl_divergence: p must not contain NaN"):
        kl_divergence([0.5, float("nan")], [0.5, 0.5])


def test_check_probability_table_and_check_positive():
    table = check_probability_table(random_tables(2, 3, 3, seed=19), name="p", func="demo", ndim=2)
    assert table.shape == (2, 3, 3)
    with pytest.raises(ValueError, match="demo: p must sum to 1 over its last 2 dims"):
        check_probability_table(torch.full((2, 2), 0.3), name="p", func="demo", ndim=2)
    with pytest.raises(ValueError, match="demo: s must be positive \\(got -1\\)"):
        check_positive(torch.tensor([1.0, -1.0]), name="s", func="demo")
    with pytest.raises(ValueError, match="demo: s must be finite"):
        check_positive(torch.tensor([1.0, math.inf]), name="s", func="demo")


# --------------------------------------------------------------------------- Gaussians and the Fisher metric


def test_kl_gaussian_matches_quadrature_and_batches():
    mean_p, std_p, mean_q, std_q = 0.3, 0.7, -1.1, 1.9
    x = np.linspace(-12, 12, 200_001)
    log_p = scipy.stats.norm.logpdf(x, mean_p, std_p)
    log_q = scipy.stats.norm.logpdf(x, mean_q, std_q)
    numeric = np.trapezoid(np.exp(log_p) * (log_p - log_q), x)
    assert kl_gaussian(mean_p, std_p, mean_q, std_q).item() == pytest.approx(numeric, abs=1e-9)
    batch = kl_gaussian(torch.zeros(5), torch.ones(5), torch.linspace(0, 1, 5), torch.ones(5))
    assert batch.dtype == torch.float32  # the dtype of the input is kept
    assert torch.allclose(batch, torch.linspace(0, 1, 5) ** 2 / 2)
    with pytest.raises(ValueError, match="kl_gaussian: std_q must be positive"):
        kl_gaussian(0.0, 1.0, 0.0, 0.0)


def coin(theta, x):
    return x * torch.log(theta[0]) + (1 - x) * torch.log(1 - theta[0])


def test_fisher_information_exact_and_monte_carlo():
    p = 0.3
    exact = fisher_information(coin, [p], support=torch.tensor([0.0, 1.0], dtype=torch.float64))
    assert exact.matrix.item() == pytest.approx(1 / (p * (1 - p)), rel=1e-12)

    def normal(theta, x):
        return -0.5 * ((x - theta[0]) / theta[1]) ** 2 - torch.log(theta[1])

    def draw(theta, n, generator):
        return theta[0] + theta[1] * torch.randn(n, generator=generator, dtype=theta.dtype)

    sigma = 1.5
    estimate = fisher_information(normal, [0.2, sigma], sample=draw, n_samples=50_000, seed=3)
    expected = torch.diag(torch.tensor([1 / sigma**2, 2 / sigma**2], dtype=torch.float64))
    assert ((estimate.matrix - expected).abs() <= 5 * estimate.standard_error + 1e-12).all()


def test_fisher_information_rejects_ambiguous_arguments():
    with pytest.raises(ValueError, match="fisher_information"):
        fisher_information(coin, [0.3])


def test_jeffreys_prior_and_fisher_rao_distance_for_a_coin():
    p = torch.tensor([[0.1], [0.5], [0.8]], dtype=torch.float64)
    density = jeffreys_prior(coin, p, support=torch.tensor([0.0, 1.0]))
    assert torch.allclose(density, 1 / torch.sqrt(p[:, 0] * (1 - p[:, 0])), atol=1e-12)
    a, b = 0.2, 0.7
    distance = fisher_rao_distance([a, 1 - a], [b, 1 - b])
    assert distance.item() == pytest.approx(2 * abs(math.asin(math.sqrt(b)) - math.asin(math.sqrt(a))), abs=1e-12)
    with pytest.raises(ValueError, match="fisher_rao_distance: q must sum to 1"):
        fisher_rao_distance([0.5, 0.5], [0.5, 0.6])


# --------------------------------------------------------------------------- maximum entropy


def test_maxent_matches_boltzmann_closed_form():
    faces = torch.arange(1.0, 7.0, dtype=torch.float64)
    result = maxent_distribution(faces, 4.5)
    assert (result.probabilities @ faces).item() == pytest.approx(4.5, abs=1e-12)
    ratios = result.probabilities[1:] / result.probabilities[:-1]  # Boltzmann: a geometric sequence
    assert torch.allclose(ratios, ratios[0].expand_as(ratios), atol=1e-12)
    with pytest.raises(ValueError, match="maxent_distribution"):
        maxent_distribution(faces, 7.0)  # outside the range of the feature


# --------------------------------------------------------------------------- t-SNE


def test_perplexity_and_calibration():
    assert perplexity([0.25] * 4).item() == pytest.approx(4.0)
    x = torch.randn(80, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    conditional, _ = neighbour_probabilities(x, 12.0)
    assert torch.allclose(perplexity(conditional), torch.full((80,), 12.0, dtype=torch.float64), rtol=1e-4)
    joint = tsne_joint_probabilities(x, 12.0)
    assert torch.allclose(joint, joint.T) and joint.sum().item() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="perplexity"):
        neighbour_probabilities(x, 100.0)  # more neighbours than points


def test_tsne_is_seeded_and_validates():
    x = torch.randn(40, 4, generator=torch.Generator().manual_seed(2))
    first = tsne(x, perplexity=8, n_iter=260, seed=5).embedding
    assert torch.equal(first, tsne(x, perplexity=8, n_iter=260, seed=5).embedding)
    with pytest.raises(ValueError, match="tsne: x must not contain NaN"):
        tsne(torch.full((10, 3), math.nan), perplexity=3)


# --------------------------------------------------------------------------- limits of computation


def test_landauer_limit_and_reversible_addition():
    assert landauer_limit(1, 300).item() == pytest.approx(scipy.constants.k * 300 * math.log(2), rel=1e-12)
    x, y = torch.arange(0, 256), torch.arange(255, -1, -1)
    kept, total = reversible_add(x, y, bits=8)
    assert torch.equal(reversible_add_inverse(kept, total, bits=8)[1], y)
    with pytest.raises(ValueError, match="landauer_limit: temperature must be positive"):
        landauer_limit(1, -3.0)
