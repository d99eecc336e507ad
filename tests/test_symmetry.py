"""The symmetry package: properties of linear learning, groups and kernels, and its argument checks.

The results the book displays are tested as claims (``test_all_claims.py``);
these tests cover the functions themselves on data the claims do not use,
and the exact messages of their errors.
"""

import math
from functools import partial

import pytest
import sympy as sp
import torch

from mltheory.symmetry import (
    circle_points,
    cyclic_group,
    dihedral_group,
    gradient_field_at_zero,
    gradient_flow,
    homogeneous_basis,
    invariance_error,
    isotypic_decomposition,
    kernel_matrix,
    min_norm_interpolant,
    monomial_features,
    orbit,
    rotation_generator,
    rotation_group_samples,
    sl2_triple,
)
from mltheory.symmetry.representations import x as sx
from mltheory.symmetry.representations import y as sy
from mltheory.symmetry.spherical import harmonic_basis


def _points(m: int, seed: int, scale: float = 1.0) -> torch.Tensor:
    return scale * torch.randn(m, 2, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


# --- linear learning -------------------------------------------------------------------------

@pytest.mark.parametrize("d", [0, 1, 4, 7])
def test_binomial_features_give_the_dot_product_kernel_and_plain_ones_do_not(d):
    a, b = _points(5, 1), _points(6, 2)
    binomial = kernel_matrix(partial(monomial_features, d=d), a, b)
    torch.testing.assert_close(binomial, (a @ b.T) ** d, rtol=1e-12, atol=1e-12)
    if d >= 2:
        plain = kernel_matrix(partial(monomial_features, d=d, weighting="plain"), a, b)
        assert not torch.allclose(plain, (a @ b.T) ** d)


def test_features_keep_batch_dimensions_dtype_and_device():
    x = torch.zeros(3, 4, 2, dtype=torch.float32)
    phi = monomial_features(x, 5)
    assert phi.shape == (3, 4, 6) and phi.dtype == torch.float32 and phi.device == x.device


def test_gradient_flow_converges_to_the_min_norm_interpolant_in_the_row_space():
    features = partial(monomial_features, d=5)
    angles = torch.tensor([0.3, 1.4, 2.6, 4.0], dtype=torch.float64)
    X, y = torch.stack([angles.cos(), angles.sin()], -1), torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64)
    f_hat = min_norm_interpolant(features, X, y)
    torch.testing.assert_close(f_hat(X), y, rtol=1e-10, atol=1e-10)
    phi = features(X)
    low, high = torch.linalg.eigvalsh(phi @ phi.T)[[0, -1]].tolist()
    dt = len(y) / (low + high)  # the error along eigenvalue λ of K shrinks by |1 - 2 dt λ / n| per step
    steps = math.ceil(math.log(1e-13) / math.log((high - low) / (high + low)))
    path = gradient_flow(features, X, y, dt=dt, steps=steps)
    torch.testing.assert_close(path[-1], f_hat.weights, rtol=1e-9, atol=1e-9)
    # every iterate lies in the row space: its component in the null space of Φ is zero
    projector = torch.linalg.pinv(phi) @ phi
    torch.testing.assert_close(path @ projector.T, path, rtol=0, atol=1e-10)


def test_the_gradient_field_is_the_first_velocity_of_gradient_flow():
    features = partial(monomial_features, d=3)
    X, y, probe = _points(3, 4), torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64), _points(7, 5)
    dt = 1e-3
    w1 = gradient_flow(features, X, y, dt=dt, steps=1)[1]
    torch.testing.assert_close(features(probe) @ w1 / dt, gradient_field_at_zero(features, X, y, probe))


def test_several_datasets_are_fitted_at_once():
    features = partial(monomial_features, d=4)
    X = torch.stack([_points(3, s) for s in range(4)])
    y = torch.randn(4, 3, generator=torch.Generator().manual_seed(9), dtype=torch.float64)
    batched = min_norm_interpolant(features, X, y).weights
    for i in range(4):
        torch.testing.assert_close(batched[i], min_norm_interpolant(features, X[i], y[i]).weights)


