r"""Tabular Markov decision processes: the model, Bellman backups, policy evaluation and dynamic programming.

A finite MDP has states :math:`s \in \{0, \dots, S-1\}`, actions :math:`a \in \{0, \dots, A-1\}`,
transition probabilities :math:`P(s' \mid s, a)`, an expected reward :math:`R(s, a)` for taking
:math:`a` in :math:`s`, and a discount :math:`\gamma \in [0, 1]`. A policy is a table
:math:`\pi(a \mid s)` of shape ``(S, A)`` whose rows are probability vectors.

Terminal states end an episode: their value is zero, so that a backup never looks past them.
This is what lets an episodic task such as :func:`cliff_walking` use :math:`\gamma = 1`.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from ..runtime import one_thread
from ..validation import (
    as_float_tensor,
    as_generator,
    check_array,
    check_flag,
    check_float_dtype,
    check_integer,
    check_probability_vector,
    check_scalar,
    check_shape,
)

__all__ = [
    "PolicyIterationResult",
    "TabularMDP",
    "action_values",
    "Rollout",
    "bandit",
    "bellman_backup",
    "discounted_return",
    "rollout",
    "cliff_walking",
    "greedy_policy",
    "policy_evaluation",
    "policy_iteration",
    "random_mdp",
    "value_iteration",
]


class TabularMDP:
    r"""A finite Markov decision process with transition tensor :math:`P[s, a, s']` and rewards :math:`R[s, a]`.

    Parameters
    ----------
    transitions : array_like, shape (S, A, S)
        :math:`P(s' \mid s, a)`; each ``transitions[s, a]`` is a probability vector over :math:`s'`.
    rewards : array_like, shape (S, A)
        The expected reward :math:`R(s, a) = \mathbb E[r \mid s, a]` for taking :math:`a` in :math:`s`.
        A reward that depends on the next state, :math:`r(s, a, s')`, enters as
        :math:`R(s, a) = \sum_{s'} P(s' \mid s, a)\, r(s, a, s')`: every result about values needs only this mean.
    gamma : float
        The discount :math:`\gamma \in [0, 1]`. With :math:`\gamma = 1` the values are finite only for
        policies that reach a terminal state (see :func:`policy_evaluation`).
    initial : array_like, shape (S,), optional
        The distribution of the first state; uniform by default.
    terminal : array_like of bool, shape (S,), optional
        Which states end an episode (value zero); none by default.
    reward_sd : array_like, shape (S, A), optional
        The standard deviation of a sampled reward: a sample is :math:`R(s, a) + \sigma(s, a)\,\xi` with
        :math:`\xi \sim N(0, 1)`. Zero by default. Values and backups use only the mean :math:`R`.
    available : array_like of bool, shape (S, A), optional
        Which actions each state offers (every action by default); each state needs at least one.
        Maxima over actions, greedy and random choices range over the available actions only.

    Attributes
    ----------
    transitions, rewards, initial, reward_sd : torch.Tensor
        The validated tables, float64 unless given in another floating dtype.
    terminal : torch.Tensor
        Boolean, one entry per state.
    available : torch.Tensor
        Boolean, one entry per state and action.
    gamma : float
    n_states, n_actions : int

    Examples
    --------
    A two-state chain: action 1 in state 0 moves to state 1, where each step pays 1.

    >>> P = [[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]]
    >>> mdp = TabularMDP(P, [[0.0, 0.0], [1.0, 1.0]], gamma=0.5)
    >>> mdp.n_states, mdp.n_actions
    (2, 2)
    >>> TabularMDP(P, [[0.0, 0.0], [1.0, 1.0]], gamma=1.5)
    Traceback (most recent call last):
    ...
    ValueError: TabularMDP: gamma must be a finite number in [0, 1] (got 1.5)
    """

    def __init__(self, transitions, rewards, gamma, *, initial=None, terminal=None, reward_sd=None, available=None):
        func = "TabularMDP"
        transitions = check_probability_vector(transitions, name="transitions", func=func)
        sizes = check_shape(transitions, ("S", "A", "S"), name="transitions", func=func)
        rewards = check_array(rewards, name="rewards", func=func).to(transitions.dtype)
        check_shape(rewards, ("S", "A"), name="rewards", func=func, sizes=sizes)
        n_states = sizes["S"]
        if initial is None:
            initial = torch.full((n_states,), 1.0 / n_states, dtype=transitions.dtype)
        initial = check_probability_vector(initial, name="initial", func=func).to(transitions.dtype)
        check_shape(initial, ("S",), name="initial", func=func, sizes=sizes)
        self.transitions, self.rewards, self.initial = transitions, rewards, initial
        self.terminal = _check_mask(terminal, (n_states,), "terminal", False, func)
        self.available = _check_mask(available, (n_states, sizes["A"]), "available", True, func)
        if not bool(self.available.any(-1).all()):
            raise ValueError(f"{func}: available must offer at least one action in every state "
                             f"(got none in state {int((~self.available.any(-1)).nonzero()[0])})")
        reward_sd = torch.zeros_like(rewards) if reward_sd is None else reward_sd
        self.reward_sd = check_array(reward_sd, name="reward_sd", func=func, nonnegative=True).to(rewards)
        check_shape(self.reward_sd, ("S", "A"), name="reward_sd", func=func, sizes=sizes)
        self.gamma = check_scalar(gamma, name="gamma", func=func, low=0.0, high=1.0)
        self.n_states, self.n_actions = n_states, sizes["A"]

    def __repr__(self) -> str:
        return (f"TabularMDP(n_states={self.n_states}, n_actions={self.n_actions}, gamma={self.gamma}, "
                f"terminal={int(self.terminal.sum())})")


def _check_mask(mask, shape: tuple, name: str, default: bool, func: str) -> torch.Tensor:
    """A boolean tensor of ``shape`` (filled with ``default`` when ``mask`` is None); raise if it is not one."""
    if mask is None:
        return torch.full(shape, default, dtype=torch.bool)
    if not (isinstance(mask, torch.Tensor) and mask.dtype == torch.bool):
        values = as_float_tensor(mask, name=name, func=func)
        if not bool(((values == 0) | (values == 1)).all()):
            bad = values[(values != 0) & (values != 1)][0].item()
            raise ValueError(f"{func}: {name} must hold booleans (got {bad!r})")
        mask = values.bool()
    check_shape(mask, shape, name=name, func=func)
    return mask.cpu()


def _check_mdp(mdp, func: str) -> TabularMDP:
    if not isinstance(mdp, TabularMDP):
        raise TypeError(f"{func}: mdp must be a TabularMDP (got {type(mdp).__name__})")
    return mdp


def _check_policy(policy, mdp: TabularMDP, func: str) -> torch.Tensor:
    policy = check_probability_vector(policy, name="policy", func=func).to(mdp.transitions)
    check_shape(policy, (mdp.n_states, mdp.n_actions), name="policy", func=func)
    if bool((policy[~mdp.available] > 0).any()):
        state, action = (~mdp.available & (policy > 0)).nonzero()[0].tolist()
        raise ValueError(f"{func}: policy must put no probability on unavailable actions "
                         f"(got {policy[state, action].item():.6g} on action {action} in state {state})")
    return policy


def _check_q(q, mdp: TabularMDP, func: str, name: str = "q") -> torch.Tensor:
    q = check_array(q, name=name, func=func).to(mdp.transitions)
    check_shape(q, ("...", mdp.n_states, mdp.n_actions), name=name, func=func)
    return q


def _best(mdp: TabularMDP, q: torch.Tensor) -> torch.Tensor:
    r""":math:`\max_a Q(s, a)` over the available actions."""
    return q.masked_fill(~mdp.available.to(q.device), -torch.inf).amax(-1)


def _continuation(mdp: TabularMDP, values: torch.Tensor) -> torch.Tensor:
    r""":math:`\sum_{s'} P(s' \mid s, a)\, v(s')` with terminal successors counted as zero; ``values`` (..., S)."""
    alive = values.masked_fill(mdp.terminal.to(values.device), 0.0)
    return torch.einsum("sat,...t->...sa", mdp.transitions, alive)


def action_values(mdp: TabularMDP, v) -> torch.Tensor:
    r"""The action values of a state-value function: :math:`Q(s, a) = R(s, a) + \gamma \sum_{s'} P(s' \mid s, a)\, v(s')`.

    Terminal successors count as zero.

    Parameters
    ----------
    mdp : TabularMDP
    v : array_like, shape (..., S)
        State values (a batch of them is allowed).

    Returns
    -------
    torch.Tensor, shape (..., S, A)

    Examples
    --------
    >>> mdp = TabularMDP([[[1.0]]], [[1.0]], gamma=0.5)
    >>> action_values(mdp, [2.0])
    tensor([[2.]], dtype=torch.float64)
    """
    func = "action_values"
    mdp = _check_mdp(mdp, func)
    v = check_array(v, name="v", func=func).to(mdp.transitions)
    check_shape(v, ("...", mdp.n_states), name="v", func=func)
    return mdp.rewards + mdp.gamma * _continuation(mdp, v)


def _policy_matrix(mdp: TabularMDP, policy: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The state-to-state matrix :math:`P_\pi` (terminal rows and columns zeroed) and reward :math:`r_\pi`."""
    p_pi = torch.einsum("sa,sat->st", policy, mdp.transitions).clone()
    r_pi = (policy * mdp.rewards).sum(-1)
    p_pi[:, mdp.terminal] = 0.0
    p_pi[mdp.terminal] = 0.0
    return p_pi, r_pi.masked_fill(mdp.terminal, 0.0)


