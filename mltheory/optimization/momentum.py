"""Momentum: Nesterov's method, and the linear maps by which momentum methods act on a quadratic."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ..runtime import one_thread
from ..validation import check_array, check_scalar
from .descent import _momentum_descent

__all__ = ["convergence_rate", "momentum_matrix", "nesterov", "optimal_momentum"]

_KINDS = ("heavy_ball", "nesterov")


@one_thread()
def nesterov(loss: Callable, theta, lr, momentum, steps: int) -> torch.Tensor:
    r"""Nesterov's accelerated gradient: the gradient is taken at the look-ahead point :math:`\theta_n + \beta v_n`.

    .. math::

        v_{n+1} = \beta v_n - \eta \nabla L(\theta_n + \beta v_n), \qquad
        \theta_{n+1} = \theta_n + v_{n+1},

    with :math:`v_0 = 0`. It differs from :func:`~mltheory.optimization.descent.heavy_ball`
    only in where the gradient is evaluated. On a smooth, :math:`\mu`-strongly
    convex loss with :math:`\eta = 1/L_{\max}` and
    :math:`\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)` it converges at the rate
    :math:`1 - 1/\sqrt\kappa`.

    Parameters
    ----------
    loss, theta, lr, momentum, steps
        As for :func:`~mltheory.optimization.descent.heavy_ball`: ``theta`` is a 1-D array-like or a
        ``torch.nn.Module`` (whose trainable parameters end at the last iterate), :math:`\eta > 0`,
        :math:`\beta` in [0, 1) and at least one step.

    Returns
    -------
    torch.Tensor, shape (steps + 1, d)
        The trajectory :math:`\theta_0, \dots, \theta_{\text{steps}}`.

    Examples
    --------
    >>> path = nesterov(lambda t: 0.5 * (t**2).sum(), [1.0], lr=0.5, momentum=0.5, steps=2)
    >>> path[:, 0]
    tensor([1.0000, 0.5000, 0.1250], dtype=torch.float64)

    The parameters of a module move the same way:

    >>> layer = torch.nn.Linear(1, 1, bias=False, dtype=torch.float64)
    >>> _ = layer.weight.data.fill_(1.0)
    >>> path = nesterov(lambda m: 0.5 * (m.weight**2).sum(), layer, lr=0.5, momentum=0.5, steps=2)
    >>> layer.weight.item()
    0.125
    """
    return _momentum_descent("nesterov", loss, theta, lr, momentum, steps, look_ahead=True)


def _broadcast(func: str, curvature, lr, momentum) -> list[torch.Tensor]:
    values = {"curvature": curvature, "lr": lr, "momentum": momentum}
    tensors = [check_array(curvature, name="curvature", func=func, nonnegative=True),
               check_array(lr, name="lr", func=func, positive=True),
               check_array(momentum, name="momentum", func=func, nonnegative=True)]
    try:
        return list(torch.broadcast_tensors(*tensors))
    except RuntimeError:
        shapes = ", ".join(f"{name} {tuple(t.shape)}" for name, t in zip(values, tensors))
        raise ValueError(f"{func}: the shapes of {', '.join(values)} must broadcast (got {shapes})") from None


def _check_kind(kind, func: str) -> str:
    if not isinstance(kind, str) or kind not in _KINDS:
        raise ValueError(f"{func}: kind must be one of {', '.join(_KINDS)} (got {kind!r})")
    return kind


def momentum_matrix(curvature, lr, momentum, kind: str = "heavy_ball") -> torch.Tensor:
    r"""The matrix by which a momentum method maps :math:`(\theta_n, v_n)` to :math:`(\theta_{n+1}, v_{n+1})` on :math:`\tfrac12\lambda\theta^2`.

    With :math:`h = \eta\lambda` the heavy ball (:func:`~mltheory.optimization.descent.heavy_ball`)
    and Nesterov's method (:func:`nesterov`) act by

    .. math::

        M_{\text{HB}} = \begin{pmatrix} 1 - h & \beta \\ -h & \beta \end{pmatrix}, \qquad
        M_{\text{NAG}} = \begin{pmatrix} 1 - h & \beta(1 - h) \\ -h & \beta(1 - h) \end{pmatrix}.

    On a quadratic :math:`\tfrac12\theta^\top H\theta` each eigendirection of
    :math:`H` evolves by its own matrix, so the spectral radius over the
    eigenvalues of :math:`H` is the rate of convergence (see :func:`convergence_rate`).

    Parameters
    ----------
    curvature, lr, momentum : array_like
        :math:`\lambda \ge 0`, :math:`\eta > 0` and :math:`\beta \ge 0`; any shapes that broadcast
        together.
    kind : {"heavy_ball", "nesterov"}, default "heavy_ball"

    Returns
    -------
    torch.Tensor, shape (\*broadcast shape, 2, 2)

    Examples
    --------
    >>> momentum_matrix(2.0, 0.25, 0.5)
    tensor([[ 0.5000,  0.5000],
            [-0.5000,  0.5000]], dtype=torch.float64)
    >>> momentum_matrix([1.0, 3.0], 0.5, 0.5, kind="nesterov").shape
    torch.Size([2, 2, 2])
    """
    return _matrix("momentum_matrix", curvature, lr, momentum, kind)


def _matrix(func: str, curvature, lr, momentum, kind) -> torch.Tensor:
    kind = _check_kind(kind, func)
    curvature, lr, momentum = _broadcast(func, curvature, lr, momentum)
    h = lr * curvature
    damping = momentum * (1 - h) if kind == "nesterov" else momentum
    return torch.stack([torch.stack([1 - h, damping], -1), torch.stack([-h, damping], -1)], -2)


def convergence_rate(curvature, lr, momentum, kind: str = "heavy_ball") -> torch.Tensor:
    r"""The spectral radius of :func:`momentum_matrix`: the factor by which the error shrinks per step, asymptotically.

    Below 1 the method converges on :math:`\tfrac12\lambda\theta^2`; for the heavy
    ball that happens exactly when :math:`0 < \eta\lambda < 2 + 2\beta` and
    :math:`0 \le \beta < 1` (the Jury criterion).

    Parameters
    ----------
    curvature, lr, momentum : array_like
        :math:`\lambda \ge 0`, :math:`\eta > 0` and :math:`\beta \ge 0`; shapes that broadcast together.
    kind : {"heavy_ball", "nesterov"}, default "heavy_ball"

    Returns
    -------
    torch.Tensor, shape (\*broadcast shape)

    Examples
    --------
    >>> convergence_rate(1.0, 0.5, 0.0)  # plain gradient descent: |1 - ηλ|
    tensor(0.5000, dtype=torch.float64)
    >>> convergence_rate(1.0, 0.25, 0.25)  # critically damped: 1 - sqrt(ηλ)
    tensor(0.5000, dtype=torch.float64)
    """
    return torch.linalg.eigvals(_matrix("convergence_rate", curvature, lr, momentum, kind)).abs().amax(-1)


def optimal_momentum(lambda_min, lambda_max, kind: str = "heavy_ball") -> tuple[float, float]:
    r"""The learning rate and momentum that make a momentum method fastest on curvatures in :math:`[\lambda_{\min}, \lambda_{\max}]`.

    For the heavy ball (Polyak's choice) both ends are critically damped:

    .. math::

        \eta = \frac{4}{(\sqrt{\lambda_{\min}} + \sqrt{\lambda_{\max}})^2}, \qquad
        \beta = \Big(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Big)^2, \qquad
        \kappa = \frac{\lambda_{\max}}{\lambda_{\min}},

    and the rate is :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)`. For Nesterov's
    method the standard choice is :math:`\eta = 1/\lambda_{\max}` and
    :math:`\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)`, with rate :math:`1 - 1/\sqrt\kappa`.

    Parameters
    ----------
    lambda_min, lambda_max : float
        :math:`0 < \lambda_{\min} \le \lambda_{\max}`.
    kind : {"heavy_ball", "nesterov"}, default "heavy_ball"

    Returns
    -------
    (float, float)
        The learning rate :math:`\eta` and the momentum :math:`\beta`.

    Examples
    --------
    >>> lr, momentum = optimal_momentum(1.0, 100.0)
    >>> round(lr * 121, 12), round(momentum * 121, 12)  # 4/121 and (9/11)^2
    (4.0, 81.0)
    >>> optimal_momentum(1.0, 100.0, kind="nesterov")
    (0.01, 0.8181818181818182)
    """
    func = "optimal_momentum"
    kind = _check_kind(kind, func)
    lambda_min = check_scalar(lambda_min, name="lambda_min", func=func, low=0, low_open=True)
    lambda_max = check_scalar(lambda_max, name="lambda_max", func=func, low=0, low_open=True)
    if lambda_max < lambda_min:
        raise ValueError(f"{func}: lambda_max must be at least lambda_min (got {lambda_max:g} < {lambda_min:g})")
    root_kappa = math.sqrt(lambda_max / lambda_min)
    rate = (root_kappa - 1) / (root_kappa + 1)
    if kind == "nesterov":
        return 1 / lambda_max, rate
    return 4 / (math.sqrt(lambda_min) + math.sqrt(lambda_max)) ** 2, rate**2
