"""Claims of the page on adaptive methods (``book/optimization/adaptive.md``)."""

from __future__ import annotations

import functools

import sympy as sp
import torch

from ...claims import Alternative, Assume, Domain, Identity, Measurement, Numeric, Reduction, Words, register
from ..adaptive import adam, amsgrad, reddi_online_problem, rmsprop

beta, beta1, beta2 = sp.symbols("beta beta_1 beta_2", positive=True)
s1, s2 = sp.symbols("s_1 s_2", positive=True)
eta, scale, lam = sp.symbols("eta c lambda", positive=True)
t = sp.Symbol("t", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
n = sp.Symbol("n", integer=True, nonnegative=True)
g = sp.IndexedBase("g", real=True)
g_const = sp.Symbol("g", real=True)
g_now = sp.Symbol("g_t", real=True, nonzero=True)
theta0 = sp.Symbol("theta_0", real=True)
L = sp.Function("L")
theta = sp.Symbol("theta", real=True)

UNIT_BETAS = (Domain(beta1, sp.Interval.open(0, 1)), Domain(beta2, sp.Interval.open(0, 1)))
IN_UNIT = ((beta1, 1 / (1 + s1)), (beta2, 1 / (1 + s2)))
"""0 < β < 1 as a substitution of a positive s, which sympy needs to sum the geometric series."""
STEPS = Domain(t, sp.Range(1, sp.oo))


def average(decay, terms, upto=t):
    r"""The exponential average :math:`(1-\beta)\sum_{k=1}^{t} \beta^{t-k} x_k` of ``terms`` (a function of k)."""
    return (1 - decay) * sp.Sum(decay ** (upto - k) * terms, (k, 1, upto))


def _sqrt(expr):
    return sp.Pow(expr, sp.Rational(1, 2), evaluate=False)


def _ratio(numerator, denominator):
    return sp.Mul(numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False)


# --------------------------------------------------------------------------- the averages, written out

def _peel_last_term(expr):
    """Peels the term k = n + 1 off every sum that runs to n + 1, moves constant factors inside the sums and simplifies."""
    def peel(total):
        (index, low, high), = total.limits
        if high != n + 1:
            return total
        return sp.Sum(total.function, (index, low, n)) + total.function.subs(index, n + 1)

    def inside(term):
        sums = [factor for factor in sp.Mul.make_args(term) if isinstance(factor, sp.Sum)]
        if len(sums) != 1:
            return term
        return sp.Sum(sp.powsimp(sp.expand(term / sums[0] * sums[0].function)), sums[0].limits)

    expr = sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), peel))
    return sp.simplify(sp.Add(*[inside(term) for term in sp.Add.make_args(expr)]))


register(Identity(
    label="eq-adam-averages-unrolled",
    lhs=sp.ImmutableMatrix([beta1 * average(beta1, g[k], n) + (1 - beta1) * g[n + 1],
                            beta2 * average(beta2, g[k] ** 2, n) + (1 - beta2) * g[n + 1] ** 2]),
    rhs=sp.ImmutableMatrix([average(beta1, g[k], n + 1), average(beta2, g[k] ** 2, n + 1)]),
    method=Reduction("peels the term k = n + 1 off each sum, moves constant factors inside and simplifies",
                     _peel_last_term),
    condition=Domain(n, sp.Range(0, sp.oo)),
    source="ours (replaces Kaplan (4.4.3), erratum 17)",
))


register(Identity(
    label="eq-adam-bias-correction",
    lhs=sp.ImmutableMatrix([average(beta1, g_const) / (1 - beta1**t), average(beta2, g_const**2) / (1 - beta2**t)]),
    rhs=sp.ImmutableMatrix([g_const, g_const**2]),
    method="doit",
    substitutions=IN_UNIT,
    condition=(*UNIT_BETAS, STEPS),
    source="Kaplan (4.4.2), with the index corrected (erratum 17)",
))

register(Identity(
    label="eq-source-bias-correction",
    lhs=average(beta2, g_const**2) / (1 - beta2 ** (t - 1)),
    rhs=g_const**2 * (1 - beta2**t) / (1 - beta2 ** (t - 1)),
    method="doit",
    substitutions=IN_UNIT[1:],
    condition=(UNIT_BETAS[1], Domain(t, sp.Range(2, sp.oo))),
    source="Kaplan (4.4.2) as printed (erratum 17)",
))


