"""Claims of the page on sharpness (``book/generalization/sharpness.md``): rescaling two layers of a ReLU network
by :math:`(\\alpha, 1/\\alpha)` leaves its function unchanged and transforms its Hessian by congruence, so the top
eigenvalue grows like :math:`\\alpha^2` with the constant :math:`\\lambda_{\\max}(H_{22})`, not that of :math:`H`.
"""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch
from torch import nn

from ...claims import Alternative, Domain, Identity, Measurement, Numeric, Words, register
from ...data import digits
from ...networks import fit, mlp
from ...runtime import one_thread
from ..sharpness import loss_hessian, rescale_layers, rescaling_factors, top_hessian_eigenvalue

N_TRAIN = 300
"""Training examples: the first 300 digits."""
HIDDEN = 8
"""Width of the hidden layer of the network 64 → 8 → 10 (610 parameters)."""
EPOCHS = 100
"""Full-batch Adam steps (learning rate 0.01)."""
ITERATIONS = 300
"""Hessian-vector products per power iteration."""
TOY_ALPHA = 10.0
"""The factor of toy B4, at which the page compares the growth of the sharpness with :math:`\\alpha^2`."""
CONGRUENCE_ALPHAS = (0.25, 1.0, 4.0, TOY_ALPHA)
"""Factors at which the measured sharpness is compared with the congruence law."""
FUNCTION_ALPHAS = tuple(2.0**k for k in range(-4, 5))
"""Factors at which the outputs are compared: powers of two, so that the rescaling is exact in floating point."""
SANDWICH_ALPHAS = (0.25, 0.5, 2.0, 4.0, TOY_ALPHA)
"""Factors at which the sharpness is compared with the bounds from the Rayleigh quotient."""
LIMIT_ALPHA = 2.0**8
"""The large factor at which :math:`\\lambda_{\\max}(H_\\alpha)/\\alpha^2` is compared with its limit."""
_LIMIT_OCTAVES = math.log2(LIMIT_ALPHA)


@functools.cache
@one_thread()
def trained_network(activation: str = "relu"):
    """The page's network (float64), trained on the first N_TRAIN digits, with those inputs and labels."""
    x, y = digits()
    x, y = x[:N_TRAIN], y[:N_TRAIN]
    net = mlp([64, HIDDEN, 10], activation=activation, seed=0, dtype=torch.float64)
    fit(net, x, y, loss=nn.functional.cross_entropy, epochs=EPOCHS, batch_size=N_TRAIN, lr=1e-2, seed=0)
    net.eval()
    return net, x, y


@functools.cache
@one_thread()
def hessian_blocks() -> dict[str, float]:
    """The dense Hessian at the trained parameters and the top eigenvalues of it and of its two weight blocks."""
    net, x, y = trained_network()
    hessian = loss_hessian(net, x, y)
    first = 64 * HIDDEN + HIDDEN  # weights and bias of layer 1: the parameters scaled by alpha
    second = slice(first, first + 10 * HIDDEN)  # weights of layer 2: scaled by 1/alpha
    return {"H": hessian, "top": float(torch.linalg.eigvalsh(hessian)[-1]),
            "top 11": float(torch.linalg.eigvalsh(hessian[:first, :first])[-1]),
            "top 22": float(torch.linalg.eigvalsh(hessian[second, second])[-1])}


@functools.cache
def rescaled_sharpness(alpha: float, iterations: int = ITERATIONS) -> tuple[float, float]:
    """The sharpness of the trained network rescaled by ``alpha``, by power iteration, and its residual."""
    net, x, y = trained_network()
    return top_hessian_eigenvalue(rescale_layers(net, alpha), x, y, iterations=iterations)


# --------------------------------------------------------------------------- the function is unchanged

z, v = sp.symbols("z v", real=True)
alpha = sp.Symbol("alpha", positive=True)


def relu(t):
    """The ReLU written as (t + |t|)/2, so that sympy can use |αt| = α|t| for α > 0."""
    return (t + sp.Abs(t)) / 2


register(Identity(
    label="eq-sharpness-homogeneous",
    lhs=(v / alpha) * relu(alpha * z),
    rhs=v * relu(z),
    condition=(Words(r"for a hidden unit with pre-activation $z$ and outgoing weight $v$, the ReLU written as "
                     r"$(z + |z|)/2$, and"), Domain(alpha, sp.Interval.open(0, sp.oo))),
    source="Dinh et al. 2017 (the positive homogeneity of the ReLU)",
))


