"""Claims of the page "Linear learning" (book/symmetry/linear-learning.md)."""

from __future__ import annotations

import math

import sympy as sp
import torch

from ...claims import Alternative, Identity, Measurement, Numeric, Words, register
from ..degree_seven import gradient_descent_run
from ..symbolic import Gradient, matrix_simplify
from ._matrices import KERNEL_VECTOR, NULL_DIRECTION, Phi, K, k, loss, n, p, phi, v, w, w_star, y

t = sp.Symbol("t", nonnegative=True)
lam = sp.Symbol("lambda", positive=True)
y_tilde = sp.Symbol(r"\tilde{y}", real=True)

register(Identity(
    label="eq-loss-gradient",
    lhs=Gradient(loss(w), w),
    rhs=2 * Phi.T * (Phi * w - y) / n,
    method=matrix_simplify,
    source="ours",
))

register(Identity(
    label="eq-interpolant-exists",
    lhs=sp.MatMul(Phi, Phi.T, K.I, y, evaluate=False),
    rhs=y,
    method=matrix_simplify,
    condition=Words(r"whenever $\Phi\Phi^{T}$ is invertible"),
    source="Gelada & Buckman, Geometrical Theory of Learning §1.3 (stated); proof ours",
))

register(Identity(
    label="eq-min-norm-pythagoras",
    lhs=(w_star + v).T * (w_star + v),
    rhs=w_star.T * w_star + v.T * v,
    method=matrix_simplify,
    given=NULL_DIRECTION,
    condition=Words(r"for every $v$ in the null space of $\Phi$"),
    source="ours",
))

register(Identity(
    label="eq-min-norm-predictor",
    lhs=phi.T * w_star,
    rhs=k.T * K.I * y,
    method=matrix_simplify,
    given=KERNEL_VECTOR,
    condition=Words(r"where $k(x)$, the vector $\Phi\,\phi(x)$, has entries $K(x, x_i)$"),
    source="ours",
))

_component = (1 - sp.exp(-2 * lam * t / n)) * y_tilde / lam
register(Identity(
    label="eq-flow-component",
    lhs=sp.Matrix([sp.Derivative(_component, t), sp.Subs(_component, t, 0)]),
    rhs=sp.Matrix([-2 * (lam * _component - y_tilde) / n, 0]),
    method="doit",
    condition=Words(r"for each positive eigenvalue $\lambda$ of $K$"),
    source="ours",
))

register(Identity(
    label="eq-flow-limit",
    lhs=sp.Limit(_component, t, sp.oo),
    rhs=y_tilde / lam,
    method="doit",
    source="ours",
))

register(Identity(
    label="eq-initial-velocity",
    lhs=sp.MatMul(-1, phi.T, Gradient(loss(w), w), evaluate=False),
    rhs=2 * k.T * y / n,
    method=matrix_simplify,
    given=((w, sp.ZeroMatrix(p, 1)), *KERNEL_VECTOR),
    condition=Words(r"at the initialisation $w$ zero, with $k(x)$ the vector $\Phi\,\phi(x)$"),
    source="Gelada & Buckman §1.4 (the gradient field of its figures); formula ours",
))

A = sp.MatrixSymbol("A", p, p)
phi_prime = sp.MatrixSymbol(r"\phi'", p, 1)
register(Identity(
    label="eq-reparametrised-kernel",
    lhs=sp.MatMul(sp.Transpose(A.T * phi), A.T * phi_prime, evaluate=False),
    rhs=phi.T * A * A.T * phi_prime,
    method=matrix_simplify,
    condition=Words(r"for the predictor $h_v(x)$, $(A v)\cdot\phi(x)$, written as $v \cdot A^{T}\phi(x)$"),
    source="ours",
))


