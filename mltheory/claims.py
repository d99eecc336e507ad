"""The verification spine: every result the book states is a registered, checkable claim.

A claim ties a label such as ``eq-grouping-example`` to a statement and to a
check that a machine runs. There are three kinds:

:class:`Identity`
    ``lhs = rhs``, proved by sympy: the difference of each pair of neighbours in
    the chain ``lhs = steps[0] = ... = rhs`` must simplify to exactly zero.
:class:`Inequality`
    ``lhs <= rhs`` (or ``<``, ``>=``, ``>``), proved by sympy from a list of
    :class:`Fact` objects, each of which sympy must establish on its own.
:class:`Numeric`
    A seeded computation (Monte Carlo, optimisation, an exhaustive search)
    returning :class:`Measurement` objects; each states an expected value and a
    tolerance derived from a standard error or a proven bound.

Claims live beside the topic they belong to (``mltheory/<topic>/claims.py``)
and are registered with :func:`register`. A book page calls :func:`show`,
which verifies the claim, raises :class:`ClaimFailed` naming the label if it
does not hold, and otherwise displays a ✓ with the kind of check and makes the
statement available to the page as a numbered equation. The test suite calls
:meth:`Claim.check` on every registered claim.

Examples
--------
>>> import sympy as sp
>>> x = sp.Symbol("x", positive=True)
>>> claim = Identity(label="eq-doc-example", lhs=sp.log(x**2), rhs=2 * sp.log(x),
...                  source="ours", method="expand_log")
>>> result = claim.check()
>>> result.passed, result.kind
(True, 'identity')
>>> Identity(label="eq-doc-wrong", lhs=x + 1, rhs=x, source="ours").check()
Traceback (most recent call last):
...
mltheory.claims.ClaimFailed: claim eq-doc-wrong failed (identity): (x + 1) - (x) simplifies to 1, not 0
"""

from __future__ import annotations

import difflib
import importlib
import json
import math
import pkgutil
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import sympy as sp
import torch

__all__ = [
    "Claim",
    "ClaimFailed",
    "Fact",
    "Identity",
    "Inequality",
    "Measurement",
    "Numeric",
    "Verification",
    "all_claims",
    "get",
    "register",
    "show",
]

LABEL_PATTERN = re.compile(r"^eq-[a-z0-9]+(?:-[a-z0-9]+)*$")
SIZES = ("page", "test")


class ClaimFailed(AssertionError):
    """Raised when a claim does not hold. The message always starts with ``claim <label>``."""


@dataclass(frozen=True)
class Verification:
    """What was checked for one claim, how, and whether it held.

    Attributes
    ----------
    label : str
        The claim's label, e.g. ``"eq-grouping-example"``.
    kind : str
        ``"identity"``, ``"inequality"`` or ``"numeric"``.
    passed : bool
        Whether the claim held.
    method : str
        How it was checked, e.g. ``"sympy expand_log(lhs - rhs) = 0"``.
    detail : str
        What was found, e.g. the measured value against the expected one.
    source : str
        Where the claim comes from, e.g. ``"Kaplan (2.2.3)"`` or ``"ours"``.
    seconds : float
        Wall-clock time the check took.
    """

    label: str
    kind: str
    passed: bool
    method: str
    detail: str
    source: str
    seconds: float

    @property
    def mark(self) -> str:
        """``"✓"`` if the claim held, ``"✗"`` otherwise."""
        return "✓" if self.passed else "✗"

    def summary(self) -> str:
        """One line of Markdown: mark, kind, method, finding and source."""
        verdict = "Checked" if self.passed else "FAILED"
        return (
            f"{self.mark} **{verdict}**, {self.kind}: {self.method}; {self.detail}. "
            f"Source: {self.source}. Claim `{self.label}`."
        )

    def _repr_markdown_(self) -> str:
        return self.summary()

    def to_json(self) -> str:
        """The verification as a JSON object (used to publish it to the book's claims ledger)."""
        return json.dumps(asdict(self))


