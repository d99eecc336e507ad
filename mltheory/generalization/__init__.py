"""Generalization: how well a fitted model does on new data, in numbers.

The public functions are re-exported here; ``mltheory.generalization.claims``
holds the checked results of the book's Generalization part (one module per
page) and ``mltheory.generalization.figures`` its figures.
"""

from .overfitting import legendre_features, polynomial_errors, polynomial_fit
from .random_matrices import gram_eigenvalues, marchenko_pastur_edges, marchenko_pastur_pdf, overfitting_term
from .simplicity import first_layer_gradient, lms_data, randomised_accuracy, train_classifier

__all__ = [
    "first_layer_gradient",
    "gram_eigenvalues",
    "legendre_features",
    "lms_data",
    "marchenko_pastur_edges",
    "marchenko_pastur_pdf",
    "overfitting_term",
    "polynomial_errors",
    "polynomial_fit",
    "randomised_accuracy",
    "train_classifier",
]