def test_an_impossible_fit_is_refused():
    # for odd degree φ(-x) = -φ(x): no polynomial of V_3 takes the value 1 at both x and -x
    with pytest.raises(ValueError, match=r"^min_norm_interpolant: no weights fit the data exactly"):
        min_norm_interpolant(partial(monomial_features, d=3), [[1.0, 0.5], [-1.0, -0.5]], [1.0, 1.0])


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: monomial_features([[1.0, 2.0, 3.0]], 2), ValueError,
     r"^monomial_features: x must have shape \(\.\.\., 2\) \(got \(1, 3\)\)$"),
    (lambda: monomial_features([[1.0, 2.0]], -1), ValueError, r"^monomial_features: d must be"),
    (lambda: monomial_features([[1.0, 2.0]], 2.5), TypeError, r"^monomial_features: d must be an integer"),
    (lambda: monomial_features([[1.0, 2.0]], 2, weighting="hermite"), ValueError,
     r"^monomial_features: weighting must be one of \('binomial', 'plain'\) \(got 'hermite'\)$"),
    (lambda: monomial_features([[math.nan, 2.0]], 2), ValueError, r"^monomial_features: x must"),
    (lambda: min_norm_interpolant(partial(monomial_features, d=2), [[1.0, 0.0]], [1.0, 2.0]), ValueError,
     r"^min_norm_interpolant: y must have shape \(\.\.\., n\) with n = 1 from another argument"),
    (lambda: min_norm_interpolant("monomials", [[1.0, 0.0]], [1.0]), TypeError,
     r"^min_norm_interpolant: features must be callable \(got str\)$"),
    (lambda: min_norm_interpolant(lambda p: p.sum(-1), [[1.0, 0.0]], [1.0]), ValueError,
     r"^min_norm_interpolant: features must map X of shape \(\.\.\., m, D\) to shape \(\.\.\., m, p\)"),
    (lambda: gradient_flow(partial(monomial_features, d=1), [[1.0, 0.0]], [1.0], dt=0.0, steps=3), ValueError,
     r"^gradient_flow: dt must be positive and finite \(got 0\.0\)$"),
    (lambda: gradient_flow(partial(monomial_features, d=1), [[1.0, 0.0]], [1.0], dt=0.1, steps=-1), ValueError,
     r"^gradient_flow: steps must be"),
    (lambda: gradient_field_at_zero(partial(monomial_features, d=1), [[1.0, 0.0]], [1.0], [[1.0, 0.0, 0.0]]),
     ValueError, r"^gradient_field_at_zero: points must have shape \(\.\.\., m, D\) with D = 2"),
])
def test_linear_learning_rejects_invalid_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- groups ----------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_dihedral_groups_are_closed_orthogonal_and_have_order_2n(n):
    group = dihedral_group(n)
    assert group.shape == (2 * n, 2, 2)
    torch.testing.assert_close(group @ group.transpose(-1, -2), torch.eye(2, dtype=group.dtype).expand(2 * n, 2, 2))
    products = (group[:, None] @ group[None, :]).reshape(-1, 4)
    distance = (products[:, None] - group.reshape(1, -1, 4)).abs().amax(dim=-1)
    assert bool((distance.min(dim=1).values < 1e-12).all()), "a product fell outside the group"
    generic = torch.tensor([[0.9, 0.2]], dtype=torch.float64)
    assert orbit(generic, group).shape == (2 * n, 2)
    assert orbit(circle_points(1), group).shape == (n, 2)  # (1, 0) lies on a mirror


def test_haar_rotations_are_rotations_and_reproducible():
    q = rotation_group_samples(50, dim=4, seed=3)
    torch.testing.assert_close(q @ q.transpose(-1, -2), torch.eye(4, dtype=q.dtype).expand(50, 4, 4))
    torch.testing.assert_close(torch.det(q), torch.ones(50, dtype=q.dtype))
    assert torch.equal(q, rotation_group_samples(50, dim=4, seed=3))
    assert not torch.equal(q, rotation_group_samples(50, dim=4, seed=4))


