r"""Kernels of neural networks: the empirical neural tangent kernel, its infinite-width limit, and how invariant they are.

For a network :math:`f(x; \theta)` with one output, the empirical neural
tangent kernel (NTK) is

.. math:: \Theta(x, x') = \nabla_\theta f(x;\theta) \cdot \nabla_\theta f(x';\theta),

the kernel of the network's linearisation around :math:`\theta`. For a fully
connected network with independent Gaussian weights it concentrates, as the
width grows, around a kernel that depends on the inputs only through
:math:`\lVert x\rVert`, :math:`\lVert x'\rVert` and :math:`x\cdot x'`, and is
therefore invariant under every rotation of the inputs.

The networks are built with :func:`mltheory.networks.mlp` and re-initialised
with :func:`gaussian_init_`; ensembles over seeds are evaluated and trained in
one vectorised call with ``torch.func``.
"""

from __future__ import annotations

import copy
import math
from functools import lru_cache

import torch
from torch import nn
from torch.func import functional_call, grad, jacrev, stack_module_state, vmap

from ..kernels import Dense, Relu, relu_expectations, serial
from ..kernels.layers import _point_sets
from ..networks import mlp
from ..validation import (
    SEED_LIMIT,
    as_float_tensor,
    check_choice,
    check_counts,
    check_finite,
    check_flag,
    check_integer,
    check_scalar,
    check_seed,
    check_shape,
    reports_as,
)
from .groups import dihedral_group, invariance_error, orbit, rotation_group_samples
from .linear import circle_points
from .representations import circular_harmonic
from ..runtime import one_thread

__all__ = [
    "d3_orbit_data",
    "ensemble_invariance",
    "ensemble_ntk",
    "gaussian_init_",
    "ntk_invariance_errors",
    "ntk_probe_points",
    "relu_kernels",
    "relu_ntk_expectation",
    "train_ensemble",
]


INITS = ("gaussian", "default")
"""The initialisations of :func:`ensemble_ntk`: :func:`gaussian_init_`, or PyTorch's default."""


def gaussian_init_(model: nn.Module, *, seed, weight_gain=math.sqrt(2), bias_std=0.0, zero_readout=False) -> nn.Module:
    r"""Re-initialise every linear layer of ``model`` with independent Gaussians, in place.

    .. math:: W_{jk} \sim \mathcal N\!\left(0, \frac{g^2}{\text{fan-in}}\right), \qquad b_j \sim \mathcal N(0, \sigma_b^2)

    Unlike PyTorch's default (uniform) initialisation, the rows of a
    Gaussian weight matrix have a rotation-invariant distribution, which is
    what makes the infinite-width kernels invariant.

    Parameters
    ----------
    model : torch.nn.Module
        Its ``nn.Linear`` layers are re-initialised, in the order of ``model.modules()``.
    seed : int
        Seed of the random generator.
    weight_gain : float, default sqrt(2)
        The gain :math:`g` (:math:`\sqrt 2` is He's choice for ReLU).
    bias_std : float, default 0
        Standard deviation :math:`\sigma_b` of the biases.
    zero_readout : bool, default False
        Set the last linear layer to zero, so that the network starts as the zero function.

    Returns
    -------
    torch.nn.Module
        ``model`` itself.

    Examples
    --------
    >>> net = gaussian_init_(mlp([2, 1000, 1], seed=0, dtype=torch.float64), seed=1)
    >>> round(float(net[0].weight.detach().var() * 2), 1)  # variance g^2 / fan-in, times fan-in 2
    2.0
    """
    func = "gaussian_init_"
    if not isinstance(model, nn.Module):
        raise TypeError(f"{func}: model must be a torch.nn.Module (got {type(model).__name__})")
    gain = check_scalar(weight_gain, name="weight_gain", func=func, low=0, low_open=True)
    bias_std = check_scalar(bias_std, name="bias_std", func=func, low=0)
    zero_readout = check_flag(zero_readout, name="zero_readout", func=func)
    layers = [module for module in model.modules() if isinstance(module, nn.Linear)]
    if not layers:
        raise ValueError(f"{func}: model has no nn.Linear layer")
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    with torch.no_grad():
        for layer in layers:
            weight = torch.randn(layer.weight.shape, generator=generator, dtype=layer.weight.dtype)
            layer.weight.copy_(weight * gain / math.sqrt(layer.in_features))
            if layer.bias is not None:
                layer.bias.copy_(torch.randn(layer.bias.shape, generator=generator, dtype=layer.bias.dtype) * bias_std)
        if zero_readout:
            layers[-1].weight.zero_()
            if layers[-1].bias is not None:
                layers[-1].bias.zero_()
    return model


