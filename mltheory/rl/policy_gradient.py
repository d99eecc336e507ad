r"""Policy gradients: returns to go, generalised advantage estimation, the REINFORCE loss, and exact enumeration.

A tabular softmax policy has one logit per state and action,
:math:`\pi_\theta(a \mid s) = e^{\theta_{sa}} / \sum_b e^{\theta_{sb}}`. On a small MDP every trajectory
of a few steps can be listed (:func:`enumerate_trajectories`), so that the expected return
:math:`J(\theta)` and the mean and variance of every gradient estimator are exact sums
(:func:`estimator_moments`), not Monte Carlo averages.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import torch

from ..runtime import one_thread
from ..validation import (as_generator, check_array, check_choice, check_in_interval, check_integer, check_scalar,
                          check_shape)
from .mdp import TabularMDP, _check_mdp, _check_policy, policy_evaluation, rollout

__all__ = [
    "EstimatorMoments",
    "GAEMoments",
    "ReinforceRun",
    "Trajectories",
    "enumerate_trajectories",
    "estimator_moments",
    "finite_horizon_values",
    "gae",
    "gae_moments",
    "n_step_advantage",
    "reinforce",
    "reinforce_loss",
    "rewards_to_go",
    "softmax_policy",
]

ESTIMATORS = ("vanilla", "reward_to_go", "baseline", "first_step")
"""The per-trajectory gradient estimators of :func:`estimator_moments`: ``"first_step"`` is the form with the
sum over time dropped, :math:`R(\\tau)\\nabla\\log\\pi(a_0 \\mid s_0)`, which is biased."""


def _discounted_cumsum(x: torch.Tensor, factor: float, window: int | None = None) -> torch.Tensor:
    r""":math:`y_t = \sum_{t \le k < t + \text{window}} \text{factor}^{k-t} x_k` along the last dimension.

    Without a window the sum runs to the end."""
    steps = torch.arange(x.shape[-1], device=x.device)
    lag = steps[None, :] - steps[:, None]
    inside = (lag >= 0) if window is None else (lag >= 0) & (lag < window)
    weights = torch.where(inside, factor ** lag.clamp(min=0).to(x.dtype), torch.zeros((), dtype=x.dtype))
    return x @ weights.T


def rewards_to_go(rewards, gamma) -> torch.Tensor:
    r"""The discounted reward to go :math:`G_t = \sum_{k = t}^{T} \gamma^{k-t} r_k` at every step.

    Parameters
    ----------
    rewards : array_like, shape (..., T + 1)
    gamma : float
        In [0, 1].

    Returns
    -------
    torch.Tensor, shape (..., T + 1)

    Examples
    --------
    >>> rewards_to_go([1.0, 2.0, 4.0], 0.5)
    tensor([3., 4., 4.], dtype=torch.float64)
    """
    func = "rewards_to_go"
    rewards = check_array(rewards, name="rewards", func=func)
    gamma = check_scalar(gamma, name="gamma", func=func, low=0.0, high=1.0)
    return _discounted_cumsum(rewards, gamma)


def gae(rewards, values, gamma, lam) -> torch.Tensor:
    r"""Generalised advantage estimates :math:`\hat A_t = \sum_{l \ge 0} (\gamma\lambda)^l \delta_{t+l}`.

    Here :math:`\delta_t = r_t + \gamma V(s_{t+1}) - V(s_t)` is the one-step temporal-difference error.
    :math:`\lambda = 0` gives :math:`\delta_t`, the one-step advantage; :math:`\lambda = 1` gives the
    discounted return to go minus :math:`V(s_t)` (when ``values`` ends with the value after the last
    step, zero for an episode that ended).

    Parameters
    ----------
    rewards : array_like, shape (..., T)
    values : array_like, shape (..., T + 1)
        :math:`V(s_0), \dots, V(s_T)`.
    gamma, lam : float
        In [0, 1].

    Returns
    -------
    torch.Tensor, shape (..., T)

    Examples
    --------
    >>> gae([1.0, 1.0], [0.5, 0.5, 0.0], gamma=1.0, lam=0.0)
    tensor([1.0000, 0.5000], dtype=torch.float64)
    >>> gae([1.0, 1.0], [0.5, 0.5, 0.0], gamma=1.0, lam=1.0)
    tensor([1.5000, 0.5000], dtype=torch.float64)
    """
    delta, gamma = _td_errors("gae", rewards, values, gamma)
    lam = check_scalar(lam, name="lam", func="gae", low=0.0, high=1.0)
    return _discounted_cumsum(delta, gamma * lam)


def _td_errors(func: str, rewards, values, gamma) -> tuple[torch.Tensor, float]:
    r"""The checked temporal-difference errors :math:`\delta_t = r_t + \gamma V_{t+1} - V_t`, and :math:`\gamma`."""
    rewards = check_array(rewards, name="rewards", func=func)
    values = check_array(values, name="values", func=func).to(rewards)
    sizes = check_shape(rewards, ("...", "T"), name="rewards", func=func)
    sizes["T1"] = sizes["T"] + 1
    check_shape(values, ("...", "T1"), name="values", func=func, sizes=sizes)
    gamma = check_scalar(gamma, name="gamma", func=func, low=0.0, high=1.0)
    return rewards + gamma * values[..., 1:] - values[..., :-1], gamma


def n_step_advantage(rewards, values, gamma, k: int) -> torch.Tensor:
    r"""The :math:`k`-step advantage :math:`A^{(k)}_t = \sum_{l<k} \gamma^l r_{t+l} + \gamma^k V(s_{t+k}) - V(s_t)`.

    It uses :math:`k` sampled rewards and then trusts :math:`V`; the values in between telescope, so
    :math:`A^{(k)}_t = \sum_{l<k} \gamma^l \delta_{t+l}`. Near the end of the episode the sum stops at the last
    step and bootstraps from the final value :math:`V(s_T)` (zero for an episode that ended). :math:`k = 1` is
    the one-step advantage :math:`\delta_t`; :math:`k \ge T` is the return to go minus :math:`V(s_t)`, the
    :math:`\lambda = 1` end of :func:`gae`, which averages all :math:`A^{(k)}` with weights
    :math:`(1 - \lambda)\lambda^{k-1}`.

    Parameters
    ----------
    rewards : array_like, shape (..., T)
    values : array_like, shape (..., T + 1)
        :math:`V(s_0), \dots, V(s_T)`.
    gamma : float
        In [0, 1].
    k : int
        At least 1.

    Returns
    -------
    torch.Tensor, shape (..., T)

    Examples
    --------
    >>> n_step_advantage([1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.0], gamma=1.0, k=2)
    tensor([2.0000, 1.5000, 0.5000], dtype=torch.float64)
    """
    delta, gamma = _td_errors("n_step_advantage", rewards, values, gamma)
    k = check_integer(k, name="k", func="n_step_advantage", minimum=1)
    return _discounted_cumsum(delta, gamma, window=k)


def reinforce_loss(log_probs, returns, baseline=None) -> torch.Tensor:
    r"""The REINFORCE surrogate :math:`L = -\frac1B \sum_{i=1}^{B} \sum_t \log\pi_\theta(a_t^i \mid s_t^i)\,(G_t^i - b_t^i)`.

    Its gradient is minus the policy-gradient estimate: minimising it ascends :math:`J`. Passing the
    whole-episode return :math:`R(\tau)` at every step (shape ``(B, 1)``) gives the vanilla estimator;
    passing :func:`rewards_to_go` gives the causal one.

    Parameters
    ----------
    log_probs : torch.Tensor, shape (B, T)
        :math:`\log\pi_\theta(a_t \mid s_t)` of the actions taken, differentiable in :math:`\theta`
        (zero at padded steps after an episode ended).
    returns : array_like, shape (B, T) or (B, 1)
        What multiplies each score: :math:`R(\tau)` or :math:`G_t`. Treated as a constant.
    baseline : array_like, broadcastable to (B, T), optional
        :math:`b_t`, subtracted from ``returns``; treated as a constant.

    Returns
    -------
    torch.Tensor
        A scalar.

    Examples
    --------
    >>> theta = torch.zeros(2, requires_grad=True)
    >>> log_probs = torch.log_softmax(theta, 0)[[0]].reshape(1, 1)
    >>> reinforce_loss(log_probs, [[1.0]]).backward()
    >>> theta.grad
    tensor([-0.5000,  0.5000])
    """
    func = "reinforce_loss"
    log_probs = check_array(log_probs, name="log_probs", func=func)
    sizes = check_shape(log_probs, ("B", "T"), name="log_probs", func=func)
    weights = check_array(returns, name="returns", func=func).to(log_probs).detach()
    if weights.shape[-1] == 1:
        check_shape(weights, ("B", 1), name="returns", func=func, sizes=sizes)
    else:
        check_shape(weights, ("B", "T"), name="returns", func=func, sizes=sizes)
    if baseline is not None:
        baseline = check_array(baseline, name="baseline", func=func).to(log_probs).detach()
        try:
            weights = weights - baseline
            torch.broadcast_shapes(weights.shape, log_probs.shape)
        except RuntimeError:
            raise ValueError(f"{func}: baseline must broadcast to log_probs' shape {tuple(log_probs.shape)} "
                             f"(got {tuple(baseline.shape)})") from None
    return -(log_probs * weights).sum(-1).mean()


def softmax_policy(logits) -> torch.Tensor:
    r"""The tabular softmax policy :math:`\pi(a \mid s) = e^{\theta_{sa}} / \sum_b e^{\theta_{sb}}` (differentiable).

    Parameters
    ----------
    logits : array_like, shape (S, A)

    Returns
    -------
    torch.Tensor, shape (S, A)

    Examples
    --------
    >>> softmax_policy([[0.0, 0.0], [0.0, 1e9]])
    tensor([[0.5000, 0.5000],
            [0.0000, 1.0000]], dtype=torch.float64)
    """
    logits = check_array(logits, name="logits", func="softmax_policy")
    check_shape(logits, ("S", "A"), name="logits", func="softmax_policy")
    return torch.softmax(logits, -1)


class Trajectories(NamedTuple):
    """Every trajectory of a fixed length that the dynamics allow, from :func:`enumerate_trajectories`."""

    states: torch.Tensor
    """States :math:`s_0, \\dots, s_H`, shape (N, H + 1)."""
    actions: torch.Tensor
    """Actions :math:`a_0, \\dots, a_{H-1}`, shape (N, H)."""
    rewards: torch.Tensor
    """Expected rewards :math:`R(s_t, a_t)`, shape (N, H)."""
    log_dynamics: torch.Tensor
    r""":math:`\log\rho_0(s_0) + \sum_t \log P(s_{t+1} \mid s_t, a_t)`, shape (N,): everything but the policy."""


def enumerate_trajectories(mdp: TabularMDP, horizon: int) -> Trajectories:
    r"""List every trajectory of ``horizon`` steps that has positive probability under the dynamics.

    The probability of a trajectory under a policy is
    :math:`P(\tau) = \rho_0(s_0) \prod_{t<H} \pi(a_t \mid s_t) P(s_{t+1} \mid s_t, a_t)`; this returns the
    policy-free part, so that :math:`J(\theta) = \sum_\tau P_\theta(\tau) R(\tau)` is an exact, differentiable
    sum. There are at most :math:`S^{H+1} A^H` trajectories: keep the MDP and the horizon small.

    Parameters
    ----------
    mdp : TabularMDP
        Without terminal states (an episode here always lasts ``horizon`` steps).
    horizon : int
        At least 1, with :math:`S^{H+1} A^H` at most :math:`10^6`.

    Returns
    -------
    Trajectories

    Examples
    --------
    >>> mdp = TabularMDP([[[0.5, 0.5]], [[0.0, 1.0]]], [[1.0], [2.0]], gamma=1.0, initial=[1.0, 0.0])
    >>> paths = enumerate_trajectories(mdp, 2)
    >>> paths.states.tolist(), paths.log_dynamics.exp().tolist()
    ([[0, 0, 0], [0, 0, 1], [0, 1, 1]], [0.25, 0.25, 0.5])
    """
    func = "enumerate_trajectories"
    mdp = _check_mdp(mdp, func)
    horizon = check_integer(horizon, name="horizon", func=func, minimum=1)
    if bool(mdp.terminal.any()):
        raise ValueError(f"{func}: mdp must have no terminal states (got {int(mdp.terminal.sum())})")
    count = mdp.n_states ** (horizon + 1) * mdp.n_actions ** horizon
    if count > 10**6:
        raise ValueError(f"{func}: horizon must keep the S^(H+1) A^H trajectories at most 10^6 (got {count})")
    grid = torch.tensor(list(itertools.product(range(mdp.n_states), range(mdp.n_actions), repeat=horizon)),
                        dtype=torch.long).reshape(-1, 2 * horizon)
    last = torch.arange(mdp.n_states).repeat(grid.shape[0])
    grid = torch.cat([grid.repeat_interleave(mdp.n_states, 0), last[:, None]], 1)
    states, actions = grid[:, 0::2], grid[:, 1::2]
    actions_ok = mdp.available[states[:, :-1], actions].all(-1)
    states, actions = states[actions_ok], actions[actions_ok]
    log_p = mdp.initial[states[:, 0]].log() + mdp.transitions[states[:, :-1], actions, states[:, 1:]].log().sum(-1)
    keep = log_p > -torch.inf
    states, actions, log_p = states[keep], actions[keep], log_p[keep]
    return Trajectories(states, actions, mdp.rewards[states[:, :-1], actions], log_p)


class EstimatorMoments(NamedTuple):
    """Exact gradient and exact mean and total variance of each per-trajectory estimator."""

    gradient: torch.Tensor
    """:math:`\\nabla_\\theta J`, by automatic differentiation of the enumerated :math:`J`, shape (S, A)."""
    means: dict
    """Estimator name (see ``ESTIMATORS``) to :math:`\\mathbb E[\\hat g]`, shape (S, A)."""
    variances: dict
    """Estimator name to :math:`\\mathbb E\\lVert \\hat g - \\mathbb E \\hat g \\rVert^2`, a float."""
    expected_return: float
    """:math:`J(\\theta)`."""


@one_thread()
def estimator_moments(mdp: TabularMDP, logits, horizon: int) -> EstimatorMoments:
    r"""The exact policy gradient and the exact moments of the REINFORCE estimators, by enumerating trajectories.

    With :math:`\psi_t = \nabla_\theta \log\pi_\theta(a_t \mid s_t)`, :math:`R(\tau) = \sum_t \gamma^t r_t`
    and :math:`G_t = \sum_{k \ge t} \gamma^{k} r_k` (the discounted reward to go, discounted from time 0), the
    estimators of one trajectory are

    - ``"vanilla"``: :math:`R(\tau) \sum_t \psi_t`;
    - ``"reward_to_go"``: :math:`\sum_t G_t\, \psi_t`;
    - ``"baseline"``: :math:`\sum_t (G_t - \gamma^t V_t(s_t))\, \psi_t`, with :math:`V_t(s)` the exact value of
      the remaining :math:`H - t` steps;
    - ``"first_step"``: :math:`R(\tau)\, \psi_0` (the sum over time dropped: biased).

    Parameters
    ----------
    mdp : TabularMDP
        Small and without terminal states (see :func:`enumerate_trajectories`).
    logits : array_like, shape (S, A)
        :math:`\theta` of a :func:`softmax_policy`.
    horizon : int

    Returns
    -------
    EstimatorMoments

    Examples
    --------
    >>> from mltheory.rl import random_mdp
    >>> moments = estimator_moments(random_mdp(2, 2, gamma=0.9, seed=0), torch.zeros(2, 2), horizon=2)
    >>> bool(torch.allclose(moments.means["vanilla"], moments.gradient, atol=1e-12))
    True
    """
    mdp, logits, horizon = _check_enumerable("estimator_moments", mdp, logits, horizon)
    paths, prob, discount, expected_return, gradient, scores = _enumerated_policy(mdp, logits, horizon)
    discounted = paths.rewards * discount
    total = discounted.sum(-1)
    to_go = discounted.flip(-1).cumsum(-1).flip(-1)
    baseline = _time_values(paths, prob, to_go, mdp.n_states)
    weights = {"vanilla": total[:, None].expand(-1, horizon), "reward_to_go": to_go,
               "baseline": to_go - baseline,
               "first_step": torch.cat([total[:, None], torch.zeros(len(total), horizon - 1, dtype=total.dtype)], 1)}
    means, variances = {}, {}
    for name, weight in weights.items():
        per_path = torch.einsum("nh,nhsa->nsa", weight, scores)
        means[name] = torch.einsum("n,nsa->sa", prob, per_path)
        variances[name] = (prob * ((per_path - means[name]) ** 2).sum((-2, -1))).sum().item()
    return EstimatorMoments(gradient, means, variances, expected_return)


def _check_enumerable(func: str, mdp, logits, horizon) -> tuple[TabularMDP, torch.Tensor, int]:
    """The checked MDP, logits of shape (S, A) in its dtype, and horizon of an enumeration."""
    mdp = _check_mdp(mdp, func)
    horizon = check_integer(horizon, name="horizon", func=func, minimum=1)
    logits = check_array(logits, name="logits", func=func).to(mdp.transitions)
    check_shape(logits, (mdp.n_states, mdp.n_actions), name="logits", func=func)
    return mdp, logits, horizon


def _enumerated_policy(mdp: TabularMDP, logits: torch.Tensor, horizon: int):
    r"""Every trajectory, its probability under the softmax policy, the discounts :math:`\gamma^t`, the exact
    :math:`J` and :math:`\nabla_\theta J`, and the scores :math:`\psi_t` of every trajectory, shape (N, H, S, A)."""
    paths = enumerate_trajectories(mdp, horizon)
    discount = mdp.gamma ** torch.arange(horizon, dtype=logits.dtype)

    def log_policy(theta):
        return torch.log_softmax(theta, -1)[paths.states[:, :-1], paths.actions]

    theta = logits.detach().requires_grad_(True)
    prob = (paths.log_dynamics + log_policy(theta).sum(-1)).exp()
    expected_return = (prob * (paths.rewards * discount).sum(-1)).sum()
    (gradient,) = torch.autograd.grad(expected_return, theta)
    scores = torch.func.jacrev(log_policy)(logits)
    return paths, prob.detach(), discount, expected_return.item(), gradient, scores


def _time_values(paths: Trajectories, prob: torch.Tensor, to_go: torch.Tensor, n_states: int) -> torch.Tensor:
    r""":math:`\mathbb E[G_t \mid s_t]` for each trajectory and step, by conditioning the enumerated distribution."""
    visited = torch.nn.functional.one_hot(paths.states[:, :-1], n_states).to(prob)  # (N, H, S)
    mass = torch.einsum("n,nhs->hs", prob, visited)
    value = torch.einsum("n,nh,nhs->hs", prob, to_go, visited) / mass.clamp(min=torch.finfo(prob.dtype).tiny)
    return torch.einsum("hs,nhs->nh", value, visited)


def finite_horizon_values(mdp: TabularMDP, policy, horizon: int) -> torch.Tensor:
    r"""The exact values :math:`V_t(s)` of the remaining :math:`H - t` steps, by backward recursion.

    :math:`V_H = 0` and :math:`V_t(s) = \sum_a \pi(a \mid s)\,[R(s, a) + \gamma \sum_{s'} P(s' \mid s, a) V_{t+1}(s')]`.

    Parameters
    ----------
    mdp : TabularMDP
    policy : array_like, shape (S, A)
        Rows sum to one.
    horizon : int
        At least 1.

    Returns
    -------
    torch.Tensor, shape (horizon, S)
        Row :math:`t` is :math:`V_t`.

    Examples
    --------
    >>> mdp = TabularMDP([[[1.0]]], [[1.0]], gamma=0.5)
    >>> finite_horizon_values(mdp, [[1.0]], 3)[:, 0]
    tensor([1.7500, 1.5000, 1.0000], dtype=torch.float64)
    """
    func = "finite_horizon_values"
    mdp = _check_mdp(mdp, func)
    policy = _check_policy(policy, mdp, func)
    horizon = check_integer(horizon, name="horizon", func=func, minimum=1)
    values = [torch.zeros(mdp.n_states, dtype=mdp.transitions.dtype)]
    for _ in range(horizon):
        q = mdp.rewards + mdp.gamma * mdp.transitions @ values[-1]
        values.append((policy * q.masked_fill(~mdp.available, 0.0)).sum(-1))
    return torch.stack(values[:0:-1])


class GAEMoments(NamedTuple):
    """Exact gradient and the exact mean and total variance of the GAE policy-gradient estimator, per λ."""

    gradient: torch.Tensor
    r""":math:`\nabla_\theta J` by automatic differentiation of the enumerated :math:`J`, shape (S, A)."""
    lams: torch.Tensor
    r"""The values of :math:`\lambda`, shape (L,)."""
    means: torch.Tensor
    r""":math:`\mathbb E[\hat g_\lambda]`, shape (L, S, A)."""
    variances: torch.Tensor
    r""":math:`\mathbb E\lVert \hat g_\lambda - \mathbb E \hat g_\lambda \rVert^2`, shape (L,)."""


@one_thread()
def gae_moments(mdp: TabularMDP, logits, horizon: int, lams, values=None) -> GAEMoments:
    r"""The exact mean and variance of the GAE policy-gradient estimator for each :math:`\lambda`, by enumeration.

    The estimator of one trajectory is :math:`\hat g_\lambda = \sum_t \gamma^t \hat A_t(\lambda)\,\psi_t`, with
    :math:`\psi_t = \nabla_\theta \log\pi_\theta(a_t \mid s_t)` and :math:`\hat A_t(\lambda)` the :func:`gae`
    advantages computed with the critic :math:`V_t(s_t)` (and :math:`V_H = 0`: the episode ends). With the exact
    values of the policy (:func:`finite_horizon_values`, the default) its mean is :math:`\nabla_\theta J` for every
    :math:`\lambda`; with a wrong critic only :math:`\lambda = 1` stays unbiased.

    Parameters
    ----------
    mdp : TabularMDP
        Small and without terminal states (see :func:`enumerate_trajectories`).
    logits : array_like, shape (S, A)
        :math:`\theta` of a :func:`softmax_policy`.
    horizon : int
    lams : array_like, shape (L,)
        Values of :math:`\lambda` in [0, 1].
    values : array_like, shape (horizon, S), optional
        The critic :math:`V_t(s)`; the exact values by default.

    Returns
    -------
    GAEMoments

    Examples
    --------
    >>> from mltheory.rl import random_mdp
    >>> mdp = random_mdp(2, 2, gamma=0.9, seed=0)
    >>> moments = gae_moments(mdp, torch.zeros(2, 2), 2, [0.0, 1.0], values=torch.zeros(2, 2))
    >>> (moments.means - moments.gradient).abs().amax((-2, -1)) < 1e-12   # no critic: only lambda = 1 is unbiased
    tensor([False,  True])
    """
    func = "gae_moments"
    mdp, logits, horizon = _check_enumerable(func, mdp, logits, horizon)
    lams = check_in_interval(check_array(lams, name="lams", func=func), name="lams", func=func, low=0.0, high=1.0)
    check_shape(lams, ("L",), name="lams", func=func)
    if values is None:
        values = finite_horizon_values(mdp, torch.softmax(logits, -1), horizon)
    values = check_array(values, name="values", func=func).to(logits)
    check_shape(values, (horizon, mdp.n_states), name="values", func=func)
    paths, prob, discount, _, gradient, scores = _enumerated_policy(mdp, logits, horizon)
    critic = torch.cat([values[torch.arange(horizon), paths.states[:, :-1]],
                        torch.zeros(len(prob), 1, dtype=logits.dtype)], 1)  # V_H = 0: the episode ends
    advantages = torch.stack([gae(paths.rewards, critic, mdp.gamma, lam.item()) for lam in lams])  # (L, N, H)
    per_path = torch.einsum("lnh,nhsa->lnsa", advantages * discount, scores)
    means = torch.einsum("n,lnsa->lsa", prob, per_path)
    variances = torch.einsum("n,ln->l", prob, ((per_path - means[:, None]) ** 2).sum((-2, -1)))
    return GAEMoments(gradient, lams, means, variances)


class ReinforceRun(NamedTuple):
    """What :func:`reinforce` returns."""

    logits: torch.Tensor
    """The final logits, shape (S, A)."""
    expected_return: torch.Tensor
    r"""The exact :math:`J(\theta_k) = \sum_s \rho_0(s) V^{\pi_k}(s)` before each update and after the last, shape (updates + 1,)."""


@one_thread()
def reinforce(mdp: TabularMDP, updates: int, batch_size: int, lr, horizon: int, seed=0,
              estimator: str = "baseline") -> ReinforceRun:
    r"""Train a tabular softmax policy by REINFORCE, tracking its exact expected return.

    Each update samples ``batch_size`` episodes of at most ``horizon`` steps (:func:`~mltheory.rl.mdp.rollout`),
    forms the reward to go :math:`G_t` of each step and takes a gradient step on :func:`reinforce_loss` with
    weights :math:`\gamma^t G_t`. With ``estimator="baseline"`` it first subtracts the batch mean of :math:`G_t`
    over the episodes still running at step :math:`t` (a baseline that depends on time, not on the action)
    and divides by the root mean square of the result (advantage normalisation, which rescales the step). The expected return of every iterate is
    computed exactly by :func:`~mltheory.rl.mdp.policy_evaluation`.

    Parameters
    ----------
    mdp : TabularMDP
    updates, batch_size, horizon : int
        At least 1 each.
    lr : float
        Positive step size of gradient ascent on the logits.
    seed : int or torch.Generator, default 0
    estimator : {"baseline", "reward_to_go"}, default "baseline"

    Returns
    -------
    ReinforceRun

    Examples
    --------
    >>> bandit = TabularMDP([[[1.0], [1.0]]], [[0.0, 1.0]], gamma=0.5)
    >>> run = reinforce(bandit, updates=50, batch_size=8, lr=1.0, horizon=1)
    >>> bool(run.expected_return[-1] > run.expected_return[0])
    True
    """
    func = "reinforce"
    mdp = _check_mdp(mdp, func)
    updates = check_integer(updates, name="updates", func=func, minimum=1)
    batch_size = check_integer(batch_size, name="batch_size", func=func, minimum=1)
    horizon = check_integer(horizon, name="horizon", func=func, minimum=1)
    lr = check_scalar(lr, name="lr", func=func, low=0.0, low_open=True)
    estimator = check_choice(estimator, ("baseline", "reward_to_go"), name="estimator", func=func)
    generator = as_generator(seed, func=func)
    logits = torch.zeros_like(mdp.rewards).masked_fill(~mdp.available, -torch.inf)
    returns = []
    for _ in range(updates + 1):
        policy = torch.softmax(logits, -1)
        returns.append((mdp.initial * policy_evaluation(mdp, policy)).sum())
        if len(returns) > updates:
            break
        episodes = rollout(mdp, policy, horizon, batch_size, seed=generator)
        to_go = rewards_to_go(episodes.rewards, mdp.gamma)
        alive = episodes.alive.to(to_go)
        if estimator == "baseline":
            to_go = to_go - (to_go * alive).sum(0) / alive.sum(0).clamp(min=1)
            to_go = to_go / ((to_go**2 * alive).sum() / alive.sum()).sqrt().clamp(min=torch.finfo(to_go.dtype).tiny)
        theta = logits.detach().requires_grad_(True)
        log_probs = torch.log_softmax(theta, -1)[episodes.states[:, :-1], episodes.actions] * alive
        loss = reinforce_loss(log_probs, to_go * mdp.gamma ** torch.arange(horizon, dtype=to_go.dtype))
        (grad,) = torch.autograd.grad(loss, theta)
        logits = logits - lr * grad
    return ReinforceRun(logits, torch.stack(returns))
