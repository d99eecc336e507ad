"""Claims of the page on derivatives by machine (``book/optimization/derivatives.md``)."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp
import torch
from sympy.matrices.expressions.matexpr import MatrixElement

from ...claims import Alternative, Domain, Identity, Measurement, Numeric, Reduction, Words, register
from ..derivatives import Value, backward_forward_flops, finite_difference

x = sp.Symbol("x", real=True)
eps, u, F, curvature = sp.symbols("epsilon u F f_2", positive=True)
c = sp.symbols("c_0:4", real=True)
f = sp.Function("f")
CUBIC = sp.Lambda(x, c[0] + c[1] * x + c[2] * x**2 + c[3] * x**3)


def _as_generic_cubic(expr):
    """Writes f as a generic cubic c₀ + c₁x + c₂x² + c₃x³, differentiates and expands."""
    return sp.expand(sp.sympify(expr).subs(f, CUBIC).doit())


AS_CUBIC = Reduction("writes f as a generic cubic c₀ + c₁x + c₂x² + c₃x³, differentiates and expands",
                     _as_generic_cubic)


def _derivative(order):
    return sp.Derivative(f(x), (x, order))


# --------------------------------------------------------------------------- truncation

register(Identity(
    label="eq-forward-difference-error",
    lhs=(f(x + eps) - f(x)) / eps - sp.Derivative(f(x), x),
    rhs=eps / 2 * _derivative(2) + eps**2 / 6 * _derivative(3),
    method=AS_CUBIC,
    condition=Words("for every cubic polynomial", f(x)),
    source="ours (corrects Kaplan (1.4.2), which calls the error of order ε²)",
))

register(Identity(
    label="eq-central-difference-error",
    lhs=(f(x + eps) - f(x - eps)) / (2 * eps) - sp.Derivative(f(x), x),
    rhs=eps**2 / 6 * _derivative(3),
    method=AS_CUBIC,
    condition=Words("for every cubic polynomial", f(x)),
    source="ours",
))


# --------------------------------------------------------------------------- rounding

TOTAL_ERROR = eps * curvature / 2 + 2 * u * F / eps
"""The error model: truncation ``ε f₂/2`` plus rounding ``2uF/ε`` (``u`` the unit roundoff, ``F`` the size of f)."""
BEST_STEP = 2 * sp.sqrt(u * F / curvature)

register(Identity(
    label="eq-best-step",
    lhs=sp.Subs(sp.Derivative(TOTAL_ERROR, eps), eps, BEST_STEP),
    rhs=sp.Integer(0),
    method="doit",
    source="ours (the bottom of the V-shaped error curve)",
))


def _float64_forward_difference(x0: Fraction, step: Fraction, constant: int) -> float:
    """The forward difference of ``constant + x²`` with every operation rounded to the nearest float64, in exact rationals."""
    def rounded(q: Fraction) -> Fraction:
        return Fraction(float(q))  # Fraction → float rounds to nearest, ties to even

    a, h = rounded(x0), rounded(step)
    shifted = rounded(a + h)
    upper = rounded(constant + rounded(shifted * shifted))
    lower = rounded(constant + rounded(a * a))
    return float(rounded(rounded(upper - lower) / h))


def float64_forward_difference_check(x0: str = "10/9", step: str = "1/1000", constant: int = 10**10):
    """Torch's float64 forward difference of ``constant + x²`` against exact rational arithmetic rounded per operation."""
    value = finite_difference(lambda t: constant + t**2, torch.tensor(float(Fraction(x0)), dtype=torch.float64),
                              float(Fraction(step))).item()
    expected = _float64_forward_difference(Fraction(x0), Fraction(step), constant)
    return Measurement.exact(
        "float64 forward difference", value, expected,
        reason="both round each of the six operations to the nearest float64",
        quantity=r"\left.\frac{f(x+\epsilon) - f(x)}{\epsilon}\right|_{\text{float64}}",
        expected_latex=f"{expected:.5f}",
    )


register(Numeric(
    label="eq-forward-difference-float64",
    experiment=float64_forward_difference_check,
    alternative=Alternative("the value 2.2234 that the notes quote", expected={"float64 forward difference": 2.2234}),
    method="float64 arithmetic against an exact model of its rounding",
    condition=(Words(r"for $f(x)$ equal to $10^{10} + x^2$ at $x$ equal to $10/9$, with $\epsilon$ equal to "
                     r"$10^{-3}$"),),
    source="ours (corrects Kaplan (1.4.2), which quotes 2.2234)",
))


# --------------------------------------------------------------------------- reverse mode

def tape_check(n_inputs: int = 8, seed: int = 0, method: str = "tape"):
    """The tape's gradient of a random expression against ``torch.autograd`` (``method="forward"``: a forward difference)."""
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.rand(n_inputs, generator=generator, dtype=torch.float64) * 2 - 1

    def expression(v):
        total = v[0] * 0
        for i in range(len(v)):
            total = total + (v[i] * v[(i + 1) % len(v)]).tanh() + (v[i] / 3).exp() * v[(i + 3) % len(v)]
        return total

    leaf = inputs.clone().requires_grad_(True)
    (reference,) = torch.autograd.grad(expression(leaf), leaf)
    if method == "tape":
        values = [Value(float(t)) for t in inputs]
        expression(values).backward()
        gradient = torch.tensor([v.grad for v in values], dtype=torch.float64)
    else:
        basis = torch.eye(n_inputs, dtype=torch.float64) * 1e-6
        gradient = torch.stack([(expression(inputs + e) - expression(inputs)) / 1e-6 for e in basis])
    error = (gradient - reference).abs().max().item()
    bound = 64 * torch.finfo(torch.float64).eps * reference.abs().max().item()
    return Measurement.exact("max |tape − autograd|", error, 0.0, tolerance=bound, relation="<=",
                             reason="64 ulps of the largest gradient entry (rounding in a different order)",
                             quantity=r"\max_i \left|\partial_i y_{\text{tape}} - \partial_i y_{\text{torch}}\right|",
                             expected_latex=r"64\,u \max_i |\partial_i y|")


