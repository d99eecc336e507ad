"""Generalization: how well a fitted model does on new data, in numbers.

The public functions are re-exported here; ``mltheory.generalization.claims``
holds the checked results of the book's Generalization part (one module per
page) and ``mltheory.generalization.figures`` its figures.
"""

from .alignment import first_layer_alignment, principal_energy
from .bounds import PacBayesCertificate, cover_count, dziugaite_roy_bound, kl_inverse, pac_bayes_bound, vc_bound
from .double_descent import bias_variance_decomposition, random_features_regression, ridgeless_risk
from .overfitting import legendre_features, polynomial_errors, polynomial_fit
from .random_matrices import gram_eigenvalues, gram_spectrum, marchenko_pastur_edges, marchenko_pastur_pdf, overfitting_term
from .sharpness import loss_hessian, rescale_layers, rescaling_factors, top_hessian_eigenvalue
from .simplicity import first_layer_gradient, lms_data, randomised_accuracy, train_classifier
from .teacher_student import (
    TeacherStudentData,
    egen_ridge,
    egen_theory,
    generalization_error,
    gradient_flow_linear,
    optimal_stopping_time,
    ridge_fit,
    teacher_student,
)

__all__ = [
    "PacBayesCertificate",
    "TeacherStudentData",
    "bias_variance_decomposition",
    "cover_count",
    "dziugaite_roy_bound",
    "egen_ridge",
    "egen_theory",
    "first_layer_alignment",
    "first_layer_gradient",
    "generalization_error",
    "gradient_flow_linear",
    "gram_eigenvalues",
    "gram_spectrum",
    "kl_inverse",
    "legendre_features",
    "lms_data",
    "loss_hessian",
    "marchenko_pastur_edges",
    "marchenko_pastur_pdf",
    "optimal_stopping_time",
    "overfitting_term",
    "pac_bayes_bound",
    "polynomial_errors",
    "polynomial_fit",
    "principal_energy",
    "random_features_regression",
    "randomised_accuracy",
    "rescale_layers",
    "rescaling_factors",
    "ridge_fit",
    "ridgeless_risk",
    "teacher_student",
    "top_hessian_eigenvalue",
    "train_classifier",
    "vc_bound",
]
