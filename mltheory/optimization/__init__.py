"""Optimization: derivatives by machine, gradient descent and momentum, adaptive methods, the gradient noise scale,
natural gradients and second-order methods.

The public functions are re-exported here; ``mltheory.optimization.claims``
holds the checked results of the book's Optimization part (one module per
page) and ``mltheory.optimization.figures`` its figures.
"""

from .adaptive import adam, amsgrad, reddi_online_problem, rmsprop, sign_descent
from .curvature import hvp, sharpness
from .derivatives import Value, backward_forward_flops, finite_difference, two_layer_backward
from .descent import gradient_descent, heavy_ball, newton_step
from .momentum import convergence_rate, momentum_matrix, nesterov, optimal_momentum
from .noise_scale import (
    CriticalBatchFit,
    CriticalBatchRun,
    critical_batch_experiment,
    critical_batch_fit,
    gradient_noise_scale,
    logistic_stream,
    per_example_gradients,
)
from .natural import empirical_fisher, fisher_matrix, gauss_newton_matrix, natural_gradient_step
from .second_order import bfgs, conjugate_gradient, lbfgs_two_loop
from .stability import EdgeOfStabilityRun, digits_mlp_loss, edge_of_stability

__all__ = [
    "CriticalBatchFit",
    "CriticalBatchRun",
    "EdgeOfStabilityRun",
    "Value",
    "adam",
    "amsgrad",
    "backward_forward_flops",
    "bfgs",
    "conjugate_gradient",
    "convergence_rate",
    "critical_batch_experiment",
    "critical_batch_fit",
    "digits_mlp_loss",
    "edge_of_stability",
    "empirical_fisher",
    "finite_difference",
    "fisher_matrix",
    "gauss_newton_matrix",
    "gradient_descent",
    "gradient_noise_scale",
    "heavy_ball",
    "hvp",
    "lbfgs_two_loop",
    "logistic_stream",
    "momentum_matrix",
    "natural_gradient_step",
    "nesterov",
    "newton_step",
    "optimal_momentum",
    "per_example_gradients",
    "reddi_online_problem",
    "rmsprop",
    "sharpness",
    "sign_descent",
    "two_layer_backward",
]
