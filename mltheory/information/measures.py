"""Entropy and the other information measures: the functions the Information part computes with."""

from __future__ import annotations

import bz2
import lzma
import math
import zlib

import numpy as np
import torch

from ..validation import (
    as_float_tensor,
    check_array,
    check_finite,
    check_in_interval,
    check_integer,
    check_log_base,
    check_nonempty,
    check_nonnegative,
    check_probability_vector,
)

__all__ = [
    "binary_entropy",
    "compression_rate",
    "counting_rate",
    "cross_entropy",
    "entropy",
    "gaussian_differential_entropy",
    "kl_divergence",
    "log_multinomial",
    "sandwich_exponent",
]

_CODECS = {"lzma": lzma.compress, "bz2": bz2.compress, "zlib": zlib.compress}


def _in_base(nats: torch.Tensor, base: float | None) -> torch.Tensor:
    """Convert a quantity in nats to logarithms of ``base`` (``None`` keeps nats)."""
    return nats if base is None else nats / math.log(base)


def entropy(p, *, base=None, dim=-1) -> torch.Tensor:
    r"""Shannon entropy :math:`H(p) = -\sum_i p_i \log p_i` of a probability vector.

    Terms with :math:`p_i = 0` contribute 0, the limit of :math:`p \log p` as
    :math:`p \to 0^+`.

    Parameters
    ----------
    p : array_like, shape (..., n, ...)
        Probabilities, with the ``n`` outcomes along ``dim`` and any batch shape
        around it. Entries must be non-negative, finite, and sum to 1 along
        ``dim`` (to within :func:`mltheory.validation.sum_tolerance`); ``p`` is
        never renormalised.
    base : float, optional
        Base of the logarithm: ``None`` (default) gives nats, ``2`` gives bits.
    dim : int, default -1
        The dimension that indexes outcomes.

    Returns
    -------
    torch.Tensor
        The entropy, with ``dim`` removed from the shape of ``p``; on the device
        and (floating) dtype of ``p``. Differentiable in ``p`` where all
        ``p_i > 0``; at an entry equal to 0 the derivative
        :math:`-(\log p_i + 1)` is infinite and autograd returns NaN.

    Raises
    ------
    ValueError
        If ``p`` is empty along ``dim``, contains NaN or infinities, has a
        negative entry, or does not sum to 1; or if ``base`` is not a positive
        number other than 1.
    TypeError
        If ``p`` is not a real array-like.

    Examples
    --------
    >>> entropy([0.5, 0.5], base=2)
    tensor(1., dtype=torch.float64)
    >>> entropy([[1.0, 0.0], [0.25, 0.75]])
    tensor([0.0000, 0.5623], dtype=torch.float64)
    >>> entropy([0.5, 0.6])
    Traceback (most recent call last):
    ...
    ValueError: entropy: p must sum to 1 along dim -1 (got 1.1)
    """
    p = check_probability_vector(p, name="p", func="entropy", dim=dim)
    base = check_log_base(base, func="entropy")
    # 0 - x rather than -x, so that a certain outcome gives +0.0 rather than -0.0.
    return _in_base(0.0 - torch.special.xlogy(p, p).sum(dim=dim), base)


