r"""Physical limits of computation: Landauer's bound, and reversible arithmetic that erases nothing."""

from __future__ import annotations

import math
import numbers

import sympy as sp
import torch
from sympy.physics import units

from ..validation import broadcast_arguments, check_array, check_integer

__all__ = ["BOLTZMANN_CONSTANT", "landauer_limit", "landauer_limit_units", "reversible_add", "reversible_add_inverse"]

BOLTZMANN_CONSTANT = 1.380649e-23
"""Boltzmann's constant :math:`k_B` in J/K (exact since the 2019 redefinition of the SI)."""


def landauer_limit(bits=1.0, temperature=300.0) -> torch.Tensor:
    r"""Least heat, in joules, that erasing ``bits`` bits must release at ``temperature`` kelvin.

    .. math:: Q_{\min} = k_B T \log 2 \times \text{bits}

    Erasing a bit lowers the entropy of the memory by :math:`k_B \log 2`; by the
    second law that entropy must leave as heat :math:`Q \ge T \Delta S` into
    surroundings at temperature :math:`T` (Landauer, 1961).

    Parameters
    ----------
    bits : array_like, default 1.0
        Number of bits erased (non-negative; need not be whole).
    temperature : array_like, default 300.0
        Temperature of the surroundings in kelvin (positive). Broadcasts with ``bits``.

    Returns
    -------
    torch.Tensor
        The minimum heat in joules.

    Raises
    ------
    ValueError
        If ``bits`` is negative or not finite, or ``temperature`` is not positive and finite.

    Examples
    --------
    >>> landauer_limit()  # one bit at room temperature
    tensor(2.8710e-21, dtype=torch.float64)
    >>> landauer_limit(16, [3.0, 300.0])
    tensor([4.5936e-22, 4.5936e-20], dtype=torch.float64)
    """
    func = "landauer_limit"
    bits = check_array(bits, name="bits", func=func, nonnegative=True)
    temperature = check_array(temperature, name="temperature", func=func, positive=True)
    bits, temperature = broadcast_arguments(dict(bits=bits, temperature=temperature), func=func)
    return BOLTZMANN_CONSTANT * temperature * math.log(2) * bits


def landauer_limit_units(bits=1, temperature=300, *, per=None):
    r"""Landauer's minimum heat as an exact ``sympy.physics.units`` quantity, in joules (or watts).

    The same bound as :func:`landauer_limit`, :math:`k_B T \log 2` per bit, but
    computed symbolically with units, so that the arithmetic of an estimate is
    explicit and dimensionally checked: kelvins cancel against the kelvins in
    :math:`k_B`, and a rate in bits per second gives a power.

    Parameters
    ----------
    bits : int, float or sympy number, default 1
        Number of bits erased (per unit of ``per``, if given); non-negative.
    temperature : int, float or sympy number, default 300
        Temperature in kelvin; positive.
    per : sympy.physics.units quantity, optional
        A time unit such as ``sympy.physics.units.second``: ``bits`` is then a
        rate, and the result is a power in watts.

    Returns
    -------
    sympy expression
        An exact multiple of ``joule`` (or ``watt``), e.g. ``6.6271152e-20*log(2)*joule``.

    Raises
    ------
    ValueError
        If ``bits`` is negative, ``temperature`` is not positive, or the result
        cannot be expressed in joules or watts.

    Examples
    --------
    >>> import sympy as sp
    >>> landauer_limit_units(16)
    6.6271152e-20*joule*log(2)
    >>> sp.N(landauer_limit_units(32 * 10**14, per=units.second), 3)
    9.19e-6*watt
    """
    func = "landauer_limit_units"
    bits, temperature = (_exact_number(value, name=name, func=func)
                         for value, name in ((bits, "bits"), (temperature, "temperature")))
    if not bits.is_nonnegative:
        raise ValueError(f"{func}: bits must be a non-negative number (got {bits})")
    if not temperature.is_positive:
        raise ValueError(f"{func}: temperature must be a positive number of kelvin (got {temperature})")
    if per is not None and not (isinstance(per, sp.Expr) and per.atoms(units.Quantity)):
        raise TypeError(f"{func}: per must be a sympy unit of time such as units.second (got {per!r})")
    heat = bits * units.boltzmann_constant * temperature * units.kelvin * sp.log(2)
    target = units.joule if per is None else units.watt
    result = units.convert_to(heat if per is None else heat / per, target)
    if result.atoms(units.Quantity) != {target}:
        raise ValueError(f"{func}: the result is not a multiple of {target} (got {result})")
    return result


