"""Claims of the page "Groups, Lie algebras and representations" (book/symmetry/groups.md)."""

from __future__ import annotations

import itertools
import math

import sympy as sp
import torch

from ...claims import Alternative, Assume, Identity, Measurement, Numeric, Reduction, Words, register
from ...runtime import one_thread
from ..groups import cyclic_group, dihedral_group
from ..pictures import SYMMETRIES, mirror_reconstruction, tiling_reconstruction
from ..representations import invariant_dimension, invariant_subspace, rotation_generator, x, y
from ..spherical import angular_momentum_squared, harmonic_basis, z
from ..symbolic import (
    AngularMomentumSquared,
    Euler,
    Laplacian,
    Lowering,
    Raising,
    RotationGenerator,
    Weight,
    difference,
    matrix_simplify,
    power_simplify,
    rotation_matrix_expr,
    trig_simplify,
)

alpha, beta = sp.symbols("alpha beta", real=True)
r, theta = sp.symbols("r theta", positive=True)
a, b = sp.symbols("a b", integer=True, nonnegative=True)
d, k = sp.symbols("d k", integer=True, nonnegative=True)
lam = sp.Symbol("lambda")
f = sp.Function("f")
monomial = x**a * y**b
EXACT = "donot_use_mm_for_euclid_dist"  # cdist without the cancellation-prone matrix-product formula
REFLECTION = sp.ImmutableMatrix([[1, 0], [0, -1]])


register(Identity(
    label="eq-rotation-group-law",
    lhs=sp.MatMul(rotation_matrix_expr(alpha), rotation_matrix_expr(beta), evaluate=False),
    rhs=rotation_matrix_expr(alpha + beta),
    method=trig_simplify,
    source="ours",
))

register(Identity(
    label="eq-reflection-conjugation",
    lhs=sp.MatMul(REFLECTION, rotation_matrix_expr(alpha), REFLECTION, evaluate=False),
    rhs=rotation_matrix_expr(-alpha),
    method=trig_simplify,
    source="ours",
))

_g, _h = sp.MatrixSymbol("g", 2, 2), sp.MatrixSymbol("h", 2, 2)
register(Identity(
    label="eq-inverse-of-product",
    lhs=sp.Inverse(sp.MatMul(_g, _h, evaluate=False)),
    rhs=_h.I * _g.I,
    method=matrix_simplify,
    condition=Words("for invertible $g$, $h$"),
    source="ours",
))


def dihedral_relations_check(max_order: int = 8, reflection_commutes: bool = False) -> list[Measurement]:
    r"""Check, for every :math:`n \le` ``max_order``, that :func:`dihedral_group` has :math:`2n`
    distinct elements, is closed under products, and satisfies :math:`r^n = s^2 = 1`, :math:`srs = r^{-1}`.

    Entries are float64 cosines and sines of multiples of :math:`2\\pi/n`; a
    product of :math:`n` such matrices is within :math:`10\\,n\\,u` of exact,
    and two distinct elements are at least :math:`\\min(2, 2\\sqrt2\\sin(\\pi/n))` apart in the
    Frobenius norm (rotations by angles :math:`\\delta` apart differ by :math:`2\\sqrt2|\\sin(\\delta/2)|`,
    a rotation and a reflection by exactly 2).

    With ``reflection_commutes=True`` the third relation is tested as :math:`srs = r`, as if
    :math:`D_n` were abelian: a wrong alternative that the measurements reject.
    """
    worst_relation, worst_closure, smallest_gap = 0.0, 0.0, math.inf
    for n in range(1, max_order + 1):
        group = dihedral_group(n)
        r_, s_ = group[1 % n] if n > 1 else group[0], group[n]
        eye = torch.eye(2, dtype=torch.float64)
        relations = [torch.linalg.matrix_power(r_, n) - eye, s_ @ s_ - eye,
                     s_ @ r_ @ s_ - (r_ if reflection_commutes else torch.linalg.inv(r_))]
        worst_relation = max(worst_relation, *(float(m.abs().max()) for m in relations))
        products = (group.unsqueeze(1) @ group.unsqueeze(0)).reshape(-1, 4)
        nearest = torch.cdist(products, group.reshape(-1, 4), compute_mode=EXACT).amin(-1)
        worst_closure = max(worst_closure, float(nearest.max()))
        pairs = torch.cdist(group.reshape(-1, 4), group.reshape(-1, 4), compute_mode=EXACT)
        smallest_gap = min(smallest_gap, float(pairs[~torch.eye(2 * n, dtype=torch.bool)].min()))
    rounding = 10 * max_order * torch.finfo(torch.float64).eps / 2
    reason = f"float64: 10·n·u with n ≤ {max_order}"
    return [
        Measurement.exact("largest error in $r^n = 1$, $s^2 = 1$, $srs = r^{-1}$", worst_relation, 0.0,
                          tolerance=rounding, reason=reason,
                          quantity=rf"\max_{{n \le {max_order}}} \max\big(\lVert r^n - 1\rVert, \lVert s^2 - 1\rVert, "
                                   + (r"\lVert srs - r\rVert" if reflection_commutes else r"\lVert srs - r^{-1}\rVert")
                                   + r"\big)",
                          expected_latex="0"),
        Measurement.exact("largest distance from a product $gh$ to the nearest element", worst_closure, 0.0,
                          tolerance=rounding, reason=reason,
                          quantity=rf"\max_{{n \le {max_order}}} \max_{{g, h \in D_n}} \min_{{k \in D_n}} \lVert gh - k\rVert",
                          expected_latex="0"),
        Measurement.exact("smallest distance between two listed elements (so there are $2n$)", smallest_gap,
                          min(2.0, 2 * math.sqrt(2) * math.sin(math.pi / max_order)), relation=">=",
                          tolerance=rounding, reason=reason,
                          quantity=rf"\min_{{n \le {max_order}}} \min_{{g \ne h \in D_n}} \lVert g - h\rVert",
                          expected_latex=rf"2\sqrt2\,\sin\tfrac{{\pi}}{{{max_order}}} > 0"
                          if max_order > 2 else "2"),
    ]


