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

import functools
import math
import numbers

import numpy as np
import torch

__all__ = [
    "as_float_tensor",
    "as_generator",
    "broadcast_arguments",
    "check_array",
    "check_callable",
    "check_choice",
    "check_counts",
    "check_dim",
    "check_finite",
    "check_flag",
    "check_float_dtype",
    "check_in_interval",
    "check_integer",
    "check_labels",
    "check_log_base",
    "check_nonempty",
    "check_nonnegative",
    "check_positive",
    "check_probability_table",
    "check_probability_vector",
    "check_real",
    "check_scalar",
    "check_seed",
    "check_shape",
    "check_vector",
    "next_seed",
    "reports_as",
    "sum_tolerance",
]

#: Seeds are integers in [0, SEED_LIMIT): what ``torch.Generator.manual_seed`` accepts.
SEED_LIMIT = 2**64

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
    if minimum is not None:
        minimum = check_integer(minimum, name="minimum", func=func)
    if minimum is not None and value < minimum:
        raise ValueError(f"{func}: {name} must be an integer >= {minimum} (got {value})")
    return value


def _tensor(x, *, name: str, func: str) -> torch.Tensor:
    """``x`` itself if it is a tensor, else ``x`` as a float64 tensor (see :func:`as_float_tensor`)."""
    return x if isinstance(x, torch.Tensor) else as_float_tensor(x, name=name, func=func)


def check_finite(x: torch.Tensor, *, name: str, func: str) -> torch.Tensor:
    """Raise ``ValueError`` if ``x`` contains NaN or an infinity; return ``x`` (as a tensor) otherwise."""
    x = _tensor(x, name=name, func=func)
    if x.numel() == 0 or not x.is_floating_point():  # integers and booleans are finite
        return x
    low, high = torch.aminmax(x.detach())  # one pass; NaN propagates into both
    if math.isfinite(low) and math.isfinite(high):
        return x
    if torch.isnan(x).any():
        raise ValueError(f"{func}: {name} must not contain NaN")
    if torch.isinf(x).any():
        raise ValueError(f"{func}: {name} must be finite (got an infinite entry)")
    return x


def check_dim(x: torch.Tensor, dim, *, name: str, func: str) -> int:
    """Return ``dim`` if it is an integer that indexes a dimension of ``x``; raise otherwise."""
    x = _tensor(x, name=name, func=func)
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
    x = _tensor(x, name=name, func=func)
    check_dim(x, dim, name=name, func=func)
    if x.shape[dim] == 0:
        raise ValueError(f"{func}: {name} must not be empty along dim {dim} (got shape {tuple(x.shape)})")
    return x


def check_nonnegative(x: torch.Tensor, *, name: str, func: str) -> torch.Tensor:
    """Raise ``ValueError`` if ``x`` has a negative entry or NaN; return ``x`` otherwise."""
    x = _tensor(x, name=name, func=func)
    if torch.isnan(x).any():
        raise ValueError(f"{func}: {name} must not contain NaN")
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
    x = check_finite(x, name=name, func=func)
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
    seed = check_seed(seed, func=func)
    if device is None:
        device = "cpu"
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError):
        raise (TypeError if not isinstance(device, str) else ValueError)(
            f"{func}: device must name a torch device (got {device!r})") from None
    return torch.Generator(device=device).manual_seed(seed)


def check_array(x, *, name: str, func: str, positive: bool = False, nonnegative: bool = False) -> torch.Tensor:
    """``x`` as a floating-point tensor with at least one entry, all finite (and positive or non-negative if asked).

    Examples
    --------
    >>> check_array([1.0, -2.0], name="scale", func="demo", positive=True)
    Traceback (most recent call last):
    ...
    ValueError: demo: scale must be positive (got -2)
    >>> check_array([], name="x", func="demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: x must not be empty (got shape (0,))
    """
    positive = check_flag(positive, name="positive", func=func)
    nonnegative = check_flag(nonnegative, name="nonnegative", func=func)
    x = as_float_tensor(x, name=name, func=func)
    if x.numel() == 0:
        raise ValueError(f"{func}: {name} must not be empty (got shape {tuple(x.shape)})")
    if positive:
        return check_positive(x, name=name, func=func)
    check_finite(x, name=name, func=func)
    return check_nonnegative(x, name=name, func=func) if nonnegative else x


def check_vector(x, *, name: str, func: str, or_module: bool = False) -> torch.Tensor:
    """``x`` as a nonempty, finite, 1-D floating-point tensor (a parameter vector, say).

    ``or_module=True`` says in the error that an ``nn.Module`` is accepted too.

    Examples
    --------
    >>> check_vector([[1.0, 2.0]], name="theta", func="demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: theta must be a nonempty 1-D vector (got shape (1, 2))
    """
    or_module = check_flag(or_module, name="or_module", func=func)
    x = check_finite(as_float_tensor(x, name=name, func=func), name=name, func=func)
    if x.dim() != 1 or x.numel() == 0:
        raise ValueError(f"{func}: {name} must be a nonempty 1-D vector{' or an nn.Module' if or_module else ''} "
                         f"(got shape {tuple(x.shape)})")
    return x


