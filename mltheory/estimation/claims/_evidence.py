"""A measurement shared by several claims of the part: a Monte Carlo average that must be clearly positive."""

from __future__ import annotations

import math

import torch

from ...claims import Measurement


def clearly_positive(what: str, samples: torch.Tensor, n_sigma: float = 5.0, *, quantity: str = "") -> Measurement:
    """The mean of i.i.d. ``samples`` must exceed ``n_sigma`` standard errors (so that it is not zero by chance).

    ``quantity`` is the LaTeX of the mean, for the claim's generated statement (compared with 0).
    """
    samples = samples.double().flatten()
    standard_error = float(samples.std()) / math.sqrt(samples.numel())
    return Measurement(what, float(samples.mean()), n_sigma * standard_error, 0.0,
                       f"must exceed {n_sigma:g} standard errors, {samples.numel()} samples", ">=",
                       quantity=quantity, expected_latex="0" if quantity else "")
