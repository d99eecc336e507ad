r"""Second-order methods without the Hessian: conjugate gradients, BFGS and L-BFGS.

Near a point, a loss is the quadratic :math:`L_0 + g^\top\theta + \tfrac12\theta^\top H\theta`,
whose minimum solves :math:`H\theta = -g`. :func:`conjugate_gradient` solves
it with products :math:`Hv` only (for a network: Hessian-vector products,
:func:`~mltheory.optimization.curvature.hvp`). :func:`bfgs` builds an
approximation :math:`B_k` of :math:`H` from gradient differences, keeping its
inverse :math:`B_k^{-1}`; :func:`lbfgs_two_loop` applies that inverse from the
last few steps without storing any matrix.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ..runtime import one_thread
from ..validation import as_float_tensor, check_choice, check_finite, check_integer, check_scalar, check_vector
from .descent import _Iterate

__all__ = ["conjugate_gradient", "bfgs", "lbfgs_two_loop"]


def _matrix_or_operator(operator, d: int, dtype, func: str) -> Callable:
    if callable(operator):
        return operator
    matrix = check_finite(as_float_tensor(operator, name="operator", func=func), name="operator", func=func)
    if matrix.shape != (d, d):
        raise ValueError(f"{func}: operator must be a ({d}, {d}) matrix or a callable v -> Hv "
                         f"(got shape {tuple(matrix.shape)})")
    matrix = matrix.to(dtype)
    return lambda v: matrix @ v


@one_thread()
def conjugate_gradient(operator, b, *, x0=None, tol=1e-10, max_iter=None) -> torch.Tensor:
    r"""Solve :math:`Hx = b` for symmetric positive-definite :math:`H` by conjugate gradients, matrix-free.

    Each step minimises the quadratic :math:`\tfrac12 x^\top H x - b^\top x`
    over one more direction, :math:`H`-conjugate to all earlier ones. In exact
    arithmetic it finishes in at most as many steps as :math:`H` has distinct
    eigenvalues, and its error in the :math:`H`-norm obeys
    :math:`\|e_k\|_H \le 2\big(\tfrac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\big)^k \|e_0\|_H`.

    Parameters
    ----------
    operator : callable or array_like of shape (d, d)
        :math:`v \mapsto Hv` (e.g. ``lambda v: hvp(loss, theta, v)``), or the matrix :math:`H`.
    b : array_like, shape (d,)
        The right-hand side; for a Newton step, minus the gradient.
    x0 : array_like, shape (d,), optional
        The start (default zero).
    tol : float, default 1e-10
        Stop once :math:`\|b - Hx\| \le \text{tol}\, \|b\|`.
    max_iter : int, optional
        At most this many steps (default ``10 * d``, room for rounding).

    Returns
    -------
    torch.Tensor, shape (k + 1, d)
        The iterates :math:`x_0, \dots, x_k`; the last row is the solution.

    Raises
    ------
    ValueError
        If a search direction has :math:`p^\top H p \le 0` (``H`` is not positive definite).

    Examples
    --------
    Three distinct eigenvalues, so three steps:

    >>> H = torch.diag(torch.tensor([1.0, 2.0, 2.0, 5.0], dtype=torch.float64))
    >>> path = conjugate_gradient(H, [1.0, 1.0, 1.0, 1.0])
    >>> len(path) - 1, path[-1]
    (3, tensor([1.0000, 0.5000, 0.5000, 0.2000], dtype=torch.float64))
    """
    func = "conjugate_gradient"
    b = check_vector(b, name="b", func=func)
    d = b.numel()
    apply = _matrix_or_operator(operator, d, b.dtype, func)
    tol = check_scalar(tol, name="tol", func=func, low=0, low_open=True)
    max_iter = check_integer(10 * d if max_iter is None else max_iter, name="max_iter", func=func, minimum=1)
    x = torch.zeros_like(b) if x0 is None else check_finite(
        as_float_tensor(x0, name="x0", func=func), name="x0", func=func).to(b.dtype)
    if x.shape != b.shape:
        raise ValueError(f"{func}: x0 must have the shape of b {tuple(b.shape)} (got {tuple(x.shape)})")
    residual = b - apply(x)
    direction = residual.clone()
    squared = residual @ residual
    target = (tol * b.norm()) ** 2
    path = [x]
    for _ in range(max_iter):
        if squared <= target:
            break
        h_direction = apply(direction)
        curvature = direction @ h_direction
        if not curvature > 0:
            raise ValueError(f"{func}: operator must be positive definite (got p^T H p = {curvature.item():.3g} "
                             f"along a search direction)")
        step = squared / curvature
        x = x + step * direction
        residual = residual - step * h_direction
        new_squared = residual @ residual
        direction = residual + (new_squared / squared) * direction
        squared = new_squared
        path.append(x)
    return torch.stack(path)


def _inverse_update(inverse: torch.Tensor, d: torch.Tensor, y: torch.Tensor, curvature: float | None = None):
    r"""The BFGS update of :math:`B^{-1}`: :math:`(I - \rho d y^\top) B^{-1} (I - \rho y d^\top) + \rho d d^\top`, :math:`\rho = 1/y^\top d`.

    Multiplied out (``B⁻¹`` symmetric) it is three rank-one updates, :math:`O(n^2)` operations.
    ``curvature`` is :math:`y^\top d` if the caller has it already.
    """
    rho = 1 / (torch.dot(y, d).item() if curvature is None else curvature)
    inverse_y = torch.mv(inverse, y)
    updated = torch.addr(inverse, d, d, alpha=rho * (1 + rho * torch.dot(y, inverse_y).item()))
    return updated.addr_(inverse_y, d, alpha=-rho).addr_(d, inverse_y, alpha=-rho)


def _cubic_minimum(a, fa, da, b, fb, db):
    """The minimiser of the cubic through (a, fa, da) and (b, fb, db), kept a tenth of the interval from its ends.

    The midpoint if the cubic has no finite minimiser (for instance when ``fb`` is infinite).
    """
    if a == b:
        return a
    d1 = da + db - 3 * (fa - fb) / (a - b)
    radicand = d1 * d1 - da * db
    if not radicand >= 0:
        return (a + b) / 2
    d2 = math.sqrt(radicand) * (1 if b > a else -1)
    denominator = db - da + 2 * d2
    trial = b - (b - a) * (db + d2 - d1) / denominator if denominator != 0 else math.nan
    if not math.isfinite(trial):
        return (a + b) / 2
    margin = 0.1 * abs(b - a)
    return min(max(trial, min(a, b) + margin), max(a, b) - margin)


def _wolfe_line_search(evaluate, theta, direction, value, slope, alpha, c1=1e-4, c2=0.9, max_evaluations=60):
    """A step length satisfying the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5 and 3.6).

    ``evaluate`` maps a point to its loss (a float) and gradient. Returns ``(point, value, gradient, step,
    slope)`` at the accepted point (``slope`` the derivative along ``direction`` there), or ``None`` if none
    was found.
    """
    def at(a):
        point = torch.add(theta, direction, alpha=a)
        f, g = evaluate(point)
        d = torch.dot(g, direction).item()
        return f, d, (point, f, g, a, d)

    def zoom(lo, f_lo, d_lo, hi, f_hi, d_hi, budget):
        for _ in range(budget):
            a = _cubic_minimum(lo, f_lo, d_lo, hi, f_hi, d_hi)
            f, d, found = at(a)
            if f > value + c1 * a * slope or f >= f_lo:
                hi, f_hi, d_hi = a, f, d
            else:
                if abs(d) <= -c2 * slope:
                    return found
                if d * (hi - lo) >= 0:
                    hi, f_hi, d_hi = lo, f_lo, d_lo
                lo, f_lo, d_lo = a, f, d
        return None

    previous, f_previous, d_previous = 0.0, value, slope
    for i in range(max_evaluations):
        f, d, found = at(alpha)
        if f > value + c1 * alpha * slope or (i > 0 and f >= f_previous):
            return zoom(previous, f_previous, d_previous, alpha, f, d, max_evaluations - i)
        if abs(d) <= -c2 * slope:
            return found
        if d >= 0:
            return zoom(alpha, f, d, previous, f_previous, d_previous, max_evaluations - i)
        previous, f_previous, d_previous = alpha, f, d
        alpha *= 2
    return None


@one_thread()
def bfgs(loss: Callable, theta, *, gradient: Callable | None = None, gtol=1e-5, max_iter: int = 1000,
         line_search: str = "wolfe") -> torch.Tensor:
    r"""Minimise ``loss`` by BFGS, which keeps the inverse :math:`B_k^{-1}` of a Hessian approximation.

    With :math:`d_k = \theta_{k+1} - \theta_k` and
    :math:`y_k = \nabla L(\theta_{k+1}) - \nabla L(\theta_k)`, the update
    :math:`B_{k+1}^{-1} = (I - \rho_k d_k y_k^\top) B_k^{-1} (I - \rho_k y_k d_k^\top) + \rho_k d_k d_k^\top`,
    :math:`\rho_k = 1/y_k^\top d_k`, makes :math:`B_{k+1} d_k = y_k` (the secant
    condition) and keeps :math:`B_k` positive definite whenever
    :math:`y_k^\top d_k > 0`, which a Wolfe line search guarantees. The start is
    :math:`B_0 = I`, as in ``scipy.optimize.minimize(method="BFGS")``.

    Parameters
    ----------
    loss : callable
        Maps a 1-D tensor to a scalar tensor; or, when ``theta`` is a module, maps the module to its loss.
    theta : array_like of shape (d,), or torch.nn.Module
        The start: a parameter vector, or a module whose trainable parameters are optimised (in place: they
        hold the last iterate on return).
    gradient : callable, optional
        The gradient of ``loss``, if you have it in closed form (scipy's ``jac=``): takes what ``loss``
        takes and returns a tensor of shape (d,) and ``theta``'s dtype (for a module, the gradient with
        respect to its trainable parameters flattened in ``parameters()`` order). By default the gradient
        comes from ``torch.autograd``, which costs more than the loss itself on small problems.
    gtol : float, default 1e-5
        Stop once the largest gradient component is at most ``gtol`` (scipy's default test).
    max_iter : int, default 1000
    line_search : {"wolfe", "exact"}, default "wolfe"
        ``"wolfe"``: a step satisfying the strong Wolfe conditions (:math:`c_1 = 10^{-4}`, :math:`c_2 = 0.9`).
        ``"exact"``: the step :math:`-g^\top p / p^\top H p` from one Hessian-vector product of ``loss``
        (by autograd), the exact minimiser along the line **for a quadratic loss**.

    Returns
    -------
    torch.Tensor, shape (k + 1, d)
        The iterates (flattened parameters, for a module), the start first.

    Raises
    ------
    ValueError
        If the line search fails, (``"exact"``) the curvature along a direction is not positive, or
        ``gradient`` returns the wrong shape or dtype, or non-finite values, at the start.

    Examples
    --------
    >>> rosenbrock = lambda t: (1 - t[0]) ** 2 + 100 * (t[1] - t[0] ** 2) ** 2
    >>> bfgs(rosenbrock, [-1.2, 1.0], gtol=1e-9)[-1].round(decimals=8)
    tensor([1., 1.], dtype=torch.float64)

    With the gradient in closed form, no autograd is needed:

    >>> def rosenbrock_gradient(t):
    ...     r = t[1] - t[0] ** 2
    ...     return torch.stack([-400 * t[0] * r - 2 * (1 - t[0]), 200 * r])
    >>> bfgs(rosenbrock, [-1.2, 1.0], gradient=rosenbrock_gradient, gtol=1e-9)[-1].round(decimals=8)
    tensor([1., 1.], dtype=torch.float64)
    """
    func = "bfgs"
    objective = _Iterate(loss, theta, func, gradient)
    theta = objective.start
    gtol = check_scalar(gtol, name="gtol", func=func, low=0, low_open=True)
    max_iter = check_integer(max_iter, name="max_iter", func=func, minimum=1)
    line_search = check_choice(line_search, ("wolfe", "exact"), name="line_search", func=func)
    evaluate = objective.value_and_gradient
    value, gradient = evaluate(theta)
    objective.check_gradient(gradient)
    inverse = torch.eye(theta.numel(), dtype=theta.dtype, device=theta.device)
    path = [theta]
    alpha = 1 / max(1.0, torch.linalg.vector_norm(gradient, ord=1).item())  # a first step of length at most 1
    while len(path) <= max_iter and torch.linalg.vector_norm(gradient, ord=math.inf).item() > gtol:
        direction = torch.mv(inverse, gradient).neg_()
        slope = torch.dot(gradient, direction).item()
        if line_search == "exact":
            curvature = objective.curvature(theta, direction)
            if not curvature > 0:
                raise ValueError(f"{func}: line_search='exact' needs positive curvature along each direction "
                                 f"(got p^T H p = {curvature:.3g})")
            new_theta = torch.add(theta, direction, alpha=-slope / curvature)
            new_value, new_gradient = evaluate(new_theta)
        else:
            found = _wolfe_line_search(evaluate, theta, direction, value, slope, alpha)
            if found is None:
                raise ValueError(f"{func}: the line search found no step satisfying the Wolfe conditions "
                                 f"at iterate {len(path) - 1} (loss {value:.6g})")
            new_theta, new_value, new_gradient, alpha, new_slope = found
        step, change = new_theta - theta, new_gradient - gradient
        curvature = (torch.dot(change, step).item() if line_search == "exact"
                     else alpha * (new_slope - slope))  # y^T d, from the two slopes along the direction
        if curvature > 0:  # always, after a Wolfe step or on a convex quadratic
            inverse = _inverse_update(inverse, step, change, curvature)
        value, gradient, theta, alpha = new_value, new_gradient, new_theta, 1.0
        path.append(theta)
    objective.write(theta)
    return torch.stack(path)


def lbfgs_two_loop(gradient, steps, changes) -> torch.Tensor:
    r"""L-BFGS's two-loop recursion: :math:`B_k^{-1} g` from the last :math:`m` pairs :math:`(d_i, y_i)`, no matrix stored.

    The result equals the dense product of :math:`m` BFGS inverse updates
    applied to :math:`B_0^{-1} = \gamma I`, with the usual scaling
    :math:`\gamma = d_{m}^\top y_{m} / y_{m}^\top y_{m}` from the newest pair,
    at a cost of :math:`4md` multiplications.

    Parameters
    ----------
    gradient : array_like, shape (d,)
    steps : array_like, shape (m, d)
        The steps :math:`d_i = \theta_{i+1} - \theta_i`, oldest first.
    changes : array_like, shape (m, d)
        The gradient changes :math:`y_i`, with every :math:`y_i^\top d_i > 0`.

    Returns
    -------
    torch.Tensor, shape (d,)
        :math:`B_k^{-1} g`; the L-BFGS direction is its negative.

    Examples
    --------
    One pair from the quadratic with Hessian diag(1, 4): the secant pair is reproduced.

    >>> lbfgs_two_loop([0.0, 4.0], [[0.0, 1.0]], [[0.0, 4.0]])
    tensor([0., 1.], dtype=torch.float64)
    """
    func = "lbfgs_two_loop"
    q = check_vector(gradient, name="gradient", func=func)
    pairs = []
    for name, value in (("steps", steps), ("changes", changes)):
        value = check_finite(as_float_tensor(value, name=name, func=func), name=name, func=func).to(q.dtype)
        if value.dim() != 2 or value.shape[0] == 0 or value.shape[1] != q.numel():
            raise ValueError(f"{func}: {name} must have shape (m, {q.numel()}) with m >= 1 (got {tuple(value.shape)})")
        pairs.append(value)
    s, y = pairs
    if s.shape != y.shape:
        raise ValueError(f"{func}: steps and changes must have the same shape (got {tuple(s.shape)} and {tuple(y.shape)})")
    curvature = (s * y).sum(dim=1)
    if not (curvature > 0).all():
        raise ValueError(f"{func}: steps and changes must pair with positive curvature y_i^T d_i "
                         f"(got {curvature.min().item():.3g})")
    rho = 1 / curvature
    alphas = []
    for i in reversed(range(len(s))):
        alphas.append(rho[i] * (s[i] @ q))
        q = q - alphas[-1] * y[i]
    r = (curvature[-1] / (y[-1] @ y[-1])) * q
    for i, alpha in zip(range(len(s)), reversed(alphas)):
        r = r + s[i] * (alpha - rho[i] * (y[i] @ r))
    return r
