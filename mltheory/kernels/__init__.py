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
- :mod:`mltheory.kernels.monte_carlo`: :func:`~mltheory.kernels.monte_carlo.empirical_nngp`, the kernel
  measured on finite random networks.
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

from .blocks import (conv2d_im2col, conv2d_param_count, lstm_cell, lstm_param_count, mha_param_count,
                     multi_head_attention, positional_shift_matrix, rnn_cell, rnn_param_count,
                     scaled_dot_product_attention, sinusoidal_positional_encoding, transformer_flops,
                     transformer_param_count)
from .inference import nngp_posterior
from .layers import Dense, Erf, Relu, erf_expectations, relu_expectations, serial
from .models import digits_cnn_vs_mlp, embedding, gram_matrix, small_cnn, transformer_block
from .monte_carlo import empirical_nngp
from .training import empirical_ntk, lazy_training, ntk_regression, power_law_fit, train_network

__all__ = [
    "Dense",
    "Erf",
    "Relu",
    "conv2d_im2col",
    "conv2d_param_count",
    "digits_cnn_vs_mlp",
    "embedding",
    "empirical_nngp",
    "empirical_ntk",
    "erf_expectations",
    "gram_matrix",
    "lazy_training",
    "lstm_cell",
    "lstm_param_count",
    "mha_param_count",
    "multi_head_attention",
    "nngp_posterior",
    "ntk_regression",
    "positional_shift_matrix",
    "power_law_fit",
    "relu_expectations",
    "rnn_cell",
    "rnn_param_count",
    "scaled_dot_product_attention",
    "serial",
    "sinusoidal_positional_encoding",
    "small_cnn",
    "train_network",
    "transformer_block",
    "transformer_flops",
    "transformer_param_count",
]
