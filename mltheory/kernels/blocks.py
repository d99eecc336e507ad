r"""The building blocks of recurrent, convolutional and attention networks, written out.

Each layer is a plain function of its inputs and weights, with the weights laid out as PyTorch lays
them out, so that every function can be checked against its ``torch.nn`` counterpart:

- recurrent cells: :func:`rnn_cell` and :func:`lstm_cell` (``nn.RNNCell``, ``nn.LSTMCell``);
- convolution as a matrix product on unfolded patches: :func:`conv2d_im2col` (``F.conv2d``), with
  zero or circular padding;
- attention: :func:`scaled_dot_product_attention`, :func:`multi_head_attention`
  (``nn.MultiheadAttention``) and :func:`sinusoidal_positional_encoding` with the rotation
  :func:`positional_shift_matrix` that moves it along the sequence;
- counts: parameters of each layer (:func:`rnn_param_count`, :func:`lstm_param_count`,
  :func:`conv2d_param_count`, :func:`mha_param_count`) and of a transformer
  (:func:`transformer_param_count`), and the floating-point operations of a transformer's forward
  pass (:func:`transformer_flops`, counted as ``torch.utils.flop_counter`` counts them).

The counting functions take integers. Their private twins ``_transformer_count`` and ``_flop_terms``
do the same arithmetic on sympy symbols, which is how the page's identities are proved.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..validation import (as_float_tensor, check_choice, check_finite, check_flag, check_float_dtype, check_integer,
                          check_scalar, check_shape)

__all__ = [
    "conv2d_im2col",
    "conv2d_param_count",
    "lstm_cell",
    "lstm_param_count",
    "mha_param_count",
    "multi_head_attention",
    "positional_shift_matrix",
    "rnn_cell",
    "rnn_param_count",
    "scaled_dot_product_attention",
    "sinusoidal_positional_encoding",
    "transformer_flops",
    "transformer_param_count",
]


def _tensor(x, name: str, func: str) -> torch.Tensor:
    x = check_finite(as_float_tensor(x, name=name, func=func), name=name, func=func)
    if x.numel() == 0:
        raise ValueError(f"{func}: {name} must not be empty (got shape {tuple(x.shape)})")
    return x


def _shaped(x, name: str, func: str, dims, sizes: dict) -> torch.Tensor:
    """``x`` as a finite float tensor of shape ``dims``, whose named sizes agree with ``sizes``."""
    x = _tensor(x, name, func)
    check_shape(x, dims, name=name, func=func, sizes=sizes)
    return x


def _optional(x, name: str, func: str, dims, sizes: dict) -> torch.Tensor | None:
    return None if x is None else _shaped(x, name, func, dims, sizes)


# ------------------------------------------------------------------ recurrent cells


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None, *, nonlinearity: str = "tanh") -> torch.Tensor:
    r"""One step of an Elman RNN, :math:`h' = \phi(W_{ih}x + b_{ih} + W_{hh}h + b_{hh})`.

    This is Kaplan's (5.2.1) with the concatenated weight :math:`W = (W_{hh}, W_{ih})` split in two,
    and with PyTorch's two bias vectors (their sum acts as one bias).

    Parameters
    ----------
    x : array_like, shape (..., d_x)
        The input token.
    h : array_like, shape (..., d_h)
        The hidden state.
    weight_ih : array_like, shape (d_h, d_x)
    weight_hh : array_like, shape (d_h, d_h)
    bias_ih, bias_hh : array_like, shape (d_h,), optional
    nonlinearity : {"tanh", "relu"}, default "tanh"

    Returns
    -------
    torch.Tensor, shape (..., d_h)
        The next hidden state.

    Examples
    --------
    >>> import torch
    >>> cell = torch.nn.RNNCell(3, 2, dtype=torch.float64)
    >>> x, h = torch.ones(1, 3, dtype=torch.float64), torch.zeros(1, 2, dtype=torch.float64)
    >>> mine = rnn_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    >>> bool(torch.allclose(mine, cell(x, h)))
    True
    """
    func = "rnn_cell"
    sizes = {}
    weight_ih = _shaped(weight_ih, "weight_ih", func, ("d_h", "d_x"), sizes)
    weight_hh = _shaped(weight_hh, "weight_hh", func, ("d_h", "d_h"), sizes)
    x, h = _shaped(x, "x", func, ("...", "d_x"), sizes), _shaped(h, "h", func, ("...", "d_h"), sizes)
    bias_ih = _optional(bias_ih, "bias_ih", func, ("d_h",), sizes)
    bias_hh = _optional(bias_hh, "bias_hh", func, ("d_h",), sizes)
    activation = {"tanh": torch.tanh, "relu": torch.relu}[check_choice(nonlinearity, ("tanh", "relu"),
                                                                        name="nonlinearity", func=func)]
    return activation(F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh, bias_hh))


def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih=None, bias_hh=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One step of an LSTM, with the gates written out.

    The four gates come from one product each with the input and the hidden state, stacked in
    PyTorch's order (input :math:`i`, forget :math:`f`, cell :math:`g`, output :math:`o`):

    .. math::
        (i, f, g, o) = W_{ih}x + b_{ih} + W_{hh}h + b_{hh},\quad
        c' = \sigma(f)\odot c + \sigma(i)\odot\tanh g,\quad h' = \sigma(o)\odot\tanh c'.

    Parameters
    ----------
    x : array_like, shape (..., d_x)
    h, c : array_like, shape (..., d_h)
        The hidden state and the cell (memory) state.
    weight_ih : array_like, shape (4 d_h, d_x)
    weight_hh : array_like, shape (4 d_h, d_h)
    bias_ih, bias_hh : array_like, shape (4 d_h,), optional

    Returns
    -------
    (torch.Tensor, torch.Tensor)
        The next hidden state and cell state, each of shape (..., d_h).

    Examples
    --------
    >>> import torch
    >>> cell = torch.nn.LSTMCell(3, 2, dtype=torch.float64)
    >>> x = torch.ones(1, 3, dtype=torch.float64)
    >>> h, c = torch.zeros(1, 2, dtype=torch.float64), torch.ones(1, 2, dtype=torch.float64)
    >>> h2, c2 = lstm_cell(x, h, c, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    >>> ref_h, ref_c = cell(x, (h, c))
    >>> bool(torch.allclose(h2, ref_h) and torch.allclose(c2, ref_c))
    True
    """
    func = "lstm_cell"
    x, h, c = _tensor(x, "x", func), _tensor(h, "h", func), _tensor(c, "c", func)
    sizes = check_shape(x, ("...", "d_x"), name="x", func=func)
    check_shape(h, ("...", "d_h"), name="h", func=func, sizes=sizes)
    check_shape(c, ("...", "d_h"), name="c", func=func, sizes=sizes)
    sizes["4 d_h"] = 4 * sizes["d_h"]
    weight_ih = _shaped(weight_ih, "weight_ih", func, ("4 d_h", "d_x"), sizes)
    weight_hh = _shaped(weight_hh, "weight_hh", func, ("4 d_h", "d_h"), sizes)
    bias_ih = _optional(bias_ih, "bias_ih", func, ("4 d_h",), sizes)
    bias_hh = _optional(bias_hh, "bias_hh", func, ("4 d_h",), sizes)
    i, f, g, o = (F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh, bias_hh)).chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_next), c_next


