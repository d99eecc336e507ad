"""Claims of the Optimization part, one module per page of ``book/optimization/``.

Importing this package registers every claim (see :func:`mltheory.claims.all_claims`).
"""

from . import adaptive, batch_size, derivatives, momentum, quadratics, second_order  # noqa: F401  (importing a module registers its claims)