def test_invariance_error_of_functions_and_batches():
    points = _points(10, 6)
    radial = lambda p: (p**2).sum(-1) ** 3  # noqa: E731
    assert float(invariance_error(radial, rotation_group_samples(20, seed=0), points)) < 1e-13
    harmonic = lambda p: p[:, 0] ** 3 - 3 * p[:, 0] * p[:, 1] ** 2  # noqa: E731  r^3 cos 3θ
    assert float(invariance_error(harmonic, dihedral_group(3), points)) < 1e-13
    assert float(invariance_error(harmonic, dihedral_group(4), points)) > 0.1
    batch = lambda p: torch.stack([radial(p), p[:, 0]])  # noqa: E731
    errors = invariance_error(batch, cyclic_group(5), points)
    assert errors.shape == (2,) and errors[0] < 1e-13 < errors[1]


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: dihedral_group(0), ValueError, r"^dihedral_group: n must be"),
    (lambda: dihedral_group(2.0), TypeError, r"^dihedral_group: n must be an integer"),
    (lambda: rotation_group_samples(3, dim=1, seed=0), ValueError, r"^rotation_group_samples: dim must be"),
    (lambda: orbit([[1.0, 0.0, 0.0]], dihedral_group(3)), ValueError,
     r"^orbit: points must have shape \(m, D\) with D = 2 from another argument \(got \(1, 3\)\)$"),
    (lambda: invariance_error(3.0, dihedral_group(3), [[1.0, 0.0]]), TypeError,
     r"^invariance_error: f must be callable \(got float\)$"),
    (lambda: invariance_error(lambda p: p, dihedral_group(3), [[1.0, 0.0]]), ValueError,
     r"^invariance_error: f must map points of shape \(N, D\) to values of shape"),
    (lambda: invariance_error(lambda p: p[:, 1], dihedral_group(1), [[1.0, 0.0]]), ValueError,
     r"^invariance_error: f vanishes on every point"),
    (lambda: invariance_error(lambda p: p[:, 0], torch.eye(2)[None], [[1.0, 0.0]][:0]), ValueError,
     r"^invariance_error: "),
])
def test_groups_reject_invalid_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- representations (exact) -----------------------------------------------------------------

@pytest.mark.parametrize("d", [0, 1, 2, 6])
def test_the_generators_act_on_the_coefficients_of_polynomials(d):
    """``M @ coefficients(p)`` must be the coefficients of the differentiated polynomial."""
    basis = homogeneous_basis(d)
    p = sum((k + 1) * b for k, b in enumerate(basis))
    c = sp.Matrix([k + 1 for k in range(d + 1)])
    L = rotation_generator(d)
    e, f, h = sl2_triple(d)
    for matrix, operator in [
        (L, sx * sp.diff(p, sy) - sy * sp.diff(p, sx)),
        (e, sx * sp.diff(p, sy)),
        (f, sy * sp.diff(p, sx)),
        (h, sx * sp.diff(p, sx) - sy * sp.diff(p, sy)),
    ]:
        assert sp.expand((basis.T * (matrix * c))[0] - operator) == 0


def test_isotypic_components_span_v_d():
    for d in (4, 7):
        parts = isotypic_decomposition(d)
        assert sum(len(v) for v in parts.values()) == d + 1
        assert sorted(parts) == [k for k in range(d + 1) if (d - k) % 2 == 0]


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: homogeneous_basis(-1), ValueError, r"^homogeneous_basis: d must be"),
    (lambda: rotation_generator(1.5), TypeError, r"^rotation_generator: d must be an integer"),
    (lambda: sl2_triple("3"), TypeError, r"^sl2_triple: d must be an integer"),
    (lambda: isotypic_decomposition(-2), ValueError, r"^isotypic_decomposition: d must be"),
    (lambda: harmonic_basis(-1), ValueError, r"^harmonic_basis: l must be"),
    (lambda: harmonic_basis(2.0), TypeError, r"^harmonic_basis: l must be an integer"),
])
def test_representations_reject_invalid_degrees(call, error, message):
    with pytest.raises(error, match=message):
        call()