register(Numeric(
    label="eq-dihedral-relations",
    experiment=dihedral_relations_check,
    alternative=Alternative("the reflection commutes with the rotation, srs = r (an abelian group)",
                            kwargs={"reflection_commutes": True}),
    page={"max_order": 8},
    test={"max_order": 16},
    method="exhaustive float64 check of dihedral_group(n)",
    source="ours",
))

register(Identity(
    label="eq-rotation-generator-derivative",
    lhs=sp.Subs(sp.Derivative(f(*(rotation_matrix_expr(-alpha) * sp.Matrix([x, y]))), alpha), alpha, 0),
    rhs=-RotationGenerator(f(x, y)),
    method="doit",
    condition=Words("for every differentiable $f$"),
    source="ours",
))

register(Identity(
    label="eq-rotation-generator-polar",
    lhs=sp.Subs(RotationGenerator(f(x, y)), (x, y), (r * sp.cos(theta), r * sp.sin(theta))),
    rhs=sp.Derivative(f(r * sp.cos(theta), r * sp.sin(theta)), theta),
    method="doit",
    condition=Words("for every differentiable $f$"),
    source="ours",
))

register(Identity(
    label="eq-rotation-generator-monomial",
    lhs=RotationGenerator(monomial),
    rhs=difference(b * x ** (a + 1) * y ** (b - 1), a * x ** (a - 1) * y ** (b + 1)),
    method=power_simplify,
    source="ours",
))

register(Identity(
    label="eq-rotation-generator-charpoly",
    lhs=sp.Determinant(lam * sp.eye(8) - rotation_generator(7)),
    rhs=(lam**2 + 1) * (lam**2 + 9) * (lam**2 + 25) * (lam**2 + 49),
    method="doit",
    condition=Words("on $V_7$"),
    source="ours",
))

register(Identity(
    label="eq-polar-harmonic",
    lhs=sp.Subs((x**2 + y**2) ** ((d - k) / 2) * (x + sp.I * y) ** k, (x, y),
                (r * sp.cos(theta), r * sp.sin(theta))),
    rhs=r**d * sp.exp(sp.I * k * theta),
    method=Reduction("sympy writes the powers through exponentials, expands the complex parts, then simplifies",
                     lambda e: sp.simplify(sp.powsimp(sp.expand_complex(sp.expand_power_base(
                         e.doit().rewrite(sp.exp), force=True)), force=True))),
    condition=(Words("for integers $k$ and $d$ with"), Assume(sp.And(sp.Le(0, k), sp.Le(k, d)))),
    source="ours (de Moivre)",
))

register(Identity(
    label="eq-isotypic-action",
    lhs=sp.Matrix([r**d * sp.cos(k * (theta - alpha)), r**d * sp.sin(k * (theta - alpha))]),
    rhs=sp.MatMul(sp.ImmutableMatrix([[sp.cos(k * alpha), sp.sin(k * alpha)], [-sp.sin(k * alpha), sp.cos(k * alpha)]]),
                  sp.ImmutableMatrix([r**d * sp.cos(k * theta), r**d * sp.sin(k * theta)]), evaluate=False),
    method=trig_simplify,
    source="ours",
))

