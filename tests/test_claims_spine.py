"""The verification spine itself: each kind of claim passes when it should and fails loudly when it should not."""

import math

import pytest
import sympy as sp
import torch

from mltheory import claims
from mltheory.claims import (
    ClaimFailed,
    Fact,
    Identity,
    Inequality,
    Measurement,
    Numeric,
    get,
    register,
    show,
)

x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", real=True)


# --------------------------------------------------------------------------- identities

def test_identity_proves_a_true_identity():
    result = Identity(label="eq-t-log", lhs=sp.log(x**3), rhs=3 * sp.log(x), source="test", method="expand_log").check()
    assert result.passed and result.kind == "identity" and "expand_log" in result.method


def test_identity_fails_with_the_label_in_the_message():
    with pytest.raises(ClaimFailed, match=r"^claim eq-t-wrong failed \(identity\)"):
        Identity(label="eq-t-wrong", lhs=sp.sin(y) ** 2, rhs=1 - sp.cos(y) ** 2 + sp.Rational(1, 10**9),
                 source="test", method="trigsimp").check()


def test_identity_chain_checks_every_link():
    good = Identity(label="eq-t-chain", lhs=(y + 1) ** 2, steps=[y**2 + 2 * y + 1], rhs=y * (y + 2) + 1,
                    source="test", method="expand")
    assert good.check().passed
    bad = Identity(label="eq-t-chain-bad", lhs=(y + 1) ** 2, steps=[y**2 + y + 1], rhs=(y + 1) ** 2,
                   source="test", method="expand")
    result = bad.verify()
    assert not result.passed and "link 1" in result.detail


def test_identity_shows_its_steps_only_when_asked():
    chain = dict(label="eq-t-shown", lhs=(y + 1) ** 2, steps=[y**2 + 2 * y + 1], rhs=y * (y + 2) + 1,
                 source="test", method="expand")
    assert Identity(**chain).latex().count("=") == 1
    shown = Identity(**chain, show_steps=True)
    assert shown.latex().count("=") == 2 and "1 + y^{2} + 2 y" in shown.latex() and shown.check().passed


def test_identity_on_matrices():
    a = sp.Matrix([[y, 1], [0, y]])
    assert Identity(label="eq-t-matrix", lhs=a * a, rhs=sp.Matrix([[y**2, 2 * y], [0, y**2]]), source="test").check()
    assert not Identity(label="eq-t-matrix-bad", lhs=a * a, rhs=a, source="test").verify().passed


def test_identity_side_conditions_and_substitutions():
    i, k = sp.symbols("i k", integer=True, positive=True)
    n = sp.IndexedBase("n", positive=True)
    total = sp.Symbol("N", positive=True)
    with_condition = Identity(label="eq-t-given", lhs=sp.Sum(n[i] / total, (i, 1, k)), rhs=sp.Integer(1),
                              method="sums", given=((sp.Sum(n[i], (i, 1, k)), total),), source="test")
    assert with_condition.check().passed
    without = Identity(label="eq-t-not-given", lhs=sp.Sum(n[i] / total, (i, 1, k)), rhs=sp.Integer(1),
                       method="sums", source="test")
    assert not without.verify().passed
    p, t = sp.symbols("p t", positive=True)
    # sqrt(p^2) = p needs p >= 0 only; log(1 - p) + log(1/(1 - p)) = 0 needs p < 1.
    assert Identity(label="eq-t-subs", lhs=sp.log(1 - p) + sp.log(1 / (1 - p)), rhs=sp.Integer(0),
                    method="expand_log", substitutions=((p, 1 / (1 + t)),), source="test").check()


