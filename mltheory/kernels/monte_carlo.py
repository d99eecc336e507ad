r"""The NNGP and NTK kernels measured on finite random networks, to check the analytic ones by Monte Carlo.

For a network whose last layer is dense, :math:`f = \frac{\sigma_w}{\sqrt n} v\cdot a(x) + \sigma_b b`,
the covariance of the output *given the hidden features* :math:`a` is exactly
:math:`\sigma_w^2\, a(x)\cdot a(x')/n + \sigma_b^2`. Averaging this over independent networks estimates
the covariance of the output with less variance than averaging products of outputs, and with the
same expectation.
"""

from __future__ import annotations

import torch

from ..runtime import one_thread
from ..validation import (
    SEED_LIMIT,
    as_float_tensor,
    check_finite,
    check_float_dtype,
    check_integer,
    check_seed,
    check_shape,
)
from .layers import Architecture, _State

__all__ = ["empirical_nngp", "empirical_ntk_ensemble"]


def _ensemble_arguments(model, x, width, networks, seed, dtype, func: str):
    """Validate the arguments shared by the Monte Carlo kernels; return the inputs in ``dtype`` and the rest."""
    if not isinstance(model, Architecture):
        raise TypeError(f"{func}: model must be an architecture made by serial (got {type(model).__name__})")
    if not model.layers or not model.layers[-1].dense:
        raise ValueError(f"{func}: model must end with a dense layer, whose input is the last hidden features "
                         f"(got {model!r})")
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    check_shape(x, ("N", "D"), name="x", func=func)
    width = check_integer(width, name="width", func=func, minimum=1)
    networks = check_integer(networks, name="networks", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    dtype = check_float_dtype(dtype, func=func)
    return x.to(dtype), width, networks, seed, dtype


@one_thread()
def empirical_nngp(model, x, width, networks, seed=0, *, dtype=torch.float32) -> torch.Tensor:
    r"""The NNGP kernel of each of ``networks`` finite random networks of the architecture ``model``, at inputs ``x``.

    The networks are small sequential computations and run on one thread. Network :math:`s` is ``model.network(width, seed + s)`` (seeds wrap around at :math:`2^{64}`); its kernel is the covariance of its
    output given its last hidden features :math:`a`, that is the read-out layer's kernel map applied to
    :math:`a(x_i)\cdot a(x_j)/n`. The mean over networks estimates the covariance of the output of a
    random network of this width; for one hidden layer its expectation is the analytic
    ``model.nngp(x, x)`` exactly, deeper it differs by :math:`O(1/n)`.

    Parameters
    ----------
    model : Architecture
        Made by :func:`~mltheory.kernels.layers.serial`, ending with a dense layer.
    x : array_like, shape (N, D)
    width : int
        Hidden width of the finite networks.
    networks : int
        How many independent networks.
    seed : int, default 0
        The seed of the first network.
    dtype : torch.dtype, default torch.float32
        Precision of the networks and of the returned kernels (the Gram matrices are formed in float64).

    Returns
    -------
    torch.Tensor, shape (networks, N, N), of dtype ``dtype``

    Examples
    --------
    >>> import math
    >>> from mltheory.kernels import Dense, Relu, serial
    >>> model = serial(Dense(math.sqrt(2)), Relu(), Dense())
    >>> x = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    >>> kernels = empirical_nngp(model, x, width=512, networks=20)
    >>> kernels.shape, bool((kernels.mean(0) - model.nngp(x, x)).abs().max() < 0.05)
    (torch.Size([20, 2, 2]), True)
    """
    inputs, width, networks, seed, dtype = _ensemble_arguments(model, x, width, networks, seed, dtype,
                                                               "empirical_nngp")
    readout = model.layers[-1]
    kernels = []
    for s in range(networks):
        net = model.network(width, (seed + s) % SEED_LIMIT, input_dim=inputs.shape[1], dtype=dtype)
        captured = []
        net.steps[-1].register_forward_pre_hook(lambda module, args: captured.append(args[0]))
        with torch.no_grad():
            net(inputs)
        features = captured[0].double()
        gram = features @ features.T / features.shape[1]
        kernels.append(readout.kernel_map(_State(gram.diagonal(), gram.diagonal(), gram, None, None)).nngp)
    return torch.stack(kernels).to(dtype)


@one_thread()
def empirical_ntk_ensemble(model, x, width, networks, seed=0, *, dtype=torch.float32) -> torch.Tensor:
    r"""The empirical NTK of each of ``networks`` finite random networks of the architecture ``model``, at ``x``.

    Network :math:`s` is ``model.network(width, seed + s)``, the same networks as :func:`empirical_nngp`.
    For a dense layer :math:`h = s_w W a + s_b b` with :math:`\delta = \partial f/\partial h`, the gradients
    with respect to :math:`W` and :math:`b` contribute
    :math:`(\delta(x)\cdot\delta(x'))\,(s_w^2\, a(x)\cdot a(x') + s_b^2)` to
    :math:`\hat\Theta(x, x') = \nabla_\theta f(x)\cdot\nabla_\theta f(x')`, so one forward and one backward pass
    per network give the whole kernel: several times faster than the generic
    :func:`~mltheory.kernels.training.empirical_ntk`, which forms every per-example gradient.

    Parameters
    ----------
    model : Architecture
        Made by :func:`~mltheory.kernels.layers.serial`, ending with a dense layer with one output.
    x : array_like, shape (N, D)
    width : int
        Hidden width of the finite networks.
    networks : int
        How many independent networks.
    seed : int, default 0
        The seed of the first network.
    dtype : torch.dtype, default torch.float32
        Precision of the networks and of the returned kernels.

    Returns
    -------
    torch.Tensor, shape (networks, N, N), of dtype ``dtype``

    Examples
    --------
    >>> import math
    >>> from mltheory.kernels import Dense, Relu, empirical_ntk, serial
    >>> model = serial(Dense(math.sqrt(2), 0.1), Relu(), Dense(1.0, 0.1))
    >>> x = torch.tensor([[1.0, 0.0], [0.6, 0.8]], dtype=torch.float64)
    >>> kernels = empirical_ntk_ensemble(model, x, width=64, networks=2, seed=3, dtype=torch.float64)
    >>> generic = empirical_ntk(model.network(64, 4, input_dim=2), x, x)  # network 1 has seed 3 + 1
    >>> kernels.shape, bool(torch.allclose(kernels[1], generic))
    (torch.Size([2, 2, 2]), True)
    """
    inputs, width, networks, seed, dtype = _ensemble_arguments(model, x, width, networks, seed, dtype,
                                                               "empirical_ntk_ensemble")
    kernels = []
    for s in range(networks):
        net = model.network(width, (seed + s) % SEED_LIMIT, input_dim=inputs.shape[1], dtype=dtype)
        seen = []
        for module in net.steps:
            module.register_forward_hook(lambda module, args, output: seen.append((module, args[0], output)))
        deltas = torch.autograd.grad(net(inputs).sum(), [output for _, _, output in seen])
        with torch.no_grad():
            kernels.append(sum((delta @ delta.T) * (module.weight_scale**2 * a @ a.T + module.bias_scale**2)
                               for (module, a, _), delta in zip(seen, deltas)))
    return torch.stack(kernels)
