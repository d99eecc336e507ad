"""Claims of the Information part, one module per page of ``book/information/``.

Importing this package registers every claim (see :func:`mltheory.claims.all_claims`).
"""

from . import computation, entropy, fisher, kl, maxent, mutual, tsne  # noqa: F401  (importing a module registers its claims)