def test_identity_with_an_infinite_side():
    divergent = sp.Integral(1 / x**2, (x, 0, 1))
    assert Identity(label="eq-t-infinite", lhs=divergent, rhs=sp.oo, method="doit", source="test").check()
    assert Identity(label="eq-t-infinite-chain", lhs=-divergent, steps=[-sp.oo], rhs=-sp.oo, method="doit",
                    source="test").check()
    finite = Identity(label="eq-t-not-infinite", lhs=sp.Integral(1 / x**2, (x, 1, 2)), rhs=sp.oo, method="doit",
                      source="test").verify()
    assert not finite.passed and "simplifies to 1/2, not oo" in finite.detail
    wrong_sign = Identity(label="eq-t-wrong-infinity", lhs=divergent, rhs=-sp.oo, method="doit", source="test")
    assert not wrong_sign.verify().passed


def test_identity_rejects_unknown_method():
    with pytest.raises(ValueError, match="method must be one of"):
        Identity(label="eq-t-method", lhs=x, rhs=x, method="magic", source="test")


def test_sums_simplifier_peels_leading_terms():
    i, n = sp.symbols("i n", integer=True, positive=True)
    p = sp.IndexedBase("p", positive=True)
    claim = Identity(label="eq-t-peel", lhs=sp.Sum(p[i], (i, 1, n)), rhs=p[1] + p[2] + sp.Sum(p[i], (i, 3, n)),
                     method="sums", source="test")
    assert claim.check().passed
    wrong = Identity(label="eq-t-peel-bad", lhs=sp.Sum(p[i], (i, 1, n)), rhs=p[1] + sp.Sum(p[i], (i, 3, n)),
                     method="sums", source="test")
    assert not wrong.verify().passed


# --------------------------------------------------------------------------- inequalities

def test_inequality_default_fact_uses_assumptions():
    assert Inequality(label="eq-t-amgm", lhs=2 * x, rhs=x**2 + 1, relation="<=", source="test",
                      facts=(Fact((x - 1) ** 2, "nonnegative"),)).check().passed
    assert Inequality(label="eq-t-pos", lhs=sp.Integer(0), rhs=x**2, relation="<", source="test").check().passed


def test_inequality_fails_when_sympy_cannot_establish_a_fact():
    with pytest.raises(ClaimFailed, match=r"^claim eq-t-false failed \(inequality\).*could not establish"):
        Inequality(label="eq-t-false", lhs=y, rhs=y**2, relation="<=", source="test").check()


def test_inequality_rejects_equality_relation():
    with pytest.raises(ValueError, match="Identity"):
        Inequality(label="eq-t-eq", lhs=x, rhs=x, relation="=", source="test")


@pytest.mark.parametrize("holds,expr,expected", [
    ("zero", sp.sin(y) ** 2 + sp.cos(y) ** 2 - 1, True),
    ("positive", x + 1, True),
    ("positive", y, False),
    ("nonnegative", y**2, True),
    ("negative", -x, True),
    ("nonpositive", -(y**2), True),
    ("true", sp.Eq(sp.diff(x**2, x), 2 * x), True),
    ("true", sp.Eq(x, 2 * x), False),
])
def test_fact_semantics(holds, expr, expected):
    assert Fact(expr, holds).established() is expected


# --------------------------------------------------------------------------- measurements and numeric claims

def test_measurement_relations():
    assert Measurement("m", 1.0, 1.05, 0.1, "b").passed
    assert not Measurement("m", 1.0, 1.2, 0.1, "b").passed
    assert Measurement("m", 1.05, 1.0, 0.1, "b", "<=").passed
    assert not Measurement("m", 1.2, 1.0, 0.1, "b", "<=").passed
    assert Measurement("m", 0.95, 1.0, 0.1, "b", ">=").passed
    assert not Measurement("m", 0.8, 1.0, 0.1, "b", ">=").passed
    assert not Measurement("m", math.nan, 1.0, 1e9, "b").passed


def test_measurement_rejects_bad_tolerance_and_relation():
    with pytest.raises(ValueError, match="tolerance"):
        Measurement("m", 1.0, 1.0, -1.0, "b")
    with pytest.raises(ValueError, match="relation"):
        Measurement("m", 1.0, 1.0, 0.0, "b", "~")


