"""Claims of the page on trust regions and PPO (``book/rl/trust-regions.md``)."""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Measurement, Numeric, Reduction, Words, register
from ...optimization import conjugate_gradient, fisher_matrix
from ..trust_region import fisher_vector_product, normalize_advantages, policy_kl, ppo_clip_loss
from .supervised import N_LABELS, Grad, components, p, z

# --------------------------------------------------------------------------- the KL's Hessian is the Fisher

tau = sp.Symbol("t", real=True)
v = sp.symbols(f"v_1:{N_LABELS + 1}", real=True)
a = sp.Symbol("a", integer=True, positive=True)
_MOVED = [logit + tau * direction for logit, direction in zip(z, v)]


class KLAlong(sp.Function):
    r"""The KL :math:`D(p_{z + t v} \,\|\, p_z)` of the softmax moved along :math:`v`, unevaluated until ``.doit()``."""

    @classmethod
    def eval(cls, t):
        return None

    def doit(self, deep=True, **hints):
        (t,) = self.args
        moved = [logit.subs(tau, t) for logit in _MOVED]
        return sp.Add(*[p(label, *moved).doit() * sp.log(p(label, *moved).doit() / p(label, *z).doit())
                        for label in range(1, N_LABELS + 1)])

    def _eval_derivative(self, symbol):
        return self.doit().diff(symbol)

    def _latex(self, printer, exp=None):
        tex = rf"D\left(p_{{z + {printer._print(self.args[0])} v}} \,\middle\|\, p_{{z}}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class Along(sp.Function):
    r"""The directional derivative :math:`v^\top \nabla_z f`, as notation: :data:`DIRECTIONAL` writes it out."""

    @classmethod
    def eval(cls, f):
        return None

    def _latex(self, printer, exp=None):
        tex = rf"v^\top \nabla_{{z}} {printer._print(self.args[0])}"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


def _directional(expr):
    expr = sp.sympify(expr).replace(lambda e: isinstance(e, sp.Sum), lambda e: e.doit(deep=False))
    expr = expr.replace(lambda e: isinstance(e, Along),
                        lambda e: sp.Add(*[direction * sp.Derivative(e.args[0], logit) for direction, logit in
                                           zip(v, z)]))
    return sp.cancel(expr.doit())


DIRECTIONAL = Reduction("writes out the KL, the sum over the three actions and each directional derivative "
                        "along v, then cancels the rational function of the exponentials", _directional)

register(Identity(
    label="eq-policy-kl-hessian",
    lhs=sp.Subs(sp.Derivative(KLAlong(tau), (tau, 2)), tau, 0),
    rhs=sp.Sum(p(a, *z) * Along(sp.log(p(a, *z))) ** 2, (a, 1, N_LABELS)),
    method=DIRECTIONAL,
    condition=Words(r"for a softmax policy over three actions at one state, every direction $v$ of its logits "
                    r"(the average over states is linear)"),
    source="Kaplan (8.5.1)–(8.5.2); Kakade (2002)",
))

# --------------------------------------------------------------------------- the KL-constrained step

F = sp.MatrixSymbol("F", 2, 2)
g = sp.MatrixSymbol("g", 2, 1)
delta, q = sp.symbols("delta q", positive=True)
_F_ENTRIES = sp.ImmutableMatrix([[sp.Symbol("F_11", real=True), sp.Symbol("F_12", real=True)],
                                 [sp.Symbol("F_12", real=True), sp.Symbol("F_22", real=True)]])
_G_ENTRIES = sp.ImmutableMatrix([sp.Symbol("g_1", real=True), sp.Symbol("g_2", real=True)])


_QUADRATIC_FORM = (_G_ENTRIES.T * _F_ENTRIES.inv() * _G_ENTRIES)[0]


def _explicit(expr):
    """``expr`` with F and g written as generic matrices of symbols, the products carried out."""
    expr = sp.sympify(expr).xreplace({F: _F_ENTRIES, g: _G_ENTRIES}).doit()
    return sp.ImmutableMatrix(expr) if getattr(expr, "is_Matrix", False) else expr


