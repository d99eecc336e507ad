r"""Temporal-difference control (Q-learning, SARSA, double Q-learning), the maximisation bias, and knapsack by DP.

The three learners share one loop, run for many independent agents at once: each agent acts
:math:`\varepsilon`-greedily in its own copy of the MDP and updates its table
:math:`Q(s, a) \leftarrow Q(s, a) + \alpha\,[y - Q(s, a)]` towards a target :math:`y` that differs by method:

- Q-learning (off-policy): :math:`y = r + \gamma \max_{a'} Q(s', a')`;
- SARSA (on-policy): :math:`y = r + \gamma Q(s', a')` with :math:`a'` the action the agent takes next;
- double Q-learning: two tables; one of them, chosen by a fair coin, is updated with
  :math:`y = r + \gamma Q_B(s', \arg\max_{a'} Q_A(s', a'))`, selecting with one table and evaluating with the other.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

from ..runtime import one_thread
from ..validation import as_generator, check_array, check_flag, check_integer, check_scalar, check_shape
from .mdp import TabularMDP, _check_mdp, sample_index

__all__ = [
    "MaximumBias",
    "TDRun",
    "double_q_learning",
    "dqn_loss",
    "epsilon_greedy",
    "expected_maximum",
    "expected_pessimistic_maximum",
    "greedy_path",
    "knapsack_dp",
    "maximization_bias_mdp",
    "maximum_bias",
    "q_learning",
    "sarsa",
]


def epsilon_greedy(q, epsilon, available=None, seed=0) -> torch.Tensor:
    r"""Draw an action per row of ``q``: uniformly at random with probability :math:`\varepsilon`, else greedily.

    Ties among the greedy actions are broken uniformly at random, and only available actions are drawn.

    Parameters
    ----------
    q : array_like, shape (..., A)
        Action values.
    epsilon : float
        In [0, 1].
    available : array_like of bool, shape (..., A), optional
        Which actions may be drawn; all by default.
    seed : int or torch.Generator, default 0

    Returns
    -------
    torch.Tensor of int64, shape (...)

    Examples
    --------
    >>> epsilon_greedy([[0.0, 1.0, 0.5]], epsilon=0.0)
    tensor([1])
    """
    func = "epsilon_greedy"
    q = check_array(q, name="q", func=func)
    epsilon = check_scalar(epsilon, name="epsilon", func=func, low=0.0, high=1.0)
    if available is None:
        available = torch.ones(q.shape, dtype=torch.bool)
    elif not (isinstance(available, torch.Tensor) and available.dtype == torch.bool):
        available = check_array(available, name="available", func=func) != 0
    check_shape(available, tuple(q.shape), name="available", func=func)
    return _epsilon_greedy(q, epsilon, available, as_generator(seed, func=func))


def _epsilon_greedy(q: torch.Tensor, epsilon: float, available: torch.Tensor, generator) -> torch.Tensor:
    masked = q.masked_fill(~available, -torch.inf)
    best = masked == masked.amax(-1, keepdim=True)
    noise = torch.rand((2,) + q.shape, generator=generator, dtype=q.dtype)
    greedy = torch.where(best, noise[0], -1.0).argmax(-1)  # a uniformly random one of the greedy actions
    random = torch.where(available, noise[1], -1.0).argmax(-1)  # uniform over the available actions
    explore = torch.rand(q.shape[:-1], generator=generator, dtype=q.dtype) < epsilon
    return torch.where(explore, random, greedy)


class TDRun(NamedTuple):
    """What :func:`q_learning`, :func:`sarsa` and :func:`double_q_learning` return."""

    q: torch.Tensor
    """The learned tables, shape (n_runs, S, A) (for double Q-learning the mean of the two)."""
    rewards: torch.Tensor
    """The reward of every step of every agent, shape (n_runs, steps)."""
    episode_end: torch.Tensor
    """Whether the step ended an episode, bool of shape (n_runs, steps)."""
    actions: torch.Tensor
    """The action of every step, shape (n_runs, steps)."""
    states: torch.Tensor
    """The state each step was taken from, shape (n_runs, steps)."""


@one_thread()
def _td_control(func: str, method: str, mdp, steps, alpha, epsilon, n_runs, seed) -> TDRun:
    mdp = _check_mdp(mdp, func)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    alpha = check_scalar(alpha, name="alpha", func=func, low=0.0, high=1.0, low_open=True)
    epsilon = check_scalar(epsilon, name="epsilon", func=func, low=0.0, high=1.0)
    n_runs = check_integer(n_runs, name="n_runs", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    tables = torch.zeros((2 if method == "double" else 1, n_runs, mdp.n_states, mdp.n_actions),
                         dtype=mdp.rewards.dtype)
    runs = torch.arange(n_runs)
    available = mdp.available

    def act(state):
        return _epsilon_greedy(tables.sum(0)[runs, state], epsilon, available[state], generator)

    state = sample_index(mdp.initial.expand(n_runs, -1), generator)
    action = act(state)
    log = {name: [] for name in ("rewards", "episode_end", "actions", "states")}
    noisy = bool(mdp.reward_sd.any())
    for _ in range(steps):
        reward = mdp.rewards[state, action]
        if noisy:
            reward = reward + mdp.reward_sd[state, action] * torch.randn(n_runs, generator=generator,
                                                                         dtype=tables.dtype)
        following = sample_index(mdp.transitions[state, action], generator)
        end = mdp.terminal[following]
        if method == "double":
            which = (torch.rand(n_runs, generator=generator) < 0.5).long()
            select, evaluate = tables[which, runs, following], tables[1 - which, runs, following]
            choice = select.masked_fill(~available[following], -torch.inf).argmax(-1)
            bootstrap = evaluate[runs, choice]
        else:
            which = torch.zeros(n_runs, dtype=torch.long)
            if method == "q_learning":
                bootstrap = tables[0, runs, following].masked_fill(~available[following], -torch.inf).amax(-1)
        next_state = following
        if bool(end.any()):
            next_state = torch.where(end, sample_index(mdp.initial.expand(n_runs, -1), generator), following)
        if method == "sarsa":
            next_action_there = act(following)
            bootstrap = tables[0, runs, following, next_action_there]
        target = reward + mdp.gamma * torch.where(end, 0.0, bootstrap)
        current = tables[which, runs, state, action]
        tables[which, runs, state, action] = current + alpha * (target - current)
        for name, value in zip(log, (reward, end, action, state)):
            log[name].append(value)
        if method == "sarsa":
            action = torch.where(end, act(next_state), next_action_there)
        else:
            action = act(next_state)
        state = next_state
    return TDRun(tables.mean(0), *(torch.stack(log[name], -1) for name in log))


_TD_DOC = r"""

    Parameters
    ----------
    mdp : TabularMDP
        Episodes restart from ``mdp.initial`` when they reach a terminal state.
    steps : int
        Time steps per agent (episodes are as long as they take).
    alpha : float
        Step size, in (0, 1].
    epsilon : float
        Exploration rate of the :func:`epsilon_greedy` behaviour, in [0, 1].
    n_runs : int, default 1
        Independent agents, simulated together.
    seed : int or torch.Generator, default 0

    Returns
    -------
    TDRun
