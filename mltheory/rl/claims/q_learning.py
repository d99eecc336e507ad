"""Claims of the page on Bellman optimality and Q-learning (``book/rl/q-learning.md``)."""

from __future__ import annotations

import functools
import itertools
import math

import sympy as sp
import torch

from ...claims import Alternative, Assume, Inequality, Measurement, Numeric, Term, Words, register
from ...runtime import one_thread
from ..mdp import bellman_backup, cliff_walking, policy_iteration, random_mdp, value_iteration
from ..q_learning import (
    double_q_learning,
    dqn_loss,
    expected_maximum,
    expected_pessimistic_maximum,
    greedy_path,
    knapsack_dp,
    maximization_bias_mdp,
    maximum_bias,
    q_learning,
    sarsa,
)

# --------------------------------------------------------------------------- the optimality equation


@one_thread()
def optimality_check(n_states: int = 8, n_actions: int = 3, gamma_value: float = 0.9, seeds: int = 5,
                     max_outside: bool = False):
    """The Q* of policy iteration against one backup of it, with the max inside (or outside) the expectation."""
    residuals = []
    for seed in range(seeds):
        mdp = random_mdp(n_states, n_actions, gamma_value, seed=seed)
        q_star = policy_iteration(mdp).q
        if max_outside:  # R + γ max_a' E_s'[Q*(s', a')], the order of (8.3.2)
            backed = mdp.rewards + gamma_value * torch.einsum("sat,tb->sab", mdp.transitions, q_star).amax(-1)
        else:
            backed = bellman_backup(mdp, q_star)
        residuals.append((backed - q_star).abs().max().item())
    return Measurement.exact(
        "largest residual of the optimality equation", max(residuals), 0.0, tolerance=1e-10,
        reason="float64 rounding of a linear solve with entries of order 10",
        quantity=r"\max_{s,a} \Bigl| R(s,a) + \gamma \sum_{s'} P(s' \mid s,a) \max_{a'} Q^*(s',a') - Q^*(s,a) \Bigr|",
        expected_latex="0")


register(Numeric(
    label="eq-bellman-optimality",
    experiment=optimality_check,
    alternative=Alternative("the max outside the expectation over s', as (8.3.2) writes it",
                            kwargs={"max_outside": True}),
    page={"seeds": 5},
    test={"seeds": 3},
    method="policy iteration on random MDPs, then one backup",
    condition=Words(r"for $Q^*$ found by policy iteration on random MDPs with 8 states, 3 actions and $\gamma$ "
                    r"equal to 0.9"),
    source="Kaplan (8.3.2)–(8.3.3) (erratum 32)",
))

# --------------------------------------------------------------------------- the max is 1-Lipschitz

f_max = sp.Symbol(r"\max f", real=True)
g_max = sp.Symbol(r"\max g", real=True)
gap_max = sp.Symbol(r"\max |f - g|", real=True)
f_star, g_star = sp.symbols(r"f_\star g_\star", real=True)
s, e, w = sp.symbols("s e w", nonnegative=True)

register(Inequality(
    label="eq-max-difference",
    lhs=f_max - g_max,
    rhs=gap_max,
    relation="<=",
    method="expand",
    substitutions=((f_max, g_star + s + e), (g_max, g_star + s), (gap_max, sp.Abs(s + e) + w)),
    certificate=[Term(g_max - g_star), Term(gap_max - sp.Abs(f_max - g_star))],
    condition=(Assume(sp.Eq(f_max, f_star)), Assume(f_max >= g_max), Assume(g_max >= g_star),
               Assume(gap_max >= sp.Abs(f_star - g_star)),
               Words(r"with $f_\star$ and $g_\star$ the values at a maximiser $x^*$ of $f$, all maxima over $x$ "
                     r"(the case of the larger maximum of $g$ is the same with $f$ and $g$ swapped)")),
    source="Kaplan (8.3.6)",
))

# --------------------------------------------------------------------------- the contraction


