r"""What a network's first layer learns about its inputs when the labels are random.

After :cite:t:`maennel2020random`: a network trained on inputs with random labels learns nothing about the labels,
yet its first layer changes in a way that reflects the inputs. With stochastic gradient descent, the gradient of
the loss with respect to the weights of a first-layer unit is a weighted sum of the inputs,
:math:`\sum_i \delta_i x_i`, so every step moves the weights within the span of the data, and, when the weights
:math:`\delta_i` are unrelated to the inputs (as random labels make them at first), preferentially along the
directions in which the data vary most. The measure used here is the *principal energy*: the fraction of the trace
of a covariance matrix that lies in the top :math:`k` eigenvectors of the data covariance, which is :math:`k/d` for an
isotropic covariance in :math:`d` dimensions.
"""

from __future__ import annotations

import torch
from torch import nn

from ..networks import fit, mlp
from ..runtime import one_thread
from ..validation import as_float_tensor, check_choice, check_integer, check_labels, check_scalar, check_seed

__all__ = ["first_layer_alignment", "principal_energy"]


def principal_energy(covariance, reference, k: int) -> float:
    r"""The fraction of the trace of ``covariance`` that lies in the top ``k`` eigenvectors of ``reference``.

    With :math:`P_k` the orthogonal projector onto the span of the eigenvectors of the :math:`k` largest eigenvalues
    of ``reference``, this is :math:`\operatorname{tr}(P_k C P_k) / \operatorname{tr} C`. It is :math:`k/d` for
    :math:`C` a multiple of the identity, and 1 when :math:`C` lives in that span.

    Parameters
    ----------
    covariance : array_like, shape (d, d)
        A symmetric positive semidefinite matrix with a positive trace.
    reference : array_like, shape (d, d)
        A symmetric matrix, e.g. the covariance of the data.
    k : int
        Number of top eigenvectors, from 1 to ``d``.

    Returns
    -------
    float
        The fraction, in :math:`[0, 1]`.

    Examples
    --------
    >>> reference = torch.diag(torch.tensor([3.0, 2.0, 1.0, 0.5]))
    >>> principal_energy(torch.eye(4), reference, 1)
    0.25
    >>> principal_energy(torch.diag(torch.tensor([1.0, 1.0, 0.0, 0.0])), reference, 2)
    1.0
    """
    func = "principal_energy"
    covariance = as_float_tensor(covariance, name="covariance", func=func).double()
    reference = as_float_tensor(reference, name="reference", func=func).double()
    for name, matrix in (("covariance", covariance), ("reference", reference)):
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or not matrix.numel():
            raise ValueError(f"{func}: {name} must be a square matrix (got shape {tuple(matrix.shape)})")
        if not torch.isfinite(matrix).all():
            raise ValueError(f"{func}: {name} must be finite (got NaN or infinite entries)")
    if covariance.shape != reference.shape:
        raise ValueError(f"{func}: covariance and reference must have the same shape "
                         f"(got {tuple(covariance.shape)} and {tuple(reference.shape)})")
    k = check_integer(k, name="k", func=func, minimum=1)
    if k > len(reference):
        raise ValueError(f"{func}: k must be at most the dimension {len(reference)} (got {k})")
    trace = float(torch.trace(covariance))
    if not trace > 0:
        raise ValueError(f"{func}: covariance must have a positive trace (got {trace})")
    top = torch.linalg.eigh((reference + reference.T) / 2).eigenvectors[:, -k:]
    return float(torch.trace(top.T @ covariance @ top)) / trace