def constant_gradient_check(beta1: float = 0.9, beta2: float = 0.999, lr: float = 0.01, steps: int = 100,
                            shown=(1, 2, 100)):
    r"""Adam on a linear loss (a constant gradient) with :math:`\epsilon = 0`: the length of each step over η."""
    path = adam(lambda p: 3.0 * p.sum(), [0.0], lr, steps, beta1=beta1, beta2=beta2, eps=0.0)[:, 0]
    ratios = (path[1:] - path[:-1]).abs() / lr
    return [Measurement.exact(f"step {n}", ratios[n - 1].item(), 1.0, tolerance=1e-12,
                              reason="float64 rounding, amplified about 1000-fold by the cancellation in 1 − β₂^t",
                              quantity=rf"|\theta_{{{n}}} - \theta_{{{n - 1}}}|/\eta", expected_latex="1")
            for n in shown]


register(Numeric(
    label="eq-adam-constant-gradient-steps",
    experiment=constant_gradient_check,
    alternative=Alternative("the notes' correction 1 − β₂^(t−1): no first step, then steps shorter by √(1 + β₂)",
                            expected={"step 1": 0.0, "step 2": 1 / (1 + 0.999) ** 0.5}),
    page={"steps": 100},
    test={"steps": 1000, "shown": (1, 2, 10, 1000)},
    method="mltheory's adam on a linear loss",
    condition=Words(r"for Adam with $\beta_1$ and $\beta_2$ equal to 0.9 and 0.999, $\epsilon$ zero, "
                    r"and a constant gradient"),
    source="ours (Kaplan (4.4.2), erratum 17)",
))


# --------------------------------------------------------------------------- units and sign descent

def _adam_step(gradient):
    """Adam's step with gradients ``gradient`` (a function of k), ε = 0, in full."""
    second = _sqrt(_ratio(average(beta2, gradient**2), 1 - beta2**t))
    return _ratio(eta * average(beta1, gradient), sp.Mul(1 - beta1**t, second, evaluate=False))


register(Identity(
    label="eq-adam-scale-invariance",
    lhs=_adam_step(scale * g[k]),
    rhs=_adam_step(g[k]),
    method="sums",
    condition=Words(r"for every $c$ above zero and $\epsilon$ zero"),
    source="Kaplan (4.4.5)",
))

v_before = sp.Symbol("v_{t-1}", nonnegative=True)

register(Identity(
    label="eq-rmsprop-sign-limit",
    lhs=sp.Limit(_ratio(eta * g_now, _sqrt(((beta * v_before + (1 - beta) * g_now**2) / (1 - beta**t)))), beta, 0,
                 "+"),
    rhs=eta * sp.sign(g_now),
    method="doit",
    condition=(Domain(g_now, sp.S.Reals - sp.FiniteSet(0)), STEPS),
    source="Kaplan (4.4.6)",
))


# --------------------------------------------------------------------------- weight decay

register(Identity(
    label="eq-l2-equals-weight-decay-sgd",
    lhs=theta - eta * sp.Derivative(L(theta) + lam * theta**2 / 2, theta),
    rhs=(1 - eta * lam) * theta - eta * sp.Derivative(L(theta), theta),
    method="doit",
    condition=Words("for every differentiable", L(theta)),
    source="Loshchilov and Hutter (2019)",
))

g_first = sp.Symbol("g_1", real=True, nonzero=True)


def _first_adam_step(start, gradient):
    """θ₀ − η m̂₁/√v̂₁ with ε = 0: the bias-corrected averages of one gradient."""
    first = (1 - beta1) * gradient / (1 - beta1)
    second = (1 - beta2) * gradient**2 / (1 - beta2)
    return start - _ratio(eta * first, _sqrt(second))


shifted = sp.Symbol("u", real=True, nonzero=True)


def _nonzero_shifted_gradient(expr):
    """Writes g₁ + λθ₀ as a nonzero u (the condition), then simplifies."""
    return sp.simplify(sp.sympify(expr).doit().subs(theta0, (shifted - g_first) / lam))


register(Identity(
    label="eq-adam-l2-vs-adamw",
    lhs=_first_adam_step(theta0, g_first + lam * theta0) - _first_adam_step((1 - eta * lam) * theta0, g_first),
    rhs=eta * (lam * theta0 + sp.sign(g_first) - sp.sign(g_first + lam * theta0)),
    method=Reduction("writes the nonzero g₁ + λθ₀ as a symbol u, then simplifies", _nonzero_shifted_gradient),
    condition=(Words(r"for the first step of Adam with $\epsilon$ zero, from $\theta_0$ with gradient $g_1$, and"),
               Domain(g_first, sp.S.Reals - sp.FiniteSet(0)), Assume(sp.Ne(g_first + lam * theta0, 0))),
    source="ours (after Loshchilov and Hutter (2019))",
))


