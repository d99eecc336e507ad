"""Seeded datasets: everything the book learns from is generated here or shipped with scikit-learn.

Nothing is downloaded. The only real dataset is scikit-learn's copy of the UCI
handwritten digits (1797 images of 8×8 pixels), used wherever the sources use
MNIST.
"""

from __future__ import annotations

from functools import lru_cache

import torch

from .validation import check_array, check_float_dtype, check_in_interval, check_integer, check_scalar, check_seed

__all__ = ["bernoulli_sequences", "digits", "random_distributions", "train_test_indices"]


def bernoulli_sequences(q, n, *, seed) -> torch.Tensor:
    """Independent Bernoulli(``q``) sequences of length ``n``, one per entry of ``q``.

    Parameters
    ----------
    q : array_like, shape (m,)
        Probabilities of a 1, in :math:`[0, 1]`.
    n : int
        Length of each sequence.
    seed : int
        Seed of the random generator.

    Returns
    -------
    torch.Tensor, shape (m, n)
        Entries 0 or 1, in the dtype and on the device of ``q`` (float64 for non-tensors).

    Examples
    --------
    >>> bernoulli_sequences([0.0, 1.0], 3, seed=0)
    tensor([[0., 0., 0.],
            [1., 1., 1.]], dtype=torch.float64)
    """
    func = "bernoulli_sequences"
    q = check_array(q, name="q", func=func)
    check_in_interval(q, name="q", func=func, low=0.0, high=1.0)
    n = check_integer(n, name="n", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    generator = torch.Generator(device=q.device).manual_seed(seed)
    uniform = torch.rand(*q.shape, n, generator=generator, dtype=q.dtype, device=q.device)
    return (uniform < q.unsqueeze(-1)).to(q.dtype)


def random_distributions(m, n, *, seed, dtype=torch.float64) -> torch.Tensor:
    r"""``m`` random probability vectors on ``n`` outcomes, from nearly uniform to nearly certain.

    Each vector is :math:`\mathrm{softmax}(s z)` with standard normal logits
    :math:`z` and a scale :math:`s` drawn log-uniformly from
    :math:`[10^{-1}, 10^{1.5}]`, so the sample covers the whole simplex: the
    centre, the edges and the corners.

    Parameters
    ----------
    m : int
        Number of vectors.
    n : int
        Number of outcomes, at least 1.
    seed : int
        Seed of the random generator.
    dtype : torch.dtype, default torch.float64

    Returns
    -------
    torch.Tensor, shape (m, n)
        Rows are probability vectors.

    Examples
    --------
    >>> p = random_distributions(4, 3, seed=0)
    >>> tuple(p.shape), torch.allclose(p.sum(-1), torch.ones(4, dtype=torch.float64))
    ((4, 3), True)
    """
    func = "random_distributions"
    m = check_integer(m, name="m", func=func, minimum=1)
    n = check_integer(n, name="n", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    dtype = check_float_dtype(dtype, func=func)
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(m, n, generator=generator, dtype=dtype)
    scale = 10 ** (-1 + 2.5 * torch.rand(m, 1, generator=generator, dtype=dtype))
    return torch.softmax(scale * logits, dim=-1)


@lru_cache(maxsize=1)
def _digits_arrays():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.data, bunch.target


def digits(*, dtype=torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    """The scikit-learn digits: 1797 grey-scale 8×8 images of the digits 0–9.

    Returns
    -------
    images : torch.Tensor, shape (1797, 64)
        Pixel intensities scaled from 0–16 to :math:`[0, 1]`, flattened row by row.
    labels : torch.Tensor, shape (1797,)
        The digit shown, as ``int64``.

    Examples
    --------
    >>> x, y = digits()
    >>> tuple(x.shape), int(y.max()), float(x.max())
    ((1797, 64), 9, 1.0)
    """
    data, target = _digits_arrays()
    dtype = check_float_dtype(dtype, func="digits")
    return torch.as_tensor(data / 16.0, dtype=dtype), torch.as_tensor(target, dtype=torch.int64)


def train_test_indices(n, *, test_fraction=0.2, seed) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded random split of ``range(n)`` into training and test indices.

    Parameters
    ----------
    n : int
        Number of examples.
    test_fraction : float, default 0.2
        Fraction held out for testing, in (0, 1); the test set gets
        ``round(test_fraction * n)`` examples and both parts are non-empty.
    seed : int
        Seed of the permutation.

    Returns
    -------
    train, test : torch.Tensor
        Disjoint ``int64`` index tensors whose union is ``range(n)``.

    Examples
    --------
    >>> train, test = train_test_indices(10, seed=0)
    >>> len(train), len(test), sorted(torch.cat([train, test]).tolist()) == list(range(10))
    (8, 2, True)
    """
    func = "train_test_indices"
    n = check_integer(n, name="n", func=func, minimum=2)
    seed = check_seed(seed, func=func)
    fraction = check_scalar(test_fraction, name="test_fraction", func=func, low=0, high=1, low_open=True,
                            high_open=True)
    n_test = round(fraction * n)
    if not (0 < fraction < 1) or not (0 < n_test < n):
        raise ValueError(
            f"{func}: test_fraction must leave both parts non-empty for n={n} (got {test_fraction})"
        )
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[n_test:], order[:n_test]
