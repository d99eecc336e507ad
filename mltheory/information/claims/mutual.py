"""Claims of the page on conditional entropy and mutual information (``book/information/mutual-information.md``).

Joint and marginal distributions are undefined sympy functions (``p_XY(x, y)``,
``p_X(x)``, ...), and every sum is finite with symbolic range. The marginals
are tied to the joint by the rules passed to :func:`mltheory.information.symbolic.finite_sums`
(for example :math:`\\sum_y p_{XY}(x, y) = p_X(x)`), which the page states as definitions.
"""

from __future__ import annotations

import sympy as sp
import torch

from ...claims import Alternative, Assume, Domain, Identity, Inequality, Link, Measurement, Numeric, Words, register
from ...data import random_distributions
from ..multivariate import conditional_mutual_information, mutual_information
from ..symbolic import H, finite_sums
from .entropy import log_inequality_term

x, y, z = sp.symbols("x y z", integer=True)
l, m, n = sp.symbols("l m n", integer=True, positive=True)
eps, t = sp.symbols("epsilon t", positive=True)
Lx, Ly, Lz = (x, 1, l), (y, 1, m), (z, 1, n)
p_xyz, p_xy, p_yz, p_xz, p_x, p_y, p_z = (sp.Function(name, positive=True) for name in
                                           ("p_XYZ", "p_XY", "p_YZ", "p_XZ", "p_X", "p_Y", "p_Z"))
q_xy, q_x = sp.Function("q_XY", positive=True), sp.Function("q_X", positive=True)

MARGINALS = (
    (sp.Sum(p_xyz(x, y, z), Lz), p_xy(x, y)), (sp.Sum(p_xyz(x, y, z), Lx), p_yz(y, z)),
    (sp.Sum(p_xyz(x, y, z), Ly), p_xz(x, z)),
    (sp.Sum(p_xy(x, y), Ly), p_x(x)), (sp.Sum(p_xy(x, y), Lx), p_y(y)),
    (sp.Sum(p_yz(y, z), Lz), p_y(y)), (sp.Sum(p_yz(y, z), Ly), p_z(z)),
    (sp.Sum(p_xz(x, z), Lz), p_x(x)), (sp.Sum(p_xz(x, z), Lx), p_z(z)),
    (sp.Sum(p_x(x), Lx), 1), (sp.Sum(p_y(y), Ly), 1), (sp.Sum(p_z(z), Lz), 1),
    (sp.Sum(q_xy(x, y), Ly), q_x(x)),
)
"""Marginalisation and normalisation rules, stating that every marginal is the sum of the joint over the other variables."""
marginal_sums = finite_sums(*MARGINALS)
marginal_sums.__doc__ = "Simplify finite sums using the marginalisation rules ``MARGINALS``."


def entropy_sum(f, *limits):
    """:math:`-\\sum f \\log f` over the given limits, as an unevaluated sum."""
    args = [limit[0] for limit in limits]
    return -sp.Sum(f(*args) * sp.log(f(*args)), *limits)


def log_ratio_sum(weight, ratio, *limits):
    """:math:`\\sum w \\log r` over the given limits."""
    return sp.Sum(weight * sp.log(ratio), *limits)


H_XY, H_X, H_Y = entropy_sum(p_xy, Lx, Ly), entropy_sum(p_x, Lx), entropy_sum(p_y, Ly)
H_X_given_Y = -log_ratio_sum(p_xy(x, y), p_xy(x, y) / p_y(y), Lx, Ly)
H_Y_given_X = -log_ratio_sum(p_xy(x, y), p_xy(x, y) / p_x(x), Lx, Ly)
I_XY = log_ratio_sum(p_xy(x, y), p_xy(x, y) / (p_x(x) * p_y(y)), Lx, Ly)


# --------------------------------------------------------------------------- conditional entropy and the chain rule

register(Identity(
    label="eq-conditional-entropy-average",
    lhs=H_X_given_Y,
    rhs=sp.Sum(p_y(y) * -log_ratio_sum(p_xy(x, y) / p_y(y), p_xy(x, y) / p_y(y), Lx), Ly),
    method=marginal_sums,
    source="Kaplan (2.5.1), second line",
))

register(Identity(
    label="eq-chain-rule",
    lhs=H_XY,
    rhs=H_Y + H_X_given_Y,
    method=marginal_sums,
    source="Kaplan (2.5.2)",
))

register(Identity(
    label="eq-mutual-information-forms",
    lhs=I_XY,
    steps=[H_X + H_Y - H_XY, H_X - H_X_given_Y],
    rhs=H_Y - H_Y_given_X,
    show_steps=True,
    method=marginal_sums,
    source="Kaplan (2.5.3)–(2.5.4)",
))

