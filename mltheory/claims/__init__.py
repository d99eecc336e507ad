"""The verification spine: every result the book states is a registered, checkable claim.

A claim ties a label such as ``eq-grouping-example`` to a statement and to a
check that a machine runs. There are three kinds:

:class:`Identity`
    ``lhs = rhs``, proved by sympy: the difference of each pair of neighbours in
    the chain ``lhs = steps[0] = ... = rhs`` must simplify to exactly zero.
:class:`Inequality`
    ``lhs <= rhs`` (or ``<``, ``>=``, ``>``), proved as displayed: sympy decides
    the gap directly, or a certificate of nonnegative :class:`Term` objects sums to
    it, or a chain of proved :class:`Link` objects joins the two sides.
:class:`Numeric`
    A seeded computation (Monte Carlo, optimisation, an exhaustive search)
    returning :class:`Measurement` objects; each states an expected value and a
    tolerance derived from a standard error or a proven bound. It names an
    :class:`Alternative` (a wrong expected value or a changed experiment) that
    the same experiment must reject.

Conditions are structured (:class:`Domain`, :class:`Assume`, :class:`Words`),
rendered into the statement and tied to what the proof assumes. The mutation
audit (:mod:`mltheory.claims.audit`, ``make audit``) requires that every claim
can fail.

The spine's modules: :mod:`~mltheory.claims.kinds` (the claim kinds),
:mod:`~mltheory.claims.conditions`, :mod:`~mltheory.claims.measurement`,
:mod:`~mltheory.claims.reduce` (sympy reductions, in words),
:mod:`~mltheory.claims.registry`, :mod:`~mltheory.claims.render` (book pages)
and :mod:`~mltheory.claims.audit`.

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


from .conditions import Assume, Domain, Words
from .kinds import Case, Claim, Fact, Identity, Inequality, Link, Numeric, Term
from .measurement import Alternative, Measurement
from .reduce import SIMPLIFIERS, Reduction
from .registry import all_claims, get, register
from .render import show
from .verification import ClaimFailed, Verification

__all__ = [
    "Alternative",
    "Assume",
    "Case",
    "Claim",
    "ClaimFailed",
    "Domain",
    "Fact",
    "Identity",
    "Inequality",
    "Link",
    "Measurement",
    "Numeric",
    "Reduction",
    "SIMPLIFIERS",
    "Term",
    "Verification",
    "Words",
    "all_claims",
    "get",
    "register",
    "show",
]
