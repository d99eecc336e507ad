"""The verification spine itself: each kind of claim passes when it should and fails loudly when it should not."""

import io
import math
import time

import pytest
import sympy as sp
import torch

from mltheory.claims import (
    Alternative,
    Assume,
    Case,
    ClaimFailed,
    Domain,
    Fact,
    Identity,
    Inequality,
    Link,
    Measurement,
    Numeric,
    Reduction,
    Term,
    Words,
    audit,
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
                    method="expand_log", substitutions=((p, 1 / (1 + t)),),
                    condition=Domain(p, sp.Interval.open(0, 1)), source="test").check()


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


def test_a_method_docstring_with_a_maths_role_reads_as_inline_maths():
    def merge(expr):
        r"""Write :math:`\sum_k a_k` as one sum, then simplify."""
        return sp.simplify(expr)

    claim = Identity(label="eq-t-role", lhs=x, rhs=x, method=merge, source="test")
    assert claim.verify().method.startswith(r"write $\sum_k a_k$ as one sum, then simplify")


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

def test_inequality_decided_directly_from_assumptions():
    assert Inequality(label="eq-t-pos", lhs=sp.Integer(0), rhs=x**2, relation="<", source="test").check().passed
    with pytest.raises(ClaimFailed, match=r"^claim eq-t-false failed \(inequality\).*cannot decide"):
        Inequality(label="eq-t-false", lhs=y, rhs=y**2, relation="<=", source="test").check()


def test_inequality_certificate_must_sum_to_the_gap():
    amgm = dict(label="eq-t-amgm", lhs=2 * y, rhs=y**2 + 1, source="test", method="expand")
    assert Inequality(**amgm, certificate=[Term((y - 1) ** 2)]).check().passed
    wrong = Inequality(**amgm, certificate=[Term((y - 2) ** 2)]).verify()
    assert not wrong.passed and "not the certificate's sum" in wrong.detail
    negative_weight = Inequality(**amgm, certificate=[Term((y - 1) ** 2 / -y, weight=-y)]).verify()
    assert not negative_weight.passed and "weight" in negative_weight.detail


def test_inequality_rejects_a_term_unrelated_to_its_sides():
    s = sp.Symbol("s", real=True)
    with pytest.raises(ValueError, match="shares no symbol with the displayed sides"):
        Inequality(label="eq-t-unrelated", lhs=2 * y, rhs=y**2 + 1, source="test", certificate=[Term(s**2)])


def test_inequality_term_by_reference_reuses_a_registered_claim(isolated_registry):
    t = sp.Symbol("t", positive=True)
    log_x = sp.Symbol("x", positive=True)
    term = Term(t**2 - 1 - sp.log(t**2), by="eq-log-inequality", at={log_x: t**2})
    assert Inequality(label="eq-t-by", lhs=sp.log(t**2), rhs=t**2 - 1, source="test", method="expand_log",
                      certificate=[term]).check().passed
    not_an_instance = Term(t**2 - sp.log(t**2), by="eq-log-inequality", at={log_x: t**2})
    assert not Inequality(label="eq-t-by-bad", lhs=sp.log(t**2) - 1, rhs=t**2 - 1, source="test",
                          method="expand_log", certificate=[not_an_instance]).verify().passed
    outside = Term(y - 1 - sp.log(y), by="eq-log-inequality", at={log_x: y})
    result = Inequality(label="eq-t-by-domain", lhs=sp.log(y), rhs=y - 1, source="test",
                        certificate=[outside]).verify()
    assert not result.passed and "not known to satisfy" in result.detail


def test_inequality_chain_ends_at_the_displayed_sides():
    chain = dict(label="eq-t-chain-ineq", lhs=x**2, steps=[x**2 + 1], rhs=(x + 1) ** 2, relation="<",
                 source="test", links=[Link("<"), Link("<=", method="expand")], show_steps=True)
    claim = Inequality(**chain)
    assert claim.check().passed and claim.latex().count("<") == 1 and r"\le" in claim.latex()
    flipped = claim.mutated(relation=">")
    assert not flipped.verify().passed
    with pytest.raises(ValueError, match="strict inequality needs a strict link"):
        Inequality(**{**chain, "links": [Link("<="), Link("=")]})


def test_inequality_by_cases_must_partition_the_range():
    z = sp.Symbol("z", real=True)
    a = sp.Symbol("a", positive=True)
    pieces = [Case(z, sp.Interval.open(0, sp.oo), a, [Term(a**2)]), Case(z, sp.FiniteSet(0), sp.Integer(0)),
              Case(z, sp.Interval.open(-sp.oo, 0), -a, [Term(a**2)])]
    assert Inequality(label="eq-t-cases", lhs=sp.Integer(0), rhs=z**2, relation="<=", source="test",
                      cases=pieces).check().passed
    gap = Inequality(label="eq-t-cases-gap", lhs=sp.Integer(0), rhs=z**2, source="test", cases=pieces[:2]).verify()
    assert not gap.passed and "reach both ends" in gap.detail


