"""Seeded samplers with known moments: the distributions the Probability and estimation part draws from.

Each distribution is a small frozen object. Calling it draws samples:
``Normal(0, 1)((trials, n), seed=0)`` returns a ``(trials, n)`` float64
tensor. It also knows the exact mean, variance and, where they exist, the
cumulants, which is what the book's Monte Carlo checks compare against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..validation import as_generator, check_integer, check_real

__all__ = ["Cauchy", "Distribution", "Exponential", "Laplace", "Normal", "Uniform"]


def _positive(value, *, name: str, func: str) -> float:
    value = check_real(value, name=name, func=func)
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{func}: {name} must be a positive finite number (got {value:.10g})")
    return value


def _finite(value, *, name: str, func: str) -> float:
    value = check_real(value, name=name, func=func)
    if not math.isfinite(value):
        raise ValueError(f"{func}: {name} must be finite (got {value})")
    return value


@dataclass(frozen=True)
class Distribution:
    """Base class: a one-dimensional distribution that can be sampled with a seed.

    Subclasses implement ``_draw`` (from a ``torch.Generator``) and, where
    they exist, :meth:`cumulant`.
    """

    def __call__(self, shape, *, seed, dtype=torch.float64, device=None) -> torch.Tensor:
        """Draw a tensor of the given shape.

        Parameters
        ----------
        shape : int or tuple of int
            Shape of the sample.
        seed : int or torch.Generator
            Source of randomness.
        dtype : torch.dtype, default torch.float64
        device : torch.device, optional

        Returns
        -------
        torch.Tensor
        """
        func = f"{type(self).__name__}"
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        for size in shape:
            check_integer(size, name="shape", func=func, minimum=0)
        generator = as_generator(seed, func=func, device=device)
        return self._draw(shape, generator, dtype, generator.device)

    def _uniform(self, shape, generator, dtype, device) -> torch.Tensor:
        """Uniform numbers in the open interval (0, 1), so that logarithms stay finite."""
        u = torch.rand(shape, generator=generator, dtype=dtype, device=device)
        return u.clamp_min(torch.finfo(dtype).tiny)

    def _draw(self, shape, generator, dtype, device) -> torch.Tensor:
        raise NotImplementedError

    def cumulant(self, n: int) -> float:
        """The ``n``-th cumulant (``n >= 1``)."""
        raise ValueError(f"{type(self).__name__}: the cumulants are not defined")

    @property
    def mean(self) -> float:
        """The mean, :math:`\\kappa_1`."""
        return self.cumulant(1)

    @property
    def variance(self) -> float:
        """The variance, :math:`\\kappa_2`."""
        return self.cumulant(2)


@dataclass(frozen=True)
class Normal(Distribution):
    """:math:`\\mathcal N(\\mu, \\sigma^2)`: cumulants :math:`\\mu, \\sigma^2, 0, 0, \\dots`

    Examples
    --------
    >>> Normal(1.0, 2.0)((2, 3), seed=0).shape
    torch.Size([2, 3])
    >>> Normal(1.0, 2.0).variance, Normal(1.0, 2.0).cumulant(3)
    (4.0, 0.0)
    """

    loc: float = 0.0
    scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "loc", _finite(self.loc, name="loc", func="Normal"))
        object.__setattr__(self, "scale", _positive(self.scale, name="scale", func="Normal"))

    def _draw(self, shape, generator, dtype, device):
        return self.loc + self.scale * torch.randn(shape, generator=generator, dtype=dtype, device=device)

    def cumulant(self, n: int) -> float:
        n = check_integer(n, name="n", func="Normal.cumulant", minimum=1)
        return {1: float(self.loc), 2: float(self.scale) ** 2}.get(n, 0.0)


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with rate :math:`\\lambda`: cumulants :math:`\\kappa_n = (n-1)!/\\lambda^n`.

    Examples
    --------
    >>> [Exponential(2.0).cumulant(n) for n in (1, 2, 3)]
    [0.5, 0.25, 0.25]
    """

    rate: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "rate", _positive(self.rate, name="rate", func="Exponential"))

    def _draw(self, shape, generator, dtype, device):
        return -torch.log(self._uniform(shape, generator, dtype, device)) / self.rate

    def cumulant(self, n: int) -> float:
        n = check_integer(n, name="n", func="Exponential.cumulant", minimum=1)
        return math.factorial(n - 1) / float(self.rate) ** n


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on :math:`[a, b]`: :math:`\\kappa_n = B_n (b-a)^n / n` for :math:`n \\ge 2` (Bernoulli numbers).

    Examples
    --------
    >>> Uniform(0.0, 1.0).variance, Uniform(0.0, 1.0).cumulant(4)
    (0.08333333333333333, -0.008333333333333333)
    """

    low: float = 0.0
    high: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "low", _finite(self.low, name="low", func="Uniform"))
        object.__setattr__(self, "high", _finite(self.high, name="high", func="Uniform"))
        if not self.high > self.low:
            raise ValueError(f"Uniform: high must exceed low (got low={self.low}, high={self.high})")

    def _draw(self, shape, generator, dtype, device):
        u = torch.rand(shape, generator=generator, dtype=dtype, device=device)
        return self.low + (self.high - self.low) * u

    def cumulant(self, n: int) -> float:
        import sympy as sp

        n = check_integer(n, name="n", func="Uniform.cumulant", minimum=1)
        if n == 1:
            return (self.low + self.high) / 2
        return float(sp.bernoulli(n)) * (self.high - self.low) ** n / n


@dataclass(frozen=True)
class Laplace(Distribution):
    """Laplace with density :math:`e^{-|x - \\mu|/b}/(2b)`: :math:`\\kappa_n = 2 (n-1)!\\, b^n` for even :math:`n`.

    Examples
    --------
    >>> Laplace(0.0, 1.0).variance
    2.0
    """

    loc: float = 0.0
    scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "loc", _finite(self.loc, name="loc", func="Laplace"))
        object.__setattr__(self, "scale", _positive(self.scale, name="scale", func="Laplace"))

    def _draw(self, shape, generator, dtype, device):
        e = -torch.log(self._uniform(shape, generator, dtype, device))
        sign = torch.where(torch.rand(shape, generator=generator, dtype=dtype, device=device) < 0.5, -1.0, 1.0)
        return self.loc + self.scale * sign * e

    def cumulant(self, n: int) -> float:
        n = check_integer(n, name="n", func="Laplace.cumulant", minimum=1)
        if n == 1:
            return float(self.loc)
        return 0.0 if n % 2 else 2 * math.factorial(n - 1) * float(self.scale) ** n


@dataclass(frozen=True)
class Cauchy(Distribution):
    """Cauchy with density :math:`\\gamma / (\\pi((x - x_0)^2 + \\gamma^2))`: no mean, no variance.

    Its characteristic function is :math:`e^{i k x_0 - \\gamma |k|}`, so the
    mean of :math:`N` draws has the same distribution as one draw.

    Examples
    --------
    >>> Cauchy()(4, seed=0).shape
    torch.Size([4])
    >>> Cauchy().variance
    Traceback (most recent call last):
    ...
    ValueError: Cauchy: the cumulants are not defined
    """

    loc: float = 0.0
    scale: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "loc", _finite(self.loc, name="loc", func="Cauchy"))
        object.__setattr__(self, "scale", _positive(self.scale, name="scale", func="Cauchy"))

    def _draw(self, shape, generator, dtype, device):
        u = self._uniform(shape, generator, dtype, device)
        return self.loc + self.scale * torch.tan(math.pi * (u - 0.5))