# --------------------------------------------------------------------------- sympy checks

def _expand_log_simplify(expr):
    return sp.simplify(sp.expand_log(expr, force=True))


def _doit_simplify(expr):
    return _expand_log_simplify(expr.doit())


def _distribute_sum(total: sp.Sum):
    """Write a single-index sum of a sum as a sum of sums, with index-free factors pulled out."""
    (index, low, high), = total.limits
    result = 0
    for term in sp.Add.make_args(sp.expand(sp.expand_log(total.function, force=True))):
        factor, rest = term.as_independent(index, as_Add=False)
        result += factor * sp.Sum(rest, (index, low, high))
    return result


def _sums_simplify(expr):
    """Simplify an expression with finite sums of symbolic length.

    The expression is evaluated (``doit``), logarithms are expanded, every sum is distributed over its terms, and sums
    of the same summand that start at different integer indices are aligned by
    peeling their first terms off (``sum_{i=1}^n f_i = f_1 + f_2 + sum_{i=3}^n f_i``,
    valid whenever the upper limit is at least the larger lower limit minus one).
    """
    expr = sp.expand(sp.expand_log(expr.doit(), force=True))
    expr = sp.expand(expr.replace(lambda e: isinstance(e, sp.Sum), _distribute_sum))
    groups: dict[tuple, list[sp.Sum]] = {}
    for total in expr.atoms(sp.Sum):
        (index, low, high), = total.limits
        groups.setdefault((total.function, index, high), []).append(total)
    for (summand, index, high), members in groups.items():
        lows = [member.limits[0][1] for member in members]
        if len(members) < 2 or not all(low.is_Integer for low in lows):
            continue
        start = max(lows)
        for member, low in zip(members, lows):
            head = sum(summand.subs(index, j) for j in range(int(low), int(start)))
            expr = expr.subs(member, head + sp.Sum(summand, (index, start, high)))
    return sp.simplify(sp.expand(expr))


SIMPLIFIERS: Mapping[str, Callable[[Any], Any]] = MappingProxyType(
    {
        "simplify": sp.simplify,
        "expand": sp.expand,
        "cancel": sp.cancel,
        "trigsimp": sp.trigsimp,
        "expand_log": _expand_log_simplify,
        "doit": _doit_simplify,
        "sums": _sums_simplify,
    }
)
"""Named ways of reducing ``lhs - rhs`` to zero; ``method`` picks one."""


def _apply(simplifier, expr):
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(simplifier)
    return simplifier(expr)


def _is_zero(expr) -> bool:
    if isinstance(expr, sp.MatrixBase):
        return all(entry == 0 for entry in expr)
    return expr == 0


def _simplifier(method: str | Callable) -> tuple[str, Callable]:
    if callable(method):
        return method.__name__, method
    if method not in SIMPLIFIERS:
        raise ValueError(
            f"Identity: method must be one of {sorted(SIMPLIFIERS)} or a callable (got {method!r})"
        )
    return method, SIMPLIFIERS[method]