def test_log_inequality_is_proved_by_convexity():
    result = get("eq-log-inequality").check()
    assert "convex" in result.detail and result.passed


def test_inequality_rejects_equality_relation():
    with pytest.raises(ValueError, match="Identity"):
        Inequality(label="eq-t-eq", lhs=x, rhs=x, relation="=", source="test")


# --------------------------------------------------------------------------- conditions

@pytest.mark.parametrize("words", ["with equality at $x = 1$", r"for $x \le 1$", "so that a > b", "x ≠ 0",
                                   r"$N \operatorname{Var} \to 1$", r"$a \approx b$"])
def test_condition_words_reject_relation_signs(words):
    with pytest.raises(ValueError, match="may not contain a relation sign"):
        Identity(label="eq-t-words", lhs=x, rhs=x, source="test", condition=Words(words))


@pytest.mark.parametrize("words", [r"\text{whether or not } X", r"for every $Q$ in \mathcal{O}"])
def test_condition_words_reject_tex_commands_outside_maths(words):
    with pytest.raises(ValueError, match="outside \\$…\\$ and would show as literal text"):
        Words(words)
    assert Words(r"for every orthogonal $Q \in \mathcal{O}(n)$").latex() == (
        r"\text{for every orthogonal }Q \in \mathcal{O}(n)")


def test_conditions_render_and_tie_to_the_proof():
    p, t = sp.Symbol("p", positive=True), sp.Symbol("t", positive=True)
    claim = Identity(label="eq-t-domain", lhs=sp.log(1 - p) + sp.log(1 / (1 - p)), rhs=sp.Integer(0),
                     method="expand_log", substitutions=((p, 1 / (1 + t)),),
                     condition=Domain(p, sp.Interval.open(0, 1)), source="test")
    assert claim.check().passed and claim.latex().endswith(r"\qquad \text{for } 0 < p < 1")
    with pytest.raises(ValueError, match="covers Interval.open.0, 1., not the stated"):
        Identity(label="eq-t-domain-wrong", lhs=p, rhs=p, substitutions=((p, 1 / (1 + t)),),
                 condition=Domain(p, sp.Interval.open(0, 2)), source="test")
    with pytest.raises(ValueError, match="no Domain of p states the restriction"):
        Identity(label="eq-t-domain-missing", lhs=p, rhs=p, substitutions=((p, 1 / (1 + t)),), source="test")
    with pytest.raises(ValueError, match="not inside"):
        Identity(label="eq-t-domain-outside", lhs=p, rhs=p, condition=Domain(p, sp.Interval.open(-1, 1)),
                 source="test")


def test_side_conditions_are_rendered():
    i, k = sp.symbols("i k", integer=True, positive=True)
    n = sp.IndexedBase("n", positive=True)
    total = sp.Symbol("N", positive=True)
    claim = Identity(label="eq-t-given-shown", lhs=sp.Sum(n[i] / total, (i, 1, k)), rhs=sp.Integer(1),
                     method="sums", given=((sp.Sum(n[i], (i, 1, k)), total),), source="test")
    assert r"\sum_{i=1}^{k} {n}_{i} = N" in claim.latex()
    assert Assume(sp.Ne(x, 1)).latex() == r"x \neq 1"


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

    claim = Numeric(label="eq-t-sizes", experiment=experiment, page={"n": 1}, test={"n": 2}, source="test",
                    alternative=Alternative("n + 1", expected={"n": 3}))
    claim.check("page")
    claim.check("test")
    assert seen == [1, 2]
    with pytest.raises(ValueError, match="size"):
        claim.verify("huge")


def test_numeric_statement_is_generated_from_the_measurements():
    claim = Numeric(label="eq-t-generated", source="test",
                    experiment=lambda: Measurement.exact("sum", 4, 4, quantity="2 + 2", expected_latex="4"),
                    alternative=Alternative("five", expected={"sum": 5}))
    result = claim.check()
    assert result.statement == r"2 + 2 \approx 4" and "$" not in result.statement
    with pytest.raises(ValueError, match="without \\$ delimiters"):
        Measurement.exact("m", 1, 1, quantity="$x$")


def test_numeric_claim_must_reject_its_alternative():
    def experiment(trained=True):
        return Measurement.exact("accuracy", 1.0 if trained else 0.5, 1.0, tolerance=0.1)

    good = Numeric(label="eq-t-alt", source="test", experiment=experiment,
                   alternative=Alternative("an untrained model", kwargs={"trained": False}))
    assert audit.numeric_rejects(good) == (True, "rejects: an untrained model")
    blind = Numeric(label="eq-t-alt-blind", source="test", experiment=experiment,
                    alternative=Alternative("a value inside the tolerance", expected={"accuracy": 0.95}))
    assert audit.numeric_rejects(blind)[0] is False


