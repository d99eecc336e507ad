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

if "PYTEST_XDIST_WORKER_COUNT" in os.environ:
    # Under pytest-xdist the workers share the cores: give each its share of torch's threads, so that
    # parallel tests do not oversubscribe the machine.
    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])))

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


@pytest.fixture
def isolated_registry(monkeypatch):
    """A copy of the claims registry that a test may add to without affecting other tests."""
    from mltheory.claims import registry

    registry.all_claims()  # import every claims module first
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    return registry._REGISTRY
