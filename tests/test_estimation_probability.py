"""Joint, marginal and conditional tables (mltheory.estimation.joint) and the claims of the notation page."""

import dataclasses
import re

import pytest
import sympy as sp
import torch

from mltheory.claims import get
from mltheory.estimation.joint import (
    bayes_posterior,
    conditional_x_given_y,
    conditional_y_given_x,
    expectation,
    marginals,
)

LABELS = ["eq-total-probability", "eq-product-rule", "eq-bayes", "eq-linearity-of-expectation"]


def _random_table(m=3, n=4, seed=0):
    table = torch.rand(m, n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return table / table.sum()


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("mutate", [lambda side: 2 * side, lambda side: side + sp.Rational(1, 7)],
                         ids=["scaled", "shifted"])
def test_probability_claims_reject_their_mutants(label, mutate):
    claim = get(label)
    assert claim.verify().passed
    mutant = dataclasses.replace(claim, label=label + "-mutant", rhs=mutate(claim.rhs))
    assert not mutant.verify().passed


def test_the_rules_hold_on_a_random_table():
    table = _random_table()
    p_x, p_y = marginals(table)
    x_given_y, y_given_x = conditional_x_given_y(table), conditional_y_given_x(table)
    torch.testing.assert_close(x_given_y @ p_y, p_x)                        # total probability
    torch.testing.assert_close(x_given_y * p_y, y_given_x * p_x[:, None])   # product rule
    torch.testing.assert_close(bayes_posterior(p_y, x_given_y), y_given_x)  # Bayes
    x, y = torch.meshgrid(torch.arange(3.0, dtype=torch.float64), torch.arange(4.0, dtype=torch.float64),
                          indexing="ij")
    torch.testing.assert_close(expectation(table, x + y), expectation(table, x) + expectation(table, y))
    # dependent: the mean of the product is not the product of the means; independent: it is
    assert abs(expectation(table, x * y) - expectation(table, x) * expectation(table, y)) > 1e-3
    independent = torch.outer(p_x, p_y)
    torch.testing.assert_close(expectation(independent, x * y),
                               expectation(independent, x) * expectation(independent, y))


def test_bayes_posterior_of_a_screening_test():
    posterior = bayes_posterior([0.99, 0.01], [[0.95, 0.1], [0.05, 0.9]])
    assert posterior[1, 1].item() == pytest.approx(0.009 / (0.009 + 0.0495), rel=1e-12)
    torch.testing.assert_close(posterior.sum(dim=1), torch.ones(2, dtype=torch.float64))


@pytest.mark.parametrize("call, message", [
    (lambda: marginals([[0.5, 0.6]]), "marginals: p_xy must sum to 1"),
    (lambda: marginals([0.5, 0.5]), "marginals: p_xy must have at least 2 dimensions"),
    (lambda: conditional_y_given_x([[0.0, 0.0], [0.5, 0.5]]), "conditional_y_given_x: every x_i must have positive probability"),
    (lambda: bayes_posterior([0.5, 0.5], [[0.5, 0.5], [0.6, 0.5]]), "bayes_posterior: likelihood p(x_i | y_j) must sum to 1 over i in every column (got 1.1 in column 0)"),
    (lambda: bayes_posterior([0.5, 0.5], [[1.0], [0.0]]), "bayes_posterior: likelihood"),
    (lambda: expectation([[0.5, 0.5]], [[1.0, 2.0, 3.0]]), "expectation: values"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        call()
