r"""Finite networks against their infinite-width kernels: the empirical NTK, training, and NTK regression.

The empirical neural tangent kernel of a network :math:`f(x;\theta)` with one output is

.. math:: \hat\Theta(x, x') = \nabla_\theta f(x;\theta) \cdot \nabla_\theta f(x';\theta).

:func:`empirical_ntk` computes it with ``torch.func`` (per-example gradients by ``jacrev`` under
``vmap``), a block of inputs at a time so that memory stays bounded. :func:`train_network` trains a
network by full-batch gradient descent on the squared loss, and :func:`ntk_regression` gives what
gradient descent does at infinite width, where the network is its own linearisation with the
deterministic kernel :math:`\Theta` of :meth:`~mltheory.kernels.layers.Architecture.ntk`.
:func:`lazy_training` runs the three side by side across widths, and :func:`power_law_fit` fits the
exponent of a quantity that shrinks with the width.
"""

from __future__ import annotations

import copy
import math
from functools import lru_cache

import torch
from torch import nn
from torch.func import functional_call, grad, jacrev, stack_module_state, vmap

from ..runtime import one_thread
from ..validation import (
    as_float_tensor,
    check_array,
    check_counts,
    check_finite,
    check_integer,
    check_scalar,
    check_seed,
    check_shape,
)
from .layers import Architecture, Dense, Relu, _point_sets, serial

__all__ = ["LAZY_ARCHITECTURE", "LAZY_LEARNING_RATE", "empirical_ntk", "lazy_data", "lazy_training", "ntk_regression", "power_law_fit",
           "train_network"]


# ------------------------------------------------------------------ the empirical kernel


def _check_network(network, func: str, name: str = "network") -> torch.dtype:
    """The dtype of a network's parameters, after checking that it is a module with parameters."""
    if not isinstance(network, nn.Module):
        raise TypeError(f"{func}: {name} must be a torch.nn.Module (got {type(network).__name__})")
    first = next(network.parameters(), None)
    if first is None:
        raise ValueError(f"{func}: {name} has no parameters")
    return first.dtype


def _scalar_output(network: nn.Module, x: torch.Tensor, func: str, name: str = "network") -> None:
    with torch.no_grad():
        out = network(x[:1])
    if out.numel() != 1:
        raise ValueError(f"{func}: {name} must return one number per input (got shape {tuple(out.shape)} for one input)")


def empirical_ntk(network, x1, x2, *, chunk_size=64) -> torch.Tensor:
    r"""The empirical neural tangent kernel :math:`\hat\Theta(x, x') = \nabla_\theta f(x) \cdot \nabla_\theta f(x')`.

    The per-example gradients are computed with ``torch.func`` (``jacrev`` under ``vmap``, through
    ``functional_call``), so the network is not modified. The kernel is assembled block by block:
    at most ``chunk_size`` gradients of each side are held at once, so memory grows like
    ``2 * chunk_size`` times the number of parameters, whatever the number of inputs. When ``x1`` and
    ``x2`` are the same tensor only the blocks on and above the diagonal are computed.

    Parameters
    ----------
    network : torch.nn.Module
        A network with one output per input (shape (N,) or (N, 1) for N inputs).
    x1 : array_like, shape (n1, D)
    x2 : array_like, shape (n2, D)
        Converted to the dtype of the network's parameters.
    chunk_size : int, default 64
        Inputs per block.

    Returns
    -------
    torch.Tensor, shape (n1, n2)

    Examples
    --------
    For a linear model :math:`f(x) = w\cdot x + b` the NTK is :math:`x \cdot x' + 1`:

    >>> net = nn.Linear(2, 1, dtype=torch.float64)
    >>> empirical_ntk(net, [[1.0, 2.0]], [[3.0, 4.0], [0.0, 0.0]])
    tensor([[12.,  1.]], dtype=torch.float64)
    """
    func = "empirical_ntk"
    dtype = _check_network(network, func)
    chunk_size = check_integer(chunk_size, name="chunk_size", func=func, minimum=1)
    same = x1 is x2
    x1, x2 = _point_sets(x1, x2, func)
    x1, x2 = x1.to(dtype), x2.to(dtype)
    _scalar_output(network, x1, func)
    params = {name: p.detach() for name, p in network.named_parameters()}
    buffers = dict(network.named_buffers())

    def f(p, x):
        return functional_call(network, (p, buffers), (x.unsqueeze(0),)).reshape(())

    def gradients(x):
        jac = vmap(jacrev(f), in_dims=(None, 0))(params, x)
        return torch.cat([jac[name].flatten(1) for name in params], dim=1)

    kernel = torch.empty(len(x1), len(x2), dtype=dtype)
    starts2 = range(0, len(x2), chunk_size)
    for i in range(0, len(x1), chunk_size):
        g1 = gradients(x1[i:i + chunk_size])
        for j in starts2:
            if same and j < i:
                continue
            g2 = g1 if same and j == i else gradients(x2[j:j + chunk_size])
            block = g1 @ g2.T
            kernel[i:i + chunk_size, j:j + chunk_size] = block
            if same:
                kernel[j:j + chunk_size, i:i + chunk_size] = block.T
    return kernel


