"""The three kinds of claim, one module each: :class:`Identity`, :class:`Inequality` and :class:`Numeric`.

:mod:`~mltheory.claims.kinds.base` holds what every claim has (:class:`Claim`),
:mod:`~mltheory.claims.kinds.identity` the identities,
:mod:`~mltheory.claims.kinds.inequality` the inequalities with their evidence
(:class:`Fact`, certificate :class:`Term` objects, chain :class:`Link` objects,
:class:`Case` splits), and :mod:`~mltheory.claims.kinds.numeric` the numeric claims.
"""

ALLOW_NUMERIC_WITHOUT_ALTERNATIVE = True
"""Transitional switch: while True, a :class:`Numeric` without an ``alternative`` may be
constructed (the audit lists each one as a failure). Set False once every numeric claim names one."""

from .base import Claim  # noqa: E402
from .identity import Identity  # noqa: E402
from .inequality import Case, Fact, Inequality, Link, Term  # noqa: E402
from .numeric import Numeric  # noqa: E402

__all__ = ["Case", "Claim", "Fact", "Identity", "Inequality", "Link", "Numeric", "Term"]