def test_monte_carlo_tolerance_is_n_sigma_standard_errors():
    samples = torch.tensor([0.0, 1.0] * 50, dtype=torch.float64)
    m = Measurement.monte_carlo("coin", samples, 0.5, n_sigma=5)
    standard_error = samples.std().item() / math.sqrt(100)
    assert m.tolerance == pytest.approx(5 * standard_error)
    assert "5 standard errors" in m.basis and "100 seeded samples" in m.basis
    assert not Measurement.monte_carlo("coin", samples, 0.5 + 6 * standard_error).passed


def test_monte_carlo_catches_a_biased_estimator():
    generator = torch.Generator().manual_seed(0)
    samples = torch.randn(100_000, generator=generator, dtype=torch.float64)
    assert Measurement.monte_carlo("mean", samples, 0.0).passed
    assert not Measurement.monte_carlo("mean", samples, 0.03).passed  # about 9.5 standard errors away


def test_numeric_claim_uses_page_and_test_sizes():
    seen = []

    def experiment(n):
        seen.append(n)
        return Measurement.exact("n", n, n)

    claim = Numeric(label="eq-t-sizes", statement="n = n", experiment=experiment, page={"n": 1}, test={"n": 2},
                    source="test")
    claim.check("page")
    claim.check("test")
    assert seen == [1, 2]
    with pytest.raises(ValueError, match="size"):
        claim.verify("huge")


def test_numeric_claim_fails_if_any_measurement_fails():
    claim = Numeric(label="eq-t-some-fail", statement="s", source="test",
                    experiment=lambda: [Measurement.exact("a", 1, 1), Measurement.exact("b", 1, 2)])
    with pytest.raises(ClaimFailed, match=r"^claim eq-t-some-fail failed \(numeric\): 1 of 2 measurements failed"):
        claim.check()


# --------------------------------------------------------------------------- registry and pages

def test_labels_are_validated():
    for bad in ["grouping", "eq-", "eq-Upper", "eq-two--dashes", "def-x"]:
        with pytest.raises(ValueError, match="label"):
            Identity(label=bad, lhs=x, rhs=x, source="test")
    with pytest.raises(ValueError, match="source"):
        Identity(label="eq-t-nosource", lhs=x, rhs=x, source="")


def test_registry_rejects_duplicates(isolated_registry):
    register(Identity(label="eq-t-dup", lhs=x, rhs=x, source="test"))
    with pytest.raises(ValueError, match="already registered"):
        register(Identity(label="eq-t-dup", lhs=x, rhs=x, source="test"))


def test_get_suggests_close_labels():
    with pytest.raises(ValueError, match="did you mean eq-grouping-example"):
        get("eq-grouping-exampel")


def test_show_raises_for_a_failing_claim_and_names_it(isolated_registry):
    register(Identity(label="eq-t-broken", lhs=x + 1, rhs=x, source="test"))
    with pytest.raises(ClaimFailed, match="eq-t-broken"):
        show("eq-t-broken")


def test_show_glues_statement_and_record_and_displays_the_check(isolated_registry, monkeypatch):
    import json

    import IPython.display
    import myst_nb

    glued, displayed = {}, []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: glued.update({name: value}))
    monkeypatch.setattr(IPython.display, "display", lambda obj: displayed.append(obj))
    register(Identity(label="eq-t-shown", lhs=sp.log(x**2), rhs=2 * sp.log(x), method="expand_log", source="test"))
    show("eq-t-shown")
    assert glued["eq-t-shown"].data == r"\log{\left(x^{2} \right)} = 2 \log{\left(x \right)}"
    record = json.loads(repr(glued["eq-t-shown:verification"]))
    assert record["label"] == "eq-t-shown" and record["passed"] is True and record["kind"] == "identity"
    (badge,) = displayed
    assert badge.data.startswith("✓ **Checked**, identity") and "`eq-t-shown`" in badge.data