# ------------------------------------------------------------------ training and its infinite-width limit


def _training_data(x_train, y_train, func: str) -> tuple[torch.Tensor, torch.Tensor]:
    x_train = check_finite(as_float_tensor(x_train, name="x_train", func=func), name="x_train", func=func)
    y_train = check_finite(as_float_tensor(y_train, name="y_train", func=func), name="y_train", func=func)
    sizes = check_shape(x_train, ("m", "D"), name="x_train", func=func)
    check_shape(y_train, ("m",), name="y_train", func=func, sizes=sizes)
    return x_train, y_train.to(x_train.dtype)


def train_network(network, x_train, y_train, *, steps, learning_rate) -> nn.Module:
    r"""Train a copy of ``network`` by full-batch gradient descent on the squared loss.

    Each of the ``steps`` steps is :math:`\theta \leftarrow \theta - \eta\nabla_\theta L` with

    .. math:: L(\theta) = \frac{1}{2m}\sum_{i=1}^m \bigl(f(x_i;\theta) - y_i\bigr)^2 ,

    the loss whose infinite-width limit :func:`ntk_regression` solves.

    Parameters
    ----------
    network : torch.nn.Module
        One output per input; it is copied, not changed.
    x_train : array_like, shape (m, D)
    y_train : array_like, shape (m,)
    steps : int
        Non-negative.
    learning_rate : float
        :math:`\eta`, positive.

    Returns
    -------
    torch.nn.Module
        The trained copy.

    Examples
    --------
    >>> net = nn.Linear(1, 1, bias=False, dtype=torch.float64)
    >>> trained = train_network(net, [[1.0]], [2.0], steps=100, learning_rate=0.5)
    >>> round(trained.weight.item(), 6)
    2.0
    """
    func = "train_network"
    dtype = _check_network(network, func)
    steps = check_integer(steps, name="steps", func=func, minimum=0)
    learning_rate = check_scalar(learning_rate, name="learning_rate", func=func, low=0, low_open=True)
    x_train, y_train = _training_data(x_train, y_train, func)
    x_train, y_train = x_train.to(dtype), y_train.to(dtype)
    _scalar_output(network, x_train, func)
    return _gradient_descent([network], x_train, y_train, steps, learning_rate)[0]


def _gradient_descent(networks: list, x_train, y_train, steps: int, learning_rate: float) -> list:
    """Train copies of networks of one architecture together: their parameters stacked, the steps under ``vmap``."""
    params, buffers = stack_module_state(networks)
    params = {name: p.detach() for name, p in params.items()}
    base = copy.deepcopy(networks[0]).to("meta")

    def loss(p, b):
        residual = functional_call(base, (p, b), (x_train,)).reshape(-1) - y_train
        return 0.5 * (residual**2).mean()

    step = vmap(grad(loss))
    for _ in range(steps):
        gradients = step(params, buffers)
        params = {name: params[name] - learning_rate * gradients[name] for name in params}
    trained = [copy.deepcopy(network) for network in networks]
    with torch.no_grad():
        for k, network in enumerate(trained):
            for name, p in network.named_parameters():
                p.copy_(params[name][k])
    return trained


