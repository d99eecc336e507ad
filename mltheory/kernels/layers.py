r"""Layers that carry their own kernel maps, composed by :func:`serial` (the design of neural-tangents).

A random fully connected network maps each input to pre-activations that
become, as the width grows, a Gaussian process. Its statistics for two sets of
inputs are carried through the layers as a kernel state: the variances
:math:`q_1(x_1)`, :math:`q_2(x_2)`, the covariance (the NNGP kernel)
:math:`K(x_1, x_2)`, and the neural tangent kernel :math:`\Theta(x_1, x_2)`.
The input enters as :math:`K = x_1\cdot x_2 / D` and :math:`\Theta = 0`.

- :func:`Dense` with weight and bias standard deviations :math:`\sigma_w`, :math:`\sigma_b`
  maps :math:`K \mapsto \sigma_w^2 K + \sigma_b^2` and, in the NTK parametrisation,
  :math:`\Theta \mapsto \sigma_w^2 K + \sigma_b^2 + \sigma_w^2\Theta`; in the standard
  parametrisation the gradients of its weights and bias add :math:`n K + 1` instead,
  with :math:`n` its fan-in, so that :math:`\Theta` grows with the width.
- An activation :math:`\phi` maps :math:`K \mapsto E[\phi(u)\phi(v)]` and
  :math:`\Theta \mapsto \Theta\, E[\phi'(u)\phi'(v)]`, with :math:`(u, v)` centred Gaussian
  of covariance :math:`\begin{pmatrix} q_1 & K\\ K & q_2\end{pmatrix}`; both expectations are
  in closed form for :func:`Relu` (:func:`relu_expectations`, the arc-cosine kernel of
  Cho and Saul) and :func:`Erf` (:func:`erf_expectations`, Williams).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from ..validation import (
    as_float_tensor,
    broadcast_arguments,
    check_choice,
    check_finite,
    check_integer,
    check_scalar,
    check_seed,
    check_shape,
)

__all__ = ["Architecture", "Dense", "Erf", "Layer", "Relu", "erf_expectations", "relu_expectations", "serial"]

PARAMETRISATIONS = ("ntk", "standard")
"""The parametrisations of :func:`Dense`."""


# ------------------------------------------------------------------ numerically safe pieces


class _Arccos(torch.autograd.Function):
    r""":math:`\arccos\rho` on :math:`[-1, 1]`, with the derivative taken as 0 at :math:`\rho = \pm 1`.

    There the angle between two inputs has a kink (it behaves like :math:`\lvert t\rvert`), and 0 is the
    symmetric subgradient, as for ``torch.abs`` at 0; plain autograd would give an infinite derivative
    and NaN gradients (neural-tangents issues 14, 73 and 88).
    """

    @staticmethod
    def forward(ctx, rho):
        ctx.save_for_backward(rho)
        return torch.arccos(rho)

    @staticmethod
    def backward(ctx, grad):
        (rho,) = ctx.saved_tensors
        inside = rho.abs() < 1
        slope = -torch.rsqrt(torch.where(inside, 1 - rho**2, torch.ones_like(rho)))
        return grad * torch.where(inside, slope, torch.zeros_like(rho))


class _ArcCosineJ(torch.autograd.Function):
    r""":math:`J(\rho) = \sqrt{1-\rho^2} + (\pi - \arccos\rho)\rho`, with derivative :math:`J'(\rho) = \pi - \arccos\rho`.

    :math:`J` is continuously differentiable on :math:`[-1, 1]`; written through its two terms, autograd
    would divide 0 by 0 at :math:`\rho = \pm 1`.
    """

    @staticmethod
    def forward(ctx, rho):
        ctx.save_for_backward(rho)
        return torch.sqrt((1 - rho**2).clamp(min=0)) + (math.pi - torch.arccos(rho)) * rho

    @staticmethod
    def backward(ctx, grad):
        (rho,) = ctx.saved_tensors
        return grad * (math.pi - _Arccos.apply(rho))


def _safe_sqrt(t: torch.Tensor) -> torch.Tensor:
    """sqrt(t) for t >= 0, with gradient 0 (not infinity) where t = 0."""
    positive = t > 0
    return torch.where(positive, torch.sqrt(torch.where(positive, t, torch.ones_like(t))), torch.zeros_like(t))


def _correlation(var1: torch.Tensor, var2: torch.Tensor, cov: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r"""``(sqrt(q1 q2), rho)``, with :math:`\rho = 0` where a variance is 0 (then ``cov`` is 0 too)."""
    scale = _safe_sqrt(var1 * var2)
    nonzero = scale > 0
    rho = torch.where(nonzero, cov / torch.where(nonzero, scale, torch.ones_like(scale)), torch.zeros_like(cov))
    return scale, rho.clamp(-1.0, 1.0)


def _statistics(var1, var2, cov, func: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    tensors = {}
    for name, value in (("var1", var1), ("var2", var2), ("cov", cov)):
        tensors[name] = check_finite(as_float_tensor(value, name=name, func=func), name=name, func=func)
    for name in ("var1", "var2"):
        if (tensors[name] < 0).any():
            raise ValueError(f"{func}: {name} must be non-negative (got {float(tensors[name].min()):.6g})")
    var1, var2, cov = broadcast_arguments(tensors, func=func)
    excess = cov.abs() - torch.sqrt(var1 * var2) * (1 + 1e-9)
    if (excess > 1e-12).any():
        raise ValueError(f"{func}: cov must satisfy cov**2 <= var1 * var2 (Cauchy-Schwarz; got the excess "
                         f"{float(excess.max()):.6g} of |cov| over sqrt(var1 * var2))")
    return var1, var2, cov.to(var1.dtype)


def relu_expectations(var1, var2, cov) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The Gaussian expectations of a ReLU, :math:`E[\phi(u)\phi(v)]` and :math:`E[\phi'(u)\phi'(v)]`, in closed form.

    For :math:`(u, v)` centred Gaussian with variances :math:`q_1, q_2`, covariance
    :math:`c = \sqrt{q_1 q_2}\cos\theta` and :math:`\phi(t) = \max(t, 0)` (Cho and Saul's arc-cosine kernels)

    .. math::

        E[\phi(u)\phi(v)] = \frac{\sqrt{q_1 q_2}}{2\pi}\bigl(\sin\theta + (\pi - \theta)\cos\theta\bigr),
        \qquad E[\phi'(u)\phi'(v)] = \frac{\pi - \theta}{2\pi}.

    The first is continuously differentiable in :math:`c` (its derivative is the second, Price's
    theorem) and is computed so that its gradient is finite at :math:`\theta = 0` and :math:`\pi`; the
    second has a kink there, where its gradient is taken as 0. A zero variance gives :math:`\theta = \pi/2`.

    Parameters
    ----------
    var1, var2 : array_like
        Non-negative variances :math:`q_1`, :math:`q_2`.
    cov : array_like
        Covariances, with :math:`c^2 \le q_1 q_2`; the three arguments broadcast together.

    Returns
    -------
    nngp, derivative : torch.Tensor
        Of the broadcast shape.

    Examples
    --------
    >>> nngp, derivative = relu_expectations([1.0, 1.0, 0.0], 1.0, [1.0, 0.0, 0.0])
    >>> nngp.round(decimals=4), derivative  # theta = 0, pi/2, and a zero variance
    (tensor([0.5000, 0.1592, 0.0000], dtype=torch.float64), tensor([0.5000, 0.2500, 0.2500], dtype=torch.float64))
    """
    return _relu(*_statistics(var1, var2, cov, "relu_expectations"))