"""


def q_learning(mdp: TabularMDP, steps: int, alpha, epsilon, n_runs: int = 1, seed=0) -> TDRun:
    return _td_control("q_learning", "q_learning", mdp, steps, alpha, epsilon, n_runs, seed)


def sarsa(mdp: TabularMDP, steps: int, alpha, epsilon, n_runs: int = 1, seed=0) -> TDRun:
    return _td_control("sarsa", "sarsa", mdp, steps, alpha, epsilon, n_runs, seed)


def double_q_learning(mdp: TabularMDP, steps: int, alpha, epsilon, n_runs: int = 1, seed=0) -> TDRun:
    return _td_control("double_q_learning", "double", mdp, steps, alpha, epsilon, n_runs, seed)


q_learning.__doc__ = r"""Tabular Q-learning: :math:`Q(s,a) \leftarrow Q(s,a) + \alpha[r + \gamma \max_{a'} Q(s',a') - Q(s,a)]`.

    Off-policy: the target uses the greedy action at :math:`s'`, whatever the agent does next, so that
    :math:`Q` approaches :math:`Q^*` while the agent keeps exploring.
""" + _TD_DOC + r"""
    Examples
    --------
    >>> from mltheory.rl import cliff_walking
    >>> run = q_learning(cliff_walking(3, 4), steps=2000, alpha=0.5, epsilon=0.1)
    >>> run.q.shape, int(run.episode_end.sum()) > 50
    (torch.Size([1, 12, 4]), True)