def weight_decay_check(weight_decay: float = 0.1, lr: float = 0.1, steps: int = 3000, decoupled_in_l2: bool = False):
    r"""Adam with L2 and AdamW on :math:`L = \tfrac12\sum_i \lambda_i(\theta_i - 1)^2`, one step and a long run.

    The first step is compared with :math:`\eta(\lambda\theta_0 + \mathrm{sign}\,g_1 - \mathrm{sign}(g_1 + \lambda\theta_0))`;
    after ``steps`` steps, L2 lands at the minimiser of the regularised loss and AdamW does not.
    ``decoupled_in_l2=True`` runs AdamW in place of Adam with L2 (the wrong alternative: the two are the same).
    """
    curvatures = torch.tensor([0.01, 1.0, 100.0], dtype=torch.float64)
    start = torch.tensor([3.0, -2.0, 0.5], dtype=torch.float64)

    def loss(p):
        return 0.5 * (curvatures * (p - 1) ** 2).sum()

    settings = dict(beta1=0.9, beta2=0.999, eps=0.0, weight_decay=weight_decay)
    with_l2 = adam(loss, start, lr, steps, decoupled=decoupled_in_l2, **settings)
    decoupled = adam(loss, start, lr, steps, decoupled=True, **settings)
    gradient = curvatures * (start - 1)
    predicted = lr * (weight_decay * start + gradient.sign() - (gradient + weight_decay * start).sign())
    regularised = curvatures / (curvatures + weight_decay)
    return [
        Measurement.exact("first step", (with_l2[1] - decoupled[1]).norm().item(), predicted.norm().item(),
                          tolerance=1e-12, reason="float64 rounding",
                          quantity=r"\lVert \theta_1^{\mathrm{L2}} - \theta_1^{\mathrm{W}} \rVert",
                          expected_latex=r"\eta\,\lVert \lambda\theta_0 + \mathrm{sign}\,g_1 - "
                                         r"\mathrm{sign}(g_1 + \lambda\theta_0) \rVert"),
        Measurement.exact("L2 end", (with_l2[-1] - regularised).abs().max().item(), 0.0, tolerance=lr,
                          reason="one step η, the size of Adam's steps",
                          quantity=rf"\max_i |\theta^{{\mathrm{{L2}}}}_{{{steps},i}} - \lambda_i/(\lambda_i + \lambda)|",
                          expected_latex="0"),
    ]


register(Numeric(
    label="eq-adamw-differs",
    experiment=weight_decay_check,
    alternative=Alternative("L2 regularisation and decoupled weight decay are the same under Adam, as under SGD",
                            kwargs={"decoupled_in_l2": True}),
    page={"steps": 3000},
    test={"steps": 5000},
    method="mltheory's adam with weight_decay, decoupled and not",
    condition=Words(r"for a diagonal quadratic with curvatures 0.01, 1 and 100, $\lambda$ 0.1, $\eta$ 0.1"),
    source="ours (after Loshchilov and Hutter (2019))",
))


# --------------------------------------------------------------------------- agreement with torch.optim