def _scalar_network(model: nn.Module, params: dict, buffers: dict):
    """f(params, x) for one input x of shape (D,), returning a scalar."""

    def f(p, x):
        return functional_call(model, (p, buffers), (x.unsqueeze(0),)).reshape(())

    return f


def _ntk_from_params(model: nn.Module, params: dict, buffers: dict, x1: torch.Tensor, x2: torch.Tensor):
    f = _scalar_network(model, params, buffers)
    jacobian = vmap(jacrev(f), in_dims=(None, 0))
    j1, j2 = jacobian(params, x1), jacobian(params, x2)
    return sum(j1[name].flatten(1) @ j2[name].flatten(1).T for name in params)


def relu_kernels(x1, x2, *, weight_gain=math.sqrt(2)) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The two Gaussian expectations of one ReLU layer, in closed form (the arc-cosine kernels).

    For :math:`h(x) = w\cdot x` with :math:`w \sim \mathcal N(0, \frac{g^2}{D} I_D)`
    and :math:`\theta` the angle between :math:`x` and :math:`x'`:

    .. math::

        E[\mathrm{relu}(h(x))\,\mathrm{relu}(h(x'))] = \frac{g^2}{D}\,\lVert x\rVert\lVert x'\rVert\,
        \frac{\sin\theta + (\pi - \theta)\cos\theta}{2\pi}, \qquad
        E[\mathrm{relu}'(h(x))\,\mathrm{relu}'(h(x'))] = \frac{\pi - \theta}{2\pi}.

    Both depend only on :math:`\lVert x\rVert`, :math:`\lVert x'\rVert` and
    :math:`x\cdot x'`; they are :func:`mltheory.kernels.layers.relu_expectations` at the variances and
    covariance of :math:`h`.

    Parameters
    ----------
    x1 : array_like, shape (n1, D)
    x2 : array_like, shape (n2, D)
        Non-zero points.
    weight_gain : float, default sqrt(2)

    Returns
    -------
    nngp, derivative : torch.Tensor, each of shape (n1, n2)

    Examples
    --------
    >>> nngp, derivative = relu_kernels([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]])
    >>> nngp.round(decimals=4), derivative
    (tensor([[0.5000, 0.1592]], dtype=torch.float64), tensor([[0.5000, 0.2500]], dtype=torch.float64))
    """
    func = "relu_kernels"
    x1, x2 = _point_sets(x1, x2, func)
    gain = check_scalar(weight_gain, name="weight_gain", func=func, low=0, low_open=True)
    n1, n2 = torch.linalg.vector_norm(x1, dim=-1), torch.linalg.vector_norm(x2, dim=-1)
    for name, norms in (("x1", n1), ("x2", n2)):
        if (norms == 0).any():
            raise ValueError(f"{func}: the points of {name} must be non-zero, the angle between x and 0 is undefined "
                             f"(got the zero point at row {int((norms == 0).nonzero()[0])})")
    scale = gain**2 / x1.shape[-1]
    return relu_expectations((scale * n1**2).unsqueeze(-1), scale * n2**2, scale * x1 @ x2.T)


def relu_ntk_expectation(x1, x2, *, width, weight_gain=math.sqrt(2)) -> torch.Tensor:
    r"""The exact expected empirical NTK of ``mlp([D, width, 1])`` after :func:`gaussian_init_` with zero biases.

    For :math:`f(x) = \sum_{j=1}^n v_j\,\mathrm{relu}(w_j\cdot x + b_j) + c` the
    NTK is a sum over the hidden units,
    :math:`\Theta = \sum_j \mathrm{relu}(h_j)\mathrm{relu}(h_j') + 1
    + \sum_j v_j^2\,\mathrm{relu}'(h_j)\mathrm{relu}'(h_j')\,(x\cdot x' + 1)`,
    and with :math:`v_j \sim \mathcal N(0, g^2/n)` its expectation is

    .. math::

        E[\Theta(x, x')] = n\,E[\mathrm{relu}\,\mathrm{relu}] + 1 + g^2 (x\cdot x' + 1)\,E[\mathrm{relu}'\mathrm{relu}'],

    with the two expectations of :func:`relu_kernels`: the NTK of
    ``serial(Dense(g, 0, "standard"), Relu(), Dense(g, 0, "standard"))`` of :mod:`mltheory.kernels` at this width.

    Parameters
    ----------
    x1 : array_like, shape (n1, D)
    x2 : array_like, shape (n2, D)
    width : int
        Number of hidden units :math:`n`.
    weight_gain : float, default sqrt(2)

    Returns
    -------
    torch.Tensor, shape (n1, n2)

    Examples
    --------
    >>> relu_ntk_expectation([[1.0, 0.0]], [[1.0, 0.0]], width=100).round(decimals=10)  # 100/2 + 1 + 2*2/2
    tensor([[53.]], dtype=torch.float64)
    """
    func = "relu_ntk_expectation"
    width = check_integer(width, name="width", func=func, minimum=1)
    weight_gain = check_scalar(weight_gain, name="weight_gain", func=func, low=0, low_open=True)
    x1, x2 = _point_sets(x1, x2, func)
    layer = Dense(weight_gain, 0.0, "standard")
    return serial(layer, Relu(), layer).ntk(x1, x2, width=width)


# --------------------------------------------------------------------------- ensembles

def _ensemble(width: int, seeds: int, *, first_seed: int, zero_readout: bool, init: str, input_dim: int = 2):
    """``seeds`` one-hidden-layer ReLU networks of the given width, stacked for ``torch.func``.

    Network ``s`` has the seed ``first_seed + s`` modulo :math:`2^{64}`, so that every valid first seed works.
    """
    network_seeds = [(first_seed + s) % SEED_LIMIT for s in range(seeds)]
    nets = [mlp([input_dim, width, 1], seed=seed, dtype=torch.float64) for seed in network_seeds]
    if init == "gaussian":
        nets = [gaussian_init_(net, seed=seed, zero_readout=zero_readout) for seed, net in zip(network_seeds, nets)]
    params, buffers = stack_module_state(nets)
    base = copy.deepcopy(nets[0]).to("meta")
    return base, {name: p.detach() for name, p in params.items()}, buffers


def ensemble_ntk(width, x1, x2, *, seeds, init="gaussian", first_seed=0) -> torch.Tensor:
    r"""Empirical NTKs of ``seeds`` independently initialised networks ``mlp([D, width, 1])``, in one vectorised call.

    Parameters
    ----------
    width : int
        Number of hidden units.
    x1, x2 : array_like, shape (n, D) or (seeds, n, D)
        The points; with a leading ``seeds`` dimension, network ``s`` is
        evaluated on its own points ``x1[s]``, ``x2[s]``.
    seeds : int
        Number of networks; network ``s`` is initialised with seed ``first_seed + s`` (modulo :math:`2^{64}`).
    init : {"gaussian", "default"}, default "gaussian"
        :func:`gaussian_init_` (He gain, zero biases), or PyTorch's default uniform initialisation.
    first_seed : int, default 0

    Returns
    -------
    torch.Tensor, shape (seeds, n1, n2)

    Examples
    --------
    >>> from mltheory.kernels import empirical_ntk
    >>> points = ntk_probe_points()
    >>> kernels = ensemble_ntk(512, points, points, seeds=3)
    >>> kernels.shape, torch.allclose(kernels[0], empirical_ntk(gaussian_init_(mlp([2, 512, 1], seed=0,
    ...     dtype=torch.float64), seed=0), points, points))
    (torch.Size([3, 8, 8]), True)
    """
    func = "ensemble_ntk"
    width = check_integer(width, name="width", func=func, minimum=1)
    seeds = check_integer(seeds, name="seeds", func=func, minimum=1)
    init = check_choice(init, INITS, name="init", func=func)
    first_seed = check_seed(first_seed, func=func, name="first_seed")
    x1 = check_finite(as_float_tensor(x1, name="x1", func=func), name="x1", func=func).to(torch.float64)
    x2 = check_finite(as_float_tensor(x2, name="x2", func=func), name="x2", func=func).to(torch.float64)
    dims = []
    for name, points in (("x1", x1), ("x2", x2)):
        if points.ndim == 3:
            check_shape(points, (seeds, "n", "D"), name=name, func=func)
        else:
            check_shape(points, ("n", "D"), name=name, func=func)
        dims.append(0 if points.ndim == 3 else None)
    if x1.shape[-1] != x2.shape[-1]:
        raise ValueError(f"{func}: x1 and x2 must have the same dimension D (got {x1.shape[-1]} and {x2.shape[-1]})")
    base, params, buffers = _ensemble(width, seeds, first_seed=first_seed, zero_readout=False, init=init,
                                      input_dim=x1.shape[-1])
    with one_thread():
        return vmap(_ntk_from_params, in_dims=(None, 0, 0, *dims))(base, params, buffers, x1, x2)


def ntk_invariance_errors(widths=(64, 256, 1024, 4096), *, seeds=16, init="gaussian", seed=0) -> torch.Tensor:
    r"""Relative change of the empirical NTK when the inputs are rotated, for networks of several widths.

    For each width and seed, a one-hidden-layer ReLU network
    ``mlp([2, width, 1])`` and a uniformly random rotation :math:`Q` are drawn,
    and on the eight points :math:`X` of :func:`ntk_probe_points`

    .. math:: e = \lVert \Theta(QX, QX) - \Theta(X, X) \rVert_F \,/\, \lVert \Theta(X, X) \rVert_F .

    Parameters
    ----------
    widths : tuple of int, default (64, 256, 1024, 4096)
    seeds : int, default 16
        Networks (and rotations) per width.
    init : {"gaussian", "default"}, default "gaussian"
        See :func:`ensemble_ntk`.
    seed : int, default 0

    Returns
    -------
    torch.Tensor, shape (len(widths), seeds)

    Examples
    --------
    >>> errors = ntk_invariance_errors((16, 1024), seeds=4)
    >>> bool(errors[1].mean() < errors[0].mean())
    True
    """
    func = "ntk_invariance_errors"
    widths = check_counts(widths, name="widths", func=func)
    seeds = check_integer(seeds, name="seeds", func=func, minimum=1)
    init = check_choice(init, INITS, name="init", func=func)
    return _ntk_invariance_errors(widths, seeds, init, check_seed(seed, func=func))


@lru_cache(maxsize=8)
def _ntk_invariance_errors(widths: tuple, seeds: int, init: str, seed: int) -> torch.Tensor:
    points = ntk_probe_points()
    rotated = torch.einsum("sij,mj->smi", rotation_group_samples(seeds, seed=seed), points)
    rows = []
    for width in widths:
        first_seed = (seed * 10_000 + width) % SEED_LIMIT
        same = ensemble_ntk(width, points, points, seeds=seeds, init=init, first_seed=first_seed)
        moved = ensemble_ntk(width, rotated, rotated, seeds=seeds, init=init, first_seed=first_seed)
        rows.append(torch.linalg.matrix_norm(moved - same) / torch.linalg.matrix_norm(same))
    return torch.stack(rows)


def ntk_probe_points() -> torch.Tensor:
    """Eight fixed points of the plane, of lengths 0.5 to 1.5 and scattered directions, shape (8, 2)."""
    angles = torch.tensor([0.1, 0.9, 1.7, 2.2, 3.0, 3.9, 4.6, 5.5], dtype=torch.float64)
    radii = torch.linspace(0.5, 1.5, 8, dtype=torch.float64)
    return radii.unsqueeze(-1) * torch.stack([angles.cos(), angles.sin()], dim=-1)


def train_ensemble(width, X, y, *, seeds, steps=400, lr_scale=1.0, first_seed=0):
    r"""Train ``seeds`` networks ``mlp([D, width, 1])`` by full-batch gradient descent on the squared loss, all at once.

    Each network starts from :func:`gaussian_init_` with a zero read-out
    layer (so every network starts as the zero function, as in the linear
    theory) and takes ``steps`` steps of plain gradient descent with learning
    rate ``lr_scale / width`` on :math:`\frac1n\sum_i (f(x_i) - y_i)^2`. The
    ensemble is stacked with ``torch.func.stack_module_state`` and trained
    under ``vmap``.

    Parameters
    ----------
    width : int
    X : array_like, shape (n, D)
    y : array_like, shape (n,)
    seeds : int
        Number of networks.
    steps : int, default 400
    lr_scale : float, default 1
        Positive.
    first_seed : int, default 0
        Network ``s`` is initialised with seed ``first_seed + s`` (modulo :math:`2^{64}`).

    Returns
    -------
    callable
        ``predict(points)`` maps points of shape (m, D) to the networks'
        outputs, shape (seeds, m).

    Examples
    --------
    >>> X = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    >>> predict = train_ensemble(64, X, torch.tensor([1.0, -1.0]), seeds=3)
    >>> predict(X).round(decimals=6)
    tensor([[ 1., -1.],
            [ 1., -1.],
            [ 1., -1.]], dtype=torch.float64)
    """
    func = "train_ensemble"
    width = check_integer(width, name="width", func=func, minimum=1)
    seeds = check_integer(seeds, name="seeds", func=func, minimum=1)
    steps = check_integer(steps, name="steps", func=func, minimum=0)
    lr = check_scalar(lr_scale, name="lr_scale", func=func, low=0, low_open=True) / width
    first_seed = check_seed(first_seed, func=func, name="first_seed")
    X = check_finite(as_float_tensor(X, name="X", func=func), name="X", func=func).to(torch.float64)
    y = check_finite(as_float_tensor(y, name="y", func=func), name="y", func=func).to(torch.float64)
    sizes = check_shape(X, ("n", "D"), name="X", func=func)
    check_shape(y, ("n",), name="y", func=func, sizes=sizes)
    base, params, buffers = _ensemble(width, seeds, first_seed=first_seed, zero_readout=True, init="gaussian",
                                      input_dim=sizes["D"])

    def outputs(p, b, points):
        return functional_call(base, (p, b), (points,)).squeeze(-1)

    def loss(p, b):
        return (outputs(p, b, X) - y).pow(2).mean()

    step = vmap(grad(loss))
    with one_thread():
        for _ in range(steps):
            gradients = step(params, buffers)
            params = {name: params[name] - lr * gradients[name] for name in params}

    def predict(points) -> torch.Tensor:
        points = as_float_tensor(points, name="points", func="predict").to(torch.float64)
        with torch.no_grad():
            return vmap(outputs, in_dims=(0, 0, None))(params, buffers, points)

    return predict


@reports_as("d3_orbit_data")
def d3_orbit_data(d: int = 7, k: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The :math:`D_3` orbit of :math:`(1, 0)` and the values of :math:`r^d\cos k\theta` on it."""
    X = orbit([[1.0, 0.0]], dihedral_group(3))
    return X, circular_harmonic(X, d, k)


def ensemble_invariance(widths=(16, 64, 256, 1024), *, seeds=16, ensembles=1, steps=400, test_points=64):
    r""":math:`D_3`-invariance of networks trained on the :math:`D_3`-orbit data, and of their averages.

    For each width, ``seeds * ensembles`` networks are trained with
    :func:`train_ensemble` on the three points of :func:`d3_orbit_data` and
    split into ``ensembles`` groups of ``seeds``. Invariance under :math:`D_3`
    is measured on ``test_points`` points of the unit circle, relative
    (:func:`~mltheory.symmetry.groups.invariance_error`) and as the squared
    absolute error :math:`Q(f) = \frac{1}{|G|m}\sum_{g,i}(f(gx_i) - f(x_i))^2`.

    Returns
    -------
    dict
        ``"widths"``; ``"single"`` and ``"single_sq"``, shape
        (len(widths), seeds * ensembles): the relative error and :math:`Q` of
        each network; ``"mean"`` and ``"mean_sq"``, shape (len(widths),
        ensembles): the same for the average :math:`\bar f` of each group.

    Examples
    --------
    >>> result = ensemble_invariance((16,), seeds=2, steps=50)
    >>> result["single"].shape, result["mean"].shape
    (torch.Size([1, 2]), torch.Size([1, 1]))
    """
    func = "ensemble_invariance"
    widths = check_counts(widths, name="widths", func=func)
    return _ensemble_invariance(widths, check_integer(seeds, name="seeds", func=func, minimum=1),
                                check_integer(ensembles, name="ensembles", func=func, minimum=1),
                                check_integer(steps, name="steps", func=func, minimum=0),
                                check_integer(test_points, name="test_points", func=func, minimum=1))


@lru_cache(maxsize=8)
def _ensemble_invariance(widths: tuple, seeds: int, ensembles: int, steps: int, test_points: int) -> dict:
    group = dihedral_group(3)
    points = circle_points(test_points, offset=0.05)
    X, y = d3_orbit_data()
    single, single_sq, mean, mean_sq = [], [], [], []
    for width in widths:
        predict = train_ensemble(width, X, y, seeds=seeds * ensembles, steps=steps, first_seed=width * 1000)

        def averages(p):
            return predict(p).reshape(ensembles, seeds, -1).mean(1)

        single.append(invariance_error(predict, group, points))
        single_sq.append(invariance_error(predict, group, points, relative=False) ** 2)
        mean.append(invariance_error(averages, group, points))
        mean_sq.append(invariance_error(averages, group, points, relative=False) ** 2)
    return {"widths": tuple(widths), "single": torch.stack(single), "single_sq": torch.stack(single_sq),
            "mean": torch.stack(mean), "mean_sq": torch.stack(mean_sq)}