def _relu(var1, var2, cov):
    scale, rho = _correlation(var1, var2, cov)
    return scale * _ArcCosineJ.apply(rho) / (2 * math.pi), (math.pi - _Arccos.apply(rho)) / (2 * math.pi)


def erf_expectations(var1, var2, cov) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The two Gaussian expectations of :math:`\phi = \operatorname{erf}`, in closed form (Williams 1997).

    For :math:`(u, v)` centred Gaussian with variances :math:`q_1, q_2` and covariance :math:`c`

    .. math::

        E[\operatorname{erf}(u)\operatorname{erf}(v)] = \frac{2}{\pi}\arcsin\frac{2c}{\sqrt{(1+2q_1)(1+2q_2)}},
        \qquad E[\operatorname{erf}'(u)\operatorname{erf}'(v)] = \frac{4}{\pi}\,\frac{1}{\sqrt{(1+2q_1)(1+2q_2) - 4c^2}}.

    Both are smooth: the argument of the arcsine stays inside :math:`(-1, 1)`.

    Parameters
    ----------
    var1, var2 : array_like
        Non-negative variances.
    cov : array_like
        Covariances with :math:`c^2 \le q_1 q_2`; the three broadcast together.

    Returns
    -------
    nngp, derivative : torch.Tensor

    Examples
    --------
    >>> nngp, derivative = erf_expectations(0.0, 0.0, 0.0)  # u = v = 0: erf(0) = 0, erf'(0) = 2/sqrt(pi)
    >>> nngp, bool(torch.isclose(derivative, torch.tensor(4 / math.pi, dtype=torch.float64)))
    (tensor(0., dtype=torch.float64), True)
    """
    return _erf(*_statistics(var1, var2, cov, "erf_expectations"))


def _erf(var1, var2, cov):
    product = (1 + 2 * var1) * (1 + 2 * var2)
    nngp = (2 / math.pi) * torch.arcsin(2 * cov * torch.rsqrt(product))
    return nngp, (4 / math.pi) * torch.rsqrt(product - 4 * cov**2)


def _point_sets(x1, x2, func: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Validate two sets of points of the same dimension, shapes (n1, D) and (n2, D)."""
    x1 = check_finite(as_float_tensor(x1, name="x1", func=func), name="x1", func=func)
    x2 = check_finite(as_float_tensor(x2, name="x2", func=func), name="x2", func=func)
    sizes = check_shape(x1, ("n1", "D"), name="x1", func=func)
    check_shape(x2, ("n2", "D"), name="x2", func=func, sizes={"D": sizes["D"]})
    return x1, x2.to(x1.dtype)


