"""Information theory: entropy, relative entropy, the Fisher metric, maximum entropy, mutual information, t-SNE.

The public functions are re-exported here, so ``from mltheory.information
import entropy`` works; :mod:`mltheory.information.symbolic` holds their sympy
counterparts, :mod:`mltheory.information.claims` the checked results of the
book's Information part (one module per page) and
:mod:`mltheory.information.figures` its figures.
"""

from .computation import (
    BOLTZMANN_CONSTANT,
    landauer_limit,
    landauer_limit_units,
    reversible_add,
    reversible_add_inverse,
)
from .divergences import (
    GaussianFit,
    fit_gaussian_by_kl,
    gaussian_mixture_log_density,
    kl_gaussian,
    kl_quadrature,
    type_class_log_probability,
)
from .fisher import FisherInformation, fisher_information, fisher_rao_distance, jeffreys_prior
from .maxent import MaxEntResult, boltzmann, log_partition, maxent_distribution
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
from .multivariate import conditional_entropy, conditional_mutual_information, joint_entropy, mutual_information
from .tsne import (
    TSNEResult,
    neighbour_probabilities,
    perplexity,
    sne_gradient,
    sne_kl,
    tsne,
    tsne_gradient,
    tsne_joint_probabilities,
    tsne_kl,
    tsne_stopping_iteration,
)

__all__ = [
    "BOLTZMANN_CONSTANT",
    "FisherInformation",
    "GaussianFit",
    "MaxEntResult",
    "TSNEResult",
    "binary_entropy",
    "boltzmann",
    "compression_rate",
    "conditional_entropy",
    "conditional_mutual_information",
    "counting_rate",
    "cross_entropy",
    "entropy",
    "fisher_information",
    "fisher_rao_distance",
    "fit_gaussian_by_kl",
    "gaussian_differential_entropy",
    "gaussian_mixture_log_density",
    "jeffreys_prior",
    "joint_entropy",
    "kl_divergence",
    "kl_gaussian",
    "kl_quadrature",
    "landauer_limit",
    "landauer_limit_units",
    "log_multinomial",
    "log_partition",
    "maxent_distribution",
    "mutual_information",
    "neighbour_probabilities",
    "perplexity",
    "reversible_add",
    "reversible_add_inverse",
    "sandwich_exponent",
    "sne_gradient",
    "sne_kl",
    "tsne",
    "tsne_gradient",
    "tsne_joint_probabilities",
    "tsne_kl",
    "tsne_stopping_iteration",
    "type_class_log_probability",
]
