"""Optimization: derivatives by machine, gradient descent, Newton's method, momentum, the edge of stability and the gradient noise scale.

The public functions are re-exported here; ``mltheory.optimization.claims``
holds the checked results of the book's Optimization part (one module per
page) and ``mltheory.optimization.figures`` its figures.
"""

from .curvature import hvp, sharpness
from .derivatives import Value, backward_forward_flops, finite_difference, two_layer_backward
from .descent import gradient_descent, heavy_ball, newton_step
from .noise_scale import (
    CriticalBatchFit,
    CriticalBatchRun,
    critical_batch_experiment,
    critical_batch_fit,
    gradient_noise_scale,
    logistic_stream,
    per_example_gradients,
)
from .stability import EdgeOfStabilityRun, digits_mlp_loss, edge_of_stability

__all__ = [
    "CriticalBatchFit",
    "CriticalBatchRun",
    "EdgeOfStabilityRun",
    "Value",
    "backward_forward_flops",
    "critical_batch_experiment",
    "critical_batch_fit",
    "digits_mlp_loss",
    "edge_of_stability",
    "finite_difference",
    "gradient_descent",
    "gradient_noise_scale",
    "heavy_ball",
    "hvp",
    "logistic_stream",
    "newton_step",
    "per_example_gradients",
    "sharpness",
    "two_layer_backward",
]