@one_thread()
def contraction_check(n_states: int = 6, n_actions: int = 3, gamma_value: float = 0.9, n_mdps: int = 100,
                      pairs: int = 10, seed: int = 0):
    """‖TX − TY‖∞ / ‖X − Y‖∞ over random MDPs and random pairs, and for pairs that differ by a constant."""
    g = torch.Generator().manual_seed(seed)
    worst, shifted = 0.0, []
    for index in range(n_mdps):
        mdp = random_mdp(n_states, n_actions, gamma_value, seed=seed * 10_000 + index)
        x = torch.randn(pairs, n_states, n_actions, generator=g, dtype=torch.float64)
        y = torch.randn(pairs, n_states, n_actions, generator=g, dtype=torch.float64)
        ratio = (bellman_backup(mdp, x) - bellman_backup(mdp, y)).abs().amax((-2, -1)) / (x - y).abs().amax((-2, -1))
        worst = max(worst, ratio.max().item())
        shift = torch.randn(pairs, 1, 1, generator=g, dtype=torch.float64)
        shifted.append(((bellman_backup(mdp, x + shift) - bellman_backup(mdp, x)).abs().amax((-2, -1))
                        / shift.abs()[:, 0, 0]).max().item())
    return [
        Measurement.exact("largest ratio over random pairs", worst, gamma_value, relation="<=", tolerance=1e-12,
                          reason="float64 rounding", quantity=r"\max \frac{\lVert TX - TY \rVert_\infty}"
                          r"{\lVert X - Y \rVert_\infty}", expected_latex=r"\gamma"),
        Measurement.exact("ratio for pairs that differ by a constant", max(shifted), gamma_value, tolerance=1e-12,
                          reason="float64 rounding", quantity=r"\frac{\lVert T(X + c) - TX \rVert_\infty}{|c|}",
                          expected_latex=r"\gamma"),
    ]


register(Numeric(
    label="eq-bellman-contraction",
    experiment=contraction_check,
    alternative=Alternative("a contraction by γ² (as if each backup discounted twice)",
                            expected={"ratio for pairs that differ by a constant": 0.81}),
    page={"n_mdps": 100},
    test={"n_mdps": 40, "seed": 1},
    method="random MDPs and random pairs of Q-tables",
    condition=Words(r"for random MDPs with 6 states, 3 actions and $\gamma$ equal to 0.9, 10 random pairs each"),
    source="Kaplan (8.3.4)–(8.3.5)",
))

# --------------------------------------------------------------------------- value and policy iteration


@functools.lru_cache(maxsize=4)
def iteration_runs(n_states: int = 8, n_actions: int = 2, gamma_value: float = 0.9, steps: int = 200,
                   seed: int = 3):
    """Value iteration from zero and policy iteration on a random deterministic MDP (cached for the figure)."""
    mdp = random_mdp(n_states, n_actions, gamma_value, seed=seed, deterministic=True)
    exact = policy_iteration(mdp)
    iterates = value_iteration(mdp, steps)
    return mdp, exact, iterates, (iterates - exact.q).abs().amax((-2, -1))


def value_iteration_check(n_states: int = 8, n_actions: int = 2, gamma_value: float = 0.9, steps: int = 200,
                          seed: int = 3, late: int = 100):
    """The error of value iteration against the bound γ^k‖Q_0 − Q*‖, and its rate late in the run."""
    _, _, _, errors = iteration_runs(n_states, n_actions, gamma_value, steps, seed)
    k = torch.arange(late + 1, dtype=torch.float64)
    ratio = (errors[: late + 1] / (gamma_value**k * errors[0])).max().item()
    return [
        Measurement.exact("largest error over its bound", ratio, 1.0, relation="<=", tolerance=1e-8,
                          reason=f"float64 rounding of Q* (about 1e-14) against bounds above "
                                 f"{gamma_value**late * errors[0].item():.0e}",
                          quantity=rf"\max_{{k \le {late}}} \frac{{\lVert Q_k - Q^* \rVert_\infty}}"
                          r"{\gamma^k \lVert Q_0 - Q^* \rVert_\infty}", expected_latex="1"),
        Measurement.exact("late rate", (errors[late] / errors[late - 1]).item(), gamma_value, tolerance=1e-6,
                          reason=f"float64 rounding relative to an error of {errors[late].item():.1e}",
                          quantity=rf"\lVert Q_{{{late}}} - Q^* \rVert_\infty / \lVert Q_{{{late - 1}}} - Q^* "
                          r"\rVert_\infty", expected_latex=r"\gamma"),
    ]


