"""Natural gradients: the Fisher matrix of a supervised model, its empirical impostor, and the Gauss–Newton matrix.

For a model :math:`p_\\theta(y \\mid x)` and inputs :math:`x_1, \\dots, x_n`,
the Fisher matrix averages the outer product of the score
:math:`s = \\nabla_\\theta \\log p_\\theta(y \\mid x)` with :math:`y` drawn
**from the model** (:func:`fisher_matrix`); the "empirical Fisher" uses the
labels of the data instead (:func:`empirical_fisher`). Only the first is the
metric of the natural gradient (:func:`natural_gradient_step`). Per-example
scores and Jacobians come from ``torch.func`` (``vmap`` of ``grad`` or ``jacrev``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch.func import grad, jacrev, vmap

from ..information import FisherInformation
from ..runtime import one_thread
from ..validation import (
    as_float_tensor,
    check_callable,
    check_finite,
    check_integer,
    check_probability_vector,
    check_scalar,
    check_seed,
    check_vector,
)
from .descent import _Iterate

__all__ = ["empirical_fisher", "fisher_matrix", "gauss_newton_matrix", "natural_gradient_step"]


def _parameters(theta, func: str) -> torch.Tensor:
    return check_vector(theta, name="theta", func=func).detach()


def _examples(x, name: str, func: str, like: torch.Tensor) -> torch.Tensor:
    x = check_finite(as_float_tensor(x, name=name, func=func), name=name, func=func).to(like)
    if x.dim() == 0 or x.shape[0] == 0:
        raise ValueError(f"{func}: {name} must hold at least one example along dim 0 (got shape {tuple(x.shape)})")
    return x


def _scores(log_prob: Callable, theta: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example scores :math:`\\nabla_\\theta \\log p_\\theta(y_i \\mid x_i)`, shape (n, d)."""
    return vmap(grad(log_prob), in_dims=(None, 0, 0))(theta, x, y)