def policy_evaluation(mdp: TabularMDP, policy) -> torch.Tensor:
    r"""The value of a policy, solving the Bellman expectation equation :math:`v = r_\pi + \gamma P_\pi v` exactly.

    Here :math:`P_\pi(s, s') = \sum_a \pi(a \mid s) P(s' \mid s, a)` and
    :math:`r_\pi(s) = \sum_a \pi(a \mid s) R(s, a)`, with terminal states held at zero. The linear
    system :math:`(I - \gamma P_\pi) v = r_\pi` has a unique solution when :math:`\gamma < 1`; with
    :math:`\gamma = 1` it has one exactly when the policy reaches a terminal state from every state,
    which is checked.

    Parameters
    ----------
    mdp : TabularMDP
    policy : array_like, shape (S, A)
        :math:`\pi(a \mid s)`, each row a probability vector.

    Returns
    -------
    torch.Tensor, shape (S,)
        :math:`v_\pi(s) = \mathbb E_\pi[\sum_{t \ge 0} \gamma^t r_t \mid s_0 = s]`.

    Raises
    ------
    ValueError
        If :math:`\gamma = 1` and the policy can stay away from the terminal states forever.

    Examples
    --------
    A state that pays 1 every step and keeps itself is worth :math:`1/(1-\gamma)`:

    >>> mdp = TabularMDP([[[1.0]]], [[1.0]], gamma=0.9)
    >>> policy_evaluation(mdp, [[1.0]])
    tensor([10.0000], dtype=torch.float64)
    """
    func = "policy_evaluation"
    mdp = _check_mdp(mdp, func)
    policy = _check_policy(policy, mdp, func)
    p_pi, r_pi = _policy_matrix(mdp, policy)
    if mdp.gamma == 1.0:
        _check_proper(mdp, policy, func)
    identity = torch.eye(mdp.n_states, dtype=p_pi.dtype, device=p_pi.device)
    return torch.linalg.solve(identity - mdp.gamma * p_pi, r_pi)