def _generic_step(expr):
    return sp.simplify(_explicit(expr).subs(q, _QUADRATIC_FORM))


def _generic_gain(expr):
    return sp.simplify(sp.simplify(_explicit(expr)).subs(q, _QUADRATIC_FORM))


GENERIC_STEP = Reduction("writes F as a generic symmetric 2 × 2 matrix and g as a generic vector of symbols, "
                         "substitutes q, and simplifies", _generic_step)
STEP = sp.MatMul(sp.sqrt(2 * delta / q), sp.Inverse(F), g, evaluate=False)
Delta = sp.MatrixSymbol("Delta", 2, 1)

register(Identity(
    label="eq-trpo-step-kl",
    lhs=sp.MatMul(sp.Rational(1, 2), Delta.T, F, Delta, evaluate=False),
    rhs=sp.ImmutableMatrix([[delta]]),
    method=GENERIC_STEP,
    given=((Delta, STEP),),
    condition=Words(r"for an invertible symmetric Fisher matrix", F, r"(proved for a generic $2 \times 2$ one), "
                    r"with $q$ the quadratic form $g^\top F^{-1} g$"),
    source="ours; corrects the sign of Kaplan (8.5.2) (Schulman et al. 2015)",
))

register(Identity(
    label="eq-trpo-step-gain",
    lhs=sp.MatMul(g.T, Delta, evaluate=False),
    rhs=sp.ImmutableMatrix([[sp.sqrt(2 * delta * q)]]),
    method=Reduction("writes F and g as generic symbols, simplifies with q positive, then substitutes q and "
                     "simplifies", _generic_gain),
    given=((Delta, STEP),),
    condition=Words(r"with $q$ the quadratic form $g^\top F^{-1} g$, positive for a positive-definite", F,
                    r"and a non-zero gradient"),
    source="ours; corrects the sign of Kaplan (8.5.2)",
))


# --------------------------------------------------------------------------- PPO-clip, case by case

r = sp.Symbol("r", positive=True)
eps = sp.Symbol("epsilon", positive=True)
t_ = sp.Symbol("t", positive=True)
A_POSITIVE, A_NEGATIVE = sp.Symbol("A", positive=True), sp.Symbol("A", negative=True)
PPO_EPS = sp.Rational(1, 5)


class clip(sp.Function):
    r"""``clip(x, lo, hi)`` :math:`= \min(\max(x, lo), hi)`, unevaluated until ``.doit()``."""

    @classmethod
    def eval(cls, x, low, high):
        return None

    def doit(self, deep=True, **hints):
        x, low, high = (arg.doit(deep=deep, **hints) if deep else arg for arg in self.args)
        return sp.Min(sp.Max(x, low), high)

    def _eval_derivative(self, symbol):
        return self.doit().diff(symbol)

    def _latex(self, printer, exp=None):
        return r"\operatorname{clip}\left(%s\right)" % ", ".join(printer._print(arg) for arg in self.args)


def ppo_loss(advantage, epsilon=eps):
    """The PPO-clip loss of one sample as a function of the ratio r, (8.5.3)."""
    return -sp.Min(r * advantage, clip(r, 1 - epsilon, 1 + epsilon) * advantage)


_INSIDE = 1 - eps + 2 * eps / (1 + t_)  # 1 − ε < r < 1 + ε
PPO_CASES = {
    # label suffix: (advantage, ε, substitution for r, domain of r, derivative)
    "positive-above": (A_POSITIVE, eps, 1 + eps + t_, sp.Interval.open(1 + eps, sp.oo), 0),
    "positive-inside": (A_POSITIVE, eps, _INSIDE, sp.Interval.open(1 - eps, 1 + eps), -A_POSITIVE),
    "positive-below": (A_POSITIVE, PPO_EPS, (1 - PPO_EPS) / (1 + t_), sp.Interval.open(0, 1 - PPO_EPS),
                       -A_POSITIVE),
    "negative-below": (A_NEGATIVE, PPO_EPS, (1 - PPO_EPS) / (1 + t_), sp.Interval.open(0, 1 - PPO_EPS), 0),
    "negative-inside": (A_NEGATIVE, eps, _INSIDE, sp.Interval.open(1 - eps, 1 + eps), -A_NEGATIVE),
    "negative-above": (A_NEGATIVE, eps, 1 + eps + t_, sp.Interval.open(1 + eps, sp.oo), -A_NEGATIVE),
}

