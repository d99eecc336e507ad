"""The mutation audit: every claim must be able to fail.

Each identity and inequality is perturbed (a term added to a side, a side
scaled by 8/7, a side shifted the wrong way, the relation flipped) and its check
must then fail. Each numeric claim must reject its named wrong
:class:`~mltheory.claims.Alternative` at test size.

Run ``python -m mltheory.claims.audit`` (``make audit``): it prints the counts,
names every survivor, and exits non-zero if any mutant survives or is undecided
(a numeric claim cannot be registered without a wrong alternative). A time limit per mutant
is only a safety net: a mutant whose check does not finish within it is
reported as *undecided*, never counted as rejected, because how fast a machine
is must not decide a verdict.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from .kinds import Claim, Identity, Inequality, Numeric
from .kinds.base import FLIPPED, _substituted
from .reduce import is_zero, reduction
from .registry import all_claims

__all__ = ["Mutant", "audit", "mutants", "numeric_rejects", "read_record", "symbolic_mutants_summary"]

RECORD = Path("_build") / "claims-audit.json"
"""Where ``make audit`` records each claim's verdict, with the package hash it ran under, for the claims ledger."""

EPSILON = sp.Symbol("varepsilon_mutant", positive=True)
"""A fresh positive symbol: shifting a side of an inequality by it breaks any bounded slack."""
TERM = sp.Rational(1, 7)
"""The term added to a side of an identity."""
MUTANT_SECONDS = 60.0
"""Safety net: a mutant whose check has not finished after this long is stopped and reported as undecided."""
ZERO_TEST_SECONDS = 5.0
"""How long the audit spends deciding whether a side is zero (so that scaling it would change nothing)."""
SCALE = sp.Rational(8, 7)


@dataclass(frozen=True)
class Mutant:
    """A perturbed claim and what was changed."""

    description: str
    claim: Claim


def _add(side, amount):
    shape = getattr(side, "shape", None)
    if isinstance(side, sp.MatrixBase):
        return side + amount * sp.ones(*shape)
    if shape is not None:
        return side + amount * sp.OneMatrix(*shape)
    return side + amount


def _is_zero_side(side) -> bool:
    if getattr(side, "shape", None) is not None:
        return all(entry == 0 for entry in sp.Matrix(side)) if isinstance(side, sp.MatrixBase) else False
    return sp.sympify(side) == 0


def _infinite(side) -> bool:
    return not isinstance(side, sp.MatrixBase) and side in (sp.oo, -sp.oo, sp.zoo)


