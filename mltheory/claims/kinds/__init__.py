"""The three kinds of claim, one module each: :class:`Identity`, :class:`Inequality` and :class:`Numeric`.

:mod:`~mltheory.claims.kinds.base` holds what every claim has (:class:`Claim`),
:mod:`~mltheory.claims.kinds.identity` the identities,
:mod:`~mltheory.claims.kinds.inequality` the inequalities with their evidence
(:class:`Fact`, certificate :class:`Term` objects, chain :class:`Link` objects,
:class:`Case` splits), and :mod:`~mltheory.claims.kinds.numeric` the numeric claims.
"""

from .base import Claim
from .identity import Identity
from .inequality import Case, Fact, Inequality, Link, Term
from .numeric import Numeric

__all__ = ["Case", "Claim", "Fact", "Identity", "Inequality", "Link", "Numeric", "Term"]
