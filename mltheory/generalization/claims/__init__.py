"""Claims of the Generalization part, one module per page of ``book/generalization/``.

Importing this package registers every claim (see :func:`mltheory.claims.all_claims`).
"""

from . import bounds, double_descent, overfitting, random_matrices, sharpness, simplicity, teacher_student  # noqa: F401  (importing a module registers its claims)
