r"""Autoencoders and the subspaces they find: PCA, principal angles, linear and nonlinear autoencoders.

An autoencoder maps a point :math:`x \in \mathbb R^d` to a code :math:`z = E(x)` of dimension
:math:`k < d` and back to a reconstruction :math:`D(z)`, and is trained to make the mean squared
reconstruction error small. With linear maps :math:`E \in \mathbb R^{k \times d}` and
:math:`D \in \mathbb R^{d \times k}` on centred data, the best reconstruction is the orthogonal
projection onto the top-:math:`k` principal subspace (Baldi & Hornik, 1989), but only the product
:math:`DE` is determined: :math:`(DG, G^{-1}E)` reconstructs exactly as well for every invertible
:math:`G`. :func:`principal_angles` measures how far two subspaces are apart, whatever bases describe them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch
from torch import nn

from ..networks import _ACTIVATIONS, mlp
from ..runtime import one_thread
from ..validation import (
    as_float_tensor,
    check_choice,
    check_finite,
    check_float_dtype,
    check_integer,
    check_labels,
    check_scalar,
    check_seed,
    next_seed,
)

__all__ = [
    "PCA",
    "LinearAutoencoder",
    "autoencoder",
    "knn_leave_one_out",
    "linear_autoencoder",
    "pca",
    "principal_angles",
]


class PCA(NamedTuple):
    """Principal components of a data set (see :func:`pca`)."""

    #: The mean of the data, shape (d,).
    mean: torch.Tensor
    #: The top-k principal directions as orthonormal columns, shape (d, k).
    components: torch.Tensor
    #: All eigenvalues of the covariance (divided by n), in decreasing order, shape (d,).
    variances: torch.Tensor


class LinearAutoencoder(NamedTuple):
    """A linear autoencoder trained by :func:`linear_autoencoder`."""

    #: The mean that is subtracted before encoding, shape (d,).
    mean: torch.Tensor
    #: The encoder E, shape (k, d); the code of x is E (x - mean).
    encoder: torch.Tensor
    #: The decoder D, shape (d, k); the reconstruction is mean + D E (x - mean).
    decoder: torch.Tensor
    #: The mean squared reconstruction error before each step and after the last, shape (steps + 1,).
    losses: torch.Tensor


def _data(x, func: str, name: str = "x") -> torch.Tensor:
    x = as_float_tensor(x, name=name, func=func)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 1:
        raise ValueError(f"{func}: {name} must have shape (n, d) with n >= 2 (got {tuple(x.shape)})")
    return check_finite(x, name=name, func=func)


def _covariance(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    mean = x.mean(dim=0)
    centred = x - mean
    return mean, centred.T @ centred / len(x)


def pca(x, k: int) -> PCA:
    r"""The top-``k`` principal directions of ``x``: eigenvectors of its covariance :math:`\Sigma = X_c^T X_c / n`.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Data, one example per row.
    k : int
        Number of directions, ``1 <= k <= d``.

    Returns
    -------
    PCA
        The mean, the top-``k`` eigenvectors as columns (each with its largest entry positive), and every
        eigenvalue of :math:`\Sigma` in decreasing order. The mean squared error of projecting the centred
        data onto the top-``k`` directions is the sum of the other eigenvalues.

    Raises
    ------
    ValueError
        If ``x`` is not a finite (n, d) array with n >= 2 or ``k`` is out of range.

    Examples
    --------
    >>> x = torch.tensor([[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]], dtype=torch.float64)
    >>> result = pca(x, 1)
    >>> result.components.flatten(), result.variances
    (tensor([1., 0.], dtype=torch.float64), tensor([2.0000, 0.5000], dtype=torch.float64))
    """
    func = "pca"
    x = _data(x, func)
    k = check_integer(k, name="k", func=func, minimum=1)
    if k > x.shape[1]:
        raise ValueError(f"{func}: k must be at most the dimension d = {x.shape[1]} (got {k})")
    mean, covariance = _covariance(x)
    eigenvalues, eigenvectors = torch.linalg.eigh(covariance)
    components = eigenvectors.flip(1)[:, :k]
    signs = torch.sign(components.gather(0, components.abs().argmax(dim=0, keepdim=True)))
    return PCA(mean, components * signs, eigenvalues.flip(0))


def _orthonormal_basis(a: torch.Tensor, name: str, func: str) -> torch.Tensor:
    q, r = torch.linalg.qr(a)
    diagonal = r.diagonal().abs()
    rank = int((diagonal > diagonal.max() * a.shape[0] * torch.finfo(a.dtype).eps).sum())
    if rank < a.shape[1]:
        raise ValueError(f"{func}: {name} must have linearly independent columns (got rank {rank} for {a.shape[1]} columns)")
    return q


def principal_angles(a, b) -> torch.Tensor:
    r"""The principal angles between the column spaces of ``a`` and ``b``, in radians, smallest first.

    With orthonormal bases :math:`Q_a, Q_b`, the cosines of the angles are the singular values of
    :math:`Q_a^T Q_b` and their sines those of :math:`(I - Q_a Q_a^T) Q_b` (for the smaller space as
    :math:`b`). Small angles are taken from the sines and large ones from the cosines, so that both are
    accurate to rounding (Björck & Golub, 1973); ``scipy.linalg.subspace_angles`` does the same. The
    angles do not depend on which bases are given: only the subspaces matter.

    Parameters
    ----------
    a : array_like, shape (d, k_a)
    b : array_like, shape (d, k_b)
        Each with linearly independent columns.

    Returns
    -------
    torch.Tensor, shape (min(k_a, k_b),)
        Angles in :math:`[0, \pi/2]`, in increasing order.

    Raises
    ------
    ValueError
        If the arrays are not 2-D with the same number of rows, or a set of columns is dependent.

    Examples
    --------
    >>> a = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], dtype=torch.float64)
    >>> principal_angles(a, a @ torch.tensor([[2.0, 1.0], [0.0, 3.0]], dtype=torch.float64))  # same plane
    tensor([0., 0.], dtype=torch.float64)
    >>> principal_angles(a, torch.tensor([[1.0], [0.0], [1.0]], dtype=torch.float64))  # 45 degrees
    tensor([0.7854], dtype=torch.float64)
    """
    func = "principal_angles"
    a = check_finite(as_float_tensor(a, name="a", func=func), name="a", func=func)
    b = check_finite(as_float_tensor(b, name="b", func=func), name="b", func=func)
    if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[0] or min(a.shape + b.shape) < 1:
        raise ValueError(f"{func}: a and b must have shapes (d, k_a) and (d, k_b) with the same d and k >= 1 "
                         f"(got {tuple(a.shape)} and {tuple(b.shape)})")
    dtype = torch.promote_types(a.dtype, b.dtype)
    a, b = a.to(dtype), b.to(dtype)
    qa, qb = _orthonormal_basis(a, "a", func), _orthonormal_basis(b, "b", func)
    if qa.shape[1] < qb.shape[1]:
        qa, qb = qb, qa
    cosines = torch.linalg.svdvals(qa.T @ qb).clamp(max=1.0)  # decreasing cosine: increasing angle
    sines = torch.linalg.svdvals(qb - qa @ (qa.T @ qb)).clamp(max=1.0).sort().values
    return torch.where(cosines.square() >= 0.5, torch.arcsin(sines), torch.arccos(cosines))


@one_thread()
def linear_autoencoder(x, k: int, *, steps: int = 3000, lr: float | None = None, seed=0) -> LinearAutoencoder:
    r"""Train a linear autoencoder :math:`x \mapsto D E (x - \bar x)` by full-batch gradient descent on the MSE.

    The loss is the mean squared reconstruction error of the centred data,
    :math:`L(D, E) = \frac1n \sum_j \|x_j - D E x_j\|^2 = \operatorname{tr}\big((I - DE)\Sigma(I - DE)^T\big)`,
    with gradients :math:`\nabla_D L = 2(DE - I)\Sigma E^T` and :math:`\nabla_E L = 2D^T(DE - I)\Sigma`.
    The decoder starts with independent :math:`N(0, 1/d)` entries and the encoder at zero: every update of
    :math:`E` is a multiple of :math:`\Sigma` on the right, so its rows stay in the span of the data and never
    carry directions in which the data do not vary (which the loss could not remove).

    Parameters
    ----------
    x : array_like, shape (n, d)
        Data, one example per row.
    k : int
        Dimension of the code, ``1 <= k <= d``.
    steps : int, default 3000
        Number of gradient steps, at least 1.
    lr : float, optional
        Step size; by default :math:`0.4 / \lambda_{\max}(\Sigma)`, from the largest eigenvalue of the covariance
        (the curvature of the loss scales with it).
    seed : int or torch.Generator, default 0
        Seed of the decoder's initialisation.

    Returns
    -------
    LinearAutoencoder
        The mean, the trained encoder and decoder, and the loss along the way.

    Raises
    ------
    ValueError
        If ``x`` is not a finite (n, d) array with n >= 2, or ``k``, ``steps`` or ``lr`` is out of range.

    Examples
    --------
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(500, 3, generator=g, dtype=torch.float64) * torch.tensor([3.0, 1.0, 0.5], dtype=torch.float64)
    >>> model = linear_autoencoder(x, 1, steps=1000)
    >>> principal_angles(model.decoder, pca(x, 1).components).item() < 1e-8
    True
    """
    func = "linear_autoencoder"
    x = _data(x, func)
    d = x.shape[1]
    k = check_integer(k, name="k", func=func, minimum=1)
    if k > d:
        raise ValueError(f"{func}: k must be at most the dimension d = {d} (got {k})")
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    mean, covariance = _covariance(x)
    if lr is None:
        lr = 0.4 / torch.linalg.matrix_norm(covariance, ord=2).item()
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    decoder = torch.randn(d, k, generator=generator, dtype=x.dtype) / d**0.5
    encoder = torch.zeros(k, d, dtype=x.dtype)
    identity = torch.eye(d, dtype=x.dtype)
    losses = torch.empty(steps + 1, dtype=x.dtype)
    for step in range(steps + 1):
        residual = decoder @ encoder - identity
        weighted = residual @ covariance
        losses[step] = (weighted * residual).sum()
        if step == steps:
            break
        decoder, encoder = decoder - 2 * lr * weighted @ encoder.T, encoder - 2 * lr * decoder.T @ weighted
    return LinearAutoencoder(mean, encoder, decoder, losses)


def autoencoder(encoder_sizes: Sequence[int], *, activation: str = "tanh", seed: int = 0,
                dtype=torch.float32) -> nn.Sequential:
    """A fully connected autoencoder whose decoder mirrors the encoder.

    Parameters
    ----------
    encoder_sizes : sequence of int
        Widths ``[d, h_1, ..., k]`` of the encoder, from the input to the code; the decoder has the widths in
        reverse order, ``[k, ..., h_1, d]``.
    activation : {"relu", "tanh", "gelu", "identity"}, default "tanh"
        Nonlinearity between layers (none on the code or the output).
    seed : int, default 0
        Seed of the encoder's initial weights (the decoder's is the next seed, ``seed + 1`` modulo ``2**64``).
    dtype : torch.dtype, default torch.float32

    Returns
    -------
    torch.nn.Sequential
        ``model[0]`` is the encoder and ``model[1]`` the decoder; ``model(x)`` reconstructs ``x``.

    Examples
    --------
    >>> model = autoencoder([64, 32, 2], seed=0)
    >>> model[0](torch.zeros(5, 64)).shape, model(torch.zeros(5, 64)).shape
    (torch.Size([5, 2]), torch.Size([5, 64]))
    """
    func = "autoencoder"
    if not isinstance(encoder_sizes, Sequence) or isinstance(encoder_sizes, (str, bytes)):
        raise TypeError(f"{func}: encoder_sizes must be a sequence of integer widths "
                        f"(got {type(encoder_sizes).__name__})")
    if len(encoder_sizes) < 2:
        raise ValueError(f"{func}: encoder_sizes must list at least an input and a code width (got {encoder_sizes!r})")
    sizes = [check_integer(size, name="encoder_sizes", func=func, minimum=1) for size in encoder_sizes]
    check_choice(activation, tuple(_ACTIVATIONS), name="activation", func=func)
    dtype = check_float_dtype(dtype, func=func)
    seed = check_seed(seed, func=func)
    encoder = mlp(sizes, activation=activation, seed=seed, dtype=dtype)
    decoder = mlp(sizes[::-1], activation=activation, seed=next_seed(seed), dtype=dtype)
    return nn.Sequential(encoder, decoder)


def knn_leave_one_out(z, labels, *, neighbours: int = 5) -> torch.Tensor:
    """Whether each point's label is the majority label of its nearest neighbours among the other points.

    The leave-one-out accuracy of a k-nearest-neighbour classifier is the mean of the result; it measures
    how well an embedding keeps the classes apart. Ties between labels go to the smallest label.

    Parameters
    ----------
    z : array_like, shape (n, m)
        The points (e.g. a 2-D embedding).
    labels : array_like of int, shape (n,)
        Class labels, from 0.
    neighbours : int, default 5
        Number of neighbours, at most ``n - 1``.

    Returns
    -------
    torch.Tensor, shape (n,)
        1.0 where the neighbours' vote is right, 0.0 where it is wrong (float64).

    Raises
    ------
    ValueError
        If the shapes disagree or ``neighbours`` is out of range.

    Examples
    --------
    >>> z = torch.tensor([[0.0], [0.1], [0.2], [5.0], [5.1], [5.2]])
    >>> knn_leave_one_out(z, torch.tensor([0, 0, 0, 1, 1, 1]), neighbours=2)
    tensor([1., 1., 1., 1., 1., 1.], dtype=torch.float64)
    """
    func = "knn_leave_one_out"
    z = _data(z, func, name="z")
    labels = check_labels(labels, name="labels", func=func, shape=z.shape[:1])
    neighbours = check_integer(neighbours, name="neighbours", func=func, minimum=1)
    if neighbours > len(z) - 1:
        raise ValueError(f"{func}: neighbours must be at most n - 1 = {len(z) - 1} (got {neighbours})")
    distances = torch.cdist(z, z).fill_diagonal_(float("inf"))
    nearest = distances.topk(neighbours, largest=False).indices
    votes = nn.functional.one_hot(labels[nearest], int(labels.max()) + 1).sum(dim=1)
    return (votes.argmax(dim=1) == labels).double()