register(Numeric(
    label="eq-tape-matches-autograd",
    experiment=tape_check,
    alternative=Alternative("a forward difference is as accurate as the tape", kwargs={"method": "forward"}),
    page={"n_inputs": 8, "seed": 0},
    test={"n_inputs": 16, "seed": 1},
    method="comparison with torch.autograd",
    condition=Words(r"for a random expression in $n$ inputs built from sums, products, $\tanh$ and $\exp$"),
    source="ours (Kaplan §1.4)",
))


# --------------------------------------------------------------------------- backprop formulas

phi = sp.Function(r"\phi")
s_ = sp.Symbol("s", real=True)
h = sp.symbols("h_1:3", real=True)
b = sp.symbols("b_1:3", real=True)
W2 = sp.ImmutableMatrix(2, 2, lambda i, j: sp.Symbol(f"W_{i + 1}{j + 1}", real=True))
z = [W2[i, 0] * h[0] + W2[i, 1] * h[1] + b[i] for i in range(2)]


def _phi_prime(i):
    """φ'(z_i), as the derivative of φ evaluated at the pre-activation z_i."""
    return sp.Subs(sp.Derivative(phi(s_), s_), s_, z[i])


LAYER = Words(r"for outputs $y_i$ equal to $\phi(z_i)$ with pre-activations $z_i$ equal to "
              r"$\sum_j W_{ij} h_j + b_i$, two hidden units $h_j$, two outputs and any differentiable $\phi$")

register(Identity(
    label="eq-backprop-output-weights",
    lhs=sp.ImmutableMatrix(2, 2, lambda i, j: sp.Derivative(phi(z[i]), W2[i, j])),
    rhs=sp.ImmutableMatrix(2, 2, lambda i, j: _phi_prime(i) * h[j]),
    method="doit",
    condition=LAYER,
    source="Kaplan (1.4.6)",
))

register(Identity(
    label="eq-backprop-hidden",
    lhs=sp.ImmutableMatrix(2, 2, lambda i, j: sp.Derivative(phi(z[i]), h[j])),
    rhs=sp.ImmutableMatrix(2, 2, lambda i, j: _phi_prime(i) * W2[i, j]),
    method="doit",
    condition=LAYER,
    source="Kaplan (1.4.7)",
))


# --------------------------------------------------------------------------- expression swell and Jacobi

xs = sp.symbols("x_1:6", real=True)
register(Identity(
    label="eq-product-gradient",
    lhs=sp.ImmutableMatrix([[sp.Derivative(sp.Mul(*xs), v) for v in xs]]),
    rhs=sp.ImmutableMatrix([[sp.Mul(*xs) / v for v in xs]]),
    method="doit",
    condition=Words(r"for five inputs"),
    source="Kaplan §1.4",
))

A = sp.MatrixSymbol("A", 3, 3)
_entries = sp.ImmutableMatrix(3, 3, lambda i, j: sp.Symbol(f"a_{i + 1}{j + 1}", real=True))


_DETERMINANT = _entries.det()
_EXPLICIT = {sp.Determinant(A): _DETERMINANT,
             **{MatrixElement(sp.Inverse(A), i, j): _entries.adjugate()[i, j] / _DETERMINANT
                for i in range(3) for j in range(3)},
             **{A[i, j]: _entries[i, j] for i in range(3) for j in range(3)}}


def _explicit_three_by_three(expr):
    """Writes A as a generic 3×3 matrix of symbols (its inverse as adjugate / determinant), differentiates and cancels."""
    return sp.cancel(sp.sympify(expr).xreplace(_EXPLICIT).doit())


register(Identity(
    label="eq-jacobi-formula",
    lhs=sp.ImmutableMatrix(3, 3, lambda i, j: sp.Derivative(sp.Determinant(A), A[i, j])),
    rhs=sp.Determinant(A) * sp.ImmutableMatrix(3, 3, lambda i, j: MatrixElement(sp.Inverse(A), j, i)),
    method=Reduction("writes A as a generic 3×3 matrix of symbols (its inverse as adjugate / determinant), "
                     "differentiates and cancels",
                     _explicit_three_by_three),
    condition=Words(r"for every invertible $3 \times 3$ matrix", A),
    source="Kaplan §1.4; Magnus & Neudecker (2019) §8.3",
))


# --------------------------------------------------------------------------- cost

def flop_ratio_check(widths=(64, 256, 256, 10), batch_size: int = 128):
    """FLOPs of the backward pass over those of the forward pass, counted by ``FlopCounterMode``."""
    forward, backward = backward_forward_flops(list(widths), batch_size=batch_size)
    return Measurement.exact("backward / forward FLOPs", backward / forward, 2.0,
                             reason="FLOP counts are integers; two matrix products per forward product",
                             quantity=r"\frac{\text{FLOPs}(\text{backward})}{\text{FLOPs}(\text{forward})}",
                             expected_latex="2")


register(Numeric(
    label="eq-backward-twice-forward",
    experiment=flop_ratio_check,
    alternative=Alternative("backward costs as much as forward", expected={"backward / forward FLOPs": 1.0}),
    page={"widths": (64, 256, 256, 10), "batch_size": 128},
    test={"widths": (64, 512, 128, 32, 10), "batch_size": 64},
    method="FLOP count by torch.utils.flop_counter",
    condition=Words("for a multilayer perceptron whose input also needs a gradient"),
    source="Kaplan §1.4; Griewank & Walther (2008) §4.6",
))