def fisher_matrix(log_prob: Callable, theta, x, *, support=None, sample=None, draws: int = 1,
                  seed=0) -> FisherInformation:
    r"""The Fisher matrix of a supervised model, :math:`F = \frac1n \sum_i E_{y \sim p_\theta(\cdot \mid x_i)}[s s^\top]`.

    The labels are drawn **from the model**, never taken from the data (that
    would be :func:`empirical_fisher`). Give exactly one of

    * ``support`` (a discrete label, e.g. the classes): the expectation over
      :math:`y` is the exact sum :math:`\sum_y p_\theta(y \mid x_i)\, s s^\top`;
    * ``sample`` (any label): a Monte Carlo average over ``draws`` labels per
      input, with the standard error of each entry.

    Parameters
    ----------
    log_prob : callable
        ``log_prob(theta, x, y)``: :math:`\log p_\theta(y \mid x)` for one example, a scalar tensor written with
        torch operations (it is called under ``torch.func.vmap``).
    theta : array_like, shape (d,)
    x : array_like, shape (n, ...)
        The inputs, along dim 0.
    support : array_like, shape (m, ...), optional
        Every label value; the probabilities ``exp(log_prob)`` over it must sum to 1 for each input.
    sample : callable, optional
        ``sample(theta, x, generator)``: one label per row of ``x``, drawn from :math:`p_\theta(y \mid x)`.
    draws : int, default 1
        Labels drawn per input (with ``sample``); at least two labels in all, for the standard error.
    seed : int, default 0
        Seeds the generator passed to ``sample``.

    Returns
    -------
    FisherInformation
        ``matrix`` (d, d) and ``standard_error`` (d, d), zero for the exact sum.

    Examples
    --------
    Logistic regression, :math:`F = \frac1n \sum_i \sigma_i (1 - \sigma_i)\, x_i x_i^\top`:

    >>> def log_prob(theta, x, y):
    ...     z = x @ theta
    ...     return y * z - torch.nn.functional.softplus(z)
    >>> x = torch.tensor([[1.0, 0.0], [1.0, 2.0]], dtype=torch.float64)
    >>> fisher_matrix(log_prob, [0.0, 0.0], x, support=[0.0, 1.0]).matrix
    tensor([[0.2500, 0.2500],
            [0.2500, 0.5000]], dtype=torch.float64)
    """
    func = "fisher_matrix"
    check_callable(log_prob, name="log_prob", func=func)
    if (support is None) == (sample is None):
        given = "neither" if support is None else "both"
        raise ValueError(f"{func}: give exactly one of support (exact, discrete labels) and sample (Monte Carlo) "
                         f"(got {given})")
    theta = _parameters(theta, func)
    x = _examples(x, "x", func, theta)
    draws = check_integer(draws, name="draws", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    n = x.shape[0]
    if support is not None:
        support = _examples(support, "support", func, theta)
        m = support.shape[0]
        xs, ys = x.repeat_interleave(m, dim=0), support.repeat(n, *([1] * (support.dim() - 1)))
        log_p = vmap(log_prob, in_dims=(None, 0, 0))(theta, xs, ys).reshape(n, m)
        p = check_probability_vector(log_p.exp(), name="exp(log_prob(theta, x, support))", func=func)
        scores = _scores(log_prob, theta, xs, ys).reshape(n, m, -1)
        matrix = torch.einsum("nm,nmi,nmj->ij", p, scores, scores) / n
        return FisherInformation(matrix, torch.zeros_like(matrix))
    check_callable(sample, name="sample", func=func)
    generator = torch.Generator(device=theta.device).manual_seed(seed)
    xs = x.repeat_interleave(draws, dim=0)
    if xs.shape[0] < 2:
        raise ValueError(f"{func}: with sample=..., draw at least 2 labels in all for a standard error "
                         f"(got {xs.shape[0]}: raise draws)")
    with torch.no_grad():
        y = sample(theta, xs, generator)
    if not isinstance(y, torch.Tensor) or y.shape[:1] != xs.shape[:1]:
        raise ValueError(f"{func}: sample(theta, x, generator) must return a tensor with one label per row of x "
                         f"({xs.shape[0]} rows)")
    scores = _scores(log_prob, theta, xs, y)
    outer = scores.unsqueeze(-1) * scores.unsqueeze(-2)
    # The pooled spread over all n·draws labels: a conservative standard error, since the inputs differ.
    return FisherInformation(outer.mean(dim=0), outer.std(dim=0) / math.sqrt(outer.shape[0]))


def empirical_fisher(log_prob: Callable, theta, x, y) -> torch.Tensor:
    r"""The "empirical Fisher" :math:`\tilde F = \frac1n \sum_i s_i s_i^\top`, with the scores at the data's labels.

    It is *not* the Fisher matrix of the model (:func:`fisher_matrix` draws
    the labels from the model): the two agree in expectation only where the
    model is right, and far from the optimum :math:`\tilde F` grows with the
    squared residuals (Kunstner et al., 2019). It is positive semi-definite,
    with rank at most :math:`n`.

    Parameters
    ----------
    log_prob : callable
        ``log_prob(theta, x, y)``: :math:`\log p_\theta(y \mid x)` for one example (a scalar tensor).
    theta : array_like, shape (d,)
    x : array_like, shape (n, ...)
    y : array_like, shape (n, ...)
        The labels of the data, one per input.

    Returns
    -------
    torch.Tensor, shape (d, d)

    Examples
    --------
    Linear regression with unit noise: the score is the residual times the input.

    >>> def log_prob(theta, x, y):
    ...     return -0.5 * (y - x @ theta) ** 2
    >>> x = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    >>> empirical_fisher(log_prob, [0.0, 0.0], x, [2.0, 1.0])
    tensor([[2.0000, 0.0000],
            [0.0000, 0.5000]], dtype=torch.float64)
    """
    func = "empirical_fisher"
    check_callable(log_prob, name="log_prob", func=func)
    theta = _parameters(theta, func)
    x, y = _examples(x, "x", func, theta), _examples(y, "y", func, theta)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"{func}: y must hold one label per row of x ({x.shape[0]}) (got {y.shape[0]})")
    scores = _scores(log_prob, theta, x, y)
    return scores.mT @ scores / x.shape[0]


