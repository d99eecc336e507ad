r"""Adaptive optimisers: RMSProp, Adam, AMSGrad and sign descent, on a tensor or on a module's parameters.

Each optimiser runs ``steps`` steps and returns the trajectory of the
(flattened) parameters, starting point first, like
:func:`~mltheory.optimization.descent.gradient_descent`. Given an
``nn.Module`` instead of a tensor, it trains the module's parameters in place,
as ``torch.optim`` would, and returns their trajectory as flat vectors.

With :math:`g_t` the gradient at step :math:`t = 1, 2, \dots` and
:math:`m_0 = v_0 = 0`, Adam keeps

.. math::
    m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,

and steps by :math:`-\eta\,\hat m_t/(\sqrt{\hat v_t} + \epsilon)` with the
bias-corrected :math:`\hat m_t = m_t/(1-\beta_1^t)` and
:math:`\hat v_t = v_t/(1-\beta_2^t)`, where :math:`t` is the number of
gradients averaged. The arithmetic follows ``torch.optim`` operation by
operation, so that the two agree to rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..runtime import one_thread
from ..validation import check_flag, check_integer, check_real, check_scalar
from .descent import _Iterate

__all__ = ["adam", "amsgrad", "reddi_online_problem", "rmsprop", "sign_descent"]


@dataclass
class _Settings:
    """What distinguishes the adaptive methods: the averages kept and how the step is formed."""

    beta1: float = 0.0
    beta2: float = 0.0
    eps: float = 0.0
    bias_correction: bool = True
    amsgrad: bool = False
    sign: bool = False
    weight_decay: float = 0.0
    decoupled: bool = False


def _bounds(bounds, func: str):
    if bounds is None:
        return None
    if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
        raise TypeError(f"{func}: bounds must be None or a pair (low, high) (got {bounds!r})")
    low, high = (check_real(b, name="bounds", func=func) for b in bounds)
    if not low < high:
        raise ValueError(f"{func}: bounds must have low < high (got {bounds!r})")
    return low, high


@one_thread()
def _run(func: str, loss, theta, lr, steps, settings: _Settings, bounds, online) -> torch.Tensor:
    """The shared loop: validate, then step the flat parameter vector in place and record it."""
    problem = _Iterate(loss, theta, func)
    online = check_flag(online, name="online", func=func)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    box = _bounds(bounds, func)
    s = settings
    flat = problem.start.clone()
    m, v = torch.zeros_like(flat), torch.zeros_like(flat)
    v_max = torch.zeros_like(flat) if s.amsgrad else None
    path = torch.empty((steps + 1, flat.numel()), dtype=flat.dtype, device=flat.device)
    path[0] = flat
    for t in range(1, steps + 1):
        g = problem.gradient(flat, *((t,) if online else ()))
        if s.weight_decay and s.decoupled:
            flat.mul_(1 - lr * s.weight_decay)
        elif s.weight_decay:
            g = g.add(flat, alpha=s.weight_decay)
        if s.sign:
            flat.add_(torch.sign(g), alpha=-lr)
        else:
            _adaptive_step(flat, g, m, v, v_max, lr, t, s)
        if box is not None:
            flat.clamp_(*box)
        path[t] = flat
    problem.write(flat)
    return path


def _adaptive_step(flat, g, m, v, v_max, lr: float, t: int, s: _Settings) -> None:
    """One Adam-family step, in place, with torch.optim's order of operations."""
    if s.beta1:
        m.lerp_(g, 1 - s.beta1)
    v.mul_(s.beta2).addcmul_(g, g, value=1 - s.beta2)
    if v_max is not None:
        torch.maximum(v_max, v, out=v_max)
    second = v if v_max is None else v_max
    correction1 = 1 - s.beta1**t if s.bias_correction else 1.0
    correction2 = (1 - s.beta2**t) ** 0.5 if s.bias_correction else 1.0
    denominator = (second.sqrt() / correction2).add_(s.eps)
    flat.addcdiv_(m if s.beta1 else g, denominator, value=-lr / correction1)


def _weight_decay(weight_decay, decoupled, func):
    return (check_scalar(weight_decay, name="weight_decay", func=func, low=0),
            check_flag(decoupled, name="decoupled", func=func))


def _beta(value, name, func):
    return check_scalar(value, name=name, func=func, low=0, high=1, high_open=True)


