"""Claims of the Generalization part, one module per page of ``book/generalization/``.

Importing this package registers every claim (see :func:`mltheory.claims.all_claims`).
"""

from . import overfitting, random_matrices, simplicity  # noqa: F401  (importing a module registers its claims)
