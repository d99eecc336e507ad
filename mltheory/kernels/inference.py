r"""Bayesian inference with a kernel: the posterior of a Gaussian process given noisy observations.

A random network of infinite width is a Gaussian process whose covariance is its NNGP kernel
:math:`K`. Observing :math:`y = f(X) + \varepsilon` with independent noise
:math:`\varepsilon \sim \mathcal N(0, \sigma^2 I)` makes the outputs at test inputs :math:`X_*`
Gaussian again, with

.. math::

    m = K_{*X}(K_{XX} + \sigma^2 I)^{-1} y, \qquad
    \Sigma = K_{**} - K_{*X}(K_{XX} + \sigma^2 I)^{-1} K_{X*}.

:func:`nngp_posterior` computes both through one Cholesky factorisation, never forming an inverse.
"""

from __future__ import annotations

import torch

from ..validation import as_float_tensor, check_finite, check_scalar, check_shape

__all__ = ["nngp_posterior"]


def _kernel_function(kernel, func: str):
    """``kernel.nngp`` for an architecture made by :func:`~mltheory.kernels.layers.serial`, else the callable itself."""
    if hasattr(kernel, "nngp"):
        return kernel.nngp
    if callable(kernel):
        return kernel
    raise TypeError(f"{func}: kernel must be an architecture made by serial or a callable k(x1, x2) "
                    f"(got {type(kernel).__name__})")


def _kernel_matrix(k, x1, x2, shape, func: str) -> torch.Tensor:
    matrix = torch.as_tensor(k(x1, x2))
    if tuple(matrix.shape) != shape:
        raise ValueError(f"{func}: kernel must return a matrix of shape {shape} for these inputs "
                         f"(got {tuple(matrix.shape)})")
    return check_finite(matrix.to(x1.dtype), name="kernel", func=func)


def nngp_posterior(kernel, x_train, y_train, x_test, noise_var) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Posterior mean and covariance of a Gaussian process with kernel :math:`K` at ``x_test``, given noisy data.

    With :math:`A = K_{XX} + \sigma^2 I = LL^\top` (Cholesky), the mean is
    :math:`m = K_{*X}A^{-1}y` and the covariance :math:`\Sigma = K_{**} - V^\top V` with
    :math:`V = L^{-1}K_{X*}`, both by triangular solves. The covariance is that of the latent
    function :math:`f(X_*)`; a new noisy observation has :math:`\Sigma + \sigma^2 I`.

    Parameters
    ----------
    kernel : Architecture or callable
        An architecture made by :func:`~mltheory.kernels.layers.serial` (its NNGP kernel is used), or any
        ``k(x1, x2)`` returning the kernel matrix of shape (n1, n2).
    x_train : array_like, shape (n, D)
    y_train : array_like, shape (n,) or (n, k)
        Observations; with ``k`` columns, ``k`` independent regressions that share the kernel.
    x_test : array_like, shape (m, D)
    noise_var : float
        Variance :math:`\sigma^2 \ge 0` of the observation noise. With 0 the training inputs must
        have a positive-definite kernel matrix (no repeated inputs).

    Returns
    -------
    mean : torch.Tensor, shape (m,) or (m, k)
    covariance : torch.Tensor, shape (m, m)
        Symmetric; its diagonal is the posterior variance (non-negative up to rounding).

    Raises
    ------
    ValueError
        If :math:`K_{XX} + \sigma^2 I` is not numerically positive definite.

    Examples
    --------
    >>> import math
    >>> from mltheory.kernels import Dense, Erf, serial
    >>> model = serial(Dense(1.5, 0.5), Erf(), Dense())
    >>> x = torch.tensor([[-1.0], [0.0], [1.0]], dtype=torch.float64)
    >>> y = torch.tensor([0.5, -0.2, 0.3], dtype=torch.float64)
    >>> mean, covariance = nngp_posterior(model, x, y, x, noise_var=1e-9)  # nearly noiseless: interpolates
    >>> mean.round(decimals=6), bool(covariance.diagonal().abs().max() < 1e-6)
    (tensor([ 0.5000, -0.2000,  0.3000], dtype=torch.float64), True)
    """
    func = "nngp_posterior"
    k = _kernel_function(kernel, func)
    x_train = check_finite(as_float_tensor(x_train, name="x_train", func=func), name="x_train", func=func)
    sizes = check_shape(x_train, ("n", "D"), name="x_train", func=func)
    x_test = check_finite(as_float_tensor(x_test, name="x_test", func=func), name="x_test", func=func)
    check_shape(x_test, ("m", "D"), name="x_test", func=func, sizes=sizes)
    y_train = check_finite(as_float_tensor(y_train, name="y_train", func=func), name="y_train", func=func)
    if y_train.dim() == 1:
        check_shape(y_train, ("n",), name="y_train", func=func, sizes=sizes)
    else:
        check_shape(y_train, ("n", "k"), name="y_train", func=func, sizes=sizes)
    noise_var = check_scalar(noise_var, name="noise_var", func=func, low=0)
    dtype = torch.promote_types(x_train.dtype, torch.float64)
    x_train, x_test, y_train = x_train.to(dtype), x_test.to(dtype), y_train.to(dtype)
    n, m = len(x_train), len(x_test)

    gram = _kernel_matrix(k, x_train, x_train, (n, n), func)
    cross = _kernel_matrix(k, x_train, x_test, (n, m), func)
    prior = _kernel_matrix(k, x_test, x_test, (m, m), func)
    factor, info = torch.linalg.cholesky_ex(gram + noise_var * torch.eye(n, dtype=dtype))
    # A pivot that is rounding noise relative to its diagonal entry means a numerically singular matrix.
    pivots = factor.diagonal() ** 2 / (gram.diagonal() + noise_var).clamp(min=torch.finfo(dtype).tiny)
    if info.item() != 0 or float(pivots.min()) <= n * torch.finfo(dtype).eps:
        raise ValueError(f"{func}: K(x_train, x_train) + noise_var * I must be positive definite (its Cholesky "
                         f"factorisation is singular to working precision with noise_var={noise_var:g}); raise "
                         "noise_var or remove repeated training inputs")
    column = y_train.unsqueeze(-1) if y_train.dim() == 1 else y_train
    mean = cross.T @ torch.cholesky_solve(column, factor)
    solved = torch.linalg.solve_triangular(factor, cross, upper=False)
    covariance = prior - solved.T @ solved
    return (mean.squeeze(-1) if y_train.dim() == 1 else mean), (covariance + covariance.T) / 2
