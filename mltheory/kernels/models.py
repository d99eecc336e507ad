r"""The layers of :mod:`mltheory.kernels.blocks` put together: embeddings, a transformer block, a small CNN.

- :func:`embedding`: a token lookup written as the product of one-hot vectors with the embedding
  matrix (``nn.Embedding``);
- :func:`transformer_block`: one layer of a transformer, self-attention and a feed-forward network
  with residual connections and layer norms, after (post-LN) or before (pre-LN) each sublayer,
  with the parameters of an ``nn.TransformerEncoderLayer``;
- :func:`gram_matrix`: the channel correlations of a feature map, the "style" statistic;
- :func:`small_cnn` and :func:`digits_cnn_vs_mlp`: a two-layer convolutional network against a fully
  connected one on the 8×8 scikit-learn digits (cached: the page's claim and figure share one run).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import lru_cache

import torch
import torch.nn.functional as F
from torch import nn

from ..data import digits, train_test_indices
from ..networks import accuracy, fit, mlp
from ..runtime import one_thread
from ..validation import check_flag, check_integer, check_labels, check_scalar, check_seed, check_shape
from .blocks import _shaped, _tensor, multi_head_attention

__all__ = ["digits_cnn_vs_mlp", "embedding", "gram_matrix", "small_cnn", "transformer_block"]


def embedding(tokens, weight) -> torch.Tensor:
    r"""Token embeddings as a matrix product, :math:`E(t) = \mathbf{e}_t^\top W`.

    Token :math:`t` of a vocabulary of size :math:`n_\text{vocab}` is the one-hot row vector
    :math:`\mathbf{e}_t`; multiplying it by the :math:`n_\text{vocab}\times d` matrix :math:`W` picks
    row :math:`t`. This is what ``nn.Embedding`` computes, by indexing instead of multiplying.

    Parameters
    ----------
    tokens : array_like of int, shape (...)
        Token indices in ``[0, n_vocab)``.
    weight : array_like, shape (n_vocab, d)
        The embedding matrix (``nn.Embedding.weight``).

    Returns
    -------
    torch.Tensor, shape (..., d)

    Examples
    --------
    >>> import torch
    >>> table = torch.nn.Embedding(5, 3, dtype=torch.float64)
    >>> tokens = torch.tensor([[0, 4, 4, 1]])
    >>> bool(torch.equal(embedding(tokens, table.weight), table(tokens)))
    True
    """
    func = "embedding"
    weight = _shaped(weight, "weight", func, ("n_vocab", "d"), {})
    tokens = check_labels(tokens, name="tokens", func=func, classes=weight.shape[0])
    return F.one_hot(tokens, weight.shape[0]).to(weight.dtype) @ weight


BLOCK_PARAMETERS = (
    "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
    "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
    "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
)


def transformer_block(x, params: Mapping, *, norm_first: bool, n_heads: int, causal: bool = False,
                      eps: float = 1e-5) -> torch.Tensor:
    r"""One transformer layer: self-attention and a ReLU feed-forward network, each with a residual and a layer norm.

    Post-LN (``norm_first=False``, the original transformer and ``nn.TransformerEncoderLayer``'s
    default) normalises after each residual sum; pre-LN (``norm_first=True``) normalises the input of
    each sublayer and leaves the residual stream untouched:

    .. math::
        \text{post-LN:}\quad y = \mathrm{LN}_1(x + \mathrm{MHA}(x)),\quad
        \text{out} = \mathrm{LN}_2(y + \mathrm{FF}(y));\qquad
        \text{pre-LN:}\quad y = x + \mathrm{MHA}(\mathrm{LN}_1 x),\quad
        \text{out} = y + \mathrm{FF}(\mathrm{LN}_2 y),

    with :math:`\mathrm{FF}(y) = W_2\,\mathrm{ReLU}(W_1y + b_1) + b_2` applied to each token.

    Parameters
    ----------
    x : array_like, shape (..., n, d)
        The sequence, one row per token.
    params : mapping
        The parameters, named as in ``nn.TransformerEncoderLayer.named_parameters()``:
        ``self_attn.in_proj_weight`` (3d, d), ``self_attn.in_proj_bias`` (3d,),
        ``self_attn.out_proj.weight`` (d, d), ``self_attn.out_proj.bias`` (d,), ``linear1.weight``
        (d_ff, d), ``linear1.bias`` (d_ff,), ``linear2.weight`` (d, d_ff), ``linear2.bias`` (d,) and the
        layer norms' ``norm1.weight``, ``norm1.bias``, ``norm2.weight``, ``norm2.bias`` (d,).
    norm_first : bool
        Pre-LN if true, post-LN if false.
    n_heads : int
        Number of attention heads; must divide d.
    causal : bool, default False
        Mask the future in the attention.
    eps : float, default 1e-5
        The layer norms' :math:`\epsilon`.

    Returns
    -------
    torch.Tensor, shape (..., n, d)

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=True,
    ...                                          dtype=torch.float64).eval()
    >>> x = torch.randn(1, 5, 8, dtype=torch.float64)
    >>> mine = transformer_block(x, dict(layer.named_parameters()), norm_first=True, n_heads=2)
    >>> bool(torch.allclose(mine, layer(x)))
    True
    """
    func = "transformer_block"
    if not isinstance(params, Mapping):
        raise TypeError(f"transformer_block: params must be a mapping of parameter names to tensors "
                        f"(got {type(params).__name__})")
    missing = [name for name in BLOCK_PARAMETERS if name not in params]
    if missing:
        raise ValueError(f"{func}: params lacks {', '.join(missing)} (got {list(params) or 'no keys'})")
    norm_first = check_flag(norm_first, name="norm_first", func=func)
    causal = check_flag(causal, name="causal", func=func)
    eps = check_scalar(eps, name="eps", func=func, low=0, low_open=True)
    heads = check_integer(n_heads, name="n_heads", func=func, minimum=1)
    p = {name: _tensor(params[name], f"params[{name!r}]", func) for name in BLOCK_PARAMETERS}
    sizes = check_shape(p["self_attn.out_proj.weight"], ("d", "d"), name="params['self_attn.out_proj.weight']",
                        func=func)
    if sizes["d"] % heads:
        raise ValueError(f"{func}: n_heads must divide d = {sizes['d']} (got {heads})")
    sizes["3 d"] = 3 * sizes["d"]
    check_shape(p["self_attn.in_proj_weight"], ("3 d", "d"), name="params['self_attn.in_proj_weight']", func=func,
                sizes=sizes)
    check_shape(p["self_attn.in_proj_bias"], ("3 d",), name="params['self_attn.in_proj_bias']", func=func,
                sizes=sizes)
    check_shape(p["linear1.weight"], ("d_ff", "d"), name="params['linear1.weight']", func=func, sizes=sizes)
    check_shape(p["linear2.weight"], ("d", "d_ff"), name="params['linear2.weight']", func=func, sizes=sizes)
    check_shape(p["linear1.bias"], ("d_ff",), name="params['linear1.bias']", func=func, sizes=sizes)
    for name in ("self_attn.out_proj.bias", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"):
        check_shape(p[name], ("d",), name=f"params[{name!r}]", func=func, sizes=sizes)
    x = _tensor(x, "x", func)
    check_shape(x, ("...", "n", "d"), name="x", func=func, sizes=sizes)

    def attend(h):
        return multi_head_attention(h, p["self_attn.in_proj_weight"], p["self_attn.out_proj.weight"], heads,
                                    p["self_attn.in_proj_bias"], p["self_attn.out_proj.bias"], causal=causal)

    def feed_forward(h):
        return F.linear(torch.relu(F.linear(h, p["linear1.weight"], p["linear1.bias"])),
                        p["linear2.weight"], p["linear2.bias"])

    def norm(h, k):
        return F.layer_norm(h, (sizes["d"],), p[f"norm{k}.weight"], p[f"norm{k}.bias"], eps)

    if norm_first:
        x = x + attend(norm(x, 1))
        return x + feed_forward(norm(x, 2))
    x = norm(x + attend(x), 1)
    return norm(x + feed_forward(x), 2)


# ------------------------------------------------------------------ convolutional networks


def gram_matrix(features) -> torch.Tensor:
    r"""The Gram matrix of a feature map, :math:`G_{cc'} = \frac{1}{HW}\sum_{p} F_{c,p}F_{c',p}`.

    The sum runs over the :math:`HW` positions :math:`p` of the map, so :math:`G` records which
    channels fire together and forgets where: it is unchanged by any permutation of the positions.
    Gatys et al. use these matrices of a CNN's layers as the "style" of an image.

    Parameters
    ----------
    features : array_like, shape (..., C, H, W)

    Returns
    -------
    torch.Tensor, shape (..., C, C)

    Examples
    --------
    >>> import torch
    >>> f = torch.arange(8.0, dtype=torch.float64).reshape(2, 2, 2)
    >>> gram_matrix(f)
    tensor([[ 3.5000,  9.5000],
            [ 9.5000, 31.5000]], dtype=torch.float64)
    >>> bool(torch.equal(gram_matrix(f.flip(-1)), gram_matrix(f)))
    True
    """
    func = "gram_matrix"
    features = _tensor(features, "features", func)
    check_shape(features, ("...", "C", "H", "W"), name="features", func=func)
    flat = features.flatten(-2)
    return flat @ flat.transpose(-2, -1) / flat.shape[-1]


# ------------------------------------------------------------------ a small CNN on the digits


def small_cnn(*, channels: int = 8, seed: int) -> nn.Sequential:
    r"""A convolutional network for 8×8 images: two 3×3 convolutions, each with ReLU and 2×2 max-pooling.

    The layers are conv (1 → c channels), pool to 4×4, conv (c → 2c), pool to 2×2, and a linear map from
    the :math:`2c\cdot 2\cdot 2` features to 10 classes. Inputs are flattened images of 64 pixels.

    Parameters
    ----------
    channels : int, default 8
        Channels :math:`c` of the first convolution.
    seed : int
        Seed of the initial weights (PyTorch's default initialisation).

    Examples
    --------
    >>> import torch
    >>> net = small_cnn(seed=0)
    >>> net(torch.zeros(5, 64)).shape, sum(p.numel() for p in net.parameters())
    (torch.Size([5, 10]), 1898)
    """
    func = "small_cnn"
    c = check_integer(channels, name="channels", func=func, minimum=1)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check_seed(seed, func=func))
        return nn.Sequential(
            nn.Unflatten(1, (1, 8, 8)),
            nn.Conv2d(1, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c, 2 * c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(2 * c * 4, 10),
        )


@lru_cache(maxsize=4)
@one_thread()
def _comparison(hidden: int, epochs: int, seed: int, trained: bool) -> dict:
    x, y = digits(dtype=torch.float32)
    train, test = train_test_indices(len(x), seed=seed)
    out = {"n_test": len(test)}
    for name, model in (("cnn", small_cnn(seed=seed)), ("mlp", mlp([64, hidden, 10], seed=seed))):
        history = []
        if trained:
            history = fit(model, x[train], y[train], loss=F.cross_entropy, epochs=epochs, batch_size=128, lr=1e-2,
                          seed=seed, evaluate=lambda m: {"test_accuracy": accuracy(m, x[test], y[test])})
        out[name] = {"parameters": sum(p.numel() for p in model.parameters()),
                     "test_accuracy": accuracy(model, x[test], y[test]),
                     "curve": [record["test_accuracy"] for record in history]}
    return out


def digits_cnn_vs_mlp(*, hidden: int = 128, epochs: int = 25, seed: int = 0, trained: bool = True) -> dict:
    r"""Train :func:`small_cnn` and a one-hidden-layer MLP on the digits with the same budget, and compare.

    Both are trained with Adam (learning rate 0.01, batches of 128) for ``epochs`` passes over a seeded
    80% of the 1797 images and tested on the other 20%. The result is cached, so a page's claim and
    figure share one run.

    Parameters
    ----------
    hidden : int, default 128
        Width of the MLP's hidden layer.
    epochs : int, default 25
    seed : int, default 0
        Seed of the split, the initial weights and the batch order.
    trained : bool, default True
        If false, report the networks as initialised.

    Returns
    -------
    dict
        ``"n_test"`` and, under ``"cnn"`` and ``"mlp"``, the ``"parameters"``, the final
        ``"test_accuracy"`` and the test accuracy after each epoch (``"curve"``).

    Examples
    --------
    >>> result = digits_cnn_vs_mlp(epochs=1)
    >>> result["cnn"]["parameters"], result["mlp"]["parameters"], result["n_test"]
    (1898, 9610, 359)
    """
    func = "digits_cnn_vs_mlp"
    return copy.deepcopy(_comparison(check_integer(hidden, name="hidden", func=func, minimum=1),
                                     check_integer(epochs, name="epochs", func=func, minimum=1),
                                     check_seed(seed, func=func),
                                     check_flag(trained, name="trained", func=func)))