register(Numeric(
    label="eq-value-iteration-geometric",
    experiment=value_iteration_check,
    alternative=Alternative("convergence in finite time: the error reaches zero, so the late rate is 0",
                            expected={"late rate": 0.0}),
    page={"seed": 3},
    test={"seed": 4},
    method="value iteration from zero on a deterministic MDP, against policy iteration's exact Q*",
    condition=Words(r"for a random deterministic MDP with 8 states, 2 actions and $\gamma$ equal to 0.9"),
    source="Kaplan (8.3.3)–(8.3.5) (erratum 33)",
))


def policy_iteration_check(n_states: int = 8, n_actions: int = 2, gamma_value: float = 0.9, steps: int = 200,
                           seed: int = 3, compare_with: str = "final"):
    """Policy iteration's Q* against value iteration after ``steps`` backups, within the proven bound.

    ``compare_with="first"`` compares with the action values of the first policy instead.
    """
    mdp, exact, iterates, _ = iteration_runs(n_states, n_actions, gamma_value, steps, seed)
    q = exact.q
    if compare_with == "first":
        from ..mdp import action_values, policy_evaluation

        first = torch.zeros_like(q)
        first[:, 0] = 1.0
        q = action_values(mdp, policy_evaluation(mdp, first))
    bound = gamma_value**steps * exact.q.abs().max().item()
    return Measurement.exact(
        "policy iteration against value iteration", (iterates[-1] - q).abs().max().item(), bound, relation="<=",
        tolerance=1e-12, reason="the proven bound γ^K‖Q*‖ (Q_0 is zero), plus float64 rounding",
        quantity=rf"\lVert Q_{{{steps}}} - Q^{{\pi_{{\text{{PI}}}}}} \rVert_\infty",
        expected_latex=rf"\gamma^{{{steps}}} \lVert Q^* \rVert_\infty")


register(Numeric(
    label="eq-policy-iteration",
    experiment=policy_iteration_check,
    alternative=Alternative("policy iteration stopped after its first policy", kwargs={"compare_with": "first"}),
    page={"seed": 3},
    test={"seed": 4},
    method="policy iteration against 200 steps of value iteration",
    condition=Words(r"for the same deterministic MDP"),
    source="Kaplan §8.3",
))

# --------------------------------------------------------------------------- overestimation


PESSIMISM = 3.0
"""How many estimated standard errors the lower-confidence-bound estimator subtracts."""


@functools.lru_cache(maxsize=4)
def bias_run(n_actions: int = 10, n_samples: int = 4, trials: int = 20_000, seed: int = 0):
    """:func:`~mltheory.rl.maximum_bias` with σ = 1, cached so that three claims and the figure share it."""
    return maximum_bias(n_actions, n_samples, trials, sd=1.0, seed=seed, k=PESSIMISM)


def overestimation_check(n_actions: int = 10, n_samples: int = 4, trials: int = 20_000, seed: int = 0):
    """Single and double estimators of max_a E[Q_a] (all true values 0) against the order-statistic constant."""
    run = bias_run(n_actions, n_samples, trials, seed)
    constant = expected_maximum(n_actions)
    return [
        Measurement.monte_carlo("single estimator", run.single * math.sqrt(n_samples), constant,
                                quantity=rf"\sqrt{{n}}\,\mathbb E\bigl[\max_a \hat Q^A_a\bigr] / \sigma",
                                expected_latex=rf"\mathbb E\bigl[\max_{{a \le {n_actions}}} Z_a\bigr]"),
        Measurement.monte_carlo("double estimator", run.double * math.sqrt(n_samples), 0.0,
                                quantity=r"\sqrt{n}\,\mathbb E\bigl[\hat Q^B_{\arg\max_a \hat Q^A_a}\bigr] / \sigma",
                                expected_latex="0"),
    ]


register(Numeric(
    label="eq-overestimation",
    experiment=overestimation_check,
    alternative=Alternative("the maximum of unbiased estimates is unbiased", expected={"single estimator": 0.0}),
    page={"trials": 20_000},
    test={"trials": 10_000, "seed": 1},
    method="Monte Carlo against quadrature",
    condition=Words(r"for 10 actions of true value 0, each estimated from 4 samples of noise $\sigma$, with "
                    r"$Z_a$ independent standard normals"),
    source="ours (toy F1; Kaplan §8.3; van Hasselt (2010))",
))


