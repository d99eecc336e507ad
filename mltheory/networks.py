"""Small neural networks and a seeded trainer, for the experiments the book runs on a CPU.

Everything is deterministic given a seed: the initial weights, the order of the
minibatches, and therefore the whole training run (on one device, with the
same library versions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from .validation import (
    check_callable,
    check_choice,
    check_finite,
    check_float_dtype,
    check_integer,
    check_labels,
    check_scalar,
    check_seed,
)

__all__ = ["accuracy", "fit", "mlp"]

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
