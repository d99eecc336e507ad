"""Symmetry and generalization: linear learning, groups and their representations, and kernels of networks.

The public functions are re-exported here, so ``from mltheory.symmetry import
min_norm_interpolant`` works. The modules are

- :mod:`mltheory.symmetry.linear`: features, the minimum-norm interpolant, gradient flow;
- :mod:`mltheory.symmetry.groups`: rotations, dihedral groups, orbits, invariance errors;
- :mod:`mltheory.symmetry.representations`: the representation :math:`V_d` of
  homogeneous polynomials, exactly (sympy) and numerically (torch);
- :mod:`mltheory.symmetry.spherical`: rotations of space on polynomials in three variables
  (the harmonic pieces of dimension :math:`2l + 1`);
- :mod:`mltheory.symmetry.ntk`: empirical and infinite-width kernels of networks, and trained ensembles;
- :mod:`mltheory.symmetry.degree_seven` and :mod:`mltheory.symmetry.random_labels`: the seeded
  experiments of the book's pages;
- :mod:`mltheory.symmetry.pictures`: pictures filled in from a patch by their symmetry group;
- :mod:`mltheory.symmetry.correct_sets`: correct and error sets of interpolants, and a target that defeats any learner;
- :mod:`mltheory.symmetry.relu`: exact interpolation with one hidden ReLU layer, and linear pieces that grow with depth;
- :mod:`mltheory.symmetry.robustness`: symmetry that the data must carry (an asymmetric fit, augmentation on the
  digits) and adversarial examples (FGSM);
- :mod:`mltheory.symmetry.symbolic`: the unevaluated sympy objects that the claims display;
- ``mltheory.symmetry.claims``: the checked results of the part "Symmetry and generalization",
  one module per page.
"""

from .groups import cyclic_group, dihedral_group, invariance_error, orbit, rotation_group_samples, rotation_matrix
from .linear import (
    Interpolant,
    circle_points,
    gradient_field_at_zero,
    gradient_flow,
    kernel_matrix,
    min_norm_interpolant,
    monomial_features,
    relative_error,
)
from .representations import (
    circular_harmonic,
    coefficients,
    homogeneous_basis,
    invariant_dimension,
    invariant_subspace,
    isotypic_decomposition,
    operator_matrix,
    representation_matrix,
    rotation_generator,
    sl2_triple,
)

__all__ = [
    "Interpolant",
    "circle_points",
    "circular_harmonic",
    "coefficients",
    "cyclic_group",
    "dihedral_group",
    "gradient_field_at_zero",
    "gradient_flow",
    "homogeneous_basis",
    "invariance_error",
    "invariant_dimension",
    "invariant_subspace",
    "isotypic_decomposition",
    "kernel_matrix",
    "min_norm_interpolant",
    "monomial_features",
    "operator_matrix",
    "orbit",
    "relative_error",
    "representation_matrix",
    "rotation_generator",
    "rotation_group_samples",
    "rotation_matrix",
    "sl2_triple",
]
