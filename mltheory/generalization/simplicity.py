"""Simplicity bias: on data with a simple and a complex feature that both predict the label, which does a network use?

The data are the LMS-5 data of :cite:t:`shah2020pitfalls`. Coordinate 0 is *linear*: :math:`y\\,u` with
:math:`u` uniform on :math:`[0.1, 1]`, so its sign is the label. Coordinate 1 is a *5-slab* feature: it lies
in a slab of half-width 0.1 around one of :math:`-1, 0, 1` when :math:`y = +1` and around one of
:math:`-\\tfrac12, \\tfrac12` when :math:`y = -1`, so it also determines the label, but a classifier that reads
it needs four changes of sign along the coordinate instead of one. The other coordinates are uniform noise on
:math:`[-1, 1]`. A feature is *used* by a classifier when permuting it across the test examples, which keeps
its distribution and breaks its link with the label, lowers the accuracy.
"""

from __future__ import annotations

import torch
from torch import nn

from ..networks import accuracy, fit, mlp
from ..runtime import one_thread
from ..validation import check_integer, check_labels, check_seed, reports_as

__all__ = ["first_layer_gradient", "lms_data", "randomised_accuracy", "train_classifier"]

POSITIVE_SLABS = (-1.0, 0.0, 1.0)
"""Centres of the slabs of coordinate 1 for the label :math:`y = +1` (class 1)."""
NEGATIVE_SLABS = (-0.5, 0.5)
"""Centres of the slabs of coordinate 1 for the label :math:`y = -1` (class 0)."""
SLAB_HALF_WIDTH = 0.1
"""Half-width of each slab."""
LINEAR_MARGIN = 0.1
"""The smallest :math:`|x_0|`: the margin of the linear feature."""


