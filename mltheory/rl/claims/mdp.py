"""Claims of the page on Markov decision processes (``book/rl/mdp.md``)."""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Reduction, Term, Words, register
from ..mdp import _policy_matrix, discounted_return, policy_evaluation, random_mdp, rollout

gamma, r_max, u = sp.symbols(r"gamma r_{\max} u", positive=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
T = sp.Symbol("T", integer=True, nonnegative=True)
n = sp.Symbol("n", integer=True, positive=True)
r = sp.IndexedBase("r")

# --------------------------------------------------------------------------- returns

register(Inequality(
    label="eq-return-bound",
    lhs=sp.Sum(gamma**t * r_max, (t, 0, T)),
    rhs=r_max / (1 - gamma),
    relation="<",
    method="doit",
    substitutions=((gamma, 1 / (1 + u)),),
    certificate=[Term(gamma ** (T + 1), weight=r_max / (1 - gamma), method="simplify")],
    condition=(Domain(gamma, sp.Interval.open(0, 1)),
               Words(r"for every horizon $T$; it bounds $|R_\tau|$ when every $|r_t|$ is at most $r_{\max}$")),
    source="Kaplan (8.1.2)",
))


def _peel_and_shift(expr):
    """Splits off the k = 0 term of a sum over 0..n and shifts a sum over 0..n-1 to 1..n, then simplifies."""
    def rewrite(term):
        (index, low, high), = term.limits
        if low == 0 and high == n:
            return term.function.subs(index, 0) + sp.Sum(term.function, (index, 1, high))
        if low == 0 and high == n - 1:
            return sp.Sum(term.function.subs(index, index - 1), (index, 1, high + 1))
        return term

    return sp.simplify(sp.sympify(expr).replace(lambda e: isinstance(e, sp.Sum), rewrite))


register(Identity(
    label="eq-return-recursion",
    lhs=sp.Sum(gamma**k * r[t + k], (k, 0, n)),
    rhs=r[t] + gamma * sp.Sum(gamma**k * r[t + 1 + k], (k, 0, n - 1)),
    method=Reduction("splits off the first term of the left sum, shifts the index of the right sum by one and "
                     "simplifies", _peel_and_shift),
    condition=Words(r"with $n$ the number of steps after $t$ up to the horizon"),
    source="ours (the recursion behind Kaplan (8.3.1))",
))


# --------------------------------------------------------------------------- policy evaluation

@functools.lru_cache(maxsize=4)
def evaluation_experiment(n_states: int, n_actions: int, gamma_value: float, n_episodes: int, horizon: int,
                          seed: int):
    """A random MDP and policy, the exact values by a linear solve, and Monte Carlo returns from each state."""
    mdp = random_mdp(n_states, n_actions, gamma_value, seed=seed)
    g = torch.Generator().manual_seed(seed + 1)
    policy = -torch.log1p(-torch.rand(n_states, n_actions, generator=g, dtype=torch.float64))
    policy = policy / policy.sum(-1, keepdim=True)
    episodes = rollout(mdp, policy, horizon, n_episodes, seed=seed + 2)
    return mdp, policy, policy_evaluation(mdp, policy), episodes.states[:, 0], discounted_return(
        episodes.rewards, gamma_value)


def evaluation_check(n_states: int = 5, n_actions: int = 3, gamma_value: float = 0.9, n_episodes: int = 20_000,
                     horizon: int = 100, seed: int = 0, transpose: bool = False):
    """Monte Carlo returns from each start state against the exact value; ``transpose=True`` solves with P_π transposed."""
    mdp, policy, values, starts, returns = evaluation_experiment(n_states, n_actions, gamma_value, n_episodes,
                                                                horizon, seed)
    if transpose:
        p_pi, r_pi = _policy_matrix(mdp, policy)
        values = torch.linalg.solve(torch.eye(n_states, dtype=p_pi.dtype) - gamma_value * p_pi.T, r_pi)
    truncation = gamma_value**horizon * mdp.rewards.abs().max().item() / (1 - gamma_value)
    measurements = []
    for state in range(n_states):
        sample = returns[starts == state]
        standard_error = sample.std().item() / math.sqrt(sample.numel())
        measurements.append(Measurement(
            f"mean return from state {state}", sample.mean().item(), values[state].item(),
            5 * standard_error + truncation,
            f"5 standard errors (σ = {standard_error:.3g}, {sample.numel()} episodes) plus the truncation bound "
            f"γ^H max|R|/(1-γ) = {truncation:.1e}",
            quantity=r"\frac1N \sum_{i=1}^{N} R_{\tau_i}(s)", expected_latex=r"\bigl[(I - \gamma P_\pi)^{-1} r_\pi\bigr](s)"))
    return measurements


register(Numeric(
    label="eq-policy-evaluation-mc",
    experiment=evaluation_check,
    alternative=Alternative("the linear system solved with the transposed matrix, as if P_π(s, s') were read by "
                            "columns", kwargs={"transpose": True}),
    page={"n_episodes": 20_000},
    test={"n_episodes": 8_000, "seed": 1},
    method="Monte Carlo rollouts against a linear solve",
    condition=Words(r"for a random MDP with 5 states and 3 actions, a random policy, $\gamma$ equal to 0.9, "
                    r"and every start state $s$"),
    source="Kaplan (8.1.5), (8.3.1)",
))