def _check_proper(mdp: TabularMDP, policy: torch.Tensor, func: str) -> None:
    """Raise unless every state reaches a terminal state under ``policy`` (needed when gamma = 1)."""
    reached = mdp.terminal.clone()
    step = torch.einsum("sa,sat->st", policy, mdp.transitions) > 0
    for _ in range(mdp.n_states):
        grown = reached | (step & reached[None, :]).any(-1)
        if torch.equal(grown, reached):
            break
        reached = grown
    if not bool(reached.all()):
        stuck = int((~reached).nonzero()[0])
        raise ValueError(f"{func}: with gamma = 1 the policy must reach a terminal state from every state "
                         f"(got none reachable from state {stuck})")


def bellman_backup(mdp: TabularMDP, q, policy=None) -> torch.Tensor:
    r"""One Bellman backup of action values: the optimality backup, or the expectation backup of a policy.

    .. math::

        (T^* Q)(s, a) = R(s, a) + \gamma \sum_{s'} P(s' \mid s, a) \max_{a'} Q(s', a'), \qquad
        (T^\pi Q)(s, a) = R(s, a) + \gamma \sum_{s'} P(s' \mid s, a) \sum_{a'} \pi(a' \mid s') Q(s', a').

    The max sits inside the expectation over :math:`s'`. Both maps are :math:`\gamma`-contractions in
    the sup norm. Terminal successors count as zero.

    Parameters
    ----------
    mdp : TabularMDP
    q : array_like, shape (..., S, A)
        Action values (a batch of them is allowed).
    policy : array_like, shape (S, A), optional
        If given, apply :math:`T^\pi`; otherwise :math:`T^*`.

    Returns
    -------
    torch.Tensor, shape (..., S, A)

    Examples
    --------
    >>> mdp = TabularMDP([[[1.0], [1.0]]], [[0.0, 1.0]], gamma=0.5)
    >>> bellman_backup(mdp, [[2.0, 4.0]])
    tensor([[2., 3.]], dtype=torch.float64)
    >>> bellman_backup(mdp, [[2.0, 4.0]], policy=[[0.5, 0.5]])
    tensor([[1.5000, 2.5000]], dtype=torch.float64)
    """
    func = "bellman_backup"
    mdp = _check_mdp(mdp, func)
    q = _check_q(q, mdp, func)
    if policy is None:
        values = _best(mdp, q)
    else:
        values = (_check_policy(policy, mdp, func) * q).sum(-1)
    return mdp.rewards + mdp.gamma * _continuation(mdp, values)