@dataclass(frozen=True)
class Fact:
    """One statement that sympy must establish on its own.

    Parameters
    ----------
    expr : sympy expression or relational
        The expression the fact is about.
    holds : {"zero", "positive", "nonnegative", "negative", "nonpositive", "true"}
        What must be true of ``expr`` after simplification: for ``"true"``,
        ``expr`` is a relational that must simplify to ``sympy.true``; otherwise
        sympy's assumption system must report ``expr.is_<holds>`` as ``True``.
    note : str, optional
        A short description shown when the fact fails.
    method : str or callable, default "simplify"
        How to simplify ``expr`` first (see :data:`SIMPLIFIERS`).
    given : sequence of (expr, expr) pairs, optional
        Side conditions substituted (``old -> new``) after simplifying, as in
        :class:`Identity`.

    Examples
    --------
    >>> t = sp.Symbol("t", nonnegative=True)
    >>> Fact(sp.log(1 + t), "nonnegative").established()
    True
    """

    expr: Any
    holds: Literal["zero", "positive", "nonnegative", "negative", "nonpositive", "true"]
    note: str = ""
    method: str | Callable = "simplify"
    given: Sequence[tuple[Any, Any]] = ()

    def established(self) -> bool:
        """Whether sympy establishes the fact (``None`` from sympy counts as not established)."""
        _, simplifier = _simplifier(self.method)
        value = _apply(simplifier, self.expr)
        if self.given:
            value = _apply(simplifier, value.subs(list(self.given)))
        if self.holds == "true":
            return value is sp.true
        if self.holds == "zero":
            return _is_zero(value)
        return getattr(value, f"is_{self.holds}") is True

    def describe(self) -> str:
        """Human-readable form of the fact."""
        if self.note:
            return self.note
        return f"`{self.expr}` is {self.holds}" if self.holds != "true" else f"`{self.expr}`"


# --------------------------------------------------------------------------- measurements

def _fmt(x: float) -> str:
    if x == 0 or math.isinf(x) or math.isnan(x):
        return str(x)
    return f"{x:.6g}" if 1e-3 <= abs(x) < 1e5 else f"{x:.3e}"


@dataclass(frozen=True)
class Measurement:
    """A measured value compared with its expected value within a justified tolerance.

    Prefer the constructors :meth:`monte_carlo`, :meth:`from_standard_error`
    and :meth:`exact`, which write the justification of the tolerance for you.

    Parameters
    ----------
    what : str
        What was measured (plain text or inline LaTeX in ``$...$``).
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
    """

    what: str
    value: float
    expected: float
    tolerance: float
    basis: str
    relation: Literal["==", "<=", ">="] = "=="

    def __post_init__(self):
        if self.relation not in ("==", "<=", ">="):
            raise ValueError(f"Measurement: relation must be '==', '<=' or '>=' (got {self.relation!r})")
        if not (self.tolerance >= 0):
            raise ValueError(f"Measurement: tolerance must be >= 0 (got {self.tolerance})")

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
        return cls(what, value, float(expected), n_sigma * standard_error, basis, relation)

    @classmethod
    def monte_carlo(
        cls,
        what: str,
        samples,
        expected: float,
        *,
        n_sigma: float = 5.0,
        relation: Literal["==", "<=", ">="] = "==",
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
    ) -> Measurement:
        """A deterministic computation, with a tolerance justified by ``reason``.

        Examples
        --------
        >>> Measurement.exact("2 + 2", 4, 4).passed
        True
        """
        return cls(what, float(value), float(expected), float(tolerance), reason, relation)


# --------------------------------------------------------------------------- claims

@dataclass(frozen=True, kw_only=True)
class Claim:
    """Base class of all claims.

    Parameters
    ----------
    label : str
        ``eq-`` followed by lowercase words joined by hyphens. The book page that
        states the result carries the same label.
    source : str
        Where the result comes from, with its equation number where it has one,
        e.g. ``"Kaplan (2.2.3)"``, or ``"ours"``.
    """

    kind: ClassVar[str] = "claim"
    label: str
    source: str

    def __post_init__(self):
        if not isinstance(self.label, str) or not LABEL_PATTERN.match(self.label):
            raise ValueError(
                f"{type(self).__name__}: label must look like 'eq-words-joined-by-hyphens' (got {self.label!r})"
            )
        if not self.source:
            raise ValueError(f"{type(self).__name__}: source must be given for {self.label}")

    def latex(self) -> str:
        """The statement as LaTeX, without delimiters."""
        raise NotImplementedError

    def _run(self, size: str) -> tuple[bool, str, str]:
        """Return (passed, method, detail)."""
        raise NotImplementedError

    def verify(self, size: str = "page") -> Verification:
        """Check the claim and report the result without raising.

        Parameters
        ----------
        size : {"page", "test"}
            Numeric claims run a smaller experiment on a page than in the test
            suite; symbolic claims ignore it.
        """
        if size not in SIZES:
            raise ValueError(f"{type(self).__name__}.verify: size must be one of {SIZES} (got {size!r})")
        start = time.perf_counter()
        passed, method, detail = self._run(size)
        return Verification(self.label, self.kind, passed, method, detail, self.source,
                            time.perf_counter() - start)

    def check(self, size: str = "page") -> Verification:
        """Like :meth:`verify`, but raise :class:`ClaimFailed` (naming the label) if the claim fails."""
        result = self.verify(size)
        if not result.passed:
            raise ClaimFailed(f"claim {self.label} failed ({self.kind}): {result.detail}")
        return result


