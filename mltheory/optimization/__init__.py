"""Optimization: derivatives by machine, gradient descent and momentum, adaptive methods, natural gradients and second-order methods.

The public functions are re-exported here; ``mltheory.optimization.claims``
holds the checked results of the book's Optimization part (one module per
page) and ``mltheory.optimization.figures`` its figures.
"""

from .adaptive import adam, amsgrad, reddi_online_problem, rmsprop, sign_descent
from .curvature import hvp, sharpness
from .derivatives import Value, backward_forward_flops, finite_difference, two_layer_backward
from .descent import gradient_descent, heavy_ball, newton_step
from .momentum import convergence_rate, momentum_matrix, nesterov, optimal_momentum
from .natural import empirical_fisher, fisher_matrix, gauss_newton_matrix, natural_gradient_step
from .second_order import bfgs, conjugate_gradient, lbfgs_two_loop
from .stability import EdgeOfStabilityRun, digits_mlp_loss, edge_of_stability

__all__ = [
    "EdgeOfStabilityRun",
    "Value",
    "adam",
    "amsgrad",
    "backward_forward_flops",
    "bfgs",
    "conjugate_gradient",
    "convergence_rate",
    "digits_mlp_loss",
    "edge_of_stability",
    "empirical_fisher",
    "finite_difference",
    "fisher_matrix",
    "gauss_newton_matrix",
    "gradient_descent",
    "heavy_ball",
    "hvp",
    "lbfgs_two_loop",
    "momentum_matrix",
    "natural_gradient_step",
    "nesterov",
    "newton_step",
    "optimal_momentum",
    "reddi_online_problem",
    "rmsprop",
    "sharpness",
    "sign_descent",
    "two_layer_backward",
]
