"""Claims of the page on supervised against reinforcement learning (``book/rl/supervised.md``)."""

from __future__ import annotations

import functools

import sympy as sp
import torch

from ...claims import Alternative, Identity, Measurement, Numeric, Reduction, Words, register
from ...data import digits, train_test_indices
from ..supervised import train_digits_classifier

# --------------------------------------------------------------------------- a softmax over three logits

N_LABELS = 3
z = sp.symbols(f"z_1:{N_LABELS + 1}", real=True)
y = sp.Symbol("y", integer=True, positive=True)
R = sp.IndexedBase("R")


class p(sp.Function):
    r"""The softmax probability :math:`p_y = e^{z_y} / \sum_b e^{z_b}` of label ``y``, unevaluated until ``.doit()``.

    Examples
    --------
    >>> sp.latex(p(y, *z))
    'p_{y}'
    >>> sp.simplify(sum(p(label, *z).doit() for label in (1, 2, 3)))
    1
    """

    @classmethod
    def eval(cls, label, *logits):
        return None  # never evaluate automatically

    def doit(self, deep=True, **hints):
        label, *logits = self.args
        if not label.is_Integer:  # a summation index: written out once the sum is
            return self
        return sp.exp(logits[int(label) - 1]) / sp.Add(*[sp.exp(logit) for logit in logits])

    def _latex(self, printer, exp=None):
        tex = rf"p_{{{printer._print(self.args[0])}}}"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class Grad(sp.Function):
    r"""The gradient :math:`\nabla_z f` with respect to the logits, as notation: :data:`COMPONENTS` writes it out.

    Examples
    --------
    >>> sp.latex(Grad(sp.log(p(y, *z))))
    '\\nabla_{z} \\log{\\left(p_{y} \\right)}'
    """

    @classmethod
    def eval(cls, f):
        return None

    def _latex(self, printer, exp=None):
        return rf"\nabla_{{z}} {printer._print(self.args[0])}"


def components(expr, at=None):
    """``expr`` written out as the column of its components along the logits, each simplified (after the
    substitution ``at``, if given, is applied to the derivatives)."""
    if isinstance(expr, sp.MatrixBase):
        return sp.simplify(expr.subs(at or {}))
    expr = expr.replace(lambda e: isinstance(e, sp.Sum), lambda e: e.doit(deep=False))
    return sp.ImmutableMatrix([
        sp.simplify(expr.replace(lambda e: isinstance(e, Grad), lambda e, logit=logit: sp.Derivative(e.args[0], logit))
                    .doit().subs(at or {}))
        for logit in z])


COMPONENTS = Reduction("writes out the sum over the three labels and each of the three components of the "
                       "gradient, then simplifies", components)
P = p(y, *z)
_RL_EXPECTED = sp.Sum(sp.Mul(-R[y], P, Grad(sp.log(P)), evaluate=False), (y, 1, N_LABELS))

register(Identity(
    label="eq-rl-gradient-accuracy",
    lhs=_RL_EXPECTED,
    rhs=sp.Sum(sp.Mul(-R[y], Grad(P), evaluate=False), (y, 1, N_LABELS)),
    method=COMPONENTS,
    condition=Words(r"for a softmax policy over three logits and every reward $R_y$"),
    source="Kaplan (8.4.6)",
))

AT_UNIFORM = Reduction("writes out the sum over the three labels and each of the three components of the "
                       "gradient, then sets all three logits equal to the first (the uniform policy) and simplifies",
                       lambda expr: components(expr, at={z[1]: z[0], z[2]: z[0]}))
register(Identity(
    label="eq-rl-uniform-policy",
    lhs=_RL_EXPECTED,
    rhs=sp.Mul(sp.Rational(1, N_LABELS),
               sp.Sum(sp.Mul(-R[y], Grad(sp.log(P)), evaluate=False), (y, 1, N_LABELS)), evaluate=False),
    method=AT_UNIFORM,
    condition=Words(r"for every reward $R_y$, at the uniform policy (all logits equal)"),
    source="ours; corrects Kaplan (8.4.4), which drops the factor 1/n_L",
))

register(Identity(
    label="eq-q-regression-uniform",
    lhs=sp.Mul(sp.Rational(1, N_LABELS),
               sp.Sum(Grad(sp.Rational(1, 2) * (sp.KroneckerDelta(y, 1) - P) ** 2), (y, 1, N_LABELS)),
               evaluate=False),
    rhs=sp.Mul(-sp.Rational(1, N_LABELS**2), Grad(sp.log(p(1, *z))), evaluate=False),
    method=AT_UNIFORM,
    condition=Words(r"for the answer drawn uniformly, label 1 correct, at the uniform policy (all logits equal)"),
    source="ours (Kaplan (8.4.7) with the softmax output read as Q)",
))


# --------------------------------------------------------------------------- the same on the digits

