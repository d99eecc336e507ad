"""Every registered claim holds, at the test-suite size of its experiment."""

import pytest

from mltheory.claims import all_claims

CLAIMS = all_claims()


@pytest.mark.parametrize("label", sorted(CLAIMS))
def test_claim_holds(label):
    result = CLAIMS[label].check(size="test")
    assert result.passed and result.label == label