def target_network_check(n_actions: int = 10, n_samples: int = 4, trials: int = 20_000, seed: int = 0):
    """The estimate max_a Q^B_a of a target copy alone (selection and evaluation both by B) keeps the bias."""
    run = bias_run(n_actions, n_samples, trials, seed)
    return Measurement.monte_carlo(
        "target copy alone", run.target * math.sqrt(n_samples), expected_maximum(n_actions),
        quantity=r"\sqrt{n}\,\mathbb E\bigl[\max_a \hat Q^B_a\bigr] / \sigma",
        expected_latex=rf"\mathbb E\bigl[\max_{{a \le {n_actions}}} Z_a\bigr]")


register(Numeric(
    label="eq-target-network-bias",
    experiment=target_network_check,
    alternative=Alternative("a separate target network removes the bias, as double Q-learning does",
                            expected={"target copy alone": 0.0}),
    page={"trials": 20_000},
    test={"trials": 10_000, "seed": 1},
    method="Monte Carlo against quadrature",
    condition=Words(r"for the same 10 actions, with a second independent estimate $\hat Q^B$ as the target copy"),
    source="ours (Kaplan §8.3, erratum 34; Mnih et al. (2015); van Hasselt et al. (2016))",
))

def pessimistic_check(n_actions: int = 10, n_samples: int = 4, trials: int = 20_000, seed: int = 0):
    """The lower-confidence-bound estimator max_a (Q^A_a − k s_a/√n) against its quadrature mean (negative)."""
    run = bias_run(n_actions, n_samples, trials, seed)
    return Measurement.monte_carlo(
        "lower confidence bound", run.pessimistic * math.sqrt(n_samples),
        expected_pessimistic_maximum(n_actions, n_samples, PESSIMISM),
        quantity=rf"\sqrt{{n}}\,\mathbb E\bigl[\max_a (\hat Q^A_a - {PESSIMISM:g}\,\hat s_a/\sqrt n)\bigr] / \sigma",
        expected_latex=rf"\mathbb E\bigl[\max_{{a \le {n_actions}}} (Z_a - {PESSIMISM:g} S_a)\bigr]")


register(Numeric(
    label="eq-pessimistic-bias",
    experiment=pessimistic_check,
    alternative=Alternative("subtracting k standard errors lowers the bias by exactly k, to E[max Z] − k, as if "
                            "the noise of each estimate were known",
                            expected={"lower confidence bound": expected_maximum(10) - PESSIMISM}),
    page={"trials": 20_000},
    test={"trials": 10_000, "seed": 1},
    method="Monte Carlo against quadrature",
    condition=Words(r"for the same 10 actions and 4 samples each, with $\hat s_a$ the standard deviation of the "
                    r"samples of action $a$, $Z_a$ standard normal and $S_a^2$ an independent $\chi^2_3/3$"),
    source="ours (toy F1; the dropout lower bound of Jaques et al. (2019))",
))


@one_thread()
def dqn_tabular_check(n_states: int = 5, n_actions: int = 3, batch: int = 64, lr: float = 0.5, seed: int = 0,
                      stop_grad: bool = True):
    """One gradient step on the DQN loss of a tabular Q against the batch Q-learning update.

    The target network is the current table itself (just synchronised), so the two differ only if the
    gradient flows through the target (``stop_grad=False``).
    """
    mdp = random_mdp(n_states, n_actions, 0.9, seed=seed)
    g = torch.Generator().manual_seed(seed + 1)
    table = torch.randn(n_states, n_actions, generator=g, dtype=torch.float64)
    states = torch.randint(n_states, (batch,), generator=g)
    actions = torch.randint(n_actions, (batch,), generator=g)
    next_states = torch.multinomial(mdp.transitions[states, actions], 1, generator=g)[:, 0]
    rewards = mdp.rewards[states, actions]
    theta = table.clone().requires_grad_(True)
    loss = dqn_loss(theta[states], actions, rewards, theta[next_states], 0.9, stop_grad=stop_grad)
    (grad,) = torch.autograd.grad(loss, theta)
    stepped = table - lr * grad
    errors = rewards + 0.9 * table[next_states].amax(-1) - table[states, actions]
    updated = table.index_put((states, actions), lr * errors / batch, accumulate=True)
    return Measurement.exact(
        "largest difference from the Q-learning update", (stepped - updated).abs().max().item(), 0.0,
        tolerance=1e-12, reason="float64 rounding of sums of 64 terms of order 1",
        quantity=r"\max_{s,a} \bigl| Q - \alpha \nabla_Q L_{\text{DQN}} - Q_{\text{Q-learning}} \bigr|",
        expected_latex="0")


