"""Overfitting: polynomial regression of every degree on a few noisy points, by least squares, minimum norm and ridge."""

from __future__ import annotations

import torch

from ..runtime import one_thread
from ..validation import as_generator, check_array, check_integer, check_scalar

__all__ = ["legendre_features", "polynomial_fit", "polynomial_errors"]


def legendre_features(x, degree: int) -> torch.Tensor:
    r"""The Legendre polynomials :math:`P_0(x), \dots, P_d(x)` at each point, by the three-term recurrence.

    Legendre polynomials are orthogonal on :math:`[-1, 1]`, so that fits of high degree stay well conditioned
    there; they span the same polynomials as the monomials.

    Parameters
    ----------
    x : array_like, shape (n,)
        Points, best in :math:`[-1, 1]`.
    degree : int
        The highest degree :math:`d`, at least 0.

    Returns
    -------
    torch.Tensor, shape (n, degree + 1)
        Column :math:`k` holds :math:`P_k(x)`.

    Examples
    --------
    >>> legendre_features([0.5], 2)
    tensor([[ 1.0000,  0.5000, -0.1250]], dtype=torch.float64)
    """
    func = "legendre_features"
    x = check_array(x, name="x", func=func)
    if x.ndim != 1:
        raise ValueError(f"{func}: x must be one-dimensional (got shape {tuple(x.shape)})")
    degree = check_integer(degree, name="degree", func=func, minimum=0)
    columns = [torch.ones_like(x), x]
    for k in range(1, degree):
        columns.append(((2 * k + 1) * x * columns[k] - k * columns[k - 1]) / (k + 1))
    return torch.stack(columns[: degree + 1], dim=-1)


def polynomial_fit(x, y, degree: int, ridge=0.0) -> torch.Tensor:
    r"""The coefficients (in the Legendre basis) of the polynomial of degree :math:`d` fitted to :math:`(x_i, y_i)`.

    With ``ridge`` :math:`\lambda = 0` this is least squares, and when there are more coefficients than points
    (:math:`d + 1 > n`) the interpolant of minimum norm, :math:`w = \Phi^+ y`, which is where gradient descent
    from zero converges. With :math:`\lambda > 0` it is ridge regression,
    :math:`w = (\Phi^\top\Phi + \lambda I)^{-1}\Phi^\top y`.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Inputs and targets.
    degree : int
        The degree :math:`d`, at least 0.
    ridge : float, default 0
        The penalty :math:`\lambda \ge 0` on the squared norm of the coefficients.

    Returns
    -------
    torch.Tensor, shape (degree + 1,)
        The coefficients of :math:`P_0, \dots, P_d`.

    Examples
    --------
    Three points on :math:`x^2 = \tfrac13 P_0 + \tfrac23 P_2`:

    >>> w = polynomial_fit([-1.0, 0.0, 1.0], [1.0, 0.0, 1.0], degree=2)
    >>> torch.allclose(w, torch.tensor([1 / 3, 0.0, 2 / 3], dtype=torch.float64))
    True
    """
    func = "polynomial_fit"
    x, y = check_array(x, name="x", func=func), check_array(y, name="y", func=func)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"{func}: x and y must be one-dimensional of the same length (got {tuple(x.shape)} and {tuple(y.shape)})")
    degree = check_integer(degree, name="degree", func=func, minimum=0)
    ridge = check_scalar(ridge, name="ridge", func=func, low=0)
    features = legendre_features(x, degree)
    if ridge == 0:
        return torch.linalg.pinv(features) @ y
    gram = features.T @ features + ridge * torch.eye(features.shape[1], dtype=features.dtype)
    return torch.linalg.solve(gram, features.T @ y)


@one_thread()
def polynomial_errors(teacher, n: int = 12, degrees=tuple(range(16)), noise_sd=0.3, ridge=0.0, seeds: int = 50,
                      n_test: int = 1000, seed=0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Training and test mean squared errors of polynomial fits of each degree, over seeded datasets.

    Each dataset has :math:`n` inputs uniform on :math:`[-1, 1]` and targets ``teacher(x)`` plus Gaussian noise of
    standard deviation ``noise_sd``; the test error is measured on ``n_test`` fresh points from the same distribution.

    Parameters
    ----------
    teacher : callable
        The true function, mapping a tensor of inputs to a tensor of outputs.
    n : int, default 12
        Number of training points, at least 1.
    degrees : sequence of int
        The degrees to fit.
    noise_sd : float, default 0.3
        Standard deviation of the label noise, non-negative.
    ridge : float, default 0
        The ridge penalty, as in :func:`polynomial_fit`.
    seeds : int, default 50
        Number of independent datasets, at least 1.
    n_test : int, default 1000
        Number of test points per dataset, at least 1.
    seed : int or torch.Generator, default 0
        Seed of the data.

    Returns
    -------
    train, test : torch.Tensor, shape (seeds, len(degrees))
        The errors of each fit.

    Examples
    --------
    >>> train, test = polynomial_errors(lambda x: x, n=5, degrees=(0, 4), seeds=2)
    >>> train.shape, bool(train[:, 1].max() < 1e-20)
    (torch.Size([2, 2]), True)
    """
    func = "polynomial_errors"
    if not callable(teacher):
        raise TypeError(f"{func}: teacher must be callable (got {type(teacher).__name__})")
    n = check_integer(n, name="n", func=func, minimum=1)
    degrees = [check_integer(d, name="degrees", func=func, minimum=0) for d in degrees]
    noise_sd = check_scalar(noise_sd, name="noise_sd", func=func, low=0)
    ridge = check_scalar(ridge, name="ridge", func=func, low=0)
    seeds = check_integer(seeds, name="seeds", func=func, minimum=1)
    n_test = check_integer(n_test, name="n_test", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    train = torch.empty(seeds, len(degrees), dtype=torch.float64)
    test = torch.empty_like(train)
    for s in range(seeds):
        x = 2 * torch.rand(n, generator=generator, dtype=torch.float64) - 1
        y = teacher(x) + noise_sd * torch.randn(n, generator=generator, dtype=torch.float64)
        x_test = 2 * torch.rand(n_test, generator=generator, dtype=torch.float64) - 1
        y_test = teacher(x_test) + noise_sd * torch.randn(n_test, generator=generator, dtype=torch.float64)
        for j, degree in enumerate(degrees):
            w = polynomial_fit(x, y, degree, ridge)
            train[s, j] = ((legendre_features(x, degree) @ w - y) ** 2).mean()
            test[s, j] = ((legendre_features(x_test, degree) @ w - y_test) ** 2).mean()
    return train, test