def _check_relation(relation: str, owner: str) -> None:
    if relation not in _RELATIONS:
        raise ValueError(f"{owner}: relation must be one of {sorted(_RELATIONS)} (got {relation!r})")


_RELATIONS = {"<=": r"\le", "<": "<", ">=": r"\ge", ">": ">", "=": "="}


def _statement(lhs, relation: str, rhs, condition: str, middle: Sequence[str] = ()) -> str:
    # order="none" keeps factors as written (p_i log p_i rather than log p_i p_i).
    sides = [sp.latex(lhs, order="none"), *middle, sp.latex(rhs, order="none")]
    text = f" {_RELATIONS[relation]} ".join(sides)
    return f"{text} \\qquad {condition}" if condition else text


_INFINITIES = (sp.oo, -sp.oo, sp.zoo)


@dataclass(frozen=True, kw_only=True)
class Identity(Claim):
    """``lhs = rhs``, proved symbolically.

    Parameters
    ----------
    lhs, rhs : sympy expression or Matrix
        The two sides. Use unevaluated objects (``sp.Limit``, ``sp.Sum``,
        ``sp.Derivative``, unevaluated functions) so that the rendered
        statement is the very object that sympy proves.
    method : str or callable, default "simplify"
        How each difference is reduced to zero (see :data:`SIMPLIFIERS`).
    steps : sequence of sympy expressions, optional
        Intermediate forms: ``lhs = steps[0] = ... = rhs``, each link proved.
    show_steps : bool, default False
        Render the whole chain ``lhs = steps[0] = ... = rhs`` rather than ``lhs = rhs``.
    condition : str, optional
        Side condition shown after the statement, as LaTeX, e.g.
        ``r"\text{for } 0 < p < 1"``.
    substitutions : sequence of (expr, expr) pairs, optional
        Applied to each difference *before* it is simplified. Use them to tell
        sympy the domain, e.g. ``(p, 1 / (1 + t))`` with ``t`` positive encodes
        ``0 < p < 1`` (the map is a bijection onto that interval).
    given : sequence of (expr, expr) pairs, optional
        Side conditions used as substitutions ``old -> new`` on each simplified
        difference, e.g. ``[(sp.Sum(n[i], (i, 1, k)), N)]`` for "the counts sum
        to N". State them in ``condition`` too, so the reader sees them.

    Notes
    -----
    A difference with an infinite side (``oo``, ``-oo`` or ``zoo``, e.g. a
    divergent integral) is undefined, so such a link is proved by simplifying
    the other side to exactly that infinity instead.
    """

    kind: ClassVar[str] = "identity"
    lhs: Any
    rhs: Any
    method: str | Callable = "simplify"
    steps: Sequence[Any] = ()
    show_steps: bool = False
    condition: str = ""
    substitutions: Sequence[tuple[Any, Any]] = ()
    given: Sequence[tuple[Any, Any]] = ()

    def __post_init__(self):
        super().__post_init__()
        _simplifier(self.method)

    def latex(self) -> str:
        middle = [sp.latex(step, order="none") for step in self.steps] if self.show_steps else []
        return _statement(self.lhs, "=", self.rhs, self.condition, middle=middle)

    def _run(self, size: str) -> tuple[bool, str, str]:
        name, simplifier = _simplifier(self.method)
        chain = [self.lhs, *self.steps, self.rhs]
        method = f"sympy {name}(lhs − rhs) = 0"
        if self.steps:
            method += f" along a chain of {len(chain) - 1} equalities"
        if self.substitutions:
            method += " after substituting " + ", ".join(f"{old} = {new}" for old, new in self.substitutions)
        if self.given:
            method += f" using {len(self.given)} side condition{'s' * (len(self.given) > 1)}"
        for i, (a, b) in enumerate(zip(chain, chain[1:])):
            if a in _INFINITIES or b in _INFINITIES:  # a - b is undefined: simplify the other side instead
                infinity, other = (a, b) if a in _INFINITIES else (b, a)
                value = _apply(simplifier, other.subs(list(self.substitutions)))
                if value != infinity:
                    link = f"link {i + 1}: " if self.steps else ""
                    return False, method, f"{link}{other} simplifies to {value}, not {infinity}"
                continue
            residual = _apply(simplifier, (a - b).subs(list(self.substitutions)))
            if self.given and not _is_zero(residual):
                residual = _apply(simplifier, residual.subs(list(self.given)))
            if not _is_zero(residual):
                link = f"link {i + 1}: " if self.steps else ""
                return False, method, f"{link}({a}) - ({b}) simplifies to {residual}, not 0"
        return True, method, "exact symbolic proof"