def ntk_regression(kernel, x_train, y_train, x_test, t=None, learning_rate=1.0) -> torch.Tensor:
    r"""The mean prediction of an infinitely wide network after ``t`` steps of gradient descent (Lee et al. 2019).

    At infinite width a network trained by gradient descent on the loss of :func:`train_network`
    stays equal to its linearisation, whose kernel :math:`\Theta` (the analytic NTK of ``kernel``)
    does not move. Its outputs on the training inputs :math:`X` then follow
    :math:`f_{t+1}(X) - Y = (I - \tfrac{\eta}{m}\Theta_{XX})(f_t(X) - Y)`, and averaged over the
    random initialisation (where :math:`f_0` has mean zero) the prediction at :math:`x` is

    .. math::

        \mu_t(x) = \Theta_{xX}\,\Theta_{XX}^{-1}\bigl(I - (I - \tfrac{\eta}{m}\Theta_{XX})^t\bigr) Y,
        \qquad \mu_\infty(x) = \Theta_{xX}\,\Theta_{XX}^{-1} Y,

    kernel regression with the NTK. It is computed from the eigendecomposition of
    :math:`\Theta_{XX}`, so a tiny eigenvalue contributes its finite limit :math:`t\eta/m`.
    By linearity, a network that starts from :math:`f_0` predicts
    :math:`f_0(x) + \mu_t(x)` with targets :math:`Y - f_0(X)`.

    Parameters
    ----------
    kernel : Architecture
        Made by :func:`~mltheory.kernels.layers.serial`; its ``.ntk`` is used.
    x_train : array_like, shape (m, D)
    y_train : array_like, shape (m,)
    x_test : array_like, shape (k, D)
    t : int, optional
        Number of gradient-descent steps, non-negative; None (the default) for :math:`t \to \infty`.
    learning_rate : float, default 1
        :math:`\eta`, positive; with ``t`` given it must keep the linear dynamics stable,
        :math:`\eta\lambda_{\max}(\Theta_{XX})/m < 2`.

    Returns
    -------
    torch.Tensor, shape (k,)

    Examples
    --------
    >>> model = serial(Dense(math.sqrt(2)), Relu(), Dense())
    >>> X = [[1.0, 0.0], [0.0, 1.0]]
    >>> ntk_regression(model, X, [1.0, -1.0], X).round(decimals=6)  # at t = infinity it interpolates
    tensor([ 1., -1.], dtype=torch.float64)
    >>> ntk_regression(model, X, [1.0, -1.0], X, t=0)  # before training the mean is 0
    tensor([0., 0.], dtype=torch.float64)
    """
    func = "ntk_regression"
    if not isinstance(kernel, Architecture):
        raise TypeError(f"{func}: kernel must be made by serial (got {type(kernel).__name__})")
    x_train, y_train = _training_data(x_train, y_train, func)
    x_test = check_finite(as_float_tensor(x_test, name="x_test", func=func), name="x_test", func=func)
    check_shape(x_test, ("k", "D"), name="x_test", func=func, sizes={"D": x_train.shape[1]})
    learning_rate = check_scalar(learning_rate, name="learning_rate", func=func, low=0, low_open=True)
    if t is not None:
        t = check_integer(t, name="t", func=func, minimum=0)
    x_train, y_train, x_test = x_train.double(), y_train.double(), x_test.double()
    gram = kernel.ntk(x_train, x_train)
    cross = kernel.ntk(x_test, x_train)
    eigenvalues, vectors = torch.linalg.eigh(gram)
    if t is None:
        if eigenvalues[0] <= eigenvalues[-1] * len(gram) * torch.finfo(gram.dtype).eps:
            raise ValueError(f"{func}: the NTK of x_train must be positive definite for t=None (got the smallest "
                             f"eigenvalue {float(eigenvalues[0]):.3g}); are two training inputs equal?")
        gain = 1 / eigenvalues
    else:
        rate = learning_rate * eigenvalues.clamp(min=0) / len(gram)
        if rate[-1] >= 2:
            raise ValueError(f"{func}: learning_rate must satisfy learning_rate * lambda_max / m < 2 for gradient "
                             f"descent to converge (got {float(rate[-1]):.6g})")
        # (1 - (1 - r)^t) / lambda, with its limit t * eta / m as lambda -> 0
        decay = -torch.expm1(t * torch.log1p(-rate)) if t > 0 else torch.zeros_like(rate)
        small = rate < 1e-12
        gain = torch.where(small, t * learning_rate / len(gram), decay / torch.where(small, 1.0, eigenvalues))
    return cross @ (vectors @ (gain * (vectors.T @ y_train)))


# ------------------------------------------------------------------ the experiment across widths


