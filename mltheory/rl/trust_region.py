r"""Trust regions for policies: the policy KL, its Fisher matrix, the TRPO step and the PPO-clip loss.

A policy with logits :math:`z_\theta(s)` over actions at each state :math:`s`
moves by a step whose size is measured by the averaged policy KL
:math:`\bar D(\theta' \| \theta) = \langle D(\pi_{\theta'}(\cdot \mid s) \| \pi_\theta(\cdot \mid s)) \rangle_s`
(:func:`policy_kl`). Its Hessian at :math:`\theta' = \theta` is the policy
Fisher matrix, so :func:`fisher_vector_product` is a Hessian-vector product of
the KL, and :func:`trpo_step` solves :math:`F x = g` by conjugate gradients
(:func:`mltheory.optimization.second_order.conjugate_gradient`) and takes the step
:math:`\sqrt{2\delta / x^\top F x}\; x` *up* the objective, backtracking until
the KL is at most :math:`\delta`. :func:`ppo_clip_loss` is PPO's clipped
surrogate loss, :func:`ppo_kl_penalty_loss` its variant with an adaptive KL
penalty, and :func:`normalize_advantages` the per-batch standardisation of the
advantages that PPO implementations apply first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import torch

from ..optimization import conjugate_gradient, hvp
from ..runtime import one_thread
from ..validation import (
    as_float_tensor,
    broadcast_arguments,
    check_callable,
    check_finite,
    check_integer,
    check_labels,
    check_scalar,
    check_vector,
)

__all__ = ["KLPenaltyLoss", "TRPOStep", "fisher_vector_product", "normalize_advantages", "policy_kl", "ppo_clip_loss",
           "ppo_kl_penalty_loss", "trpo_step"]


def _logits(x, name: str, func: str) -> torch.Tensor:
    x = check_finite(as_float_tensor(x, name=name, func=func), name=name, func=func)
    if x.dim() != 2 or x.shape[0] == 0 or x.shape[1] < 2:
        raise ValueError(f"{func}: {name} must have shape (states, actions) with at least one state and two "
                         f"actions (got {tuple(x.shape)})")
    return x


def policy_kl(logits_new, logits_old, weights=None) -> torch.Tensor:
    r"""The averaged KL :math:`\sum_s w_s\, D(\pi_{new}(\cdot \mid s) \,\|\, \pi_{old}(\cdot \mid s))` of two policies.

    Parameters
    ----------
    logits_new, logits_old : array_like, shape (states, actions)
        The logits of the two policies at each state; gradients flow through both.
    weights : array_like, shape (states,), optional
        How often each state is visited under the old policy (non-negative, summing to 1);
        uniform by default.

    Returns
    -------
    torch.Tensor, scalar, in nats

    Examples
    --------
    >>> policy_kl([[0.0, 0.0]], [[0.0, torch.log(torch.tensor(3.0))]])  # D(½, ½ || ¼, ¾)
    tensor(0.1438, dtype=torch.float64)
    """
    func = "policy_kl"
    new, old = _logits(logits_new, "logits_new", func), _logits(logits_old, "logits_old", func)
    if new.shape != old.shape:
        raise ValueError(f"{func}: logits_old must have the shape of logits_new {tuple(new.shape)} "
                         f"(got {tuple(old.shape)})")
    log_new, log_old = torch.log_softmax(new, -1), torch.log_softmax(old.to(new.dtype), -1)
    per_state = (log_new.exp() * (log_new - log_old)).sum(-1)
    if weights is None:
        return per_state.mean()
    weights = check_finite(as_float_tensor(weights, name="weights", func=func), name="weights", func=func)
    if weights.shape != per_state.shape or (weights < 0).any() or abs(weights.sum().item() - 1) > 1e-9:
        raise ValueError(f"{func}: weights must be {per_state.shape[0]} non-negative numbers summing to 1 "
                         f"(got shape {tuple(weights.shape)}, sum {weights.sum().item():.6g})")
    return (weights.to(per_state) * per_state).sum()


def fisher_vector_product(logits_fn: Callable, theta, v, *, damping=0.0) -> torch.Tensor:
    r"""The policy Fisher matrix times a vector, :math:`(F + \lambda I)\, v`, as a Hessian-vector product of the policy KL.

    :math:`F` is the Hessian of :math:`\theta' \mapsto \bar D(\theta' \| \theta)`
    at :math:`\theta' = \theta` (the KL between the policy at ``theta`` held
    fixed and a moving copy): two backward passes, and no matrix is formed.

    Parameters
    ----------
    logits_fn : callable
        ``logits_fn(theta)``: the logits, shape (states, actions), of the policy with parameters ``theta``.
    theta : array_like, shape (d,)
    v : array_like, shape (d,)
    damping : float, default 0
        :math:`\lambda \ge 0`, added as :math:`\lambda v` (TRPO's damping of a singular Fisher).

    Returns
    -------
    torch.Tensor, shape (d,)

    Examples
    --------
    A tabular policy with two actions at one state, at logits (0, 0): the
    Fisher of a softmax is :math:`\mathrm{diag}(p) - p p^\top`.

    >>> fisher_vector_product(lambda t: t.reshape(1, 2), [0.0, 0.0], [1.0, 0.0])
    tensor([ 0.2500, -0.2500], dtype=torch.float64)
    """
    func = "fisher_vector_product"
    check_callable(logits_fn, name="logits_fn", func=func)
    theta = check_vector(theta, name="theta", func=func).detach()
    v = check_vector(v, name="v", func=func).to(theta.dtype)
    damping = check_scalar(damping, name="damping", func=func, low=0)
    if v.shape != theta.shape:
        raise ValueError(f"{func}: v must have the shape of theta {tuple(theta.shape)} (got {tuple(v.shape)})")
    fixed = logits_fn(theta).detach()
    return hvp(lambda t: policy_kl(logits_fn(t), fixed), theta, v) + damping * v


class TRPOStep(NamedTuple):
    """What :func:`trpo_step` did: the new parameters, the KL and the gain it reached, and the halvings it needed."""

    theta: torch.Tensor
    kl: float
    improvement: float
    backtracks: int


@one_thread()
def trpo_step(objective: Callable, logits_fn: Callable, theta, *, max_kl=0.01, cg_iters: int = 10,
              backtracks: int = 10, damping=0.0) -> TRPOStep:
    r"""One TRPO step: the natural-gradient ascent step of KL :math:`\delta`, with a backtracking line search.

    With :math:`g = \nabla J(\theta)` and :math:`x \approx F^{-1} g` from
    ``cg_iters`` conjugate-gradient steps with Fisher-vector products, the
    proposed step is :math:`\Delta = \sqrt{2\delta / x^\top F x}\; x`: the
    maximiser of the linear gain :math:`g^\top\Delta` on the ellipsoid
    :math:`\tfrac12 \Delta^\top F \Delta = \delta`, the quadratic model of the
    KL. The step goes **up** :math:`J` (the notes' (8.5.2) has the wrong sign).
    It is halved until the true averaged KL is at most :math:`\delta` and
    :math:`J` has increased, at most ``backtracks`` times; if no step passes,
    ``theta`` is returned unchanged.

    Parameters
    ----------
    objective : callable
        ``objective(theta)``: the scalar :math:`J` to **maximise** (e.g. a surrogate advantage).
    logits_fn : callable
        ``logits_fn(theta)``: the policy's logits, shape (states, actions).
    theta : array_like, shape (d,)
    max_kl : float, default 0.01
        The trust region :math:`\delta > 0`, in nats.
    cg_iters : int, default 10
    backtracks : int, default 10
    damping : float, default 0
        Added to the Fisher matrix in the solve, :math:`(F + \lambda I) x = g`.

    Returns
    -------
    TRPOStep

    Examples
    --------
    A two-armed bandit with rewards 1 and 0, from the uniform policy:

    >>> step = trpo_step(lambda t: torch.softmax(t, -1)[0], lambda t: t.reshape(1, 2), [0.0, 0.0], max_kl=0.01)
    >>> round(step.kl, 4), step.improvement > 0, step.backtracks  # the quadratic model of the KL is close
    (0.0099, True, 0)
    """
    func = "trpo_step"
    check_callable(objective, name="objective", func=func)
    check_callable(logits_fn, name="logits_fn", func=func)
    theta = check_vector(theta, name="theta", func=func).detach()
    max_kl = check_scalar(max_kl, name="max_kl", func=func, low=0, low_open=True)
    cg_iters = check_integer(cg_iters, name="cg_iters", func=func, minimum=1)
    backtracks = check_integer(backtracks, name="backtracks", func=func, minimum=0)
    damping = check_scalar(damping, name="damping", func=func, low=0)
    start = theta.clone().requires_grad_(True)
    value = objective(start)
    gradient, = torch.autograd.grad(value, start)

    def fisher(u):
        return fisher_vector_product(logits_fn, theta, u, damping=damping)

    direction = conjugate_gradient(fisher, gradient, max_iter=cg_iters)[-1]
    curvature = direction @ fisher(direction)
    step = math.sqrt(2 * max_kl / curvature.item()) * direction
    old = logits_fn(theta).detach()
    with torch.no_grad():
        for halvings in range(backtracks + 1):
            candidate = theta + step / 2**halvings
            kl = policy_kl(logits_fn(candidate), old).item()
            gain = (objective(candidate) - value).item()
            if kl <= max_kl and gain > 0:
                return TRPOStep(candidate, kl, gain, halvings)
    return TRPOStep(theta, 0.0, 0.0, backtracks)


def ppo_clip_loss(ratio, advantages, clip_eps=0.2) -> torch.Tensor:
    r"""PPO's clipped surrogate loss, :math:`-\langle \min(r A,\; \mathrm{clip}(r, 1 - \epsilon, 1 + \epsilon) A) \rangle`.

    Its gradient in :math:`r` is :math:`-A` where the unclipped term is the
    smaller (inside the clip range, and on the side of the range *opposite*
    to the sign of :math:`A`: the pessimistic branch) and 0 where the clipped
    term is (beyond :math:`1 + \epsilon` for :math:`A > 0`, below
    :math:`1 - \epsilon` for :math:`A < 0`). At :math:`r = 1`, the first step
    after the data were collected, it is the plain policy gradient.

    Parameters
    ----------
    ratio : array_like
        :math:`r = \pi_\theta(a \mid s) / \pi_{\theta_{old}}(a \mid s) > 0`, usually
        ``(logp_new - logp_old).exp()``; the gradient flows through it.
    advantages : array_like
        :math:`A`, broadcast against ``ratio``.
    clip_eps : float, default 0.2
        :math:`\epsilon` in :math:`(0, 1)`.

    Returns
    -------
    torch.Tensor, scalar

    Examples
    --------
    >>> r = torch.tensor([0.5, 1.0, 1.5], dtype=torch.float64, requires_grad=True)
    >>> loss = ppo_clip_loss(r, [-1.0, 1.0, 1.0])
    >>> torch.autograd.grad(loss, r)[0] * 3  # clipped below for A < 0; unclipped at 1; clipped above for A > 0
    tensor([ 0., -1.,  0.], dtype=torch.float64)
    """
    func = "ppo_clip_loss"
    ratio = check_finite(as_float_tensor(ratio, name="ratio", func=func), name="ratio", func=func)
    advantages = check_finite(as_float_tensor(advantages, name="advantages", func=func), name="advantages",
                              func=func)
    if ratio.numel() == 0 or (ratio <= 0).any():
        raise ValueError(f"{func}: ratio must be a non-empty array of positive probability ratios "
                         f"(got {ratio.detach().flatten()[:3].tolist()}...)")
    ratio, advantages = broadcast_arguments({"ratio": ratio, "advantages": advantages.to(ratio.dtype)}, func=func)
    clip_eps = check_scalar(clip_eps, name="clip_eps", func=func, low=0, high=1, low_open=True, high_open=True)
    clipped = ratio.clamp(1 - clip_eps, 1 + clip_eps)
    return -torch.minimum(ratio * advantages, clipped * advantages).mean()


def normalize_advantages(advantages) -> torch.Tensor:
    r"""The advantages of a batch standardised: :math:`\hat A_i = (A_i - \bar A) / s`, mean 0 and variance 1.

    :math:`\bar A` is the batch mean and :math:`s` the batch standard deviation
    with divisor :math:`n` (all entries together, whatever the shape), so the
    result has mean exactly 0 and mean square exactly 1. It is unchanged when
    every advantage is replaced by :math:`aA_i + b` with :math:`a > 0`, so the
    PPO loss computed from it does not depend on the scale or offset of the
    advantages; :math:`a < 0` flips its sign.

    Parameters
    ----------
    advantages : array_like
        At least two entries, not all equal; gradients flow through them.

    Returns
    -------
    torch.Tensor, the shape of ``advantages``

    Examples
    --------
    >>> a = torch.tensor([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], dtype=torch.float64)  # mean 5, deviation 2
    >>> normalize_advantages(a).tolist()
    [-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0]
    >>> torch.allclose(normalize_advantages(10 * a - 3), normalize_advantages(a))  # a = 10, b = -3: the same
    True
    """
    func = "normalize_advantages"
    advantages = check_finite(as_float_tensor(advantages, name="advantages", func=func), name="advantages",
                              func=func)
    centred = advantages - advantages.mean()
    spread = centred.square().mean().sqrt()
    if advantages.numel() < 2 or spread.item() == 0:
        raise ValueError(f"{func}: advantages must have at least two entries that are not all equal "
                         f"(got {advantages.detach().flatten()[:4].tolist()})")
    return centred / spread


class KLPenaltyLoss(NamedTuple):
    """What :func:`ppo_kl_penalty_loss` computed: the loss, the mean KL, and the coefficient for the next batch."""

    loss: torch.Tensor
    kl: float
    beta: float


def ppo_kl_penalty_loss(logits, logits_old, actions, advantages, beta=1.0, kl_target=None) -> KLPenaltyLoss:
    r"""PPO's KL-penalty loss :math:`-\langle r A \rangle + \beta\, \bar D(\pi_{old} \,\|\, \pi_\theta)`, with adaptive :math:`\beta`.

    The variant of PPO in Schulman et al. (2017, §4) that penalises the KL
    divergence of the new policy from the old instead of clipping the ratio
    :math:`r = \pi_\theta(a \mid s) / \pi_{old}(a \mid s)`. The penalty and its
    gradient vanish at :math:`\theta = \theta_{old}`, so the first step on a
    batch is the plain policy gradient. With a target :math:`d` the
    coefficient adapts: the returned ``beta`` is halved if the mean KL is
    below :math:`d / 1.5` and doubled if it is above :math:`1.5\, d`; call the
    loss at the end of a round of updates to get the coefficient for the next
    batch.

    Parameters
    ----------
    logits : array_like, shape (samples, actions)
        The new policy's logits at each sample's state; the gradient flows through them.
    logits_old : array_like, shape (samples, actions)
        The logits of the policy that collected the data (detached).
    actions : array_like of int, shape (samples,)
        The sampled actions.
    advantages : array_like, shape (samples,)
    beta : float, default 1
        The penalty coefficient :math:`\beta \ge 0`.
    kl_target : float, optional
        The target :math:`d > 0` of the adaptive rule; without it ``beta`` is returned unchanged.

    Returns
    -------
    KLPenaltyLoss

    Examples
    --------
    >>> logits = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
    >>> out = ppo_kl_penalty_loss(logits, torch.zeros(2, 3), [0, 2], [1.0, -1.0], beta=1.0, kl_target=0.01)
    >>> out.kl, out.beta  # equal policies: no KL, so the coefficient is halved
    (0.0, 0.5)
    >>> torch.autograd.grad(out.loss, logits)[0][0]  # the policy gradient -A ∇ log p_a / n of the first sample
    tensor([-0.3333,  0.1667,  0.1667], dtype=torch.float64)
    """
    func = "ppo_kl_penalty_loss"
    logits, logits_old = _logits(logits, "logits", func), _logits(logits_old, "logits_old", func)
    if logits_old.shape != logits.shape:
        raise ValueError(f"{func}: logits_old must have the shape of logits {tuple(logits.shape)} "
                         f"(got {tuple(logits_old.shape)})")
    samples, n_actions = logits.shape
    actions = check_labels(actions, name="actions", func=func, classes=n_actions, shape=(samples,))
    advantages = check_finite(as_float_tensor(advantages, name="advantages", func=func), name="advantages",
                              func=func)
    if advantages.shape != (samples,):
        raise ValueError(f"{func}: advantages must have shape ({samples},), one per sample "
                         f"(got {tuple(advantages.shape)})")
    beta = check_scalar(beta, name="beta", func=func, low=0)
    if kl_target is not None:
        kl_target = check_scalar(kl_target, name="kl_target", func=func, low=0, low_open=True)
    logits_old = logits_old.detach().to(logits.dtype)
    rows = torch.arange(samples)
    ratio = (torch.log_softmax(logits, -1)[rows, actions] - torch.log_softmax(logits_old, -1)[rows, actions]).exp()
    kl = policy_kl(logits_old, logits)  # D(π_old ‖ π_θ), averaged over the samples' states
    loss = -(ratio * advantages.to(logits.dtype)).mean() + beta * kl
    if kl_target is not None and kl.item() < kl_target / 1.5:
        beta = beta / 2
    elif kl_target is not None and kl.item() > 1.5 * kl_target:
        beta = beta * 2
    return KLPenaltyLoss(loss, kl.item(), beta)
