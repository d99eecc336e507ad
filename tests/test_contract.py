"""The input contract of every public function, generated from the signatures (issue 11).

For each public function (everything callable in the ``__all__`` of every module of :mod:`mltheory`
that is library API, found by walking the package: see :data:`NOT_API`), each parameter has a kind (:mod:`contract_specs`) that says which inputs are
ruled out. Every ruled-out input must raise ``ValueError`` or ``TypeError`` whose message starts
with the name of the function that was called and names the argument and what was given; never
another exception (a crash), never a result (a silent failure). A valid call must return finite
values of the documented shape and dtype, also for valid inputs drawn by hypothesis. A public
function or parameter without a spec fails :func:`test_every_public_function_is_covered`.

``python tests/test_contract.py`` prints the counts: functions, bad inputs, and the failures by kind.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from contract_specs import BY_NAME, _specs, bad_values  # noqa: E402

#: Modules (by any dotted part of their name) that are not library API; every other module of mltheory
#: is walked, each top-level module and subpackage and each submodule with an ``__all__``.
NOT_API = {
    # Sphinx and build internals: the book's extension and the map from pages to the modules they import.
    "sphinxext", "page_dependencies",
    # The claims spine (mltheory.claims) and the topics' claims: classes and the registry, tested in
    # tests/test_claims_spine.py. Its public functions take a registered label or a Claim: get() refuses an
    # unknown label with a ValueError naming it, show() goes through get(), register() and all_claims()
    # build the registry at import; they are the book's machinery, not functions on data.
    "claims",
    # The book's figures: each draws one page's figure from that page's experiment (seconds to a minute),
    # run by the book build and checked by tests/site; their keywords only tune the drawing.
    "figures",
    # The sympy helpers behind the claims' proofs: sympy expressions in, sympy expressions out, checked by
    # every claim that uses them and by the mutation audit (tests/test_mutants.py).
    "symbolic",
}
#: What a message must contain to say what was given.
GIVEN = re.compile(r"\bgot\b|NaN|\binf|None")


def public_modules() -> list:
    """Every module of :mod:`mltheory` that is library API, packages before their submodules.

    A top-level module or subpackage is public whatever it holds; a deeper submodule is public when it
    declares ``__all__``, so a function that its package does not re-export is still found.
    """
    import mltheory

    modules = []
    for info in pkgutil.walk_packages(mltheory.__path__, "mltheory."):
        parts = info.name.split(".")[1:]
        if any(part.startswith("_") or part in NOT_API for part in parts):
            continue
        module = importlib.import_module(info.name)
        if len(parts) == 1 or hasattr(module, "__all__"):
            modules.append(module)
    return sorted(modules, key=lambda module: module.__name__.count("."))


def public_functions() -> dict[str, object]:
    """Every callable in the ``__all__`` of the public modules, as ``{"module.name": function}`` (classes excluded).

    A function re-exported by its package is keyed by the package (``estimation.marginals``), one that is
    only in a submodule's ``__all__`` by the submodule (``symmetry.ntk.relu_kernels``).
    """
    found, seen = {}, set()
    for module in public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, type) and id(obj) not in seen:
                seen.add(id(obj))
                found[f"{module.__name__.removeprefix('mltheory.')}.{name}"] = obj
    return found


FUNCTIONS = public_functions()
SPECS = _specs()


def kind_of(key: str, parameter: str) -> str | None:
    spec = SPECS.get(key)
    return (spec.kinds.get(parameter) if spec else None) or BY_NAME.get(parameter)


def parameters(key: str) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(FUNCTIONS[key]).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL,)]


def bad_inputs(key: str) -> list[tuple[str, object, str]]:
    """``(parameter, value, what)`` for every ruled-out input of one function."""
    spec = SPECS[key]
    cases = []
    for parameter in parameters(key):
        name = parameter.name
        if parameter.kind == parameter.VAR_KEYWORD:
            continue
        valid = spec.valid.get(name, parameter.default)
        if valid is inspect.Parameter.empty or valid is None:
            valid = [0.5, 0.5]
        if isinstance(valid, torch.Tensor):
            valid = valid.detach().cpu().numpy()
        for value, what in bad_values(kind_of(key, name), valid):
            if value is None and parameter.default is None:
                continue  # None is what the default means
            cases.append((name, value, what))
    return cases + list(spec.extra)


def call(key: str, arguments: dict):
    function = FUNCTIONS[key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(**arguments)


def outcome(key: str, parameter: str, value) -> tuple[str, str]:
    """How one ruled-out input was answered: ``"ok"``, ``"crash"``, ``"silent"`` or ``"misnamed"``, with the detail."""
    spec = SPECS[key]
    caller = spec.caller or key.rsplit(".", 1)[1]
    arguments = dict(spec.valid, **{parameter: value})
    try:
        result = call(key, arguments)
    except (ValueError, TypeError) as error:
        message = str(error)
        if not message.startswith(f"{caller}: "):
            return "misnamed", f"{type(error).__name__}: {message}"
        # A helper of mltheory.validation names the argument it checks for its caller (its ``name``).
        names = {parameter, spec.valid.get("name", parameter)} if spec.caller else {parameter}
        if spec.caller and isinstance(value, dict):  # broadcast_arguments names the tensors it was given
            names |= set(value)
        named = any(re.search(rf"\b{re.escape(name)}\b", message) for name in names)
        if not named or not GIVEN.search(message):
            return "misnamed", f"{type(error).__name__}: {message}"
        return "ok", message
    except Exception as error:  # noqa: BLE001 - any other exception is what this test looks for
        return "crash", f"{type(error).__name__}: {error}"
    return "silent", f"returned {type(result).__name__}"


def tensors(result):
    """The tensors and floats in a result: tensors, tuples, lists, dicts and dataclasses are searched."""
    if isinstance(result, torch.Tensor):
        yield result
    elif isinstance(result, float):
        yield torch.tensor(result, dtype=torch.float64)
    elif isinstance(result, (tuple, list)):
        for item in result:
            yield from tensors(item)
    elif isinstance(result, dict):
        for item in result.values():
            yield from tensors(item)
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        for item in dataclasses.fields(result):
            yield from tensors(getattr(result, item.name))


def check_valid_result(key: str, result, dtype: torch.dtype | None = None) -> None:
    spec = SPECS[key]
    found = list(tensors(result))
    for tensor in found:
        if tensor.is_floating_point():
            assert torch.isfinite(tensor).all(), f"{key}: non-finite output {tensor}"
    if spec.shape is not None:
        assert found, f"{key}: no tensor returned"
        assert tuple(found[0].shape) == spec.shape, f"{key}: shape {tuple(found[0].shape)}, documented {spec.shape}"
    expected = dtype or spec.dtype
    if expected is not None and found:
        assert found[0].dtype == expected, f"{key}: dtype {found[0].dtype}, documented {expected}"


def test_every_public_function_is_covered():
    """A new public function, or a new parameter, needs a spec: it fails here until it has one."""
    missing = sorted(set(FUNCTIONS) - set(SPECS))
    stale = sorted(set(SPECS) - set(FUNCTIONS))
    untyped = [f"{key}({p.name})" for key in FUNCTIONS if key in SPECS for p in parameters(key)
               if p.kind != p.VAR_KEYWORD and kind_of(key, p.name) is None]
    assert not missing and not stale and not untyped, (
        f"public functions without a spec: {missing}; specs of no public function: {stale}; "
        f"parameters without a kind: {untyped}")
    assert len(FUNCTIONS) >= 125


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_ruled_out_inputs_raise_a_named_error(key):
    failures = [f"{parameter}={what}: {kind}: {detail}" for parameter, value, what in bad_inputs(key)
                for kind, detail in [outcome(key, parameter, value)] if kind != "ok"]
    assert not failures, f"{key}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_valid_input_gives_finite_documented_output(key):
    check_valid_result(key, call(key, SPECS[key].valid))


# ------------------------------------------------------------------ valid inputs drawn by hypothesis

def _probability_vectors(length: int):
    weights = st.lists(st.floats(0.01, 1.0), min_size=length, max_size=length)
    return weights.map(lambda w: (np.array(w) / np.sum(w)).tolist())


def _strategy(kind: str, valid):
    """A strategy for valid values of a kind that keeps the shape of ``valid``, or None."""
    if kind == "prob" and isinstance(valid, list) and valid and not isinstance(valid[0], list):
        return _probability_vectors(len(valid))
    if kind == "positive" and isinstance(valid, float):
        return st.floats(1e-3, 1e3)
    if kind == "seed":
        return st.integers(0, 2**64 - 1)
    if kind == "float_dtype":
        return st.sampled_from([torch.float32, torch.float64])
    return None


#: Too slow to call a few times more, or their output is not a tensor whose dtype follows the input.
NOT_DRAWN = {"information.tsne", "estimation.noise2noise", "estimation.digits_calibration", "estimation.train_denoiser",
             "networks.fit", "networks.mlp", "estimation.denoising_data", "data.digits",
             "optimization.critical_batch_experiment", "kernels.train_digits_classifier"}


def drawable(key: str) -> dict:
    spec = SPECS[key]
    strategies = {}
    for parameter in parameters(key):
        valid = spec.valid.get(parameter.name, parameter.default)
        strategy = _strategy(kind_of(key, parameter.name) or "", valid)
        if strategy is not None:
            strategies[parameter.name] = strategy
    return strategies


DRAWN = sorted(key for key in FUNCTIONS if key not in NOT_DRAWN and key in SPECS and drawable(key))


@pytest.mark.parametrize("key", DRAWN)
def test_drawn_valid_input_gives_finite_documented_output(key):
    @settings(max_examples=8, deadline=None)
    @given(st.fixed_dictionaries(drawable(key)))
    def check(drawn):
        dtype = drawn.get("dtype") if SPECS[key].dtype is not None else None
        check_valid_result(key, call(key, dict(SPECS[key].valid, **drawn)), dtype)

    check()


def report() -> Counter:
    """Counts of the answers to every ruled-out input, printed with the failures."""
    counts = Counter()
    for key in sorted(FUNCTIONS):
        for parameter, value, what in bad_inputs(key):
            kind, detail = outcome(key, parameter, value)
            counts[kind] += 1
            if kind != "ok":
                print(f"{kind:9s} {key}({parameter}={what}): {detail[:200]}")
    return counts


if __name__ == "__main__":
    counts = report()
    print(f"functions: {len(FUNCTIONS)}; bad inputs tried: {sum(counts.values())}; " + ", ".join(
        f"{kind}: {counts[kind]}" for kind in ("ok", "crash", "silent", "misnamed")))
