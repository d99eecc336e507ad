"""Argument checks shared by every public function of :mod:`mltheory`.

Every public function validates its inputs at the boundary with the helpers in
this module, so that bad input fails early with one consistent kind of message.
A message names the function, the argument, the rule that was broken and what
was given, for example::

    entropy: p must sum to 1 along dim -1 (got 1.1)

Nothing here renormalises, clips or otherwise repairs input: it either passes
the input through (converted to a tensor) or raises ``ValueError`` /
``TypeError``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch

__all__ = [
    "as_float_tensor",
    "as_generator",
    "check_dim",
    "check_finite",
    "check_in_interval",
    "check_integer",
    "check_log_base",
    "check_nonempty",
    "check_nonnegative",
    "check_positive",
    "check_probability_table",
    "check_probability_vector",
    "check_real",
    "check_shape",
    "sum_tolerance",
]

def _fmt(value: float, dtype: torch.dtype = torch.float64) -> str:
    """Format a number for an error message: short, with no more digits than ``dtype`` carries."""
    digits = 7 if torch.finfo(dtype).bits <= 32 else 10
    return f"{value:.{digits}g}"


def as_float_tensor(x, *, name: str, func: str) -> torch.Tensor:
    """Convert an array-like to a floating-point tensor without copying tensors needlessly.

    Tensors keep their device, and keep their dtype when it is floating point
    (integer and boolean tensors become float64). Python numbers, sequences and
    NumPy arrays become float64 tensors on the CPU, because theory checks run in
    double precision.

    Parameters
    ----------
    x : array_like
        The value to convert.
    name : str
        Name of the argument, used in the error message.
    func : str
        Name of the public function doing the check, used in the error message.

    Returns
    -------
    torch.Tensor
        A floating-point tensor with the same values as ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not numeric (for example a string, ``None`` or a complex array).

    Examples
    --------
    >>> as_float_tensor([1, 2], name="p", func="demo")
    tensor([1., 2.], dtype=torch.float64)
    >>> as_float_tensor("abc", name="p", func="demo")
    Traceback (most recent call last):
    ...
    TypeError: demo: p must be a real array-like of numbers (got str)
    """
    if isinstance(x, torch.Tensor):
        if x.is_complex():
            raise TypeError(f"{func}: {name} must be real (got a complex tensor)")
        return x if x.is_floating_point() else x.to(torch.float64)
    rule = f"{func}: {name} must be a real array-like of numbers (got {type(x).__name__})"
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(rule)
    try:
        array = np.asarray(x)
    except (ValueError, TypeError) as error:  # ragged nested sequences
        raise TypeError(f"{rule}: {error}") from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise TypeError(rule)
    if np.iscomplexobj(array):
        raise TypeError(f"{func}: {name} must be real (got a complex array)")
    return torch.as_tensor(array.astype(np.float64, copy=False))


def check_real(x, *, name: str, func: str) -> float:
    """Return ``x`` as a Python float, or raise ``TypeError`` if it is not a real scalar.

    Examples
    --------
    >>> check_real(2, name="base", func="entropy")
    2.0
    """
    if isinstance(x, torch.Tensor) and x.numel() == 1 and not x.is_complex():
        return float(x.item())
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{func}: {name} must be a real number (got {type(x).__name__})")
    return float(x)


def check_integer(x, *, name: str, func: str, minimum: int | None = None) -> int:
    """Return ``x`` as an ``int``, or raise if it is not an integer at least ``minimum``.

    Examples
    --------
    >>> check_integer(3, name="n", func="demo", minimum=1)
    3
    >>> check_integer(0, name="n", func="demo", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: demo: n must be an integer >= 1 (got 0)
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an integer (got {type(x).__name__})")
    value = int(x)
    if minimum is not None and value < minimum:
        raise ValueError(f"{func}: {name} must be an integer >= {minimum} (got {value})")
    return value


def check_finite(x: torch.Tensor, *, name: str, func: str) -> torch.Tensor:
    """Raise ``ValueError`` if ``x`` contains NaN or an infinity; return ``x`` otherwise."""
    if torch.isnan(x).any():
        raise ValueError(f"{func}: {name} must not contain NaN")
    if torch.isinf(x).any():
        raise ValueError(f"{func}: {name} must be finite (got an infinite entry)")
    return x


def check_dim(x: torch.Tensor, dim, *, name: str, func: str) -> int:
    """Return ``dim`` if it is an integer that indexes a dimension of ``x``; raise otherwise."""
    dim = check_integer(dim, name="dim", func=func)
    if x.ndim == 0:
        raise ValueError(f"{func}: {name} must have at least one dimension (got a scalar)")
    if not -x.ndim <= dim < x.ndim:
        raise ValueError(
            f"{func}: dim must lie in [{-x.ndim}, {x.ndim - 1}] for {name} of shape {tuple(x.shape)} (got {dim})"
        )
    return dim


def check_nonempty(x: torch.Tensor, *, name: str, func: str, dim: int = -1) -> torch.Tensor:
    """Raise ``ValueError`` if ``x`` has no entries along ``dim``; return ``x`` otherwise."""
    check_dim(x, dim, name=name, func=func)
    if x.shape[dim] == 0:
        raise ValueError(f"{func}: {name} must not be empty along dim {dim} (got shape {tuple(x.shape)})")
    return x


def check_nonnegative(x: torch.Tensor, *, name: str, func: str) -> torch.Tensor:
    """Raise ``ValueError`` if ``x`` has a negative entry; return ``x`` otherwise."""
    if (x < 0).any():
        raise ValueError(f"{func}: {name} must be non-negative (got {_fmt(x.min().item(), x.dtype)})")
    return x


def check_positive(x: torch.Tensor, *, name: str, func: str) -> torch.Tensor:
    """Raise ``ValueError`` unless every entry of ``x`` is positive and finite; return ``x`` otherwise.

    Examples
    --------
    >>> check_positive(torch.tensor([0.5, 0.0]), name="scale", func="demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: scale must be positive (got 0)
    """
    check_finite(x, name=name, func=func)
    if (x <= 0).any():
        raise ValueError(f"{func}: {name} must be positive (got {_fmt(x.min().item(), x.dtype)})")
    return x


def as_generator(seed, *, func: str, device=None) -> torch.Generator:
    """A ``torch.Generator`` from a seed, or the generator itself if one is given.

    Randomness in :mod:`mltheory` comes only from a ``seed`` argument, never
    from global state: an integer seeds a fresh generator (on ``device``, the
    CPU by default), and a generator is used as it is, so that a caller can
    draw several samples from one stream.

    Examples
    --------
    >>> g = as_generator(3, func="demo")
    >>> torch.equal(torch.rand(2, generator=g), torch.rand(2, generator=as_generator(3, func="demo")))
    True
    >>> as_generator(None, func="demo")
    Traceback (most recent call last):
    ...
    TypeError: demo: seed must be an integer or a torch.Generator (got NoneType)
    """
    if isinstance(seed, torch.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{func}: seed must be an integer or a torch.Generator (got {type(seed).__name__})")
    return torch.Generator(device=device if device is not None else "cpu").manual_seed(int(seed))


def check_in_interval(
    x: torch.Tensor, *, name: str, func: str, low: float, high: float
) -> torch.Tensor:
    """Raise ``ValueError`` unless every entry of ``x`` lies in ``[low, high]``."""
    check_finite(x, name=name, func=func)
    outside = (x < low) | (x > high)
    if outside.any():
        bad = x[outside][0].item()
        raise ValueError(f"{func}: {name} must lie in [{_fmt(low)}, {_fmt(high)}] (got {_fmt(bad, x.dtype)})")
    return x


def sum_tolerance(dtype: torch.dtype) -> float:
    """Tolerance on ``|sum(p) - 1|`` accepted as rounding error for ``dtype``.

    It is ``sqrt(eps)`` of the dtype: about 1.5e-8 in float64 and 3.5e-4 in
    float32. Probabilities typed as decimals, or produced by a softmax, sum to 1
    far more accurately than this, while a genuine mistake (such as an entry
    typed wrongly) is far larger.

    Examples
    --------
    >>> sum_tolerance(torch.float64) < 2e-8
    True
    """
    return math.sqrt(torch.finfo(dtype).eps)


def check_probability_vector(p, *, name: str, func: str, dim: int = -1) -> torch.Tensor:
    """Validate a (batch of) probability vector(s) along ``dim`` and return it as a tensor.

    The rules, checked in this order: real numbers; at least one entry along
    ``dim``; no NaN or infinity; no negative entry; entries that sum to 1 along
    ``dim`` within :func:`sum_tolerance`. The input is never renormalised.

    Parameters
    ----------
    p : array_like
        Probabilities, with the outcomes along ``dim`` and any batch shape around it.
    name, func : str
        Argument and function names for the error message.
    dim : int, default -1
        The dimension that indexes outcomes.

    Returns
    -------
    torch.Tensor
        ``p`` as a floating-point tensor.

    Examples
    --------
    >>> check_probability_vector([0.25, 0.75], name="p", func="demo")
    tensor([0.2500, 0.7500], dtype=torch.float64)
    >>> check_probability_vector([0.5, 0.6], name="p", func="demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: p must sum to 1 along dim -1 (got 1.1)
    """
    p = as_float_tensor(p, name=name, func=func)
    check_nonempty(p, name=name, func=func, dim=dim)
    check_finite(p, name=name, func=func)
    check_nonnegative(p, name=name, func=func)
    sums = p.sum(dim=dim, dtype=torch.float64)
    error = (sums - 1).abs()
    if (error > sum_tolerance(p.dtype)).any():
        worst = sums.flatten()[error.flatten().argmax()].item()
        raise ValueError(f"{func}: {name} must sum to 1 along dim {dim} (got {_fmt(worst, p.dtype)})")
    return p


def check_probability_table(p, *, name: str, func: str, ndim: int) -> torch.Tensor:
    """Validate a (batch of) joint probability table(s) over its last ``ndim`` dimensions.

    A joint distribution of ``ndim`` discrete variables is a table with one
    dimension per variable, for example ``p[x, y]`` for two. The rules are
    those of :func:`check_probability_vector`, applied to the last ``ndim``
    dimensions together; leading dimensions are a batch.

    Parameters
    ----------
    p : array_like, shape (..., n_1, ..., n_ndim)
        Probabilities.
    name, func : str
        Argument and function names for the error message.
    ndim : int
        Number of variables, at least 1.

    Returns
    -------
    torch.Tensor
        ``p`` as a floating-point tensor.

    Examples
    --------
    >>> check_probability_table([[0.25, 0.25], [0.5, 0.0]], name="p_xy", func="demo", ndim=2)
    tensor([[0.2500, 0.2500],
            [0.5000, 0.0000]], dtype=torch.float64)
    >>> check_probability_table([0.5, 0.5], name="p_xy", func="demo", ndim=2)
    Traceback (most recent call last):
    ...
    ValueError: demo: p_xy must have at least 2 dimensions, one per variable (got shape (2,))
    """
    p = as_float_tensor(p, name=name, func=func)
    ndim = check_integer(ndim, name="ndim", func=func, minimum=1)
    if p.ndim < ndim:
        raise ValueError(
            f"{func}: {name} must have at least {ndim} dimension{'s' * (ndim > 1)}, one per variable "
            f"(got shape {tuple(p.shape)})"
        )
    if 0 in p.shape[p.ndim - ndim:]:
        raise ValueError(f"{func}: {name} must not be empty (got shape {tuple(p.shape)})")
    check_finite(p, name=name, func=func)
    check_nonnegative(p, name=name, func=func)
    sums = p.sum(dim=tuple(range(-ndim, 0)), dtype=torch.float64)
    error = (sums - 1).abs()
    if (error > sum_tolerance(p.dtype)).any():
        worst = sums.flatten()[error.flatten().argmax()].item()
        where = "along dim -1" if ndim == 1 else f"over its last {ndim} dims"
        raise ValueError(f"{func}: {name} must sum to 1 {where} (got {_fmt(worst, p.dtype)})")
    return p


def check_log_base(base, *, func: str) -> float | None:
    """Validate a logarithm base: ``None`` (natural log, nats) or a real number > 0 and != 1.

    Examples
    --------
    >>> check_log_base(2, func="entropy")
    2.0
    >>> check_log_base(1, func="entropy")
    Traceback (most recent call last):
    ...
    ValueError: entropy: base must be a positive number other than 1 (got 1)
    """
    if base is None:
        return None
    value = check_real(base, name="base", func=func)
    if not (value > 0 and value != 1 and math.isfinite(value)):
        raise ValueError(f"{func}: base must be a positive number other than 1 (got {_fmt(value)})")
    return value


def _shape_text(dims) -> str:
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def check_shape(x: torch.Tensor, dims, *, name: str, func: str, sizes: dict | None = None) -> dict:
    """Check the trailing dimensions of ``x`` against a pattern and return the sizes it names.

    Parameters
    ----------
    x : torch.Tensor
        The tensor to check.
    dims : sequence of int or str
        The expected shape. An ``int`` must match exactly; a ``str`` names a
        size that may be anything, but the same name must have the same size
        everywhere it appears (also across calls that share ``sizes``). A
        leading ``"..."`` allows any number of batch dimensions in front.
    name, func : str
        Argument and function names for the error message.
    sizes : dict, optional
        Sizes already fixed by earlier checks, e.g. ``{"n": 3}`` from another
        argument; it is updated in place with the sizes found here.

    Returns
    -------
    dict
        ``sizes``, with the sizes named in ``dims`` (and ``"..."`` mapped to the batch shape).

    Raises
    ------
    ValueError
        If ``x`` has the wrong number of dimensions or a size that does not match.

    Examples
    --------
    >>> check_shape(torch.zeros(5, 2), ("m", 2), name="points", func="demo")
    {'m': 5}
    >>> check_shape(torch.zeros(5, 3), ("m", 2), name="points", func="demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: points must have shape (m, 2) (got (5, 3))
    >>> found = check_shape(torch.zeros(4, 3, 2), ("...", "n", 2), name="X", func="demo")
    >>> check_shape(torch.zeros(4, 2), ("...", "n"), name="y", func="demo", sizes=found)
    Traceback (most recent call last):
    ...
    ValueError: demo: y must have shape (..., n) with n = 3 from another argument (got (4, 2))
    """
    sizes = {} if sizes is None else sizes
    dims = tuple(dims)
    batch = bool(dims) and dims[0] == "..."
    trailing = dims[1:] if batch else dims
    shape = tuple(x.shape)
    rule = f"{func}: {name} must have shape {_shape_text(dims)}"
    if len(shape) < len(trailing) or (not batch and len(shape) != len(trailing)):
        raise ValueError(f"{rule} (got {shape})")
    found = dict(sizes)
    for want, got in zip(trailing, shape[len(shape) - len(trailing):]):
        if isinstance(want, str):
            if found.setdefault(want, got) != got:
                origin = "from another argument" if want in sizes else "elsewhere in its shape"
                raise ValueError(f"{rule} with {want} = {found[want]} {origin} (got {shape})")
        elif want != got:
            raise ValueError(f"{rule} (got {shape})")
    if batch:
        leading = shape[: len(shape) - len(trailing)]
        if found.setdefault("...", leading) != leading:
            raise ValueError(f"{rule} with batch shape {found['...']} from another argument (got {shape})")
    sizes.update(found)
    return sizes