def greedy_policy(q) -> torch.Tensor:
    r"""The deterministic policy that picks :math:`\arg\max_a Q(s, a)` (the first maximiser on ties), as a one-hot table.

    Parameters
    ----------
    q : array_like, shape (..., S, A)

    Returns
    -------
    torch.Tensor, shape (..., S, A)

    Examples
    --------
    >>> greedy_policy([[1.0, 3.0], [2.0, 2.0]])
    tensor([[0., 1.],
            [1., 0.]], dtype=torch.float64)
    """
    q = check_array(q, name="q", func="greedy_policy")
    check_shape(q, ("...", "S", "A"), name="q", func="greedy_policy")
    return _greedy(q)


def _greedy(q: torch.Tensor) -> torch.Tensor:
    """One-hot argmax along the last dimension (``-inf`` marks an unavailable action)."""
    return torch.nn.functional.one_hot(q.argmax(-1), q.shape[-1]).to(q.dtype)


@one_thread()
def value_iteration(mdp: TabularMDP, steps: int, q0=None) -> torch.Tensor:
    r"""Value iteration :math:`Q_{k+1} = T^* Q_k`, returning every iterate.

    Because :math:`T^*` is a :math:`\gamma`-contraction in the sup norm,
    :math:`\lVert Q_k - Q^* \rVert_\infty \le \gamma^k \lVert Q_0 - Q^* \rVert_\infty`: the error shrinks
    geometrically, and in general never reaches zero after finitely many steps.

    Parameters
    ----------
    mdp : TabularMDP
    steps : int
        Number of backups, at least 1.
    q0 : array_like, shape (S, A), optional
        The starting point; zeros by default.

    Returns
    -------
    torch.Tensor, shape (steps + 1, S, A)
        :math:`Q_0, Q_1, \dots, Q_{\text{steps}}`.

    Examples
    --------
    >>> mdp = TabularMDP([[[1.0]]], [[1.0]], gamma=0.5)
    >>> value_iteration(mdp, 3)[:, 0, 0]
    tensor([0.0000, 1.0000, 1.5000, 1.7500], dtype=torch.float64)
    """
    func = "value_iteration"
    mdp = _check_mdp(mdp, func)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    q = torch.zeros_like(mdp.rewards) if q0 is None else _check_q(q0, mdp, func, name="q0")
    check_shape(q, (mdp.n_states, mdp.n_actions), name="q0", func=func)
    iterates = [q]
    for _ in range(steps):
        iterates.append(bellman_backup(mdp, iterates[-1]))
    return torch.stack(iterates)


class PolicyIterationResult(NamedTuple):
    """What :func:`policy_iteration` returns."""

    policy: torch.Tensor
    """The final greedy policy, one-hot, shape (S, A)."""
    q: torch.Tensor
    """Its action values :math:`Q^\\pi`, shape (S, A): equal to :math:`Q^*` at the end."""
    iterations: int
    """How many evaluate-and-improve rounds ran until the policy stopped changing."""