@one_thread()
def same_function_check(activation: str = "relu") -> list[Measurement]:
    """The largest change of any output on all 1797 digits when the trained network is rescaled by a power of two."""
    net, _, _ = trained_network(activation)
    x, _ = digits()
    with torch.no_grad():
        change = max(float((rescale_layers(net, a)(x) - net(x)).abs().max()) for a in FUNCTION_ALPHAS)
    return [Measurement.exact("largest output change", change, 0.0,
                              reason="exact: multiplying by a power of two is exact in floating point",
                              quantity=rf"\max_{{x,\ \alpha = 2^{{{math.log2(FUNCTION_ALPHAS[0]):g}}}, \dots, "
                                       rf"2^{{{math.log2(FUNCTION_ALPHAS[-1]):g}}}}} "
                                       r"\lVert f_{T_\alpha\theta}(x) - f_\theta(x) \rVert_\infty",
                              expected_latex="0")]


register(Numeric(
    label="eq-sharpness-same-function",
    experiment=same_function_check,
    alternative=Alternative("the rescaling leaves any network's function unchanged, also one with tanh units",
                            kwargs={"activation": "tanh"}),
    method="the trained network and its rescaled copies evaluated on all the digits, in float64",
    condition=Words(rf"for the network 64–{HIDDEN}–10 trained on {N_TRAIN} digits, on all 1797 digits"),
    source="Dinh et al. 2017; experiment ours (toy B4)",
))


# --------------------------------------------------------------------------- the Hessian transforms by congruence

w, v_out, c = sp.symbols("w v c", real=True)
loss_of = sp.Function("ell")
_parameters = (w, v_out, c)
_hessian = sp.Matrix(3, 3, lambda i, j: sp.Derivative(loss_of(v_out * w, c), _parameters[i], _parameters[j]))

register(Identity(
    label="eq-sharpness-hessian-law",
    lhs=_hessian.applyfunc(lambda entry: sp.Subs(entry, (w, v_out), (alpha * w, v_out / alpha))),
    rhs=sp.diag(1 / alpha, alpha, 1) * _hessian * sp.diag(1 / alpha, alpha, 1),
    method="doit",
    condition=(Words(r"for every twice differentiable loss $\ell$ that depends on an incoming weight $w$ and an "
                     r"outgoing weight $v$ only through their product, and on a parameter $c$ that is not rescaled, "
                     r"and"), Domain(alpha, sp.Interval.open(0, sp.oo))),
    source="Dinh et al. 2017 (the Hessian under the rescaling); proof ours",
))


@one_thread()
def congruence_check(law: str = "congruence") -> list[Measurement]:
    """The sharpness of each rescaled network, by power iteration on its own Hessian-vector products, against the
    top eigenvalue of T^{-1} H T^{-1} formed from the dense Hessian H of the original network (``law="congruence"``)
    or against the top eigenvalue of H itself (``law="invariant"``, the wrong alternative)."""
    net = trained_network()[0]
    hessian = hessian_blocks()["H"]
    measurements = []
    for a in CONGRUENCE_ALPHAS:
        value, residual = rescaled_sharpness(a)
        inverse = 1 / rescaling_factors(net, a)
        congruent = inverse[:, None] * hessian * inverse[None, :]
        predicted = float(torch.linalg.eigvalsh(congruent)[-1])
        # rounding: p unit roundoffs of the Frobenius norm, the worst-case bound for sums of p terms (Higham)
        rounding = len(congruent) * torch.finfo(congruent.dtype).eps * float(torch.linalg.matrix_norm(congruent))
        if law == "invariant":
            predicted = hessian_blocks()["top"]
        measurements.append(Measurement.exact(
            f"alpha = {a:g}", value, predicted, tolerance=residual + rounding,
            reason="the residual of the power iteration plus p u ||T^-1 H T^-1||_F for rounding "
                   "(p parameters, unit roundoff u)",
            quantity=r"\lambda_{\max}\big(\nabla^2 L(T_\alpha \theta)\big)",
            expected_latex=r"\lambda_{\max}\big(T_\alpha^{-1}\, \nabla^2 L(\theta)\, T_\alpha^{-1}\big)"))
    return measurements


register(Numeric(
    label="eq-sharpness-congruence",
    experiment=congruence_check,
    alternative=Alternative("sharpness is invariant under the rescaling, as the function is: "
                            "the top eigenvalue stays that of the original network",
                            kwargs={"law": "invariant"}),
    method=f"power iteration ({ITERATIONS} Hessian-vector products) on each rescaled network, against the dense "
           "Hessian of the original network",
    condition=Words(rf"for the trained network, $\alpha$ in "
                    rf"$\{{{', '.join(f'{a:g}' for a in CONGRUENCE_ALPHAS)}\}}$, with $T_\alpha$ the diagonal "
                    rf"rescaling"),
    source="Dinh et al. 2017 (congruence of the Hessian); experiment ours (toy B4)",
))


# --------------------------------------------------------------------------- bounds from the Rayleigh quotient