class _TimedOut(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise :class:`_TimedOut` in the block after ``seconds`` (main thread on Unix; no limit elsewhere)."""
    if seconds is None or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(*_):
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _reduces_to_zero(claim: Claim, side) -> bool:
    """Whether the claim's own reduction shows ``side`` is zero (scaling it would then change nothing)."""
    if _is_zero_side(side):
        return True
    try:
        with _time_limit(ZERO_TEST_SECONDS):
            value = reduction(claim.method)(_substituted(side, claim.substitutions))
    except Exception:  # noqa: BLE001  a side the reduction cannot handle alone (or quickly) is not known to be zero
        return False
    return is_zero(value)


def _scale_for_larger(side):
    """8/7 if ``side`` is positive and 7/8 if it is negative (either makes it larger), else None."""
    if getattr(side, "shape", None) is not None:
        return None
    side = sp.sympify(side)
    if side.is_positive:
        return SCALE
    if side.is_negative:
        return 1 / SCALE
    return None


def mutants(claim: Claim) -> list[Mutant]:
    """The perturbations of an identity or inequality that its check must reject.

    Identities: a term added to the left side, a term added to the right side,
    and a side scaled by 8/7 where that changes the statement (not when either
    side is zero; an infinite side is instead replaced by a finite one, or its
    sign flipped). Inequalities: the smaller side shifted up by a positive ε,
    the larger side shifted down by ε, the smaller side scaled up (by 8/7 if it
    is positive, 7/8 if negative, skipped if sympy cannot tell), and the
    relation flipped.
    """
    lhs, rhs = claim.lhs, claim.rhs
    if isinstance(claim, Identity):
        if _infinite(lhs) or _infinite(rhs):
            infinite, name = (lhs, "lhs") if _infinite(lhs) else (rhs, "rhs")
            return [Mutant(f"{name} {infinite} replaced by a finite value", claim.mutated(**{name: TERM})),
                    Mutant(f"{name} {infinite} negated", claim.mutated(**{name: -infinite}))]
        found = [Mutant("a term 1/7 added to the left side", claim.mutated(lhs=_add(lhs, TERM))),
                 Mutant("a term 1/7 added to the right side", claim.mutated(rhs=_add(rhs, TERM)))]
        if not _reduces_to_zero(claim, rhs) and not _reduces_to_zero(claim, lhs):
            found.append(Mutant("the right side scaled by 8/7", claim.mutated(rhs=SCALE * rhs)))
        return found
    if isinstance(claim, Inequality):
        upward = claim.relation in ("<=", "<")
        small, large = ("lhs", "rhs") if upward else ("rhs", "lhs")
        sides = {"lhs": lhs, "rhs": rhs}
        found = [Mutant(f"the smaller side ({small}) shifted up by ε",
                        claim.mutated(**{small: _add(sides[small], EPSILON)})),
                 Mutant(f"the larger side ({large}) shifted down by ε",
                        claim.mutated(**{large: _add(sides[large], -EPSILON)}))]
        factor = _scale_for_larger(sides[small])
        if factor is not None:
            found.append(Mutant(f"the smaller side ({small}) scaled by {factor}",
                                claim.mutated(**{small: factor * sides[small]})))
        found.append(Mutant(f"the relation flipped to {FLIPPED[claim.relation]}",
                            claim.mutated(relation=FLIPPED[claim.relation])))
        return found
    raise TypeError(f"mutants: {claim.label} is a {claim.kind} claim; numeric claims use their alternative")


def _verdict(mutant: Mutant, seconds: float | None) -> str:
    """``"rejected"``, ``"survived"``, or ``"undecided"`` (the check did not finish within ``seconds``)."""
    try:
        with _time_limit(seconds):
            passed = mutant.claim._run("test").passed
    except _TimedOut:
        return "undecided"
    except Exception:  # noqa: BLE001  a check that raises has failed
        return "rejected"
    return "survived" if passed else "rejected"


def survivors(claim: Claim, seconds: float | None = None) -> tuple[int, list[str]]:
    """(number of mutants, descriptions of those the check did not reject) for a symbolic claim.

    A mutant whose check does not finish within ``seconds`` (default :data:`MUTANT_SECONDS`) is
    neither rejected nor a survivor: it is undecided, and named by :func:`undecided` so that the
    audit reports it (and fails).
    """
    found = mutants(claim)
    seconds = MUTANT_SECONDS if seconds is None else seconds
    verdicts = [(m.description, _verdict(m, seconds)) for m in found]
    _UNDECIDED[claim.label] = [d for d, v in verdicts if v == "undecided"]
    return len(found), [d for d, v in verdicts if v == "survived"]


def undecided(label: str) -> list[str]:
    """The mutants of ``label`` whose check did not finish in the last :func:`survivors` call."""
    return _UNDECIDED.get(label, [])


_UNDECIDED: dict[str, list[str]] = {}


def symbolic_mutants_summary(claim: Claim) -> str:
    """``"4 of 4 mutants rejected"``, naming any survivor and any undecided mutant."""
    total, survived = survivors(claim)
    return _summary(total, survived, undecided(claim.label))


def _summary(total: int, survived: list[str], slow: list[str]) -> str:
    text = f"{total - len(survived) - len(slow)} of {total} mutants rejected"
    if slow:
        text += f" ({len(slow)} undecided: no verdict within {MUTANT_SECONDS:g} s)"
    return text + (f" (survived: {'; '.join(survived)})" if survived else "")


def numeric_rejects(claim: Numeric, size: str = "test", measurements: Sequence = ()) -> tuple[bool, str]:
    """Whether the claim's experiment rejects its wrong alternative, and a phrase saying so.

    ``measurements`` from a run at ``size`` are reused when the alternative
    changes only the expected values.
    """
    alternative = claim.alternative
    if alternative.kwargs:
        measured = claim.measure(**{**claim.settings(size), **alternative.kwargs})
    else:
        measured = list(measurements) or claim.measure(**claim.settings(size))
    rejected = not all(m.passed for m in alternative.substitute(measured))
    return rejected, ("rejects: " if rejected else "does NOT reject: ") + alternative.description


def read_record(path: Path | str = RECORD) -> dict[str, str]:
    """The verdicts of the last audit, ``{label: phrase}``, if it ran under the package as it is now; else ``{}``.

    A verdict is evidence about one version of the code: any change to the
    package (a claim, a reduction, an experiment) voids the whole record.
    """
    from ..page_dependencies import package_hash

    path = Path(path)
    if not path.is_file():
        return {}
    record = json.loads(path.read_text(encoding="utf8"))
    return record["verdicts"] if record.get("package_hash") == package_hash() else {}


def _write_record(path: Path, verdicts: dict[str, str]) -> None:
    from ..page_dependencies import package_hash

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"package_hash": package_hash(), "verdicts": verdicts}, indent=1, sort_keys=True),
                    encoding="utf8")


