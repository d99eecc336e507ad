"""Generalization: how well a fitted model does on new data, in numbers.

The public functions are re-exported here; ``mltheory.generalization.claims``
holds the checked results of the book's Generalization part (one module per
page) and ``mltheory.generalization.figures`` its figures.
"""

from .bounds import PacBayesCertificate, cover_count, dziugaite_roy_bound, kl_inverse, pac_bayes_bound, vc_bound
from .overfitting import legendre_features, polynomial_errors, polynomial_fit
from .random_matrices import gram_eigenvalues, marchenko_pastur_edges, marchenko_pastur_pdf, overfitting_term

__all__ = [
    "PacBayesCertificate",
    "cover_count",
    "dziugaite_roy_bound",
    "kl_inverse",
    "pac_bayes_bound",
    "vc_bound",
    "gram_eigenvalues",
    "legendre_features",
    "marchenko_pastur_edges",
    "marchenko_pastur_pdf",
    "overfitting_term",
    "polynomial_errors",
    "polynomial_fit",
]