def power_law_fit(widths, errors) -> tuple[float, float, float]:
    r"""Fit :math:`\mathrm{rms}(e) \approx c\, n^{\beta}` across widths, with the standard error of the exponent.

    For each width :math:`n_i` the mean square :math:`m_i` of the errors
    :math:`e_{is}` over the seeds is estimated with its standard error
    :math:`\sigma_i`; then :math:`\tfrac12\log m_i` is regressed on
    :math:`\log n_i` by weighted least squares with weights
    :math:`(2 m_i/\sigma_i)^2`, the inverse variances of
    :math:`\tfrac12 \log m_i` to first order.

    Parameters
    ----------
    widths : sequence of float, length W
    errors : array_like, shape (W, S)
        Errors of :math:`S \ge 2` independent networks at each width.

    Returns
    -------
    slope, standard_error, prefactor : float

    Examples
    --------
    >>> widths = [10, 100, 1000]
    >>> errors = torch.tensor([[1.0, 3.0], [0.1, 0.3], [0.01, 0.03]])  # falls like 1/n
    >>> slope, se, c = power_law_fit(widths, errors)
    >>> round(slope, 6)
    -1.0
    """
    func = "power_law_fit"
    errors = check_array(errors, name="errors", func=func, positive=True)
    log_n = torch.log(check_array(widths, name="widths", func=func, positive=True)).to(errors.dtype)
    check_shape(errors, (len(log_n), "S"), name="errors", func=func)
    if errors.shape[1] < 2:
        raise ValueError(f"{func}: need at least 2 errors per width (got {errors.shape[1]})")
    squares = errors**2
    mean = squares.mean(1)
    standard_error = squares.std(1) / math.sqrt(squares.shape[1])
    log_rms = 0.5 * torch.log(mean)
    weights = (2 * mean / standard_error) ** 2
    centre = (weights * log_n).sum() / weights.sum()
    spread = (weights * (log_n - centre) ** 2).sum()
    slope = (weights * (log_n - centre) * log_rms).sum() / spread
    intercept = (weights * log_rms).sum() / weights.sum() - slope * centre
    return float(slope), float(spread.rsqrt()), float(torch.exp(intercept))


#: The architecture of :func:`lazy_training`: one ReLU hidden layer in the NTK parametrisation.
LAZY_ARCHITECTURE = serial(Dense(math.sqrt(2), 0.1), Relu(), Dense(1.0, 0.1))

#: The learning rate of :func:`lazy_training`: the analytic kernel of :data:`LAZY_ARCHITECTURE` on :func:`lazy_data`
#: has :math:`\eta\lambda_{\max}/m = 0.64`, stable with room for the finite networks' fluctuations.
LAZY_LEARNING_RATE = 2.0


