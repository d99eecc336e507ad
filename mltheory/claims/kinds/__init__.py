"""The three kinds of claim, one module each: :class:`~mltheory.claims.Identity`,
:class:`~mltheory.claims.Inequality` and :class:`~mltheory.claims.Numeric`.

``kinds.base`` holds what every claim has (:class:`~mltheory.claims.Claim`),
``kinds.identity`` the identities, ``kinds.inequality`` the inequalities with their
evidence (:class:`~mltheory.claims.Fact`, certificate :class:`~mltheory.claims.Term`
objects, chain :class:`~mltheory.claims.Link` objects, :class:`~mltheory.claims.Case`
splits), and ``kinds.numeric`` the numeric claims.
"""

from .base import Claim
from .identity import Identity
from .inequality import Case, Fact, Inequality, Link, Term
from .numeric import Numeric

__all__ = ["Case", "Claim", "Fact", "Identity", "Inequality", "Link", "Numeric", "Term"]