def rnn_param_count(input_size: int, hidden_size: int, *, bias_vectors: int = 2) -> int:
    r"""Parameters of one RNN layer: :math:`d_h(d_x + d_h)` weights and ``bias_vectors`` biases of size :math:`d_h`.

    ``nn.RNN`` has two bias vectors (``bias_ih``, ``bias_hh``); Kaplan's (5.2.1) has one.

    Examples
    --------
    >>> rnn_param_count(10, 20), rnn_param_count(10, 20, bias_vectors=1)
    (640, 620)
    """
    func = "rnn_param_count"
    d_x = check_integer(input_size, name="input_size", func=func, minimum=1)
    d_h = check_integer(hidden_size, name="hidden_size", func=func, minimum=1)
    return d_h * (d_x + d_h) + check_integer(bias_vectors, name="bias_vectors", func=func, minimum=0) * d_h


def lstm_param_count(input_size: int, hidden_size: int, *, bias_vectors: int = 2) -> int:
    r"""Parameters of one LSTM layer: :math:`4d_h(d_x + d_h)` weights and ``bias_vectors`` biases of size :math:`4d_h`.

    ``nn.LSTM`` has two bias vectors, so :math:`4d_h(d_x + d_h) + 8d_h`; Kaplan's (5.2.2) counts the
    weights alone (``bias_vectors=0``).

    Examples
    --------
    >>> lstm_param_count(10, 20), lstm_param_count(10, 20, bias_vectors=0)
    (2560, 2400)
    """
    func = "lstm_param_count"
    d_x = check_integer(input_size, name="input_size", func=func, minimum=1)
    d_h = check_integer(hidden_size, name="hidden_size", func=func, minimum=1)
    return 4 * d_h * (d_x + d_h) + check_integer(bias_vectors, name="bias_vectors", func=func, minimum=0) * 4 * d_h


