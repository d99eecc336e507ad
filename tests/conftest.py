"""Shared test configuration: headless plotting and a hypothesis profile sized for 2 cores."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile(
    "mltheory", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("mltheory")

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


@pytest.fixture
def isolated_registry(monkeypatch):
    """A copy of the claims registry that a test may add to without affecting other tests."""
    from mltheory.claims import registry

    registry.all_claims()  # import every claims module first
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    return registry._REGISTRY