def check_counts(x, *, name: str, func: str, minimum: int = 1) -> tuple[int, ...]:
    """Return ``x`` as a tuple of ints if it is a non-empty sequence of integers >= ``minimum``; raise otherwise.

    Examples
    --------
    >>> check_counts([16, 64], name="widths", func="demo")
    (16, 64)
    >>> check_counts(3, name="widths", func="demo")
    Traceback (most recent call last):
    ...
    TypeError: demo: widths must be a non-empty sequence of integers (got int)
    """
    rule = f"{func}: {name} must be a non-empty sequence of integers"
    try:
        length = None if isinstance(x, (str, bytes)) else len(x)
    except TypeError:  # no length, or a 0-d array
        length = None
    if length is None:
        raise TypeError(f"{rule} (got {type(x).__name__})")
    if length == 0:
        raise ValueError(f"{rule} (got {x!r})")
    return tuple(check_integer(entry, name=name, func=func, minimum=minimum) for entry in x)


def check_seed(seed, *, func: str, name: str = "seed") -> int:
    """Return ``seed`` as an ``int`` if it is an integer in [0, 2**64), the seeds torch accepts; raise otherwise.

    Examples
    --------
    >>> check_seed(7, func="demo")
    7
    >>> check_seed(2**64, func="demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: seed must be an integer in [0, 2**64) (got 18446744073709551616)
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an integer in [0, 2**64) (got {type(seed).__name__})")
    if not 0 <= int(seed) < SEED_LIMIT:
        raise ValueError(f"{func}: {name} must be an integer in [0, 2**64) (got {int(seed)})")
    return int(seed)


def next_seed(seed: int) -> int:
    """The seed after ``seed`` in [0, 2**64), for a second random stream derived from a validated seed.

    Examples
    --------
    >>> next_seed(3), next_seed(2**64 - 1)
    (4, 0)
    """
    return (check_seed(seed, func="next_seed") + 1) % SEED_LIMIT


def check_float_dtype(dtype, *, func: str, name: str = "dtype") -> torch.dtype:
    """Return ``dtype`` if it is a floating-point ``torch.dtype``; raise ``TypeError`` otherwise.

    Examples
    --------
    >>> check_float_dtype(torch.int64, func="demo")
    Traceback (most recent call last):
    ...
    TypeError: demo: dtype must be a floating-point torch.dtype such as torch.float64 (got torch.int64)
    """
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"{func}: {name} must be a floating-point torch.dtype such as torch.float64 (got {dtype!r})")
    return dtype


def check_callable(f, *, name: str, func: str):
    """Return ``f`` if it is callable; raise ``TypeError`` naming what was given otherwise."""
    if not callable(f):
        raise TypeError(f"{func}: {name} must be callable (got {type(f).__name__})")
    return f


def check_flag(x, *, name: str, func: str) -> bool:
    """Return ``x`` if it is a bool (Python or NumPy); raise ``TypeError`` otherwise, rather than read any object as true."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{func}: {name} must be True or False (got {x!r})")
    return bool(x)


def check_choice(x, options, *, name: str, func: str):
    """Return ``x`` if it is one of ``options``; raise ``ValueError`` listing them otherwise.

    Examples
    --------
    >>> check_choice("l3", ("l1", "l2"), name="loss", func="demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: loss must be one of 'l1', 'l2' (got 'l3')
    """
    if not isinstance(x, str) or x not in options:
        listed = ", ".join(repr(option) for option in options)
        raise ValueError(f"{func}: {name} must be one of {listed} (got {x!r})")
    return x


def check_scalar(x, *, name: str, func: str, low: float = -math.inf, high: float = math.inf,
                 low_open: bool = False, high_open: bool = False) -> float:
    """Return ``x`` as a finite Python float in the interval from ``low`` to ``high``; raise otherwise.

    The interval is closed unless ``low_open`` or ``high_open``. NaN and infinities are always refused.

    Examples
    --------
    >>> check_scalar(0.5, name="p", func="demo", low=0, high=1, high_open=True)
    0.5
    >>> check_scalar(1.0, name="p", func="demo", low=0, high=1, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: demo: p must be a finite number in [0, 1) (got 1)
    """
    value = check_real(x, name=name, func=func)
    low, high = (check_real(bound, name=bound_name, func=func) for bound, bound_name in ((low, "low"), (high, "high")))
    if math.isnan(low) or math.isnan(high):
        raise ValueError(f"{func}: the bounds of {name} must not be NaN (got low={low}, high={high})")
    low_open = check_flag(low_open, name="low_open", func=func)
    high_open = check_flag(high_open, name="high_open", func=func)
    inside = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not (math.isfinite(value) and inside):
        interval = f"{'(' if low_open else '['}{_fmt(low)}, {_fmt(high)}{')' if high_open else ']'}"
        if math.isinf(low) and math.isinf(high):
            rule = "a finite number"
        elif math.isinf(high) and low == 0:
            rule = "positive and finite" if low_open else "non-negative and finite"
        elif math.isinf(high):
            rule = f"a finite number {'>' if low_open else '>='} {_fmt(low)}"
        else:
            rule = f"a finite number in {interval}"
        raise ValueError(f"{func}: {name} must be {rule} (got {_fmt(value)})")
    return value


