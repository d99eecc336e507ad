"""Claims of the page on the limits of computation (``book/information/limits-of-computation.md``).

The estimates are computed with ``sympy.physics.units`` (exactly, with the
units carried through) and compared with the numbers the page states, to the
precision it states them; the package's float function :func:`~mltheory.information.landauer_limit`
must agree with the symbolic computation to rounding.
"""

from __future__ import annotations

import math

import sympy as sp
import torch
from sympy.physics import units

from ...claims import Identity, Measurement, Numeric, Words, register
from ..computation import landauer_limit, landauer_limit_units, reversible_add, reversible_add_inverse
from ..measures import entropy

i, b = sp.symbols("i b", integer=True, positive=True)
k_B, T = sp.symbols("k_B T", positive=True)

register(Identity(
    label="eq-landauer-bits",
    lhs=k_B * T * (-sp.Sum(2 ** (-b) * sp.log(2 ** (-b)), (i, 1, 2**b))),
    rhs=b * k_B * T * sp.log(2),
    method="doit",
    condition=Words("the entropy of $b$ uniformly random bits, times $k_B T$"),
    source="Landauer (1961); Kaplan (2.7.2)–(2.7.3)",
))


def _stated(what: str, value, stated: float, digits: int) -> Measurement:
    """Compare a computed value with a number stated to ``digits`` significant figures."""
    half_unit = 0.5 * 10 ** (math.floor(math.log10(abs(stated))) - digits + 1)
    return Measurement(what, float(value), stated, half_unit, f"the stated value, rounded to {digits} figures")


def _agreement(what: str, symbolic, numeric: torch.Tensor) -> Measurement:
    value = float(symbolic)
    return Measurement.exact(f"{what}: landauer_limit vs units", numeric.item(), value,
                             tolerance=1e-12 * abs(value), reason="float64 rounding")


def landauer_estimates(temperature: int = 300) -> list[Measurement]:
    """The three estimates of Kaplan §2.7, with 32-bit numbers throughout (the notes switch to 16 bits in (2.7.6)).

    Each is computed exactly with units, converted to joules or watts (which
    fails if the dimensions do not match), compared with the value the page
    states to its stated precision, and with the float function ``landauer_limit``.
    """
    joule, watt = units.joule, units.watt
    addition = landauer_limit_units(16, temperature) / joule
    training = landauer_limit_units(32 * 10**23, temperature) / joule
    power = landauer_limit_units(32 * 10**14, temperature, per=units.second) / watt
    ratio = sp.Integer(250) / power
    return [
        _stated("heat of one 16-bit addition (J)", addition, 4.6e-20, 2),
        _agreement("one addition", addition, landauer_limit(16, temperature)),
        _stated("heat of 10²³ 32-bit operations (J)", training, 9.2e3, 2),
        _agreement("training run", training, landauer_limit(32e23, temperature)),
        _stated("Landauer power at 10¹⁴ 32-bit operations per second (W)", power, 9.2e-6, 2),
        _agreement("GPU", power, landauer_limit(32e14, temperature)),
        _stated("250 W over the Landauer power", ratio, 2.7e7, 2),
    ]


register(Numeric(
    label="eq-landauer-estimates",
    statement=(r"\begin{aligned} 16\, k_B T \log 2 &= 4.6 \times 10^{-20}\ \mathrm{J} \\ "
               r"32\, k_B T \log 2 \times 10^{23} &= 9.2 \times 10^{3}\ \mathrm{J} \\ "
               r"32\, k_B T \log 2 \times 10^{14}\ \mathrm{s^{-1}} &= 9.2 \times 10^{-6}\ \mathrm{W} "
               r"= 250\ \mathrm{W} / (2.7 \times 10^{7}) \end{aligned} \qquad T = 300\ \mathrm{K}"),
    experiment=landauer_estimates,
    page={"temperature": 300},
    test={"temperature": 300},
    method="exact arithmetic with sympy.physics.units",
    source="Kaplan (2.7.3), (2.7.5), (2.7.6), with 32 bits throughout",
))


def _all_pairs(bits: int) -> tuple[torch.Tensor, torch.Tensor]:
    words = torch.arange(2**bits)
    return words.repeat_interleave(2**bits), words.repeat(2**bits)


def reversible_addition_check(bits: int = 8) -> list[Measurement]:
    """Exhaustively: reversible addition is a bijection of pairs of words, undone by its inverse."""
    x, y = _all_pairs(bits)
    kept, total = reversible_add(x, y, bits=bits)
    distinct = torch.unique(kept * 2**bits + total).numel()
    _, recovered = reversible_add_inverse(kept, total, bits=bits)
    return [
        Measurement.exact(f"distinct outputs over all {4**bits} pairs of {bits}-bit words", distinct, 4**bits),
        Measurement.exact("pairs not recovered by the inverse", (recovered != y).sum().item(), 0),
    ]


register(Numeric(
    label="eq-reversible-addition",
    statement=r"(x, y) \mapsto (x, x + y \bmod 2^{b}) \text{ is a bijection, inverted by } (x, s) \mapsto (x, s - x \bmod 2^{b})",
    experiment=reversible_addition_check,
    page={"bits": 8},
    test={"bits": 10},
    method="exhaustive enumeration",
    source="Kaplan (2.7.7)–(2.7.8); Bennett (1973)",
))


def erasure_check(bits: int = 8) -> list[Measurement]:
    """Exhaustively: ordinary addition of two uniform b-bit words erases exactly b bits (in nats, b log 2).

    The distribution of the sum is counted exactly over all pairs, and its
    entropy subtracted from that of the pair; 1e-12 covers float64 rounding.
    """
    x, y = _all_pairs(bits)
    _, total = reversible_add(x, y, bits=bits)
    counts = torch.bincount(total, minlength=2**bits).to(torch.float64)
    erased = 2 * bits * math.log(2) - entropy(counts / counts.sum()).item()
    plain = torch.bincount(x + y).to(torch.float64)  # without wrap-around: a (b+1)-bit result
    erased_plain = 2 * bits * math.log(2) - entropy(plain / plain.sum()).item()
    return [
        Measurement.exact(f"entropy erased by {bits}-bit addition mod 2^{bits} (nats)", erased, bits * math.log(2),
                          tolerance=1e-12, reason="float64 rounding"),
        Measurement.exact("entropy erased without wrap-around (nats)", erased_plain, (bits - 1) * math.log(2),
                          relation=">=", reason="the sum keeps at most b + 1 bits"),
        Measurement.exact("entropy erased without wrap-around (nats)", erased_plain, bits * math.log(2),
                          relation="<=", reason="the sum keeps at least as much as the sum mod 2^b"),
    ]


register(Numeric(
    label="eq-addition-erasure",
    statement=r"H(X, Y) - H\big(X + Y \bmod 2^{b}\big) = b \log 2 \qquad X, Y \text{ independent and uniform on } b \text{ bits}",
    experiment=erasure_check,
    page={"bits": 8},
    test={"bits": 11},
    method="exhaustive enumeration",
    source="Kaplan (2.7.2)",
))
