"""Random matrices: the Marchenko–Pastur law for the Gram matrix of Gaussian data, and the overfitting term it sets.

The convention is that of the linear teacher–student of Kaplan's chapter 6 (after Advani & Saxe 2017): a model
with :math:`P` parameters sees :math:`D` data points, :math:`r = D/P`, and the data matrix :math:`X` is
:math:`D \\times P` with independent :math:`\\mathcal N(0, \\sigma^2/P)` entries. The :math:`P \\times P` Gram
matrix :math:`X^\\top X` has :math:`P - \\min(D, P)` zero eigenvalues; the rest follow the Marchenko–Pastur
density as :math:`P \\to \\infty`.
"""

from __future__ import annotations

import math

import torch

from ..runtime import one_thread
from ..validation import as_float_tensor, as_generator, check_array, check_integer, check_scalar

__all__ = ["gram_eigenvalues", "gram_spectrum", "marchenko_pastur_edges", "marchenko_pastur_pdf", "overfitting_term"]


def marchenko_pastur_edges(r, sigma2=1.0) -> tuple[float, float]:
    r"""The edges :math:`\sigma^2(1 \mp \sqrt r)^2` of the continuous part of the Marchenko–Pastur law.

    Parameters
    ----------
    r : float
        The ratio :math:`D/P` of data points to parameters, positive.
    sigma2 : float, default 1
        :math:`P` times the variance of an entry of :math:`X`, positive.

    Returns
    -------
    tuple of float
        :math:`(\lambda_-, \lambda_+)`.

    Examples
    --------
    >>> marchenko_pastur_edges(4.0)
    (1.0, 9.0)
    """
    func = "marchenko_pastur_edges"
    r = check_scalar(r, name="r", func=func, low=0, low_open=True)
    sigma2 = check_scalar(sigma2, name="sigma2", func=func, low=0, low_open=True)
    return sigma2 * (1 - math.sqrt(r)) ** 2, sigma2 * (1 + math.sqrt(r)) ** 2


def marchenko_pastur_pdf(x, r, sigma2=1.0) -> torch.Tensor:
    r"""The continuous part of the Marchenko–Pastur density of the eigenvalues of :math:`X^\top X`.

    .. math::

        \rho(\lambda) = \frac{\sqrt{(\lambda_+ - \lambda)(\lambda - \lambda_-)}}{2\pi\sigma^2\lambda},
        \qquad \lambda_\pm = \sigma^2(1 \pm \sqrt r)^2,

    on :math:`\lambda_- < \lambda < \lambda_+` and zero elsewhere (Kaplan's (6.0.15) at :math:`\sigma^2 = 1`).
    It integrates to :math:`\min(r, 1)`; for :math:`r < 1` the law has in addition an atom of mass
    :math:`1 - r` at zero, which this density leaves out.

    Parameters
    ----------
    x : array_like
        Points at which to evaluate the density.
    r, sigma2 : float
        As for :func:`marchenko_pastur_edges`.

    Returns
    -------
    torch.Tensor
        The density at ``x``, of the same shape.

    Examples
    --------
    >>> marchenko_pastur_pdf([0.0, 1.0, 2.0, 9.0], r=1.0)
    tensor([0.0000, 0.2757, 0.1592, 0.0000], dtype=torch.float64)
    """
    func = "marchenko_pastur_pdf"
    x = check_array(x, name="x", func=func)
    low, high = marchenko_pastur_edges(check_scalar(r, name="r", func=func, low=0, low_open=True),
                                       check_scalar(sigma2, name="sigma2", func=func, low=0, low_open=True))
    inside = (x > low) & (x < high) & (x > 0)
    safe = torch.where(inside, x, torch.full_like(x, (low + high) / 2))
    density = torch.sqrt((high - safe) * (safe - low)) / (2 * math.pi * sigma2 * safe)
    return torch.where(inside, density, torch.zeros_like(x))


