r"""The NNGP kernel measured on finite random networks, to check the analytic one by Monte Carlo.

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

__all__ = ["empirical_nngp"]


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
    func = "empirical_nngp"
    if not isinstance(model, Architecture):
        raise TypeError(f"{func}: model must be an architecture made by serial (got {type(model).__name__})")
    if not model.layers or not model.layers[-1].dense:
        raise ValueError(f"{func}: model must end with a dense layer, whose input is the last hidden features "
                         f"(got {model!r})")
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    dimension = check_shape(x, ("N", "D"), name="x", func=func)["D"]
    width = check_integer(width, name="width", func=func, minimum=1)
    networks = check_integer(networks, name="networks", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    dtype = check_float_dtype(dtype, func=func)
    readout = model.layers[-1]
    inputs = x.to(dtype)
    kernels = []
    for s in range(networks):
        net = model.network(width, (seed + s) % SEED_LIMIT, input_dim=dimension, dtype=dtype)
        captured = []
        net.steps[-1].register_forward_pre_hook(lambda module, args: captured.append(args[0]))
        with torch.no_grad():
            net(inputs)
        features = captured[0].double()
        gram = features @ features.T / features.shape[1]
        kernels.append(readout.kernel_map(_State(gram.diagonal(), gram.diagonal(), gram, None, None)).nngp)
    return torch.stack(kernels).to(dtype)
