r"""Sharpness is not invariant: rescaling two consecutive layers of a ReLU network changes the curvature of the
loss but not the function.

Multiply the weights and biases of one linear layer by :math:`\alpha > 0` and the weights of the next linear
layer by :math:`1/\alpha`. Because :math:`\max(\alpha z, 0) = \alpha \max(z, 0)`, a ReLU network computes the
same function afterwards. Write the rescaling as :math:`\theta \mapsto T_\alpha \theta` with :math:`T_\alpha`
diagonal; the loss satisfies :math:`L(T_\alpha \theta) = L(\theta)`, and differentiating twice gives the
Hessian at the rescaled parameters, :math:`T_\alpha^{-1} \nabla^2 L(\theta)\, T_\alpha^{-1}`
(:cite:t:`dinh2017sharp`). The functions here rescale a network, form its Hessian, and find the top eigenvalue
(the *sharpness*) without forming it, by power iteration on Hessian-vector products
(:func:`mltheory.optimization.curvature.sharpness`).
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from ..optimization import hvp, sharpness
from ..runtime import one_thread
from ..validation import check_integer, check_labels, check_scalar, check_seed, reports_as

__all__ = ["loss_hessian", "rescale_layers", "rescaling_factors", "top_hessian_eigenvalue"]


def _linear_layers(model, func: str) -> list[nn.Linear]:
    """The ``nn.Linear`` modules of an ``nn.Sequential``, in order; at least two."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"{func}: model must be an nn.Sequential of linear layers and activations "
                        f"(got {type(model).__name__})")
    layers = [module for module in model if isinstance(module, nn.Linear)]
    if len(layers) < 2:
        raise ValueError(f"{func}: model must have at least two nn.Linear layers (got {len(layers)})")
    return layers


def rescaling_factors(model: nn.Sequential, alpha: float, layer: int = 0) -> torch.Tensor:
    r"""The diagonal of :math:`T_\alpha`: the factor that the rescaling applies to each parameter.

    The parameters are in the order of ``model.parameters()``, flattened. The weights and bias of the linear layer
    number ``layer`` (counting only ``nn.Linear`` modules, from 0) get the factor :math:`\alpha`, the weights of the
    next linear layer :math:`1/\alpha`, and every other parameter (that layer's bias included) the factor 1.

    Parameters
    ----------
    model : torch.nn.Sequential
        A network with at least two ``nn.Linear`` layers.
    alpha : float
        The positive factor.
    layer : int, default 0
        Which linear layer is multiplied by ``alpha``; the next one is divided by it.

    Returns
    -------
    torch.Tensor, shape (number of parameters,)
        The factors, in the dtype of the model's parameters.

    Examples
    --------
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> rescaling_factors(net, 2.0).tolist()
    [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 0.5, 0.5, 0.5, 1.0]
    """
    func = "rescaling_factors"
    layers = _linear_layers(model, func)
    alpha = check_scalar(alpha, name="alpha", func=func, low=0.0, low_open=True)
    layer = check_integer(layer, name="layer", func=func, minimum=0)
    if layer + 1 >= len(layers):
        raise ValueError(f"{func}: layer must be below {len(layers) - 1}, so that a linear layer follows it "
                         f"(got {layer})")
    up = {id(layers[layer].weight), id(layers[layer].bias)}
    down = {id(layers[layer + 1].weight)}
    factors = [torch.full((p.numel(),), alpha if id(p) in up else 1 / alpha if id(p) in down else 1.0,
                          dtype=p.dtype) for p in model.parameters()]
    return torch.cat(factors)


@reports_as("rescale_layers")
def rescale_layers(model: nn.Sequential, alpha: float, layer: int = 0) -> nn.Sequential:
    r"""A copy of ``model`` with linear layer ``layer`` multiplied by :math:`\alpha` and the next divided by it.

    For a network whose activations between the two layers are positively homogeneous (ReLU, leaky ReLU, none), the
    copy computes the same function: exactly, in floating point, when :math:`\alpha` is a power of two. For other
    activations (tanh, GELU) the function changes. See :func:`rescaling_factors` for which parameters are scaled.

    Parameters
    ----------
    model : torch.nn.Sequential
        A network with at least two ``nn.Linear`` layers; it is not changed.
    alpha : float
        The positive factor.
    layer : int, default 0
        Which linear layer is multiplied by ``alpha``.

    Returns
    -------
    torch.nn.Sequential
        The rescaled copy.

    Examples
    --------
    >>> torch.manual_seed(0) and None
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> x = torch.randn(5, 2)
    >>> bool((rescale_layers(net, 8.0)(x) == net(x)).all())
    True
    >>> (rescale_layers(net, 8.0)[0].weight / net[0].weight).unique().tolist()
    [8.0]
    """
    factors = rescaling_factors(model, alpha, layer)
    rescaled = copy.deepcopy(model)
    start = 0
    with torch.no_grad():
        for parameter in rescaled.parameters():
            size = parameter.numel()
            parameter.mul_(factors[start:start + size].reshape(parameter.shape))
            start += size
    return rescaled


