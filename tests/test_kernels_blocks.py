"""Tests of :mod:`mltheory.kernels.blocks`: the layers against ``torch.nn``, their symmetries and their counts."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from mltheory.kernels import (conv2d_im2col, conv2d_param_count, embedding, lstm_cell, multi_head_attention,
                              positional_shift_matrix, rnn_cell, scaled_dot_product_attention, small_cnn,
                              sinusoidal_positional_encoding, transformer_block, transformer_flops,
                              transformer_param_count)

G = torch.Generator().manual_seed(0)


def _randn(*shape):
    return torch.randn(*shape, generator=G, dtype=torch.float64)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_matches_torch_over_a_sequence(nonlinearity):
    rnn = nn.RNN(3, 5, nonlinearity=nonlinearity, batch_first=True, dtype=torch.float64)
    x = _randn(2, 7, 3)
    reference, _ = rnn(x)
    h = torch.zeros(2, 5, dtype=torch.float64)
    outputs = []
    for t in range(7):
        h = rnn_cell(x[:, t], h, rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0,
                     nonlinearity=nonlinearity)
        outputs.append(h)
    torch.testing.assert_close(torch.stack(outputs, 1), reference)


def test_lstm_cell_matches_torch_over_a_sequence():
    lstm = nn.LSTM(3, 4, batch_first=True, dtype=torch.float64)
    x = _randn(2, 6, 3)
    reference, (h_last, c_last) = lstm(x)
    h = c = torch.zeros(2, 4, dtype=torch.float64)
    for t in range(6):
        h, c = lstm_cell(x[:, t], h, c, lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0)
        torch.testing.assert_close(h, reference[:, t])
    torch.testing.assert_close(c, c_last[0])


def test_conv2d_im2col_output_size_and_stride():
    x, w = _randn(1, 2, 9, 7), _randn(3, 2, 3, 2)
    for stride, padding in ((1, 0), (2, 1), (3, 2)):
        out = conv2d_im2col(x, w, stride=stride, padding=padding)
        assert out.shape[-2:] == ((9 + 2 * padding - 3) // stride + 1, (7 + 2 * padding - 2) // stride + 1)
        torch.testing.assert_close(out, F.conv2d(x, w, stride=stride, padding=padding))


def test_circular_padding_matches_torch():
    x, w = _randn(1, 2, 6, 6), _randn(2, 2, 3, 3)
    conv = nn.Conv2d(2, 2, 3, padding=1, padding_mode="circular", bias=False, dtype=torch.float64)
    conv.weight.data = w
    torch.testing.assert_close(conv2d_im2col(x, w, padding=1, padding_mode="circular"), conv(x))


def test_causal_attention_rows_are_distributions_on_the_past():
    q, k, v = _randn(5, 4), _randn(5, 4), _randn(5, 3)
    out, weights = scaled_dot_product_attention(q, k, v, causal=True)
    torch.testing.assert_close(weights.sum(-1), torch.ones(5, dtype=torch.float64))
    assert torch.all(weights.triu(1) == 0)
    torch.testing.assert_close(out[0], v[0])  # the first token sees only itself


def test_attention_matches_torch_functional():
    q, k, v = _randn(2, 3, 5, 4), _randn(2, 3, 6, 4), _randn(2, 3, 6, 2)
    torch.testing.assert_close(scaled_dot_product_attention(q, k, v)[0], F.scaled_dot_product_attention(q, k, v))


def test_multi_head_attention_matches_torch_in_float64_with_a_batch():
    torch.manual_seed(1)
    mha = nn.MultiheadAttention(12, 3, batch_first=True, dtype=torch.float64)
    x = _randn(2, 3, 7, 12)  # two batch axes
    mine = multi_head_attention(x, mha.in_proj_weight, mha.out_proj.weight, 3, mha.in_proj_bias, mha.out_proj.bias)
    reference = mha(x.flatten(0, 1), x.flatten(0, 1), x.flatten(0, 1), need_weights=False)[0]
    torch.testing.assert_close(mine.flatten(0, 1), reference)


def test_positional_encoding_matches_the_formula_and_shifts_by_rotation():
    pe = sinusoidal_positional_encoding(50, 8)
    t, i = 17, 2
    omega = 10000.0 ** (-2 * i / 8)
    torch.testing.assert_close(pe[t, 2 * i:2 * i + 2],
                               torch.tensor([torch.sin(torch.tensor(omega * t)), torch.cos(torch.tensor(omega * t))],
                                            dtype=torch.float64))
    for k in (1, 5, -3):
        rotation = positional_shift_matrix(k, 8)
        torch.testing.assert_close(rotation @ rotation.T, torch.eye(8, dtype=torch.float64))
        rows = torch.arange(max(0, -k), 50 - max(0, k))
        torch.testing.assert_close(pe[rows] @ rotation.T, pe[rows + k])


def test_positional_encoding_follows_the_dtype():
    assert sinusoidal_positional_encoding(3, 4, dtype=torch.float32).dtype == torch.float32


def test_transformer_counts_scale_as_stated():
    assert transformer_param_count(64, 2, 100) == 2 * (12 * 64**2 + 13 * 64) + 100 * 64
    assert transformer_param_count(64, 2, 100, n_positions=10) - transformer_param_count(64, 2, 100) == 640
    flops = transformer_flops(100, 64, 3, n_vocab=10)
    assert flops["dense"] == 3 * 24 * 100 * 64**2
    assert flops["attention"] == 3 * 4 * 100**2 * 64
    assert flops["output"] == 2 * 100 * 64 * 10
    assert flops["total"] == flops["dense"] + flops["attention"] + flops["output"]


def test_bad_shapes_are_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="multi_head_attention: n_heads must divide"):
        multi_head_attention(_randn(3, 4), _randn(12, 4), _randn(4, 4), 3)
    with pytest.raises(ValueError, match="scaled_dot_product_attention: causal"):
        scaled_dot_product_attention(_randn(3, 2), _randn(4, 2), _randn(4, 2), causal=True)
    with pytest.raises(ValueError, match="sinusoidal_positional_encoding: d_model must be even"):
        sinusoidal_positional_encoding(3, 5)


# ------------------------------------------------------------------ composed layers (mltheory.kernels.models)


@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_block_matches_torch_in_float64_with_batch_axes(norm_first):
    torch.manual_seed(2)
    layer = nn.TransformerEncoderLayer(12, 3, 20, dropout=0.0, batch_first=True, norm_first=norm_first,
                                       dtype=torch.float64).eval()
    x = _randn(2, 3, 6, 12)
    with torch.no_grad():
        reference = layer(x.flatten(0, 1)).unflatten(0, (2, 3))
        mine = transformer_block(x, dict(layer.named_parameters()), norm_first=norm_first, n_heads=3)
    torch.testing.assert_close(mine, reference)


def test_transformer_block_orders_differ_and_pre_ln_keeps_the_residual_stream():
    torch.manual_seed(3)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, dtype=torch.float64)
    params = {name: p.detach() for name, p in layer.named_parameters()}
    x = _randn(5, 8)
    assert (transformer_block(x, params, norm_first=True, n_heads=2)
            - transformer_block(x, params, norm_first=False, n_heads=2)).abs().max() > 0.1
    outputs = ("self_attn.out_proj.weight", "self_attn.out_proj.bias", "linear2.weight", "linear2.bias")
    zeroed = dict(params, **{name: torch.zeros_like(params[name]) for name in outputs})
    torch.testing.assert_close(transformer_block(x, zeroed, norm_first=True, n_heads=2), x)  # sublayers output 0


def test_embedding_is_a_one_hot_product_with_gradients_on_the_used_rows():
    weight = _randn(6, 3).requires_grad_()
    tokens = torch.tensor([[1, 4], [4, 4]])
    out = embedding(tokens, weight)
    assert torch.equal(out, weight[tokens])
    out.sum().backward()
    assert weight.grad.sum(1).tolist() == [0.0, 3.0, 0.0, 0.0, 9.0, 0.0]
    with pytest.raises(ValueError, match="embedding: tokens"):
        embedding([0, 6], weight)


def test_pooled_unchanged_is_one_for_no_shift_and_for_the_shared_window():
    from mltheory.kernels.claims.models import pooled_unchanged

    assert torch.all(pooled_unchanged((0, 0), images=5) == 1)
    assert torch.all(pooled_unchanged((0, 2), images=5) < 0.5)  # another window altogether


def test_small_cnn_parameter_count_is_the_sum_of_its_layers():
    net = small_cnn(channels=4, seed=0)
    expected = conv2d_param_count(1, 4, 3) + conv2d_param_count(4, 8, 3) + 8 * 4 * 10 + 10
    assert sum(p.numel() for p in net.parameters()) == expected
    assert net(torch.zeros(2, 64)).shape == (2, 10)
