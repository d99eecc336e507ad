"""Every symbolic claim can fail: each of its mutants (a side shifted or scaled, the relation flipped) is rejected.

Marked ``mutants`` and left out of the default ``make test`` (they take minutes; run them with
``pytest -m mutants tests/test_mutants.py``). ``make audit`` (``python -m mltheory.claims.audit``), which
CI runs after the build, checks the same mutants and also the numeric claims' wrong alternatives,
which rerun their experiments at test size.
"""

import pytest

from mltheory.claims import Numeric, all_claims
from mltheory.claims.audit import survivors, undecided

SYMBOLIC = {label: claim for label, claim in all_claims().items() if not isinstance(claim, Numeric)}


@pytest.mark.mutants
@pytest.mark.parametrize("label", sorted(SYMBOLIC))
def test_every_mutant_is_rejected(label):
    total, survived = survivors(SYMBOLIC[label])
    assert total >= 2 and survived == [], f"{label}: mutants survived: {survived}"
    assert undecided(label) == [], f"{label}: no verdict within the time limit for: {undecided(label)}"
