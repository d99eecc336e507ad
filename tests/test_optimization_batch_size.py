"""Tests of the gradient noise scale: per-example gradients, noise-scale estimates, the S–E fit and the experiment."""

import math

import pytest
import torch

from mltheory.optimization import (
    critical_batch_experiment,
    critical_batch_fit,
    gradient_noise_scale,
    logistic_stream,
    per_example_gradients,
)

DOUBLE = torch.float64


def _logistic_loss(w, xi, yi):
    return torch.nn.functional.binary_cross_entropy_with_logits(xi @ w, yi)


def test_per_example_gradients_match_a_loop_for_a_vector_and_a_module():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(7, 3, generator=g, dtype=DOUBLE), torch.rand(7, generator=g, dtype=DOUBLE)
    w = torch.randn(3, generator=g, dtype=DOUBLE)
    looped = torch.stack([torch.func.grad(_logistic_loss)(w, xi, yi) for xi, yi in zip(x, y)])
    torch.testing.assert_close(per_example_gradients(_logistic_loss, w, x, y), looped, rtol=0, atol=1e-14)

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    loss = lambda out, target: ((out[:, 0] - target) ** 2).mean()  # noqa: E731
    rows = []
    for xi, yi in zip(x, y):
        net.zero_grad()
        loss(net(xi[None]), yi[None]).backward()
        rows.append(torch.cat([p.grad.flatten() for p in net.parameters()]))
    torch.testing.assert_close(per_example_gradients(loss, net, x, y), torch.stack(rows), rtol=0, atol=1e-14)


def test_noise_scale_matches_its_formula_and_is_unbiased_in_the_signal():
    g = torch.Generator().manual_seed(1)
    grads = torch.randn(50, 4, generator=g, dtype=DOUBLE) + torch.tensor([1.0, 2.0, 0.0, 0.0], dtype=DOUBLE)
    A = torch.randn(4, 4, generator=g, dtype=DOUBLE)
    H = A @ A.T
    mean, cov = grads.mean(0), torch.cov(grads.T)
    expected = torch.trace(H @ cov) / (mean @ H @ mean - torch.trace(H @ cov) / 50)
    torch.testing.assert_close(gradient_noise_scale(grads, H), expected)
    torch.testing.assert_close(gradient_noise_scale(grads, 3 * torch.eye(4, dtype=DOUBLE)), gradient_noise_scale(grads))
    # E|mean|^2 - tr(cov)/n = |G|^2: averaged over many samples the signal estimate is unbiased
    samples = torch.randn(4000, 20, 2, generator=g, dtype=DOUBLE) + torch.tensor([0.3, 0.0], dtype=DOUBLE)
    means = samples.mean(1)
    signal = (means**2).sum(1) - ((samples - means[:, None]) ** 2).sum((1, 2)) / 19 / 20
    assert abs(signal.mean().item() - 0.09) < 5 * signal.std().item() / math.sqrt(4000)


def test_noise_scale_is_infinite_when_the_sample_does_not_resolve_the_gradient():
    grads = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]], dtype=DOUBLE)
    assert gradient_noise_scale(grads).item() == math.inf


def test_critical_batch_fit_recovers_an_exact_hyperbola():
    batches = 2.0 ** torch.arange(8, dtype=DOUBLE)
    steps = 20 * (1 + 64 / batches)
    fit = critical_batch_fit(steps, batches * steps)
    assert fit.s_min == pytest.approx(20, rel=1e-12) and fit.e_min == pytest.approx(1280, rel=1e-12)
    assert fit.b_crit == pytest.approx(64, rel=1e-12)
    torch.testing.assert_close(fit.steps(batches), steps)
    S, E = steps / fit.s_min - 1, batches * steps / fit.e_min - 1
    torch.testing.assert_close(S * E, torch.ones_like(S))


def test_logistic_stream_loss_and_gradient_are_exact():
    sample, loss, gradient, w_star = logistic_stream(dim=5, condition=10.0, seed=3)
    w = 0.3 * w_star + 0.1
    theta = w.clone().requires_grad_(True)
    (autograd,) = torch.autograd.grad(loss(theta), theta)
    torch.testing.assert_close(gradient(w), autograd, rtol=1e-10, atol=1e-12)
    assert gradient(w_star).abs().max().item() < 1e-12
    x, y = sample((400_000,), torch.Generator().manual_seed(4))
    losses = _logistic_loss_per_example(w, x, y)
    assert abs(losses.mean().item() - loss(w).item()) < 5 * losses.std().item() / math.sqrt(len(losses))


def _logistic_loss_per_example(w, x, y):
    return torch.nn.functional.binary_cross_entropy_with_logits(x @ w, y, reduction="none")


def test_critical_batch_experiment_small_run():
    run = critical_batch_experiment(max_log2_batch=4, dim=4, condition=4.0, target_fraction=0.1, repeats=3,
                                    noise_samples=512, seed=1)
    torch.testing.assert_close(run.examples, run.batch_sizes * run.steps)
    assert run.steps[0] > run.steps[-1]
    assert run.optimal_loss < run.target_loss < run.initial_loss
    assert run.path_loss[-1] <= run.target_loss < run.path_loss[-2]
    assert len(run.path_b_simple) == len(run.path_b_noise) == len(run.path_loss) - 1
    # the ratio of averages is a mean of the per-step ratios weighted by their (positive) signal estimates
    assert run.path_b_simple.min().item() <= run.b_simple <= run.path_b_simple.max().item()
    assert run.fit.b_crit == pytest.approx(run.fit.e_min / run.fit.s_min)


@pytest.mark.parametrize("call, message", [
    (lambda: per_example_gradients(_logistic_loss, [1.0], [[1.0]], [0.0, 1.0]),
     r"per_example_gradients: y must have one row per example of x \(1\)"),
    (lambda: per_example_gradients(_logistic_loss, [[1.0]], [[1.0]], [0.0]), "per_example_gradients: params must be"),
    (lambda: gradient_noise_scale([[1.0, 2.0]]), r"gradient_noise_scale: per_example_grads must have shape \(n, d\)"),
    (lambda: gradient_noise_scale([[1.0], [2.0]], [[1.0, 0.0], [0.0, 1.0]]),
     r"gradient_noise_scale: hessian must have shape \(1, 1\)"),
    (lambda: gradient_noise_scale([[1.0, 0.0], [2.0, 1.0]], [[1.0, 1.0], [0.0, 1.0]]),
     "gradient_noise_scale: hessian must be symmetric"),
    (lambda: critical_batch_fit([10, 20], [10, 40]), "critical_batch_fit: the runs do not lie on a hyperbola"),
    (lambda: critical_batch_fit([10, 20], [10, 20]), "critical_batch_fit: the runs must use at least 2 distinct"),
    (lambda: critical_batch_fit([10, -1], [10, 20]), r"critical_batch_fit: steps must be positive \(got -1\)"),
    (lambda: critical_batch_experiment(repeats=4), "critical_batch_experiment: repeats must be odd"),
    (lambda: logistic_stream(condition=0.5), "logistic_stream: condition must be"),
])
def test_bad_input_names_function_argument_and_value(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