@one_thread()
def policy_iteration(mdp: TabularMDP, policy=None, max_iter: int = 1000) -> PolicyIterationResult:
    r"""Policy iteration: evaluate the policy exactly, act greedily on its :math:`Q^\pi`, until nothing changes.

    Each round solves :math:`v_\pi` by :func:`policy_evaluation`, forms
    :math:`Q^\pi = R + \gamma P v_\pi`, and switches to the greedy policy; an action changes only where it
    strictly improves :math:`Q^\pi`, so that ties cannot make it cycle. Each policy is at least as good as
    the last in every state, and there are finitely many deterministic policies, so it stops after finitely
    many rounds, at a policy whose :math:`Q^\pi` satisfies the optimality equation: :math:`Q^*`.

    Parameters
    ----------
    mdp : TabularMDP
    policy : array_like, shape (S, A), optional
        The starting policy; by default the first available action everywhere (with :math:`\gamma = 1` give a
        policy that reaches a terminal state).
    max_iter : int, default 1000
        A bound on the rounds; exceeding it raises ``RuntimeError``.

    Returns
    -------
    PolicyIterationResult

    Examples
    --------
    >>> P = [[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]]
    >>> mdp = TabularMDP(P, [[0.0, 0.0], [1.0, 1.0]], gamma=0.5)
    >>> result = policy_iteration(mdp)
    >>> result.policy[0], result.q[0]
    (tensor([0., 1.], dtype=torch.float64), tensor([0.5000, 1.0000], dtype=torch.float64))
    """
    func = "policy_iteration"
    mdp = _check_mdp(mdp, func)
    max_iter = check_integer(max_iter, name="max_iter", func=func, minimum=1)
    if policy is None:
        policy = _greedy(mdp.available.to(mdp.rewards.dtype))
    policy = _check_policy(policy, mdp, func)
    for iteration in range(1, max_iter + 1):
        q = action_values(mdp, policy_evaluation(mdp, policy))
        current = (policy * q).sum(-1, keepdim=True)
        best = q.masked_fill(~mdp.available, -torch.inf)
        improvable = best.amax(-1, keepdim=True) > current + 1e-12 * (1.0 + current.abs())
        improved = torch.where(improvable, _greedy(best), policy)
        if torch.equal(improved, policy):
            return PolicyIterationResult(policy, q, iteration)
        policy = improved
    raise RuntimeError(f"{func}: the policy still changed after max_iter = {max_iter} rounds")


def random_mdp(n_states: int, n_actions: int, gamma, seed=0, dtype: torch.dtype = torch.float64,
               deterministic: bool = False) -> TabularMDP:
    r"""A random MDP: each :math:`P(\cdot \mid s, a)` uniform on the simplex (Dirichlet(1)), rewards standard normal.

    Parameters
    ----------
    n_states, n_actions : int
        At least 1 each.
    gamma : float
        The discount, in [0, 1).
    seed : int or torch.Generator, default 0
    dtype : torch.dtype, default torch.float64
    deterministic : bool, default False
        If true, each :math:`(s, a)` moves to one successor drawn uniformly instead.

    Returns
    -------
    TabularMDP

    Examples
    --------
    >>> mdp = random_mdp(4, 2, gamma=0.9, seed=1)
    >>> mdp.transitions.shape, bool(torch.allclose(mdp.transitions.sum(-1), torch.ones(4, 2, dtype=torch.float64)))
    (torch.Size([4, 2, 4]), True)
    """
    func = "random_mdp"
    n_states = check_integer(n_states, name="n_states", func=func, minimum=1)
    n_actions = check_integer(n_actions, name="n_actions", func=func, minimum=1)
    gamma = check_scalar(gamma, name="gamma", func=func, low=0.0, high=1.0, high_open=True)
    generator = as_generator(seed, func=func)
    dtype = check_float_dtype(dtype, func=func)
    if check_flag(deterministic, name="deterministic", func=func):
        successors = torch.randint(n_states, (n_states, n_actions), generator=generator)
        transitions = torch.nn.functional.one_hot(successors, n_states).to(dtype)
    else:
        exponential = -torch.log1p(-torch.rand(n_states, n_actions, n_states, generator=generator, dtype=dtype))
        transitions = exponential / exponential.sum(-1, keepdim=True)
    rewards = torch.randn(n_states, n_actions, generator=generator, dtype=dtype)
    return TabularMDP(transitions, rewards, gamma)


