"""Small neural networks, their building blocks, and a seeded trainer, for the experiments the book runs on a CPU.

Everything is deterministic given a seed: the initial weights, the order of the
minibatches, and therefore the whole training run (on one device, with the
same library versions). The building blocks of the page on signal propagation
are the initialisations of He, LeCun and Glorot (:func:`init_variance`,
:func:`init_weight`) and the normalisations :func:`layer_norm`,
:func:`batch_norm` and :func:`weight_norm`, written out and checked against
``torch.nn``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from .validation import (
    check_callable,
    check_choice,
    as_float_tensor,
    as_generator,
    check_finite,
    check_flag,
    check_float_dtype,
    check_integer,
    check_labels,
    check_scalar,
    check_seed,
    check_shape,
)

__all__ = ["INITIALISATIONS", "accuracy", "batch_norm", "fit", "init_variance", "init_weight", "layer_norm", "mlp",
           "weight_norm"]

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "identity": nn.Identity}


def mlp(sizes: Sequence[int], *, activation: str = "relu", seed: int, dtype=torch.float32) -> nn.Sequential:
    """A fully connected network with the given layer widths, initialised from ``seed``.

    Parameters
    ----------
    sizes : sequence of int
        Widths ``[d_in, h_1, ..., d_out]``, at least two entries, all positive.
    activation : {"relu", "tanh", "gelu", "identity"}, default "relu"
        Nonlinearity between layers (none after the last layer).
    seed : int
        Seed for the initial weights (PyTorch's default initialisation).
    dtype : torch.dtype, default torch.float32

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> net = mlp([64, 32, 10], seed=0)
    >>> net(torch.zeros(5, 64)).shape
    torch.Size([5, 10])
    >>> torch.equal(mlp([3, 2], seed=1)[0].weight, mlp([3, 2], seed=1)[0].weight)
    True
    """
    func = "mlp"
    if not isinstance(sizes, Sequence) or isinstance(sizes, (str, bytes)):
        raise TypeError(f"{func}: sizes must be a sequence of integer widths (got {type(sizes).__name__})")
    if len(sizes) < 2:
        raise ValueError(f"{func}: sizes must list at least an input and an output width (got {sizes!r})")
    sizes = [check_integer(s, name="sizes", func=func, minimum=1) for s in sizes]
    check_choice(activation, tuple(_ACTIVATIONS), name="activation", func=func)
    seed = check_seed(seed, func=func)
    dtype = check_float_dtype(dtype, func=func)
    layers: list[nn.Module] = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for i, (width_in, width_out) in enumerate(zip(sizes, sizes[1:])):
            layers.append(nn.Linear(width_in, width_out, dtype=dtype))
            if i < len(sizes) - 2:
                layers.append(_ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def fit(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    weight_decay: float = 0.0,
    evaluate: Callable[[nn.Module], dict] | None = None,
    optimizer: str = "adam",
) -> list[dict]:
    """Train ``model`` in place with Adam (or SGD with momentum) on minibatches drawn in a seeded order.

    Parameters
    ----------
    model : torch.nn.Module
        The network; its parameters are updated in place.
    x, y : torch.Tensor
        Inputs and targets, with the examples along the first dimension.
    loss : callable
        ``loss(model(x_batch), y_batch)`` returns a scalar, e.g.
        ``torch.nn.functional.cross_entropy``.
    epochs, batch_size : int
        Number of passes over the data, and examples per step (the last batch
        of an epoch may be smaller).
    lr : float
        Adam's learning rate.
    seed : int
        Seed of the minibatch order.
    weight_decay : float, default 0
        The optimizer's L2 penalty.
    evaluate : callable, optional
        Called as ``evaluate(model)`` after every epoch (in eval mode, without
        gradients); the dictionaries it returns make up the history.
    optimizer : {"adam", "sgd"}, default "adam"
        Adam, or stochastic gradient descent with momentum 0.9. SGD moves the weights along sums of gradients,
        so each step of a first layer is a combination of the inputs; Adam rescales every coordinate.

    Returns
    -------
    list of dict
        One entry per epoch: ``{"epoch": k, "loss": mean training loss, **evaluate(model)}``.

    Examples
    --------
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(256, 2, generator=g)
    >>> y = (x[:, 0] > 0).long()
    >>> net = mlp([2, 16, 2], seed=0)
    >>> history = fit(net, x, y, loss=nn.functional.cross_entropy, epochs=30, batch_size=32, lr=1e-2, seed=0,
    ...               evaluate=lambda m: {"accuracy": accuracy(m, x, y)})
    >>> history[-1]["accuracy"] > 0.95
    True
    """
    func = "fit"
    if not isinstance(model, nn.Module):
        raise TypeError(f"{func}: model must be a torch.nn.Module (got {type(model).__name__})")
    _check_model(model, func)
    _check_examples(x, y, func)
    check_callable(loss, name="loss", func=func)
    if evaluate is not None:
        check_callable(evaluate, name="evaluate", func=func)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    batch_size = check_integer(batch_size, name="batch_size", func=func, minimum=1)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    weight_decay = check_scalar(weight_decay, name="weight_decay", func=func, low=0)
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    if check_choice(optimizer, ("adam", "sgd"), name="optimizer", func=func) == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=weight_decay)
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(x), generator=generator).to(x.device)
        total = 0.0
        for batch in order.split(batch_size):
            optimizer.zero_grad()
            value = loss(model(x[batch]), y[batch])
            value.backward()
            optimizer.step()
            total += value.item() * len(batch)
        record = {"epoch": epoch, "loss": total / len(x)}
        if evaluate is not None:
            model.eval()
            with torch.no_grad():
                record.update(evaluate(model))
        history.append(record)
    return history


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of examples whose largest output is the label ``y``.

    Examples
    --------
    >>> net = nn.Linear(2, 2)
    >>> with torch.no_grad():
    ...     _ = net.weight.copy_(torch.eye(2)); _ = net.bias.zero_()
    >>> accuracy(net, torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 0]))
    0.5
    """
    func = "accuracy"
    _check_model(model, func)
    _check_examples(x, y, func)
    with torch.no_grad():
        scores = model(x)
    y = check_labels(y, name="y", func=func, classes=scores.shape[-1], shape=scores.shape[:-1])
    return (scores.argmax(-1) == y).double().mean().item()


def _check_model(model, func: str) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"{func}: model must be a torch.nn.Module (got {type(model).__name__})")


