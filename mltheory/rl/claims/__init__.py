"""Claims of the Reinforcement learning part, one module per page of ``book/rl/``.

Importing this package registers every claim (see :func:`mltheory.claims.all_claims`).
"""

from . import mdp, policy_gradient, q_learning, search, supervised, trust_region  # noqa: F401  (importing a module registers its claims)