#: The four moves of a gridworld, as (row, column) steps: up, right, down, left.
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))


def cliff_walking(rows: int = 4, cols: int = 12, gamma=1.0, cliff_reward=-100.0) -> TabularMDP:
    r"""The cliff-walking gridworld of Sutton and Barto (Example 6.6).

    The agent starts in the bottom-left cell and must reach the bottom-right cell (terminal). The cells
    between them on the bottom row are a cliff: stepping into one pays ``cliff_reward`` and sends the agent
    back to the start. Every other move pays :math:`-1`. Actions are up, right, down, left (see
    ``MOVES``); a move off the grid leaves the agent where it is. State :math:`s = r \cdot \text{cols} + c`.
    Cliff cells are never occupied; they are marked terminal so that they carry no value.

    Parameters
    ----------
    rows, cols : int, default 4 and 12
        At least 2 and 3.
    gamma : float, default 1.0
    cliff_reward : float, default -100.0
        Must be negative.

    Returns
    -------
    TabularMDP
        With ``initial`` concentrated on the start state.

    Examples
    --------
    >>> mdp = cliff_walking()
    >>> mdp.n_states, mdp.n_actions, int(mdp.terminal.sum())
    (48, 4, 11)
    >>> start = 36
    >>> mdp.rewards[start].tolist(), mdp.transitions[start, 1].argmax().item()
    ([-1.0, -100.0, -1.0, -1.0], 36)
    """
    func = "cliff_walking"
    gamma = check_scalar(gamma, name="gamma", func=func, low=0.0, high=1.0)
    rows = check_integer(rows, name="rows", func=func, minimum=2)
    cols = check_integer(cols, name="cols", func=func, minimum=3)
    cliff_reward = check_scalar(cliff_reward, name="cliff_reward", func=func, high=0.0, high_open=True)
    n_states = rows * cols
    start, goal = (rows - 1) * cols, rows * cols - 1
    cliff = torch.zeros(n_states, dtype=torch.bool)
    cliff[start + 1: goal] = True
    row, col = torch.arange(n_states) // cols, torch.arange(n_states) % cols
    moves = torch.tensor(MOVES)
    new_row = (row[:, None] + moves[:, 0]).clamp(0, rows - 1)
    new_col = (col[:, None] + moves[:, 1]).clamp(0, cols - 1)
    target = new_row * cols + new_col
    falls = cliff[target]
    rewards = torch.where(falls, cliff_reward, -1.0).to(torch.float64)
    target = torch.where(falls, start, target)
    transitions = torch.nn.functional.one_hot(target, n_states).to(torch.float64)
    initial = torch.nn.functional.one_hot(torch.tensor(start), n_states).to(torch.float64)
    terminal = cliff.clone()
    terminal[goal] = True
    return TabularMDP(transitions, rewards, gamma, initial=initial, terminal=terminal)