def conv2d_param_count(in_channels: int, out_channels: int, kernel_size: int, *, bias: bool = True) -> int:
    r"""Parameters of a square 2-d convolution: a :math:`(k^2 C_{in}) \times C_{out}` matrix, plus :math:`C_{out}` biases.

    Examples
    --------
    >>> conv2d_param_count(8, 16, 5)
    3216
    """
    func = "conv2d_param_count"
    c_in = check_integer(in_channels, name="in_channels", func=func, minimum=1)
    c_out = check_integer(out_channels, name="out_channels", func=func, minimum=1)
    k = check_integer(kernel_size, name="kernel_size", func=func, minimum=1)
    return k * k * c_in * c_out + (c_out if check_flag(bias, name="bias", func=func) else 0)


def mha_param_count(d_model: int, *, bias: bool = True) -> int:
    r"""Parameters of multi-head self-attention with :math:`n_\text{heads} d_k = d`: :math:`4d^2`, plus :math:`4d` biases.

    :math:`W_Q, W_K, W_V` hold :math:`d_k d` entries per head and :math:`W_O` holds :math:`d^2`, so the
    count (Kaplan's (5.4.10)) does not depend on the number of heads.

    Examples
    --------
    >>> mha_param_count(512), mha_param_count(512, bias=False)
    (1050624, 1048576)
    """
    func = "mha_param_count"
    d = check_integer(d_model, name="d_model", func=func, minimum=1)
    return 4 * d * d + (4 * d if check_flag(bias, name="bias", func=func) else 0)


# ------------------------------------------------------------------ convolution


