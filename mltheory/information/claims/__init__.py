"""Claims of the Information part, one module per page of ``book/information/``.

Importing this package registers every claim (see :func:`mltheory.claims.all_claims`).
"""

from . import entropy  # noqa: F401  (registers the claims of the entropy page)
