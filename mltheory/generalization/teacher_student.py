"""The linear teacher–student in time: gradient flow on noisy linear data, its test error, early stopping and ridge.

Kaplan's chapter 6, after Advani & Saxe (2017). A teacher :math:`\\bar w \\sim \\mathcal N(0, \\sigma_w^2 I_P)` labels
:math:`D` inputs :math:`x_i \\sim \\mathcal N(0, I_P/P)` (the rows of :math:`X`) as :math:`y_i = \\bar w \\cdot x_i + \\epsilon_i`
with :math:`\\epsilon_i \\sim \\mathcal N(0, \\sigma_\\epsilon^2)`. A student starts at :math:`w_0 \\sim \\mathcal N(0, \\sigma_{w_0}^2 I_P)`
and follows the gradient flow :math:`\\dot w = X^\\top(y - Xw)` of :math:`L = \\frac12|y - Xw|^2`. Its test error on a fresh
input is :math:`|w - \\bar w|^2/P + \\sigma_\\epsilon^2`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

from ..runtime import one_thread
from ..validation import as_generator, check_array, check_integer, check_scalar
from .random_matrices import gaussian_inputs

__all__ = [
    "TeacherStudentData",
    "egen_ridge",
    "egen_theory",
    "generalization_error",
    "gradient_flow_linear",
    "optimal_stopping_time",
    "ridge_fit",
    "teacher_student",
]


class TeacherStudentData(NamedTuple):
    r"""One data matrix and a batch of teachers, their noisy labels and the students' starting points.

    ``X`` holds the inputs, shape (D, P), entries N(0, 1/P); ``y`` the labels :math:`X\bar w + \epsilon` of each
    teacher, shape (teachers, D); ``teacher`` the teachers :math:`\bar w`, shape (teachers, P); and ``w0`` the
    students' initial weights, shape (teachers, P).
    """

    X: torch.Tensor
    y: torch.Tensor
    teacher: torch.Tensor
    w0: torch.Tensor


def _check_sigmas(func: str, sigma_w, sigma_eps, sigma_w0) -> tuple[float, float, float]:
    return (check_scalar(sigma_w, name="sigma_w", func=func, low=0),
            check_scalar(sigma_eps, name="sigma_eps", func=func, low=0),
            check_scalar(sigma_w0, name="sigma_w0", func=func, low=0))


@one_thread()
def teacher_student(P: int, D: int, sigma_w=1.0, sigma_eps=0.5, sigma_w0=0.0, seed=0, *,
                    teachers: int = 1) -> TeacherStudentData:
    r"""Draw one data matrix and ``teachers`` teachers with their noisy labels and the students' initial weights.

    .. math::

        X_{i\alpha} \sim \mathcal N(0, 1/P), \quad \bar w \sim \mathcal N(0, \sigma_w^2 I), \quad
        y = X\bar w + \epsilon,\ \epsilon \sim \mathcal N(0, \sigma_\epsilon^2 I), \quad w_0 \sim \mathcal N(0, \sigma_{w_0}^2 I).

    The data matrix is shared by the teachers, so that averages over them are averages at a fixed spectrum of
    :math:`X^\top X` (the one :func:`egen_theory` is evaluated on).

    Parameters
    ----------
    P : int
        Number of parameters, at least 1.
    D : int
        Number of data points, at least 1.
    sigma_w, sigma_eps, sigma_w0 : float
        Standard deviations of the teacher's weights, the label noise and the student's initial weights, non-negative.
    seed : int or torch.Generator, default 0
        Seed of the draws.
    teachers : int, default 1
        Number of independent teachers (each with its own noise and initial weights).

    Returns
    -------
    TeacherStudentData
        ``X`` (D, P), ``y`` (teachers, D), ``teacher`` (teachers, P), ``w0`` (teachers, P), all float64.

    Examples
    --------
    >>> data = teacher_student(P=3, D=5, teachers=2, seed=0)
    >>> data.X.shape, data.y.shape, data.w0.abs().max().item()
    (torch.Size([5, 3]), torch.Size([2, 5]), 0.0)
    """
    func = "teacher_student"
    P = check_integer(P, name="P", func=func, minimum=1)
    D = check_integer(D, name="D", func=func, minimum=1)
    sigma_w, sigma_eps, sigma_w0 = _check_sigmas(func, sigma_w, sigma_eps, sigma_w0)
    teachers = check_integer(teachers, name="teachers", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    X = gaussian_inputs(P, D, 1.0, generator)
    teacher = sigma_w * torch.randn(teachers, P, generator=generator, dtype=torch.float64)
    noise = sigma_eps * torch.randn(teachers, D, generator=generator, dtype=torch.float64)
    w0 = sigma_w0 * torch.randn(teachers, P, generator=generator, dtype=torch.float64)
    return TeacherStudentData(X, teacher @ X.T + noise, teacher, w0)


def _check_data(func: str, X, y) -> tuple[torch.Tensor, torch.Tensor]:
    """``X`` (D, P) and ``y`` (..., D) as tensors, with matching sizes."""
    X = check_array(X, name="X", func=func)
    y = check_array(y, name="y", func=func)
    if X.ndim != 2:
        raise ValueError(f"{func}: X must be a matrix of shape (D, P) (got shape {tuple(X.shape)})")
    if y.shape[-1] != X.shape[0]:
        raise ValueError(f"{func}: y must have one label per row of X, {X.shape[0]} (got shape {tuple(y.shape)})")
    return X, y


@one_thread()
def gradient_flow_linear(X, y, w0, times) -> torch.Tensor:
    r"""The weights of the gradient flow :math:`\dot w = X^\top(y - Xw)` from :math:`w_0`, at the given times, exactly.

    The flow is linear, so it is solved without discretisation by matrix exponentials (one per increment between
    the sorted times; a time twice the previous one costs a single squaring). With
    :math:`\Sigma = X^\top X` and the columns of :math:`B` the vectors :math:`b = X^\top y` of the batch, the weights
    :math:`W` (one column per labelling) and a constant identity block solve a linear system whose solution is

    .. math::

        \begin{pmatrix} W(t) \\ I \end{pmatrix}
        = \exp\left(t\begin{pmatrix} -\Sigma & B \\ 0 & 0 \end{pmatrix}\right)
        \begin{pmatrix} W_0 \\ I \end{pmatrix},
        \qquad W(t) = e^{-\Sigma t} W_0 + \int_0^t e^{-\Sigma s}\,ds\; B,

    which holds for singular :math:`\Sigma` too: no pseudo-inverse, no eigendecomposition and no time step.

    Parameters
    ----------
    X : array_like, shape (D, P)
        The inputs.
    y : array_like, shape (..., D)
        The labels, for one teacher or a batch.
    w0 : array_like, shape (..., P)
        The initial weights, broadcastable against the batch of ``y``.
    times : array_like, shape (T,)
        Non-negative times.

    Returns
    -------
    torch.Tensor, shape (..., T, P)
        The weights at each time.

    Examples
    --------
    >>> X = torch.eye(2, dtype=torch.float64)
    >>> gradient_flow_linear(X, [1.0, 2.0], [0.0, 0.0], [0.0, math.log(2)])
    tensor([[0.0000, 0.0000],
            [0.5000, 1.0000]], dtype=torch.float64)
    """
    func = "gradient_flow_linear"
    X, y = _check_data(func, X, y)
    w0 = check_array(w0, name="w0", func=func)
    if w0.shape[-1] != X.shape[1]:
        raise ValueError(f"{func}: w0 must have one weight per column of X, {X.shape[1]} (got shape {tuple(w0.shape)})")
    times = check_array(times, name="times", func=func, nonnegative=True)
    if times.ndim != 1:
        raise ValueError(f"{func}: times must be a vector (got shape {tuple(times.shape)})")
    batch = torch.broadcast_shapes(y.shape[:-1], w0.shape[:-1])
    P, D = X.shape[1], X.shape[0]
    B = torch.broadcast_to(y, (*batch, D)).reshape(-1, D) @ X  # (n, P): one row b = Xᵀy per labelling
    W0 = torch.broadcast_to(w0, (*batch, P)).reshape(-1, P)
    n = B.shape[0]
    system = X.new_zeros(P + n, P + n)
    system[:P, :P] = -X.T @ X
    system[:P, P:] = B.T
    blocks = _propagators(system, times.to(X))[:, :P]  # (T, P, P + n)
    weights = blocks[:, :, :P] @ W0.T + blocks[:, :, P:]  # (T, P, n)
    return weights.permute(2, 0, 1).reshape(*batch, len(times), P)


def _propagators(system: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
    """``exp(t · system)`` for each time, stepping through the times in order: a time twice the previous one is the
    previous propagator squared, any other the previous one times the exponential of the increment."""
    result = system.new_empty(len(times), *system.shape)
    current, previous = torch.eye(len(system), dtype=system.dtype, device=system.device), 0.0
    for index in torch.argsort(times).tolist():
        time = times[index].item()
        if previous > 0 and time == 2 * previous:
            current = current @ current
        elif time != previous:
            current = current @ torch.linalg.matrix_exp((time - previous) * system)
        result[index], previous = current, time
    return result


@one_thread()
def ridge_fit(X, y, penalty) -> torch.Tensor:
    r"""The ridge solution :math:`(X^\top X + \lambda I)^{-1} X^\top y`, which minimises :math:`\frac12|y - Xw|^2 + \frac\lambda2|w|^2`.

    Parameters
    ----------
    X : array_like, shape (D, P)
        The inputs.
    y : array_like, shape (..., D)
        The labels.
    penalty : float
        The ridge penalty :math:`\lambda`, positive.

    Returns
    -------
    torch.Tensor, shape (..., P)

    Examples
    --------
    >>> ridge_fit(torch.eye(2, dtype=torch.float64), [2.0, 4.0], penalty=1.0)
    tensor([1., 2.], dtype=torch.float64)
    """
    func = "ridge_fit"
    X, y = _check_data(func, X, y)
    penalty = check_scalar(penalty, name="penalty", func=func, low=0, low_open=True)
    system = X.T @ X + penalty * torch.eye(X.shape[1], dtype=X.dtype, device=X.device)
    return torch.linalg.solve(system, (y @ X).unsqueeze(-1)).squeeze(-1)


def generalization_error(w, teacher, sigma_eps=0.5) -> torch.Tensor:
    r"""The expected squared error on a fresh input :math:`x \sim \mathcal N(0, I/P)` with fresh noise: :math:`|w - \bar w|^2/P + \sigma_\epsilon^2`.

    Parameters
    ----------
    w : array_like, shape (..., P)
        Student weights (for example from :func:`gradient_flow_linear`, with a time axis).
    teacher : array_like, shape (..., P)
        The teacher's weights, broadcastable against ``w``.
    sigma_eps : float, default 0.5
        Standard deviation of the label noise, non-negative.

    Returns
    -------
    torch.Tensor, shape (...)

    Examples
    --------
    >>> generalization_error([1.0, 1.0], [0.0, 1.0], sigma_eps=0.0)
    tensor(0.5000, dtype=torch.float64)
    """
    func = "generalization_error"
    w = check_array(w, name="w", func=func)
    teacher = check_array(teacher, name="teacher", func=func)
    if w.shape[-1] != teacher.shape[-1]:
        raise ValueError(f"{func}: w and teacher must have the same number of weights "
                         f"(got {w.shape[-1]} and {teacher.shape[-1]})")
    sigma_eps = check_scalar(sigma_eps, name="sigma_eps", func=func, low=0)
    return (w - teacher).pow(2).mean(-1) + sigma_eps**2


def egen_theory(eigenvalues, t, sigma_w=1.0, sigma_eps=0.5, sigma_w0=0.0) -> torch.Tensor:
    r"""The expected test error of gradient flow at time :math:`t`, Kaplan's (6.0.14) with its input normalisation corrected.

    .. math::

        E_{\mathrm{gen}}(t) = \frac1P\sum_{\alpha=1}^P\left[(\sigma_w^2 + \sigma_{w_0}^2)e^{-2\lambda_\alpha t}
        + \frac{\sigma_\epsilon^2}{\lambda_\alpha}\left(1 - e^{-\lambda_\alpha t}\right)^2\right] + \sigma_\epsilon^2,

    the mean over teachers, noise and initial weights at a fixed data matrix whose :math:`X^\top X` has the
    eigenvalues :math:`\lambda_\alpha` (inputs :math:`\mathcal N(0, I/P)`). A mode with :math:`\lambda_\alpha = 0`
    contributes :math:`\sigma_w^2 + \sigma_{w_0}^2` at all times (the second term's limit is 0).

    Parameters
    ----------
    eigenvalues : array_like, shape (..., P)
        Eigenvalues of :math:`X^\top X`, non-negative.
    t : array_like, shape (T,)
        Non-negative times.
    sigma_w, sigma_eps, sigma_w0 : float
        As for :func:`teacher_student`.

    Returns
    -------
    torch.Tensor, shape (..., T)

    Examples
    --------
    >>> egen_theory([0.0, 1.0], [0.0, 1e9], sigma_w=1.0, sigma_eps=0.5)
    tensor([1.2500, 0.8750], dtype=torch.float64)
    """
    func = "egen_theory"
    eigenvalues = check_array(eigenvalues, name="eigenvalues", func=func, nonnegative=True)
    t = check_array(t, name="t", func=func, nonnegative=True)
    if t.ndim != 1:
        raise ValueError(f"{func}: t must be a vector of times (got shape {tuple(t.shape)})")
    sigma_w, sigma_eps, sigma_w0 = _check_sigmas(func, sigma_w, sigma_eps, sigma_w0)
    lam = eigenvalues.unsqueeze(-2)  # (..., 1, P)
    lam_t = lam * t.to(lam)[:, None]  # (..., T, P)
    learned = -torch.expm1(-lam_t)  # 1 - e^{-λt}, accurate for small λt
    noise = torch.where(lam > 0, learned.square() / lam.clamp_min(torch.finfo(lam.dtype).tiny),
                        torch.zeros_like(lam_t))
    modes = (sigma_w**2 + sigma_w0**2) * torch.exp(-2 * lam_t) + sigma_eps**2 * noise
    return modes.mean(-1) + sigma_eps**2


def optimal_stopping_time(eigenvalues, sigma_w=1.0, sigma_eps=0.5, sigma_w0=0.0) -> torch.Tensor:
    r"""The time at which each mode's test error is smallest, :math:`t^*_\alpha = \log(1 + \lambda_\alpha A/\sigma_\epsilon^2)/\lambda_\alpha`.

    Here :math:`A = \sigma_w^2 + \sigma_{w_0}^2`: the mode's error :math:`A e^{-2\lambda t} + \frac{\sigma_\epsilon^2}{\lambda}(1 - e^{-\lambda t})^2`
    is a quadratic in :math:`e^{-\lambda t}` with its minimum at :math:`e^{-\lambda t^*} = \sigma_\epsilon^2/(\lambda A + \sigma_\epsilon^2)`.
    A frozen mode (:math:`\lambda = 0`) gets the limit :math:`A/\sigma_\epsilon^2`. The noise must be positive: without
    it every mode should train forever.

    Parameters
    ----------
    eigenvalues : array_like
        Eigenvalues of :math:`X^\top X`, non-negative.
    sigma_w, sigma_eps, sigma_w0 : float
        As for :func:`teacher_student`; ``sigma_eps`` positive.

    Returns
    -------
    torch.Tensor
        :math:`t^*` for each eigenvalue, of the same shape.

    Examples
    --------
    >>> optimal_stopping_time([0.0, 1.0, 3.0], sigma_w=1.0, sigma_eps=1.0)
    tensor([1.0000, 0.6931, 0.4621], dtype=torch.float64)
    """
    func = "optimal_stopping_time"
    eigenvalues = check_array(eigenvalues, name="eigenvalues", func=func, nonnegative=True)
    sigma_w, sigma_eps, sigma_w0 = _check_sigmas(func, sigma_w, sigma_eps, sigma_w0)
    if sigma_eps == 0:
        raise ValueError(f"{func}: sigma_eps must be positive, since without noise no mode should stop (got 0)")
    A = sigma_w**2 + sigma_w0**2
    safe = eigenvalues.clamp_min(torch.finfo(eigenvalues.dtype).tiny)
    return torch.where(eigenvalues > 0, torch.log1p(safe * A / sigma_eps**2) / safe,
                       torch.full_like(eigenvalues, A / sigma_eps**2))


def egen_ridge(eigenvalues, penalty, sigma_w=1.0, sigma_eps=0.5) -> torch.Tensor:
    r"""The expected test error of the ridge solution with penalty :math:`\lambda`, at a fixed data matrix.

    In the eigenbasis of :math:`X^\top X` the ridge solution is :math:`z_\alpha = (\lambda_\alpha\bar z_\alpha +
    \sqrt{\lambda_\alpha}\tilde\epsilon_\alpha)/(\lambda_\alpha + \lambda)`, so

    .. math::

        E_{\mathrm{ridge}}(\lambda) = \frac1P\sum_\alpha \frac{\lambda^2\sigma_w^2 + \lambda_\alpha\sigma_\epsilon^2}
        {(\lambda_\alpha + \lambda)^2} + \sigma_\epsilon^2,

    smallest at :math:`\lambda = \sigma_\epsilon^2/\sigma_w^2`, where each term is
    :math:`\sigma_w^2\sigma_\epsilon^2/(\lambda_\alpha\sigma_w^2 + \sigma_\epsilon^2)`.

    Parameters
    ----------
    eigenvalues : array_like, shape (..., P)
        Eigenvalues of :math:`X^\top X`, non-negative.
    penalty : float
        The ridge penalty :math:`\lambda`, positive.
    sigma_w, sigma_eps : float
        As for :func:`teacher_student`.

    Returns
    -------
    torch.Tensor, shape (...)

    Examples
    --------
    >>> egen_ridge([0.0, 1.0], penalty=0.25, sigma_w=1.0, sigma_eps=0.5)
    tensor(0.8500, dtype=torch.float64)
    """
    func = "egen_ridge"
    eigenvalues = check_array(eigenvalues, name="eigenvalues", func=func, nonnegative=True)
    penalty = check_scalar(penalty, name="penalty", func=func, low=0, low_open=True)
    sigma_w = check_scalar(sigma_w, name="sigma_w", func=func, low=0)
    sigma_eps = check_scalar(sigma_eps, name="sigma_eps", func=func, low=0)
    modes = (penalty**2 * sigma_w**2 + eigenvalues * sigma_eps**2) / (eigenvalues + penalty) ** 2
    return modes.mean(-1) + sigma_eps**2