def test_registration_rejects_a_numeric_claim_without_alternative():
    with pytest.raises(ValueError, match="name a wrong alternative"):
        register(Numeric(label="eq-t-no-alt", source="test", experiment=lambda: Measurement.exact("a", 1, 1)))


def test_numeric_claim_fails_if_any_measurement_fails():
    claim = Numeric(label="eq-t-some-fail", source="test",
                    experiment=lambda: [Measurement.exact("a", 1, 1), Measurement.exact("b", 1, 2)],
                    alternative=Alternative("a is 2", expected={"a": 2}))
    with pytest.raises(ClaimFailed, match=r"^claim eq-t-some-fail failed \(numeric\): 1 of 2 measurements failed"):
        claim.check()


# --------------------------------------------------------------------------- mutation audit

def test_mutants_of_a_true_identity_are_all_rejected():
    claim = Identity(label="eq-t-mutants", lhs=sp.log(x**2), rhs=2 * sp.log(x), method="expand_log", source="test")
    total, survived = audit.survivors(claim)
    assert total == 3 and survived == []


def test_a_check_that_cannot_fail_is_reported():
    blind = Identity(label="eq-t-blind", lhs=x, rhs=x + 1, source="test",
                     method=Reduction("a check that always answers zero", lambda e: sp.Integer(0)))
    assert blind.check().passed
    total, survived = audit.survivors(blind)  # (its reduction calls every side zero, so no side is scaled)
    assert total == 2 and len(survived) == 2
    out = io.StringIO()
    assert audit.audit({"eq-t-blind": blind}, out=out) is False
    assert "1 claims: 1 identity" in out.getvalue() and "eq-t-blind (identity): survived" in out.getvalue()


def test_a_mutant_without_a_verdict_in_time_is_undecided_and_fails_the_audit(monkeypatch):
    def slow_unless_zero(expr):
        if sp.simplify(expr) != 0:
            time.sleep(30)  # stopped by the audit's time limit
        return sp.simplify(expr)

    claim = Identity(label="eq-t-slow", lhs=x, rhs=x, source="test",
                     method=Reduction("a reduction that hangs on a nonzero difference", slow_unless_zero))
    monkeypatch.setattr(audit, "MUTANT_SECONDS", 0.2)
    monkeypatch.setattr(audit, "ZERO_TEST_SECONDS", 0.2)
    total, survived = audit.survivors(claim, 0.2)
    assert survived == [] and len(audit.undecided("eq-t-slow")) == total == 3
    assert audit.symbolic_mutants_summary(claim).startswith("0 of 3 mutants rejected (3 undecided")
    out = io.StringIO()
    assert audit.audit({"eq-t-slow": claim}, out=out) is False
    assert "3 mutants undecided" in out.getvalue() and "every mutant rejected" not in out.getvalue()


def test_inequality_mutants_include_the_flipped_relation():
    t = sp.Symbol("t", positive=True)
    descriptions = [m.description for m in audit.mutants(Inequality(label="eq-t-slack", lhs=t, rhs=t + 1,
                                                                      source="test"))]
    assert descriptions[-1] == "the relation flipped to >=" and len(descriptions) == 4
    assert audit.survivors(Inequality(label="eq-t-slack", lhs=t, rhs=t + 1, source="test")) == (4, [])


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
    assert record["mutants"] == "" and record["statement"] == glued["eq-t-shown"].data  # mutants: make audit
    assert "<lambda>" not in record["method"] and record["method"].startswith("sympy expand_log")
    (badge,) = displayed
    assert badge.data.startswith("✓ **Checked**, identity") and "`eq-t-shown`" in badge.data


def test_the_audit_record_counts_only_for_the_package_it_audited(tmp_path):
    """The ledger shows the audit's verdicts only for the version of the package that was audited."""
    import json

    from mltheory.page_dependencies import package_hash

    record = tmp_path / "claims-audit.json"
    assert audit.read_record(record) == {}
    verdicts = {"eq-t": "3 of 3 mutants rejected"}
    record.write_text(json.dumps({"package_hash": package_hash(), "verdicts": verdicts}))
    assert audit.read_record(record) == verdicts
    record.write_text(json.dumps({"package_hash": "0" * 64, "verdicts": verdicts}))
    assert audit.read_record(record) == {}


def test_a_complete_audit_writes_its_record(tmp_path, isolated_registry):
    x = sp.Symbol("x", positive=True)
    claim = register(Identity(label="eq-t-recorded", lhs=sp.log(x**2), rhs=2 * sp.log(x), method="expand_log",
                              source="test"))
    record = tmp_path / "audit.json"
    assert audit.audit({claim.label: claim}, out=io.StringIO(), record=record)
    assert audit.read_record(record)[claim.label].endswith("mutants rejected")