register(Numeric(
    label="eq-dqn-tabular",
    experiment=dqn_tabular_check,
    alternative=Alternative("the gradient may flow through the target as well (no stop-gradient)",
                            kwargs={"stop_grad": False}),
    page={"seed": 0},
    test={"seed": 1},
    method="automatic differentiation of the DQN loss against the Q-learning update",
    condition=Words(r"for a tabular $Q$ on a random MDP with 5 states and 3 actions, a batch of 64 transitions, "
                    r"step size $\alpha$ and the batch Q-learning update with step $\alpha/64$ per transition, "
                    r"the target network being a frozen copy of $Q$"),
    source="ours (Kaplan §8.3, erratum 34; Mnih et al. (2015))",
))

# --------------------------------------------------------------------------- Q-learning against SARSA


@functools.lru_cache(maxsize=4)
def cliff_runs(steps: int = 4500, n_runs: int = 30, alpha: float = 0.5, epsilon: float = 0.1, seed: int = 0):
    """Q-learning and SARSA on the 4 × 12 CliffWalking (γ = 1), many agents each (cached for the figure)."""
    mdp = cliff_walking()
    return mdp, {"Q-learning": q_learning(mdp, steps, alpha, epsilon, n_runs=n_runs, seed=seed),
                 "SARSA": sarsa(mdp, steps, alpha, epsilon, n_runs=n_runs, seed=seed)}


def cliff_check(steps: int = 4500, n_runs: int = 30, alpha: float = 0.5, epsilon: float = 0.1, seed: int = 0):
    """How many agents of each method end with a greedy policy on the optimal 13-step path along the edge."""
    mdp, runs = cliff_runs(steps, n_runs, alpha, epsilon, seed)
    optimal = -13.0
    on_edge = {name: sum(greedy_path(mdp, q)[1] == optimal for q in run.q) for name, run in runs.items()}
    return [
        Measurement.exact("Q-learning agents on the optimal path", on_edge["Q-learning"], n_runs,
                          reason="exact counts", quantity=r"\#\{\text{Q-learning agents on the edge path}\}",
                          expected_latex=rf"{n_runs}\ \text{{(all)}}"),
        Measurement.exact("SARSA agents on the optimal path", on_edge["SARSA"], 0, reason="exact counts",
                          quantity=r"\#\{\text{SARSA agents on the edge path}\}", expected_latex="0"),
    ]


register(Numeric(
    label="eq-q-learning-sarsa",
    experiment=cliff_check,
    alternative=Alternative("SARSA learns the optimal path too, like Q-learning",
                            expected={"SARSA agents on the optimal path": 30}),
    page={"steps": 4500, "n_runs": 30},
    test={"steps": 4000, "n_runs": 6, "seed": 1},
    method="tabular Q-learning and SARSA, greedy paths of the learned tables",
    condition=Words(r"on the 4 by 12 cliff walk, with step size 0.5 and $\varepsilon$ equal to 0.1"),
    source="Sutton and Barto (2018), Example 6.6",
))

# --------------------------------------------------------------------------- double Q-learning


