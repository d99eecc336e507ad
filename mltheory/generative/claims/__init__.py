"""Claims of the Generative models part, one module per page of ``book/generative/``.

Importing this package registers every claim (see :func:`mltheory.claims.all_claims`).
"""

from . import flows, gans, latent_spaces, mutual_information, vae  # noqa: F401  (importing a module registers its claims)