def sandwich_check(law: str = "congruence") -> list[Measurement]:
    """The sharpness of each rescaled network against the bounds that the congruence law implies: between
    alpha^2 lambda_max(H_22) and alpha^2 lambda_max(H) for alpha >= 1, and between alpha^-2 lambda_max(H_11) and
    alpha^-2 lambda_max(H) for alpha <= 1 (``law="invariant"``: both bounds lambda_max(H), the wrong alternative)."""
    blocks = hessian_blocks()
    measurements = []
    for a in SANDWICH_ALPHAS:
        value, residual = rescaled_sharpness(a)
        scale, block, power = (a**2, "top 22", r"\alpha^2") if a >= 1 else (a**-2, "top 11", r"\alpha^{-2}")
        lower, upper = scale * blocks[block], scale * blocks["top"]
        if law == "invariant":
            lower = upper = blocks["top"]
        subscript = block.split()[1]
        for relation, bound, latex in ((">=", lower, rf"{power} \lambda_{{\max}}(H_{{{subscript}}})"),
                                       ("<=", upper, rf"{power} \lambda_{{\max}}(H)")):
            measurements.append(Measurement.exact(
                f"alpha = {a:g}, {relation}", value, bound, tolerance=residual, relation=relation,
                reason="the residual of the power iteration", quantity=r"\lambda_{\max}(H_\alpha)",
                expected_latex=latex))
    return measurements


register(Numeric(
    label="eq-sharpness-sandwich",
    experiment=sandwich_check,
    alternative=Alternative("sharpness is invariant under the rescaling: both bounds are the top eigenvalue of the "
                            "original network", kwargs={"law": "invariant"}),
    method=f"power iteration ({ITERATIONS} Hessian-vector products) on each rescaled network, against the blocks of "
           "the dense Hessian of the original network",
    condition=Words(rf"for the trained network, $\alpha$ in "
                    rf"$\{{{', '.join(f'{a:g}' for a in SANDWICH_ALPHAS)}\}}$, the bounds with $\alpha^2$ for "
                    rf"$\alpha$ at least 1 and with $\alpha^{{-2}}$ for $\alpha$ at most 1"),
    source="ours (Rayleigh quotient; after Dinh et al. 2017; toy B4)",
))


# --------------------------------------------------------------------------- the limits of the top eigenvalue

@one_thread()
def limit_check(limit: str = "block") -> list[Measurement]:
    """λ_max(H_α)/α² at α = 2^8, and α² λ_max(H_α) at α = 2^-8, against the top eigenvalues of the growing
    weight blocks (``limit="block"``) or of the whole Hessian (``limit="whole"``, the wrong alternative), within Weyl's
    bound: the Frobenius norm (at least the 2-norm) of the rest of the scaled Hessian."""
    net = trained_network()[0]
    blocks = hessian_blocks()
    hessian = blocks["H"]
    measurements = []
    for a, block, latex, name in ((LIMIT_ALPHA, "top 22", r"\lambda_{\max}(H_\alpha) / \alpha^2", "large alpha"),
                                  (1 / LIMIT_ALPHA, "top 11", r"\alpha^2 \lambda_{\max}(H_\alpha)", "small alpha")):
        value, residual = rescaled_sharpness(a)
        scale = max(a, 1 / a) ** 2
        inverse = 1 / rescaling_factors(net, a)
        rest = inverse[:, None] * hessian * inverse[None, :] / scale
        keep = (inverse == (a if a > 1 else 1 / a))  # the block that grows: layer 2 for large alpha, layer 1 for small
        rest[keep[:, None] & keep[None, :]] = 0.0
        weyl = float(torch.linalg.matrix_norm(rest))  # Frobenius, at least the 2-norm
        subscript = block.split()[1]
        measurements.append(Measurement.exact(
            name, value / scale, blocks[block if limit == "block" else "top"], tolerance=weyl + residual / scale,
            reason="Weyl's bound: the Frobenius norm of the scaled Hessian outside the growing block, "
                   "plus the residual",
            quantity=latex, expected_latex=rf"\lambda_{{\max}}(H_{{{subscript}}})"))
    return measurements


register(Numeric(
    label="eq-sharpness-limit",
    experiment=limit_check,
    alternative=Alternative("the top eigenvalue scales exactly like alpha² (or 1/alpha²): the limits are the top "
                            "eigenvalue of the whole Hessian H",
                            kwargs={"limit": "whole"}),
    method="power iteration on the rescaled network, against the dense Hessian's blocks",
    condition=Words(rf"for the trained network, $\alpha$ in $\{{2^{{{_LIMIT_OCTAVES:g}}}, 2^{{-{_LIMIT_OCTAVES:g}}}\}}$, "
                    rf"with $H_{{11}}$ and $H_{{22}}$ the blocks of the Hessian $H$ of the loss for the weights and biases of layer 1 and "
                    rf"the weights of layer 2"),
    source="ours (after Dinh et al. 2017; toy B4)",
))