"""

sarsa.__doc__ = r"""SARSA: :math:`Q(s,a) \leftarrow Q(s,a) + \alpha[r + \gamma Q(s',a') - Q(s,a)]` with :math:`a'` the next action taken.

    On-policy: :math:`Q` approaches the values of the :math:`\varepsilon`-greedy behaviour itself, so that
    exploration's risks are priced in.
""" + _TD_DOC + r"""
    Examples
    --------
    >>> from mltheory.rl import cliff_walking
    >>> run = sarsa(cliff_walking(3, 4), steps=2000, alpha=0.5, epsilon=0.1)
    >>> run.rewards.shape
    torch.Size([1, 2000])
"""

double_q_learning.__doc__ = r"""Double Q-learning (van Hasselt, 2010): select the next action with one table, evaluate it with the other.

    Each step a fair coin picks table A or B to update, with
    :math:`y = r + \gamma Q_B(s', \arg\max_{a'} Q_A(s', a'))` (or A and B swapped); the agent acts
    :math:`\varepsilon`-greedily on :math:`Q_A + Q_B`. Selection and evaluation use independent estimates,
    which removes the upward bias of :math:`\max_{a'}` over noisy estimates.
""" + _TD_DOC + r"""
    Examples
    --------
    >>> run = double_q_learning(maximization_bias_mdp(), steps=200, alpha=0.1, epsilon=0.1, n_runs=4)
    >>> run.q.shape
    torch.Size([4, 3, 10])