register(Inequality(
    label="eq-mutual-information-nonnegative",
    lhs=I_XY,
    rhs=sp.Integer(0),
    relation=">=",
    method=marginal_sums,
    certificate=[log_inequality_term(p_x(x) * p_y(y) / p_xy(x, y), weight=p_xy(x, y), over=(Lx, Ly))],
    source="Kaplan (2.5.4)",
))


# --------------------------------------------------------------------------- monotonicity of relative entropy

D_XY = log_ratio_sum(p_xy(x, y), p_xy(x, y) / q_xy(x, y), Lx, Ly)
D_X = log_ratio_sum(p_x(x), p_x(x) / q_x(x), Lx)
_conditional_ratio = (p_xy(x, y) / p_x(x)) / (q_xy(x, y) / q_x(x))
_conditional_kl = sp.Sum(p_x(x) * log_ratio_sum(p_xy(x, y) / p_x(x), _conditional_ratio, Ly), Lx)
register(Identity(
    label="eq-kl-chain-rule",
    lhs=D_XY,
    rhs=D_X + _conditional_kl,
    method=marginal_sums,
    source="Kaplan (2.5.6)",
))

register(Inequality(
    label="eq-kl-monotonicity",
    lhs=D_XY,
    rhs=D_X,
    relation=">=",
    method=marginal_sums,
    certificate=[log_inequality_term(1 / _conditional_ratio, weight=p_xy(x, y), over=(Lx, Ly))],
    condition=Words("for any two joint distributions $p_{XY}$ and $q_{XY}$"),
    source="Kaplan (2.5.5)–(2.5.6)",
))


# --------------------------------------------------------------------------- three variables

H_YZ, H_XYZ = entropy_sum(p_yz, Ly, Lz), entropy_sum(p_xyz, Lx, Ly, Lz)
I_XZ_given_Y = log_ratio_sum(p_xyz(x, y, z), p_xyz(x, y, z) * p_y(y) / (p_xy(x, y) * p_yz(y, z)), Lx, Ly, Lz)
register(Identity(
    label="eq-conditional-mutual-information",
    lhs=H_XY + H_YZ - H_Y - H_XYZ,
    rhs=I_XZ_given_Y,
    method=marginal_sums,
    source="Kaplan §2.5 (strong subadditivity); Cover & Thomas (2006) §2.5",
))

register(Inequality(
    label="eq-strong-subadditivity",
    lhs=H_XY + H_YZ,
    rhs=H_Y + H_XYZ,
    relation=">=",
    method=marginal_sums,
    certificate=[log_inequality_term(p_xy(x, y) * p_yz(y, z) / (p_y(y) * p_xyz(x, y, z)),
                                     weight=p_xyz(x, y, z), over=(Lx, Ly, Lz))],
    source="Kaplan §2.5 (after 2.5.6)",
))

I_XZ = log_ratio_sum(p_xz(x, z), p_xz(x, z) / (p_x(x) * p_z(z)), Lx, Lz)
I_X_YZ = log_ratio_sum(p_xyz(x, y, z), p_xyz(x, y, z) / (p_x(x) * p_yz(y, z)), Lx, Ly, Lz)
I_XY_given_Z = log_ratio_sum(p_xyz(x, y, z), p_xyz(x, y, z) * p_z(z) / (p_xz(x, z) * p_yz(y, z)), Lx, Ly, Lz)
_markov = {p_xyz(x, y, z): p_xy(x, y) * p_yz(y, z) / p_y(y)}


def markov_sums(expr):
    """Impose the Markov chain X → Y → Z, :math:`p(x,y,z) = p(x,y)\\,p(y,z)/p(y)`, then simplify the sums."""
    return marginal_sums(expr.xreplace(_markov))


register(Inequality(
    label="eq-data-processing",
    lhs=I_XZ,
    rhs=I_XY,
    relation="<=",
    # I(X;Z) = I(X;Y,Z) − I(X;Y|Z) ≤ I(X;Y,Z) = I(X;Y) + I(X;Z|Y) = I(X;Y), the last by the Markov property.
    steps=[I_X_YZ - I_XY_given_Z, I_X_YZ, I_XY + I_XZ_given_Y],
    links=[
        Link("=", method=marginal_sums),
        Link("<=", method=marginal_sums,
             certificate=[log_inequality_term(p_xz(x, z) * p_yz(y, z) / (p_z(z) * p_xyz(x, y, z)),
                                              weight=p_xyz(x, y, z), over=(Lx, Ly, Lz))]),
        Link("=", method=marginal_sums),
        Link("=", method=markov_sums),
    ],
    condition=(Words("for a Markov chain $X$, $Y$, $Z$:"), Assume(sp.Eq(*next(iter(_markov.items()))))),
    source="Cover & Thomas (2006) Thm 2.8.1 (not in Kaplan)",
))

