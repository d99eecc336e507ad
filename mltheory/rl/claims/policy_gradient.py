"""Claims of the page on policy gradients (``book/rl/policy-gradients.md``)."""

from __future__ import annotations

import functools

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Reduction, Term, Words, register
from ..mdp import cliff_walking, greedy_policy, policy_evaluation, policy_iteration, random_mdp
from ..policy_gradient import estimator_moments, finite_horizon_values, gae_moments, reinforce

theta = sp.Symbol("theta", real=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
H = sp.Symbol("H", integer=True, positive=True)
rho, dynamics = sp.symbols(r"\rho_0 D", positive=True)
policy = sp.Function(r"\pi", positive=True)

# --------------------------------------------------------------------------- the policy-gradient theorem


def _product_as_exponential(expr):
    """Writes each product as the exponential of a sum of logarithms, differentiates and simplifies."""
    expr = sp.sympify(expr).replace(lambda e: isinstance(e, sp.Product),
                                    lambda e: sp.exp(sp.Sum(sp.log(e.function), *e.limits)))
    return sp.simplify(expr.doit())


_trajectory = rho * dynamics * sp.Product(policy(t, theta), (t, 0, H - 1))

register(Identity(
    label="eq-log-derivative-trajectory",
    lhs=sp.Derivative(_trajectory, theta),
    rhs=_trajectory * sp.Sum(sp.Derivative(sp.log(policy(t, theta)), theta), (t, 0, H - 1)),
    method=Reduction("writes the product as the exponential of a sum of logarithms, differentiates and "
                     "simplifies", _product_as_exponential),
    condition=Words(r"where $\pi(t, \theta)$ is $\pi_\theta(a_t \mid s_t)$ and $D$ the product of the transition "
                    r"probabilities, which does not depend on $\theta$"),
    source="ours (Kaplan (8.2.1) with the sum over t of erratum 31)",
))

# --------------------------------------------------------------------------- the optimal constant baseline

score_sq = sp.Symbol(r"\mathbb{E}[\lVert\psi\rVert^2]", positive=True)
weighted = sp.Symbol(r"\mathbb{E}[R \lVert\psi\rVert^2]", real=True)
weighted_sq = sp.Symbol(r"\mathbb{E}[R^2 \lVert\psi\rVert^2]", real=True)
mean_sq = sp.Symbol(r"\lVert \nabla J \rVert^2", nonnegative=True)
b = sp.Symbol("b", real=True)


def baseline_variance(baseline):
    r""":math:`\mathbb E\lVert (R - b)\psi - \nabla J\rVert^2`, expanded, for a constant baseline ``b``."""
    return weighted_sq - 2 * baseline * weighted + baseline**2 * score_sq - mean_sq


register(Inequality(
    label="eq-optimal-baseline",
    lhs=baseline_variance(weighted / score_sq),
    rhs=baseline_variance(b),
    relation="<=",
    certificate=[Term((b - weighted / score_sq) ** 2, weight=score_sq)],
    method="expand",
    condition=Words(r"for every constant baseline $b$, with $\psi$ the score $\sum_t \nabla_\theta \log\pi_\theta"
                    r"(a_t \mid s_t)$ and $R$ the return"),
    source="ours (Kaplan §8.2; Greensmith et al. (2004))",
))

# --------------------------------------------------------------------------- generalised advantage estimation

gamma, lam, u = sp.symbols("gamma lambda u", positive=True)
k = sp.Symbol("k", integer=True, positive=True)
l = sp.Symbol("l", integer=True, nonnegative=True)

register(Identity(
    label="eq-gae-geometric",
    lhs=(1 - lam) * sp.Sum(lam ** (k - 1), (k, l + 1, sp.oo)),
    rhs=lam**l,
    method="doit",
    substitutions=((lam, 1 / (1 + u)),),
    condition=Domain(lam, sp.Interval.open(0, 1)),
    source="ours (Kaplan (8.2.12))",
))

GAE_STEPS = 4
"""The episode length of the GAE identities: rewards r_0, ..., r_3 and values V_0, ..., V_4."""

rewards = sp.symbols(f"r_0:{GAE_STEPS}", real=True)
values = sp.symbols(f"V_0:{GAE_STEPS + 1}", real=True)
advantages = [sp.Symbol(f"A^{{({j})}}", real=True) for j in range(1, GAE_STEPS + 1)]
deltas = sp.symbols(rf"\delta_0:{GAE_STEPS}", real=True)


def k_step_advantage(steps: int):
    r""":math:`A^{(k)}_0 = -V_0 + \sum_{l<k} \gamma^l r_l + \gamma^k V_k`."""
    return -values[0] + sum(gamma**j * rewards[j] for j in range(steps)) + gamma**steps * values[steps]


DEFINITIONS = tuple(zip(advantages, (k_step_advantage(j) for j in range(1, GAE_STEPS + 1)))) + tuple(
    (deltas[j], rewards[j] + gamma * values[j + 1] - values[j]) for j in range(GAE_STEPS))
"""The k-step advantages and the temporal-difference errors in terms of rewards and values."""

GAE = sum((gamma * lam) ** j * deltas[j] for j in range(GAE_STEPS))
"""The sum of discounted temporal-difference errors over the episode."""

register(Identity(
    label="eq-gae",
    lhs=(1 - lam) * (sum(lam ** (j - 1) * advantages[j - 1] for j in range(1, GAE_STEPS))
                     + advantages[-1] * sp.Sum(lam ** (k - 1), (k, GAE_STEPS, sp.oo))),
    rhs=GAE,
    method="doit",
    substitutions=((lam, 1 / (1 + u)),),
    given=DEFINITIONS,
    condition=(Domain(lam, sp.Interval.open(0, 1)),
               Words(r"for an episode of four steps, after which every $A^{(k)}$ is $A^{(4)}$, the whole return "
                     r"minus $V_0$")),
    source="Kaplan (8.2.11)–(8.2.12); Schulman et al. (2016)",
))

register(Identity(
    label="eq-gae-one-step",
    lhs=sp.Subs(GAE, lam, 0),
    rhs=advantages[0],
    method="doit",
    given=(DEFINITIONS[0], DEFINITIONS[GAE_STEPS]),
    source="Kaplan (8.2.11)",
))

register(Identity(
    label="eq-gae-monte-carlo",
    lhs=sp.Subs(GAE, lam, 1),
    rhs=sum(gamma**j * rewards[j] for j in range(GAE_STEPS)) + gamma**GAE_STEPS * values[GAE_STEPS] - values[0],
    method="doit",
    given=DEFINITIONS[GAE_STEPS:],
    condition=Words(r"where $V_4$ is zero if the episode ends there"),
    source="Kaplan §8.2",
))


# --------------------------------------------------------------------------- exact moments on an enumerated MDP

@functools.lru_cache(maxsize=4)
def enumerated_moments(n_states: int = 3, n_actions: int = 2, horizon: int = 2, seed: int = 0):
    """The estimators' exact moments on a random MDP with random softmax logits (cached for the page's figure)."""
    mdp = random_mdp(n_states, n_actions, gamma=0.9, seed=seed)
    g = torch.Generator().manual_seed(seed + 1)
    return estimator_moments(mdp, torch.randn(n_states, n_actions, generator=g, dtype=torch.float64), horizon)


def enumerated_check(n_states: int = 3, n_actions: int = 2, horizon: int = 2, seed: int = 0,
                     vanilla: str = "vanilla"):
    """Exact ∇J against the estimators' exact means, and their exact variances in order.

    ``vanilla="first_step"`` uses R(τ)∇log π(a_0|s_0) as the vanilla estimator (the sum over time dropped).
    """
    moments = enumerated_moments(n_states, n_actions, horizon, seed)
    rounding = "float64 rounding of sums over every trajectory"
    names = {"vanilla": (vanilla, r"R(\tau) \sum_t \psi_t"), "reward to go": ("reward_to_go", r"\sum_t G_t \psi_t"),
             "baseline": ("baseline", r"\sum_t (G_t - V_t(s_t)) \psi_t")}
    measurements = [Measurement.exact(
        f"max |E[{label}] - ∇J|", (moments.means[key] - moments.gradient).abs().max().item(), 0.0,
        tolerance=1e-10, reason=rounding,
        quantity=rf"\max \bigl|\mathbb E\bigl[{latex}\bigr] - \nabla_\theta J\bigr|", expected_latex="0")
        for label, (key, latex) in names.items()]
    variances = moments.variances
    measurements += [
        Measurement.exact("Var vanilla / Var reward to go", variances[vanilla] / variances["reward_to_go"], 1.0,
                          relation=">=", reason="exact sums, compared exactly",
                          quantity=r"\operatorname{Var}_{\text{vanilla}} / \operatorname{Var}_{\text{to go}}",
                          expected_latex="1"),
        Measurement.exact("Var reward to go / Var baseline", variances["reward_to_go"] / variances["baseline"], 1.0,
                          relation=">=", reason="exact sums, compared exactly",
                          quantity=r"\operatorname{Var}_{\text{to go}} / \operatorname{Var}_{\text{baseline}}",
                          expected_latex="1"),
    ]
    return measurements


register(Numeric(
    label="eq-pg-enumerated",
    experiment=enumerated_check,
    alternative=Alternative("the gradient without the sum over time, R(τ)∇log π(a_0|s_0), as (8.2.1) writes it",
                            kwargs={"vanilla": "first_step"}),
    page={"seed": 0},
    test={"seed": 0},
    method="exact sums over all 108 trajectories of a two-step MDP",
    condition=Words(r"for a random MDP with 3 states and 2 actions, random softmax logits, two steps and $\gamma$ "
                    r"equal to 0.9, with $\psi_t$ the score of step $t$"),
    source="Kaplan (8.2.1)–(8.2.8) (erratum 31)",
))


# --------------------------------------------------------------------------- REINFORCE on a small cliff

@functools.lru_cache(maxsize=4)
def cliff_reinforce(rows: int = 3, cols: int = 5, gamma_value: float = 0.95, updates: int = 200,
                    batch_size: int = 32, lr: float = 1.0, horizon: int = 40, seed: int = 0):
    """REINFORCE with a baseline on a small CliffWalking, and the exact returns it needs (cached for the figure)."""
    mdp = cliff_walking(rows, cols, gamma=gamma_value)
    run = reinforce(mdp, updates, batch_size, lr, horizon, seed=seed)
    learned = greedy_policy(run.logits.masked_fill(~mdp.available, -1e300))
    optimal = policy_iteration(mdp).policy
    start = int(mdp.initial.argmax())
    return mdp, run, policy_evaluation(mdp, learned)[start].item(), policy_evaluation(mdp, optimal)[start].item()


def reinforce_check(rows: int = 3, cols: int = 5, gamma_value: float = 0.95, updates: int = 200,
                    batch_size: int = 32, lr: float = 1.0, horizon: int = 40, seed: int = 0, target: str = "safe"):
    """The exact return of the greedy policy of the trained logits against the safe path's return.

    The safe path climbs to the top row, crosses it, and comes down: 2(rows - 1) + (cols - 1) steps of -1.
    ``target="optimal"`` compares with the optimal (cliff-edge) return instead.
    """
    _, _, learned, optimal = cliff_reinforce(rows, cols, gamma_value, updates, batch_size, lr, horizon, seed)
    length = 2 * (rows - 1) + (cols - 1)
    safe = -(1 - gamma_value**length) / (1 - gamma_value)
    return [Measurement.exact(
        "return of the greedy learned policy", learned, safe if target == "safe" else optimal, tolerance=1e-9,
        reason="exact policy evaluation, float64 rounding",
        quantity=r"J\bigl(\arg\max_a \theta_{sa}\bigr)", expected_latex=rf"-\frac{{1 - \gamma^{{{length}}}}}{{1 - \gamma}}")]


register(Numeric(
    label="eq-reinforce-cliff",
    experiment=reinforce_check,
    alternative=Alternative("REINFORCE finds the shortest path along the cliff edge (the optimal return)",
                            kwargs={"target": "optimal"}),
    page={"seed": 0},
    test={"seed": 1},
    method="REINFORCE with a baseline, evaluated exactly",
    condition=Words(r"on a 3 by 5 cliff walk with $\gamma$ equal to 0.95, after 200 updates of 32 episodes"),
    source="ours (Kaplan §8.2; Williams (1992))",
))


# --------------------------------------------------------------------------- GAE with a wrong critic

GAE_LAMBDAS = tuple(j / 10 for j in range(11))
"""The grid of λ on which the GAE estimator's exact moments are computed."""


@functools.lru_cache(maxsize=8)
def gae_critic_moments(critic: str = "true", seed: int = 0):
    """Exact moments of the GAE gradient estimator on the page's two-step MDP, for each λ of ``GAE_LAMBDAS``.

    ``critic`` is ``"true"`` (the exact values), ``"halved"`` (every value halved) or ``"noisy"`` (the exact values
    plus independent standard normal errors, seeded by ``seed + 2``).
    """
    mdp = random_mdp(3, 2, gamma=0.9, seed=seed)
    logits = torch.randn(3, 2, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64)
    values = finite_horizon_values(mdp, torch.softmax(logits, -1), 2)
    if critic == "halved":
        values = values / 2
    elif critic == "noisy":
        values = values + torch.randn(values.shape, generator=torch.Generator().manual_seed(seed + 2),
                                      dtype=torch.float64)
    return gae_moments(mdp, logits, 2, torch.tensor(GAE_LAMBDAS, dtype=torch.float64), values=values)


def _largest_bias(moments) -> torch.Tensor:
    """max over the logits of |E[ĝ_λ] − ∇J|, for each λ."""
    return (moments.means - moments.gradient).abs().amax((-2, -1))


def gae_critic_check(seed: int = 0, unbiased_lam: float = 1.0):
    """The GAE estimator's exact bias for every λ at the true critic, and at λ = ``unbiased_lam`` for a halved
    critic; and its exact variance at λ = 1 against λ = 0 for both critics."""
    true, halved = gae_critic_moments("true", seed), gae_critic_moments("halved", seed)
    rounding = "float64 rounding of sums over every trajectory"
    index = GAE_LAMBDAS.index(unbiased_lam)
    return [
        Measurement.exact("largest bias over λ, true critic", _largest_bias(true).max().item(), 0.0, tolerance=1e-10,
                          reason=rounding, expected_latex="0",
                          quantity=r"\max_{\lambda} \max \bigl|\mathbb E[\hat g_\lambda] - \nabla_\theta J\bigr|"
                                   r"\ \text{at}\ V = V^\pi"),
        Measurement.exact("bias of the halved critic at λ = 1", _largest_bias(halved)[index].item(), 0.0,
                          tolerance=1e-10, reason=rounding, expected_latex="0",
                          quantity=r"\max \bigl|\mathbb E[\hat g_{1}] - \nabla_\theta J\bigr|\ \text{at}\ V = V^\pi/2"),
        Measurement.exact("Var at λ = 1 / Var at λ = 0, true critic",
                          (true.variances[-1] / true.variances[0]).item(), 1.0, relation=">=",
                          reason="exact sums, compared exactly", expected_latex="1",
                          quantity=r"\operatorname{Var}\hat g_{1} / \operatorname{Var}\hat g_{0}"
                                   r"\ \text{at}\ V = V^\pi"),
        Measurement.exact("Var at λ = 1 / Var at λ = 0, halved critic",
                          (halved.variances[-1] / halved.variances[0]).item(), 1.0, relation=">=",
                          reason="exact sums, compared exactly", expected_latex="1",
                          quantity=r"\operatorname{Var}\hat g_{1} / \operatorname{Var}\hat g_{0}"
                                   r"\ \text{at}\ V = V^\pi/2"),
    ]


register(Numeric(
    label="eq-gae-critic",
    experiment=gae_critic_check,
    alternative=Alternative("a wrong critic leaves GAE unbiased at every λ, as it does at λ = 1 (here λ = 0)",
                            kwargs={"unbiased_lam": 0.0}),
    page={"seed": 0},
    test={"seed": 0},
    method="exact sums over all 108 trajectories of the two-step MDP, for λ = 0, 0.1, …, 1",
    condition=Words(r"for the two-step MDP and softmax policy above, with $\hat g_\lambda$ the estimator $\sum_t "
                    r"\gamma^t \hat A_t(\lambda)\,\psi_t$ and GAE advantages computed with the critic $V$"),
    source="ours (Kaplan (8.2.12); Schulman et al. (2016))",
))
