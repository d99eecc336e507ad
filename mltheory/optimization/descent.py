"""First- and second-order descent on a loss given as a function of a parameter vector or of a module's parameters."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..runtime import one_thread
from ..validation import check_callable, check_integer, check_scalar, check_vector

__all__ = ["gradient_descent", "heavy_ball", "newton_step"]


class _Iterate:
    """The parameters an optimiser moves: a flat vector, the loss and its derivatives there, and where the result goes.

    ``theta`` is either an array-like of shape (d,), with ``loss`` mapping a
    vector (and any extra arguments, such as the step of an online problem) to
    a scalar, or a ``torch.nn.Module``, with ``loss`` mapping the module to a
    scalar: then the vector is its trainable parameters, flattened in
    ``parameters()`` order, written into the module before each evaluation,
    and :meth:`finish` leaves the last iterate there. An optional ``gradient``
    callable takes what ``loss`` takes and returns the gradient flattened like
    the vector; :meth:`value_and_gradient` then calls it instead of autograd.
    """

    def __init__(self, loss, theta, func: str, gradient=None):
        check_callable(loss, name="loss", func=func)
        if gradient is not None:
            check_callable(gradient, name="gradient", func=func)
        self.loss, self.analytic, self.func = loss, gradient, func
        if isinstance(theta, torch.nn.Module):
            self.module = theta
            self.parameters = [p for p in theta.parameters() if p.requires_grad]
            if not self.parameters:
                raise ValueError(f"{func}: theta must have trainable parameters (got a {type(theta).__name__} "
                                 "with none)")
            self.start = torch.cat([p.detach().reshape(-1) for p in self.parameters]).clone()
            return
        self.module = None
        self.start = _vector(theta, func)

    def write(self, vector: torch.Tensor) -> None:
        """Copy ``vector`` into the module's parameters (nothing to do for a plain vector)."""
        if self.module is not None:
            with torch.no_grad():
                for p, chunk in zip(self.parameters, torch.split(vector, [p.numel() for p in self.parameters])):
                    p.copy_(chunk.view_as(p))

    def evaluate(self, vector: torch.Tensor, *args, create_graph: bool = False):
        """The loss at ``vector``, the leaves it was differentiated at, and its gradient flattened like ``vector``."""
        if self.module is None:
            leaves = [vector.detach().requires_grad_(True)]
            value = self.loss(leaves[0], *args)
        else:
            self.write(vector)
            leaves, value = self.parameters, self.loss(self.module, *args)
        gradients = torch.autograd.grad(value, leaves, create_graph=create_graph, allow_unused=True)
        if self.module is None and gradients[0] is not None:
            return value, leaves, gradients[0]
        return value, leaves, torch.cat([torch.zeros_like(p).reshape(-1) if g is None else g.reshape(-1)
                                         for p, g in zip(leaves, gradients)])

    def gradient(self, vector: torch.Tensor, *args) -> torch.Tensor:
        """The gradient of the loss at ``vector``, flattened like it."""
        return self.evaluate(vector, *args)[2]

    def value_and_gradient(self, vector: torch.Tensor) -> tuple[float, torch.Tensor]:
        """The loss at ``vector`` as a float, and its gradient (from the ``gradient`` callable if one was given)."""
        if self.analytic is None:
            value, _, gradient = self.evaluate(vector)
            return value.item(), gradient
        if self.module is None:
            return float(self.loss(vector)), self.analytic(vector)
        self.write(vector)
        with torch.no_grad():
            return float(self.loss(self.module)), self.analytic(self.module)

    def check_gradient(self, gradient) -> None:
        """Raise unless a ``gradient`` callable's result is a finite tensor shaped and typed like the vector."""
        if self.analytic is None:
            return
        start = self.start
        if not (isinstance(gradient, torch.Tensor) and gradient.shape == start.shape and gradient.dtype == start.dtype):
            got = (f"{type(gradient).__name__}" if not isinstance(gradient, torch.Tensor)
                   else f"a {gradient.dtype} tensor of shape {tuple(gradient.shape)}")
            raise ValueError(f"{self.func}: gradient must return a {start.dtype} tensor of shape "
                             f"{tuple(start.shape)}, like theta (got {got})")
        bad = int((~torch.isfinite(gradient)).sum())
        if bad:
            raise ValueError(f"{self.func}: gradient must return finite values (got {bad} non-finite of "
                             f"{gradient.numel()} at the start)")

    def curvature(self, vector: torch.Tensor, direction: torch.Tensor) -> float:
        """:math:`p^\\top H p` at ``vector`` along ``direction``, by one Hessian-vector product."""
        _, leaves, gradient = self.evaluate(vector, create_graph=True)
        products = torch.autograd.grad(gradient @ direction, leaves, allow_unused=True)
        return (torch.cat([torch.zeros_like(p).reshape(-1) if h is None else h.reshape(-1)
                           for p, h in zip(leaves, products)]) @ direction).item()

    def finish(self, path: list[torch.Tensor] | torch.Tensor) -> torch.Tensor:
        """The trajectory as one tensor (rows are iterates); a module is left at the last iterate."""
        path = torch.stack(path) if isinstance(path, list) else path
        self.write(path[-1])
        return path


def _vector(theta, func: str) -> torch.Tensor:
    return check_vector(theta, name="theta", func=func, or_module=True).detach().clone()