register(Identity(
    label="eq-binary-symmetric-channel",
    lhs=(H(sp.Rational(1, 2), sp.Rational(1, 2)) + H(sp.Rational(1, 2), sp.Rational(1, 2))
         - H((1 - eps) / 2, eps / 2, eps / 2, (1 - eps) / 2)),
    rhs=sp.log(2) - H(eps, 1 - eps),
    method="doit",
    substitutions=((eps, 1 / (1 + t)),),
    condition=(Words(r"for a uniform input bit flipped with probability $\epsilon$,"),
               Domain(eps, sp.Interval.open(0, 1))),
    source="Cover & Thomas (2006) §7.1.4",
))


# --------------------------------------------------------------------------- random tables

def _random_tables(count: int, shape: tuple[int, ...], seed: int) -> torch.Tensor:
    size = 1
    for side in shape:
        size *= side
    return random_distributions(count, size, seed=seed).reshape(count, *shape)


def strong_subadditivity_check(count: int = 20_000, seed: int = 0, against_unconditional: bool = False
                               ) -> list[Measurement]:
    """Smallest I(X; Z | Y) over random three-variable tables of several shapes (zero up to rounding).

    The tolerance 1e-12 covers float64 rounding in sums of at most 60 terms of size at most log 60.
    With ``against_unconditional=True`` the gap is I(X; Z) − I(X; Z | Y) instead: the wrong
    alternative "conditioning reduces mutual information", which random tables refute.
    """
    shapes = ((2, 2, 2), (3, 4, 5), (5, 3, 4))
    smallest = []
    for offset, shape in enumerate(shapes):
        tables = _random_tables(count, shape, seed + offset)
        values = conditional_mutual_information(tables)
        if against_unconditional:
            values = mutual_information(tables.sum(dim=-2)) - values
        smallest.append(values.min())
    return [Measurement.exact(
        f"min I(X;Z|Y) over {count} random tables of each shape {shapes}", min(smallest).item(), 0.0,
        tolerance=1e-12, relation=">=", reason="float64 rounding",
        quantity=rf"\min_{{{3 * count}\ \text{{random}}\ p}} \big[H(X,Y) + H(Y,Z) - H(Y) - H(X,Y,Z)\big]",
        expected_latex="0")]


register(Numeric(
    label="eq-strong-subadditivity-random",
    experiment=strong_subadditivity_check,
    alternative=Alternative("conditioning reduces mutual information, I(X;Z|Y) ≤ I(X;Z)",
                            kwargs={"against_unconditional": True}),
    condition=Words("for joint tables of shapes 2 × 2 × 2, 3 × 4 × 5 and 5 × 3 × 4"),
    page={"count": 20_000, "seed": 0},
    test={"count": 200_000, "seed": 10},
    method="random tables",
    source="Kaplan §2.5 (strong subadditivity)",
))


def data_processing_check(count: int = 20_000, seed: int = 0, markov: bool = True) -> list[Measurement]:
    """Largest I(X; Z) − I(X; Y) over random Markov chains X → Y → Z (at most zero, up to rounding).

    Each chain has a random input distribution and two random channels (rows of
    random distributions), all of different sizes; the tolerance 1e-12 covers
    float64 rounding. With ``markov=False`` the second channel reads ``X`` instead
    of ``Y`` (the wrong alternative: data processing without the Markov chain).
    """
    sizes = (3, 4, 5)
    p_x_ = random_distributions(count, sizes[0], seed=seed)
    y_given_x = random_distributions(count * sizes[0], sizes[1], seed=seed + 1).reshape(count, sizes[0], sizes[1])
    source = sizes[1] if markov else sizes[0]
    z_given_source = random_distributions(count * source, sizes[2], seed=seed + 2).reshape(count, source, sizes[2])
    joint_xy = p_x_.unsqueeze(-1) * y_given_x
    joint_xz = joint_xy @ z_given_source if markov else p_x_.unsqueeze(-1) * z_given_source
    gap = mutual_information(joint_xz) - mutual_information(joint_xy)
    return [Measurement.exact(f"max I(X;Z) − I(X;Y) over {count} random chains", gap.max().item(), 0.0,
                              tolerance=1e-12, relation="<=", reason="float64 rounding",
                              quantity=rf"\max_{{{count}\ \text{{random}}\ X \to Y \to Z}} \big[I(X; Z) - I(X; Y)\big]",
                              expected_latex="0")]


register(Numeric(
    label="eq-data-processing-random",
    experiment=data_processing_check,
    alternative=Alternative("data processing without the Markov chain: Z drawn from X, not from Y",
                            kwargs={"markov": False}),
    condition=Words("with $X$ of 3, $Y$ of 4 and $Z$ of 5 values, random input law and channels"),
    page={"count": 20_000, "seed": 0},
    test={"count": 200_000, "seed": 10},
    method="random Markov chains",
    source="Cover & Thomas (2006) Thm 2.8.1",
))
