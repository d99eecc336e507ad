"""Every reworked numeric claim rejects its named wrong alternative, run at test size.

Each test runs the claim's own experiment with the alternative switched on (a keyword argument of the
experiment) or compares its measurements with the alternative's expected values, and asserts that the
claim then fails. Issue 9: a check that cannot tell right from wrong proves nothing.
"""

import dataclasses

from mltheory.claims import get


def fails(label: str, **alternative) -> bool:
    """Whether the claim ``label`` fails at test size with the experiment's keyword arguments ``alternative``."""
    claim = get(label)
    outcome = claim.experiment(**{**claim.test, **alternative})
    measurements = outcome if isinstance(outcome, list) else [outcome]
    return not all(m.passed for m in measurements)


def fails_against(label: str, alternative) -> bool:
    """Whether the claim fails when each measurement ``m`` is compared with ``alternative(m)`` instead."""
    claim = get(label)
    outcome = claim.experiment(**claim.test)
    measurements = outcome if isinstance(outcome, list) else [outcome]
    swapped = [dataclasses.replace(m, expected=alternative(m)) for m in measurements]
    assert any(s.expected != m.expected for s, m in zip(swapped, measurements)), "the alternative changes something"
    return not all(m.passed for m in swapped)


def test_perplexity_calibration_rejects_kernel_without_the_two():
    assert fails("eq-perplexity-calibration", two_sigma_squared=False)


def test_tsne_trustworthiness_rejects_unoptimised_map():
    assert fails("eq-tsne-trustworthiness", n_iter=1)


def test_source_coding_rejects_the_uniform_law_as_bound():
    assert fails("eq-source-coding", assumed_q=0.5)