def lms_data(n: int, dim: int = 50, *, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    r"""LMS-5 data: a linear coordinate and a 5-slab coordinate, each of which determines the label, plus noise.

    Exactly half of the examples have each label, in a seeded random order. With :math:`s = 2y - 1 \in \{\pm 1\}`,

    .. math::

        x_0 = s\,u,\ u \sim U[0.1, 1], \qquad
        x_1 = c + v,\ v \sim U[-0.1, 0.1],\ c \sim U\{-1, 0, 1\} \text{ if } s = 1,\
        c \sim U\{-\tfrac12, \tfrac12\} \text{ if } s = -1,

    and :math:`x_2, \dots, x_{d-1} \sim U[-1, 1]`, all independent given the label.

    Parameters
    ----------
    n : int
        Number of examples, even and at least 2.
    dim : int, default 50
        Input dimension :math:`d`, at least 2.
    seed : int
        Seed of the draw.

    Returns
    -------
    x : torch.Tensor, shape (n, dim), float32
        The inputs.
    y : torch.Tensor, shape (n,), int64
        The labels, 1 for :math:`s = +1` and 0 for :math:`s = -1`.

    Examples
    --------
    >>> x, y = lms_data(6, dim=3, seed=0)
    >>> x.shape, int(y.sum())
    (torch.Size([6, 3]), 3)
    >>> bool(((x[:, 0] > 0) == (y == 1)).all())
    True
    """
    func = "lms_data"
    n = check_integer(n, name="n", func=func, minimum=2)
    if n % 2:
        raise ValueError(f"{func}: n must be even, so that the labels are balanced (got {n})")
    dim = check_integer(dim, name="dim", func=func, minimum=2)
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    y = (torch.arange(n) % 2)[torch.randperm(n, generator=generator)]
    sign = 2.0 * y - 1
    x = 2 * torch.rand(n, dim, generator=generator) - 1
    x[:, 0] = sign * (LINEAR_MARGIN + (1 - LINEAR_MARGIN) * torch.rand(n, generator=generator))
    positive = torch.tensor(POSITIVE_SLABS)[torch.randint(len(POSITIVE_SLABS), (n,), generator=generator)]
    negative = torch.tensor(NEGATIVE_SLABS)[torch.randint(len(NEGATIVE_SLABS), (n,), generator=generator)]
    centre = torch.where(y == 1, positive, negative)
    x[:, 1] = centre + SLAB_HALF_WIDTH * (2 * torch.rand(n, generator=generator) - 1)
    return x, y


@one_thread()
@reports_as("train_classifier")
def train_classifier(x, y, *, hidden: int = 100, epochs: int = 30, batch_size: int = 256, lr: float = 1e-2,
                     seed: int) -> nn.Sequential:
    """A one-hidden-layer ReLU network trained with Adam on the cross-entropy, from a seeded start.

    The network is :func:`~mltheory.networks.mlp` ``[d, hidden, classes]`` with ``classes = y.max() + 1``, trained
    by :func:`~mltheory.networks.fit`; the seed fixes both the initial weights and the order of the minibatches.

    Parameters
    ----------
    x : torch.Tensor, shape (n, d)
        Inputs.
    y : torch.Tensor, shape (n,)
        Integer class labels.
    hidden : int, default 100
        Width of the hidden layer.
    epochs, batch_size : int, default 30 and 256
        Passes over the data and examples per step (30 epochs of 5000 examples are 600 steps).
    lr : float, default 1e-2
        Adam's learning rate.
    seed : int
        Seed of the initial weights and of the minibatch order.

    Returns
    -------
    torch.nn.Sequential
        The trained network; its outputs are the logits of the classes.

    Examples
    --------
    >>> x, y = lms_data(400, dim=5, seed=0)
    >>> net = train_classifier(x, y, hidden=16, epochs=10, batch_size=32, lr=1e-2, seed=0)
    >>> accuracy(net, x, y) > 0.95
    True
    """
    func = "train_classifier"
    _check_inputs(x, func)
    y = check_labels(y, name="y", func=func)
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    model = mlp([x.shape[1], hidden, max(int(y.max()) + 1, 2)], seed=seed, dtype=x.dtype)
    fit(model, x, y, loss=nn.functional.cross_entropy, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
    model.eval()
    return model


@reports_as("randomised_accuracy")
def randomised_accuracy(model: nn.Module, x, y, coordinate: int, *, seed: int) -> float:
    """Accuracy after permuting one input coordinate across the examples.

    Permuting column ``coordinate`` keeps its distribution but pairs each example with another example's value,
    so a classifier that relies on that coordinate loses accuracy and one that ignores it does not.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier whose largest output is its prediction.
    x : torch.Tensor, shape (n, d)
        Inputs.
    y : torch.Tensor, shape (n,)
        Integer class labels.
    coordinate : int
        The column to permute, in ``[0, d)``.
    seed : int
        Seed of the permutation.

    Returns
    -------
    float
        The fraction of examples classified correctly after the permutation.

    Examples
    --------
    A classifier that reads only the sign of coordinate 0:

    >>> net = nn.Linear(2, 2)
    >>> with torch.no_grad():
    ...     _ = net.weight.copy_(torch.tensor([[-1.0, 0.0], [1.0, 0.0]])); _ = net.bias.zero_()
    >>> x, y = lms_data(2000, dim=2, seed=0)
    >>> randomised_accuracy(net, x, y, 1, seed=0)
    1.0
    >>> abs(randomised_accuracy(net, x, y, 0, seed=0) - 0.5) < 0.05
    True
    """
    func = "randomised_accuracy"
    _check_inputs(x, func)
    coordinate = check_integer(coordinate, name="coordinate", func=func, minimum=0)
    if coordinate >= x.shape[1]:
        raise ValueError(f"{func}: coordinate must be below the input dimension {x.shape[1]} (got {coordinate})")
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    permuted = x.clone()
    permuted[:, coordinate] = x[torch.randperm(len(x), generator=generator).to(x.device), coordinate]
    return accuracy(model, permuted, y)


@reports_as("first_layer_gradient")
def first_layer_gradient(model: nn.Sequential, x, y) -> torch.Tensor:
    r"""How strongly the loss pulls on the weights leaving each input coordinate: one norm per coordinate.

    For a network whose first layer is ``nn.Linear`` with weights :math:`W` (hidden × input), this is
    :math:`\lVert \partial L / \partial W_{:, j} \rVert` for each input coordinate :math:`j`, with :math:`L` the
    mean cross-entropy over the examples. The model's gradients are left untouched.

    Parameters
    ----------
    model : torch.nn.Sequential
        A classifier whose first module is ``nn.Linear``.
    x : torch.Tensor, shape (n, d)
        Inputs.
    y : torch.Tensor, shape (n,)
        Integer class labels.

    Returns
    -------
    torch.Tensor, shape (d,)
        The gradient norm of each column of the first layer's weights.

    Examples
    --------
    >>> from mltheory.networks import mlp
    >>> x, y = lms_data(1000, dim=3, seed=0)
    >>> norms = first_layer_gradient(mlp([3, 16, 2], seed=0), x, y)
    >>> norms.shape, bool(norms[0] > 3 * norms[1])
    (torch.Size([3]), True)
    """
    func = "first_layer_gradient"
    if not isinstance(model, nn.Sequential) or not len(model) or not isinstance(model[0], nn.Linear):
        raise TypeError(f"{func}: model must be an nn.Sequential whose first module is nn.Linear "
                        f"(got {type(model).__name__})")
    _check_inputs(x, func)
    weight = model[0].weight
    if x.shape[1] != weight.shape[1]:
        raise ValueError(f"{func}: x must have {weight.shape[1]} coordinates, the model's input width "
                         f"(got {x.shape[1]})")
    scores = model(x)
    y = check_labels(y, name="y", func=func, classes=scores.shape[-1], shape=x.shape[:1])
    loss = nn.functional.cross_entropy(scores, y)
    (gradient,) = torch.autograd.grad(loss, weight)
    return gradient.norm(dim=0)


def _check_inputs(x, func: str) -> None:
    """``x`` must be a floating-point tensor of shape (n, d)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{func}: x must be a tensor of shape (n, d) (got {type(x).__name__})")
    if x.ndim != 2 or not x.is_floating_point():
        raise ValueError(f"{func}: x must be a floating-point tensor of shape (n, d) "
                         f"(got {x.dtype} of shape {tuple(x.shape)})")
