"""Probability and estimation: joint tables, cumulants and the CLT, estimators, losses, Cramér–Rao, sampling.

The public functions are re-exported here, so ``from mltheory.estimation
import estimator_stats`` works. :mod:`mltheory.estimation.distributions` holds
the seeded samplers with known moments, :mod:`mltheory.estimation.symbolic`
the sympy side, and ``mltheory.estimation.claims`` the checked results of
the book's Probability and estimation part.
"""

from .cramer_rao import cramer_rao_bound, fisher_monte_carlo, james_stein, james_stein_risk
from .cumulants import (
    cumulants_from_moments,
    k_statistics_from_central_sums,
    moments_from_cumulants,
    sample_cumulants,
    standardized_sums,
)
from .estimators import (
    DenoisingData,
    DenoisingResult,
    EstimatorStats,
    denoising_data,
    estimator_stats,
    median_variance,
    noise2noise,
    sample_variance,
    summarize_estimates,
    train_denoiser,
)
from .joint import bayes_posterior, conditional_x_given_y, conditional_y_given_x, expectation, marginals
from .losses import (
    CalibrationData,
    digits_calibration,
    expected_calibration_error,
    huber,
    lasso,
    nll_cauchy,
    nll_gaussian,
    nll_laplace,
    reliability_curve,
    ridge,
    robust_fit,
    soft_threshold,
    temperature_scale,
)
from .sampling import (
    binary_gumbel_softmax_mean,
    dropout,
    gumbel_max_sample,
    gumbel_noise,
    gumbel_softmax,
    reparam_grad,
    score_function_grad,
    sparse_reward_gradients,
)

__all__ = [
    "CalibrationData",
    "DenoisingData",
    "DenoisingResult",
    "EstimatorStats",
    "bayes_posterior",
    "binary_gumbel_softmax_mean",
    "conditional_x_given_y",
    "conditional_y_given_x",
    "cramer_rao_bound",
    "cumulants_from_moments",
    "denoising_data",
    "digits_calibration",
    "dropout",
    "estimator_stats",
    "expectation",
    "expected_calibration_error",
    "fisher_monte_carlo",
    "gumbel_max_sample",
    "gumbel_noise",
    "gumbel_softmax",
    "huber",
    "james_stein",
    "james_stein_risk",
    "k_statistics_from_central_sums",
    "lasso",
    "marginals",
    "median_variance",
    "moments_from_cumulants",
    "nll_cauchy",
    "nll_gaussian",
    "nll_laplace",
    "noise2noise",
    "reliability_curve",
    "reparam_grad",
    "ridge",
    "robust_fit",
    "sample_cumulants",
    "sample_variance",
    "score_function_grad",
    "sparse_reward_gradients",
    "soft_threshold",
    "standardized_sums",
    "summarize_estimates",
    "temperature_scale",
    "train_denoiser",
]