for _suffix, (_advantage, _epsilon, _ratio, _domain, _derivative) in PPO_CASES.items():
    _sign = sp.Interval.open(0, sp.oo) if _advantage.is_positive else sp.Interval.open(-sp.oo, 0)
    register(Identity(
        label=f"eq-ppo-clip-{_suffix}",
        lhs=sp.Derivative(ppo_loss(_advantage, _epsilon), r),
        rhs=_derivative,
        method="doit",
        substitutions=((r, _ratio),),
        condition=[Domain(_advantage, _sign), Domain(r, _domain)],
        source="Kaplan (8.5.3); the pessimistic cases correct §8.5's prose (Schulman et al. 2017)",
    ))


# --------------------------------------------------------------------------- conjugate gradients with the Fisher

def _linear_policy(states: int = 12, features: int = 5, actions: int = 4, seed: int = 0):
    """A linear softmax policy: state features Φ (states × features) and logits Φ W, W of shape (features, actions)."""
    generator = torch.Generator().manual_seed(seed)
    phi = torch.randn(states, features, generator=generator, dtype=torch.float64)
    theta = 0.5 * torch.randn(features * actions, generator=generator, dtype=torch.float64)
    gradient = torch.randn(features * actions, generator=generator, dtype=torch.float64)
    return phi, theta, gradient, (lambda t: phi @ t.reshape(features, actions))


def cg_fisher_check(states: int = 12, features: int = 5, actions: int = 4, damping: float = 1e-2,
                    max_iter: int | None = None, seed: int = 0):
    """CG with Fisher-vector products against the dense solve of (F + λI) x = g, F from :func:`fisher_matrix`."""
    phi, theta, gradient, logits_fn = _linear_policy(states, features, actions, seed)
    eye = torch.eye(actions, dtype=torch.float64)

    def log_prob(t, x, y):  # one state's features x, one action y as a one-hot row
        return (torch.log_softmax(x @ t.reshape(features, actions), -1) * y).sum()

    dense = fisher_matrix(log_prob, theta, phi, support=eye).matrix + damping * torch.eye(theta.numel(),
                                                                                         dtype=torch.float64)
    exact = torch.linalg.solve(dense, gradient)
    tol = 1e-12
    solved = conjugate_gradient(lambda u: fisher_vector_product(logits_fn, theta, u, damping=damping), gradient,
                                tol=tol, max_iter=max_iter)[-1]
    kappa = torch.linalg.cond(dense).item()
    return Measurement.exact(
        "relative error of CG", ((solved - exact).norm() / exact.norm()).item(), 0.0,
        tolerance=kappa * tol * 10,
        reason=f"relative error ≤ κ × relative residual, κ = {kappa:.3g}, residual ≤ {tol:g}, with a factor 10 "
               "for rounding",
        quantity=r"\frac{\|x_{CG} - (F + \lambda I)^{-1} g\|}{\|(F + \lambda I)^{-1} g\|}", expected_latex="0")


register(Numeric(
    label="eq-cg-fisher-dense",
    experiment=cg_fisher_check,
    alternative=Alternative("TRPO's usual budget of a few CG steps already solves the system (here 3)",
                            kwargs={"max_iter": 3}),
    page={"states": 12, "features": 5, "actions": 4},
    test={"states": 12, "features": 5, "actions": 4},
    method="conjugate gradients with Fisher-vector products (Hessian-vector products of the policy KL) against "
           "a dense solve with the Fisher matrix summed exactly over actions",
    condition=Words(r"for a linear softmax policy with 5 features and 4 actions on 12 states, with damping "
                    r"$\lambda$ of 0.01"),
    source="Kaplan §8.5, §4.7; Schulman et al. (2015), appendix C",
))