@one_thread()
def gram_eigenvalues(P: int, D: int, sigma2=1.0, seed=0, *, samples: int = 1) -> torch.Tensor:
    r"""The eigenvalues of :math:`X^\top X` for a :math:`D \times P` matrix :math:`X` of :math:`\mathcal N(0, \sigma^2/P)` entries.

    The nonzero eigenvalues are those of the smaller Gram matrix (:math:`XX^\top` when :math:`D < P`);
    the :math:`P - D` others are exactly zero, so that no rounding blurs the atom.

    Parameters
    ----------
    P : int
        Number of parameters (columns), at least 1.
    D : int
        Number of data points (rows), at least 1.
    sigma2 : float, default 1
        :math:`P` times the variance of an entry, positive.
    seed : int or torch.Generator, default 0
        Seed of the draws.
    samples : int, default 1
        Number of independent matrices.

    Returns
    -------
    torch.Tensor, shape (samples, P)
        The eigenvalues of each matrix in ascending order, float64.

    Examples
    --------
    >>> eigenvalues = gram_eigenvalues(P=4, D=2, seed=0)
    >>> eigenvalues.shape, (eigenvalues[0, :2] == 0).all().item()
    (torch.Size([1, 4]), True)
    """
    func = "gram_eigenvalues"
    P = check_integer(P, name="P", func=func, minimum=1)
    D = check_integer(D, name="D", func=func, minimum=1)
    sigma2 = check_scalar(sigma2, name="sigma2", func=func, low=0, low_open=True)
    samples = check_integer(samples, name="samples", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    return gram_spectrum(gaussian_inputs(P, D, sigma2, generator, samples=samples))


def gaussian_inputs(P: int, D: int, sigma2: float, generator: torch.Generator, *, samples: int | None = None):
    """``samples`` data matrices (or one, for ``None``) of shape (D, P) with independent N(0, σ²/P) entries."""
    shape = (D, P) if samples is None else (samples, D, P)
    return torch.randn(*shape, generator=generator, dtype=torch.float64) * math.sqrt(sigma2 / P)


@one_thread()
def gram_spectrum(X) -> torch.Tensor:
    r"""The eigenvalues of :math:`X^\top X` for data matrices :math:`X`, ascending, with the :math:`P - D` zeros exact.

    The nonzero eigenvalues are computed from the smaller of the two Gram matrices (:math:`XX^\top` when
    :math:`D < P`), so that the frozen directions are exact zeros rather than rounding errors.

    Parameters
    ----------
    X : array_like, shape (..., D, P)
        One data matrix or a batch of them.

    Returns
    -------
    torch.Tensor, shape (..., P)

    Examples
    --------
    >>> gram_spectrum([[1.0, 1.0, 0.0]])
    tensor([0., 0., 2.], dtype=torch.float64)
    """
    X = check_array(X, name="X", func="gram_spectrum")
    if X.ndim < 2:
        raise ValueError(f"gram_spectrum: X must have shape (..., D, P) (got shape {tuple(X.shape)})")
    D, P = X.shape[-2:]
    nonzero = torch.linalg.eigvalsh(X @ X.mT if D < P else X.mT @ X)
    return torch.cat([nonzero.new_zeros(*nonzero.shape[:-1], P - nonzero.shape[-1]), nonzero], dim=-1)


def overfitting_term(eigenvalues, sigma_eps=1.0) -> torch.Tensor:
    r"""The :math:`t \to \infty` overfitting term :math:`\frac{\sigma_\epsilon^2}{P}\sum_{\lambda_\alpha > 0} 1/\lambda_\alpha`.

    This is the part of the generalization error (Kaplan's (6.0.14)) that the noise leaves after gradient flow
    has converged: each mode with :math:`\lambda_\alpha > 0` ends at the noise :math:`\tilde\epsilon_\alpha / \sqrt{\lambda_\alpha}`,
    and the modes with :math:`\lambda_\alpha = 0` never move.

    Parameters
    ----------
    eigenvalues : array_like, shape (..., P)
        The eigenvalues of :math:`X^\top X`, non-negative; exact zeros are the frozen modes.
    sigma_eps : float, default 1
        Standard deviation of the label noise, non-negative.

    Returns
    -------
    torch.Tensor, shape (...)
        The overfitting term of each spectrum.

    Examples
    --------
    >>> overfitting_term([0.0, 0.5, 2.0])
    tensor(0.8333, dtype=torch.float64)
    """
    func = "overfitting_term"
    eigenvalues = check_array(eigenvalues, name="eigenvalues", func=func, nonnegative=True)
    sigma_eps = check_scalar(sigma_eps, name="sigma_eps", func=func, low=0)
    inverse = torch.where(eigenvalues > 0, 1 / eigenvalues.clamp_min(torch.finfo(eigenvalues.dtype).tiny),
                          torch.zeros_like(eigenvalues))
    return sigma_eps**2 * inverse.mean(dim=-1)