def gauss_newton_matrix(f: Callable, theta, x) -> torch.Tensor:
    r"""The Gauss–Newton matrix of the squared loss :math:`\langle (y - f_\theta(x))^2 \rangle`: :math:`2 \langle J^\top J \rangle`.

    The Hessian of the squared loss is
    :math:`2\langle \nabla f \nabla f^\top \rangle - 2 \langle (y - f)\nabla\nabla f \rangle`;
    this keeps the first term, which is positive semi-definite and needs only
    first derivatives. For a model with Gaussian noise it is the Fisher
    matrix, up to the factor :math:`2\sigma^2`.

    Parameters
    ----------
    f : callable
        ``f(theta, x)``: the model's output for one input, a scalar or a vector of k outputs.
    theta : array_like, shape (d,)
    x : array_like, shape (n, ...)

    Returns
    -------
    torch.Tensor, shape (d, d)

    Examples
    --------
    >>> x = torch.tensor([[1.0, 2.0], [0.0, 1.0]], dtype=torch.float64)
    >>> gauss_newton_matrix(lambda theta, x: x @ theta, [0.5, -1.0], x)  # linear: X^T X
    tensor([[1., 2.],
            [2., 5.]], dtype=torch.float64)
    """
    func = "gauss_newton_matrix"
    check_callable(f, name="f", func=func)
    theta = _parameters(theta, func)
    x = _examples(x, "x", func, theta)
    jacobians = vmap(jacrev(f), in_dims=(None, 0))(theta, x)  # (n, d) or (n, k, d)
    jacobians = jacobians.reshape(x.shape[0], -1, theta.numel())
    return 2 * torch.einsum("nki,nkj->ij", jacobians, jacobians) / x.shape[0]


@one_thread()
def natural_gradient_step(loss: Callable, theta, fisher, lr, damping=0.0) -> torch.Tensor:
    r"""One natural-gradient step :math:`\theta - \eta\, (F + \lambda I)^{-1} \nabla L(\theta)`.

    To first order in :math:`\eta` the step does not depend on how the model
    is parametrised: in coordinates :math:`\theta = f(\Phi)` the Fisher matrix
    is :math:`J^\top F J` and the induced step in :math:`\theta` is the same.

    Parameters
    ----------
    loss : callable
        Maps a 1-D tensor to a scalar tensor; or, when ``theta`` is a module, maps the module to its loss.
    theta : array_like of shape (d,), or torch.nn.Module
        The parameters, or a module whose trainable parameters take the step in place.
    fisher : array_like of shape (d, d), or callable
        The Fisher matrix at ``theta``, or a function ``theta -> F(theta)``.
    lr : float
        The learning rate :math:`\eta > 0`, a pure number.
    damping : float, default 0
        :math:`\lambda \ge 0`, added to the diagonal (Levenberg–Marquardt damping for a singular Fisher).

    Returns
    -------
    torch.Tensor, shape (d,)
        The new parameters (flattened, for a module).

    Examples
    --------
    Fitting the mean of :math:`\mathcal N(\mu, 4)`: the Fisher is 1/4, and a
    step of size 1 lands on the sample mean 3.

    >>> natural_gradient_step(lambda t: ((t - 3.0) ** 2).sum() / 8, [0.0], [[0.25]], lr=1.0)
    tensor([3.], dtype=torch.float64)
    """
    func = "natural_gradient_step"
    objective = _Iterate(loss, theta, func)
    theta = objective.start
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    damping = check_scalar(damping, name="damping", func=func, low=0)
    matrix = fisher(theta) if callable(fisher) else fisher
    matrix = check_finite(as_float_tensor(matrix, name="fisher", func=func), name="fisher", func=func).to(theta)
    d = theta.numel()
    if matrix.shape != (d, d):
        raise ValueError(f"{func}: fisher must be a ({d}, {d}) matrix (got shape {tuple(matrix.shape)})")
    try:
        direction = torch.linalg.solve(matrix + damping * torch.eye(d, dtype=theta.dtype),
                                       objective.value_and_gradient(theta)[1])
    except RuntimeError:
        raise ValueError(f"{func}: fisher + damping * I must be invertible (got a singular matrix; "
                         f"add damping)") from None
    theta = theta - lr * direction
    objective.write(theta)
    return theta