def _gradient(loss, theta: torch.Tensor) -> torch.Tensor:
    theta = theta.detach().requires_grad_(True)
    return torch.autograd.grad(loss(theta), theta)[0]


@one_thread()
def gradient_descent(loss: Callable, theta, lr, steps: int) -> torch.Tensor:
    r"""Gradient descent :math:`\theta_{n+1} = \theta_n - \eta \nabla L(\theta_n)`.

    Parameters
    ----------
    loss : callable
        Maps a 1-D tensor (or, if ``theta`` is a module, the module) to a scalar tensor,
        differentiable by ``torch.autograd``.
    theta : array_like, shape (d,), or torch.nn.Module
        The starting point, or a module whose trainable parameters are the starting point
        (they are updated in place to the last iterate).
    lr : float
        The learning rate :math:`\eta > 0`.
    steps : int
        Number of steps, at least 1.

    Returns
    -------
    torch.Tensor, shape (steps + 1, d)
        The trajectory, starting point first (for a module, its parameters flattened in
        ``parameters()`` order). A diverging run shows as growing (or infinite) entries.

    Examples
    --------
    >>> path = gradient_descent(lambda t: 0.5 * 3.0 * (t**2).sum(), [1.0], lr=0.1, steps=2)
    >>> path[:, 0]
    tensor([1.0000, 0.7000, 0.4900], dtype=torch.float64)
    """
    func = "gradient_descent"
    iterate = _Iterate(loss, theta, func)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    theta = iterate.start
    path = [theta]
    for _ in range(steps):
        theta = theta - lr * iterate.gradient(theta)
        path.append(theta)
    return iterate.finish(path)


@one_thread()
def heavy_ball(loss: Callable, theta, lr, momentum, steps: int) -> torch.Tensor:
    r"""Polyak's heavy ball: :math:`v_{n+1} = \beta v_n - \eta\nabla L(\theta_n)`, :math:`\theta_{n+1} = \theta_n + v_{n+1}`.

    The velocity starts at zero. On a quadratic with curvature :math:`\lambda`
    the iteration is stable exactly when :math:`0 < \eta\lambda < 2 + 2\beta`
    (for :math:`0 \le \beta < 1`).

    Parameters
    ----------
    loss : callable
        Maps a 1-D tensor (or, if ``theta`` is a module, the module) to a scalar tensor.
    theta : array_like, shape (d,), or torch.nn.Module
        The starting point, or a module whose trainable parameters are the starting point
        (they are updated in place to the last iterate).
    lr : float
        The learning rate :math:`\eta > 0`.
    momentum : float
        :math:`\beta` in [0, 1).
    steps : int
        Number of steps, at least 1.

    Returns
    -------
    torch.Tensor, shape (steps + 1, d)
        The trajectory, starting point first.

    Examples
    --------
    >>> path = heavy_ball(lambda t: 0.5 * (t**2).sum(), [1.0], lr=0.5, momentum=0.5, steps=2)
    >>> path[:, 0]
    tensor([1.0000, 0.5000, 0.0000], dtype=torch.float64)
    """
    return _momentum_descent("heavy_ball", loss, theta, lr, momentum, steps, look_ahead=False)


def _momentum_descent(func: str, loss, theta, lr, momentum, steps, look_ahead: bool) -> torch.Tensor:
    """Heavy ball, or with ``look_ahead`` Nesterov's method: the gradient at θ, or at θ + βv."""
    iterate = _Iterate(loss, theta, func)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    momentum = check_scalar(momentum, name="momentum", func=func, low=0, high=1, high_open=True)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    theta = iterate.start
    velocity = torch.zeros_like(theta)
    path = [theta]
    for _ in range(steps):
        velocity = momentum * velocity - lr * iterate.gradient(theta + momentum * velocity if look_ahead else theta)
        theta = theta + velocity
        path.append(theta)
    return iterate.finish(path)


@one_thread()
def newton_step(loss: Callable, theta) -> torch.Tensor:
    r"""One Newton step :math:`\theta - H^{-1}\nabla L(\theta)`, with the Hessian from ``torch.autograd``.

    On a quadratic with positive-definite Hessian one step lands on the
    minimum, and the step does not change when the parameters are rescaled.

    Parameters
    ----------
    loss : callable
        Maps a 1-D tensor to a scalar tensor, twice differentiable.
    theta : array_like, shape (d,)

    Returns
    -------
    torch.Tensor, shape (d,)

    Raises
    ------
    ValueError
        If the Hessian at ``theta`` is singular.

    Examples
    --------
    >>> A = torch.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
    >>> newton_step(lambda t: 0.5 * (t - 1) @ A @ (t - 1), [5.0, -4.0]).round(decimals=12)
    tensor([1., 1.], dtype=torch.float64)
    """
    func = "newton_step"
    check_callable(loss, name="loss", func=func)
    theta = _vector(theta, func)
    hessian = torch.autograd.functional.hessian(loss, theta)
    gradient = _gradient(loss, theta)
    try:
        return theta - torch.linalg.solve(hessian, gradient)
    except RuntimeError:
        raise ValueError(f"{func}: the Hessian of loss at theta must be invertible "
                         f"(got a singular {tuple(hessian.shape)} Hessian)") from None
