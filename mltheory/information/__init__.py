"""Information theory: entropy, and the quantities built from it.

The public functions are re-exported here, so ``from mltheory.information
import entropy`` works; :mod:`mltheory.information.symbolic` holds their sympy
counterparts and :mod:`mltheory.information.claims` the checked results of the
book's Information part.
"""

from .measures import (
    binary_entropy,
    compression_rate,
    counting_rate,
    cross_entropy,
    entropy,
    gaussian_differential_entropy,
    kl_divergence,
    log_multinomial,
    sandwich_exponent,
)

__all__ = [
    "binary_entropy",
    "compression_rate",
    "counting_rate",
    "cross_entropy",
    "entropy",
    "gaussian_differential_entropy",
    "kl_divergence",
    "log_multinomial",
    "sandwich_exponent",
]