def _uniform_start():
    """Training images with a constant 1 appended, their labels, and the cross-entropy gradient at W = 0 (65 × 10)."""
    x, y = digits()
    train, _ = train_test_indices(len(y), seed=0)
    x, y = torch.cat([x[train], torch.ones(len(train), 1, dtype=x.dtype)], dim=1), y[train]
    uniform = torch.full((len(y), 10), 0.1, dtype=x.dtype)
    sl = uniform - torch.nn.functional.one_hot(y, 10).to(x.dtype)
    return x, y, uniform, x.T @ sl / len(y)


def uniform_policy_gradient_check(draws: int = 4000, seed: int = 0):
    r"""The sampled RL and Q-regression gradients at the uniform start, projected on the cross-entropy gradient.

    A linear softmax classifier at :math:`W = 0` on the digits; each draw
    samples one answer per training image uniformly. The projection
    :math:`\langle \hat g, g_{SL} \rangle / \|g_{SL}\|^2` of each draw's
    gradient has mean :math:`1/n_L` for REINFORCE and :math:`1/n_L^2` for the
    Q-regression loss, by the two identities above applied per image.
    """
    x, y, uniform, g_sl = _uniform_start()
    generator = torch.Generator().manual_seed(seed)
    guesses = torch.randint(10, (draws, len(y)), generator=generator)
    rewards = (guesses == y).to(x.dtype)
    v = x @ g_sl  # per image, the logit-space direction that the projection weighs: ⟨x ⊗ δ, g_SL⟩ = δ · v
    along = v.gather(1, guesses.T).T - (uniform * v).sum(-1)  # (e_y − p) · v per draw and image
    norm = (g_sl**2).sum()
    rl = (-rewards * along).mean(-1) / norm
    q = (-(rewards - 0.1) * 0.1 * along).mean(-1) / norm
    return [
        Measurement.monte_carlo("REINFORCE", rl, 0.1, quantity=r"\frac{\langle \hat g_{RL}, \nabla L_{SL} \rangle}"
                                r"{\|\nabla L_{SL}\|^2}", expected_latex=r"\frac{1}{n_L}"),
        Measurement.monte_carlo("Q-regression", q, 0.01, quantity=r"\frac{\langle \hat g_{Q}, \nabla L_{SL} \rangle}"
                                r"{\|\nabla L_{SL}\|^2}", expected_latex=r"\frac{1}{n_L^2}"),
    ]


register(Numeric(
    label="eq-rl-digits-uniform-gradient",
    experiment=uniform_policy_gradient_check,
    alternative=Alternative("the policy gradient equals the cross-entropy gradient at a random policy, as "
                            "Kaplan (8.4.4) prints it", expected={"REINFORCE": 1.0}),
    page={"draws": 4000},
    test={"draws": 2000},
    method="Monte Carlo over answers drawn uniformly for all training images",
    condition=Words(r"for a linear softmax classifier started from zero weights and biases on the 1437 training "
                    r"digits, with ten labels"),
    source="ours; corrects Kaplan (8.4.4)",
))


# --------------------------------------------------------------------------- learning curves

@functools.lru_cache(maxsize=2)
def early_curves(sl_examples: int = 300, lr: float = 0.1) -> dict[str, dict[str, torch.Tensor]]:
    """Early learning curves: cross-entropy over ``sl_examples``, REINFORCE over 10 times and Q-regression over
    100 times as many examples, each tested 10 times."""
    return {method: train_digits_classifier(method, examples=sl_examples * factor, lr=lr,
                                            every=sl_examples * factor // 10)
            for method, factor in (("cross-entropy", 1), ("reinforce", 10), ("q-regression", 100))}


@functools.lru_cache(maxsize=2)
def long_curves(examples: int = 20_000, lr: float = 0.2) -> dict[str, dict[str, torch.Tensor]]:
    """Test-accuracy curves of all four losses over ``examples`` examples."""
    return {method: train_digits_classifier(method, examples=examples, lr=lr, every=examples // 40)
            for method in ("cross-entropy", "reinforce", "epsilon-greedy", "q-regression")}


def examples_to_reach(curve: dict[str, torch.Tensor], accuracy: float) -> int | None:
    """The first tested number of examples at which the test accuracy reaches ``accuracy`` (None if never)."""
    reached = (curve["accuracy"] >= accuracy).nonzero()
    return int(curve["examples"][reached[0, 0]]) if len(reached) else None


# --------------------------------------------------------------------------- epsilon-greedy REINFORCE

epsilon = sp.Symbol("epsilon", positive=True)
_MIXTURE = (1 - epsilon) * P + epsilon / N_LABELS

register(Identity(
    label="eq-rl-epsilon-greedy",
    lhs=sp.Sum(sp.Mul(-R[y], _MIXTURE, Grad(sp.log(_MIXTURE)), evaluate=False), (y, 1, N_LABELS)),
    rhs=sp.Mul(1 - epsilon, sp.Sum(sp.Mul(-R[y], Grad(P), evaluate=False), (y, 1, N_LABELS)), evaluate=False),
    method=COMPONENTS,
    condition=Words(r"for a softmax over three logits, every reward $R_y$ and the answer drawn from the mixture "
                    r"of the softmax and the uniform policy with weight $\epsilon$"),
    source="ours (Kaplan §8.4; the loss of rl_classification_loss with epsilon)",
))
