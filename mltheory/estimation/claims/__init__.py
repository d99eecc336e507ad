"""Claims of the Probability and estimation part, one module per page of ``book/estimation``.

Importing this package registers every claim of the part (claim discovery
imports every module named ``claims``).
"""

from . import cramer_rao, cumulants, estimators, losses, probability, sampling  # noqa: F401
