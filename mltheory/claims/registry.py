"""The registry of claims: :func:`~mltheory.claims.register`, :func:`~mltheory.claims.get` and :func:`~mltheory.claims.all_claims`."""

from __future__ import annotations

import difflib
import importlib
import pkgutil

from .kinds import Claim

__all__ = ["all_claims", "get", "register"]

_REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    """Add ``claim`` to the registry and return it.

    Raises
    ------
    ValueError
        If another claim already has the same label.
    """
    if not isinstance(claim, Claim):
        raise TypeError(f"register: claim must be a Claim (got {type(claim).__name__})")
    existing = _REGISTRY.get(claim.label)
    if existing is not None and existing is not claim:
        raise ValueError(f"register: label {claim.label} is already registered")
    _REGISTRY[claim.label] = claim
    return claim


def _discover() -> None:
    """Import every topic's ``mltheory.<topic>.claims`` module so that its claims register themselves.

    The spine (``mltheory.claims`` and its modules) is not a topic and is skipped.
    """
    import mltheory

    spine = __name__.rsplit(".", 1)[0]
    for info in pkgutil.walk_packages(mltheory.__path__, prefix="mltheory.",
                                      onerror=lambda name: None):
        if info.name.rsplit(".", 1)[-1] == "claims" and info.name != spine:
            importlib.import_module(info.name)


def all_claims() -> dict[str, Claim]:
    """Every registered claim, keyed by label, in sorted order."""
    _discover()
    return dict(sorted(_REGISTRY.items()))


def get(label: str) -> Claim:
    """The claim registered under ``label``.

    Raises
    ------
    ValueError
        If there is no such claim; the message suggests close labels.
    """
    if label in _REGISTRY:
        return _REGISTRY[label]
    claims = all_claims()
    if label not in claims:
        close = difflib.get_close_matches(str(label), claims, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"get: no claim is registered under label {label!r}{hint}")
    return claims[label]