def rmsprop(loss: Callable, theta, lr, steps: int, beta=0.99, eps=1e-8, bias_correction: bool = True,
            weight_decay=0.0, decoupled: bool = False, bounds=None, online: bool = False) -> torch.Tensor:
    r"""RMSProp: :math:`v_t = \beta v_{t-1} + (1-\beta) g_t^2`, :math:`\theta_t = \theta_{t-1} - \eta\, g_t/(\sqrt{\hat v_t} + \epsilon)`.

    Parameters
    ----------
    loss, theta, lr, steps
        As in :func:`adam`: the loss, the start (a vector, or a module trained in place), :math:`\eta`, the steps.
    beta : float, default 0.99
        :math:`\beta` in [0, 1), the decay of the average of squared gradients.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added to :math:`\sqrt{\hat v_t}`.
    bias_correction : bool, default True
        Divide :math:`v_t` by :math:`1 - \beta^t` (:math:`t` the number of gradients averaged).
        ``torch.optim.RMSprop`` does not correct: pass ``False`` to match it.
    weight_decay, decoupled, bounds, online
        As in :func:`adam` (``torch.optim.RMSprop`` has L2 weight decay only).

    Returns
    -------
    torch.Tensor, shape (steps + 1, d)
        The trajectory of the flattened parameters, starting point first.

    Examples
    --------
    >>> path = rmsprop(lambda t: (t**2).sum(), [1.0, -0.5], lr=0.1, steps=2, eps=0.0)
    >>> path[1]  # the first bias-corrected step has length lr in every coordinate
    tensor([ 0.9000, -0.4000], dtype=torch.float64)
    """
    func = "rmsprop"
    settings = _Settings(beta2=_beta(beta, "beta", func), eps=check_scalar(eps, name="eps", func=func, low=0),
                         bias_correction=check_flag(bias_correction, name="bias_correction", func=func))
    settings.weight_decay, settings.decoupled = _weight_decay(weight_decay, decoupled, func)
    return _run(func, loss, theta, lr, steps, settings, bounds, online)


def _adam_settings(func, beta1, beta2, eps, bias_correction, weight_decay, decoupled, amsgrad) -> _Settings:
    settings = _Settings(beta1=_beta(beta1, "beta1", func), beta2=_beta(beta2, "beta2", func),
                         eps=check_scalar(eps, name="eps", func=func, low=0),
                         bias_correction=check_flag(bias_correction, name="bias_correction", func=func),
                         amsgrad=amsgrad)
    settings.weight_decay, settings.decoupled = _weight_decay(weight_decay, decoupled, func)
    return settings


def adam(loss: Callable, theta, lr, steps: int, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction: bool = True,
         weight_decay=0.0, decoupled: bool = False, bounds=None, online: bool = False) -> torch.Tensor:
    r"""Adam (Kingma & Ba, 2015), and AdamW with ``decoupled=True``.

    :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`, :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`,
    :math:`\theta_t = \theta_{t-1} - \eta\,\hat m_t / (\sqrt{\hat v_t} + \epsilon)` with
    :math:`\hat m_t = m_t/(1-\beta_1^t)` and :math:`\hat v_t = v_t/(1-\beta_2^t)`.
    It equals ``torch.optim.Adam`` (``torch.optim.AdamW`` when decoupled) to rounding.

    Parameters
    ----------
    loss : callable
        ``loss(theta)`` (``loss(theta, t)`` if ``online``) returns a scalar tensor; for a module
        ``theta``, it is called with the module.
    theta : array_like, shape (d,), or nn.Module
        The starting point, or a module whose parameters are trained in place.
    lr : float
        The learning rate :math:`\eta > 0`.
    steps : int
        Number of steps, at least 1.
    beta1, beta2 : float, default 0.9 and 0.999
        Decays of the averages of the gradient and of its square, in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added to :math:`\sqrt{\hat v_t}`.
    bias_correction : bool, default True
        Divide by :math:`1 - \beta_1^t` and :math:`1 - \beta_2^t`, :math:`t` the number of gradients averaged.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`: adds :math:`\lambda\theta` to the gradient (L2 regularisation), or
        with ``decoupled`` multiplies :math:`\theta` by :math:`1 - \eta\lambda` before the step (AdamW).
    decoupled : bool, default False
        Decoupled weight decay (AdamW; Loshchilov & Hutter, 2019).
    bounds : (float, float), optional
        Clamp every coordinate to ``[low, high]`` after each step (projection onto a box).
    online : bool, default False
        Call ``loss(theta, t)`` with the step number ``t = 1, 2, ...``.

    Returns
    -------
    torch.Tensor, shape (steps + 1, d)
        The trajectory of the flattened parameters, starting point first.

    Examples
    --------
    >>> path = adam(lambda t: 0.5 * (t**2).sum(), [3.0, -1.0], lr=0.1, steps=100)
    >>> path[-1].abs().max() < 0.1
    tensor(True)
    >>> net = torch.nn.Linear(2, 1)
    >>> x, y = torch.randn(8, 2), torch.randn(8, 1)
    >>> adam(lambda m: ((m(x) - y) ** 2).mean(), net, lr=0.01, steps=3).shape
    torch.Size([4, 3])
    """
    func = "adam"
    settings = _adam_settings(func, beta1, beta2, eps, bias_correction, weight_decay, decoupled, amsgrad=False)
    return _run(func, loss, theta, lr, steps, settings, bounds, online)


