"""Curvature without forming the Hessian: Hessian-vector products and the sharpness."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..runtime import one_thread
from ..validation import as_generator, check_callable, check_integer, check_vector

__all__ = ["hvp", "sharpness"]


def hvp(loss: Callable, theta, v) -> torch.Tensor:
    r"""The Hessian-vector product :math:`\nabla^2 L(\theta)\, v`, by differentiating the gradient once more (reverse over reverse).

    It costs a small multiple of one gradient, whatever the dimension: the
    Hessian itself is never formed.

    Parameters
    ----------
    loss : callable
        Maps a 1-D tensor to a scalar tensor, twice differentiable.
    theta : array_like, shape (d,)
    v : array_like, shape (d,)

    Returns
    -------
    torch.Tensor, shape (d,)

    Examples
    --------
    >>> A = torch.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=torch.float64)
    >>> hvp(lambda t: 0.5 * t @ A @ t, [0.3, -0.2], [1.0, 0.0])
    tensor([2., 1.], dtype=torch.float64)
    """
    func = "hvp"
    check_callable(loss, name="loss", func=func)
    theta, v = check_vector(theta, name="theta", func=func), check_vector(v, name="v", func=func)
    if v.shape != theta.shape:
        raise ValueError(f"{func}: v must have the shape of theta {tuple(theta.shape)} (got {tuple(v.shape)})")
    return _hessian_operator(loss, theta)(v.to(theta.dtype))


def _hessian_operator(loss: Callable, theta: torch.Tensor) -> Callable:
    """``u ↦ ∇²L(θ) u`` by differentiating ``∇L(θ)·u`` once more (the gradient graph is built once)."""
    theta = theta.detach().requires_grad_(True)
    (gradient,) = torch.autograd.grad(loss(theta), theta, create_graph=True)

    def product(u):
        return torch.autograd.grad(gradient, theta, u, retain_graph=True)[0].detach()

    return product


@one_thread()
def sharpness(loss: Callable, theta, iterations: int = 100, seed=0, start=None) -> tuple[float, torch.Tensor]:
    r"""The top Hessian eigenvalue :math:`\lambda_{\max}(\nabla^2 L(\theta))`, by power iteration on HVPs.

    Power iteration converges to the eigenvalue of largest *modulus*; near a
    minimum, where the sharpness is what matters, that is the largest positive
    eigenvalue. The estimate is the Rayleigh quotient :math:`v^\top H v` of
    the last unit vector.

    Parameters
    ----------
    loss : callable
        Maps a 1-D tensor to a scalar tensor.
    theta : array_like, shape (d,)
    iterations : int, default 100
    seed : int or torch.Generator, default 0
        Seeds the random start vector (unless ``start`` is given).
    start : array_like, shape (d,), optional
        A start vector, e.g. the previous call's eigenvector (a warm start).

    Returns
    -------
    (float, torch.Tensor)
        The eigenvalue estimate and its unit eigenvector.

    Examples
    --------
    >>> A = torch.diag(torch.tensor([1.0, 5.0, 2.0], dtype=torch.float64))
    >>> value, vector = sharpness(lambda t: 0.5 * t @ A @ t, torch.zeros(3, dtype=torch.float64), iterations=50)
    >>> round(value, 6)
    5.0
    """
    func = "sharpness"
    check_callable(loss, name="loss", func=func)
    theta = check_vector(theta, name="theta", func=func)
    iterations = check_integer(iterations, name="iterations", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    if start is None:
        v = torch.randn(theta.shape, generator=generator, dtype=theta.dtype)
    else:
        v = check_vector(start, name="start", func=func).to(theta.dtype)
        if v.shape != theta.shape or not v.abs().sum() > 0:
            raise ValueError(f"{func}: start must be a nonzero vector of shape {tuple(theta.shape)} "
                             f"(got shape {tuple(v.shape)})")
    hessian_times = _hessian_operator(loss, theta)
    v = v / v.norm()
    for _ in range(iterations):
        w = hessian_times(v)
        norm = w.norm()
        if norm == 0:
            return 0.0, v
        v = w / norm
    return float(v @ hessian_times(v)), v
