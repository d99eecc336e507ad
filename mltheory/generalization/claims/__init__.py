"""Claims of the Generalization part, one module per page of ``book/generalization/``.

Importing this package registers every claim (see :func:`mltheory.claims.all_claims`).
"""

from . import bounds, overfitting, random_matrices  # noqa: F401  (importing a module registers its claims)
