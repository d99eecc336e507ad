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


def test_noise2noise_rejects_untrained_network():
    assert fails("eq-noise2noise-experiment", trained=False)


def test_mle_asymptotic_normality_rejects_fisher_instead_of_its_inverse():
    # N(0, F_1) instead of N(0, F_1^{-1}): variance 1/lambda^2 = 1/4 instead of lambda^2 = 4.
    assert fails_against("eq-mle-asymptotic-normality", lambda m: 0.25 if m.what == "Var[z]" else m.expected)


def test_invariant_flow_rejects_plain_monomials():
    assert fails("eq-invariant-flow", weighting="plain")


def test_relu_layer_kernel_rejects_missing_weight_variance_factor():
    assert fails("eq-relu-layer-kernel", drop_factor=True)


def test_ntk_variance_rejects_a_kernel_that_concentrates():
    # Var(Theta_n / n), the NTK parametrisation's kernel, which does become deterministic: Var Theta_n / n^2.
    def width(m):
        return int(m.what.rsplit("= ", 1)[1])

    assert fails_against("eq-ntk-variance", lambda m: m.expected / width(m) ** 2)