def torch_optim_path(optimizer, loss, start: torch.Tensor, steps: int, **settings) -> torch.Tensor:
    """The trajectory of ``steps`` steps of a ``torch.optim`` optimizer on ``loss`` from ``start``, start first."""
    point = start.clone().requires_grad_(True)
    opt = optimizer([point], **settings)
    path = [point.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        loss(point).backward()
        opt.step()
        path.append(point.detach().clone())
    return torch.stack(path)


def random_quadratic(dim: int, seed: int, dtype=torch.float32):
    """A random convex quadratic ``½pᵀHp − bᵀp`` (H = AAᵀ/d + I/10) and a random start, seeded."""
    generator = torch.Generator().manual_seed(seed)
    factor = torch.randn(dim, dim, generator=generator, dtype=dtype) / dim**0.5
    hessian = factor @ factor.T + 0.1 * torch.eye(dim, dtype=dtype)
    target = torch.randn(dim, generator=generator, dtype=dtype)
    start = torch.randn(dim, generator=generator, dtype=dtype)
    return (lambda p: 0.5 * p @ hessian @ p - target @ p), start


def torch_agreement_check(steps: int = 100, dim: int = 50, seed: int = 0, flip_bias_correction: bool = False):
    """Largest difference, over ``steps`` steps in float32, between mltheory's optimisers and torch.optim's.

    The loss is a random convex quadratic in ``dim`` dimensions. ``flip_bias_correction`` runs ours with the other
    bias-correction convention from torch's (the wrong alternative).
    """
    loss, start = random_quadratic(dim, seed)

    corrected = not flip_bias_correction
    pairs = {
        "Adam": (adam(loss, start, 0.01, steps, bias_correction=corrected),
                 torch_optim_path(torch.optim.Adam, loss, start, steps, lr=0.01)),
        "AMSGrad": (amsgrad(loss, start, 0.01, steps, bias_correction=corrected),
                    torch_optim_path(torch.optim.Adam, loss, start, steps, lr=0.01, amsgrad=True)),
        "AdamW": (adam(loss, start, 0.01, steps, weight_decay=0.1, decoupled=True, bias_correction=corrected),
                  torch_optim_path(torch.optim.AdamW, loss, start, steps, lr=0.01, weight_decay=0.1)),
        "RMSprop": (rmsprop(loss, start, 0.01, steps, bias_correction=not corrected),
                    torch_optim_path(torch.optim.RMSprop, loss, start, steps, lr=0.01)),
    }
    return [Measurement.exact(name, (ours - peer).abs().max().item(), 1e-7, relation="<=",
                              reason="the agreement the issue asks for (float32)",
                              quantity=rf"\max_{{t \le {steps}}} \lVert \theta_t - \theta_t^{{\mathrm{{torch}}}}"
                                       rf"\rVert_\infty\ (\text{{{name}}})",
                              expected_latex=r"10^{-7}")
            for name, (ours, peer) in pairs.items()]


register(Numeric(
    label="eq-adam-matches-torch",
    experiment=torch_agreement_check,
    alternative=Alternative("bias correction the other way round from torch's convention",
                            kwargs={"flip_bias_correction": True}),
    page={"steps": 100},
    test={"steps": 300, "dim": 200, "seed": 1},
    method="mltheory's optimisers against torch.optim on a random convex quadratic",
    condition=Words(r"for a random convex quadratic in float32, $\eta$ 0.01, torch's default $\beta$s and "
                    r"$\epsilon$, RMSprop without bias correction"),
    source="ours",
))


# --------------------------------------------------------------------------- Reddi et al.'s counterexample

@functools.lru_cache(maxsize=4)
def reddi_runs(constant: float = 3.0, lr: float = 0.01, steps: int = 3000) -> dict[str, torch.Tensor]:
    """Adam and AMSGrad (β₁ = 0, β₂ = 1/(1 + C²), ε = 0) on Reddi et al.'s online problem, projected onto [−1, 1]."""
    settings = dict(beta1=0.0, beta2=1 / (1 + constant**2), eps=0.0, bounds=(-1.0, 1.0), online=True)
    problem = reddi_online_problem(constant)
    return {method.__name__: method(problem, [0.0], lr, steps, **settings)[:, 0] for method in (adam, amsgrad)}


def reddi_check(constant: float = 3.0, lr: float = 0.01, steps: int = 3000):
    """The mean of x over the last period of three steps, for Adam and for AMSGrad."""
    runs = reddi_runs(constant, lr, steps)
    beta2 = 1 / (1 + constant**2)
    largest_step = lr / (1 - beta2) ** 0.5
    return [Measurement.exact(name, runs[key][-3:].mean().item(), expected, tolerance=2 * largest_step,
                              reason="two of the largest steps, η/√(1 − β₂) (as v̂ ≥ (1 − β₂)g²), "
                                     "from the bound reached within the period",
                              quantity=rf"\bar x_{{\mathrm{{{name}}}}}", expected_latex=f"{expected:+g}")
            for name, key, expected in (("Adam", "adam", 1.0), ("AMSGrad", "amsgrad", -1.0))]


register(Numeric(
    label="eq-reddi-counterexample",
    experiment=reddi_check,
    alternative=Alternative("Adam converges to the minimiser −1, like AMSGrad", expected={"Adam": -1.0}),
    page={"steps": 3000},
    test={"steps": 6000, "lr": 0.005},
    method="mltheory's adam and amsgrad on Reddi et al.'s online problem",
    condition=Words(r"for $C$ equal to 3, $\beta_1$ zero, $\beta_2$ equal to $1/(1 + C^2)$, $\epsilon$ zero, "
                    r"constant $\eta$, mean over the last three steps"),
    source="Reddi, Kale and Kumar (2018), Theorem 1",
))
