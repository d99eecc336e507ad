"""Matrix symbols shared by the claims about linear learning: a dataset of n points and p features."""

import sympy as sp

n, p = sp.symbols("n p", integer=True, positive=True)
Phi = sp.MatrixSymbol("Phi", n, p)
"""The feature matrix: row i is φ(x_i)."""
y = sp.MatrixSymbol("y", n, 1)
w = sp.MatrixSymbol("w", p, 1)
v = sp.MatrixSymbol("v", p, 1)
phi = sp.MatrixSymbol("phi", p, 1)
"""The features φ(x) of a new point x."""
k = sp.MatrixSymbol("k(x)", n, 1)
"""The kernel vector k(x) = Φφ(x): entry i is K(x, x_i)."""
K = Phi * Phi.T
w_star = Phi.T * K.I * y
"""The minimum-norm interpolant Φᵀ(ΦΦᵀ)⁻¹y."""
KERNEL_VECTOR = ((k, Phi * phi),)
"""The side condition k(x) = Φφ(x)."""
NULL_DIRECTION = ((Phi * v, sp.ZeroMatrix(n, 1)), (v.T * Phi.T, sp.ZeroMatrix(1, n)))
"""Side conditions Φv = 0 (and its transpose): v changes no prediction on the data."""


def loss(weights):
    """The squared loss (1/n) ‖Φw − y‖² as a 1×1 matrix expression."""
    return (Phi * weights - y).T * (Phi * weights - y) / n
