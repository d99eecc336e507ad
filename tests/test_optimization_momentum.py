"""Unit tests of the momentum methods: matrices against the optimisers, rates against closed forms, modules, bad input."""

import math

import pytest
import torch

from mltheory.optimization import (
    convergence_rate,
    gradient_descent,
    heavy_ball,
    momentum_matrix,
    nesterov,
    optimal_momentum,
)

DOUBLE = torch.float64


def _parabolas(curvatures):
    return lambda t: 0.5 * (curvatures * t**2).sum()


@pytest.mark.parametrize("kind, optimiser", [("heavy_ball", heavy_ball), ("nesterov", nesterov)])
def test_optimisers_follow_their_matrix_powers(kind, optimiser):
    curvatures = torch.tensor([0.3, 1.0, 2.5, 4.0], dtype=DOUBLE)
    lr, beta, steps = 0.4, 0.6, 25
    path = optimiser(_parabolas(curvatures), torch.ones(4, dtype=DOUBLE), lr, beta, steps)
    matrices = momentum_matrix(curvatures, lr, beta, kind=kind)  # (4, 2, 2)
    state = torch.stack([torch.ones(4, dtype=DOUBLE), torch.zeros(4, dtype=DOUBLE)], -1)[..., None]
    expected = (torch.linalg.matrix_power(matrices, steps) @ state)[:, 0, 0]
    assert torch.allclose(path[-1], expected, atol=1e-13)


def test_nesterov_takes_the_gradient_at_the_look_ahead_point():
    # with a constant gradient the look-ahead point does not matter: Nesterov equals heavy ball
    loss = lambda t: (torch.tensor([1.0, -2.0], dtype=DOUBLE) * t).sum()  # noqa: E731
    assert torch.allclose(nesterov(loss, [0.0, 0.0], 0.1, 0.9, 10), heavy_ball(loss, [0.0, 0.0], 0.1, 0.9, 10))
    # on a curved loss they differ from the second step on
    curved = _parabolas(torch.tensor([2.0], dtype=DOUBLE))
    a, b = nesterov(curved, [1.0], 0.1, 0.9, 2), heavy_ball(curved, [1.0], 0.1, 0.9, 2)
    assert a[1] == b[1] and a[2] != b[2]


@pytest.mark.parametrize("optimiser, extra", [(gradient_descent, ()), (heavy_ball, (0.8,)), (nesterov, (0.8,))])
def test_optimisers_move_module_parameters_like_the_flat_vector(optimiser, extra):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(32, 3, generator=g, dtype=DOUBLE)
    y = torch.randn(32, generator=g, dtype=DOUBLE)
    model = torch.nn.Linear(3, 1, dtype=DOUBLE)
    start = torch.cat([model.weight.detach().flatten(), model.bias.detach()]).clone()

    def flat_loss(t):
        return ((x @ t[:3] + t[3] - y) ** 2).mean()

    path = optimiser(lambda m: ((m(x).squeeze(-1) - y) ** 2).mean(), model, 0.05, *extra, 30)
    reference = optimiser(flat_loss, start, 0.05, *extra, 30)
    assert torch.allclose(path, reference, atol=1e-12)
    assert torch.allclose(torch.cat([model.weight.detach().flatten(), model.bias.detach()]), reference[-1])


def test_frozen_parameters_stay_put_and_a_parameterless_module_is_refused():
    model = torch.nn.Sequential(torch.nn.Linear(2, 2, dtype=DOUBLE), torch.nn.Linear(2, 1, dtype=DOUBLE))
    model[0].weight.requires_grad_(False)
    frozen = model[0].weight.detach().clone()
    x = torch.ones(4, 2, dtype=DOUBLE)
    path = nesterov(lambda m: m(x).pow(2).mean(), model, 0.1, 0.5, 5)
    assert path.shape == (6, 2 + 2 + 1)  # first bias, second weight and bias
    assert torch.equal(model[0].weight, frozen)
    with pytest.raises(ValueError, match="nesterov: theta must have trainable parameters"):
        nesterov(lambda m: torch.tensor(0.0), torch.nn.ReLU(), 0.1, 0.5, 5)


def test_convergence_rate_closed_forms():
    h = torch.linspace(0.05, 1.95, 39, dtype=DOUBLE)
    assert torch.allclose(convergence_rate(h, 1.0, 0.0), (1 - h).abs(), atol=1e-12)  # gradient descent
    beta = torch.tensor(0.8, dtype=DOUBLE)
    under = h[(1 + beta - h) ** 2 < 4 * beta]  # complex roots
    assert torch.allclose(convergence_rate(under, 1.0, beta), beta.sqrt().expand_as(under), atol=1e-12)
    # the Jury region: stable just inside the threshold 2 + 2β, unstable just outside
    for b in (0.0, 0.3, 0.9):
        assert convergence_rate(2 + 2 * b - 1e-6, 1.0, b) < 1 < convergence_rate(2 + 2 * b + 1e-6, 1.0, b)


@pytest.mark.parametrize("kappa", [4.0, 100.0, 1e4])
def test_optimal_momentum_gives_one_rate_across_the_spectrum(kappa):
    lr, beta = optimal_momentum(2.0, 2.0 * kappa)
    rate = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    curvatures = torch.linspace(2.0, 2.0 * kappa, 101, dtype=DOUBLE)
    # the defective ends carry an O(sqrt(machine epsilon)) error in the computed eigenvalues
    assert torch.allclose(convergence_rate(curvatures, lr, beta), torch.full_like(curvatures, rate), atol=1e-7)
    lr, beta = optimal_momentum(2.0, 2.0 * kappa, kind="nesterov")
    assert convergence_rate(curvatures, lr, beta, kind="nesterov").max() == pytest.approx(1 - 1 / math.sqrt(kappa),
                                                                                           abs=1e-7)


def test_momentum_matrix_broadcasts():
    m = momentum_matrix(torch.ones(3, 1), torch.full((1, 4), 0.1), 0.5)
    assert m.shape == (3, 4, 2, 2)


def test_bad_input_names_function_argument_and_value():
    with pytest.raises(ValueError, match="optimal_momentum: lambda_max must be at least lambda_min"):
        optimal_momentum(2.0, 1.0)
    with pytest.raises(ValueError, match="momentum_matrix: kind must be one of heavy_ball, nesterov"):
        momentum_matrix(1.0, 0.1, 0.5, kind="adam")
    with pytest.raises(ValueError, match="momentum_matrix: the shapes of curvature, lr, momentum must broadcast"):
        momentum_matrix([1.0, 2.0], [0.1, 0.2, 0.3], 0.5)
    with pytest.raises(ValueError, match=r"nesterov: momentum must be a finite number in \[0, 1\)"):
        nesterov(_parabolas(torch.ones(1)), [1.0], 0.1, 1.0, 3)


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
def test_tuned_runs_follow_the_closed_form_errors(kappa):
    from mltheory.optimization.claims.momentum import predicted_errors, tuned_runs

    steps = 80
    predicted = predicted_errors(kappa, torch.arange(steps + 1, dtype=DOUBLE))
    for name, path in tuned_runs(kappa, steps).items():
        assert torch.allclose(path.abs().amax(-1), predicted[name], rtol=1e-10, atol=0), name
