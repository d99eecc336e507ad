"""Unit tests of the bounds: Cover's count, the kl inverse, the PAC-Bayes and VC bounds, and the certificate."""

import math
from fractions import Fraction

import pytest
import torch

from mltheory.generalization import cover_count, dziugaite_roy_bound, kl_inverse, pac_bayes_bound, vc_bound


def test_cover_count_recursion_shattering_and_half():
    for P in range(1, 12):
        for N in range(2, 12):
            assert cover_count(P + 1, N) == cover_count(P, N) + cover_count(P, N - 1)
        assert cover_count(P + 1, 1) == 2
    assert all(cover_count(P, N) == 2**P for N in range(1, 10) for P in range(1, N + 1))
    assert all(Fraction(cover_count(2 * N, N), 2 ** (2 * N)) == Fraction(1, 2) for N in range(1, 60))


def _kl(q, p):
    return sum(a * math.log(a / b) for a, b in ((q, p), (1 - q, 1 - p)) if a > 0)


@pytest.mark.parametrize("q, c", [(0.0, 0.1), (0.05, 0.02), (0.3, 0.5), (0.9, 0.01), (1.0, 0.3)])
def test_kl_inverse_matches_a_brute_force_search(q, c):
    grid = [j / 100_000 for j in range(100_000)]
    brute = max([p for p in grid if p >= q and _kl(q, p) <= c], default=q)
    value = kl_inverse(q, c).item()
    assert brute <= value <= brute + 1e-5 or (q == 1.0 and value == 1.0)


def test_kl_inverse_is_monotone_and_above_q():
    q = torch.linspace(0, 1, 41, dtype=torch.float64)
    c = torch.logspace(-3, 1, 30, dtype=torch.float64)
    values = kl_inverse(q[:, None], c[None, :])
    assert (values >= q[:, None]).all() and (values <= 1).all()
    assert (values.diff(dim=0) >= 0).all() and (values.diff(dim=1) >= 0).all()
    assert kl_inverse(0.0, 0.1).item() == pytest.approx(1 - math.exp(-0.1), abs=1e-12)


def test_pac_bayes_bounds_and_the_vc_bound():
    n, delta = 1000, 0.05
    budget = (20.0 + math.log(2 * math.sqrt(n) / delta)) / n
    assert pac_bayes_bound(0.05, 20.0, n, delta, kind="mcallester").item() == pytest.approx(0.05 + math.sqrt(budget / 2))
    assert pac_bayes_bound(0.05, 20.0, n, delta).item() == pytest.approx(kl_inverse(0.05, budget).item())
    assert (pac_bayes_bound([0.0, 0.2], [5.0, 50.0], n, delta) <= pac_bayes_bound([0.0, 0.2], [5.0, 50.0], n, delta,
                                                                                 kind="mcallester")).all()
    assert vc_bound(10, 10**5, delta) == pytest.approx(math.sqrt(8e-5 * (10 * (math.log(2e4) + 1) + math.log(80))))
    assert vc_bound(1000, 100, delta) == pytest.approx(math.sqrt(0.08 * (200 * math.log(2) + math.log(80))))
    assert vc_bound(10, 10**6, delta) < vc_bound(10, 10**5, delta)


@pytest.fixture(scope="module")
def toy():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(300, 3, generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    return x, y


def test_certificate_is_consistent_and_seeded(toy):
    x, y = toy
    result = dziugaite_roy_bound(x, y, hidden=4, steps=40, mc_samples=200, prior_grid=(1e-3, 1.0, 10), seed=1)
    assert 0 <= result.empirical_error <= result.empirical_error_bound <= result.bound <= 1
    assert result.empirical_error_bound == pytest.approx(kl_inverse(result.empirical_error, math.log(200) / 200).item())
    assert result.budget == pytest.approx((result.kl + math.log(2 * math.sqrt(300) / 0.025) + math.log(10)) / 300)
    assert result.bound == pytest.approx(kl_inverse(result.empirical_error_bound, result.budget).item())
    grid = torch.logspace(-3, 0, 10, dtype=torch.float64)
    assert torch.isclose(grid, torch.tensor(result.prior_variance, dtype=torch.float64)).any()
    assert result.history.shape == (40, 3) and result.mean.shape == (4 * 5 + 1,)
    again = dziugaite_roy_bound(x, y, hidden=4, steps=40, mc_samples=200, prior_grid=(1e-3, 1.0, 10), seed=1)
    assert again.bound == result.bound
    errors = result.sample_errors(x[:50], y[:50], repeats=4, seed=2)
    assert errors.shape == (50,) and ((errors * 4) == (errors * 4).round()).all()
    with pytest.raises(ValueError, match="PacBayesCertificate.sample_errors: x must have 3 features"):
        result.sample_errors(x[:, :2], y)


def test_bad_input_names_the_function(toy):
    x, y = toy
    with pytest.raises(ValueError, match="kl_inverse: q must lie in"):
        kl_inverse(1.5, 0.1)
    with pytest.raises(ValueError, match="pac_bayes_bound: delta"):
        pac_bayes_bound(0.1, 1.0, 10, 1.0)
    with pytest.raises(ValueError, match="cover_count: N"):
        cover_count(3, 0)
    with pytest.raises(ValueError, match="dziugaite_roy_bound: y must lie in"):
        dziugaite_roy_bound(x, y + 1, steps=1)