"""


def maximization_bias_mdp(n_actions: int = 10, mean=-0.1, sd=1.0) -> TabularMDP:
    r"""The maximisation-bias MDP of Sutton and Barto (Example 6.7), after van Hasselt (2010).

    State A (0) offers two actions: *right* (action 0) ends the episode with reward 0, *left* (action 1)
    moves to state B (1) with reward 0. State B offers ``n_actions`` actions, each ending the episode (state
    2, terminal) with a reward drawn from :math:`N(\text{mean}, \text{sd}^2)`. With a negative mean, left is
    worse; but the largest of many noisy estimates of B's values looks positive, and Q-learning goes left.

    Parameters
    ----------
    n_actions : int, default 10
        Actions in B, at least 2.
    mean : float, default -0.1
    sd : float, default 1.0
        Positive.

    Returns
    -------
    TabularMDP
        With :math:`\gamma = 1`, start in A.

    Examples
    --------
    >>> mdp = maximization_bias_mdp()
    >>> mdp.available.sum(-1).tolist()
    [2, 10, 10]
    """
    func = "maximization_bias_mdp"
    n_actions = check_integer(n_actions, name="n_actions", func=func, minimum=2)
    mean = check_scalar(mean, name="mean", func=func)
    sd = check_scalar(sd, name="sd", func=func, low=0.0, low_open=True)
    transitions = torch.zeros(3, n_actions, 3, dtype=torch.float64)
    transitions[0, :, 2] = 1.0
    transitions[0, 1, :] = torch.tensor([0.0, 1.0, 0.0])
    transitions[1:, :, 2] = 1.0
    rewards = torch.zeros(3, n_actions, dtype=torch.float64)
    rewards[1] = mean
    reward_sd = torch.zeros_like(rewards)
    reward_sd[1] = sd
    available = torch.ones(3, n_actions, dtype=torch.bool)
    available[0, 2:] = False
    return TabularMDP(transitions, rewards, 1.0, initial=[1.0, 0.0, 0.0], terminal=[False, False, True],
                      reward_sd=reward_sd, available=available)


def expected_maximum(n: int) -> float:
    r""":math:`\mathbb E[\max(Z_1, \dots, Z_n)]` for i.i.d. standard normals, by quadrature.

    .. math::

        \mathbb E[\max_i Z_i] = \int_{-\infty}^{\infty} z\, n\, \varphi(z)\, \Phi(z)^{n-1}\, dz,

    the mean of the largest order statistic, with :math:`\varphi` and :math:`\Phi` the standard normal density
    and distribution function. It is 0 for :math:`n = 1`, :math:`1/\sqrt\pi` for :math:`n = 2`, and about
    1.5388 for :math:`n = 10`.

    Parameters
    ----------
    n : int
        At least 1.

    Returns
    -------
    float

    Examples
    --------
    >>> round(expected_maximum(2) * math.sqrt(math.pi), 12)
    1.0
    """
    from scipy import integrate

    n = check_integer(n, name="n", func="expected_maximum", minimum=1)

    def integrand(z: float) -> float:
        density = math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
        return z * n * density * (0.5 * math.erfc(-z / math.sqrt(2))) ** (n - 1)

    value, _ = integrate.quad(integrand, -math.inf, math.inf, epsabs=1e-13, epsrel=1e-13)
    return value


class MaximumBias(NamedTuple):
    """Per-trial estimates of :math:`\\max_a \\mathbb E[\\hat Q_a]` from :func:`maximum_bias` (true value 0)."""

    single: torch.Tensor
    """:math:`\\max_a \\hat Q^A_a`: select and evaluate with the same estimates, shape (trials,)."""
    double: torch.Tensor
    """:math:`\\hat Q^B_{\\arg\\max_a \\hat Q^A_a}`: select with A, evaluate with the independent B, shape (trials,)."""
    target: torch.Tensor
    """:math:`\\max_a \\hat Q^B_a`: select and evaluate with the other (target) copy, shape (trials,)."""
    pessimistic: torch.Tensor
    r""":math:`\max_a (\hat Q^A_a - k\,\hat s^A_a/\sqrt n)`: a lower confidence bound, with :math:`\hat s^A_a` the
    standard deviation of the :math:`n` samples behind :math:`\hat Q^A_a`, shape (trials,)."""


@one_thread()
def maximum_bias(n_actions: int, n_samples: int, trials: int, sd=1.0, seed=0, k=1.0) -> MaximumBias:
    r"""Estimate :math:`\max_a \mathbb E[Q_a]` from noisy samples when every true action value is 0.

    Two independent estimates of each action value are formed, :math:`\hat Q^A_a` and :math:`\hat Q^B_a`,
    each the mean of ``n_samples`` draws from :math:`N(0, \text{sd}^2)`. The single estimator
    :math:`\max_a \hat Q^A_a` is biased upwards by :math:`\text{sd}\,\mathbb E[\max_a Z_a]/\sqrt{n}`
    (see :func:`expected_maximum`); so is the maximum of the other copy alone (a *target network* reuses one
    set of estimates for both selection and evaluation). The double estimator selects with A and evaluates
    with B, and has mean exactly 0 here. The pessimistic estimator subtracts ``k`` standard errors, estimated
    from the samples themselves as an ensemble would, before taking the maximum: a lower confidence bound, whose
    bias is :func:`expected_pessimistic_maximum` and negative once ``k`` is large enough.

    Parameters
    ----------
    n_actions : int
        At least 1.
    n_samples : int
        At least 2 (the pessimistic estimator needs a sample standard deviation).
    trials : int
        Independent repetitions, at least 2.
    sd : float, default 1.0
        Positive noise standard deviation.
    seed : int or torch.Generator, default 0
    k : float, default 1.0
        Non-negative number of standard errors that the pessimistic estimator subtracts.

    Returns
    -------
    MaximumBias

    Examples
    --------
    >>> bias = maximum_bias(10, n_samples=4, trials=20_000)
    >>> round(bias.single.mean().item() / (expected_maximum(10) / 2), 1)
    1.0
    """
    func = "maximum_bias"
    n_actions = check_integer(n_actions, name="n_actions", func=func, minimum=1)
    n_samples = check_integer(n_samples, name="n_samples", func=func, minimum=2)
    trials = check_integer(trials, name="trials", func=func, minimum=2)
    sd = check_scalar(sd, name="sd", func=func, low=0.0, low_open=True)
    k = check_scalar(k, name="k", func=func, low=0.0)
    generator = as_generator(seed, func=func)
    draws = sd * torch.randn(2, trials, n_actions, n_samples, generator=generator, dtype=torch.float64)
    first, second = draws.mean(-1)
    choice = first.argmax(-1)
    lower = first - k * draws[0].std(-1) / math.sqrt(n_samples)
    return MaximumBias(first.amax(-1), second.gather(-1, choice[:, None])[:, 0], second.amax(-1), lower.amax(-1))


def expected_pessimistic_maximum(n_actions: int, n_samples: int, k) -> float:
    r"""The bias of the lower-confidence-bound estimator, :math:`\mathbb E[\max_a (Z_a - k S_a)]`, by quadrature.

    With every true value 0, :math:`\hat Q_a - k\,\hat s_a/\sqrt n` is :math:`\sigma/\sqrt n` times
    :math:`W_a = Z_a - k S_a`, where :math:`Z_a` is standard normal and independent of
    :math:`S_a = \sqrt{\chi^2_{n-1}/(n-1)}` (the sample standard deviation in units of :math:`\sigma`).
    With :math:`F(w) = \mathbb E_S[\Phi(w + kS)]` the distribution function of each :math:`W_a`,

    .. math::

        \mathbb E[\max_a W_a] = \int_0^\infty \bigl(1 - F(w)^K\bigr)\, dw - \int_{-\infty}^0 F(w)^K\, dw .

    At :math:`k = 0` it is :func:`expected_maximum`; it decreases in :math:`k` and changes sign, so enough
    pessimism turns the overestimation into an underestimation.

    Parameters
    ----------
    n_actions : int
        :math:`K`, at least 1.
    n_samples : int
        :math:`n`, at least 2.
    k : float
        Non-negative.

    Returns
    -------
    float
        In units of :math:`\sigma/\sqrt n`.

    Examples
    --------
    >>> abs(expected_pessimistic_maximum(10, 4, 0.0) - expected_maximum(10)) < 1e-9
    True
    >>> round(expected_pessimistic_maximum(10, 4, 3.0), 4)   # three standard errors: an underestimate
    -0.499
    """
    from scipy import integrate, special

    func = "expected_pessimistic_maximum"
    n_actions = check_integer(n_actions, name="n_actions", func=func, minimum=1)
    n_samples = check_integer(n_samples, name="n_samples", func=func, minimum=2)
    k = check_scalar(k, name="k", func=func, low=0.0)
    dof = n_samples - 1
    # F(w) = E_S[Phi(w + kS)] by Gauss-Legendre over the density of S, proportional to s^(dof-1) exp(-dof s^2 / 2)
    top = 1 + 12 / math.sqrt(dof)
    nodes, weights = special.roots_legendre(96)
    scale = top * (nodes + 1) / 2
    weights = weights * top / 2 * np.exp((dof - 1) * np.log(scale) - dof * scale**2 / 2
                                         + dof / 2 * math.log(dof / 2) - special.gammaln(dof / 2) + math.log(2))
    def cdf_power(w):
        return (special.ndtr(w[:, None] + k * scale[None, :]) @ weights) ** n_actions

    # below -12 - k * top, F(w)^K is under 1e-30; above 12, so is 1 - F(w)^K
    below, above = np.linspace(-12.0 - k * top, 0.0, 4001), np.linspace(0.0, 12.0, 2001)
    return float(integrate.simpson(1 - cdf_power(above), x=above) - integrate.simpson(cdf_power(below), x=below))


def dqn_loss(q, actions, rewards, next_q, gamma, terminal=None, next_q_online=None, stop_grad=True) -> torch.Tensor:
    r"""The DQN regression loss :math:`\frac1B \sum_i \frac12 \bigl(Q(s_i, a_i) - y_i\bigr)^2` with a target network.

    The target is :math:`y_i = r_i + \gamma\,(1 - \text{terminal}_i) \max_{a'} Q_{\text{target}}(s'_i, a')`, computed
    from ``next_q``, the *target network's* values of the next states. With ``next_q_online`` (the online
    network's values of the next states) it is the Double DQN target
    :math:`r_i + \gamma\,Q_{\text{target}}(s'_i, \arg\max_{a'} Q_{\text{online}}(s'_i, a'))`: select with one network,
    evaluate with the other. With ``stop_grad`` (the default) the target is a constant, so a gradient step on
    a tabular :math:`Q` is exactly the Q-learning update; without it, the gradient also flows into ``next_q``.

    Parameters
    ----------
    q : torch.Tensor, shape (B, A)
        The online network's values of the states :math:`s_i`, differentiable.
    actions : array_like of int, shape (B,)
        The actions taken.
    rewards : array_like, shape (B,)
    next_q : torch.Tensor, shape (B, A)
        The target network's values of the next states.
    gamma : float
        In [0, 1].
    terminal : array_like of bool, shape (B,), optional
        Whether :math:`s'_i` ended the episode (its value is then 0).
    next_q_online : array_like, shape (B, A), optional
        The online network's values of the next states, for the Double DQN target.
    stop_grad : bool, default True
        Treat the target as a constant.

    Returns
    -------
    torch.Tensor
        A scalar.

    Examples
    --------
    >>> q = torch.tensor([[1.0, 2.0]], requires_grad=True)
    >>> loss = dqn_loss(q, [0], [1.0], torch.tensor([[0.0, 4.0]]), gamma=0.5)   # y = 1 + 0.5 * 4 = 3
    >>> loss.backward(); q.grad
    tensor([[-2.,  0.]])
    """
    func = "dqn_loss"
    q = check_array(q, name="q", func=func)
    sizes = check_shape(q, ("B", "A"), name="q", func=func)
    actions = check_array(actions, name="actions", func=func)
    check_shape(actions, ("B",), name="actions", func=func, sizes=sizes)
    if bool((actions != actions.round()).any()) or bool((actions < 0).any()) or bool((actions >= sizes["A"]).any()):
        raise ValueError(f"{func}: actions must be integers in [0, {sizes['A'] - 1}] (got {actions.tolist()})")
    rewards = check_array(rewards, name="rewards", func=func).to(q)
    check_shape(rewards, ("B",), name="rewards", func=func, sizes=sizes)
    next_q = check_array(next_q, name="next_q", func=func).to(q)
    check_shape(next_q, ("B", "A"), name="next_q", func=func, sizes=sizes)
    gamma = check_scalar(gamma, name="gamma", func=func, low=0.0, high=1.0)
    stop_grad = check_flag(stop_grad, name="stop_grad", func=func)
    alive = torch.ones_like(rewards)
    if terminal is not None:
        terminal = torch.as_tensor(terminal)
        if terminal.dtype != torch.bool:
            raise TypeError(f"{func}: terminal must be a bool array (got dtype {terminal.dtype})")
        check_shape(terminal, ("B",), name="terminal", func=func, sizes=sizes)
        alive = (~terminal).to(q)
    if next_q_online is None:
        bootstrap = next_q.amax(-1)
    else:
        next_q_online = check_array(next_q_online, name="next_q_online", func=func).to(q)
        check_shape(next_q_online, ("B", "A"), name="next_q_online", func=func, sizes=sizes)
        bootstrap = next_q.gather(-1, next_q_online.argmax(-1, keepdim=True))[:, 0]
    target = rewards + gamma * alive * bootstrap
    if stop_grad:
        target = target.detach()
    chosen = q.gather(-1, actions.long()[:, None])[:, 0]
    return 0.5 * ((chosen - target) ** 2).mean()


def knapsack_dp(weights, values, capacity: int) -> tuple[float, torch.Tensor]:
    r"""The 0/1 knapsack problem by dynamic programming over (items considered, capacity left).

    With :math:`V_k(c)` the best value from the first :math:`k` items within capacity :math:`c`,

    .. math::

        V_k(c) = \max\bigl(V_{k-1}(c),\; v_k + V_{k-1}(c - w_k)\bigr) \quad (w_k \le c), \qquad V_0(c) = 0,

    a Bellman equation with the item index as time and the remaining capacity as state; the backup for
    every capacity is one vectorised step. Cost :math:`O(nC)` instead of the :math:`2^n` subsets.

    Parameters
    ----------
    weights : array_like of int, shape (n,)
        Positive integer weights.
    values : array_like, shape (n,)
        Non-negative values.
    capacity : int
        At least 0.

    Returns
    -------
    best : float
        :math:`V_n(C)`.
    chosen : torch.Tensor of bool, shape (n,)
        An optimal set of items, traced back through the table.

    Examples
    --------
    >>> knapsack_dp([1, 3, 4], [1.0, 4.0, 5.0], capacity=7)
    (9.0, tensor([False,  True,  True]))
    """
    func = "knapsack_dp"
    weights = check_array(weights, name="weights", func=func, positive=True)
    if not bool((weights == weights.round()).all()):
        raise ValueError(f"{func}: weights must be integers (got {weights[weights != weights.round()][0].item()})")
    values = check_array(values, name="values", func=func, nonnegative=True).to(torch.float64)
    sizes = check_shape(weights, ("n",), name="weights", func=func)
    check_shape(values, ("n",), name="values", func=func, sizes=sizes)
    capacity = check_integer(capacity, name="capacity", func=func, minimum=0)
    weights = weights.long()
    table = [torch.zeros(capacity + 1, dtype=torch.float64)]
    for weight, value in zip(weights.tolist(), values):
        previous = table[-1]
        take = torch.full_like(previous, -torch.inf)
        if weight <= capacity:
            take[weight:] = value + previous[: capacity + 1 - weight]
        table.append(torch.maximum(previous, take))
    chosen = torch.zeros(len(weights), dtype=torch.bool)
    left = capacity
    for k in range(len(weights), 0, -1):
        if table[k][left] != table[k - 1][left]:
            chosen[k - 1] = True
            left -= int(weights[k - 1])
    return table[-1][capacity].item(), chosen


def greedy_path(mdp: TabularMDP, q) -> tuple[torch.Tensor, float]:
    r"""The path of the greedy policy :math:`\arg\max_a Q(s, a)` from the start state of a deterministic MDP.

    Parameters
    ----------
    mdp : TabularMDP
        With deterministic transitions (one successor per state and action) and ``initial`` on one state.
    q : array_like, shape (S, A)

    Returns
    -------
    states : torch.Tensor of int64
        The visited states, ending at a terminal state, or at the first repeated state if the greedy policy
        cycles.
    total : float
        The undiscounted sum of rewards along the path; ``-inf`` if it cycles (it never arrives).

    Examples
    --------
    >>> from mltheory.rl import cliff_walking
    >>> mdp = cliff_walking(2, 3)
    >>> q = torch.zeros(6, 4); q[3, 0] = q[0, 1] = q[1, 1] = q[2, 2] = 1.0
    >>> greedy_path(mdp, q)
    (tensor([3, 0, 1, 2, 5]), -4.0)
    """
    func = "greedy_path"
    mdp = _check_mdp(mdp, func)
    if not bool(((mdp.transitions == 0) | (mdp.transitions == 1)).all()) or int((mdp.initial > 0).sum()) != 1:
        raise ValueError(f"{func}: mdp must be deterministic with one start state (got {mdp!r})")
    q = check_array(q, name="q", func=func).to(mdp.rewards)
    check_shape(q, (mdp.n_states, mdp.n_actions), name="q", func=func)
    action = q.masked_fill(~mdp.available, -torch.inf).argmax(-1)
    state, total, path = int(mdp.initial.argmax()), 0.0, []
    while state not in path:
        path.append(state)
        if bool(mdp.terminal[state]):
            return torch.tensor(path), total
        total += mdp.rewards[state, action[state]].item()
        state = int(mdp.transitions[state, action[state]].argmax())
    return torch.tensor(path + [state]), -math.inf