def _probability_pair(p, q, *, func: str, dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Validate two probability vectors over the same outcomes and broadcast them together."""
    p = check_probability_vector(p, name="p", func=func, dim=dim)
    q = check_probability_vector(q, name="q", func=func, dim=dim)
    if p.shape[dim] != q.shape[dim]:
        raise ValueError(
            f"{func}: p and q must have the same number of outcomes along dim {dim} "
            f"(got {p.shape[dim]} and {q.shape[dim]})"
        )
    try:
        p, q = torch.broadcast_tensors(p, q)
    except RuntimeError:
        raise ValueError(
            f"{func}: p and q must have broadcastable shapes (got {tuple(p.shape)} and {tuple(q.shape)})"
        ) from None
    return p, q


def kl_divergence(p, q, *, base=None, dim=-1) -> torch.Tensor:
    r"""Relative entropy (Kullback–Leibler divergence) :math:`D(p \,\|\, q) = \sum_i p_i \log (p_i / q_i)`.

    Terms with :math:`p_i = 0` contribute 0. Where :math:`q_i = 0 < p_i` the
    divergence is :math:`+\infty`, and that is what is returned: the model
    ``q`` rules out an outcome that happens.

    Parameters
    ----------
    p, q : array_like, shape (..., n, ...)
        Probability vectors over the same ``n`` outcomes along ``dim``; batch
        dimensions broadcast. Both are validated like the argument of
        :func:`entropy` and never renormalised.
    base : float, optional
        Base of the logarithm: ``None`` (default) gives nats, ``2`` gives bits.
    dim : int, default -1
        The dimension that indexes outcomes.

    Returns
    -------
    torch.Tensor
        :math:`D(p \| q) \ge 0`, with ``dim`` removed from the broadcast shape;
        ``inf`` where the support of ``p`` is not inside that of ``q``.
        Differentiable in ``p`` and ``q`` where all entries are positive.

    Raises
    ------
    ValueError
        If either argument is not a valid probability vector, or their numbers
        of outcomes differ.

    Examples
    --------
    >>> kl_divergence([0.5, 0.5], [0.9, 0.1])
    tensor(0.5108, dtype=torch.float64)
    >>> kl_divergence([0.5, 0.5], [1.0, 0.0])
    tensor(inf, dtype=torch.float64)
    """
    p, q = _probability_pair(p, q, func="kl_divergence", dim=dim)
    base = check_log_base(base, func="kl_divergence")
    # Where q_i = 0 < p_i, xlogy(p_i, q_i) = -inf and the term is +inf, as it should be.
    terms = torch.special.xlogy(p, p).sub_(torch.special.xlogy(p, q))
    return _in_base(terms.sum(dim=dim), base)


def cross_entropy(p, q, *, base=None, dim=-1) -> torch.Tensor:
    r"""Cross-entropy :math:`-\sum_i p_i \log q_i = H(p) + D(p \,\|\, q)`.

    It is the expected code length, or log-loss, when outcomes drawn from ``p``
    are scored with the model ``q``.

    Parameters
    ----------
    p, q : array_like, shape (..., n, ...)
        Probability vectors over the same outcomes along ``dim`` (validated as in
        :func:`kl_divergence`).
    base : float, optional
        Base of the logarithm: ``None`` (default) gives nats, ``2`` gives bits.
    dim : int, default -1
        The dimension that indexes outcomes.

    Returns
    -------
    torch.Tensor
        The cross-entropy, ``inf`` where :math:`q_i = 0 < p_i`.

    Examples
    --------
    >>> cross_entropy([0.5, 0.5], [0.5, 0.5], base=2)
    tensor(1., dtype=torch.float64)
    """
    p, q = _probability_pair(p, q, func="cross_entropy", dim=dim)
    base = check_log_base(base, func="cross_entropy")
    terms = torch.where((q == 0) & (p > 0), torch.inf, -torch.special.xlogy(p, q))
    return _in_base(0.0 + terms.sum(dim=dim), base)


def binary_entropy(q, *, base=None) -> torch.Tensor:
    r"""Entropy of a coin that shows heads with probability ``q``.

    .. math:: H_2(q) = -q \log q - (1 - q) \log (1 - q)

    Parameters
    ----------
    q : array_like
        Probabilities in :math:`[0, 1]`, of any shape; the function acts elementwise.
    base : float, optional
        Base of the logarithm: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    torch.Tensor
        :math:`H_2(q)` with the shape of ``q``. Differentiable for
        :math:`0 < q < 1`, with derivative :math:`\log((1 - q)/q)`.

    Raises
    ------
    ValueError
        If an entry of ``q`` is NaN, infinite or outside :math:`[0, 1]`, or if
        ``base`` is invalid.

    Examples
    --------
    >>> binary_entropy([0.0, 0.5, 0.11], base=2)
    tensor([0.0000, 1.0000, 0.4999], dtype=torch.float64)
    >>> binary_entropy(1.5)
    Traceback (most recent call last):
    ...
    ValueError: binary_entropy: q must lie in [0, 1] (got 1.5)
    """
    q = check_array(q, name="q", func="binary_entropy")
    check_in_interval(q, name="q", func="binary_entropy", low=0.0, high=1.0)
    base = check_log_base(base, func="binary_entropy")
    r = 1 - q
    return _in_base(0.0 - torch.special.xlogy(q, q) - torch.special.xlogy(r, r), base)


def log_multinomial(counts, *, dim=-1) -> torch.Tensor:
    r"""Logarithm of the multinomial coefficient :math:`N! / (n_1! \cdots n_k!)`, :math:`N = \sum_i n_i`.

    It counts the sequences of length :math:`N` in which outcome :math:`i`
    occurs exactly :math:`n_i` times; for two outcomes it is
    :math:`\log \binom{N}{n_1}`. Computed with ``lgamma``, so it is accurate for
    counts far beyond where the factorials overflow.

    Parameters
    ----------
    counts : array_like, shape (..., k, ...)
        Non-negative whole numbers, with the ``k`` outcomes along ``dim``.
    dim : int, default -1
        The dimension that indexes outcomes.

    Returns
    -------
    torch.Tensor
        The logarithm (natural), with ``dim`` removed.

    Raises
    ------
    ValueError
        If a count is negative, not a whole number, NaN or infinite, or ``counts`` is empty.

    Examples
    --------
    >>> log_multinomial([2, 2]).exp()  # C(4, 2) = 6
    tensor(6.0000, dtype=torch.float64)
    >>> log_multinomial([[1, 1, 1], [3, 0, 0]]).exp()
    tensor([6., 1.], dtype=torch.float64)
    """
    func = "log_multinomial"
    counts = as_float_tensor(counts, name="counts", func=func)
    check_nonempty(counts, name="counts", func=func, dim=dim)
    check_finite(counts, name="counts", func=func)
    check_nonnegative(counts, name="counts", func=func)
    if (counts != counts.round()).any():
        bad = counts[counts != counts.round()][0].item()
        raise ValueError(f"{func}: counts must be whole numbers (got {bad:.10g})")
    total = counts.sum(dim=dim)
    return torch.lgamma(total + 1) - torch.lgamma(counts + 1).sum(dim=dim)


def gaussian_differential_entropy(variance, *, base=None) -> torch.Tensor:
    r"""Differential entropy of a normal distribution, :math:`\tfrac12 \log(2 \pi e \sigma^2)`.

    Unlike the entropy of a discrete distribution it can be negative (for
    :math:`\sigma^2 < 1/(2\pi e)`), and it changes when the variable is
    rescaled.

    Parameters
    ----------
    variance : array_like
        Variances :math:`\sigma^2 > 0`, any shape.
    base : float, optional
        Base of the logarithm: ``None`` (default) gives nats.

    Returns
    -------
    torch.Tensor
        The differential entropy, elementwise.

    Examples
    --------
    >>> gaussian_differential_entropy(1.0)
    tensor(1.4189, dtype=torch.float64)
    """
    func = "gaussian_differential_entropy"
    variance = check_array(variance, name="variance", func=func)
    if (variance <= 0).any():
        raise ValueError(f"{func}: variance must be positive (got {variance.min().item():.10g})")
    base = check_log_base(base, func=func)
    return _in_base(0.5 * torch.log(2 * math.pi * math.e * variance), base)


def compression_rate(bits, *, codec="lzma") -> float:
    """Bits per symbol that a general-purpose compressor needs for a binary sequence.

    The symbols are packed eight to a byte (the last byte padded with zeros)
    and compressed with ``codec``; the rate is the compressed size in bits
    divided by the number of symbols. By Shannon's source coding theorem no
    lossless code can beat the entropy rate on average, so for an i.i.d.
    sequence the rate stays above the binary entropy (in bits).

    Parameters
    ----------
    bits : array_like, shape (n,)
        A sequence of 0s and 1s.
    codec : {"lzma", "bz2", "zlib"}, default "lzma"
        The compressor from the Python standard library.

    Returns
    -------
    float
        Compressed bits per symbol.

    Raises
    ------
    ValueError
        If ``bits`` is not a non-empty 1-D sequence of 0s and 1s, or ``codec`` is unknown.

    Examples
    --------
    >>> round(compression_rate([0] * 80_000), 3)  # a constant sequence compresses very well
    0.011
    """
    func = "compression_rate"
    if codec not in _CODECS:
        raise ValueError(f"{func}: codec must be one of {sorted(_CODECS)} (got {codec!r})")
    bits = as_float_tensor(bits, name="bits", func=func)
    if bits.ndim != 1:
        raise ValueError(f"{func}: bits must be 1-D (got shape {tuple(bits.shape)})")
    check_nonempty(bits, name="bits", func=func)
    if not ((bits == 0) | (bits == 1)).all():
        raise ValueError(f"{func}: bits must contain only 0 and 1 (got {bits[(bits != 0) & (bits != 1)][0].item():g})")
    packed = np.packbits(bits.detach().cpu().numpy().astype(np.uint8))
    return 8 * len(_CODECS[codec](packed.tobytes())) / bits.numel()



def sandwich_exponent(s, t, n) -> int:
    r"""The integer :math:`m` with :math:`s^m \le t^n < s^{m+1}`, found in exact integer arithmetic.

    This is the step of the uniqueness proof for Shannon entropy that traps
    :math:`\log t / \log s` between :math:`m/n` and :math:`(m+1)/n`.

    Parameters
    ----------
    s, t : int
        Integers at least 2.
    n : int
        Power of ``t``, at least 1.

    Returns
    -------
    int
        The exponent :math:`m \ge 0`.

    Examples
    --------
    >>> sandwich_exponent(2, 3, 10)  # 2**15 = 32768 <= 3**10 = 59049 < 2**16
    15
    """
    func = "sandwich_exponent"
    s = check_integer(s, name="s", func=func, minimum=2)
    t = check_integer(t, name="t", func=func, minimum=2)
    n = check_integer(n, name="n", func=func, minimum=1)
    target = t**n
    m = int(n * math.log(t) / math.log(s))  # a float estimate, corrected exactly below
    while s**m > target:
        m -= 1
    while s ** (m + 1) <= target:
        m += 1
    return m


def counting_rate(p, n) -> torch.Tensor:
    r"""The per-symbol log-count :math:`\frac1n \log \binom{n}{k}` with :math:`k = \mathrm{round}(p n)`.

    It is the number of binary sequences of length :math:`n` with :math:`k`
    ones, on a log scale per symbol; as :math:`n \to \infty` it tends to the
    binary entropy :math:`H_2(p)` in nats.

    Parameters
    ----------
    p : array_like
        Fractions of ones, in :math:`[0, 1]`.
    n : array_like
        Sequence lengths, positive whole numbers. ``p`` and ``n`` broadcast.

    Returns
    -------
    torch.Tensor
        The per-symbol log-count, with the broadcast shape of ``p`` and ``n``.

    Examples
    --------
    >>> counting_rate(0.5, [10, 10_000])
    tensor([0.5529, 0.6927], dtype=torch.float64)
    """
    func = "counting_rate"
    p = check_array(p, name="p", func=func)
    check_in_interval(p, name="p", func=func, low=0.0, high=1.0)
    n = check_array(n, name="n", func=func)
    if (n < 1).any() or (n != n.round()).any():
        raise ValueError(f"{func}: n must contain positive whole numbers (got {n[(n < 1) | (n != n.round())][0].item():g})")
    p, n = torch.broadcast_tensors(p, n)
    ones = torch.round(p * n)
    return log_multinomial(torch.stack([ones, n - ones], dim=-1)) / n
