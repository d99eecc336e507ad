r"""A classifier, end to end: softmax, its gradient, the symmetries of a ReLU network and its linear regions.

- :func:`naive_softmax` and :func:`shifted_softmax`: the softmax
  :math:`p_i = e^{a_i}/\sum_j e^{a_j}` as written, which overflows for large
  logits, and after subtracting :math:`\max_j a_j`, which does not.
- :func:`logit_gradient`: the gradient of the cross-entropy of a softmax with
  respect to the logits, :math:`p - y`.
- :func:`permute_hidden_units` and :func:`rescale_hidden_units`: two changes of a
  network's parameters that leave its function unchanged (the second only for a
  positively homogeneous activation such as the ReLU).
- :func:`gaussian_relu_mlp`, :func:`linear_region_breakpoints` and
  :func:`count_linear_regions`: random ReLU networks and the exact pieces on which
  they are affine along a segment; :func:`regions_against_depth` counts them for
  many networks.
- :func:`train_digits_classifier`: the running example, an MLP on scikit-learn's
  digits.

The networks are ``torch.nn.Sequential`` stacks of ``nn.Linear`` layers and
activations, as :func:`mltheory.networks.mlp` builds them.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from functools import lru_cache

import torch
from torch import nn

from ..data import digits, train_test_indices
from ..networks import accuracy, fit, mlp
from ..runtime import one_thread
from ..validation import (
    SEED_LIMIT,
    as_float_tensor,
    check_counts,
    check_finite,
    check_integer,
    check_labels,
    check_nonempty,
    check_scalar,
    check_seed,
    check_shape,
    next_seed,
    reports_as,
)

__all__ = [
    "count_linear_regions",
    "gaussian_relu_mlp",
    "linear_region_breakpoints",
    "logit_gradient",
    "naive_softmax",
    "permute_hidden_units",
    "regions_against_depth",
    "rescale_hidden_units",
    "shifted_softmax",
    "train_digits_classifier",
]


def _logits(logits, func: str) -> torch.Tensor:
    logits = check_finite(as_float_tensor(logits, name="logits", func=func), name="logits", func=func)
    if logits.ndim == 0:
        raise ValueError(f"{func}: logits must have a class dimension (got a scalar)")
    return check_nonempty(logits, name="logits", func=func)


def naive_softmax(logits) -> torch.Tensor:
    r"""The softmax along the last dimension exactly as written, :math:`e^{a_i}/\sum_j e^{a_j}`.

    This is the version *not* to use: in float64 :math:`e^{a}` overflows to
    infinity once :math:`a > \log(\text{largest float}) \approx 709.78` (88.72
    in float32), and the ratio :math:`\infty/\infty` is NaN.

    Parameters
    ----------
    logits : array_like, shape (..., K)

    Returns
    -------
    torch.Tensor, shape (..., K)

    Examples
    --------
    >>> naive_softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]
    >>> naive_softmax([1000.0, 999.0]).isnan().all().item()
    True
    """
    a = _logits(logits, "naive_softmax")
    e = a.exp()
    return e / e.sum(-1, keepdim=True)


def shifted_softmax(logits) -> torch.Tensor:
    r"""The softmax along the last dimension after subtracting the largest logit, :math:`e^{a_i - a_{\max}}/\sum_j e^{a_j - a_{\max}}`.

    By shift invariance this is the same function as :func:`naive_softmax`, but
    every exponent is at most 0, so nothing overflows, and the denominator is at
    least 1.

    Parameters
    ----------
    logits : array_like, shape (..., K)

    Returns
    -------
    torch.Tensor, shape (..., K)

    Examples
    --------
    >>> shifted_softmax([1000.0, 1000.0]).tolist()
    [0.5, 0.5]
    """
    a = _logits(logits, "shifted_softmax")
    e = (a - a.amax(-1, keepdim=True)).exp()
    return e / e.sum(-1, keepdim=True)


def logit_gradient(logits, labels) -> torch.Tensor:
    r"""Gradient of the cross-entropy :math:`-\log p_y` with respect to the logits: :math:`p - e_y`.

    Parameters
    ----------
    logits : array_like, shape (B, K)
    labels : array_like of int, shape (B,)
        Classes in ``0, ..., K - 1``.

    Returns
    -------
    torch.Tensor, shape (B, K)
        Row ``b`` is the gradient of the loss of example ``b`` (the gradient of
        the summed loss over the batch).

    Examples
    --------
    >>> logit_gradient([[0.0, 0.0]], [1]).tolist()
    [[0.5, -0.5]]
    """
    func = "logit_gradient"
    a = _logits(logits, func)
    check_shape(a, ("B", "K"), name="logits", func=func)
    labels = check_labels(labels, name="labels", func=func, classes=a.shape[-1], shape=a.shape[:-1])
    p = torch.softmax(a, dim=-1)
    return p - nn.functional.one_hot(labels.to(a.device), a.shape[-1]).to(a.dtype)


# --------------------------------------------------------------------------- symmetries of the parameters


def _linear_layers(net, func: str) -> list[nn.Linear]:
    if not isinstance(net, nn.Sequential):
        raise TypeError(f"{func}: net must be a torch.nn.Sequential of Linear layers and activations "
                        f"(got {type(net).__name__})")
    linears = [m for m in net if isinstance(m, nn.Linear)]
    if len(linears) < 2 or not isinstance(net[-1], nn.Linear):
        raise ValueError(f"{func}: net must have a hidden layer and end with a Linear layer "
                         f"(got {len(linears)} Linear layers, last module {type(net[-1]).__name__})")
    return linears


def _hidden_layer(net, layer, func: str) -> tuple[nn.Sequential, nn.Linear, nn.Linear]:
    """A deep copy of ``net`` and, in the copy, the Linear layers before and after hidden layer ``layer``."""
    linears = _linear_layers(net, func)
    layer = check_integer(layer, name="layer", func=func, minimum=0)
    if layer > len(linears) - 2:
        raise ValueError(f"{func}: layer must index a hidden layer, 0 to {len(linears) - 2} (got {layer})")
    new = copy.deepcopy(net)
    new_linears = [m for m in new if isinstance(m, nn.Linear)]
    return new, new_linears[layer], new_linears[layer + 1]


def permute_hidden_units(net, permutation, *, layer: int = 0) -> nn.Sequential:
    r"""A copy of ``net`` whose hidden units in ``layer`` are reordered by ``permutation``.

    Unit ``j`` of the copy is unit ``permutation[j]`` of ``net``: the rows of the
    incoming weight matrix and bias are permuted, and so are the columns of the
    outgoing weight matrix. For any elementwise activation the copy computes the
    same function.

    Parameters
    ----------
    net : torch.nn.Sequential
        Linear layers with elementwise activations between them.
    permutation : array_like of int, shape (n,)
        A permutation of ``range(n)``, ``n`` the width of the hidden layer.
    layer : int, default 0
        Which hidden layer (0 is the first).

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> net = mlp([3, 4, 2], seed=0, dtype=torch.float64)
    >>> x = torch.randn(5, 3, dtype=torch.float64)
    >>> torch.allclose(permute_hidden_units(net, [2, 0, 3, 1])(x), net(x))
    True
    """
    func = "permute_hidden_units"
    new, incoming, outgoing = _hidden_layer(net, layer, func)
    width = incoming.out_features
    order = check_labels(permutation, name="permutation", func=func, classes=width, shape=(width,))
    if not torch.equal(order.sort().values, torch.arange(width)):
        raise ValueError(f"{func}: permutation must contain each of 0..{width - 1} once (got {order.tolist()})")
    with torch.no_grad():
        incoming.weight.copy_(incoming.weight[order])
        incoming.bias.copy_(incoming.bias[order])
        outgoing.weight.copy_(outgoing.weight[:, order])
    return new


def rescale_hidden_units(net, factors, *, layer: int = 0) -> nn.Sequential:
    r"""A copy of ``net`` with hidden unit ``j`` of ``layer`` scaled by ``factors[j]`` going in and by its inverse going out.

    The incoming weights and bias of unit ``j`` are multiplied by
    :math:`c_j > 0` and its outgoing weights divided by :math:`c_j`. For a
    positively homogeneous activation, :math:`\phi(cz) = c\,\phi(z)` for
    :math:`c > 0` (the ReLU, leaky ReLU, the identity), the copy computes the
    same function; for others, such as tanh, it does not.

    Parameters
    ----------
    net : torch.nn.Sequential
        Linear layers with elementwise activations between them.
    factors : array_like, shape (n,)
        Positive factors, one per unit of the hidden layer.
    layer : int, default 0
        Which hidden layer (0 is the first).

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> net = mlp([3, 4, 2], seed=0, dtype=torch.float64)
    >>> x = torch.randn(5, 3, dtype=torch.float64)
    >>> torch.allclose(rescale_hidden_units(net, [2.0, 0.5, 3.0, 1.0])(x), net(x))
    True
    """
    func = "rescale_hidden_units"
    new, incoming, outgoing = _hidden_layer(net, layer, func)
    width = incoming.out_features
    c = check_finite(as_float_tensor(factors, name="factors", func=func), name="factors", func=func)
    check_shape(c, (width,), name="factors", func=func)
    if not bool((c > 0).all()):
        raise ValueError(f"{func}: factors must be positive (got minimum {float(c.min())})")
    c = c.to(incoming.weight.dtype)
    with torch.no_grad():
        incoming.weight.mul_(c[:, None])
        incoming.bias.mul_(c)
        outgoing.weight.div_(c[None, :])
    return new


# --------------------------------------------------------------------------- linear regions along a segment


@reports_as("gaussian_relu_mlp")
def gaussian_relu_mlp(sizes: Sequence[int], *, seed: int, weight_gain: float = math.sqrt(2),
                      bias_std: float = 0.0) -> nn.Sequential:
    r"""A ReLU network in float64 with Gaussian weights of variance ``weight_gain² / fan_in`` and biases of variance ``bias_std²``.

    With the default gain :math:`\sqrt2` (He initialisation) the second moment
    of the pre-activations stays the same from layer to layer.

    Parameters
    ----------
    sizes : sequence of int
        Widths ``[d_in, h_1, ..., d_out]``.
    seed : int
    weight_gain : float, default sqrt(2)
    bias_std : float, default 0

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> net = gaussian_relu_mlp([2, 8, 8, 1], seed=0)
    >>> net(torch.zeros(3, 2, dtype=torch.float64)).tolist()
    [[0.0], [0.0], [0.0]]
    """
    func = "gaussian_relu_mlp"
    gain = check_scalar(weight_gain, name="weight_gain", func=func, low=0, low_open=True)
    bias_std = check_scalar(bias_std, name="bias_std", func=func, low=0)
    net = mlp(sizes, seed=check_seed(seed, func=func), dtype=torch.float64)
    generator = torch.Generator().manual_seed(next_seed(seed))
    with torch.no_grad():
        for linear in (m for m in net if isinstance(m, nn.Linear)):
            linear.weight.normal_(0.0, gain / math.sqrt(linear.in_features), generator=generator)
            linear.bias.normal_(0.0, 1.0, generator=generator).mul_(bias_std)
    return net


def _relu_network(net, func: str) -> list[nn.Linear]:
    linears = _linear_layers(net, func)
    for i, module in enumerate(net):
        expected = nn.Linear if i % 2 == 0 else nn.ReLU
        if not isinstance(module, expected):
            raise ValueError(f"{func}: net must alternate Linear and ReLU modules, starting and ending with Linear "
                             f"(got {type(module).__name__} at position {i})")
    return linears


def linear_region_breakpoints(net, start, end) -> torch.Tensor:
    r"""The points :math:`t \in (0, 1)` where the ReLU network changes its activation pattern on :math:`x(t) = (1-t)\,\text{start} + t\,\text{end}`.

    Along the segment every pre-activation of the first layer is affine in
    :math:`t`, so it changes sign at most once, at a point found exactly (up to
    rounding) by solving a linear equation. Between consecutive sign changes
    the first layer's output is affine in :math:`t`, so the same holds for the
    second layer on each such piece, and so on: layer by layer, each piece is
    split where a pre-activation crosses zero inside it. The result is exact
    up to float64 rounding of the crossing points; no grid is used.

    Parameters
    ----------
    net : torch.nn.Sequential
        Alternating ``nn.Linear`` and ``nn.ReLU`` modules, ending with ``nn.Linear``.
    start, end : array_like, shape (d,)
        The ends of the segment.

    Returns
    -------
    torch.Tensor, shape (m,)
        Sorted breakpoints in float64; the network is affine on each of the
        ``m + 1`` pieces between them.

    Examples
    --------
    >>> net = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1)).double()
    >>> with torch.no_grad():
    ...     _ = net[0].weight.copy_(torch.tensor([[1.0], [1.0]])); _ = net[0].bias.copy_(torch.tensor([0.0, -0.5]))
    >>> linear_region_breakpoints(net, [-1.0], [1.0]).tolist()
    [0.5, 0.75]
    """
    layers, a, b = _segment(net, start, end, "linear_region_breakpoints")
    return _breakpoints(layers, a, b)


def _segment(net, start, end, func: str):
    """The hidden layers of ``net`` as float64 (weight, bias) pairs and the ends of the segment, validated."""
    linears = _relu_network(net, func)
    dim = linears[0].in_features
    ends = []
    for name, point in (("start", start), ("end", end)):
        point = check_finite(as_float_tensor(point, name=name, func=func), name=name, func=func)
        check_shape(point, (dim,), name=name, func=func)
        ends.append(point.to(torch.float64))
    a, b = ends
    if torch.equal(a, b):
        raise ValueError(f"{func}: start and end must differ (got the same point twice)")
    with torch.no_grad():
        layers = [(m.weight.detach().to(torch.float64), m.bias.detach().to(torch.float64)) for m in linears[:-1]]
    return layers, a, b


def _breakpoints(layers, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    cuts = a.new_tensor([0.0, 1.0])
    for cuts in _cuts_by_layer(layers, a, b):
        pass
    return cuts[1:-1]


def _cuts_by_layer(layers, a: torch.Tensor, b: torch.Tensor):
    """For hidden layers given as (weight, bias) pairs: after each layer, ``0``, the breakpoints so far, and ``1``."""
    cuts = torch.tensor([0.0, 1.0], dtype=torch.float64)
    # on each piece the input to the current layer is offset + t * slope, one row per piece
    offset, slope = a[None, :], (b - a)[None, :]
    for weight, bias in layers:
        z0, z1 = offset @ weight.T + bias, slope @ weight.T
        roots = -z0 / z1
        inside = (roots > cuts[:-1, None]) & (roots < cuts[1:, None]) & (z1 != 0)
        new_cuts = torch.cat([cuts, roots[inside]]).unique()
        parent = torch.searchsorted(cuts, new_cuts[:-1], right=True) - 1
        middle = (new_cuts[:-1] + new_cuts[1:]) / 2
        z0, z1 = z0[parent], z1[parent]
        active = (z0 + middle[:, None] * z1) > 0
        offset, slope, cuts = z0 * active, z1 * active, new_cuts
        yield cuts


def count_linear_regions(net, start, end) -> int:
    r"""The number of pieces of the segment from ``start`` to ``end`` on which the ReLU network is affine.

    This is one more than the number of :func:`linear_region_breakpoints`: the
    number of activation patterns the segment passes through. (Two neighbouring
    pieces may happen to share the same affine map; they are still counted as
    two regions.)

    Parameters
    ----------
    net : torch.nn.Sequential
        Alternating ``nn.Linear`` and ``nn.ReLU`` modules, ending with ``nn.Linear``.
    start, end : array_like, shape (d,)

    Returns
    -------
    int

    Examples
    --------
    >>> net = gaussian_relu_mlp([1, 3, 1], seed=0)
    >>> count_linear_regions(net, [-10.0], [10.0]) <= 4  # at most one kink per unit on a line
    True
    """
    return 1 + _breakpoints(*_segment(net, start, end, "count_linear_regions")).numel()


def regions_against_depth(depths=(1, 2, 3, 4, 5, 6), *, width: int = 16, networks: int = 50, seed: int = 0,
                          half_length: float = 2.0) -> torch.Tensor:
    r"""Linear regions of random ReLU networks along one segment, for several depths.

    Each network has inputs of dimension 2 and ``depth`` hidden layers of
    ``width`` ReLU units with Gaussian weights of variance 2/fan-in (He
    initialisation) and no biases; the network of depth :math:`L` is the first
    :math:`L` hidden layers of one deepest network, so the depths share their
    first layers. The segment runs from :math:`(-\ell, 1)` to :math:`(\ell, 1)`
    with :math:`\ell` = ``half_length``: it passes at distance 1 from the origin.

    Parameters
    ----------
    depths : sequence of int
        Numbers of hidden layers.
    width : int, default 16
    networks : int, default 50
        Networks per depth, seeded ``seed``, ``seed + 1``, ...
    seed : int, default 0
    half_length : float, default 2

    Returns
    -------
    torch.Tensor, shape (len(depths), networks)
        The counts, as float64.

    Examples
    --------
    >>> regions_against_depth((1,), width=4, networks=3).shape
    torch.Size([1, 3])
    """
    func = "regions_against_depth"
    depths = check_counts(depths, name="depths", func=func, minimum=1)
    width = check_integer(width, name="width", func=func, minimum=1)
    networks = check_integer(networks, name="networks", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    ell = check_scalar(half_length, name="half_length", func=func, low=0, low_open=True)
    with one_thread():
        return _count_regions(depths, width, networks, seed, ell)


def _count_regions(depths, width, networks, seed, ell) -> torch.Tensor:
    start = torch.tensor([-ell, 1.0], dtype=torch.float64)
    end = torch.tensor([ell, 1.0], dtype=torch.float64)
    counts = torch.empty(len(depths), networks, dtype=torch.float64)
    for k in range(networks):
        # He-initialised hidden layers without biases, as gaussian_relu_mlp draws them but without building
        # modules (the read-out layer does not matter); they are not gaussian_relu_mlp(seed=k)'s layers
        generator = torch.Generator().manual_seed((seed + k) % SEED_LIMIT)
        layers, fan_in = [], 2
        for _ in range(max(depths)):
            weight = torch.randn(width, fan_in, generator=generator, dtype=torch.float64) * math.sqrt(2 / fan_in)
            layers.append((weight, torch.zeros(width, dtype=torch.float64)))
            fan_in = width
        regions = [len(cuts) - 1 for cuts in _cuts_by_layer(layers, start, end)]
        counts[:, k] = torch.tensor([regions[depth - 1] for depth in depths], dtype=torch.float64)
    return counts


# --------------------------------------------------------------------------- the digits classifier


@lru_cache(maxsize=4)
@one_thread()
def _train_digits(hidden: int, epochs: int, batch_size: int, lr: float, seed: int, trained: bool):
    x, y = digits(dtype=torch.float32)
    train, test = train_test_indices(len(x), test_fraction=0.2, seed=seed)
    net = mlp([64, hidden, 10], seed=seed)
    history = []
    if trained:
        history = fit(net, x[train], y[train], loss=nn.functional.cross_entropy, epochs=epochs,
                      batch_size=batch_size, lr=lr, seed=seed,
                      evaluate=lambda m: {"train_accuracy": accuracy(m, x[train], y[train]),
                                          "test_accuracy": accuracy(m, x[test], y[test])})
    with torch.no_grad():
        predicted = net(x[test]).argmax(-1)
    confusion = torch.zeros(10, 10, dtype=torch.int64)
    confusion.index_put_((y[test], predicted), torch.ones_like(predicted), accumulate=True)
    return net, history, accuracy(net, x[test], y[test]), len(test), confusion


def train_digits_classifier(*, hidden: int = 128, epochs: int = 30, batch_size: int = 64, lr: float = 1e-3,
                            seed: int = 0, trained: bool = True) -> dict:
    r"""Train an MLP ``64 → hidden → 10`` with ReLU and cross-entropy on scikit-learn's digits.

    The 1797 images are split at random, 80 % for training and 20 % for testing
    (:func:`mltheory.data.train_test_indices`), and the network
    (:func:`mltheory.networks.mlp`) is trained with Adam
    (:func:`mltheory.networks.fit`). Runs are cached per setting; each call
    returns its own copies.

    Parameters
    ----------
    hidden : int, default 128
    epochs : int, default 30
    batch_size : int, default 64
    lr : float, default 1e-3
    seed : int, default 0
        Seed of the split, the initial weights and the minibatch order.
    trained : bool, default True
        ``False`` returns the network at initialisation (no training).

    Returns
    -------
    dict
        ``model``; ``history`` (one dict per epoch: ``loss``, ``train_accuracy``,
        ``test_accuracy``); ``test_accuracy``; ``n_test``, the number of test
        images; ``confusion``, the 10×10 counts of (true, predicted) digits on the test set.

    Examples
    --------
    >>> result = train_digits_classifier(epochs=3)
    >>> result["n_test"], result["test_accuracy"] > 0.8
    (359, True)
    """
    func = "train_digits_classifier"
    if not isinstance(trained, bool):
        raise TypeError(f"{func}: trained must be True or False (got {trained!r})")
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    batch_size = check_integer(batch_size, name="batch_size", func=func, minimum=1)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    seed = check_seed(seed, func=func)
    net, history, test_accuracy, n_test, confusion = _train_digits(hidden, epochs, batch_size, lr, seed, trained)
    return {"model": copy.deepcopy(net), "history": [dict(record) for record in history],
            "test_accuracy": test_accuracy, "n_test": n_test, "confusion": confusion.clone()}