def conv2d_im2col(x, weight, bias=None, *, stride: int = 1, padding: int = 0,
                  padding_mode: str = "zeros") -> torch.Tensor:
    r"""A 2-d convolution (cross-correlation, as in ``F.conv2d``) as one matrix product on unfolded patches.

    Every :math:`k\times k` patch of the padded input, across all :math:`C_{in}` channels, becomes a
    column of length :math:`k^2 C_{in}` (``F.unfold``, "im2col"); the filters form a
    :math:`C_{out}\times k^2 C_{in}` matrix, and the output is their product. The output has side
    :math:`\lfloor (n + 2p - k)/s\rfloor + 1`.

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W)
    weight : array_like, shape (C_out, C_in, k_h, k_w)
    bias : array_like, shape (C_out,), optional
    stride : int, default 1
    padding : int, default 0
    padding_mode : {"zeros", "circular"}, default "zeros"
        ``"circular"`` wraps the image around (a torus), which makes the layer exactly
        equivariant to circular shifts.

    Returns
    -------
    torch.Tensor, shape (N, C_out, H_out, W_out)

    Examples
    --------
    >>> import torch
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(1, 2, 5, 5, generator=g, dtype=torch.float64)
    >>> w = torch.randn(3, 2, 3, 3, generator=g, dtype=torch.float64)
    >>> bool(torch.allclose(conv2d_im2col(x, w, padding=1), torch.nn.functional.conv2d(x, w, padding=1)))
    True
    """
    func = "conv2d_im2col"
    x, weight = _tensor(x, "x", func), _tensor(weight, "weight", func)
    sizes = check_shape(x, ("N", "C_in", "H", "W"), name="x", func=func)
    check_shape(weight, ("C_out", "C_in", "k_h", "k_w"), name="weight", func=func, sizes=sizes)
    bias = _optional(bias, "bias", func, ("C_out",), sizes)
    stride = check_integer(stride, name="stride", func=func, minimum=1)
    padding = check_integer(padding, name="padding", func=func, minimum=0)
    mode = check_choice(padding_mode, ("zeros", "circular"), name="padding_mode", func=func)
    if padding:
        x = F.pad(x, (padding,) * 4, mode="constant" if mode == "zeros" else "circular")
    k_h, k_w = sizes["k_h"], sizes["k_w"]
    if k_h > x.shape[-2] or k_w > x.shape[-1]:
        raise ValueError(f"{func}: weight must fit in the padded input (got a {k_h}x{k_w} kernel for "
                         f"{tuple(x.shape[-2:])})")
    h_out, w_out = (x.shape[-2] - k_h) // stride + 1, (x.shape[-1] - k_w) // stride + 1
    columns = F.unfold(x, (k_h, k_w), stride=stride)  # (N, C_in k_h k_w, L)
    out = weight.reshape(sizes["C_out"], -1) @ columns  # (N, C_out, L)
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(sizes["N"], sizes["C_out"], h_out, w_out)


# ------------------------------------------------------------------ attention