# --------------------------------------------------------------------------- a natural step on a softmax bandit

BANDIT_MEANS = (1.0, 0.5, 0.2, 0.0)
BANDIT_LOGITS = (0.3, -0.2, 0.1, 0.0)


@functools.lru_cache(maxsize=8)
def bandit_step(delta_: float, sign: int = 1) -> dict[str, float]:
    """The step ±√(2δ/q) F⁺g on the softmax bandit: its KL D(new ‖ old), its gain in J, and √(2δq)."""
    means = torch.tensor(BANDIT_MEANS, dtype=torch.float64)
    theta = torch.tensor(BANDIT_LOGITS, dtype=torch.float64)

    def expected_reward(t):
        return torch.softmax(t, -1) @ means

    probs = torch.softmax(theta, -1)
    fisher = torch.diag(probs) - torch.outer(probs, probs)  # singular along (1, …, 1), which g is orthogonal to
    gradient = torch.func.grad(expected_reward)(theta)
    natural = torch.linalg.pinv(fisher) @ gradient
    q_ = (natural @ fisher @ natural).item()
    step = sign * math.sqrt(2 * delta_ / q_) * natural
    return {"kl": policy_kl((theta + step)[None], theta[None]).item(),
            "gain": (expected_reward(theta + step) - expected_reward(theta)).item(),
            "first_order_gain": math.sqrt(2 * delta_ * q_)}


def natural_step_check(deltas=(1e-4, 1e-5, 1e-6, 1e-7), sign: int = 1, slack: float = 0.05):
    """The order in √δ at which KL/δ and the gain/√(2δq) approach 1, fitted on a log-log scale."""
    root = np.log(np.sqrt(deltas))
    kl = np.array([bandit_step(d, sign)["kl"] / d for d in deltas])
    gain = np.array([bandit_step(d, sign)["gain"] / bandit_step(d, sign)["first_order_gain"] for d in deltas])
    reason = (f"the ratios tend to 1 with an error of order √δ, the next order of the Taylor series; {slack} "
              f"allows the order after it over δ ≤ {max(deltas):g}")
    return [
        Measurement.exact("order of the KL error", np.polyfit(root, np.log(np.abs(kl - 1)), 1)[0], 1.0,
                          tolerance=slack, reason=reason,
                          quantity=r"\text{order in } \sqrt\delta \text{ of } \left|\frac{D(\pi_{\theta + \Delta} "
                                   r"\| \pi_\theta)}{\delta} - 1\right|", expected_latex="1"),
        Measurement.exact("order of the gain error", np.polyfit(root, np.log(np.abs(gain - 1)), 1)[0], 1.0,
                          tolerance=slack, reason=reason,
                          quantity=r"\text{order in } \sqrt\delta \text{ of } \left|\frac{J(\theta + \Delta) - "
                                   r"J(\theta)}{\sqrt{2\delta q}} - 1\right|", expected_latex="1"),
    ]


register(Numeric(
    label="eq-natural-step-bandit",
    experiment=natural_step_check,
    alternative=Alternative("the step of (8.5.2) as printed, with the minus sign", kwargs={"sign": -1}),
    page={"deltas": (1e-4, 1e-5, 1e-6, 1e-7)},
    test={"deltas": (1e-5, 1e-6, 1e-7, 1e-8)},
    method="the natural step on a four-armed softmax bandit, fitted over four trust-region sizes",
    condition=Words(r"for arms of mean reward 1, 0.5, 0.2 and 0 and logits 0.3, $-0.2$, 0.1 and 0, with "
                    r"$\delta$ from $10^{-4}$ to $10^{-7}$"),
    source="Kaplan §8.5; Kakade (2002); Schulman et al. (2015)",
))


# --------------------------------------------------------------------------- normalised advantages