def lazy_data(train: int = 8, test: int = 64) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""The regression task of :func:`lazy_training`: :math:`y = \sin 2\phi` on points of the unit circle.

    ``train`` points at angles :math:`\phi_i = 2\pi(i + 0.3)/m` and ``test`` points at equal steps from 0.

    Parameters
    ----------
    train : int, default 8
    test : int, default 64

    Returns
    -------
    x_train : torch.Tensor, shape (train, 2)
    y_train : torch.Tensor, shape (train,)
    x_test : torch.Tensor, shape (test, 2)

    Examples
    --------
    >>> x_train, y_train, x_test = lazy_data(4, 3)
    >>> x_train.shape, y_train.shape, x_test.shape
    (torch.Size([4, 2]), torch.Size([4]), torch.Size([3, 2]))
    """
    func = "lazy_data"
    train = check_integer(train, name="train", func=func, minimum=1)
    test = check_integer(test, name="test", func=func, minimum=1)
    angles = 2 * math.pi * (torch.arange(train, dtype=torch.float64) + 0.3) / train
    x_train = torch.stack([angles.cos(), angles.sin()], dim=-1)
    phi = 2 * math.pi * torch.arange(test, dtype=torch.float64) / test
    return x_train, torch.sin(2 * angles), torch.stack([phi.cos(), phi.sin()], dim=-1)


def lazy_training(widths=(64, 128, 256, 512, 1024), *, seeds=8, steps=100, seed=0) -> dict:
    r"""Finite networks of growing width against their infinite-width kernel, before and after training.

    For each width and seed a network of :data:`LAZY_ARCHITECTURE` is drawn and trained by
    :func:`train_network` on :func:`lazy_data` (8 points of the unit circle, :math:`y = \sin 2\phi`), with
    the learning rate :data:`LAZY_LEARNING_RATE`.
    Three relative errors are recorded:

    - ``"initial"``: :math:`\lVert\hat\Theta_0 - \Theta\rVert_F / \lVert\Theta\rVert_F` on the training
      inputs, the empirical NTK at initialisation against the analytic one;
    - ``"moved"``: :math:`\lVert\hat\Theta_t - \hat\Theta_0\rVert_F / \lVert\hat\Theta_0\rVert_F`, how far the
      kernel moves during the ``steps`` steps of training;
    - ``"prediction"``: the root-mean-square difference, on the test points, between the trained network
      and the infinite-width prediction :math:`f_0(x) + \mu_t(x)` of :func:`ntk_regression` with the
      targets :math:`Y - f_0(X)`, relative to the root-mean-square of the targets.

    ``"offset"`` holds the same difference measured against :math:`\mu_t` alone, forgetting the initial
    function :math:`f_0`.

    Parameters
    ----------
    widths : sequence of int, default (64, 128, 256, 512, 1024)
    seeds : int, default 8
        Networks per width, at least 2.
    steps : int, default 100
    seed : int, default 0
        Network ``s`` of width ``n`` has the seed ``seed * 10**6 + 1000 * n + s`` (modulo :math:`2^{64}`).

    Returns
    -------
    dict
        ``"widths"`` (tuple), and ``"initial"``, ``"moved"``, ``"prediction"``, ``"offset"``, each of shape
        (len(widths), seeds); ``"x_test"``, ``"infinite"`` (the mean prediction :math:`\mu_t` on the test
        points), ``"trained"``, the trained networks' test predictions, and ``"linear"``, their infinite-width
        predictions :math:`f_0 + \mu_t`, each of shape (len(widths), seeds, k).

    Examples
    --------
    >>> result = lazy_training((16, 256), seeds=2, steps=20)
    >>> result["moved"].shape, bool(result["moved"][1].mean() < result["moved"][0].mean())
    (torch.Size([2, 2]), True)
    """
    func = "lazy_training"
    widths = check_counts(widths, name="widths", func=func)
    seeds = check_integer(seeds, name="seeds", func=func, minimum=2)
    steps = check_integer(steps, name="steps", func=func, minimum=0)
    return _lazy_training(widths, seeds, steps, check_seed(seed, func=func))


@lru_cache(maxsize=8)
def _lazy_training(widths: tuple, seeds: int, steps: int, seed: int) -> dict:
    learning_rate = LAZY_LEARNING_RATE
    x_train, y_train, x_test = lazy_data()
    analytic = LAZY_ARCHITECTURE.ntk(x_train, x_train)
    infinite = ntk_regression(LAZY_ARCHITECTURE, x_train, y_train, x_test, t=steps, learning_rate=learning_rate)
    scale = y_train.pow(2).mean().sqrt()
    rows = {key: [] for key in ("initial", "moved", "prediction", "offset", "trained", "linear")}
    with one_thread():
        for width in widths:
            row = {key: [] for key in rows}
            networks = [LAZY_ARCHITECTURE.network(width, (seed * 10**6 + 1000 * width + s) % 2**64, input_dim=2)
                        for s in range(seeds)]
            trained = _gradient_descent(networks, x_train, y_train, steps, learning_rate)
            for network, after in zip(networks, trained):
                start = empirical_ntk(network, x_train, x_train)
                with torch.no_grad():
                    f0_train, f0_test = network(x_train)[:, 0], network(x_test)[:, 0]
                    prediction = after(x_test)[:, 0]
                linear = f0_test + ntk_regression(LAZY_ARCHITECTURE, x_train, y_train - f0_train, x_test, t=steps,
                                                  learning_rate=learning_rate)
                row["initial"].append(torch.linalg.matrix_norm(start - analytic) / torch.linalg.matrix_norm(analytic))
                row["moved"].append(torch.linalg.matrix_norm(empirical_ntk(after, x_train, x_train) - start)
                                    / torch.linalg.matrix_norm(start))
                row["prediction"].append((prediction - linear).pow(2).mean().sqrt() / scale)
                row["offset"].append((prediction - infinite).pow(2).mean().sqrt() / scale)
                row["trained"].append(prediction)
                row["linear"].append(linear)
            for key in rows:
                rows[key].append(torch.stack(row[key]))
    result = {key: torch.stack(value) for key, value in rows.items()}
    return {"widths": widths, "x_test": x_test, "infinite": infinite, **result}