def check_labels(labels, *, name: str, func: str, classes: int | None = None, shape=None) -> torch.Tensor:
    """Validate integer class labels (in ``[0, classes)`` and of ``shape`` when given) and return them as a tensor.

    Examples
    --------
    >>> check_labels([0, 2], name="labels", func="demo", classes=2)
    Traceback (most recent call last):
    ...
    ValueError: demo: labels must lie in [0, 1] (got 2)
    """
    if isinstance(labels, torch.Tensor):
        tensor = labels
    else:
        if labels is None or isinstance(labels, (str, bytes)):
            raise TypeError(f"{func}: {name} must be integer class indices (got {type(labels).__name__})")
        array = np.asarray(labels)
        if array.dtype == object or array.dtype.kind not in "iub" and not (array.dtype.kind == "f" and array.size == 0):
            raise TypeError(f"{func}: {name} must be integer class indices (got {array.dtype})")
        tensor = torch.as_tensor(array.astype(np.int64))
    if tensor.dtype.is_floating_point or tensor.dtype.is_complex or tensor.dtype == torch.bool:
        raise TypeError(f"{func}: {name} must be integer class indices (got {tensor.dtype})")
    if shape is not None and tuple(tensor.shape) != tuple(shape):
        raise ValueError(f"{func}: {name} must have shape {tuple(shape)} (got {tuple(tensor.shape)})")
    if tensor.numel() == 0:
        raise ValueError(f"{func}: {name} must not be empty (got shape {tuple(tensor.shape)})")
    top = None if classes is None else check_integer(classes, name="classes", func=func, minimum=1) - 1
    if tensor.min() < 0 or (top is not None and tensor.max() > top):
        bad = tensor.min() if tensor.min() < 0 else tensor.max()
        rule = "non-negative" if top is None else f"lie in [0, {top}]"
        raise ValueError(f"{func}: {name} must {'be ' if top is None else ''}{rule} (got {int(bad)})")
    return tensor


def broadcast_arguments(tensors: dict, *, func: str) -> tuple[torch.Tensor, ...]:
    """Broadcast named tensors together; raise ``ValueError`` naming them and their shapes if they do not.

    Examples
    --------
    >>> broadcast_arguments({"x": torch.zeros(2), "scale": torch.ones(3)}, func="demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: x and scale must have broadcastable shapes (got (2,) and (3,))
    """
    try:
        return torch.broadcast_tensors(*tensors.values())
    except RuntimeError:
        *first, last = tensors
        names = f"{', '.join(first)} and {last}" if first else last
        shapes = " and ".join(str(tuple(t.shape)) for t in tensors.values())
        raise ValueError(f"{func}: {names} must have broadcastable shapes (got {shapes})") from None


def reports_as(name: str):
    """Decorate a public function that validates by calling others, so that their errors carry its own name.

    A ``ValueError`` or ``TypeError`` whose message starts ``"other_function: "`` is raised again,
    of the same type, starting ``"name: "`` instead: the reader sees the function they called.

    Examples
    --------
    >>> @reports_as("outer")
    ... def outer(p):
    ...     return check_probability_vector(p, name="p", func="inner")
    >>> outer([0.5, 0.6])
    Traceback (most recent call last):
    ...
    ValueError: outer: p must sum to 1 along dim -1 (got 1.1)
    """
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except (ValueError, TypeError) as error:
                head, separator, rest = str(error).partition(": ")
                if separator and head != name and head.isidentifier():
                    raise type(error)(f"{name}: {rest}") from None
                raise
        return wrapper
    return decorate


def check_in_interval(
    x: torch.Tensor, *, name: str, func: str, low: float, high: float
) -> torch.Tensor:
    """Raise ``ValueError`` unless every entry of ``x`` lies in ``[low, high]`` (bounds may be infinite, not NaN)."""
    low = check_real(low, name="low", func=func)
    high = check_real(high, name="high", func=func)
    if math.isnan(low) or math.isnan(high):
        raise ValueError(f"{func}: the bounds of {name} must not be NaN (got low={low}, high={high})")
    x = check_finite(x, name=name, func=func)
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
    return math.sqrt(torch.finfo(check_float_dtype(dtype, func="sum_tolerance")).eps)


def _check_finite_nonnegative(p: torch.Tensor, *, name: str, func: str) -> None:
    """One pass over ``p`` (its smallest and largest entry) when it is valid; the detailed checks when it is not."""
    low, high = torch.aminmax(p.detach())
    if not (low >= 0 and high < math.inf):  # NaN fails both comparisons
        check_finite(p, name=name, func=func)
        check_nonnegative(p, name=name, func=func)


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
    _check_finite_nonnegative(p, name=name, func=func)
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
    _check_finite_nonnegative(p, name=name, func=func)
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
    x = _tensor(x, name=name, func=func)
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