@one_thread()
def first_layer_alignment(x, y, *, hidden: int = 256, epochs: int = 20, optimizer: str = "sgd", lr: float = 0.05,
                          k: int = 10, seed: int) -> list[dict]:
    r"""Train ``mlp([d, hidden, hidden, classes])`` on ``(x, y)`` and follow how its first layer aligns with the data.

    The inputs are centred first (the network is trained on the centred inputs), so that their covariance is
    :math:`\Sigma_x = X^\top X / n`. Training is :func:`~mltheory.networks.fit` with minibatches of 64 and the
    cross-entropy. With :math:`W(t)` the first layer's weights (hidden × d) after epoch :math:`t`, the record of
    each epoch, from 0 (the initial weights) to ``epochs``, holds

    * ``"energy"``: :func:`principal_energy` of :math:`\Sigma_W = W^\top W / h` in the top ``k`` eigenvectors of
      :math:`\Sigma_x`;
    * ``"change energy"``: the same for the change :math:`\Delta = W(t) - W(0)`, of
      :math:`\Delta^\top \Delta / h` (from epoch 1: at epoch 0 there is no change);
    * ``"misalignment"``: :math:`\lVert \Sigma_W \Sigma_x - \Sigma_x \Sigma_W \rVert_F /
      (\lVert \Sigma_W \rVert_F \lVert \Sigma_x \rVert_F)`, zero when the two covariances share their eigenvectors;
    * ``"accuracy"``: the training accuracy.

    Parameters
    ----------
    x : torch.Tensor, shape (n, d)
        Inputs.
    y : torch.Tensor, shape (n,)
        Integer class labels (random ones, for the experiment of Maennel et al.).
    hidden : int, default 256
        Width of the two hidden layers.
    epochs : int, default 20
        Passes over the data.
    optimizer : {"sgd", "adam"}, default "sgd"
        SGD with momentum 0.9, or Adam.
    lr : float, default 0.05
        Learning rate; SGD diverges when it is too large for the scale of the data.
    k : int, default 10
        Number of top principal directions of the data.
    seed : int
        Seed of the initial weights and of the minibatch order.

    Returns
    -------
    list of dict
        One record per epoch, from epoch 0 (whose record has no ``"change energy"``).

    Examples
    --------
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(200, 6, generator=g) * torch.tensor([3.0, 2.0, 1.0, 1.0, 1.0, 1.0])
    >>> y = torch.randint(0, 3, (200,), generator=g)
    >>> history = first_layer_alignment(x, y, hidden=32, epochs=3, k=2, seed=0)
    >>> len(history), sorted(history[-1])
    (4, ['accuracy', 'change energy', 'energy', 'epoch', 'misalignment'])
    >>> abs(history[0]["energy"] - 2 / 6) < 0.15  # about isotropic at the start
    True
    """
    func = "first_layer_alignment"
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{func}: x must be a tensor of shape (n, d) (got {type(x).__name__})")
    if x.ndim != 2 or not x.is_floating_point() or len(x) < 2 or not torch.isfinite(x).all():
        raise ValueError(f"{func}: x must be a finite floating-point tensor of shape (n, d) with n >= 2 "
                         f"(got {x.dtype} of shape {tuple(x.shape)})")
    y = check_labels(y, name="y", func=func, shape=x.shape[:1])
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    optimizer = check_choice(optimizer, ("sgd", "adam"), name="optimizer", func=func)
    lr = check_scalar(lr, name="lr", func=func, low=0.0, low_open=True)
    k = check_integer(k, name="k", func=func, minimum=1)
    if k > x.shape[1]:
        raise ValueError(f"{func}: k must be at most the input dimension {x.shape[1]} (got {k})")
    seed = check_seed(seed, func=func)
    x = x - x.mean(0)
    data = (x.T @ x / len(x)).double()
    net = mlp([x.shape[1], hidden, hidden, max(int(y.max()) + 1, 2)], seed=seed, dtype=x.dtype)
    start = net[0].weight.detach().double().clone()

    def energy(matrix):
        return principal_energy(matrix.T @ matrix / hidden, data, k)

    def measure(model):
        weights = model[0].weight.detach().double()
        covariance = weights.T @ weights / hidden
        commutator = torch.linalg.matrix_norm(covariance @ data - data @ covariance)
        record = {"energy": energy(weights),
                  "misalignment": float(commutator / (torch.linalg.matrix_norm(covariance)
                                                      * torch.linalg.matrix_norm(data))),
                  "accuracy": float((model(x).argmax(-1) == y).float().mean())}
        change = weights - start
        if change.abs().max() > 0:
            record["change energy"] = energy(change)
        return record

    with torch.no_grad():
        history = [{"epoch": 0, "loss": 0.0, **measure(net)}]
    history += fit(net, x, y, loss=nn.functional.cross_entropy, epochs=epochs, batch_size=64, lr=lr, seed=seed,
                   evaluate=measure, optimizer=optimizer)
    for record in history:
        record.pop("loss")
    return history
