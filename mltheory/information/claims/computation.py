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

from ...claims import Alternative, Identity, Measurement, Numeric, Words, register
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


def _stated(what: str, value, stated: float, digits: int, quantity: str, unit: str) -> Measurement:
    """Compare a computed value with a number stated to ``digits`` significant figures (shown as ``quantity ≈ stated unit``)."""
    exponent = math.floor(math.log10(abs(stated)))
    half_unit = 0.5 * 10 ** (exponent - digits + 1)
    mantissa = f"{stated / 10**exponent:.{digits - 1}f}"
    return Measurement(what, float(value), stated, half_unit, f"the stated value, rounded to {digits} figures",
                       quantity=quantity, expected_latex=rf"{mantissa} \times 10^{{{exponent}}}" + (rf"\ \mathrm{{{unit}}}" if unit else ""))


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
        _stated("heat of one 16-bit addition (J)", addition, 4.6e-20, 2, r"16\, k_B T \log 2", "J"),
        _agreement("one addition", addition, landauer_limit(16, temperature)),
        _stated("heat of 10²³ 32-bit operations (J)", training, 9.2e3, 2,
                r"32 \times 10^{23}\, k_B T \log 2", "J"),
        _agreement("training run", training, landauer_limit(32e23, temperature)),
        _stated("Landauer power at 10¹⁴ 32-bit operations per second (W)", power, 9.2e-6, 2,
                r"32 \times 10^{14}\ \mathrm{s^{-1}}\, k_B T \log 2", "W"),
        _agreement("GPU", power, landauer_limit(32e14, temperature)),
        _stated("250 W over the Landauer power", ratio, 2.7e7, 2,
                r"\frac{250\ \mathrm{W}}{32 \times 10^{14}\ \mathrm{s^{-1}}\, k_B T \log 2}", ""),
    ]


register(Numeric(
    label="eq-landauer-estimates",
    experiment=landauer_estimates,
    alternative=Alternative("k_B T per bit, without the factor log 2 (entropy counted in bits, not nats)",
                            expected={0: 6.6e-20, 2: 1.3e4, 4: 1.3e-5, 6: 1.9e7}),
    condition=Words("at 300 kelvin"),
    page={"temperature": 300},
    test={"temperature": 300},
    method="exact arithmetic with sympy.physics.units",
    source="Kaplan (2.7.3), (2.7.5), (2.7.6), with 32 bits throughout",
))


def _all_pairs(bits: int) -> tuple[torch.Tensor, torch.Tensor]:
    words = torch.arange(2**bits)
    return words.repeat_interleave(2**bits), words.repeat(2**bits)


def reversible_addition_check(bits: int = 8, keep_input: bool = True) -> list[Measurement]:
    r"""Exhaustively: reversible addition is a bijection of pairs of words, undone by its inverse.

    With ``keep_input=False`` the map keeps only the sum, :math:`(x, y) \mapsto (0, x + y)`: ordinary addition,
    a wrong alternative (it is not one-to-one, and the inverse cannot recover ``y``).
    """
    x, y = _all_pairs(bits)
    kept, total = reversible_add(x, y, bits=bits)
    if not keep_input:
        kept = torch.zeros_like(kept)
    distinct = torch.unique(kept * 2**bits + total).numel()
    _, recovered = reversible_add_inverse(kept, total, bits=bits)
    modulus = rf"\bmod 2^{{{bits}}}"
    return [
        Measurement.exact(f"distinct outputs over all {4**bits} pairs of {bits}-bit words", distinct, 4**bits,
                          quantity=rf"\#\{{(x,\ x + y {modulus})\}}", expected_latex=rf"4^{{{bits}}}"),
        Measurement.exact("pairs not recovered by the inverse", (recovered != y).sum().item(), 0,
                          quantity=rf"\#\{{(x, y) : (s - x) {modulus} \ne y\}}", expected_latex="0"),
    ]


register(Numeric(
    label="eq-reversible-addition",
    experiment=reversible_addition_check,
    alternative=Alternative("ordinary addition, which keeps only the sum", kwargs={"keep_input": False}),
    condition=Words(r"over all pairs of words $x, y$, with $s$ the second output"),
    page={"bits": 8},
    test={"bits": 10},
    method="exhaustive enumeration",
    source="Kaplan (2.7.7)–(2.7.8); Bennett (1973)",
))


def erasure_check(bits: int = 10) -> list[Measurement]:
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
    wrapped, carried = rf"H(X, Y) - H\big(X + Y \bmod 2^{{{bits}}}\big)", "H(X, Y) - H(X + Y)"
    return [
        Measurement.exact(f"entropy erased by {bits}-bit addition mod 2^{bits} (nats)", erased, bits * math.log(2),
                          tolerance=1e-12, reason="float64 rounding",
                          quantity=wrapped, expected_latex=rf"{bits} \log 2"),
        Measurement.exact("entropy erased without wrap-around (nats)", erased_plain, (bits - 1) * math.log(2),
                          relation=">=", reason="the sum keeps at most b + 1 bits",
                          quantity=carried, expected_latex=rf"{bits - 1} \log 2"),
        Measurement.exact("entropy erased without wrap-around (nats)", erased_plain, bits * math.log(2),
                          relation="<=", reason="the sum keeps at least as much as the sum mod 2^b",
                          quantity=carried, expected_latex=rf"{bits} \log 2"),
    ]


register(Numeric(
    label="eq-addition-erasure",
    experiment=erasure_check,
    alternative=Alternative("the sum keeps a carry bit, so only b − 1 bits are erased",
                            expected={0: 9 * math.log(2)}),
    condition=Words("for $X, Y$ independent and uniform on 10-bit words"),
    page={"bits": 10},
    test={"bits": 10},
    method="exhaustive enumeration",
    source="Kaplan (2.7.2)",
))
