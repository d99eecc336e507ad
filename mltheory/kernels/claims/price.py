r"""Price's identity for the ReLU and erf kernels: the derivative kernel is the derivative of the NNGP kernel.

For a centred Gaussian pair :math:`(u, v)` with covariance :math:`\Sigma`, Price's theorem gives
:math:`\partial E[\phi(u)\phi(v)] / \partial\Sigma_{12} = E[\phi'(u)\phi'(v)]`. The kernel maps of
:func:`~mltheory.kernels.layers.relu_expectations` and :func:`~mltheory.kernels.layers.erf_expectations`
use both closed forms; these identities check that each pair is consistent, over the whole open range of
the covariance (the endpoints, where the ReLU derivative kernel has a kink, are excluded).
"""

from __future__ import annotations

import sympy as sp

from ...claims import Identity, register
from ...claims.conditions import Domain

__all__: list[str] = []

q1, q2 = sp.symbols(r"\Sigma_{11} \Sigma_{22}", positive=True)
c = sp.Symbol(r"\Sigma_{12}", real=True)
t = sp.Symbol("t", real=True)
_scale = sp.sqrt(q1 * q2)
_erf_scale = sp.sqrt((1 + 2 * q1) * (1 + 2 * q2))

register(Identity(
    label="eq-relu-price",
    lhs=sp.Derivative((sp.sqrt(q1 * q2 - c**2) + (sp.pi - sp.acos(c / _scale)) * c) / (2 * sp.pi), c),
    rhs=(sp.pi - sp.acos(c / _scale)) / (2 * sp.pi),
    method="doit",
    substitutions=((c, _scale * sp.tanh(t)),),
    condition=Domain(c, sp.Interval.open(-_scale, _scale)),
    source="Price (1958) applied to Cho & Saul (2009); derivation ours",
))

register(Identity(
    label="eq-erf-price",
    lhs=sp.Derivative(2 / sp.pi * sp.asin(2 * c / _erf_scale), c),
    rhs=4 / (sp.pi * sp.sqrt((1 + 2 * q1) * (1 + 2 * q2) - 4 * c**2)),
    method="doit",
    substitutions=((c, _erf_scale / 2 * sp.tanh(t)),),
    condition=Domain(c, sp.Interval.open(-_erf_scale / 2, _erf_scale / 2)),
    source="Price (1958) applied to Williams (1997); derivation ours",
))
