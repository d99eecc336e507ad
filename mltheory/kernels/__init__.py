r"""Analytic infinite-width kernels of fully connected networks, in PyTorch.

The design follows neural-tangents: each layer carries its own *kernel map*,
which takes the Gaussian statistics of the signal entering the layer to those
of the signal leaving it, and :func:`~mltheory.kernels.layers.serial` composes layers. The composite
computes the NNGP kernel (the covariance of the outputs of a random network
in the limit of infinite width) and the neural tangent kernel (NTK), and
builds finite networks of the same architecture and parametrisation, so that
both kernels can be checked by Monte Carlo.

- :mod:`mltheory.kernels.layers`: :func:`~mltheory.kernels.layers.Dense`, :func:`~mltheory.kernels.layers.Relu`,
  :func:`~mltheory.kernels.layers.Erf` and :func:`~mltheory.kernels.layers.serial`, and the closed-form Gaussian
  expectations of the activations, :func:`~mltheory.kernels.layers.relu_expectations` and
  :func:`~mltheory.kernels.layers.erf_expectations`.
- :mod:`mltheory.kernels.training`: finite networks against their kernels: :func:`~mltheory.kernels.training.empirical_ntk`
  (``torch.func``, chunked), :func:`~mltheory.kernels.training.train_network`,
  :func:`~mltheory.kernels.training.ntk_regression` (the infinite-width prediction after t steps),
  :func:`~mltheory.kernels.training.lazy_training` and :func:`~mltheory.kernels.training.power_law_fit`.
- :mod:`mltheory.kernels.monte_carlo`: :func:`~mltheory.kernels.monte_carlo.empirical_nngp` and
  :func:`~mltheory.kernels.monte_carlo.empirical_ntk_ensemble`, the kernels measured on finite random networks.
- :mod:`mltheory.kernels.classifier`: the first page's classifier: :func:`~mltheory.kernels.classifier.naive_softmax`
  and :func:`~mltheory.kernels.classifier.shifted_softmax`, :func:`~mltheory.kernels.classifier.logit_gradient`,
  the parameter symmetries :func:`~mltheory.kernels.classifier.permute_hidden_units` and
  :func:`~mltheory.kernels.classifier.rescale_hidden_units`, linear regions along a segment
  (:func:`~mltheory.kernels.classifier.count_linear_regions`) and the digits MLP
  (:func:`~mltheory.kernels.classifier.train_digits_classifier`).
- :mod:`mltheory.kernels.mean_field`: signal propagation, :func:`~mltheory.kernels.mean_field.length_map`,
  :func:`~mltheory.kernels.mean_field.correlation_map`, :func:`~mltheory.kernels.mean_field.chi1` and
  :func:`~mltheory.kernels.mean_field.critical_weight_variance` (the order-to-chaos line), and the finite-network
  experiments :func:`~mltheory.kernels.mean_field.signal_propagation` and :func:`~mltheory.kernels.mean_field.residual_growth`.
- :mod:`mltheory.kernels.blocks`: the building blocks of recurrent, convolutional and attention networks
  written out and checked against ``torch.nn``: :func:`~mltheory.kernels.blocks.rnn_cell`,
  :func:`~mltheory.kernels.blocks.lstm_cell`, :func:`~mltheory.kernels.blocks.conv2d_im2col`,
  :func:`~mltheory.kernels.blocks.scaled_dot_product_attention`, :func:`~mltheory.kernels.blocks.multi_head_attention`,
  :func:`~mltheory.kernels.blocks.sinusoidal_positional_encoding`, and the parameter and FLOP counts
  (:func:`~mltheory.kernels.blocks.transformer_param_count`, :func:`~mltheory.kernels.blocks.transformer_flops`).
- :mod:`mltheory.kernels.models`: the layers put together: :func:`~mltheory.kernels.models.embedding`,
  :func:`~mltheory.kernels.models.transformer_block` (post-LN and pre-LN), :func:`~mltheory.kernels.models.gram_matrix`,
  :func:`~mltheory.kernels.models.small_cnn`
  and :func:`~mltheory.kernels.models.digits_cnn_vs_mlp`.
- :mod:`mltheory.kernels.inference`: :func:`~mltheory.kernels.inference.nngp_posterior`, Bayesian
  regression with a kernel (the posterior of a Gaussian process).
"""

from .blocks import (
    conv2d_im2col,
    conv2d_param_count,
    lstm_cell,
    lstm_param_count,
    mha_param_count,
    multi_head_attention,
    positional_shift_matrix,
    rnn_cell,
    rnn_param_count,
    scaled_dot_product_attention,
    sinusoidal_positional_encoding,
    transformer_flops,
    transformer_param_count,
)
from .classifier import (
    count_linear_regions,
    gaussian_relu_mlp,
    linear_region_breakpoints,
    logit_gradient,
    naive_softmax,
    permute_hidden_units,
    regions_against_depth,
    rescale_hidden_units,
    shifted_softmax,
    train_digits_classifier,
)
from .inference import nngp_posterior
from .layers import Dense, Erf, Relu, erf_expectations, relu_expectations, serial
from .mean_field import (
    chi1,
    correlation_map,
    critical_weight_variance,
    length_fixed_point,
    length_map,
    residual_growth,
    signal_propagation,
)
from .models import digits_cnn_vs_mlp, embedding, gram_matrix, small_cnn, transformer_block
from .monte_carlo import empirical_nngp, empirical_ntk_ensemble
from .training import empirical_ntk, lazy_training, ntk_regression, power_law_fit, train_network

__all__ = [
    "Dense",
    "Erf",
    "Relu",
    "chi1",
    "conv2d_im2col",
    "conv2d_param_count",
    "correlation_map",
    "count_linear_regions",
    "critical_weight_variance",
    "digits_cnn_vs_mlp",
    "embedding",
    "empirical_nngp",
    "empirical_ntk",
    "empirical_ntk_ensemble",
    "erf_expectations",
    "gaussian_relu_mlp",
    "gram_matrix",
    "lazy_training",
    "length_fixed_point",
    "length_map",
    "linear_region_breakpoints",
    "logit_gradient",
    "lstm_cell",
    "lstm_param_count",
    "mha_param_count",
    "multi_head_attention",
    "naive_softmax",
    "nngp_posterior",
    "ntk_regression",
    "permute_hidden_units",
    "positional_shift_matrix",
    "power_law_fit",
    "regions_against_depth",
    "relu_expectations",
    "rescale_hidden_units",
    "residual_growth",
    "rnn_cell",
    "rnn_param_count",
    "scaled_dot_product_attention",
    "serial",
    "shifted_softmax",
    "signal_propagation",
    "sinusoidal_positional_encoding",
    "small_cnn",
    "train_digits_classifier",
    "train_network",
    "transformer_block",
    "transformer_flops",
    "transformer_param_count",
]
