"""Tests of :mod:`mltheory.kernels`: the analytic NNGP and NTK against finite networks, and their gradients."""

from __future__ import annotations

import math

import pytest
import torch

from mltheory.kernels import Dense, Erf, Relu, empirical_nngp, empirical_ntk_ensemble, serial
from mltheory.kernels.layers import erf_expectations, relu_expectations
from mltheory.runtime import one_thread

#: A few inputs of dimension 3 (with different lengths and angles, one of them obtuse).
X = torch.tensor([[1.0, 0.0, 0.5], [0.3, -1.0, 0.2], [-0.8, 0.4, 1.0], [0.0, 0.6, -0.7]], dtype=torch.float64)
WIDTH, SAMPLES = 1024, 100


def architecture(activation, depth: int, parametrisation: str = "ntk"):
    weight_std = math.sqrt(2) if activation is Relu else 1.5
    hidden = [layer for _ in range(depth) for layer in (Dense(weight_std, 0.2, parametrisation), activation())]
    return serial(*hidden, Dense(weight_std, 0.2, parametrisation))


def monte_carlo(model, samples: int, width: int):
    """Empirical NNGP and NTK of ``samples`` finite networks (seeds 0, 1, ...), each of shape (samples, n, n).

    The NNGP is :func:`~mltheory.kernels.empirical_nngp` (the covariance of the output given the last hidden
    features, unbiased and with less variance than products of outputs); the NTK is
    :func:`~mltheory.kernels.empirical_ntk_ensemble` of the same networks.
    """
    return empirical_nngp(model, X, width, samples).double(), empirical_ntk_ensemble(model, X, width, samples).double()


@pytest.mark.parametrize("activation", [Relu, Erf])
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_analytic_kernels_match_finite_networks(activation, depth):
    """Relative Frobenius error of the mean over 100 networks of width 1024: within 4 standard errors and 0.04.

    The standard error of the mean kernel, in Frobenius norm, is :math:`\\sqrt{\\sum_{ij}\\mathrm{Var}(K_{ij})/S}`,
    estimated from the samples. At depth 1 the expectation of the empirical kernels equals the analytic kernel
    exactly; deeper, it differs by :math:`O(1/n)`, here about a tenth of the standard error.
    """
    check_against_finite_networks(architecture(activation, depth))


@pytest.mark.parametrize("activation", [Relu, Erf])
def test_standard_parametrisation_ntk_grows_with_width_as_predicted(activation):
    """In the standard parametrisation the NTK is of order n: the analytic kernel at width n matches, depth 2."""
    model = architecture(activation, 2, "standard")
    assert float(model.ntk(X, X, width=2 * WIDTH)[0, 0] / model.ntk(X, X, width=WIDTH)[0, 0]) > 1.9
    check_against_finite_networks(model, width=WIDTH)


def check_against_finite_networks(model, width=None):
    """Within 4 standard errors (estimated from the samples) and within 0.04, for both kernels."""
    with one_thread():
        kernels = monte_carlo(model, SAMPLES, WIDTH)
    for samples, exact in zip(kernels, (model.nngp(X, X), model.ntk(X, X, width=width))):
        norm = torch.linalg.matrix_norm(exact)
        error = float(torch.linalg.matrix_norm(samples.mean(0) - exact) / norm)
        standard_error = float((samples.var(0).sum() / SAMPLES).sqrt() / norm)
        assert error <= 4 * standard_error, (error, standard_error)
        assert error <= 0.04


def test_standard_parametrisation_one_hidden_layer_matches_the_exact_expectation():
    """For one hidden layer the expected NTK in the standard parametrisation is exactly n K + 1 + ... (any width)."""
    from mltheory.symmetry.ntk import relu_ntk_expectation

    model = serial(Dense(math.sqrt(2), 0.0, "standard"), Relu(), Dense(math.sqrt(2), 0.0, "standard"))
    torch.testing.assert_close(model.ntk(X, X, width=37), relu_ntk_expectation(X, X, width=37))
    with pytest.raises(ValueError, match=r"^ntk: .*width"):
        model.ntk(X, X)