def amsgrad(loss: Callable, theta, lr, steps: int, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction: bool = True,
            weight_decay=0.0, decoupled: bool = False, bounds=None, online: bool = False) -> torch.Tensor:
    r"""AMSGrad (Reddi et al., 2018): Adam with the running maximum of :math:`v_t` in the denominator.

    :math:`\tilde v_t = \max(\tilde v_{t-1}, v_t)` and
    :math:`\theta_t = \theta_{t-1} - \eta\,\hat m_t / (\sqrt{\tilde v_t/(1-\beta_2^t)} + \epsilon)`, as in
    ``torch.optim.Adam(amsgrad=True)``, which takes the maximum of the uncorrected :math:`v_t` and then
    corrects it. (Reddi et al. do not bias-correct: pass ``bias_correction=False``.)
    The parameters and the result are those of :func:`adam`.

    Parameters
    ----------
    loss, theta, lr, steps, beta1, beta2, eps, bias_correction, weight_decay, decoupled, bounds, online
        As in :func:`adam`.

    Returns
    -------
    torch.Tensor, shape (steps + 1, d)
        The trajectory of the flattened parameters, starting point first.

    Examples
    --------
    On Reddi et al.'s problem AMSGrad reaches the minimiser -1, where Adam reaches +1:

    >>> settings = dict(beta1=0.0, beta2=0.1, eps=0.0, bounds=(-1.0, 1.0), online=True)
    >>> [round(method(reddi_online_problem(3.0), [0.0], 0.05, 300, **settings)[-3:].mean().item(), 2)
    ...  for method in (amsgrad, adam)]
    [-0.98, 0.98]
    """
    func = "amsgrad"
    settings = _adam_settings(func, beta1, beta2, eps, bias_correction, weight_decay, decoupled, amsgrad=True)
    return _run(func, loss, theta, lr, steps, settings, bounds, online)


def sign_descent(loss: Callable, theta, lr, steps: int, bounds=None, online: bool = False) -> torch.Tensor:
    r"""Sign descent :math:`\theta_t = \theta_{t-1} - \eta\,\operatorname{sign}(g_t)`: RMSProp and Adam as :math:`\beta \to 0`.

    Parameters
    ----------
    loss, theta, lr, steps, bounds, online
        As in :func:`adam`.

    Returns
    -------
    torch.Tensor, shape (steps + 1, d)
        The trajectory of the flattened parameters, starting point first.

    Examples
    --------
    >>> sign_descent(lambda t: (100 * t[0] ** 2 + t[1] ** 2), [0.25, -0.5], lr=0.25, steps=2)
    tensor([[ 0.2500, -0.5000],
            [ 0.0000, -0.2500],
            [ 0.0000,  0.0000]], dtype=torch.float64)
    """
    return _run("sign_descent", loss, theta, lr, steps, _Settings(sign=True), bounds, online)


def reddi_online_problem(constant=3.0):
    r"""The online loss of Reddi, Kale and Kumar (2018): :math:`f_t(x) = Cx` when :math:`t \bmod 3 = 1`, else :math:`-x`.

    On :math:`[-1, 1]` the average loss :math:`(C - 2)x/3` is minimised at :math:`x = -1` for :math:`C > 2`.
    Pass the result as ``loss`` with ``online=True`` and ``bounds=(-1, 1)``.

    Parameters
    ----------
    constant : float, default 3
        :math:`C > 2`.

    Returns
    -------
    callable
        ``loss(x, t)``, the sum of the entries of ``x`` times :math:`C` or :math:`-1`.

    Examples
    --------
    >>> loss = reddi_online_problem(3.0)
    >>> [loss(torch.tensor([1.0]), t).item() for t in (1, 2, 3, 4)]
    [3.0, -1.0, -1.0, 3.0]
    """
    constant = check_scalar(constant, name="constant", func="reddi_online_problem", low=2, low_open=True)

    def loss(x, t):
        return (constant if t % 3 == 1 else -1.0) * x.sum()

    return loss