# ------------------------------------------------------------------ layers


@dataclass(frozen=True)
class _State:
    """The kernel state between layers: variances, NNGP, NTK (None: not asked for), and the width of the signal."""

    var1: torch.Tensor
    var2: torch.Tensor
    nngp: torch.Tensor
    ntk: torch.Tensor | None
    fan_in: int | None


@dataclass(frozen=True)
class Layer:
    """One layer: its name, its kernel map, and how to build it at finite width.

    ``kernel_map(state)`` maps one kernel state (variances, NNGP, NTK, width) to the next;
    ``build(in_features, out_features, generator, dtype)`` returns an ``nn.Module`` for a dense layer
    (``dense`` true), and ``activation`` is the elementwise function of an activation layer.
    Made by :func:`Dense`, :func:`Relu` and :func:`Erf`.
    """

    name: str
    kernel_map: Callable
    dense: bool
    build: Callable | None = None
    activation: Callable | None = None

    def __repr__(self) -> str:
        return self.name


class _DenseModule(nn.Module):
    r"""A dense layer :math:`h = \frac{\sigma_w}{\sqrt n} W a + \sigma_b b` (NTK) or :math:`h = W a + b` (standard)."""

    def __init__(self, in_features, out_features, weight_std, bias_std, parametrisation, generator, dtype):
        super().__init__()
        weight = torch.randn(out_features, in_features, generator=generator, dtype=dtype)
        bias = torch.randn(out_features, generator=generator, dtype=dtype)
        self.ntk = parametrisation == "ntk"
        if self.ntk:
            self.weight_scale, self.bias_scale = weight_std / math.sqrt(in_features), bias_std
        else:
            weight, bias = weight * weight_std / math.sqrt(in_features), bias * bias_std
            self.weight_scale, self.bias_scale = 1.0, 1.0
        self.weight, self.bias = nn.Parameter(weight), nn.Parameter(bias)

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return self.weight_scale * a @ self.weight.T + self.bias_scale * self.bias


def Dense(weight_std=1.0, bias_std=0.0, parametrisation="ntk") -> Layer:  # noqa: N802 - the name neural-tangents uses
    r"""A fully connected layer, with Gaussian weights of variance :math:`\sigma_w^2/n`, biases of variance :math:`\sigma_b^2`.

    In the NTK parametrisation the trained parameters are standard normal and the layer computes
    :math:`h = \frac{\sigma_w}{\sqrt n} W a + \sigma_b b`; in the standard parametrisation they are
    :math:`W_{ij} \sim \mathcal N(0, \sigma_w^2/n)`, :math:`b_i \sim \mathcal N(0, \sigma_b^2)` and
    :math:`h = W a + b`. The two give the same random functions, hence the same NNGP kernel
    :math:`K \mapsto \sigma_w^2 K + \sigma_b^2`, but different gradients: the NTK map is
    :math:`\Theta \mapsto \sigma_w^2 K + \sigma_b^2 + \sigma_w^2 \Theta` (NTK) or
    :math:`\Theta \mapsto n K + 1 + \sigma_w^2 \Theta` (standard, with :math:`n` the fan-in).

    Parameters
    ----------
    weight_std : float, default 1
        :math:`\sigma_w`, positive.
    bias_std : float, default 0
        :math:`\sigma_b`, non-negative.
    parametrisation : {"ntk", "standard"}, default "ntk"

    Returns
    -------
    Layer

    Examples
    --------
    >>> x = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    >>> serial(Dense(2.0, 1.0)).nngp(x, x)  # 4 * (1 + 4) / 2 + 1
    tensor([[11.]], dtype=torch.float64)
    """
    func = "Dense"
    weight_std = check_scalar(weight_std, name="weight_std", func=func, low=0, low_open=True)
    bias_std = check_scalar(bias_std, name="bias_std", func=func, low=0)
    parametrisation = check_choice(parametrisation, PARAMETRISATIONS, name="parametrisation", func=func)
    w2, b2 = weight_std**2, bias_std**2

    def kernel_map(state: _State) -> _State:
        nngp = w2 * state.nngp + b2
        if state.ntk is None:  # only the NNGP kernel is asked for
            gradient = None
        elif parametrisation == "ntk":
            gradient = nngp
        elif state.fan_in is None:
            raise ValueError("ntk: a Dense layer in the standard parametrisation after the first needs the hidden "
                             "width: pass width (got width=None)")
        else:
            gradient = state.fan_in * state.nngp + 1
        ntk = None if gradient is None else gradient + w2 * state.ntk
        return _State(w2 * state.var1 + b2, w2 * state.var2 + b2, nngp, ntk, state.fan_in)

    def build(in_features, out_features, generator, dtype):
        return _DenseModule(in_features, out_features, weight_std, bias_std, parametrisation, generator, dtype)

    return Layer(f"Dense({weight_std:g}, {bias_std:g}, {parametrisation!r})", kernel_map, True, build=build)


