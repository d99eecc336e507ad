"""The symbolic helpers of the estimation part: notations, i.i.d. expectations and the custom simplifiers."""

import pytest
import sympy as sp

from mltheory.claims import Identity
from mltheory.estimation.symbolic import (
    blockwise,
    differentiate_under_integral,
    each_order,
    iid_expectation,
    notation,
    power_sums,
)

X = sp.IndexedBase("X")
i, j = sp.symbols("i j", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
m = sp.IndexedBase("m")


def test_each_order_reports_the_first_failing_order():
    order = sp.Symbol("k", integer=True)
    check = each_order(order, range(1, 5))
    assert check(sp.factorial(order) - sp.gamma(order + 1)) == 0
    assert check(order**2 - order) != 0  # fails at k = 2


def test_a_wrong_identity_with_a_custom_method_fails():
    wrong = Identity(label="eq-t-wrong-orders", lhs=sp.Symbol("k") ** 2, rhs=sp.Symbol("k"), source="test",
                     method=each_order(sp.Symbol("k"), range(0, 3)))
    assert not wrong.verify().passed


def test_iid_expectation_of_products_of_sums():
    total = sp.Sum(X[i], (i, 1, N))
    squares = sp.Sum(X[i] ** 2, (i, 1, N))
    assert sp.expand(iid_expectation(total * squares, X, N, lambda k: m[k])
                     - (N * m[3] + N * (N - 1) * m[1] * m[2])) == 0
    third = iid_expectation(total**3, X, N, lambda k: m[k])
    assert sp.expand(third - (N * m[3] + 3 * N * (N - 1) * m[1] * m[2] + N * (N - 1) * (N - 2) * m[1] ** 3)) == 0


def test_power_sums_rejects_partial_sums():
    with pytest.raises(ValueError, match="sums must run from 1 to N"):
        power_sums(sp.Sum(X[i], (i, 2, N)), X, N, lambda k: sp.Symbol(f"P{k}"))
    with pytest.raises(ValueError, match="summand must depend on i only through X"):
        power_sums(sp.Sum(i * X[i], (i, 1, N)), X, N, lambda k: sp.Symbol(f"P{k}"))


def test_notation_prints_and_evaluates():
    square = notation("SquareInTest", r"\operatorname{sq}(#1, #2)", lambda a, b: a**2 + b)
    a, b = sp.symbols("a b")
    assert sp.latex(square(a, b)) == r"\operatorname{sq}(a, b)"
    assert square(a, b).doit() == a**2 + b


def test_blockwise_and_integrals():
    A = sp.MatrixSymbol("A", 2, 2)
    assert blockwise(sp.BlockMatrix([[A, A]]) - sp.BlockMatrix([[A, 2 * A]])) != 0
    x, t = sp.symbols("x t", real=True)
    with pytest.raises(ValueError, match="the limits depend on t"):
        differentiate_under_integral(sp.Derivative(sp.Integral(sp.Function("g")(x), (x, 0, t)), t))