def gradient_descent_check(points: int = 5, steps: int = 2000, seed: int = 0,
                           rate_power: int = 1) -> list[Measurement]:
    r"""Run explicit gradient descent from :math:`w = 0` and compare it with the theory of the page.

    A seeded dataset of ``points`` random points of the unit circle with
    standard normal labels is fitted with the binomial features of
    :math:`V_7` (:math:`p = 8`), with step :math:`\\Delta t = n / (\\lambda_{\\max} + \\lambda_{\\min})`.
    Three things are measured: (1) the distance :math:`\\lVert w_j - w^\\star\\rVert`
    against its exact value
    :math:`\\big(\\sum_i (1 - 2\\Delta t\\lambda_i/n)^{2j} (u_i\\cdot y)^2/\\lambda_i\\big)^{1/2}`
    at every step, (2) the component of :math:`w_j` outside the row space of
    :math:`\\Phi` (zero in exact arithmetic), and (3) the final distance
    against the contraction bound :math:`\\rho^{j}\\lVert y\\rVert/\\sqrt{\\lambda_{\\min}}`.
    The slack for rounding is :math:`10(n+p)u` times the size of the terms of
    a step, added up over the steps. With ``rate_power=2`` the bound is
    :math:`\\rho^{2j}`, the rate of the loss rather than of the distance: a wrong
    alternative.
    """
    run = gradient_descent_run(points, steps, seed=seed)
    Phi_, path, labels, eigenvalues = run["phi"], run["path"], run["labels"], run["eigenvalues"]
    dt, factors, measured, predicted = run["dt"], run["factors"], run["distance"], run["exact"]
    row_space = torch.linalg.pinv(Phi_) @ Phi_
    outside = torch.linalg.vector_norm(path - path @ row_space.T, dim=-1)
    size = float(path.norm(dim=-1).max())
    norm_phi = float(torch.linalg.matrix_norm(Phi_, ord=2))
    step_size = size + 2 * dt / points * norm_phi * (norm_phi * size + float(labels.norm()))
    slack = steps * 10 * (points + Phi_.shape[-1]) * torch.finfo(torch.float64).eps / 2 * step_size
    rho = float(factors.max())
    bound = rho ** (rate_power * steps) * float(labels.norm()) / math.sqrt(float(eigenvalues.min()))
    basis = f"rounding slack 10(n+p)u per step over {steps} steps"
    return [
        Measurement.exact(r"$\max_j \big|\,\lVert w_j - w^\star\rVert - \text{exact formula}\big|$",
                          float((measured - predicted).abs().max()), 0.0, tolerance=slack, reason=basis,
                          quantity=r"\max_{j \le " + str(steps) + r"} \big|\,\lVert w_j - w^\star\rVert - "
                                   r"\big(\textstyle\sum_i \rho_i^{2j} (u_i\cdot y)^2/\lambda_i\big)^{1/2}\big|",
                          expected_latex="0"),
        Measurement.exact(r"$\max_j$ distance of $w_j$ from the row space of $\Phi$",
                          float(outside.max()), 0.0, tolerance=slack, reason=basis,
                          quantity=rf"\max_{{j \le {steps}}} \operatorname{{dist}}\big(w_j, \operatorname{{row}}(\Phi)\big)",
                          expected_latex="0"),
        Measurement.exact(f"$\\lVert w_{{{steps}}} - w^\\star\\rVert$ against $\\rho^{{{steps}}}\\lVert y\\rVert/\\sqrt{{\\lambda_{{\\min}}}}$",
                          float(measured[-1]), bound, tolerance=slack, reason=basis, relation="<=",
                          quantity=rf"\lVert w_{{{steps}}} - w^\star\rVert",
                          expected_latex=rf"\rho^{{{rate_power * steps}}}\,\frac{{\lVert y\rVert}}{{\sqrt{{\lambda_{{\min}}}}}}"),
    ]


register(Numeric(
    label="eq-gradient-descent-converges",
    experiment=gradient_descent_check,
    alternative=Alternative("the distance contracts like the loss, ρ^{2j}", kwargs={"rate_power": 2}),
    page={"points": 5, "steps": 500},
    test={"points": 7, "steps": 3000},
    method="explicit gradient descent against the exact solution",
    source="ours",
))