@functools.lru_cache(maxsize=4)
def bias_mdp_runs(steps: int = 250, n_runs: int = 2000, alpha: float = 0.1, epsilon: float = 0.1, seed: int = 0,
                  second: str = "double"):
    """Q-learning and double Q-learning (or Q-learning twice) on the maximisation-bias MDP, and their left choices."""
    mdp = maximization_bias_mdp()
    learners = {"q_learning": q_learning, "double": double_q_learning}
    return {key: _left_by_visit(learners[name](mdp, steps, alpha, epsilon, n_runs=n_runs, seed=seed + index),
                                visits=steps // 2)
            for index, (key, name) in enumerate((("q_learning", "q_learning"), ("second", second)))}


def _left_by_visit(run, visits: int = 200) -> torch.Tensor:
    """Whether each agent went left on its 1st, 2nd, ... visit to A, shape (n_runs, visits)."""
    at_a = run.states == 0
    order = at_a.cumsum(-1)
    agent, step = (at_a & (order <= visits)).nonzero(as_tuple=True)
    left = torch.zeros(run.states.shape[0], visits, dtype=torch.bool)
    left[agent, order[agent, step] - 1] = run.actions[agent, step] == 1
    return left


def double_q_check(steps: int = 250, n_runs: int = 1000, alpha: float = 0.1, epsilon: float = 0.1, seed: int = 0,
                   second: str = "double", window: int = 100):
    """The fraction of left choices at A over the first ``window`` visits: Q-learning minus the second learner,
    in standard errors of the difference (agents are independent)."""
    left = bias_mdp_runs(steps, n_runs, alpha, epsilon, seed, second)
    per_agent = {name: value[:, :window].double().mean(-1) for name, value in left.items()}
    if min(value.shape[1] for value in left.values()) < window:
        raise ValueError(f"double_q_check: {steps} steps give fewer than {window} visits to A")
    difference = per_agent["q_learning"].mean() - per_agent["second"].mean()
    error = math.sqrt(sum(v.var().item() / n_runs for v in per_agent.values()))
    return Measurement.exact(
        "difference in standard errors", difference.item() / error, 5.0, relation=">=",
        reason="a 5 standard-error margin, from the spread over independent agents",
        quantity=r"\bigl(\bar p_{\text{Q}}(\text{left}) - \bar p_{\text{double Q}}(\text{left})\bigr) / \mathrm{SE}",
        expected_latex="5")


register(Numeric(
    label="eq-double-q-learning",
    experiment=double_q_check,
    alternative=Alternative("double Q-learning goes left as often as Q-learning (run Q-learning as the second "
                            "learner)", kwargs={"second": "q_learning"}),
    page={"n_runs": 1000},
    test={"n_runs": 300, "seed": 1},
    method="tabular Q-learning and double Q-learning, many independent agents",
    condition=Words(r"on the maximisation-bias MDP with 10 actions in B, over the first 100 visits to A"),
    source="van Hasselt (2010); Sutton and Barto (2018), Example 6.7",
))

# --------------------------------------------------------------------------- knapsack


def _greedy_knapsack(weights: torch.Tensor, values: torch.Tensor, capacity: int) -> float:
    """Take items in order of value per weight while they fit (a plausible, wrong, shortcut)."""
    total, room = 0.0, capacity
    for index in torch.argsort(values / weights, descending=True).tolist():
        if weights[index] <= room:
            total, room = total + values[index].item(), room - int(weights[index])
    return total


def knapsack_check(instances: int = 200, n_items: int = 10, seed: int = 0, solver: str = "dp"):
    """Dynamic programming against the best of all 2^n subsets on random instances."""
    g = torch.Generator().manual_seed(seed)
    subsets = torch.tensor(list(itertools.product((0.0, 1.0), repeat=n_items)), dtype=torch.float64)
    agree = 0
    for _ in range(instances):
        weights = torch.randint(1, 15, (n_items,), generator=g).double()
        values = torch.randint(1, 30, (n_items,), generator=g).double()
        capacity = int(weights.sum().item() // 2)
        fits = subsets @ weights <= capacity
        brute = (subsets @ values)[fits].max().item()
        found = knapsack_dp(weights, values, capacity)[0] if solver == "dp" else \
            _greedy_knapsack(weights, values, capacity)
        agree += found == brute
    return Measurement.exact("instances solved exactly", agree, instances, reason="exact integer arithmetic",
                             quantity=r"\#\{\text{instances where } V_n(C) \text{ is the best subset}\}",
                             expected_latex=rf"{instances}\ \text{{(all)}}")


register(Numeric(
    label="eq-knapsack",
    experiment=knapsack_check,
    alternative=Alternative("taking items greedily by value per unit weight", kwargs={"solver": "greedy"}),
    page={"instances": 200},
    test={"instances": 60, "seed": 1},
    method="exhaustive search over all subsets",
    condition=Words(r"for random instances of 10 items with integer weights, capacity half the total weight"),
    source="Kaplan §8.3 (L2496)",
))