def test_network_has_the_parametrisation_of_its_layers():
    ntk = serial(Dense(2.0, 0.5), Relu(), Dense()).network(16, seed=3, input_dim=3)
    standard = serial(Dense(2.0, 0.5, "standard"), Relu(), Dense(1.0, 0.0, "standard")).network(16, seed=3, input_dim=3)
    torch.testing.assert_close(ntk(X), standard(X))  # the same random function
    assert float(ntk.steps[0].weight.detach().std()) == pytest.approx(1.0, abs=0.3)
    assert float(standard.steps[0].weight.detach().std()) == pytest.approx(2.0 / math.sqrt(3), abs=0.3)


@pytest.mark.parametrize("activation", [Relu, Erf])
@pytest.mark.parametrize("bias_std", [0.0, 0.3])
def test_zero_and_equal_inputs_give_finite_kernels_and_gradients(activation, bias_std):
    """neural-tangents issues 14, 73, 88: NaN at zero inputs and NaN gradients where x1 = x2."""
    model = serial(Dense(1.3, bias_std), activation(), Dense(1.3, bias_std), activation(), Dense())
    point = torch.tensor([[0.4, -0.2, 0.9]], dtype=torch.float64)
    for x1, x2 in ((torch.zeros(1, 3), point.clone()), (point.clone(), point.clone()), (torch.zeros(1, 3),) * 2,
                   (point.clone(), -point.clone())):
        x1 = x1.double().requires_grad_(True)
        x2 = x2.double().clone().requires_grad_(True)
        for kernel in (model.nngp(x1, x2), model.ntk(x1, x2)):
            assert torch.isfinite(kernel).all()
            g1, g2 = torch.autograd.grad(kernel.sum(), (x1, x2))
            assert torch.isfinite(g1).all() and torch.isfinite(g2).all()


def test_nngp_gradient_at_equal_inputs_is_the_derivative():
    """The ReLU NNGP is C^1 across x1 = x2: autograd there equals the limit of finite differences from either side."""
    model = serial(Dense(math.sqrt(2)), Relu(), Dense())
    x2 = torch.tensor([[0.4, -0.2, 0.9]], dtype=torch.float64)
    x1 = x2.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(model.nngp(x1, x2).sum(), x1)
    step = 1e-6
    for i in range(3):
        shift = torch.zeros_like(x2)
        shift[0, i] = step
        central = (model.nngp(x2 + shift, x2) - model.nngp(x2 - shift, x2)) / (2 * step)
        assert float(central) == pytest.approx(float(gradient[0, i]), abs=1e-6)


def test_expectations_satisfy_price_identity_numerically():
    """The derivative kernel is the derivative of the NNGP kernel in the covariance (Price's theorem)."""
    var1, var2 = torch.tensor(0.7, dtype=torch.float64), torch.tensor(1.3, dtype=torch.float64)
    cov = torch.linspace(-0.9, 0.9, 7, dtype=torch.float64).requires_grad_(True)
    for expectations in (relu_expectations, erf_expectations):
        nngp, derivative = expectations(var1, var2, cov)
        (slope,) = torch.autograd.grad(nngp.sum(), cov)
        torch.testing.assert_close(slope, derivative)


@pytest.mark.parametrize("call, error, message", [
    (lambda: serial(Dense(), "relu"), TypeError, r"^serial: each layer .*got str"),
    (lambda: serial(Dense()).nngp([[1.0, 2.0]], [[1.0]]), ValueError, r"^nngp: "),
    (lambda: serial(Dense()).ntk([[1.0, float("nan")]], [[1.0, 2.0]]), ValueError, r"^ntk: x1"),
    (lambda: serial(Dense()).ntk([[1.0]], [[1.0]], width=0), ValueError, r"^ntk: width"),
    (lambda: serial(Dense()).network(0, 0, input_dim=2), ValueError, r"^network: width"),
    (lambda: serial(Dense()).network(4, -1, input_dim=2), ValueError, r"^network: seed"),
    (lambda: serial(Dense()).network(4, 0, input_dim=2, dtype=torch.int64), TypeError, r"^network: dtype"),
    (lambda: relu_expectations(1.0, 1.0, 2.0), ValueError, r"^relu_expectations: cov"),
])
def test_kernels_reject_invalid_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()
