"""Optimization: derivatives by machine, gradient descent, Newton's method, momentum and the edge of stability.

The public functions are re-exported here; ``mltheory.optimization.claims``
holds the checked results of the book's Optimization part (one module per
page) and ``mltheory.optimization.figures`` its figures.
"""

from .curvature import hvp, sharpness
from .derivatives import Value, backward_forward_flops, finite_difference, two_layer_backward
from .descent import gradient_descent, heavy_ball, newton_step
from .momentum import convergence_rate, momentum_matrix, nesterov, optimal_momentum
from .stability import EdgeOfStabilityRun, digits_mlp_loss, edge_of_stability

__all__ = [
    "EdgeOfStabilityRun",
    "Value",
    "backward_forward_flops",
    "convergence_rate",
    "digits_mlp_loss",
    "edge_of_stability",
    "finite_difference",
    "gradient_descent",
    "heavy_ball",
    "hvp",
    "momentum_matrix",
    "nesterov",
    "newton_step",
    "optimal_momentum",
    "sharpness",
    "two_layer_backward",
]