def sample_index(probabilities: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One draw from each row of ``probabilities`` (..., n) by inverting its cumulative sum: indices of shape (...)."""
    uniform = torch.rand(probabilities.shape[:-1] + (1,), generator=generator, dtype=probabilities.dtype)
    return (probabilities.cumsum(-1) < uniform).sum(-1).clamp(max=probabilities.shape[-1] - 1)


class Rollout(NamedTuple):
    """Episodes sampled by :func:`rollout`, all of the same length (padded after a terminal state)."""

    states: torch.Tensor
    """Visited states, shape (n_episodes, horizon + 1); after a terminal state the episode stays there."""
    actions: torch.Tensor
    """Actions taken, shape (n_episodes, horizon); meaningless where ``alive`` is false."""
    rewards: torch.Tensor
    """Sampled rewards, shape (n_episodes, horizon); zero where ``alive`` is false."""
    alive: torch.Tensor
    """Whether step t was taken from a non-terminal state, bool of shape (n_episodes, horizon)."""


@one_thread()
def rollout(mdp: TabularMDP, policy, horizon: int, n_episodes: int, seed=0, start=None) -> Rollout:
    r"""Sample ``n_episodes`` episodes of ``horizon`` steps of a policy, all in parallel.

    The first state comes from ``mdp.initial`` (or is ``start``), each action from
    :math:`\pi(\cdot \mid s_t)`, each next state from :math:`P(\cdot \mid s_t, a_t)` and each reward is
    :math:`R(s_t, a_t)` plus noise of standard deviation ``mdp.reward_sd``. An episode that enters a terminal
    state stops there: its later rewards are zero.

    Parameters
    ----------
    mdp : TabularMDP
    policy : array_like, shape (S, A)
    horizon, n_episodes : int
        At least 1 each.
    seed : int or torch.Generator, default 0
    start : int, optional
        A fixed first state instead of a draw from ``mdp.initial``.

    Returns
    -------
    Rollout

    Examples
    --------
    >>> mdp = TabularMDP([[[1.0]]], [[1.0]], gamma=0.5)
    >>> episodes = rollout(mdp, [[1.0]], horizon=3, n_episodes=2)
    >>> discounted_return(episodes.rewards, mdp.gamma)
    tensor([1.7500, 1.7500], dtype=torch.float64)
    """
    func = "rollout"
    mdp = _check_mdp(mdp, func)
    policy = _check_policy(policy, mdp, func)
    horizon = check_integer(horizon, name="horizon", func=func, minimum=1)
    n_episodes = check_integer(n_episodes, name="n_episodes", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    if start is None:
        state = sample_index(mdp.initial.expand(n_episodes, -1), generator)
    else:
        start = check_integer(start, name="start", func=func, minimum=0)
        if start >= mdp.n_states:
            raise ValueError(f"{func}: start must be a state below {mdp.n_states} (got {start})")
        state = torch.full((n_episodes,), start, dtype=torch.long)
    states, actions, rewards, alive = [state], [], [], []
    for _ in range(horizon):
        action = sample_index(policy[state], generator)
        noise = torch.randn(n_episodes, generator=generator, dtype=mdp.rewards.dtype)
        live = ~mdp.terminal[state]
        reward = (mdp.rewards[state, action] + mdp.reward_sd[state, action] * noise) * live
        state = torch.where(live, sample_index(mdp.transitions[state, action], generator), state)
        states.append(state), actions.append(action), rewards.append(reward), alive.append(live)
    return Rollout(torch.stack(states, -1), torch.stack(actions, -1), torch.stack(rewards, -1), torch.stack(alive, -1))


def discounted_return(rewards, gamma) -> torch.Tensor:
    r"""The discounted return :math:`\sum_{t=0}^{T} \gamma^t r_t` of reward sequences along the last dimension.

    Parameters
    ----------
    rewards : array_like, shape (..., T + 1)
    gamma : float
        In [0, 1].

    Returns
    -------
    torch.Tensor, shape (...)

    Examples
    --------
    >>> discounted_return([1.0, 1.0, 1.0], 0.5)
    tensor(1.7500, dtype=torch.float64)
    """
    func = "discounted_return"
    rewards = check_array(rewards, name="rewards", func=func)
    gamma = check_scalar(gamma, name="gamma", func=func, low=0.0, high=1.0)
    powers = gamma ** torch.arange(rewards.shape[-1], dtype=rewards.dtype, device=rewards.device)
    return (rewards * powers).sum(-1)


def bandit(means, sd=1.0) -> TabularMDP:
    r"""A multi-armed bandit as a one-step MDP: pulling arm :math:`a` pays :math:`N(\mu_a, \text{sd}^2)` and ends the episode.

    State 0 is the machine and state 1 is terminal; every episode restarts at the machine, so that a
    learner's steps are its pulls.

    Parameters
    ----------
    means : array_like, shape (A,)
        The arms' mean rewards :math:`\mu_a`.
    sd : float, default 1.0
        Positive reward noise.

    Returns
    -------
    TabularMDP

    Examples
    --------
    >>> bandit([0.0, 1.0]).rewards[0]
    tensor([0., 1.], dtype=torch.float64)
    """
    func = "bandit"
    means = check_array(means, name="means", func=func)
    check_shape(means, ("A",), name="means", func=func)
    sd = check_scalar(sd, name="sd", func=func, low=0.0, low_open=True)
    n_arms = means.shape[0]
    transitions = torch.zeros(2, n_arms, 2, dtype=means.dtype)
    transitions[..., 1] = 1.0
    rewards = torch.stack([means, torch.zeros_like(means)])
    reward_sd = torch.zeros_like(rewards)
    reward_sd[0] = sd
    return TabularMDP(transitions, rewards, 1.0, initial=[1.0, 0.0], terminal=[False, True], reward_sd=reward_sd)