@dataclass(frozen=True, kw_only=True)
class Inequality(Claim):
    """``lhs <relation> rhs``, proved by sympy from facts it can establish.

    Parameters
    ----------
    lhs, rhs : sympy expression
        The two sides.
    relation : {"<=", "<", ">=", ">"}
        How they compare.
    facts : sequence of Fact, optional
        What sympy must establish. By default the single fact that
        ``rhs - lhs`` (or ``lhs - rhs``) is nonnegative (positive for strict
        relations), decided by sympy's assumptions on the symbols.
    condition : str, optional
        Side condition shown after the statement, as LaTeX.
    """

    kind: ClassVar[str] = "inequality"
    lhs: Any
    rhs: Any
    relation: str = "<="
    facts: Sequence[Fact] = ()
    condition: str = ""

    def __post_init__(self):
        super().__post_init__()
        _check_relation(self.relation, "Inequality")
        if self.relation == "=":
            raise ValueError("Inequality: relation '=' is an Identity, not an inequality")

    def default_fact(self) -> Fact:
        """The fact that proves the inequality directly from sympy's assumptions."""
        gap = self.rhs - self.lhs if self.relation in ("<=", "<") else self.lhs - self.rhs
        return Fact(gap, "positive" if self.relation in ("<", ">") else "nonnegative")

    def latex(self) -> str:
        return _statement(self.lhs, self.relation, self.rhs, self.condition)

    def _run(self, size: str) -> tuple[bool, str, str]:
        facts = list(self.facts) or [self.default_fact()]
        method = f"sympy established {len(facts)} fact{'s' * (len(facts) > 1)}"
        for fact in facts:
            if not fact.established():
                return False, method, f"sympy could not establish: {fact.describe()}"
        return True, method, "; ".join(f.describe() for f in facts)


