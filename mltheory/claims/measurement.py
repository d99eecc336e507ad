"""Measurements that a numeric claim compares, and the wrong alternative it must reject."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import torch

__all__ = ["Alternative", "Measurement"]


def _fmt(x: float) -> str:
    if x == 0 or math.isinf(x) or math.isnan(x):
        return str(x)
    return f"{x:.6g}" if 1e-3 <= abs(x) < 1e5 else f"{x:.3e}"


@dataclass(frozen=True)
class Measurement:
    r"""A measured value compared with its expected value within a justified tolerance.

    Prefer the constructors :meth:`monte_carlo`, :meth:`from_standard_error`
    and :meth:`exact`, which write the justification of the tolerance for you.

    Parameters
    ----------
    what : str
        What was measured, in words (plain text or inline LaTeX in ``$...$``).
    value : float
        The measured value.
    expected : float
        The value the theory predicts (or the bound, for ``<=`` and ``>=``).
    tolerance : float
        Allowed deviation, never tuned to make a check pass.
    basis : str
        Why the tolerance has this size, e.g. ``"5 standard errors"``.
    relation : {"==", "<=", ">="}, default "=="
        ``"=="``: ``|value - expected| <= tolerance``; ``"<="``:
        ``value <= expected + tolerance``; ``">="``: ``value >= expected - tolerance``.
    quantity : str, optional
        The measured quantity as LaTeX without ``$``, e.g. ``r"\operatorname{Var} \hat\mu"``.
    expected_latex : str, optional
        The expected value as LaTeX without ``$``, e.g. ``r"\sigma^2 / N"``. With
        ``quantity``, it makes the claim's displayed statement.
    """

    what: str
    value: float
    expected: float
    tolerance: float
    basis: str
    relation: Literal["==", "<=", ">="] = "=="
    quantity: str = ""
    expected_latex: str = ""

    def __post_init__(self):
        if self.relation not in ("==", "<=", ">="):
            raise ValueError(f"Measurement: relation must be '==', '<=' or '>=' (got {self.relation!r})")
        if not (self.tolerance >= 0):
            raise ValueError(f"Measurement: tolerance must be >= 0 (got {self.tolerance})")
        for name in ("quantity", "expected_latex"):
            if "$" in getattr(self, name):
                raise ValueError(f"Measurement: {name} is LaTeX without $ delimiters (got {getattr(self, name)!r})")

    @property
    def statement(self) -> str:
        """The compared relation as LaTeX, ``quantity ≈ expected``; empty without a ``quantity``."""
        if not self.quantity:
            return ""
        sign = {"==": r"\approx", "<=": r"\le", ">=": r"\ge"}[self.relation]
        expected = self.expected_latex or _fmt(self.expected)
        return f"{self.quantity} {sign} {expected}"

    def with_expected(self, expected: float) -> Measurement:
        """The same measurement compared with another expected value (used for wrong alternatives)."""
        return replace(self, expected=float(expected), expected_latex="")

    @property
    def passed(self) -> bool:
        """Whether the measurement agrees with the expectation."""
        if math.isnan(self.value):
            return False
        if self.relation == "==":
            return abs(self.value - self.expected) <= self.tolerance
        if self.relation == "<=":
            return self.value <= self.expected + self.tolerance
        return self.value >= self.expected - self.tolerance

    def describe(self) -> str:
        """One phrase: what, value, relation, expected value and tolerance."""
        sign = {"==": "≈", "<=": "≤", ">=": "≥"}[self.relation]
        tol = f" ± {_fmt(self.tolerance)}" if self.relation == "==" else ""
        if self.relation != "==" and self.tolerance:
            tol = f" (slack {_fmt(self.tolerance)})"
        return f"{self.what} = {_fmt(self.value)} {sign} {_fmt(self.expected)}{tol} [{self.basis}]"

    @classmethod
    def from_standard_error(
        cls,
        what: str,
        value: float,
        standard_error: float,
        expected: float,
        *,
        n_sigma: float = 5.0,
        relation: Literal["==", "<=", ">="] = "==",
        samples: str = "",
        quantity: str = "",
        expected_latex: str = "",
    ) -> Measurement:
        """A Monte Carlo estimate whose tolerance is ``n_sigma`` standard errors.

        Examples
        --------
        >>> m = Measurement.from_standard_error("mean", 0.502, 0.001, 0.5)
        >>> m.passed, m.tolerance
        (True, 0.005)
        """
        value, standard_error = float(value), float(standard_error)
        if not (standard_error >= 0) or math.isinf(standard_error):
            raise ValueError(
                f"Measurement.from_standard_error: standard_error must be finite and >= 0 (got {standard_error})"
            )
        basis = f"{n_sigma:g} standard errors, σ = {_fmt(standard_error)}"
        if samples:
            basis += f", {samples}"
        return cls(what, value, float(expected), n_sigma * standard_error, basis, relation, quantity, expected_latex)

    @classmethod
    def monte_carlo(
        cls,
        what: str,
        samples,
        expected: float,
        *,
        n_sigma: float = 5.0,
        relation: Literal["==", "<=", ">="] = "==",
        quantity: str = "",
        expected_latex: str = "",
    ) -> Measurement:
        """Compare the mean of i.i.d. ``samples`` with ``expected``, within ``n_sigma`` standard errors.

        Examples
        --------
        >>> g = torch.Generator().manual_seed(0)
        >>> u = torch.rand(100_000, generator=g, dtype=torch.float64)
        >>> Measurement.monte_carlo("E[U]", u, 0.5).passed
        True
        """
        samples = torch.as_tensor(samples, dtype=torch.float64).flatten()
        n = samples.numel()
        if n < 2:
            raise ValueError(f"Measurement.monte_carlo: need at least 2 samples (got {n})")
        standard_error = samples.std().item() / math.sqrt(n)
        return cls.from_standard_error(
            what, samples.mean().item(), standard_error, expected,
            n_sigma=n_sigma, relation=relation, samples=f"{n} seeded samples",
            quantity=quantity, expected_latex=expected_latex,
        )

    @classmethod
    def exact(
        cls,
        what: str,
        value: float,
        expected: float,
        *,
        tolerance: float = 0.0,
        reason: str = "exact arithmetic",
        relation: Literal["==", "<=", ">="] = "==",
        quantity: str = "",
        expected_latex: str = "",
    ) -> Measurement:
        """A deterministic computation, with a tolerance justified by ``reason``.

        Examples
        --------
        >>> Measurement.exact("2 + 2", 4, 4).passed
        True
        """
        return cls(what, float(value), float(expected), float(tolerance), reason, relation, quantity, expected_latex)


@dataclass(frozen=True)
class Alternative:
    """A wrong alternative that a numeric claim's experiment must reject.

    Parameters
    ----------
    description : str
        The alternative in words, e.g. ``"the asymptotic 0.95 instead of the exact coverage"``.
    expected : mapping, optional
        Wrong expected values for the same measurements, keyed by the
        measurement's ``what`` (or by its position): the alternative is
        rejected when at least one of them fails.
    kwargs : mapping, optional
        The same experiment rerun changed (e.g. ``{"trained": False}``), merged
        over the run's own settings: the alternative is rejected when the
        rerun's measurements fail.

    Examples
    --------
    >>> Alternative("the asymptotic value", expected={"coverage": 0.95}).description
    'the asymptotic value'
    """

    description: str
    expected: Mapping[str | int, float] = field(default_factory=dict)
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if not self.description:
            raise ValueError("Alternative: description must say in words what is wrong")
        if not self.expected and not self.kwargs:
            raise ValueError(f"Alternative {self.description!r}: give wrong expected values, changed kwargs, or both")

    def substitute(self, measurements: list[Measurement]) -> list[Measurement]:
        """The measurements compared with the alternative's expected values.

        Raises
        ------
        ValueError
            If a key names no measurement.
        """
        result = list(measurements)
        names = [m.what for m in measurements]
        for key, value in self.expected.items():
            index = key if isinstance(key, int) else (names.index(key) if key in names else None)
            if index is None or not -len(result) <= index < len(result):
                raise ValueError(f"Alternative {self.description!r}: no measurement {key!r} (have {names})")
            result[index] = result[index].with_expected(value)
        return result