def _exact_number(value, *, name: str, func: str) -> sp.Expr:
    """``value`` as a finite real sympy number; raise ``TypeError``/``ValueError`` naming what was given otherwise."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, sp.Expr)):
        raise TypeError(f"{func}: {name} must be a real number (got {type(value).__name__})")
    number = sp.sympify(value)
    if not (number.is_number and number.is_real and number.is_finite):
        raise ValueError(f"{func}: {name} must be a finite real number (got {value})")
    return number


def _check_word_length(bits, *, func: str) -> int:
    bits = check_integer(bits, name="bits", func=func, minimum=1)
    if bits > 62:
        raise ValueError(f"{func}: bits must be at most 62 (got {bits})")
    return bits


def _check_words(value, *, name: str, func: str, bits: int) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        if value is None or isinstance(value, (str, bytes)):
            raise TypeError(f"{func}: {name} must hold integers (got {type(value).__name__})")
        try:
            value = torch.as_tensor(value)
        except (RuntimeError, TypeError, ValueError, OverflowError):
            raise ValueError(f"{func}: {name} must hold {bits}-bit words, 0 <= value < {2**bits} (got {value!r})") from None
    if value.dtype.is_floating_point or value.dtype.is_complex or value.dtype == torch.bool:
        raise TypeError(f"{func}: {name} must hold integers (got dtype {value.dtype})")
    value = value.to(torch.int64)
    outside = (value < 0) | (value >= 2**bits)
    if outside.any():
        raise ValueError(f"{func}: {name} must hold {bits}-bit words, 0 <= value < {2**bits} (got {value[outside][0].item()})")
    return value


def reversible_add(x, y, *, bits) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Addition that erases nothing: :math:`(x, y) \mapsto (x, (x + y) \bmod 2^{\text{bits}})`.

    Ordinary addition keeps only :math:`x + y` and so forgets a whole word of
    input; keeping :math:`x` as well makes the map a bijection of pairs of
    words, undone by :func:`reversible_add_inverse`.

    Parameters
    ----------
    x, y : array_like of int
        Words, each in :math:`[0, 2^{\text{bits}})`; they broadcast.
    bits : int
        Word length, between 1 and 62.

    Returns
    -------
    x, total : torch.Tensor
        ``x`` unchanged and the sum modulo :math:`2^{\text{bits}}`, as ``int64``.

    Examples
    --------
    >>> reversible_add(58, 23, bits=16)
    (tensor(58), tensor(81))
    >>> reversible_add(250, 10, bits=8)  # wraps around
    (tensor(250), tensor(4))
    """
    func = "reversible_add"
    bits = _check_word_length(bits, func=func)
    x = _check_words(x, name="x", func=func, bits=bits)
    y = _check_words(y, name="y", func=func, bits=bits)
    x, y = torch.broadcast_tensors(x, y)
    return x, torch.remainder(x + y, 2**bits)


def reversible_add_inverse(x, total, *, bits) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Undo :func:`reversible_add`: :math:`(x, s) \mapsto (x, (s - x) \bmod 2^{\text{bits}})`.

    Examples
    --------
    >>> reversible_add_inverse(58, 81, bits=16)
    (tensor(58), tensor(23))
    """
    func = "reversible_add_inverse"
    bits = _check_word_length(bits, func=func)
    x = _check_words(x, name="x", func=func, bits=bits)
    total = _check_words(total, name="total", func=func, bits=bits)
    x, total = torch.broadcast_tensors(x, total)
    return x, torch.remainder(total - x, 2**bits)
