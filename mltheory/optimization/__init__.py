"""Optimization: derivatives by machine, gradient descent, Newton's method, momentum and the edge of stability.

The public functions are re-exported here; ``mltheory.optimization.claims``
holds the checked results of the book's Optimization part (one module per
page) and ``mltheory.optimization.figures`` its figures.
"""

from .adaptive import adam, amsgrad, reddi_online_problem, rmsprop, sign_descent
from .curvature import hvp, sharpness
from .derivatives import Value, backward_forward_flops, finite_difference, two_layer_backward
from .descent import gradient_descent, heavy_ball, newton_step
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
    "natural_gradient_step",
    "newton_step",
    "reddi_online_problem",
    "rmsprop",
    "sharpness",
    "sign_descent",
    "two_layer_backward",
]