def scaled_dot_product_attention(q, k, v, *, causal: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Attention :math:`\operatorname{softmax}_{s'}(QK^\top/\sqrt{d_k})\,V`, Kaplan's (5.4.5).

    Row :math:`s` of the weight matrix :math:`S` is a probability distribution over the keys
    :math:`s'`. With ``causal=True`` position :math:`s` attends only to :math:`s' \le s`: the scores of
    later positions are set to :math:`-\infty` before the softmax, so their weights are exactly zero.

    Parameters
    ----------
    q : array_like, shape (..., n, d_k)
    k : array_like, shape (..., m, d_k)
    v : array_like, shape (..., m, d_v)
    causal : bool, default False
        Mask the future (requires ``n == m``).

    Returns
    -------
    (torch.Tensor, torch.Tensor)
        The output, shape (..., n, d_v), and the weights :math:`S`, shape (..., n, m).

    Examples
    --------
    >>> import torch
    >>> q = k = v = torch.eye(3, dtype=torch.float64)
    >>> out, weights = scaled_dot_product_attention(q, k, v, causal=True)
    >>> weights[0].tolist()
    [1.0, 0.0, 0.0]
    >>> bool(torch.allclose(weights.sum(-1), torch.ones(3, dtype=torch.float64)))
    True
    """
    func = "scaled_dot_product_attention"
    q, k, v = _tensor(q, "q", func), _tensor(k, "k", func), _tensor(v, "v", func)
    sizes = check_shape(q, ("...", "n", "d_k"), name="q", func=func)
    sizes.pop("...")
    check_shape(k, ("...", "m", "d_k"), name="k", func=func, sizes=sizes)
    sizes.pop("...")
    check_shape(v, ("...", "m", "d_v"), name="v", func=func, sizes=sizes)
    scores = q @ k.transpose(-2, -1) / math.sqrt(sizes["d_k"])
    if check_flag(causal, name="causal", func=func):
        if sizes["n"] != sizes["m"]:
            raise ValueError(f"{func}: causal attention needs as many queries as keys (got {sizes['n']} and "
                             f"{sizes['m']})")
        future = torch.ones(sizes["n"], sizes["n"], dtype=torch.bool, device=q.device).triu(1)
        scores = scores.masked_fill(future, -math.inf)
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


def multi_head_attention(x, in_weight, out_weight, n_heads: int, in_bias=None, out_bias=None, *,
                         causal: bool = False) -> torch.Tensor:
    r"""Multi-head self-attention, Kaplan's (5.4.8)–(5.4.9), with ``nn.MultiheadAttention``'s weight layout.

    The rows of ``in_weight`` are :math:`W_Q`, :math:`W_K`, :math:`W_V` stacked (each :math:`d\times d`);
    head :math:`h` uses rows :math:`h d_k, \dots, (h + 1)d_k - 1` of each, with :math:`d_k = d/n_\text{heads}`.
    The heads' outputs are concatenated and multiplied by :math:`W_O` = ``out_weight``.

    Parameters
    ----------
    x : array_like, shape (..., n, d)
        The sequence, one row per position.
    in_weight : array_like, shape (3 d, d)
    out_weight : array_like, shape (d, d)
    n_heads : int
        Must divide ``d``.
    in_bias : array_like, shape (3 d,), optional
    out_bias : array_like, shape (d,), optional
    causal : bool, default False

    Returns
    -------
    torch.Tensor, shape (..., n, d)

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> mha = torch.nn.MultiheadAttention(8, 2, batch_first=True, dtype=torch.float64)
    >>> x = torch.randn(1, 5, 8, dtype=torch.float64)
    >>> mine = multi_head_attention(x, mha.in_proj_weight, mha.out_proj.weight, 2,
    ...                             mha.in_proj_bias, mha.out_proj.bias)
    >>> bool(torch.allclose(mine, mha(x, x, x, need_weights=False)[0]))
    True
    """
    func = "multi_head_attention"
    causal = check_flag(causal, name="causal", func=func)
    x = _tensor(x, "x", func)
    sizes = check_shape(x, ("...", "n", "d"), name="x", func=func)
    sizes["3 d"] = 3 * sizes["d"]
    in_weight = _shaped(in_weight, "in_weight", func, ("3 d", "d"), sizes)
    out_weight = _shaped(out_weight, "out_weight", func, ("d", "d"), sizes)
    in_bias = _optional(in_bias, "in_bias", func, ("3 d",), sizes)
    out_bias = _optional(out_bias, "out_bias", func, ("d",), sizes)
    heads = check_integer(n_heads, name="n_heads", func=func, minimum=1)
    d = sizes["d"]
    if d % heads:
        raise ValueError(f"{func}: n_heads must divide d = {d} (got {heads})")
    split = lambda t: t.unflatten(-1, (heads, d // heads)).transpose(-3, -2)  # noqa: E731 (..., heads, n, d_k)
    q, k, v = (split(t) for t in F.linear(x, in_weight, in_bias).chunk(3, dim=-1))
    out, _ = scaled_dot_product_attention(q, k, v, causal=causal)
    return F.linear(out.transpose(-3, -2).flatten(-2), out_weight, out_bias)


def _frequencies(d_model: int, wavelength: float, dtype) -> torch.Tensor:
    """The angular frequencies :math:`\\omega_i = \\text{wavelength}^{-2i/d}`, one per pair of coordinates."""
    return wavelength ** (-torch.arange(0, d_model, 2, dtype=dtype) / d_model)


def sinusoidal_positional_encoding(n_positions: int, d_model: int, *, wavelength: float = 10000.0,
                                   dtype=torch.float64) -> torch.Tensor:
    r"""The sinusoidal positional encoding of Vaswani et al. (2017).

    .. math::
        PE_{t, 2i} = \sin(\omega_i t),\quad PE_{t, 2i+1} = \cos(\omega_i t),\quad
        \omega_i = \text{wavelength}^{-2i/d}.

    Each pair of coordinates turns at its own frequency, so a shift by :math:`k` positions is a
    rotation of each pair (:func:`positional_shift_matrix`).

    Parameters
    ----------
    n_positions : int
        Number of positions :math:`t = 0, \dots, n - 1`.
    d_model : int
        Even dimension of the encoding.
    wavelength : float, default 10000
        The longest wavelength, divided by :math:`2\pi`.
    dtype : torch.dtype, default torch.float64

    Returns
    -------
    torch.Tensor, shape (n_positions, d_model)

    Examples
    --------
    >>> sinusoidal_positional_encoding(3, 2)  # one pair: (sin t, cos t)
    tensor([[ 0.0000,  1.0000],
            [ 0.8415,  0.5403],
            [ 0.9093, -0.4161]], dtype=torch.float64)
    """
    func = "sinusoidal_positional_encoding"
    n = check_integer(n_positions, name="n_positions", func=func, minimum=1)
    d = _even(d_model, func)
    wavelength = _wavelength(wavelength, func)
    dtype = check_float_dtype(dtype, func=func)
    angles = torch.arange(n, dtype=dtype)[:, None] * _frequencies(d, wavelength, dtype)
    return torch.stack((angles.sin(), angles.cos()), dim=-1).flatten(-2)


def positional_shift_matrix(shift: int, d_model: int, *, wavelength: float = 10000.0,
                            dtype=torch.float64) -> torch.Tensor:
    r"""The block-diagonal rotation :math:`R(k)` with :math:`PE_{t+k} = R(k)\,PE_t` for every position :math:`t`.

    Block :math:`i` is :math:`\begin{pmatrix}\cos\omega_i k & \sin\omega_i k\\ -\sin\omega_i k & \cos\omega_i k\end{pmatrix}`,
    which does not depend on :math:`t`: relative position is a linear function of the encoding.

    Examples
    --------
    >>> import torch
    >>> pe = sinusoidal_positional_encoding(10, 6)
    >>> bool(torch.allclose(pe[:7] @ positional_shift_matrix(3, 6).T, pe[3:]))
    True
    """
    func = "positional_shift_matrix"
    k = check_integer(shift, name="shift", func=func)
    d = _even(d_model, func)
    angle = _frequencies(d, _wavelength(wavelength, func), check_float_dtype(dtype, func=func)) * k
    blocks = torch.stack((torch.stack((angle.cos(), angle.sin()), -1),
                          torch.stack((-angle.sin(), angle.cos()), -1)), -2)  # (d/2, 2, 2)
    return torch.block_diag(*blocks)


def _even(d_model, func: str) -> int:
    d = check_integer(d_model, name="d_model", func=func, minimum=2)
    if d % 2:
        raise ValueError(f"{func}: d_model must be even (got {d})")
    return d


def _wavelength(wavelength, func: str) -> float:
    return check_scalar(wavelength, name="wavelength", func=func, low=1.0)


# ------------------------------------------------------------------ transformer counts


def _transformer_count(d, n_layers, n_vocab, d_ff, n_positions=0):
    """The exact parameter count, in integers or sympy symbols (see :func:`transformer_param_count`)."""
    attention = 4 * d * d + 4 * d  # W_Q, W_K, W_V, W_O and their biases
    feed_forward = 2 * d * d_ff + d_ff + d  # (5.4.12)
    norms = 2 * 2 * d  # two layer norms, each a gain and a shift
    return n_layers * (attention + feed_forward + norms) + n_vocab * d + n_positions * d


def transformer_param_count(d_model: int, n_layers: int, n_vocab: int, *, d_ff: int | None = None,
                            n_positions: int = 0) -> int:
    r"""The exact parameter count of a decoder-only transformer built from ``nn.TransformerEncoderLayer``.

    Per layer: attention :math:`4d^2 + 4d`, the feed-forward network :math:`2d\,d_{ff} + d_{ff} + d`,
    and two layer norms :math:`4d`; plus a token embedding :math:`n_\text{vocab} d`, shared with the
    output layer, and a learned positional embedding of ``n_positions`` rows (0 for the sinusoidal
    encoding, which has no parameters). With :math:`d_{ff} = 4d` this is
    :math:`12 n_L d^2 + 13 n_L d + n_\text{vocab} d`, of which Kaplan's (5.4.16) keeps
    :math:`12 n_L d^2 + n_\text{vocab} d`. The count does not depend on the number of heads or on
    the sequence length.

    Parameters
    ----------
    d_model, n_layers, n_vocab : int
    d_ff : int, optional
        Width of the feed-forward layer; default ``4 * d_model``.
    n_positions : int, default 0

    Examples
    --------
    >>> transformer_param_count(512, 6, 32000)
    35298304
    >>> 12 * 6 * 512**2 + 512 * 32000  # Kaplan's (5.4.16), 13 n_L d = 39936 fewer
    35258368
    """
    func = "transformer_param_count"
    d = check_integer(d_model, name="d_model", func=func, minimum=1)
    layers = check_integer(n_layers, name="n_layers", func=func, minimum=0)
    vocab = check_integer(n_vocab, name="n_vocab", func=func, minimum=0)
    d_ff = 4 * d if d_ff is None else check_integer(d_ff, name="d_ff", func=func, minimum=1)
    positions = check_integer(n_positions, name="n_positions", func=func, minimum=0)
    return int(_transformer_count(d, layers, vocab, d_ff, positions))


def _flop_terms(n, d, d_ff):
    """Forward FLOPs of one layer, in integers or sympy symbols: (dense, attention). See :func:`transformer_flops`."""
    dense = 2 * n * d * (3 * d) + 2 * n * d * d + 2 * (2 * n * d * d_ff)  # Q, K, V; W_O; the two FC matrices
    attention = 2 * n * n * d + 2 * n * n * d  # Q K^T over all heads; S V over all heads
    return dense, attention


def transformer_flops(n_seq: int, d_model: int, n_layers: int = 1, *, d_ff: int | None = None,
                      n_vocab: int = 0) -> dict[str, int]:
    r"""Floating-point operations of a transformer's forward pass, counting a multiply-add as 2.

    Per layer, the products with weight matrices cost :math:`2n\,d\,(3d) + 2n\,d^2 + 4n\,d\,d_{ff}
    = 4nd(d_{ff} + 2d)` and the attention itself, :math:`QK^\top` and then :math:`S\,V` over all heads,
    :math:`2n^2 d + 2n^2 d = 4n^2 d`. Biases, softmax, layer norms and activations are lower order and
    not counted, as ``torch.utils.flop_counter.FlopCounterMode`` does not count them. The output
    layer adds :math:`2n\,d\,n_\text{vocab}`.

    Parameters
    ----------
    n_seq : int
        Sequence length :math:`n`.
    d_model : int
    n_layers : int, default 1
    d_ff : int, optional
        Default ``4 * d_model``.
    n_vocab : int, default 0
        Vocabulary of the output layer (0: no output layer).

    Returns
    -------
    dict
        ``"dense"``, ``"attention"``, ``"output"`` and their ``"total"``, as integers.

    Examples
    --------
    >>> flops = transformer_flops(128, 64)
    >>> flops["dense"], flops["attention"], flops["dense"] == 24 * 128 * 64**2
    (12582912, 4194304, True)
    """
    func = "transformer_flops"
    n = check_integer(n_seq, name="n_seq", func=func, minimum=1)
    d = check_integer(d_model, name="d_model", func=func, minimum=1)
    layers = check_integer(n_layers, name="n_layers", func=func, minimum=0)
    d_ff = 4 * d if d_ff is None else check_integer(d_ff, name="d_ff", func=func, minimum=1)
    vocab = check_integer(n_vocab, name="n_vocab", func=func, minimum=0)
    dense, attention = _flop_terms(n, d, d_ff)
    counts = {"dense": layers * dense, "attention": layers * attention, "output": 2 * n * d * vocab}
    counts["total"] = sum(counts.values())
    return counts