@dataclass(frozen=True, kw_only=True)
class Numeric(Claim):
    """A numerical claim checked by a seeded experiment.

    Parameters
    ----------
    statement : str
        The claim as LaTeX (without delimiters).
    experiment : callable
        ``experiment(**kwargs)`` returns a :class:`Measurement` or a sequence of
        them; the claim holds when all of them pass. It must be deterministic
        (seeded).
    page, test : mapping, optional
        Keyword arguments for the experiment on a book page (small and fast)
        and in the test suite (larger). Both runs must be honest checks.
    method : str, default "seeded computation"
        How the check works, e.g. ``"Monte Carlo"`` or ``"exhaustive search"``.
    """

    kind: ClassVar[str] = "numeric"
    statement: str
    experiment: Callable[..., Measurement | Sequence[Measurement]]
    page: Mapping[str, Any] = field(default_factory=dict)
    test: Mapping[str, Any] = field(default_factory=dict)
    method: str = "seeded computation"

    def latex(self) -> str:
        return self.statement

    def _run(self, size: str) -> tuple[bool, str, str]:
        kwargs = dict(self.page if size == "page" else self.test)
        outcome = self.experiment(**kwargs)
        measurements = [outcome] if isinstance(outcome, Measurement) else list(outcome)
        if not measurements:
            raise ValueError(f"Numeric {self.label}: the experiment returned no measurement")
        failed = [m for m in measurements if not m.passed]
        if failed:
            detail = f"{len(failed)} of {len(measurements)} measurements failed: "
            detail += "; ".join(m.describe() for m in failed[:3]) + ("; ..." if len(failed) > 3 else "")
        elif len(measurements) > 1:
            detail = f"all {len(measurements)} measurements agree, e.g. {measurements[0].describe()}"
        else:
            detail = measurements[0].describe()
        settings = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        method = self.method + (f" ({settings})" if settings else "")
        return not failed, method, detail


# --------------------------------------------------------------------------- registry

_REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    """Add ``claim`` to the registry and return it.

    Raises
    ------
    ValueError
        If another claim already has the same label.
    """
    if not isinstance(claim, Claim):
        raise TypeError(f"register: claim must be a Claim (got {type(claim).__name__})")
    existing = _REGISTRY.get(claim.label)
    if existing is not None and existing is not claim:
        raise ValueError(f"register: label {claim.label} is already registered")
    _REGISTRY[claim.label] = claim
    return claim


def _discover() -> None:
    """Import every ``mltheory.<topic>.claims`` module so that its claims register themselves."""
    import mltheory

    for info in pkgutil.walk_packages(mltheory.__path__, prefix="mltheory."):
        if info.name.rsplit(".", 1)[-1] == "claims" and info.name != __name__:
            importlib.import_module(info.name)


def all_claims() -> dict[str, Claim]:
    """Every registered claim, keyed by label, in sorted order."""
    _discover()
    return dict(sorted(_REGISTRY.items()))


def get(label: str) -> Claim:
    """The claim registered under ``label``.

    Raises
    ------
    ValueError
        If there is no such claim; the message suggests close labels.
    """
    claims = all_claims()
    if label not in claims:
        close = difflib.get_close_matches(str(label), claims, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"get: no claim is registered under label {label!r}{hint}")
    return claims[label]


# --------------------------------------------------------------------------- book support

class _JsonText:
    """An object whose plain-text representation is a given JSON string (for myst-nb's glue)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def show(label: str, *, size: str = "page") -> None:
    """Verify a claim on a book page, display its ✓, and publish its statement.

    The statement's LaTeX is glued under the key ``label`` (with myst-nb) so
    that the page can display it as a numbered equation::

        ```{glue:math} eq-grouping-example
        :label: eq-grouping-example
        ```

    The verification itself is glued under ``label + ":verification"``;
    :mod:`mltheory.sphinxext` collects these records into the claims ledger.
    Outside a book build (myst-nb not installed) the statement is displayed
    directly instead.

    Raises
    ------
    ClaimFailed
        If the claim does not hold. This fails the page's execution, and so the
        book build, with the label in the message.
    """
    from IPython.display import Markdown, Math, display

    claim = get(label)
    result = claim.check(size)
    try:
        from myst_nb import glue
    except ImportError:
        display(Math(claim.latex()))
    else:
        glue(label, Math(claim.latex()), display=False)
        glue(label + ":verification", _JsonText(result.to_json()), display=False)
    display(Markdown(result.summary()))