N_BATCH = 3
i_ = sp.Symbol("i", integer=True, positive=True)
adv = sp.symbols(f"A_1:{N_BATCH + 1}", real=True)
scale, shift = sp.Symbol("a", positive=True), sp.Symbol("b", real=True)


class norm(sp.Function):
    r"""Entry ``i`` of a batch of advantages standardised to mean 0 and variance 1, unevaluated until ``.doit()``."""

    @classmethod
    def eval(cls, index, *entries):
        return None

    def doit(self, deep=True, **hints):
        index, *entries = self.args
        if not index.is_Integer:  # a summation index: written out once the sum is
            return self
        mean = sp.Add(*entries) / len(entries)
        spread = sp.sqrt(sp.Add(*[(entry - mean) ** 2 for entry in entries]) / len(entries))
        return (entries[int(index) - 1] - mean) / spread

    def _latex(self, printer, exp=None):
        index, *entries = self.args
        tex = rf"\hat A_{{{printer._print(index)}}}\left({', '.join(printer._print(e) for e in entries)}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def _each_entry(expr):
    """Writes out the sums over the batch and each entry i of the batch, then simplifies."""
    expr = sp.sympify(expr).replace(lambda e: isinstance(e, sp.Sum), lambda e: e.doit(deep=False))
    if i_ not in expr.free_symbols:
        return sp.simplify(expr.doit())
    return sp.simplify(sp.ImmutableMatrix([sp.simplify(expr.subs(i_, k).doit()) for k in range(1, N_BATCH + 1)]))


EACH_ENTRY = Reduction("writes out the sums over the batch and the standardised advantages, for each of the three "
                       "entries $i$, then simplifies", _each_entry)

register(Identity(
    label="eq-advantages-standardised",
    lhs=sp.ImmutableMatrix([sp.Sum(norm(i_, *adv), (i_, 1, N_BATCH)) / N_BATCH,
                            sp.Sum(norm(i_, *adv) ** 2, (i_, 1, N_BATCH)) / N_BATCH]),
    rhs=sp.ImmutableMatrix([0, 1]),
    method=EACH_ENTRY,
    condition=Words(r"for a batch of three advantages that are not all equal"),
    source="PPO implementations (Schulman et al. 2017); Kaplan §8.5 mentions only the division",
))

register(Identity(
    label="eq-advantages-affine-invariant",
    lhs=norm(i_, *[scale * entry + shift for entry in adv]),
    rhs=norm(i_, *adv),
    method=EACH_ENTRY,
    condition=[Domain(scale, sp.Interval.open(0, sp.oo)),
               Words(r"every offset $b$, each entry $i$ of a batch of three advantages that are not all equal")],
    source="ours",
))


# --------------------------------------------------------------------------- the KL-penalty variant

z_old = sp.symbols(f"w_1:{N_LABELS + 1}", real=True)
A_ = sp.Symbol("A", real=True)
beta = sp.Symbol("beta", positive=True)
b_ = sp.Symbol("b", integer=True, positive=True)


class p_old(p):
    r"""The old policy's softmax probability, written :math:`p^{old}_y`."""

    def _latex(self, printer, exp=None):
        tex = rf"p^{{old}}_{{{printer._print(self.args[0])}}}"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class GradOf(Grad):
    r"""The gradient :math:`\nabla_z [f]` of a sum, bracketed."""

    def _latex(self, printer, exp=None):
        return rf"\nabla_{{z}} \left[{printer._print(self.args[0])}\right]"


_PENALTY = sp.Sum(p_old(b_, *z_old) * sp.log(p_old(b_, *z_old) / p(b_, *z)), (b_, 1, N_LABELS))
_KL_PENALTY_LOSS = -p(1, *z) / p_old(1, *z_old) * A_ + beta * _PENALTY
AT_OLD = Reduction("writes out the sum over the three actions and each of the three components of the gradient, "
                   "then sets the logits to the old ones and simplifies",
                   lambda expr: components(expr, at=dict(zip(z, z_old))))