def _check_examples(x, y, func: str) -> None:
    """``x`` and ``y`` must be tensors with the same non-zero number of examples, without NaN or infinities."""
    for name, value in (("x", x), ("y", y)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{func}: {name} must be a tensor (got {type(value).__name__})")
        if value.is_floating_point():
            check_finite(value, name=name, func=func)
    if x.ndim == 0 or y.ndim == 0 or len(x) != len(y) or len(x) == 0:
        raise ValueError(f"{func}: x and y must have the same, non-zero number of examples "
                         f"(got shapes {tuple(x.shape)} and {tuple(y.shape)})")


# ------------------------------------------------------------------ initialisation

_VARIANCES = {
    "he": lambda fan_in, fan_out: 2 / fan_in,
    "lecun": lambda fan_in, fan_out: 1 / fan_in,
    "glorot": lambda fan_in, fan_out: 2 / (fan_in + fan_out),
}

INITIALISATIONS = tuple(_VARIANCES)
"""The initialisations of :func:`init_variance` and :func:`init_weight`: He, LeCun and Glorot."""


def init_variance(scheme: str, fan_in: int, fan_out: int) -> float:
    r"""The weight variance of an initialisation: He :math:`2/n_{in}`, LeCun :math:`1/n_{in}`, Glorot :math:`2/(n_{in}+n_{out})`.

    He et al. (2015) keep the second moment of the signal of a ReLU network constant through the layers;
    LeCun et al. (1998) keep the variance of a linear (or tanh) network's signal constant; Glorot and
    Bengio (2010) compromise between the forward pass (:math:`1/n_{in}`) and the backward pass
    (:math:`1/n_{out}`).

    Parameters
    ----------
    scheme : {"he", "lecun", "glorot"}
    fan_in, fan_out : int
        Inputs and outputs of the layer, positive.

    Returns
    -------
    float

    Examples
    --------
    >>> init_variance("he", 512, 512), init_variance("glorot", 100, 300)
    (0.00390625, 0.005)
    """
    func = "init_variance"
    check_choice(scheme, INITIALISATIONS, name="scheme", func=func)
    fan_in = check_integer(fan_in, name="fan_in", func=func, minimum=1)
    fan_out = check_integer(fan_out, name="fan_out", func=func, minimum=1)
    return _VARIANCES[scheme](fan_in, fan_out)


def init_weight(fan_in: int, fan_out: int, scheme: str = "he", *, seed, dtype=torch.float64) -> torch.Tensor:
    r"""A Gaussian weight matrix of shape ``(fan_out, fan_in)`` with mean 0 and variance :func:`init_variance`.

    With the same generator it draws the same numbers as ``torch.nn.init.kaiming_normal_``
    (``nonlinearity="relu"`` for He, ``"linear"`` for LeCun) and ``torch.nn.init.xavier_normal_`` (Glorot).

    Parameters
    ----------
    fan_in, fan_out : int
    scheme : {"he", "lecun", "glorot"}, default "he"
    seed : int or torch.Generator
    dtype : torch.dtype, default torch.float64

    Returns
    -------
    torch.Tensor, shape (fan_out, fan_in)

    Examples
    --------
    >>> w = init_weight(256, 128, "he", seed=0)
    >>> w.shape, round(float(w.var() * 256), 1)
    (torch.Size([128, 256]), 2.0)
    """
    func = "init_weight"
    fan_in = check_integer(fan_in, name="fan_in", func=func, minimum=1)
    fan_out = check_integer(fan_out, name="fan_out", func=func, minimum=1)
    variance = _VARIANCES[check_choice(scheme, INITIALISATIONS, name="scheme", func=func)](fan_in, fan_out)
    generator = as_generator(seed, func=func)
    dtype = check_float_dtype(dtype, func=func)
    return torch.empty(fan_out, fan_in, dtype=dtype).normal_(0.0, variance**0.5, generator=generator)


# ------------------------------------------------------------------ normalisation


def _normalise(x: torch.Tensor, mean: torch.Tensor, variance: torch.Tensor, eps: float) -> torch.Tensor:
    return (x - mean) / torch.sqrt(variance + eps)


def _affine(y: torch.Tensor, weight, bias, features: int, func: str) -> torch.Tensor:
    """``y * weight + bias`` with each (optional) of shape ``(features,)``."""
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None:
            value = check_finite(as_float_tensor(value, name=name, func=func), name=name, func=func)
            check_shape(value, (features,), name=name, func=func)
            y = y * value if name == "weight" else y + value
    return y


def layer_norm(x, weight=None, bias=None, *, eps: float = 1e-5) -> torch.Tensor:
    r"""Layer normalisation (Ba et al. 2016): each example is standardised over its features.

    :math:`y = \gamma \odot (x - \mu)/\sqrt{\sigma^2 + \epsilon} + \beta`, with :math:`\mu` and the biased
    variance :math:`\sigma^2` taken over the last axis of each example separately, as ``torch.nn.LayerNorm``
    does. The output of one example does not depend on the others.

    Parameters
    ----------
    x : array_like, shape (..., n)
    weight, bias : array_like, shape (n,), optional
        The gain :math:`\gamma` (default 1) and shift :math:`\beta` (default 0).
    eps : float, default 1e-5
        Added to the variance, positive.

    Returns
    -------
    torch.Tensor, shape (..., n)

    Examples
    --------
    >>> layer_norm([[1.0, 2.0, 3.0]], eps=0.0)
    tensor([[-1.2247,  0.0000,  1.2247]], dtype=torch.float64)
    """
    func = "layer_norm"
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError(f"{func}: x must have at least one feature along its last axis (got shape {tuple(x.shape)})")
    eps = check_scalar(eps, name="eps", func=func, low=0)
    mean, variance = x.mean(-1, keepdim=True), x.var(-1, correction=0, keepdim=True)
    return _affine(_normalise(x, mean, variance, eps), weight, bias, x.shape[-1], func)


def batch_norm(x, running_mean, running_var, weight=None, bias=None, *, training: bool = True,
               momentum: float = 0.1, eps: float = 1e-5) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Batch normalisation (Ioffe and Szegedy 2015) of a batch ``x`` of shape (N, n), as ``torch.nn.BatchNorm1d``.

    In training each feature is standardised with the mean and the biased variance *over the batch*, so
    an example's output depends on the other examples; the running statistics move towards the batch's,
    :math:`r \leftarrow (1 - m) r + m\,s`, with the *unbiased* batch variance for the running variance.
    In evaluation the running statistics are used instead and the output is a fixed affine map.

    Parameters
    ----------
    x : array_like, shape (N, n)
        At least two examples in training.
    running_mean, running_var : array_like, shape (n,)
        The running statistics (``running_var`` non-negative); not modified.
    weight, bias : array_like, shape (n,), optional
    training : bool, default True
    momentum : float, default 0.1
        In [0, 1].
    eps : float, default 1e-5

    Returns
    -------
    output : torch.Tensor, shape (N, n)
    running_mean, running_var : torch.Tensor, shape (n,)
        The updated running statistics (unchanged in evaluation).

    Examples
    --------
    >>> y, mean, var = batch_norm([[0.0], [2.0]], [0.0], [1.0], eps=0.0)
    >>> y.flatten(), mean, var
    (tensor([-1.,  1.], dtype=torch.float64), tensor([0.1000], dtype=torch.float64), tensor([1.1000], dtype=torch.float64))
    """
    func = "batch_norm"
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    features = check_shape(x, ("N", "n"), name="x", func=func)["n"]
    running_mean = check_finite(as_float_tensor(running_mean, name="running_mean", func=func),
                                name="running_mean", func=func)
    running_var = check_finite(as_float_tensor(running_var, name="running_var", func=func),
                               name="running_var", func=func)
    for name, value in (("running_mean", running_mean), ("running_var", running_var)):
        check_shape(value, (features,), name=name, func=func)
    if (running_var < 0).any():
        raise ValueError(f"{func}: running_var must be non-negative (got {float(running_var.min()):.6g})")
    training = check_flag(training, name="training", func=func)
    momentum = check_scalar(momentum, name="momentum", func=func, low=0, high=1)
    eps = check_scalar(eps, name="eps", func=func, low=0)
    if not training:
        y = _normalise(x, running_mean, running_var, eps)
        return _affine(y, weight, bias, features, func), running_mean, running_var
    if len(x) < 2:
        raise ValueError(f"{func}: x must hold at least 2 examples in training (got {len(x)})")
    mean = x.mean(0)
    y = _normalise(x, mean, x.var(0, correction=0), eps)
    new_mean = (1 - momentum) * running_mean + momentum * mean
    new_var = (1 - momentum) * running_var + momentum * x.var(0, correction=1)
    return _affine(y, weight, bias, features, func), new_mean, new_var


def weight_norm(v, g) -> torch.Tensor:
    r"""Weight normalisation (Salimans and Kingma 2016): :math:`w_i = g_i\,v_i/\lVert v_i\rVert` for each output row.

    Each row :math:`v_i` of the direction (all axes but the first, for a convolution's kernel) is scaled
    to length :math:`|g_i|`: the norm of the output unit's weights is a parameter of its own. This is
    ``torch.nn.utils.parametrizations.weight_norm`` with ``dim=0``. (Normalising the whole matrix by one
    number instead, as Kaplan's (5.1.2) does, is a different method.)

    Parameters
    ----------
    v : array_like, shape (n_out, ...)
        The direction; no row may be zero.
    g : array_like, shape (n_out,)
        The length of each row.

    Returns
    -------
    torch.Tensor, the shape of ``v``

    Examples
    --------
    >>> weight_norm([[3.0, 4.0], [0.0, 2.0]], [1.0, 3.0])
    tensor([[0.6000, 0.8000],
            [0.0000, 3.0000]], dtype=torch.float64)
    """
    func = "weight_norm"
    v = check_finite(as_float_tensor(v, name="v", func=func), name="v", func=func)
    if v.ndim < 2 or v.numel() == 0:
        raise ValueError(f"{func}: v must have an output axis and at least one input axis (got shape {tuple(v.shape)})")
    g = check_finite(as_float_tensor(g, name="g", func=func), name="g", func=func)
    check_shape(g, (len(v),), name="g", func=func)
    norms = torch.linalg.vector_norm(v.flatten(1), dim=1)
    if (norms == 0).any():
        raise ValueError(f"{func}: every row of v must be non-zero (got a zero row at index "
                         f"{int((norms == 0).nonzero()[0])})")
    shape = (-1,) + (1,) * (v.ndim - 1)
    return v * (g.to(v.dtype) / norms).reshape(shape)