def audit(claims: dict[str, Claim] | None = None, *, numeric: bool = True, out=sys.stdout, progress=None,
          record: Path | str | None = None) -> bool:
    """Run every claim's mutants (and, if ``numeric``, every numeric alternative); print a report.

    Parameters
    ----------
    claims : dict, optional
        The claims to audit (default: every registered claim).
    numeric : bool, default True
        Also test each numeric claim's wrong alternative (reruns experiments at test size).
    out, progress : file, optional
        Where the report goes, and where each claim's label is written as it starts (if given).
    record : path, optional
        Where to write each claim's verdict (with the package hash), for the claims ledger.

    Returns
    -------
    bool
        True when every mutant was rejected (none undecided) and every numeric claim rejected its
        alternative.
    """
    claims = all_claims() if claims is None else claims
    kinds = Counter(claim.kind for claim in claims.values())
    print(f"{len(claims)} claims: " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())), file=out)
    rejected, total, failures, slow, verdicts = Counter(), Counter(), [], [], {}
    for label, claim in claims.items():
        if progress is not None:
            print(f"  auditing {label}", file=progress, flush=True)
        if isinstance(claim, Numeric):
            if not numeric:
                continue
            total["numeric"] += 1
            ok, phrase = numeric_rejects(claim)
            rejected["numeric"] += ok
            verdicts[label] = phrase + " (at test size)"
            if not ok:
                failures.append(f"{label} (numeric): {phrase}")
            continue
        count, survived = survivors(claim)
        pending = undecided(label)
        total[claim.kind] += count
        rejected[claim.kind] += count - len(survived) - len(pending)
        verdicts[label] = _summary(count, survived, pending)
        failures += [f"{label} ({claim.kind}): survived: {s}" for s in survived]
        slow += [f"{label}: {s}" for s in pending]
    if record is not None:
        _write_record(Path(record), verdicts)
    for kind in sorted(total):
        unit = "alternatives" if kind == "numeric" else "mutants"
        print(f"  {kind}: {rejected[kind]} of {total[kind]} {unit} rejected, "
              f"{total[kind] - rejected[kind]} not", file=out)
    if slow:
        print(f"{len(slow)} mutants undecided (their check did not finish within {MUTANT_SECONDS:g} s; "
              "make it fail fast):", file=out)
        for line in slow:
            print(f"  {line}", file=out)
    if failures:
        print(f"{len(failures)} failures:", file=out)
        for failure in failures:
            print(f"  {failure}", file=out)
    elif not slow:
        print("every mutant rejected", file=out)
    return not failures and not slow


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mltheory.claims.audit", description=__doc__.split("\n")[0])
    parser.add_argument("--symbolic-only", action="store_true", help="skip the numeric alternatives")
    parser.add_argument("--progress", action="store_true", help="name each claim on stderr as it is audited")
    parser.add_argument("--record", default=str(RECORD),
                        help=f"where to record the verdicts for the claims ledger (default {RECORD}; "
                             "written only when every claim is audited)")
    parser.add_argument("labels", nargs="*", help="audit only these claims")
    args = parser.parse_args(argv)
    claims = all_claims()
    if args.labels:
        claims = {label: claims[label] for label in args.labels}
    progress = sys.stderr if args.progress else None
    complete = not args.labels and not args.symbolic_only
    passed = audit(claims, numeric=not args.symbolic_only, progress=progress, record=args.record if complete else None)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