register(Identity(
    label="eq-ppo-kl-penalty-gradient",
    lhs=GradOf(_KL_PENALTY_LOSS),
    rhs=sp.Mul(-A_, Grad(sp.log(p(1, *z))), evaluate=False),
    method=AT_OLD,
    condition=Words(r"at the old policy, logits $z$ equal to the old logits $w$ (ratio 1), for a softmax over three "
                    r"actions, the sampled action 1, every advantage $A$ and every $\beta$"),
    source="Schulman et al. (2017), §4; Kaplan §8.5",
))


# --------------------------------------------------------------------------- several updates on one batch

def batch_updates(method: str = "ppo", seed: int = 0, *, batch: int = 64, epochs: int = 20, lr: float = 1.0,
                  clip_eps: float = 0.2, noise_sd: float = 1.0) -> dict:
    """``epochs`` gradient steps on one batch of the four-armed bandit, from the uniform policy.

    The batch holds ``batch`` arms drawn from the uniform policy, with rewards of the arm's mean plus Gaussian
    noise, normalised into advantages. ``method="ppo"`` steps on the PPO-clip loss, ``"pg"`` on the vanilla
    policy-gradient surrogate :math:`-\\langle \\log\\pi_\\theta(a) \\hat A \\rangle`, whose gradient agrees with
    PPO's at the first step. Returns the KL :math:`D(\\pi_{old} \\| \\pi_\\theta)` after each step and the final
    ratios of the four arms.
    """
    generator = torch.Generator().manual_seed(seed)
    means = torch.tensor(BANDIT_MEANS, dtype=torch.float64)
    old = torch.full((len(means),), -math.log(len(means)), dtype=torch.float64)
    arms = torch.multinomial(old.exp(), batch, replacement=True, generator=generator)
    advantages = normalize_advantages(means[arms] + noise_sd * torch.randn(batch, generator=generator,
                                                                           dtype=torch.float64))
    theta = torch.zeros(len(means), dtype=torch.float64, requires_grad=True)
    kls = []
    for _ in range(epochs):
        log_p = torch.log_softmax(theta, -1)[arms]
        if method == "ppo":
            loss = ppo_clip_loss((log_p - old[arms]).exp(), advantages, clip_eps)
        else:
            loss = -(log_p * advantages).mean()
        gradient, = torch.autograd.grad(loss, theta)
        with torch.no_grad():
            theta -= lr * gradient
        kls.append(policy_kl(old[None], theta.detach()[None]).item())
    return {"kl": kls, "ratio": (torch.log_softmax(theta.detach(), -1) - old).exp()}


def several_updates_check(seeds: int = 100, method: str = "ppo", clip_eps: float = 0.2):
    """The largest KL from the old policy after 20 steps on one batch, over ``seeds`` batches."""
    worst = max(batch_updates(method, seed, clip_eps=clip_eps)["kl"][-1] for seed in range(seeds))
    return Measurement.exact(
        "largest KL after 20 steps", worst, -math.log(1 - clip_eps), relation="<=",
        reason=f"deterministic given the {seeds} seeds; the bound holds whenever every ratio is at least 1 − ε",
        quantity=r"\max_{\text{batches}} D(\pi_{\theta_{old}} \,\|\, \pi_{\theta_{20}})",
        expected_latex=r"-\log(1 - \epsilon)")


register(Numeric(
    label="eq-ppo-several-updates",
    experiment=several_updates_check,
    alternative=Alternative("the vanilla policy-gradient surrogate stays in the same trust region when it is "
                            "reused for the same 20 steps", kwargs={"method": "pg"}),
    page={"seeds": 100},
    test={"seeds": 30},
    method="20 gradient steps of size 1 on each of the batches, each of 64 arms drawn from the uniform policy with "
           "rewards normalised into advantages, and the exact KL of the final policy from the old",
    condition=Words(r"for the four-armed softmax bandit above with unit Gaussian reward noise, a clip range "
                    r"$\epsilon$ of 0.2, from the uniform policy"),
    source="ours; Schulman et al. (2017)",
))
