"""The shared argument checks: what they accept, and the exact shape of their messages."""

import numpy as np
import pytest
import torch

from mltheory.validation import (
    as_float_tensor,
    as_generator,
    check_dim,
    check_in_interval,
    check_integer,
    check_log_base,
    check_positive,
    check_probability_vector,
    check_real,
    check_shape,
    sum_tolerance,
)


def test_as_float_tensor_keeps_float_tensors_and_converts_the_rest():
    t = torch.tensor([1.0, 2.0], dtype=torch.float32)
    assert as_float_tensor(t, name="x", func="f") is t
    assert as_float_tensor(torch.tensor([1, 2]), name="x", func="f").dtype == torch.float64
    assert as_float_tensor(np.array([True, False]), name="x", func="f").tolist() == [1.0, 0.0]
    assert as_float_tensor(3, name="x", func="f").dtype == torch.float64


@pytest.mark.parametrize("value", ["text", b"bytes", None, {"a": 1}, [1, "a"], torch.tensor([1j])])
def test_as_float_tensor_rejects_non_numbers(value):
    with pytest.raises(TypeError, match=r"^f: x must be"):
        as_float_tensor(value, name="x", func="f")


def test_scalars_and_integers():
    assert check_real(np.float32(1.5), name="a", func="f") == 1.5
    assert check_real(torch.tensor(2.0), name="a", func="f") == 2.0
    with pytest.raises(TypeError, match=r"^f: a must be a real number \(got bool\)$"):
        check_real(True, name="a", func="f")
    assert check_integer(np.int64(4), name="n", func="f", minimum=1) == 4
    with pytest.raises(TypeError, match="n must be an integer"):
        check_integer(4.0, name="n", func="f")


def test_check_dim():
    x = torch.zeros(2, 3)
    assert check_dim(x, -1, name="x", func="f") == -1
    with pytest.raises(ValueError, match=r"^f: dim must lie in \[-2, 1\] for x of shape \(2, 3\) \(got 2\)$"):
        check_dim(x, 2, name="x", func="f")


def test_interval_and_base():
    with pytest.raises(ValueError, match=r"^f: q must lie in \[0, 1\] \(got 2\)$"):
        check_in_interval(torch.tensor([0.5, 2.0]), name="q", func="f", low=0.0, high=1.0)
    assert check_log_base(None, func="f") is None
    with pytest.raises(ValueError, match="base must be a positive number other than 1"):
        check_log_base(1.0, func="f")


def test_probability_vector_tolerance_depends_on_dtype():
    assert sum_tolerance(torch.float32) > sum_tolerance(torch.float64)
    nearly = torch.tensor([0.5, 0.5 + 1e-5], dtype=torch.float32)
    check_probability_vector(nearly, name="p", func="f")  # float32 rounding is accepted
    with pytest.raises(ValueError, match="sum to 1"):
        check_probability_vector(nearly.double(), name="p", func="f")


def test_probability_vector_reports_the_worst_row():
    p = torch.tensor([[0.5, 0.5], [0.9, 0.3], [0.4, 0.5]])
    with pytest.raises(ValueError, match=r"got 1\.2"):
        check_probability_vector(p, name="p", func="f")


def test_check_positive():
    x = torch.tensor([0.5, 2.0])
    assert check_positive(x, name="scale", func="demo") is x
    with pytest.raises(ValueError, match=r"^demo: scale must be positive \(got 0\)$"):
        check_positive(torch.tensor([1.0, 0.0]), name="scale", func="demo")
    with pytest.raises(ValueError, match="must not contain NaN"):
        check_positive(torch.tensor([float("nan")]), name="scale", func="demo")


def test_as_generator():
    first = torch.rand(3, generator=as_generator(5, func="demo"))
    assert torch.equal(first, torch.rand(3, generator=as_generator(5, func="demo")))
    generator = torch.Generator().manual_seed(1)
    assert as_generator(generator, func="demo") is generator
    for bad in (None, 1.5, True, "3"):
        with pytest.raises(TypeError, match="demo: seed must be an integer or a torch.Generator"):
            as_generator(bad, func="demo")


def test_check_shape_names_sizes_and_batch_dimensions():
    assert check_shape(torch.zeros(4, 3, 2), ("...", "n", 2), name="X", func="f") == {"n": 3, "...": (4,)}
    assert check_shape(torch.zeros(3, 2), ("...", "n", "D"), name="X", func="f") == {"n": 3, "D": 2, "...": ()}
    sizes = {"D": 2}
    check_shape(torch.zeros(5, 2), ("m", "D"), name="points", func="f", sizes=sizes)
    assert sizes == {"D": 2, "m": 5}
    with pytest.raises(ValueError, match=r"^f: x must have shape \(n, n\) with n = 2 elsewhere in its shape \(got \(2, 3\)\)$"):
        check_shape(torch.zeros(2, 3), ("n", "n"), name="x", func="f")
    with pytest.raises(ValueError, match=r"^f: x must have shape \(2,\) \(got \(2, 2\)\)$"):
        check_shape(torch.zeros(2, 2), (2,), name="x", func="f")
    with pytest.raises(ValueError, match=r"^f: x must have shape \(\.\.\., n, 2\) \(got \(2,\)\)$"):
        check_shape(torch.zeros(2), ("...", "n", 2), name="x", func="f")
    with pytest.raises(ValueError, match=r"^f: y must have shape \(\.\.\., n\) with batch shape \(4,\) from another argument"):
        check_shape(torch.zeros(5, 3), ("...", "n"), name="y", func="f", sizes={"n": 3, "...": (4,)})
