"""Joint, marginal and conditional distributions of two discrete variables, as tables.

A joint distribution of ``X`` (values ``x_1, ..., x_m``) and ``Y`` (values
``y_1, ..., y_n``) is an ``m × n`` table ``p[i, j] = p(x_i, y_j)`` of
non-negative numbers that sum to 1. These functions compute what the book's
page on notation and probability states: marginals, conditionals, Bayes' rule
and expectations of functions of ``X`` and ``Y``.
"""

from __future__ import annotations

import torch

from ..validation import (
    as_float_tensor,
    check_finite,
    check_nonnegative,
    check_probability_table,
    check_probability_vector,
    check_shape,
    sum_tolerance,
)

__all__ = ["marginals", "conditional_x_given_y", "conditional_y_given_x", "bayes_posterior", "expectation"]


def marginals(p_xy) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The marginal distributions :math:`p(x_i) = \sum_j p(x_i, y_j)` and :math:`p(y_j) = \sum_i p(x_i, y_j)`.

    Parameters
    ----------
    p_xy : array_like, shape (m, n)
        Joint table, ``p_xy[i, j] = p(x_i, y_j)``.

    Returns
    -------
    p_x : torch.Tensor, shape (m,)
    p_y : torch.Tensor, shape (n,)

    Examples
    --------
    >>> p_x, p_y = marginals([[0.1, 0.3], [0.2, 0.4]])
    >>> p_x, p_y
    (tensor([0.4000, 0.6000], dtype=torch.float64), tensor([0.3000, 0.7000], dtype=torch.float64))
    """
    p = check_probability_table(p_xy, name="p_xy", func="marginals", ndim=2)
    check_shape(p, ("m", "n"), name="p_xy", func="marginals")
    return p.sum(dim=1), p.sum(dim=0)


def _conditional(p_xy, func: str, dim: int) -> torch.Tensor:
    p = check_probability_table(p_xy, name="p_xy", func=func, ndim=2)
    check_shape(p, ("m", "n"), name="p_xy", func=func)
    totals = p.sum(dim=dim, keepdim=True)
    if (totals == 0).any():
        given = "y_j" if dim == 0 else "x_i"
        raise ValueError(f"{func}: every {given} must have positive probability to condition on it "
                         f"(got a zero marginal in p_xy)")
    return p / totals


def conditional_x_given_y(p_xy) -> torch.Tensor:
    r"""The table :math:`p(x_i \mid y_j) = p(x_i, y_j) / p(y_j)`; each column sums to 1.

    Examples
    --------
    >>> conditional_x_given_y([[0.1, 0.3], [0.2, 0.4]])
    tensor([[0.3333, 0.4286],
            [0.6667, 0.5714]], dtype=torch.float64)
    >>> conditional_x_given_y([[0.5, 0.0], [0.5, 0.0]])
    Traceback (most recent call last):
    ...
    ValueError: conditional_x_given_y: every y_j must have positive probability to condition on it (got a zero marginal in p_xy)
    """
    return _conditional(p_xy, "conditional_x_given_y", dim=0)


def conditional_y_given_x(p_xy) -> torch.Tensor:
    r"""The table :math:`p(y_j \mid x_i) = p(x_i, y_j) / p(x_i)`, indexed ``[i, j]``; each row sums to 1.

    Examples
    --------
    >>> conditional_y_given_x([[0.1, 0.3], [0.2, 0.4]])
    tensor([[0.2500, 0.7500],
            [0.3333, 0.6667]], dtype=torch.float64)
    """
    return _conditional(p_xy, "conditional_y_given_x", dim=1)


def bayes_posterior(prior, likelihood) -> torch.Tensor:
    r"""Bayes' rule: :math:`p(y_j \mid x_i) = p(x_i \mid y_j)\, p(y_j) / \sum_l p(x_i \mid y_l)\, p(y_l)`.

    Parameters
    ----------
    prior : array_like, shape (n,)
        :math:`p(y_j)`.
    likelihood : array_like, shape (m, n)
        :math:`p(x_i \mid y_j)`, indexed ``[i, j]``; each column sums to 1.

    Returns
    -------
    torch.Tensor, shape (m, n)
        The posterior :math:`p(y_j \mid x_i)`, indexed ``[i, j]``; each row sums to 1.

    Examples
    --------
    A test with sensitivity 0.9 and false-positive rate 0.05 for a condition of
    prevalence 0.01 (``y = 1``: has it; ``x = 1``: tests positive):

    >>> posterior = bayes_posterior([0.99, 0.01], [[0.95, 0.1], [0.05, 0.9]])
    >>> round(posterior[1, 1].item(), 4)
    0.1538
    """
    prior = check_probability_vector(prior, name="prior", func="bayes_posterior")
    likelihood = as_float_tensor(likelihood, name="likelihood", func="bayes_posterior")
    check_shape(likelihood, ("m", "n"), name="likelihood", func="bayes_posterior", sizes={"n": prior.shape[0]})
    check_nonnegative(likelihood, name="likelihood", func="bayes_posterior")
    columns = likelihood.sum(dim=0)
    worst = (columns - 1).abs().argmax()
    if (columns[worst] - 1).abs() > sum_tolerance(likelihood.dtype):
        raise ValueError("bayes_posterior: likelihood p(x_i | y_j) must sum to 1 over i in every column "
                         f"(got {columns[worst].item():.6g} in column {worst.item()})")
    joint = likelihood * prior
    evidence = joint.sum(dim=1, keepdim=True)
    if (evidence == 0).any():
        raise ValueError("bayes_posterior: every x_i must have positive probability under the prior "
                         "(got a row of likelihood * prior that is all zero)")
    return joint / evidence


def expectation(p_xy, values) -> torch.Tensor:
    r"""The expectation :math:`\mathbb{E}[f(X, Y)] = \sum_{i,j} p(x_i, y_j)\, f(x_i, y_j)` of a table of values.

    Parameters
    ----------
    p_xy : array_like, shape (m, n)
        Joint table.
    values : array_like, shape (m, n)
        ``values[i, j] = f(x_i, y_j)``.

    Examples
    --------
    >>> x, y = torch.tensor([0.0, 1.0]), torch.tensor([0.0, 1.0])
    >>> p = [[0.5, 0.0], [0.0, 0.5]]  # Y = X
    >>> expectation(p, x[:, None] * y[None, :]), expectation(p, x[:, None] + 0 * y[None, :]) ** 2
    (tensor(0.5000, dtype=torch.float64), tensor(0.2500, dtype=torch.float64))
    """
    p = check_probability_table(p_xy, name="p_xy", func="expectation", ndim=2)
    sizes = check_shape(p, ("m", "n"), name="p_xy", func="expectation")
    values = check_finite(as_float_tensor(values, name="values", func="expectation"), name="values", func="expectation")
    check_shape(values, ("m", "n"), name="values", func="expectation", sizes=sizes)
    return (p * values).sum()