def _activation(name: str, expectations: Callable, function: Callable) -> Layer:
    def kernel_map(state: _State) -> _State:
        nngp, derivative = expectations(state.var1.unsqueeze(-1), state.var2, state.nngp)
        var1 = expectations(state.var1, state.var1, state.var1)[0]
        var2 = expectations(state.var2, state.var2, state.var2)[0]
        return _State(var1, var2, nngp, None if state.ntk is None else state.ntk * derivative, state.fan_in)

    return Layer(name, kernel_map, False, activation=function)


def Relu() -> Layer:  # noqa: N802 - the name neural-tangents uses
    r"""The activation :math:`\max(t, 0)`, whose kernel map is :func:`relu_expectations`.

    Returns
    -------
    Layer

    Examples
    --------
    >>> x = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    >>> serial(Dense(math.sqrt(2)), Relu()).nngp(x, x).round(decimals=4)  # 1/2 on the diagonal, 1/(2 pi) off it
    tensor([[0.5000, 0.1592],
            [0.1592, 0.5000]], dtype=torch.float64)
    """
    return _activation("Relu()", _relu, torch.relu)


def Erf() -> Layer:  # noqa: N802 - the name neural-tangents uses
    r"""The activation :math:`\operatorname{erf}`, whose kernel map is :func:`erf_expectations`.

    Returns
    -------
    Layer

    Examples
    --------
    >>> x = torch.tensor([[1.0, 1.0]], dtype=torch.float64)
    >>> value = serial(Dense(), Erf()).nngp(x, x)  # q = 1: 2/pi arcsin(2/3)
    >>> bool(torch.isclose(value, torch.tensor(2 / math.pi * math.asin(2 / 3), dtype=torch.float64)))
    True
    """
    return _activation("Erf()", _erf, torch.erf)