def _flat_loss(model: nn.Module, x, y, func: str):
    """The mean cross-entropy of ``model`` on ``(x, y)`` as a function of its flattened parameters, and those."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"{func}: model must be a torch.nn.Module (got {type(model).__name__})")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{func}: x must be a tensor of shape (n, d) (got {type(x).__name__})")
    if x.ndim != 2 or not x.is_floating_point() or not len(x):
        raise ValueError(f"{func}: x must be a non-empty floating-point tensor of shape (n, d) "
                         f"(got {x.dtype} of shape {tuple(x.shape)})")
    if not torch.isfinite(x).all():
        raise ValueError(f"{func}: x must be finite (got NaN or infinite entries)")
    names = [name for name, _ in model.named_parameters()]
    shapes = [p.shape for p in model.parameters()]
    theta = torch.cat([p.detach().flatten() for p in model.parameters()])
    try:
        scores = model(x)
    except RuntimeError as error:
        raise ValueError(f"{func}: x does not fit the model's input: {error} "
                         f"(got x of shape {tuple(x.shape)})") from None
    y = check_labels(y, name="y", func=func, classes=scores.shape[-1], shape=x.shape[:1])

    def loss(flat):
        parameters, start = {}, 0
        for name, shape in zip(names, shapes):
            parameters[name] = flat[start:start + shape.numel()].reshape(shape)
            start += shape.numel()
        return nn.functional.cross_entropy(torch.func.functional_call(model, parameters, (x,)), y)

    return loss, theta


@one_thread()
@reports_as("loss_hessian")
def loss_hessian(model: nn.Module, x, y) -> torch.Tensor:
    r"""The full Hessian :math:`\nabla^2 L(\theta)` of the mean cross-entropy with respect to all parameters.

    The parameters are flattened in the order of ``model.parameters()``. The matrix has as many rows as the model has
    parameters, so this is for small networks: it is the reference that :func:`top_hessian_eigenvalue` is checked
    against.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier whose outputs are the logits.
    x : torch.Tensor, shape (n, d)
        Inputs.
    y : torch.Tensor, shape (n,)
        Integer class labels.

    Returns
    -------
    torch.Tensor, shape (p, p)
        The symmetric Hessian, in the dtype of the parameters.

    Examples
    --------
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2)).double()
    >>> x, y = torch.randn(8, 2, dtype=torch.float64), torch.arange(8) % 2
    >>> H = loss_hessian(net, x, y)
    >>> H.shape, bool(torch.allclose(H, H.T))
    (torch.Size([17, 17]), True)
    """
    loss, theta = _flat_loss(model, x, y, "loss_hessian")
    hessian = torch.func.jacrev(torch.func.jacrev(loss))(theta)  # reverse over reverse
    return (hessian + hessian.T) / 2


@reports_as("top_hessian_eigenvalue")
def top_hessian_eigenvalue(model: nn.Module, x, y, *, iterations: int = 300, seed: int = 0) -> tuple[float, float]:
    r"""The sharpness :math:`\lambda_{\max}(\nabla^2 L(\theta))` of the mean cross-entropy, by Hessian-vector products.

    Power iteration (:func:`mltheory.optimization.curvature.sharpness`) on the loss as a function of the flattened parameters;
    the Hessian is never formed. It returns the Rayleigh quotient :math:`\hat\lambda = v^\top H v` of the final unit
    vector :math:`v` with the residual :math:`r = \lVert H v - \hat\lambda v \rVert`: for a symmetric :math:`H`, some
    eigenvalue lies within :math:`r` of :math:`\hat\lambda`. Power iteration finds the eigenvalue of largest modulus,
    which near a minimum is the largest one.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier whose outputs are the logits.
    x : torch.Tensor, shape (n, d)
        Inputs.
    y : torch.Tensor, shape (n,)
        Integer class labels.
    iterations : int, default 300
        Hessian-vector products of the power iteration.
    seed : int, default 0
        Seed of the start vector.

    Returns
    -------
    (float, float)
        The eigenvalue estimate :math:`\hat\lambda` and the residual :math:`r`.

    Examples
    --------
    >>> torch.manual_seed(0) and None
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2)).double()
    >>> x, y = torch.randn(8, 2, dtype=torch.float64), torch.arange(8) % 2
    >>> value, residual = top_hessian_eigenvalue(net, x, y)
    >>> dense = torch.linalg.eigvalsh(loss_hessian(net, x, y))
    >>> abs(value - float(dense.abs().max())) < 1e-8, residual < 1e-6
    (True, True)
    """
    func = "top_hessian_eigenvalue"
    loss, theta = _flat_loss(model, x, y, func)
    iterations = check_integer(iterations, name="iterations", func=func, minimum=1)
    value, vector = sharpness(loss, theta, iterations=iterations, seed=check_seed(seed, func=func))
    residual = (hvp(loss, theta, vector) - value * vector).norm()
    return value, float(residual)