register(Identity(
    label="eq-sl2-action",
    lhs=sp.Matrix([Raising(monomial), Lowering(monomial), Weight(monomial)]),
    rhs=sp.Matrix([b * x ** (a + 1) * y ** (b - 1), a * x ** (a - 1) * y ** (b + 1), (a - b) * monomial]),
    method=power_simplify,
    source="ours",
))

register(Identity(
    label="eq-sl2-commutators",
    lhs=sp.Matrix([
        difference(Weight(Raising(monomial)), Raising(Weight(monomial))),
        difference(Weight(Lowering(monomial)), Lowering(Weight(monomial))),
        difference(Raising(Lowering(monomial)), Lowering(Raising(monomial))),
    ]),
    rhs=sp.Matrix([2 * Raising(monomial), -2 * Lowering(monomial), Weight(monomial)]),
    method=power_simplify,
    source="ours",
))

register(Identity(
    label="eq-sl2-casimir",
    lhs=sp.Add(Weight(Weight(monomial)), 2 * Raising(Lowering(monomial)), 2 * Lowering(Raising(monomial)),
               evaluate=False),
    rhs=(a + b) * (a + b + 2) * monomial,
    method=power_simplify,
    source="ours",
))

register(Identity(
    label="eq-rotation-generator-sl2",
    lhs=RotationGenerator(monomial),
    rhs=difference(Raising(monomial), Lowering(monomial)),
    method=power_simplify,
    source="ours",
))


@one_thread()  # hundreds of tiny SVDs: extra threads only wait for each other
def invariant_dimension_check(max_degree: int = 9, max_order: int = 9,
                              ignore_reflections: bool = False) -> list[Measurement]:
    r"""Compare the dimension of :math:`V_d^{D_n}` and :math:`V_d^{C_n}`, computed numerically, with the count of frequencies.

    For every :math:`d \le` ``max_degree`` and :math:`n \le` ``max_order`` the
    invariant subspace is the null space of the stacked
    :math:`\\rho_d(g) - I` (:func:`invariant_subspace`); its dimension must
    equal :func:`invariant_dimension`. The check is exhaustive over the range;
    it passes only if every one of the cases agrees. With ``ignore_reflections=True``
    both groups are compared with the count for :math:`C_n`, as if reflections
    changed nothing: a wrong alternative.
    """
    cases = list(itertools.product(range(max_degree + 1), range(1, max_order + 1), (True, False)))
    disagreements = 0
    for degree, order, reflections in cases:
        group = dihedral_group(order) if reflections else cyclic_group(order)
        computed = invariant_subspace(group, degree).shape[-1]
        disagreements += computed != invariant_dimension(degree, order,
                                                          reflections=reflections and not ignore_reflections)
    return Measurement.exact(f"cases (of {len(cases)}) where the numerical dimension differs from the count",
                             disagreements, 0, reason="integer count; exhaustive over the range",
                             quantity=rf"\#\big\{{(d, n, G) : d \le {max_degree},\ n \le {max_order},\ "
                                      rf"G \in \{{C_n, D_n\}},\ \dim V_d^{{G}} \ne "
                                      + (r"\sum_{k \equiv d\ (2),\ n \mid k} \dim W_k" if ignore_reflections else
                                         r"\text{the count of frequencies}") + r"\big\}",
                             expected_latex="0")


register(Numeric(
    label="eq-invariant-dimension",
    experiment=invariant_dimension_check,
    alternative=Alternative("reflections add no constraint: dim V_d^{D_n} = dim V_d^{C_n}",
                            kwargs={"ignore_reflections": True}),
    page={"max_degree": 9, "max_order": 9},
    test={"max_degree": 14, "max_order": 16},
    method="exhaustive numerical rank of the stacked representation matrices",
    source="ours",
))

F = sp.Function("F")(x, y, z)
register(Identity(
    label="eq-so3-casimir",
    lhs=AngularMomentumSquared(F),
    rhs=(x**2 + y**2 + z**2) * Laplacian(F) - Euler(Euler(F)) - Euler(F),
    method=Reduction("sympy evaluates the sums and derivatives, then expands", lambda e: sp.expand(e.doit())),
    condition=Words("for every twice differentiable $F(x, y, z)$"),
    source="ours",
))