class _Network(nn.Module):
    """A finite network: dense modules and elementwise activations, in order."""

    def __init__(self, layers: list, modules: list):
        super().__init__()
        self.steps = nn.ModuleList(module for module in modules if module is not None)
        self._plan = [(layer.activation, module is not None) for layer, module in zip(layers, modules)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        modules = iter(self.steps)
        for activation, dense in self._plan:
            x = next(modules)(x) if dense else activation(x)
        return x


class Architecture:
    """Layers composed by :func:`serial`: their analytic NNGP and NTK, and finite networks of the same architecture."""

    def __init__(self, layers: tuple):
        self.layers = layers

    def __repr__(self) -> str:
        return f"serial({', '.join(map(repr, self.layers))})"

    def _state(self, x1, x2, width, func: str, ntk: bool = True) -> _State:
        x1, x2 = _point_sets(x1, x2, func)
        if width is not None:
            width = check_integer(width, name="width", func=func, minimum=1)
        dimension = x1.shape[1]
        state = _State((x1 * x1).sum(-1) / dimension, (x2 * x2).sum(-1) / dimension, x1 @ x2.T / dimension,
                       torch.zeros(len(x1), len(x2), dtype=x1.dtype) if ntk else None, dimension)
        for layer in self.layers:
            state = layer.kernel_map(state)
            if layer.dense:
                state = _State(state.var1, state.var2, state.nngp, state.ntk, width)
        return state

    def nngp(self, x1, x2) -> torch.Tensor:
        r"""The NNGP kernel: the covariance of the outputs of the random network as its width tends to infinity.

        Parameters
        ----------
        x1 : array_like, shape (n1, D)
        x2 : array_like, shape (n2, D)

        Returns
        -------
        torch.Tensor, shape (n1, n2)
            Differentiable with respect to the inputs, with finite gradients also at zero inputs and
            where :math:`x_1 = x_2`.

        Examples
        --------
        >>> model = serial(Dense(math.sqrt(2)), Relu(), Dense())
        >>> model.nngp([[3.0, 4.0]], [[0.0, 0.0]])
        tensor([[0.]], dtype=torch.float64)
        """
        return self._state(x1, x2, None, "nngp", ntk=False).nngp

    def ntk(self, x1, x2, width=None) -> torch.Tensor:
        r"""The neural tangent kernel as the width tends to infinity.

        In the NTK parametrisation it has a finite limit. A dense layer in the standard parametrisation
        adds :math:`nK + 1` with :math:`n` its fan-in, so the kernel grows with the hidden width: pass
        ``width``, and the result is the leading behaviour of the expected NTK of
        ``network(width, ...)``, exact for one hidden layer.

        Parameters
        ----------
        x1 : array_like, shape (n1, D)
        x2 : array_like, shape (n2, D)
        width : int, optional
            The hidden width, needed only by standard-parametrisation dense layers after the first.

        Returns
        -------
        torch.Tensor, shape (n1, n2)

        Examples
        --------
        >>> x = [[1.0, 0.0]]
        >>> serial(Dense(math.sqrt(2)), Relu(), Dense()).ntk(x, x).round(decimals=6)  # K = 1/2, plus 1 * 1/2
        tensor([[1.]], dtype=torch.float64)
        >>> serial(Dense(math.sqrt(2), parametrisation="standard"), Relu(),  # 100 * 1/2 + 1 + 2 * (2 * 1/2)
        ...        Dense(math.sqrt(2), parametrisation="standard")).ntk(x, x, width=100).round(decimals=6)
        tensor([[53.]], dtype=torch.float64)
        """
        return self._state(x1, x2, width, "ntk").ntk

    def network(self, width, seed, *, input_dim, outputs=1, dtype=torch.float64) -> nn.Module:
        r"""A finite network of this architecture and parametrisation, with Gaussian weights.

        Every dense layer has ``width`` outputs, except the last, which has ``outputs``; the parameters are
        drawn in order from one generator seeded with ``seed``.

        Parameters
        ----------
        width : int
            Hidden width.
        seed : int
        input_dim : int
            Dimension :math:`D` of the inputs.
        outputs : int, default 1
        dtype : torch.dtype, default torch.float64

        Returns
        -------
        torch.nn.Module
            Maps inputs of shape (N, D) to outputs of shape (N, outputs).

        Examples
        --------
        >>> net = serial(Dense(), Erf(), Dense()).network(8, seed=0, input_dim=3)
        >>> net(torch.zeros(5, 3, dtype=torch.float64)).shape
        torch.Size([5, 1])
        """
        func = "network"
        width = check_integer(width, name="width", func=func, minimum=1)
        input_dim = check_integer(input_dim, name="input_dim", func=func, minimum=1)
        outputs = check_integer(outputs, name="outputs", func=func, minimum=1)
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise TypeError(f"{func}: dtype must be a floating-point torch.dtype (got {dtype!r})")
        generator = torch.Generator().manual_seed(check_seed(seed, func=func))
        last = max((i for i, layer in enumerate(self.layers) if layer.dense), default=-1)
        modules, features = [], input_dim
        for i, layer in enumerate(self.layers):
            if layer.dense:
                out = outputs if i == last else width
                modules.append(layer.build(features, out, generator, dtype))
                features = out
            else:
                modules.append(None)
        return _Network(list(self.layers), modules)


def serial(*layers) -> Architecture:
    """Compose layers in order; with no layers, the identity (its NNGP is :math:`x_1\\cdot x_2/D`, its NTK 0).

    Parameters
    ----------
    *layers : Layer
        Made by :func:`Dense`, :func:`Relu`, :func:`Erf`.

    Returns
    -------
    Architecture
        With ``.nngp(x1, x2)``, ``.ntk(x1, x2, width=None)`` and ``.network(width, seed, input_dim=D)``.

    Examples
    --------
    >>> serial(Dense(1.5, 0.1), Relu(), Dense())
    serial(Dense(1.5, 0.1, 'ntk'), Relu(), Dense(1, 0, 'ntk'))
    """
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"serial: each layer must be made by Dense, Relu or Erf (got {type(layer).__name__} "
                            f"at position {i})")
    return Architecture(tuple(layers))
