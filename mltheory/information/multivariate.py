"""Entropies of several variables: joint and conditional entropy, mutual information.

A joint distribution of discrete variables is a table with one dimension per
variable: ``p_xy[x, y]`` for two, ``p_xyz[x, y, z]`` for three. Leading
dimensions, if any, are a batch. Tables are validated (non-negative, finite,
summing to 1) and never renormalised.
"""

from __future__ import annotations

import torch

from ..validation import check_integer, check_log_base, check_probability_table
from .measures import _in_base

__all__ = ["conditional_entropy", "conditional_mutual_information", "joint_entropy", "mutual_information"]


def _neg_xlogx_sum(p: torch.Tensor, ndim: int) -> torch.Tensor:
    """:math:`-\\sum p \\log p` over the last ``ndim`` dimensions (entropy in nats, no validation)."""
    return 0.0 - torch.special.xlogy(p, p).sum(dim=tuple(range(-ndim, 0)))


def joint_entropy(p, *, variables=2, base=None) -> torch.Tensor:
    r"""Joint entropy :math:`H(X_1, \dots, X_k) = -\sum p(x_1, \dots, x_k) \log p(x_1, \dots, x_k)`.

    It is the entropy of the table read as one distribution over all cells.

    Parameters
    ----------
    p : array_like, shape (..., n_1, ..., n_k)
        Joint probabilities, one dimension per variable (the last ``variables``
        dimensions); leading dimensions are a batch.
    variables : int, default 2
        Number of variables :math:`k`.
    base : float, optional
        Base of the logarithm: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    torch.Tensor, shape (...)
        The joint entropy of each table in the batch.

    Raises
    ------
    ValueError
        If ``p`` has fewer than ``variables`` dimensions, is empty, contains NaN,
        infinities or negative entries, or does not sum to 1.

    Examples
    --------
    >>> joint_entropy([[0.25, 0.25], [0.25, 0.25]], base=2)  # two fair coins
    tensor(2., dtype=torch.float64)
    """
    func = "joint_entropy"
    variables = check_integer(variables, name="variables", func=func, minimum=1)
    p = check_probability_table(p, name="p", func=func, ndim=variables)
    base = check_log_base(base, func=func)
    return _in_base(_neg_xlogx_sum(p, variables), base)


def conditional_entropy(p_xy, *, base=None) -> torch.Tensor:
    r"""Conditional entropy :math:`H(X \mid Y) = -\sum_{x,y} p(x,y) \log p(x \mid y) = H(X, Y) - H(Y)`.

    It is the average over :math:`y` of the entropy of :math:`p(x \mid y)`:
    what remains unknown about :math:`X` once :math:`Y` is known. Values of
    :math:`y` with :math:`p(y) = 0` contribute nothing.

    Parameters
    ----------
    p_xy : array_like, shape (..., n_x, n_y)
        Joint probabilities indexed ``[x, y]``: :math:`X` along dim -2 and the
        conditioning variable :math:`Y` along dim -1.
    base : float, optional
        Base of the logarithm: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    torch.Tensor, shape (...)
        :math:`H(X \mid Y)`. Differentiable in ``p_xy`` where all entries are positive.

    Raises
    ------
    ValueError
        If ``p_xy`` is not a valid joint table (see :func:`joint_entropy`).

    Examples
    --------
    >>> conditional_entropy([[0.5, 0.0], [0.0, 0.5]])  # X = Y: nothing left to learn
    tensor(0., dtype=torch.float64)
    >>> conditional_entropy([[0.25, 0.25], [0.25, 0.25]], base=2)  # independent fair coins
    tensor(1., dtype=torch.float64)
    """
    func = "conditional_entropy"
    p_xy = check_probability_table(p_xy, name="p_xy", func=func, ndim=2)
    base = check_log_base(base, func=func)
    return _in_base(_neg_xlogx_sum(p_xy, 2) - _neg_xlogx_sum(p_xy.sum(dim=-2), 1), base)


def mutual_information(p_xy, *, base=None) -> torch.Tensor:
    r"""Mutual information :math:`I(X; Y) = \sum_{x,y} p(x,y) \log \frac{p(x,y)}{p(x)\,p(y)}`.

    It is the relative entropy :math:`D(p_{XY} \,\|\, p_X p_Y)` of the joint
    distribution from the product of its marginals, and equals
    :math:`H(X) + H(Y) - H(X,Y) = H(X) - H(X \mid Y)`. It is symmetric, and
    zero exactly when :math:`X` and :math:`Y` are independent. Each term is
    computed as :math:`p \log p - p \log(p_x p_y)`, so there is no
    cancellation between large entropies; for an independent table the result
    is zero up to rounding (of order :math:`10^{-16}`, of either sign).

    Parameters
    ----------
    p_xy : array_like, shape (..., n_x, n_y)
        Joint probabilities indexed ``[x, y]``.
    base : float, optional
        Base of the logarithm: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    torch.Tensor, shape (...)
        :math:`I(X; Y)`. Differentiable in ``p_xy`` where all entries are positive.

    Raises
    ------
    ValueError
        If ``p_xy`` is not a valid joint table (see :func:`joint_entropy`).

    Examples
    --------
    >>> mutual_information([[0.5, 0.0], [0.0, 0.5]], base=2)  # X = Y: one full bit
    tensor(1., dtype=torch.float64)
    >>> mutual_information([[0.6, 0.2], [0.15, 0.05]]).abs() < 1e-15  # independent
    tensor(True)
    """
    func = "mutual_information"
    p_xy = check_probability_table(p_xy, name="p_xy", func=func, ndim=2)
    base = check_log_base(base, func=func)
    product = p_xy.sum(dim=-1, keepdim=True) * p_xy.sum(dim=-2, keepdim=True)
    terms = torch.special.xlogy(p_xy, p_xy) - torch.special.xlogy(p_xy, product)
    return _in_base(terms.sum(dim=(-2, -1)), base)


def conditional_mutual_information(p_xyz, *, base=None) -> torch.Tensor:
    r"""Conditional mutual information :math:`I(X; Z \mid Y) = H(X,Y) + H(Y,Z) - H(Y) - H(X,Y,Z)`.

    It is what :math:`Z` tells about :math:`X` once :math:`Y` is known. Its
    non-negativity is *strong subadditivity* of entropy; it vanishes exactly
    when :math:`X \to Y \to Z` is a Markov chain.

    Parameters
    ----------
    p_xyz : array_like, shape (..., n_x, n_y, n_z)
        Joint probabilities indexed ``[x, y, z]``: the conditioning variable is the middle one.
    base : float, optional
        Base of the logarithm: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    torch.Tensor, shape (...)
        :math:`I(X; Z \mid Y)`.

    Raises
    ------
    ValueError
        If ``p_xyz`` is not a valid table of three variables.

    Examples
    --------
    >>> p = torch.zeros(2, 2, 2, dtype=torch.float64)
    >>> p[0, 0, 0] = p[1, 0, 1] = 0.5  # given Y = 0, Z is a copy of X
    >>> conditional_mutual_information(p, base=2)
    tensor(1., dtype=torch.float64)
    """
    func = "conditional_mutual_information"
    p = check_probability_table(p_xyz, name="p_xyz", func=func, ndim=3)
    base = check_log_base(base, func=func)
    h = _neg_xlogx_sum(p.sum(dim=-1), 2) + _neg_xlogx_sum(p.sum(dim=-3), 2)
    h = h - _neg_xlogx_sum(p.sum(dim=(-3, -1)), 1) - _neg_xlogx_sum(p, 3)
    return _in_base(h, base)