ell = sp.Symbol("l", integer=True, nonnegative=True)
register(Identity(
    label="eq-harmonic-dimension",
    lhs=sp.binomial(ell + 2, 2) - sp.binomial(ell, 2),
    rhs=2 * ell + 1,
    method=Reduction("sympy expands the binomial coefficients", lambda e: sp.expand(sp.expand_func(e))),
    condition=Words("the dimension of the harmonic polynomials of degree $l$, from those of all polynomials of "
                    "degrees $l$ and $l - 2$"),
    source="ours",
))


def harmonic_check(max_degree: int = 6, shift: int = 1) -> list[Measurement]:
    r"""For every :math:`l \le` ``max_degree``: the harmonic polynomials of degree :math:`l`, found in exact
    arithmetic, number :math:`2l + 1`, and :math:`L^2` multiplies each of them by :math:`-l(l+1)`.

    With ``shift=0`` the eigenvalue tested is :math:`-l^2`, that of the circle's
    :math:`\\partial_\\theta^2` on :math:`\\cos l\\theta`: a wrong alternative."""
    wrong_dimension = wrong_eigenvalue = 0
    for degree in range(max_degree + 1):
        basis = harmonic_basis(degree)
        wrong_dimension += len(basis) != 2 * degree + 1
        wrong_eigenvalue += sum(sp.expand(angular_momentum_squared(p) + degree * (degree + shift) * p) != 0
                                for p in basis)
    reason = f"exact arithmetic, every degree up to {max_degree}"
    return [
        Measurement.exact(r"degrees $l$ with $\dim H_l \ne 2l + 1$", wrong_dimension, 0, reason=reason,
                          quantity=rf"\#\{{l \le {max_degree} : \dim H_l \ne 2l + 1\}}", expected_latex="0"),
        Measurement.exact(r"basis polynomials $p \in H_l$ with $L^2 p \ne -l(l+1)\,p$", wrong_eigenvalue, 0,
                          reason=reason,
                          quantity=rf"\#\{{p \in H_l,\ l \le {max_degree} : L^2 p \ne "
                                   + (r"-l(l+1)\,p" if shift == 1 else rf"-l(l + {shift})\,p") + r"\}",
                          expected_latex="0"),
    ]


register(Numeric(
    label="eq-harmonic-casimir",
    experiment=harmonic_check,
    alternative=Alternative("the eigenvalue of the circle, L² p = -l² p", kwargs={"shift": 0}),
    page={"max_degree": 6},
    test={"max_degree": 7},
    method="exact null space of the Laplacian and exact L^2",
    source="ours",
))


# ---------------------------------------------------------------------------- pictures filled in by their group

def _reconstruction_measurements(result: dict, picture: str) -> list[Measurement]:
    return [
        Measurement.exact(f"fraction of the {picture} filled in", result["coverage"], 1.0,
                          reason="a count of pixels",
                          quantity=r"|\hat X| \,/\, |X|", expected_latex="1"),
        Measurement.exact(f"largest error of the {picture}", result["max_error"], 0.0,
                          reason="each filled pixel copies a stored value; the picture is computed from "
                                 "invariants of its group, so both pixels of an orbit hold the same float64 "
                                 "(bound 0)",
                          quantity=r"\max_{x \in \hat X} \lVert \hat f(x) - f(x) \rVert_\infty", expected_latex="0"),
    ]


def mirror_check(size: int = 128, axis: str = "x1") -> list[Measurement]:
    """The butterfly from its left half: every pixel filled, every colour exact."""
    return _reconstruction_measurements(mirror_reconstruction(size, axis), "butterfly")


def tiling_check(tile: int = 32, tiles: int = 4, symmetries=SYMMETRIES) -> list[Measurement]:
    """The tiled floor from one eighth of one tile: every pixel filled, every colour exact."""
    return _reconstruction_measurements(tiling_reconstruction(tile, tiles, symmetries), "tiling")


register(Numeric(
    label="eq-mirror-reconstruction",
    experiment=mirror_check,
    alternative=Alternative("any reflection will do: the up-down mirror also fills in the right half",
                            kwargs={"axis": "x2"}),
    method="filling in the butterfly from its left half by the reflection",
    source="Gelada & Buckman §1.4 (pictures); construction ours",
))

register(Numeric(
    label="eq-tiling-reconstruction",
    experiment=tiling_check,
    alternative=Alternative("the translations alone rebuild the floor from the eighth of a tile",
                            kwargs={"symmetries": ("translations",)}),
    method="filling in the tiling from one eighth of a tile by the translations and the tile's D4",
    source="Gelada & Buckman §1.4 (pictures); construction ours",
))
