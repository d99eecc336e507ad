"""Derivatives by machine: finite differences, a tiny reverse-mode tape, manual backprop and FLOP counts."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ..validation import as_float_tensor, check_callable, check_choice, check_finite, check_flag, check_integer

__all__ = ["Value", "backward_forward_flops", "finite_difference", "two_layer_backward"]


def finite_difference(f: Callable, x, eps, kind: str = "forward") -> torch.Tensor:
    r"""The finite-difference estimate of the derivative of a scalar function.

    ``kind="forward"`` gives :math:`(f(x+\epsilon) - f(x))/\epsilon`, whose
    truncation error is :math:`\tfrac12 \epsilon f''(x) + O(\epsilon^2)`;
    ``kind="central"`` gives :math:`(f(x+\epsilon) - f(x-\epsilon))/(2\epsilon)`,
    with error :math:`\tfrac16 \epsilon^2 f'''(x) + O(\epsilon^4)`. Rounding adds
    an error of about :math:`u\,|f(x)|/\epsilon` (``u`` the unit roundoff), so the
    total error is V-shaped in :math:`\epsilon`.

    Parameters
    ----------
    f : callable
        Maps a tensor to a tensor of the same shape, elementwise.
    x : array_like
        The points, any shape; computed in their floating dtype (float64 for other input).
    eps : array_like
        The steps, positive, broadcastable with ``x``.
    kind : {"forward", "central"}, default "forward"

    Returns
    -------
    torch.Tensor
        The estimates, with the broadcast shape of ``x`` and ``eps``.

    Examples
    --------
    >>> x = torch.tensor(10 / 9, dtype=torch.float64)
    >>> round(finite_difference(lambda t: 1e10 + t**2, x, 1e-3).item(), 5)
    2.22397
    >>> finite_difference(lambda t: t**2, 1.0, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: finite_difference: eps must be positive (got 0)
    """
    func = "finite_difference"
    check_callable(f, name="f", func=func)
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    eps = check_finite(as_float_tensor(eps, name="eps", func=func), name="eps", func=func).to(x.dtype)
    for name, tensor in (("x", x), ("eps", eps)):
        if tensor.numel() == 0:
            raise ValueError(f"{func}: {name} must not be empty (got shape {tuple(tensor.shape)})")
    if (eps <= 0).any():
        raise ValueError(f"{func}: eps must be positive (got {eps[eps <= 0].flatten()[0].item():g})")
    check_choice(kind, ("forward", "central"), name="kind", func=func)
    if kind == "forward":
        return (f(x + eps) - f(x)) / eps
    return (f(x + eps) - f(x - eps)) / (2 * eps)


class Value:
    """A scalar on a tape: reverse-mode differentiation in thirty lines.

    Each arithmetic operation records its inputs and the local derivative with
    respect to each; :meth:`backward` visits the graph in reverse topological
    order and accumulates ``grad = Σ (upstream grad) × (local derivative)``,
    the chain rule. One backward pass gives the derivative of the output with
    respect to every input, at a cost of a small multiple of the forward pass.

    Parameters
    ----------
    data : float
        The value.

    Examples
    --------
    >>> a, b = Value(2.0), Value(3.0)
    >>> y = a * b + a.exp()
    >>> y.backward()
    >>> round(a.grad, 6), b.grad
    (10.389056, 2.0)
    >>> Value("2")
    Traceback (most recent call last):
    ...
    TypeError: Value: data must be a real number (got str)
    """

    __slots__ = ("data", "grad", "_parents")

    def __init__(self, data, _parents=()):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise TypeError(f"Value: data must be a real number (got {type(data).__name__})")
        self.data = float(data)
        self.grad = 0.0
        self._parents = _parents  # pairs (input, local derivative)

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = self._lift(other)
        return Value(self.data + other.data, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other):
        other = self._lift(other)
        return Value(self.data * other.data, ((self, other.data), (other, self.data)))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-self._lift(other))

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        return self._lift(other) - self

    def __truediv__(self, other):
        return self * self._lift(other) ** -1.0

    def __pow__(self, k):
        return Value(self.data**k, ((self, k * self.data ** (k - 1)),))

    def exp(self):
        """``e**self``."""
        e = math.exp(self.data)
        return Value(e, ((self, e),))

    def tanh(self):
        """``tanh(self)``."""
        t = math.tanh(self.data)
        return Value(t, ((self, 1 - t * t),))

    def backward(self):
        """Set ``.grad`` of every node that this value depends on to ``∂self/∂node``."""
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent, _ in node._parents:
                    visit(parent)
                order.append(node)

        visit(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in node._parents:
                parent.grad += node.grad * local

    def __repr__(self):
        return f"Value({self.data:g}, grad={self.grad:g})"


def two_layer_backward(x, W1, b1, W2, b2, upstream, activation: str = "tanh") -> dict[str, torch.Tensor]:
    r"""Backprop by hand through :math:`y = \phi(W_2\,\phi(W_1 x + b_1) + b_2)`.

    With :math:`h = \phi(W_1x+b_1)`, :math:`z = W_2 h + b_2` and an upstream
    gradient :math:`g = \partial L/\partial y`, the chain rule gives
    :math:`\delta_2 = g \odot \phi'(z)`, :math:`\partial L/\partial W_2 = \delta_2 h^\top`,
    :math:`\partial L/\partial h = W_2^\top \delta_2`,
    :math:`\delta_1 = (W_2^\top\delta_2)\odot\phi'(W_1x+b_1)` and
    :math:`\partial L/\partial W_1 = \delta_1 x^\top`.

    Parameters
    ----------
    x : array_like, shape (n,)
    W1 : array_like, shape (m, n)
    b1 : array_like, shape (m,)
    W2 : array_like, shape (k, m)
    b2 : array_like, shape (k,)
    upstream : array_like, shape (k,)
        :math:`\partial L/\partial y`.
    activation : {"tanh", "sigmoid"}, default "tanh"

    Returns
    -------
    dict of torch.Tensor
        Gradients with keys ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``, ``"h"`` (float64).

    Examples
    --------
    >>> g = two_layer_backward([1.0, 2.0], [[0.1, 0.2]], [0.0], [[1.0], [2.0]], [0.0, 0.0], [1.0, 0.0])
    >>> g["W2"].shape, g["W1"].shape
    (torch.Size([2, 1]), torch.Size([1, 2]))
    """
    func = "two_layer_backward"
    names = ("x", "W1", "b1", "W2", "b2", "upstream")
    x, W1, b1, W2, b2, upstream = (
        check_finite(as_float_tensor(a, name=n, func=func), name=n, func=func).to(torch.float64)
        for a, n in zip((x, W1, b1, W2, b2, upstream), names))
    check_choice(activation, ("tanh", "sigmoid"), name="activation", func=func)
    m, n = (W1.shape if W1.dim() == 2 else (None, None))
    k = W2.shape[0] if W2.dim() == 2 else None
    expected = {"x": (n,), "W1": (m, n), "b1": (m,), "W2": (k, m), "b2": (k,), "upstream": (k,)}
    for name, tensor in zip(names, (x, W1, b1, W2, b2, upstream)):
        if None in expected[name] or tuple(tensor.shape) != expected[name]:
            raise ValueError(f"{func}: {name} must have shape {expected[name]} given W1 {tuple(W1.shape)} and "
                             f"W2 {tuple(W2.shape)} (got {tuple(tensor.shape)})")
    phi, dphi = _ACTIVATIONS[activation]
    a1 = W1 @ x + b1
    h = phi(a1)
    z = W2 @ h + b2
    delta2 = upstream * dphi(z)
    grad_h = W2.T @ delta2
    delta1 = grad_h * dphi(a1)
    return {"W2": torch.outer(delta2, h), "b2": delta2, "h": grad_h, "W1": torch.outer(delta1, x), "b1": delta1}


_ACTIVATIONS = {
    "tanh": (torch.tanh, lambda a: 1 - torch.tanh(a) ** 2),
    "sigmoid": (torch.sigmoid, lambda a: torch.sigmoid(a) * (1 - torch.sigmoid(a))),
}


def backward_forward_flops(widths, batch_size: int = 64, input_grad: bool = True) -> tuple[int, int]:
    """Floating-point operations of one forward and one backward pass of a linear-tanh MLP.

    Counted by :class:`torch.utils.flop_counter.FlopCounterMode`, which counts
    the matrix products (2 FLOPs per multiply-add). A linear layer's backward
    pass needs two products of the forward's size, one for the weight gradient
    and one for the input gradient, hence "backward ≈ 2 × forward".

    Parameters
    ----------
    widths : sequence of int
        Layer widths, input first, at least two entries.
    batch_size : int, default 64
    input_grad : bool, default True
        Whether the input needs a gradient too (otherwise the first layer's
        input-gradient product is skipped).

    Returns
    -------
    (int, int)
        FLOPs of the forward pass and of the backward pass.

    Examples
    --------
    >>> forward, backward = backward_forward_flops([8, 16, 4], batch_size=2)
    >>> forward, backward
    (768, 1536)
    """
    from torch.utils.flop_counter import FlopCounterMode

    func = "backward_forward_flops"
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__") or len(widths) < 2:
        raise ValueError(f"{func}: widths must be a sequence of at least two layer widths (got {widths!r})")
    widths = [check_integer(w, name="widths", func=func, minimum=1) for w in widths]
    batch_size = check_integer(batch_size, name="batch_size", func=func, minimum=1)
    input_grad = check_flag(input_grad, name="input_grad", func=func)
    layers = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out, bias=False), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers[:-1])
    x = torch.zeros(batch_size, widths[0], requires_grad=input_grad)
    with FlopCounterMode(display=False) as counter:
        out = model(x)
    forward = counter.get_total_flops()
    with FlopCounterMode(display=False) as counter:
        out.sum().backward()
    return forward, counter.get_total_flops()
