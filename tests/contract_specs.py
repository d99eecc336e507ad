"""What each public function of :mod:`mltheory` accepts: the table behind ``tests/test_contract.py``.

Every parameter of every public function gets a *kind* (``"prob"``, ``"positive"``, ``"seed"``, ...),
found from its name by :data:`BY_NAME` unless the function's :class:`Spec` says otherwise. A kind
says which inputs are ruled out (:func:`bad_values`) and, for some kinds, how to draw valid ones
with hypothesis. A spec also gives one valid call and the shape and dtype that the call documents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import sympy as sp
import torch
from torch import nn

NAN, INF = float("nan"), float("inf")


@dataclass
class Spec:
    """A valid call of one public function and the kinds of its parameters.

    ``valid`` holds every argument that the call passes (others keep their defaults, which are
    tried too when they have a kind); ``kinds`` overrides :data:`BY_NAME`; ``extra`` lists
    further ruled-out inputs as ``(parameter, value, what)``, for example mismatched shapes;
    ``shape`` and ``dtype`` describe the first tensor that the call returns; ``caller`` is the
    name that error messages must carry (the function itself, except for the helpers of
    :mod:`mltheory.validation`, which report for the function that called them).
    """

    valid: dict
    kinds: dict = field(default_factory=dict)
    extra: list = field(default_factory=list)
    shape: tuple | None = None
    dtype: torch.dtype | None = torch.float64
    caller: str | None = None


#: The kind of a parameter from its name, unless a spec says otherwise.
BY_NAME = {
    "seed": "seed", "dtype": "float_dtype", "base": "log_base", "dim": "dim",
    "p": "prob", "q": "prob", "p_xy": "prob", "p_xyz": "prob",
    "n_bins": "count1", "n_iter": "count1", "max_iter": "count1", "iterations": "count1", "steps": "count1",
    "epochs": "count1", "hidden": "count1", "copies": "count1", "n_samples": "count2", "trials": "count2",
    "terms": "count1", "n_steps": "count1", "newton_steps": "count1", "batch_size": "count1", "count": "count1",
    "tol": "positive", "atol": "nonneg", "rtol": "positive_or_none", "scale": "positive", "sd": "positive",
    "temperature": "positive", "lr": "positive", "noise_sd": "nonneg", "pixel_noise": "nonneg",
    "weight_decay": "nonneg", "dt": "positive", "beta": "nonneg_array", "delta": "positive",
    "log_prob": "callable", "features": "callable", "f": "callable", "f_hat": "callable", "estimator": "callable",
    "sampler": "callable", "operator": "callable", "loss": "callable", "evaluate": "callable_or_none",
    "model": "model", "mdp": "mdp", "name": "text", "func": "text", "train": "flag", "hard": "flag", "relative": "flag",
    "positive_part": "flag", "reflections": "flag", "d": "degree", "x": "array", "y": "array", "X": "array",
    "residual": "array", "logits": "array", "points": "array", "theta": "array", "target": "array",
}


def _array(valid, entry: float) -> np.ndarray:
    """``valid`` as a float array with its first entry replaced."""
    bad = np.array(valid, dtype=np.float64, copy=True)
    bad.reshape(-1)[0] = entry
    return bad


def _shifted(valid, delta: float) -> np.ndarray:
    bad = np.array(valid, dtype=np.float64, copy=True)
    bad.reshape(-1)[0] += delta
    return bad


def _negative_prob(valid) -> np.ndarray:
    """A vector that still sums to 1 but has a negative entry."""
    bad = np.array(valid, dtype=np.float64, copy=True)
    flat = bad.reshape(-1)
    width = bad.shape[-1] if bad.ndim else 1
    shift = flat[0] + 0.1
    flat[0] -= shift
    flat[1 % width] += shift
    return bad


_COMMON = [("abc", "a string"), (None, "None")]


_NOT_NUMERIC = {
    "log_base": [(1.0, "base 1"), (-2.0, "a negative base"), (NAN, "NaN"), ("2", "a string")],
    "seed": [(-1, "-1"), (2**64, "2**64"), (1.5, "1.5"), ("0", "a string"), (None, "None")],
    "float_dtype": [(torch.int64, "torch.int64"), (torch.bool, "torch.bool"), ("float32", "a string")],
    "callable": [(None, "None"), ("f", "a string"), (3, "a number")],
    "callable_or_none": [("f", "a string"), (3, "a number")],
    "model": [(None, "None"), ("net", "a string"), (3, "a number")],
    "mdp": [(None, "None"), ("cliff", "a string"), (3, "a number")],
    "flag": [("yes", "a string"), (None, "None"), (2, "the number 2")],
    "dim": [(7, "an out-of-range dim"), (1.5, "1.5"), ("0", "a string"), (None, "None")],
    "text": [],
    "anything": [],
    "degree": [(-1, "-1"), (1.5, "1.5"), ("2", "a string"), (None, "None")],
    "dim_or_none": [(1.5, "1.5"), ("0", "a string")],
    "sample_shape": [((-1,), "a negative size"), ((2.5,), "a non-integer size"), ("3", "a string"),
                     (None, "None")],
    "device": [(3.5, "a number"), ("nowhere", "an unknown device")],
    "word": [(-1, "-1"), (2**70, "more than the word holds"), (1.5, "1.5"), ("3", "a string"), (None, "None")],
    "polynomial": [(None, "None"), ("x + ", "a malformed string"), (1.5, "a non-polynomial number")],
    "distribution": [(None, "None"), ("normal", "a string"), (3, "a number")],
    "sizes": [([3], "one size"), ([3, 0, 2], "a zero size"), ([3, 2.5], "a non-integer size"), ("abc", "a string"),
              (None, "None")],
    "sympy_unit": [("second", "a string"), (3, "a number")],
    "ddof": [(1.5, "1.5"), ("1", "a string"), (None, "None"), (4, "ddof >= n")],
    "order4": [(0, "0"), (5, "5"), (1.5, "1.5"), ("2", "a string"), (None, "None")],
    "any_tensor": _COMMON,
    "dtype": [("float32", "a string"), (None, "None")],
    "loose_array": [(np.array(["a"]), "an array of strings"), ([1.0, [2.0]], "a ragged list"),
                    ([1 + 1j], "complex numbers")] + _COMMON,
    "bound": [(NAN, "NaN"), ("0", "a string"), (None, "None")],
    "real_number": [("2", "a string"), (None, "None"), (1 + 1j, "a complex number"), (True, "True")],
    "integer_or_none": [(1.5, "1.5"), ("1", "a string")],
    "counts": [([], "no sizes"), ([2, 0], "a zero size"), ([2, 2.5], "a non-integer size"), ("abc", "a string"),
               (None, "None"), (3, "a number")],
    "label": [("", "an empty string"), (None, "None"), (3, "a number")],
    "expression": [(None, "None"), ("x + y", "a string"), ([1, 2], "a list"), (np.ones(2), "an array")],
    "angles": [(None, "None"), ("abc", "a string"), (3, "a number"), ([], "no angles"), (["x"], "a string angle"),
               ([sp.nan], "a NaN angle"), ([sp.oo], "an infinite angle"), ([sp.I], "a complex angle"),
               ([sp.Symbol("t")], "a symbol"), ([object()], "an object")],
}


def bad_values(kind: str, valid) -> list[tuple[object, str]]:
    """Inputs that ``kind`` rules out, each with a short description, given a valid value."""
    if kind.startswith("count") and kind[5:].isdigit():  # count<k>: an integer >= k
        minimum = int(kind[5:])
        return [(minimum - 1, f"{minimum - 1}"), (2.5, "2.5"), ("3", "a string"), (None, "None"), (True, "True")]
    if kind.startswith("choice:"):
        return [("nonsense", "an unknown option"), (None, "None"), (3, "a number")]
    if kind in _NOT_NUMERIC:
        return _NOT_NUMERIC[kind]
    numeric_array = [(_array(valid, NAN), "a NaN entry"), (_array(valid, INF), "an infinite entry"),
                     (np.array([]), "an empty array")] + _COMMON
    scalar = [(NAN, "NaN"), (INF, "infinity"), ([1.0, 2.0], "a list for a scalar")] + _COMMON
    table = {
        "array": numeric_array,
        "prob": numeric_array + [(_negative_prob(valid), "a negative entry"), (_shifted(valid, 0.1), "sum 1.1")],
        "positive_array": numeric_array + [(_array(valid, -1.0), "a negative entry"), (_array(valid, 0.0), "a zero")],
        "nonneg_array": numeric_array + [(_array(valid, -1.0), "a negative entry")],
        "unit_array": numeric_array + [(_array(valid, -0.5), "-0.5"), (_array(valid, 1.5), "1.5")],
        "real": scalar,
        "real_or_array": [(NAN, "NaN"), (INF, "infinity"), (np.array([]), "an empty array")] + _COMMON,
        "unit": scalar + [(-0.5, "-0.5"), (1.5, "1.5")],
        "positive": scalar + [(0.0, "zero"), (-1.0, "a negative number")],
        # positive, but not every positive value is valid (a cutoff must lie where a function has decayed):
        # not drawn by hypothesis
        "positive_bounded": scalar + [(0.0, "zero"), (-1.0, "a negative number")],
        "positive_or_none": [(NAN, "NaN"), (INF, "infinity"), (-1.0, "a negative number"), ("abc", "a string")],
        "nonneg": scalar + [(-1.0, "a negative number")],
        "unit_open": scalar + [(0.0, "0"), (1.0, "1"), (-0.5, "-0.5")],
        "unit_half_open": scalar + [(1.0, "1"), (-0.5, "-0.5")],
        "labels": [(_array(valid, 0.5), "a non-integer label"), (_array(valid, -1), "a negative label"),
                   (_array(valid, 99), "an out-of-range label"), (np.array([]), "no labels")] + _COMMON,
        "count_array": numeric_array + [(_array(valid, -1.0), "a negative count"), (_array(valid, 1.5), "1.5")],
        "bits": [(_array(valid, 2), "a 2"), (_array(valid, 0.5), "0.5"), (np.array([]), "no bits")] + _COMMON,
        "perplexity": scalar + [(1.0, "1"), (1e6, "more than n - 1")],
        "affinities": numeric_array + [(_shifted(valid, 0.1), "entries summing to 1.1"),
                                       (_negative_prob(valid), "a negative entry")],
        "group": [(_array(valid, NAN), "a NaN entry"), (np.zeros((0, 2, 2)), "no elements"),
                  (np.zeros((2, 3)), "a matrix instead of a stack")] + _COMMON,
        "tensor": [(_array(valid, NAN), "a NaN entry")] + _COMMON,
    }
    return table[kind]


def _double(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def _coin(theta, x):
    return x * torch.log(theta[0]) + (1 - x) * torch.log(1 - theta[0])


def _log_normal(theta, x):
    return -(x - theta[0]) ** 2 / (2 * theta[1]) - 0.5 * torch.log(2 * math.pi * theta[1])


def _square(x):
    return x ** 2


def _linear_features(x):
    return torch.as_tensor(x, dtype=torch.float64)


def _bowl(theta):
    """A convex quadratic bowl with curvatures 1 and 3, for the optimisers' contract."""
    return 0.5 * (theta[0] ** 2 + 3 * theta[1] ** 2)


def _regression_log_prob(theta, x, y):
    return -0.5 * (y - x @ theta) ** 2


def _coin_log_prob(theta, x, y):
    return y * (x @ theta) - torch.nn.functional.softplus(x @ theta)


def _linear_model(theta, x):
    return x @ theta
def _example_squared_error(w, xi, yi):
    """The squared error of one example of a linear model, for the per-example gradients' contract."""
    return 0.5 * (xi @ w - yi) ** 2


def _first_coordinate(points):
    return points[..., 0]


def _naive_variance(x):
    return x.var(dim=-1, unbiased=False)


def _specs() -> dict[str, Spec]:
    from mltheory.estimation.distributions import Exponential, Normal
    from mltheory.symmetry import dihedral_group

    P3, Q3 = [0.2, 0.3, 0.5], [0.4, 0.4, 0.2]
    TABLE = [[0.3, 0.2], [0.1, 0.4]]
    CUBE = (torch.full((2, 2, 2), 0.125, dtype=torch.float64)).tolist()
    probs = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]]
    points = [[1.0, 0.0], [0.3, -0.7], [2.0, 1.0]]
    cloud = torch.randn(12, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64).tolist()
    TOO_FEW_OR_MANY_NEIGHBOURS = [("n_neighbours", 1, "1 neighbour"), ("n_neighbours", 3, "3 neighbours at perplexity 3"),
                                  ("n_neighbours", 12, "12 neighbours among 12 points")]
    conditional = (torch.full((4, 4), 1 / 3, dtype=torch.float64).fill_diagonal_(0)).tolist()
    joint = (torch.full((4, 4), 1 / 12, dtype=torch.float64).fill_diagonal_(0)).tolist()
    embedding = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.5]]
    x_grid = torch.linspace(-8, 8, 401, dtype=torch.float64)
    log_p_grid = -x_grid ** 2 / 2 - 0.5 * math.log(2 * math.pi)
    log_q_grid = -(x_grid - 1) ** 2 / 2 - 0.5 * math.log(2 * math.pi)
    design = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    D3 = dihedral_group(3)
    linear1 = nn.Linear(2, 1, dtype=torch.float64)
    mismatch = lambda name, value: (name, value, "a mismatched shape")  # noqa: E731
    prob_pair = dict(kinds={}, extra=[mismatch("q", [0.5, 0.5])], shape=())
    from mltheory.symmetry.representations import x as x_sym, y as y_sym
    from mltheory.symmetry.spherical import x as x3, y as y3, z as z3
    from mltheory.rl import cliff_walking, random_mdp

    MDP, CLIFF = random_mdp(3, 2, 0.9, seed=0), cliff_walking(2, 3)
    ZEROS, UNIFORM = torch.zeros(3, 2, dtype=torch.float64), torch.full((3, 2), 0.5, dtype=torch.float64)
    ROUTE = torch.zeros(6, 4, dtype=torch.float64)
    ROUTE[3, 0] = ROUTE[0, 1] = ROUTE[1, 1] = ROUTE[2, 2] = 1.0  # up, right, right, down: to the goal
    TD = dict(kinds={"alpha": "unit", "epsilon": "unit", "n_runs": "count1"},
              extra=[("alpha", 0.0, "a zero step size")], shape=(1, 3, 2))

    return {
        # ------------------------------------------------------------------ distances
        "distances.total_variation": Spec(dict(p=P3, q=Q3), **prob_pair),
        "distances.hellinger": Spec(dict(p=P3, q=Q3), **prob_pair),
        "distances.js_divergence": Spec(dict(p=P3, q=Q3), **prob_pair),
        "distances.symmetrized_kl": Spec(dict(p=P3, q=Q3), **prob_pair),
        "distances.f_divergence": Spec(dict(p=P3, q=Q3, f="kl"), kinds={"f": "choice:kl"},
                                       extra=[mismatch("q", [0.5, 0.5])], shape=()),
        "distances.kl_monte_carlo": Spec(dict(log_p=[-1.0, -2.0, -0.5], log_q=[-1.5, -1.0, -0.7]),
                                         kinds={"log_p": "array", "log_q": "array"},
                                         extra=[mismatch("log_q", [-1.0, -2.0])], shape=()),
        "distances.wasserstein_1d": Spec(dict(u_values=[0.0, 1.0, 3.0], v_values=[5.0, 6.0]),
                                         kinds={"u_values": "array", "v_values": "array", "u_weights": "nonneg_array",
                                                "v_weights": "nonneg_array", "p": "positive"},
                                         extra=[("u_weights", [1.0, 2.0], "weights of the wrong length"),
                                                ("u_weights", [0.0, 0.0, 0.0], "weights summing to 0"),
                                                ("p", 0.5, "order below 1")], shape=()),
        "distances.gaussian_wasserstein_2": Spec(dict(mean1=[0.0, 1.0], sd1=[1.0, 2.0], mean2=[3.0, 1.0], sd2=[5.0, 1.0]),
                                                 kinds={"mean1": "array", "mean2": "array", "sd1": "positive_array",
                                                        "sd2": "positive_array"},
                                                 extra=[mismatch("sd2", [1.0, 2.0, 3.0])], shape=(2,)),
        # ------------------------------------------------------------------ estimation
        "estimation.marginals": Spec(dict(p_xy=TABLE), extra=[("p_xy", P3, "a vector")], shape=(2,)),
        "estimation.conditional_x_given_y": Spec(dict(p_xy=TABLE), extra=[("p_xy", P3, "a vector"),
                                                                         ("p_xy", [[0.5, 0.0], [0.5, 0.0]],
                                                                          "a y of probability 0")], shape=(2, 2)),
        "estimation.conditional_y_given_x": Spec(dict(p_xy=TABLE), extra=[("p_xy", P3, "a vector"),
                                                                         ("p_xy", [[0.5, 0.5], [0.0, 0.0]],
                                                                          "an x of probability 0")], shape=(2, 2)),
        "estimation.bayes_posterior": Spec(dict(prior=[0.99, 0.01], likelihood=[[0.95, 0.1], [0.05, 0.9]]),
                                           kinds={"prior": "prob", "likelihood": "nonneg_array"},
                                           extra=[mismatch("likelihood", [[0.5], [0.5]]),
                                                  ("likelihood", [[0.95, 0.1], [0.15, 0.9]], "a column summing to 1.1"),
                                                  ("likelihood", [[1.0, 1.0], [0.0, 0.0]], "an x of probability 0")],
                                           shape=(2, 2)),
        "estimation.expectation": Spec(dict(p_xy=TABLE, values=[[0.0, 1.0], [1.0, 2.0]]), kinds={"values": "array"},
                                       extra=[mismatch("values", [[0.0, 1.0, 2.0]])], shape=()),
        "estimation.cumulants.clt_shape": Spec(dict(distribution=Exponential(1.0), ns=[2, 4], trials=50, seed=0),
                                               kinds={"distribution": "distribution", "ns": "counts",
                                                      "trials": "count2"}, shape=(2,)),
        "estimation.cumulants.density_from_cumulants": Spec(
            dict(kappa=[0.0, 1.0], x=[0.0, 1.0]), kinds={"kappa": "array", "cutoff": "positive_bounded", "nodes": "count2"},
            extra=[("kappa", [0.0, 1.0, 0.0, 1.0], "a positive fourth cumulant: no decay"),
                   ("kappa", [[0.0, 1.0]], "a matrix")], shape=(2,)),
        "estimation.binary_gumbel_softmax_mean": Spec(dict(logit_difference=1.0, beta=[1.0, 10.0]),
                                                      kinds={"logit_difference": "array", "beta": "positive_array"},
                                                      shape=(2,)),
        "estimation.cramer_rao_bound": Spec(dict(fisher=[[0.25, 0.0], [0.0, 0.5]], n=10),
                                            kinds={"fisher": "array", "n": "count1", "jacobian": "array"},
                                            extra=[("fisher", np.zeros((0, 0)), "a (0, 0) matrix"),
                                                   ("fisher", [[1.0, 2.0], [2.0, 1.0]], "an indefinite matrix"),
                                                   ("fisher", [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "a non-square matrix"),
                                                   ("jacobian", [[1.0, 0.0, 0.0]], "a mismatched jacobian")],
                                            shape=(2, 2)),
        "estimation.cumulants_from_moments": Spec(dict(moments=[0.0, 1.0, 0.0, 3.0]), kinds={"moments": "array"},
                                                  shape=(4,)),
        "estimation.moments_from_cumulants": Spec(dict(kappa=[0.0, 1.0, 0.0, 0.0]), kinds={"kappa": "array"},
                                                  shape=(4,)),
        "estimation.denoising_data": Spec(dict(copies=1), kinds={"noise_sd": "nonneg"}, shape=None, dtype=None),
        "estimation.digits_calibration": Spec(dict(epochs=1), kinds={"train_fraction": "unit_open"}, shape=None,
                                              dtype=None),
        "estimation.dropout": Spec(dict(x=[1.0, 2.0, 3.0], p=0.25, seed=0), kinds={"p": "unit_half_open"}, shape=(3,)),
        "estimation.fisher_monte_carlo": Spec(dict(log_prob=_log_normal, theta=[0.0, 4.0], samples=[0.5, -1.0, 2.0, 0.1]),
                                              kinds={"samples": "array"}, shape=(2, 2)),
        "estimation.estimator_stats": Spec(dict(estimator=_naive_variance, sampler=Normal(0.0, 1.0), n=5, trials=50,
                                                seed=0, target=1.0),
                                           kinds={"n": "count1", "target": "real", "batch_size": "count1"},
                                           shape=None, dtype=None),
        "estimation.expected_calibration_error": Spec(dict(probs=probs, labels=[0, 1, 1], n_bins=2),
                                                      kinds={"probs": "prob", "labels": "labels"},
                                                      extra=[("labels", [0, 1], "3 probabilities and 2 labels")],
                                                      shape=()),
        "estimation.reliability_curve": Spec(dict(probs=probs, labels=[0, 1, 1], n_bins=2),
                                             kinds={"probs": "prob", "labels": "labels"},
                                             extra=[("labels", [0, 1], "3 probabilities and 2 labels")], shape=(2,)),
        "estimation.gumbel_max_sample": Spec(dict(logits=[0.0, 0.0, 0.7], seed=0, sample_shape=5),
                                             kinds={"sample_shape": "sample_shape"}, shape=(5,), dtype=torch.int64),
        "estimation.gumbel_noise": Spec(dict(shape=(3,), seed=0), kinds={"shape": "sample_shape", "device": "device"},
                                        shape=(3,)),
        "estimation.gumbel_softmax": Spec(dict(logits=[1.0, 0.0, -1.0], beta=2.0, seed=0, sample_shape=4),
                                          kinds={"sample_shape": "sample_shape", "beta": "positive_array"},
                                          extra=[mismatch("beta", [1.0, 2.0])], shape=(4, 3)),
        "estimation.huber": Spec(dict(residual=[0.5, 3.0], delta=1.0), kinds={"delta": "positive_array"},
                                 extra=[mismatch("delta", [1.0, 2.0, 3.0])], shape=(2,)),
        "estimation.james_stein": Spec(dict(x=[3.0, 4.0, 0.0]), kinds={"sd": "positive"}, shape=(3,)),
        "estimation.james_stein_risk": Spec(dict(d=10, norm=[0.0, 3.0]), kinds={"d": "count3", "norm": "nonneg_array"},
                                            shape=(2,)),
        "estimation.k_statistics_from_central_sums": Spec(dict(n=4, s2=2.0, s3=0.0, s4=2.0),
                                                          kinds={"n": "count4", "s2": "real_or_array", "s3": "real_or_array",
                                                                 "s4": "real_or_array"},
                                                          shape=None),
        "estimation.median_variance": Spec(dict(n=21), kinds={"n": "count5", "law": "choice:cauchy,normal",
                                                              "digits": "count15"},
                                           extra=[("n", 22, "an even n")], shape=None, dtype=None),
        "estimation.lasso": Spec(dict(X=design, y=[1.0, 2.0, 3.0], lam=0.5),
                                 kinds={"lam": "nonneg_array"}, extra=[mismatch("y", [1.0, 2.0])], shape=(2,)),
        "estimation.ridge": Spec(dict(X=design, y=[1.0, 2.0, 3.0], lam=[0.0, 0.5]),
                                 kinds={"lam": "nonneg_array"},
                                 extra=[mismatch("y", [1.0, 2.0]),
                                        ("X", [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]], "rank-deficient X with lam = 0")],
                                 shape=(2, 2)),
        "estimation.robust_fit": Spec(dict(X=design, y=[1.0, 2.0, 3.0]),
                                      kinds={"loss": "choice:cauchy"},
                                      extra=[mismatch("y", [1.0, 2.0]), ("X", np.zeros((3, 2)), "X all zeros")],
                                      shape=(2,)),
        "estimation.nll_cauchy": Spec(dict(residual=[0.0, 1.0], scale=1.0), kinds={"scale": "positive_array"},
                                      extra=[mismatch("scale", [1.0, 2.0, 3.0])], shape=(2,)),
        "estimation.nll_gaussian": Spec(dict(residual=[0.0, 2.0], scale=2.0), kinds={"scale": "positive_array"},
                                        extra=[mismatch("scale", [1.0, 2.0, 3.0])], shape=(2,)),
        "estimation.nll_laplace": Spec(dict(residual=[0.0, -3.0], scale=1.0), kinds={"scale": "positive_array"},
                                       extra=[mismatch("scale", [1.0, 2.0, 3.0])], shape=(2,)),
        "estimation.noise2noise": Spec(dict(copies=1, epochs=1, hidden=8), shape=None, dtype=None),
        "estimation.reparam_grad": Spec(dict(f=_square, mean=1.0, sd=2.0, n_samples=10, seed=0),
                                        kinds={"mean": "array", "sd": "positive_array", "n_samples": "count1"},
                                        shape=(10, 2)),
        "estimation.sparse_reward_gradients": Spec(dict(actions=2, horizon=3, episodes=4, batches=2),
                                                   kinds={"actions": "count2", "horizon": "count1",
                                                          "episodes": "count1", "batches": "count1"},
                                                   shape=(2, 3, 2)),
        "estimation.score_function_grad": Spec(dict(f=_square, mean=1.0, sd=2.0, n_samples=10, seed=0),
                                               kinds={"mean": "array", "sd": "positive_array", "baseline": "array",
                                                      "n_samples": "count1"},
                                               shape=(10, 2)),
        "estimation.sample_cumulants": Spec(dict(x=[1.0, 2.0, 3.0, 4.0, 10.0]), kinds={"order": "order4"}, shape=(4,)),
        "estimation.sample_variance": Spec(dict(x=[1.0, 2.0, 3.0, 4.0]), kinds={"ddof": "ddof"}, shape=()),
        "estimation.soft_threshold": Spec(dict(z=[-2.0, -0.5, 0.3, 1.5], threshold=1.0),
                                          kinds={"z": "array", "threshold": "nonneg_array"}, shape=(4,)),
        "estimation.standardized_sums": Spec(dict(distribution=Exponential(1.0), n=5, trials=20, seed=0),
                                             kinds={"distribution": "distribution", "n": "count1", "trials": "count1"},
                                             shape=(20,)),
        "estimation.summarize_estimates": Spec(dict(estimates=[1.0, 2.0, 3.0], target=1.0),
                                               kinds={"estimates": "array"}, shape=None, dtype=None),
        "estimation.temperature_scale": Spec(dict(logits=[[4.0, 0.0], [4.0, 0.0], [0.0, 4.0]], labels=[0, 1, 1]),
                                             kinds={"labels": "labels"},
                                             extra=[("labels", [0, 1], "3 rows of logits and 2 labels")], shape=()),
        "estimation.train_denoiser": Spec(dict(inputs=torch.rand(8, 64, generator=torch.Generator().manual_seed(0)),
                                               targets=torch.rand(8, 64, generator=torch.Generator().manual_seed(1)),
                                               epochs=1, hidden=4),
                                          kinds={"inputs": "array", "targets": "array"},
                                          extra=[mismatch("targets", torch.rand(7, 64))], shape=None, dtype=None),
        # ------------------------------------------------------------------ information
        "information.binary_entropy": Spec(dict(q=[0.0, 0.5, 0.11]), kinds={"q": "unit_array"}, shape=(3,)),
        "information.boltzmann": Spec(dict(energies=[0.0, 1.0, 2.0], beta=[1.0, 2.0, 3.0, 4.0]),
                                      kinds={"energies": "array", "beta": "array"},
                                      extra=[("energies", [[0.0, 1.0, 2.0], [0.0, 1.0, 3.0]], "4 betas, 2 systems")],
                                      shape=(4, 3)),
        "information.log_partition": Spec(dict(energies=[0.0, 1.0, 2.0], beta=[1.0, 2.0, 3.0, 4.0]),
                                          kinds={"energies": "array", "beta": "array"},
                                          extra=[("energies", [[0.0, 1.0, 2.0], [0.0, 1.0, 3.0]], "4 betas, 2 systems")],
                                          shape=(4,)),
        "information.compression_rate": Spec(dict(bits=[0, 1] * 50), kinds={"bits": "bits", "codec": "choice:lzma"},
                                             shape=None, dtype=None),
        "information.conditional_entropy": Spec(dict(p_xy=TABLE), shape=()),
        "information.mutual_information": Spec(dict(p_xy=TABLE), shape=()),
        "information.conditional_mutual_information": Spec(dict(p_xyz=CUBE), shape=()),
        "information.joint_entropy": Spec(dict(p=TABLE), kinds={"variables": "count1"}, shape=()),
        "information.counting_rate": Spec(dict(p=0.5, n=[10, 100]), kinds={"p": "unit_array", "n": "count_array"},
                                          shape=(2,)),
        "information.cross_entropy": Spec(dict(p=P3, q=Q3), **prob_pair),
        "information.kl_divergence": Spec(dict(p=P3, q=Q3), **prob_pair),
        "information.fisher_rao_distance": Spec(dict(p=P3, q=Q3), **prob_pair),
        "information.entropy": Spec(dict(p=P3), shape=()),
        "information.perplexity": Spec(dict(p=P3), shape=()),
        "information.fisher_information": Spec(dict(log_prob=_coin, theta=[0.2], support=[0.0, 1.0]),
                                               kinds={"support": "array", "sample": "callable_or_none",
                                                      "n_samples": "count2"}, shape=None, dtype=None),
        "information.jeffreys_prior": Spec(dict(log_prob=_coin, theta=[[0.5], [0.1]], support=[0.0, 1.0]),
                                           kinds={"support": "array", "sample": "callable_or_none",
                                                  "n_samples": "count2"}, shape=(2,)),
        "information.fit_gaussian_by_kl": Spec(dict(x=x_grid, log_p=log_p_grid, direction="forward", mean=[1.0],
                                                    std=[1.0]),
                                               kinds={"log_p": "array", "direction": "choice:forward", "mean": "array", "newton_steps": "count0",
                                                      "std": "positive_array"},
                                               extra=[mismatch("log_p", log_p_grid[:-1])], shape=None, dtype=None),
        "information.gaussian_differential_entropy": Spec(dict(variance=[1.0, 2.0]),
                                                          kinds={"variance": "positive_array"}, shape=(2,)),
        "information.gaussian_mixture_log_density": Spec(dict(x=[0.0, 1.0], means=[0.0, 1.0], stds=[1.0, 2.0],
                                                              weights=[0.5, 0.5]),
                                                         kinds={"means": "array", "stds": "positive_array",
                                                                "weights": "prob"},
                                                         extra=[mismatch("stds", [1.0, 2.0, 3.0])], shape=(2,)),
        "information.kl_gaussian": Spec(dict(mean_p=[0.0, 0.5], std_p=1.0, mean_q=1.0, std_q=2.0),
                                        kinds={"mean_p": "array", "mean_q": "array", "std_p": "positive_array",
                                               "std_q": "positive_array", "dim": "dim_or_none"},
                                        extra=[("dim", 5, "dim 5 of a vector"), mismatch("std_q", [1.0, 2.0, 3.0])],
                                        shape=(2,)),
        "information.kl_quadrature": Spec(dict(x=x_grid, log_p=log_p_grid, log_q=log_q_grid),
                                          kinds={"log_p": "array", "log_q": "array"},
                                          extra=[mismatch("log_q", log_q_grid[:-1])], shape=()),
        "information.landauer_limit": Spec(dict(bits=16.0, temperature=[3.0, 300.0]),
                                           kinds={"bits": "nonneg_array", "temperature": "positive_array"}, shape=(2,)),
        "information.landauer_limit_units": Spec(dict(bits=16), kinds={"bits": "nonneg", "temperature": "positive",
                                                                       "per": "sympy_unit"},
                                                 shape=None, dtype=None),
        "information.log_multinomial": Spec(dict(counts=[2, 2]), kinds={"counts": "count_array"}, shape=()),
        "information.type_class_log_probability": Spec(dict(counts=[1, 1], q=[0.5, 0.5]),
                                                       kinds={"counts": "count_array"},
                                                       extra=[mismatch("q", [0.2, 0.3, 0.5])], shape=()),
        "information.maxent_distribution": Spec(dict(features=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], targets=4.5),
                                                kinds={"features": "array", "targets": "array"},
                                                extra=[("targets", 7.0, "a target outside the features' range")],
                                                shape=None, dtype=None),
        "information.neighbour_probabilities": Spec(dict(x=cloud, perplexity=3.0),
                                                    kinds={"perplexity": "perplexity", "n_neighbours": "integer_or_none"},
                                                    extra=TOO_FEW_OR_MANY_NEIGHBOURS, shape=(12, 12)),
        "information.tsne_joint_probabilities": Spec(dict(x=cloud, perplexity=3.0),
                                                     kinds={"perplexity": "perplexity", "n_neighbours": "integer_or_none"},
                                                     extra=TOO_FEW_OR_MANY_NEIGHBOURS, shape=(12, 12)),
        "information.tsne": Spec(dict(x=cloud, perplexity=3.0, n_iter=20, exaggeration_iter=10),
                                 kinds={"perplexity": "perplexity", "n_components": "count1",
                                        "early_exaggeration": "positive", "exaggeration_iter": "count0",
                                        "learning_rate": "positive_or_none", "init": "choice:pca",
                                        "tol": "positive_or_none", "n_neighbours": "integer_or_none"},
                                 extra=[("init", np.zeros((3, 2)), "an init of 3 points"), *TOO_FEW_OR_MANY_NEIGHBOURS],
                                 shape=None, dtype=None),
        "information.reversible_add": Spec(dict(x=58, y=23, bits=16), kinds={"x": "word", "y": "word",
                                                                             "bits": "count1"},
                                           shape=None, dtype=None),
        "information.reversible_add_inverse": Spec(dict(x=58, total=81, bits=16),
                                                   kinds={"x": "word", "total": "word", "bits": "count1"},
                                                   shape=None, dtype=None),
        "information.sandwich_exponent": Spec(dict(s=2, t=3, n=10),
                                              kinds={"s": "count2", "t": "count2", "n": "count1"},
                                              shape=None, dtype=None),
        "information.sne_gradient": Spec(dict(p=conditional, y=embedding), kinds={"p": "affinities", "y": "array"},
                                         extra=[mismatch("y", embedding[:3])], shape=(4, 2)),
        "information.sne_kl": Spec(dict(p=conditional, y=embedding), kinds={"p": "affinities", "y": "array"},
                                   extra=[mismatch("y", embedding[:3])], shape=()),
        "information.tsne_gradient": Spec(dict(p=joint, y=embedding), kinds={"p": "affinities", "y": "array",
                                                                             "exaggeration": "positive"},
                                          extra=[mismatch("y", embedding[:3])], shape=(4, 2)),
        "information.tsne_stopping_iteration": Spec(
            dict(history=[[0, 9.0], [50, 8.0], [100, 2.0], [150, 1.5], [200, 1.49]], tol=0.05, exaggeration_iter=100),
            kinds={"history": "array", "tol": "positive", "exaggeration_iter": "count0"},
            extra=[("history", [1.0, 2.0], "a vector")], shape=None, dtype=None),
        "information.tsne_kl": Spec(dict(p=joint, y=embedding), kinds={"p": "affinities", "y": "array"},
                                    extra=[mismatch("y", embedding[:3])], shape=()),
        # ------------------------------------------------------------------ optimization
        "optimization.finite_difference": Spec(dict(f=torch.sin, x=[0.5, 1.0], eps=[1e-3, 1e-3]),
                                               kinds={"eps": "positive_array", "kind": "choice:forward"},
                                               shape=(2,)),
        "optimization.gradient_descent": Spec(dict(loss=_bowl, theta=[1.0, -1.0], lr=0.1, steps=3), shape=(4, 2)),
        "optimization.heavy_ball": Spec(dict(loss=_bowl, theta=[1.0, -1.0], lr=0.1, momentum=0.5, steps=3),
                                        kinds={"momentum": "unit_half_open"}, shape=(4, 2)),
        "optimization.nesterov": Spec(dict(loss=_bowl, theta=[1.0, -1.0], lr=0.1, momentum=0.5, steps=3),
                                      kinds={"momentum": "unit_half_open"}, shape=(4, 2)),
        "optimization.momentum_matrix": Spec(dict(curvature=[1.0, 3.0], lr=0.1, momentum=0.5),
                                             kinds={"curvature": "nonneg_array", "lr": "positive_array",
                                                    "momentum": "nonneg_array", "kind": "choice:heavy_ball"},
                                             extra=[("lr", [0.1, 0.2, 0.3], "an lr that does not broadcast")],
                                             shape=(2, 2, 2)),
        "optimization.convergence_rate": Spec(dict(curvature=[1.0, 3.0], lr=0.1, momentum=0.5),
                                              kinds={"curvature": "nonneg_array", "lr": "positive_array",
                                                     "momentum": "nonneg_array", "kind": "choice:heavy_ball"},
                                              extra=[("lr", [0.1, 0.2, 0.3], "an lr that does not broadcast")],
                                              shape=(2,)),
        "optimization.optimal_momentum": Spec(dict(lambda_min=1.0, lambda_max=100.0),
                                              kinds={"lambda_min": "positive_bounded", "lambda_max": "positive_bounded",
                                                     "kind": "choice:heavy_ball"},
                                              extra=[("lambda_max", 0.5, "lambda_max below lambda_min")],
                                              shape=None, dtype=None),
        "optimization.newton_step": Spec(dict(loss=_bowl, theta=[1.0, -1.0]), shape=(2,)),
        "optimization.hvp": Spec(dict(loss=_bowl, theta=[1.0, -1.0], v=[1.0, 0.0]), kinds={"v": "array"},
                                 shape=(2,)),
        "optimization.sharpness": Spec(dict(loss=_bowl, theta=[1.0, -1.0], iterations=5), kinds={"start": "array"},
                                       shape=()),
        "optimization.two_layer_backward": Spec(
            dict(x=[1.0, 2.0], W1=[[0.1, 0.2]], b1=[0.0], W2=[[1.0], [2.0]], b2=[0.0, 0.0], upstream=[1.0, 0.0]),
            kinds={"W1": "array", "b1": "array", "W2": "array", "b2": "array", "upstream": "array",
                   "activation": "choice:tanh"},
            extra=[("W2", [[1.0, 2.0]], "W2 with the wrong number of columns")], shape=(2, 1)),
        "optimization.backward_forward_flops": Spec(dict(widths=[4, 3, 2], batch_size=2),
                                                    kinds={"widths": "sizes", "input_grad": "flag"},
                                                    shape=None, dtype=None),
        "optimization.digits_mlp_loss": Spec(dict(n_samples=10, hidden=4), kinds={"n_samples": "count1"},
                                             extra=[("n_samples", 1798, "more samples than the digits have")],
                                             shape=(310,)),
        "optimization.edge_of_stability": Spec(dict(lr=0.5, total_steps=4, every=2, n_samples=16, hidden=4),
                                               kinds={"n_samples": "count1", "total_steps": "count1", "every": "count1"},
                                               shape=None, dtype=None),
        **{f"optimization.{name}": Spec(dict(loss=_bowl, theta=[1.0, -1.0], lr=0.1, steps=3),
                                       kinds={"beta": "unit_half_open", "beta1": "unit_half_open",
                                              "beta2": "unit_half_open", "eps": "nonneg", "bias_correction": "flag",
                                              "decoupled": "flag", "online": "flag", "bounds": "anything"},
                                       extra=[("bounds", (1.0, -1.0), "low above high"), ("bounds", 3.0, "a number"),
                                              ("bounds", (0.0, NAN), "a NaN bound")],
                                       shape=(4, 2))
           for name in ("adam", "amsgrad", "rmsprop", "sign_descent")},
        "optimization.reddi_online_problem": Spec(dict(constant=3.0), kinds={"constant": "real"},
                                                  extra=[("constant", 2.0, "C = 2"), ("constant", -1.0, "C < 2")],
                                                  shape=None, dtype=None),
        "optimization.natural_gradient_step": Spec(dict(loss=_bowl, theta=[1.0, -1.0], fisher=[[2.0, 0.0], [0.0, 1.0]], lr=0.1),
                                                   kinds={"fisher": "array", "damping": "nonneg"},
                                                   extra=[("fisher", [[1.0, 0.0, 0.0]], "a fisher of the wrong shape"),
                                                          ("fisher", [[1.0, 1.0], [1.0, 1.0]], "a singular fisher")],
                                                   shape=(2,)),
        "optimization.fisher_matrix": Spec(dict(log_prob=_coin_log_prob, theta=[0.5, -0.5], x=[[1.0, 0.0], [0.5, 1.0], [-1.0, 0.5]], support=[0.0, 1.0]),
                                           kinds={"support": "array", "sample": "callable_or_none", "draws": "count1"},
                                           extra=[("support", [0.0, 2.0], "labels whose probabilities do not sum to 1")],
                                           shape=(2, 2)),
        "optimization.empirical_fisher": Spec(dict(log_prob=_regression_log_prob, theta=[0.5, -0.5], x=[[1.0, 0.0], [0.5, 1.0], [-1.0, 0.5]],
                                                   y=[1.0, 0.0, 2.0]),
                                              extra=[("y", [1.0, 0.0], "2 labels for 3 inputs")], shape=(2, 2)),
        "optimization.gauss_newton_matrix": Spec(dict(f=_linear_model, theta=[0.5, -0.5], x=[[1.0, 0.0], [0.5, 1.0], [-1.0, 0.5]]), shape=(2, 2)),
        "optimization.conjugate_gradient": Spec(dict(operator=[[2.0, 0.0], [0.0, 1.0]], b=[1.0, 1.0]),
                                                kinds={"operator": "array", "b": "array", "x0": "array",
                                                       "max_iter": "count1"},
                                                extra=[("operator", [[-1.0, 0.0], [0.0, 1.0]], "an indefinite matrix"),
                                                       ("x0", [0.0, 0.0, 0.0], "x0 of the wrong length")],
                                                shape=None),
        "optimization.bfgs": Spec(dict(loss=_bowl, theta=[1.0, -1.0]),
                                  kinds={"gtol": "positive", "max_iter": "count1", "line_search": "choice:wolfe",
                                         "gradient": "callable_or_none"},
                                  extra=[("gradient", lambda t: t[:1], "a gradient of the wrong length"),
                                         ("gradient", lambda t: t.float(), "a float32 gradient for float64 theta"),
                                         ("gradient", lambda t: t / 0, "a gradient that is not finite")],
                                  shape=None),
        "optimization.lbfgs_two_loop": Spec(dict(gradient=[1.0, 2.0], steps=[[1.0, 0.0]], changes=[[2.0, 0.0]]),
                                            kinds={"gradient": "array", "steps": "array", "changes": "array"},
                                            extra=[("changes", [[-2.0, 0.0]], "a pair with negative curvature"),
                                                   ("changes", [[1.0, 0.0], [0.0, 1.0]], "more changes than steps")],
                                            shape=(2,)),
        "optimization.per_example_gradients": Spec(
            dict(loss=_example_squared_error, params=[1.0, 0.0], x=[[1.0, 2.0], [0.0, 1.0]], y=[0.0, 1.0]),
            kinds={"params": "array"}, extra=[mismatch("y", [0.0])], shape=(2, 2)),
        "optimization.gradient_noise_scale": Spec(
            dict(per_example_grads=[[1.0, 0.0], [3.0, 0.0], [2.0, 1.0], [2.0, -1.0]], hessian=[[2.0, 0.0], [0.0, 1.0]]),
            kinds={"per_example_grads": "array", "hessian": "array"},
            extra=[("hessian", [[1.0, 1.0], [0.0, 1.0]], "an asymmetric hessian"), mismatch("hessian", [[1.0]])],
            shape=()),
        "optimization.critical_batch_fit": Spec(dict(steps=[110.0, 20.0, 11.0], examples=[110.0, 200.0, 1100.0]),
                                                kinds={"steps": "positive_array", "examples": "positive_array"},
                                                extra=[mismatch("examples", [110.0, 200.0])], shape=None, dtype=None),
        "optimization.logistic_stream": Spec(dict(dim=4), kinds={"dim": "count1", "condition": "real"},
                                             extra=[("condition", 0.5, "a condition number below 1")],
                                             shape=None, dtype=None),
        "optimization.critical_batch_experiment": Spec(
            dict(max_log2_batch=3, dim=4, condition=4.0, target_fraction=0.1, repeats=3, noise_samples=256),
            kinds={"max_log2_batch": "count1", "dim": "count1", "condition": "real", "target_fraction": "unit_open",
                   "repeats": "count1", "noise_samples": "count2", "max_steps": "count1"},
            extra=[("repeats", 2, "an even number of repeats"), ("max_log2_batch", 17, "more than 16")],
            shape=None, dtype=None),
        # ------------------------------------------------------------------ rl (Markov decision processes,
        # policy gradients, Bellman optimality and Q-learning)
        "rl.action_values": Spec(dict(mdp=MDP, v=[1.0, 0.0, -1.0]), kinds={"v": "array"},
                                 extra=[mismatch("v", [1.0, 0.0])], shape=(3, 2)),
        "rl.bandit": Spec(dict(means=[0.0, 1.0]), kinds={"means": "array", "sd": "positive"}, shape=None, dtype=None),
        "rl.bellman_backup": Spec(dict(mdp=MDP, q=ZEROS), kinds={"q": "array", "policy": "prob"},
                                  extra=[mismatch("q", [[0.0, 0.0]]), ("policy", [[0.5, 0.5]], "a policy of one state")],
                                  shape=(3, 2)),
        "rl.cliff_walking": Spec(dict(rows=2, cols=3), kinds={"rows": "count2", "cols": "count3", "gamma": "unit",
                                                               "cliff_reward": "real"},
                                 extra=[("cliff_reward", 0.0, "a zero cliff reward"), ("cliff_reward", 5.0, "a reward")],
                                 shape=None, dtype=None),
        "rl.discounted_return": Spec(dict(rewards=[1.0, 1.0], gamma=0.5), kinds={"rewards": "array", "gamma": "unit"},
                                     shape=()),
        "rl.greedy_policy": Spec(dict(q=[[1.0, 3.0], [2.0, 0.0]]), kinds={"q": "array"},
                                 extra=[("q", [1.0, 2.0], "a vector")], shape=(2, 2)),
        "rl.policy_evaluation": Spec(dict(mdp=MDP, policy=UNIFORM), kinds={"policy": "prob"},
                                     extra=[("policy", [[0.5, 0.5]], "a policy of one state")], shape=(3,)),
        "rl.policy_iteration": Spec(dict(mdp=MDP), kinds={"policy": "prob"},
                                    extra=[("policy", [[0.5, 0.5]], "a policy of one state")], shape=(3, 2)),
        "rl.random_mdp": Spec(dict(n_states=3, n_actions=2, gamma=0.9),
                              kinds={"n_states": "count1", "n_actions": "count1", "gamma": "unit_half_open",
                                     "deterministic": "flag"}, shape=None, dtype=None),
        "rl.rollout": Spec(dict(mdp=MDP, policy=UNIFORM, horizon=3, n_episodes=2),
                           kinds={"policy": "prob", "horizon": "count1", "n_episodes": "count1",
                                  "start": "integer_or_none"},
                           extra=[("start", 3, "a start state beyond the last"), ("start", -1, "a negative start")],
                           shape=(2, 4), dtype=torch.int64),
        "rl.value_iteration": Spec(dict(mdp=MDP, steps=2), kinds={"q0": "array"},
                                   extra=[mismatch("q0", [[0.0, 0.0]])], shape=(3, 3, 2)),
        "rl.enumerate_trajectories": Spec(dict(mdp=MDP, horizon=1), kinds={"horizon": "count1"},
                                          extra=[("mdp", CLIFF, "an MDP with terminal states"),
                                                 ("horizon", 20, "too many trajectories")],
                                          shape=(18, 2), dtype=torch.int64),
        "rl.estimator_moments": Spec(dict(mdp=MDP, logits=ZEROS, horizon=1), kinds={"logits": "array",
                                                                                     "horizon": "count1"},
                                     extra=[mismatch("logits", [[0.0, 0.0]])], shape=(3, 2)),
        "rl.gae": Spec(dict(rewards=[1.0, 1.0], values=[0.5, 0.5, 0.0], gamma=0.9, lam=0.5),
                       kinds={"rewards": "array", "values": "array", "gamma": "unit", "lam": "unit"},
                       extra=[mismatch("values", [0.5, 0.5])], shape=(2,)),
        "rl.n_step_advantage": Spec(dict(rewards=[1.0, 1.0], values=[0.5, 0.5, 0.0], gamma=0.9, k=2),
                                    kinds={"rewards": "array", "values": "array", "gamma": "unit", "k": "count1"},
                                    extra=[mismatch("values", [0.5, 0.5])], shape=(2,)),
        "rl.finite_horizon_values": Spec(dict(mdp=MDP, policy=UNIFORM, horizon=2),
                                         kinds={"policy": "prob", "horizon": "count1"},
                                         extra=[("policy", [[0.5, 0.5]], "a policy of one state")], shape=(2, 3)),
        "rl.gae_moments": Spec(dict(mdp=MDP, logits=ZEROS, horizon=1, lams=[0.0, 1.0]),
                               kinds={"logits": "array", "horizon": "count1", "lams": "unit_array", "values": "array"},
                               extra=[mismatch("logits", [[0.0, 0.0]]), mismatch("values", [[0.0, 0.0]])],
                               shape=(3, 2)),
        "rl.reinforce": Spec(dict(mdp=MDP, updates=2, batch_size=2, lr=0.1, horizon=2),
                             kinds={"updates": "count1", "horizon": "count1", "estimator": "choice:baseline"}, shape=(3, 2)),
        "rl.reinforce_loss": Spec(dict(log_probs=[[-0.5, -1.0]], returns=[[1.0, 2.0]]),
                                  kinds={"log_probs": "array", "returns": "array", "baseline": "array"},
                                  extra=[mismatch("returns", [[1.0, 2.0, 3.0]]),
                                         ("baseline", [1.0, 2.0, 3.0], "a baseline that does not broadcast")],
                                  shape=()),
        "rl.rewards_to_go": Spec(dict(rewards=[1.0, 2.0], gamma=0.5), kinds={"rewards": "array", "gamma": "unit"},
                                 shape=(2,)),
        "rl.softmax_policy": Spec(dict(logits=ZEROS), extra=[("logits", [0.0, 0.0], "a vector")], shape=(3, 2)),
        "rl.double_q_learning": Spec(dict(mdp=MDP, steps=3, alpha=0.5, epsilon=0.1), **TD),
        "rl.q_learning": Spec(dict(mdp=MDP, steps=3, alpha=0.5, epsilon=0.1), **TD),
        "rl.sarsa": Spec(dict(mdp=MDP, steps=3, alpha=0.5, epsilon=0.1), **TD),
        "rl.epsilon_greedy": Spec(dict(q=[[0.0, 1.0]], epsilon=0.1), kinds={"q": "array", "epsilon": "unit",
                                                                            "available": "anything"},
                                  extra=[mismatch("available", [[True, False, True]])], shape=(1,),
                                  dtype=torch.int64),
        "rl.expected_maximum": Spec(dict(n=3), kinds={"n": "count1"}, shape=None, dtype=None),
        "rl.greedy_path": Spec(dict(mdp=CLIFF, q=ROUTE), kinds={"q": "array"},
                               extra=[("mdp", MDP, "a random MDP"), mismatch("q", [[0.0, 0.0]])],
                               shape=(5,), dtype=torch.int64),
        "rl.knapsack_dp": Spec(dict(weights=[1.0, 3.0], values=[1.0, 4.0], capacity=3),
                               kinds={"weights": "positive_array", "values": "nonneg_array", "capacity": "count0"},
                               extra=[("weights", [1.5, 3.0], "a non-integer weight"), mismatch("values", [1.0])],
                               shape=None, dtype=None),
        "rl.maximization_bias_mdp": Spec(dict(), kinds={"n_actions": "count2", "mean": "real", "sd": "positive"},
                                         shape=None, dtype=None),
        "rl.maximum_bias": Spec(dict(n_actions=3, n_samples=2, trials=4),
                                kinds={"n_actions": "count1", "n_samples": "count2", "trials": "count2", "k": "nonneg"},
                                shape=(4,)),
        "rl.expected_pessimistic_maximum": Spec(dict(n_actions=3, n_samples=2, k=1.0),
                                                kinds={"n_actions": "count1", "n_samples": "count2", "k": "nonneg"},
                                                shape=None, dtype=None),
        "rl.dqn_loss": Spec(dict(q=[[1.0, 2.0], [0.0, 1.0]], actions=[0, 1], rewards=[1.0, 0.0],
                                 next_q=[[0.0, 4.0], [1.0, 1.0]], gamma=0.5),
                            kinds={"q": "array", "actions": "labels", "rewards": "array", "next_q": "array",
                                   "gamma": "unit", "terminal": "anything", "next_q_online": "array",
                                   "stop_grad": "flag"},
                            extra=[mismatch("rewards", [1.0]), mismatch("next_q", [[0.0, 4.0, 1.0], [1.0, 1.0, 1.0]]),
                                   ("terminal", [True], "one flag for two transitions"),
                                   ("terminal", [1.0, 0.0], "numbers for flags")],
                            shape=()),
        # ------------------------------------------------------------------ symmetry
        "symmetry.circle_points": Spec(dict(m=4), kinds={"m": "count1", "offset": "real"}, shape=(4, 2)),
        "symmetry.circular_harmonic": Spec(dict(points=points, d=3, k=3), kinds={"k": "degree", "kind": "choice:cos"},
                                           extra=[("k", 2, "k of another parity than d"), ("k", 5, "k > d"),
                                                  mismatch("points", [[1.0, 0.0, 0.0]])], shape=(3,)),
        "symmetry.coefficients": Spec(dict(p=(x_sym + y_sym) ** 2, d=2), kinds={"p": "polynomial"},
                                      extra=[("d", 3, "a degree that is not p's")], shape=None, dtype=None),
        "symmetry.cyclic_group": Spec(dict(n=4), kinds={"n": "count1"}, shape=(4, 2, 2)),
        "symmetry.dihedral_group": Spec(dict(n=3), kinds={"n": "count1"}, shape=(6, 2, 2)),
        "symmetry.gradient_field_at_zero": Spec(dict(features=partial(_poly, d=1), X=[[1.0, 0.0]], y=[3.0],
                                                     points=[[1.0, 0.0], [0.0, 1.0]]),
                                                extra=[mismatch("y", [3.0, 1.0])], shape=(2,)),
        "symmetry.gradient_flow": Spec(dict(features=partial(_poly, d=1), X=[[1.0, 1.0]], y=[2.0], dt=0.1, steps=20),
                                       kinds={"steps": "count0"}, extra=[mismatch("y", [3.0, 1.0])], shape=(21, 2)),
        "symmetry.homogeneous_basis": Spec(dict(d=2), shape=None, dtype=None),
        "symmetry.invariance_error": Spec(dict(f=_first_coordinate, group=D3, points=points),
                                          kinds={"group": "group"}, extra=[mismatch("points", [[1.0, 0.0, 0.0]])],
                                          shape=()),
        "symmetry.invariant_dimension": Spec(dict(d=7, n=3), kinds={"n": "count1"}, shape=None, dtype=None),
        "symmetry.invariant_subspace": Spec(dict(group=D3, d=3), kinds={"group": "group"}, shape=None),
        "symmetry.isotypic_decomposition": Spec(dict(d=2), shape=None, dtype=None),
        "symmetry.kernel_matrix": Spec(dict(features=partial(_poly, d=3), x1=[[1.0, 2.0]], x2=[[3.0, -1.0], [0.5, 0.5]]),
                                       kinds={"x1": "array", "x2": "array"},
                                       extra=[mismatch("x2", [[3.0, -1.0, 1.0]])], shape=(1, 2)),
        "symmetry.min_norm_interpolant": Spec(dict(features=partial(_poly, d=3), X=points, y=[1.0, 1.0, 1.0]),
                                              extra=[mismatch("y", [1.0, 1.0])], shape=None, dtype=None),
        "symmetry.monomial_features": Spec(dict(x=[[1.0, 2.0]], d=2), kinds={"weighting": "choice:binomial"},
                                           extra=[mismatch("x", [[1.0, 2.0, 3.0]])], shape=(1, 3)),
        "symmetry.operator_matrix": Spec(dict(operator=_x_times_dx, d=2), shape=None, dtype=None),
        "symmetry.orbit": Spec(dict(points=[[1.0, 0.0]], group=D3), kinds={"group": "group"},
                               extra=[mismatch("points", [[1.0, 0.0, 0.0]])], shape=(3, 2)),
        "symmetry.relative_error": Spec(dict(f_hat=_first_coordinate, f=_first_coordinate, points=points), shape=()),
        "symmetry.representation_matrix": Spec(dict(group=D3, d=2), kinds={"group": "group"}, shape=(6, 3, 3)),
        "symmetry.rotation_generator": Spec(dict(d=2), shape=None, dtype=None),
        "symmetry.rotation_group_samples": Spec(dict(count=5, dim=3, seed=0), kinds={"dim": "count2"},
                                                shape=(5, 3, 3)),
        "symmetry.rotation_matrix": Spec(dict(angle=[0.0, 1.0]), kinds={"angle": "array"}, shape=(2, 2, 2)),
        "symmetry.sl2_triple": Spec(dict(d=3), shape=None, dtype=None),
        **{f"symmetry.spherical.{name}": Spec(dict(p=x3**2 * y3 + z3), kinds={"p": "expression"}, shape=None, dtype=None)
           for name in ("angular_momentum_squared", "euler_operator", "laplacian", "so3_generators")},
        **_experiment_specs(),
        "symmetry.spherical.harmonic_basis": Spec(dict(l=2), kinds={"l": "count0"}, shape=None, dtype=None),
        # ------------------------------------------------------------------ data, networks, plotting, runtime, book
        "book.glue": Spec(dict(name="answer", variable=42, display=False),
                          kinds={"name": "label", "variable": "anything", "display": "flag"}, shape=None, dtype=None),
        "data.bernoulli_sequences": Spec(dict(q=[0.2, 0.7], n=3, seed=0), kinds={"q": "unit_array", "n": "count1"},
                                         shape=(2, 3)),
        "data.digits": Spec({}, shape=(1797, 64)),
        "data.random_distributions": Spec(dict(m=4, n=3, seed=0), kinds={"m": "count1", "n": "count1"}, shape=(4, 3)),
        "data.train_test_indices": Spec(dict(n=10, seed=0), kinds={"n": "count2", "test_fraction": "unit_open"},
                                        shape=None, dtype=None),
        "networks.mlp": Spec(dict(sizes=[3, 4, 2], seed=0), kinds={"sizes": "sizes", "activation": "choice:relu"},
                             shape=None, dtype=None),
        "networks.fit": Spec(dict(model=nn.Linear(2, 2), x=torch.randn(8, 2, generator=torch.Generator().manual_seed(0)),
                                  y=torch.tensor([0, 1] * 4), loss=nn.functional.cross_entropy, epochs=1,
                                  batch_size=4, lr=0.1, seed=0),
                             kinds={"x": "tensor", "y": "tensor", "optimizer": "choice:adam"},
                             extra=[("y", torch.tensor([0, 1] * 3), "8 points and 6 labels")],
                             shape=None, dtype=None),
        "networks.accuracy": Spec(dict(model=nn.Linear(2, 2), x=torch.tensor([[1.0, 0.0], [0.0, 1.0]]),
                                       y=torch.tensor([0, 0])),
                                  kinds={"x": "tensor", "y": "labels"},
                                  extra=[("y", torch.tensor([0, 0, 1]), "2 points and 3 labels")],
                                  shape=None, dtype=None),
        "plotting.new_figure": Spec({}, kinds={"nrows": "count1", "ncols": "count1", "width": "positive",
                                               "height": "positive_or_none", "subplot_kw": "anything"},
                                    shape=None, dtype=None),
        "plotting.figure_function": Spec(dict(func=_square), kinds={"func": "callable"}, shape=None, dtype=None),
        "runtime.one_thread": Spec({}, shape=None, dtype=None),
        # ------------------------------------------------------------------ validation (reports for its caller)
        **_validation_specs(),
        **_rl_trust_search_specs(),
        **_kernels_specs(),
        **_kernels_classifier_specs(),
        **_signal_propagation_specs(),
        **_kernels_blocks_specs(),
        **_kernels_models_specs(),
        **_generalization_specs(),
        **_sharpness_specs(),
        **_gan_specs(),
        **_mutual_information_specs(),
        **_autoencoder_specs(),
        **_flow_specs(),
        **_vae_specs(),
    }


def _validation_specs() -> dict[str, Spec]:
    demo = dict(name="x", func="demo")
    return {
        "validation.as_float_tensor": Spec(dict(x=[1.0, 2.0], **demo), kinds={"x": "loose_array"}, shape=(2,),
                                           caller="demo"),
        "validation.as_generator": Spec(dict(seed=3, func="demo"), kinds={"device": "device"}, shape=None, dtype=None,
                                        caller="demo"),
        "validation.check_dim": Spec(dict(x=torch.zeros(2, 3), dim=1, **demo), kinds={"x": "any_tensor"}, shape=None,
                                     dtype=None, caller="demo", extra=[("dim", 2, "dim 2 of a matrix")]),
        "validation.check_finite": Spec(dict(x=torch.ones(2), **demo), kinds={"x": "tensor"}, shape=(2,),
                                        dtype=torch.float32, caller="demo"),
        "validation.check_in_interval": Spec(dict(x=torch.tensor([0.5]), low=0.0, high=1.0, **demo),
                                             kinds={"x": "tensor", "low": "bound", "high": "bound"}, shape=(1,),
                                             dtype=torch.float32, caller="demo",
                                             extra=[("x", torch.tensor([2.0]), "a value above high")]),
        "validation.check_integer": Spec(dict(x=3, minimum=1, **demo), kinds={"x": "count1", "minimum": "integer_or_none"},
                                         shape=None, dtype=None, caller="demo"),
        "validation.check_log_base": Spec(dict(base=2, func="demo"), kinds={"base": "log_base"}, shape=None,
                                          dtype=None, caller="demo"),
        "validation.check_nonempty": Spec(dict(x=torch.ones(2), **demo), kinds={"x": "any_tensor"}, shape=(2,),
                                          dtype=torch.float32, caller="demo",
                                          extra=[("x", torch.ones(2, 0), "an empty last dim")]),
        "validation.check_nonnegative": Spec(dict(x=torch.ones(2), **demo), kinds={"x": "tensor"}, shape=(2,),
                                             dtype=torch.float32, caller="demo",
                                             extra=[("x", torch.tensor([-1.0]), "a negative entry")]),
        "validation.check_positive": Spec(dict(x=torch.ones(2), **demo), kinds={"x": "tensor"}, shape=(2,),
                                          dtype=torch.float32, caller="demo",
                                          extra=[("x", torch.tensor([0.0]), "a zero")]),
        "validation.check_probability_table": Spec(dict(p=[[0.5, 0.0], [0.25, 0.25]], ndim=2, name="p", func="demo"),
                                                   kinds={"ndim": "count1"}, shape=(2, 2), caller="demo"),
        "validation.check_probability_vector": Spec(dict(p=[0.25, 0.75], name="p", func="demo"), shape=(2,),
                                                    caller="demo"),
        "validation.check_real": Spec(dict(x=2.0, **demo), kinds={"x": "real_number"}, shape=None, dtype=None,
                                      caller="demo"),
        "validation.check_shape": Spec(dict(x=torch.zeros(5, 2), dims=("m", 2), **demo),
                                       kinds={"x": "any_tensor", "dims": "anything", "sizes": "anything"},
                                       extra=[("x", torch.zeros(5, 3), "a mismatched shape")], shape=None,
                                       dtype=None, caller="demo"),
        "validation.broadcast_arguments": Spec(dict(tensors={"x": torch.zeros(2), "y": torch.ones(1)}, func="demo"),
                                               kinds={"tensors": "anything"}, shape=(2,), dtype=torch.float32,
                                               caller="demo",
                                               extra=[("tensors", {"x": torch.zeros(2), "y": torch.ones(3)},
                                                       "shapes (2,) and (3,)")]),
        "validation.check_array": Spec(dict(x=[1.0, 2.0], **demo), kinds={"positive": "flag", "nonnegative": "flag"},
                                       shape=(2,), caller="demo"),
        "validation.check_vector": Spec(dict(x=[1.0, 2.0], **demo), kinds={"or_module": "flag"},
                                        extra=[("x", [[1.0, 2.0]], "a matrix")], shape=(2,), caller="demo"),
        "validation.check_callable": Spec(dict(f=len, **demo), shape=None, dtype=None, caller="demo"),
        "validation.check_counts": Spec(dict(x=[2, 3], **demo), kinds={"x": "counts", "minimum": "integer_or_none"},
                                        shape=None, dtype=None, caller="demo",
                                        extra=[("x", np.array(3), "a 0-d array")]),
        "validation.check_choice": Spec(dict(x="a", options=("a", "b"), **demo),
                                        kinds={"x": "choice:a", "options": "anything"}, shape=None, dtype=None,
                                        caller="demo"),
        "validation.check_flag": Spec(dict(x=True, **demo), kinds={"x": "flag"}, shape=None, dtype=None, caller="demo"),
        "validation.check_float_dtype": Spec(dict(dtype=torch.float32, func="demo"), shape=None, dtype=None,
                                             caller="demo"),
        "validation.check_labels": Spec(dict(labels=[0, 1], classes=2, **{"name": "labels", "func": "demo"}),
                                        kinds={"labels": "labels", "classes": "count1", "shape": "anything"},
                                        shape=(2,), dtype=torch.int64, caller="demo"),
        "validation.check_scalar": Spec(dict(x=0.5, low=0.0, high=1.0, **demo),
                                        kinds={"x": "unit", "low": "bound", "high": "bound", "low_open": "flag",
                                               "high_open": "flag"}, shape=None, dtype=None, caller="demo"),
        "validation.check_seed": Spec(dict(seed=3, func="demo"), shape=None, dtype=None, caller="demo"),
        "validation.next_seed": Spec(dict(seed=3), shape=None, dtype=None, caller="next_seed"),
        "validation.reports_as": Spec(dict(name="outer"), shape=None, dtype=None, caller="reports_as"),
        "validation.sum_tolerance": Spec(dict(dtype=torch.float64), kinds={"dtype": "dtype"}, shape=None, dtype=None,
                                         caller="sum_tolerance"),
    }


def _experiment_specs() -> dict[str, Spec]:
    """The functions of the experiment modules of the part Symmetry and generalization, at small sizes."""
    points = [[1.0, 0.0], [0.0, 1.0]]
    triangle = [[1.0, 0.0], [-0.5, math.sqrt(3) / 2], [-0.5, -math.sqrt(3) / 2]]
    third = [0, 2 * sp.pi / 3, 4 * sp.pi / 3]
    mismatch = lambda name, value: (name, value, "a mismatched shape")  # noqa: E731
    parity = ("k", 2, "k of another parity than d")
    seven, ntk = "symmetry.degree_seven.", "symmetry.ntk."
    frequency = {"k": "degree", "weighting": "choice:binomial"}
    exact = dict(valid=dict(angles=third, k=3, d=3), kinds=dict(frequency, angles="angles"), shape=None, dtype=None,
                 extra=[parity, ("k", 5, "k > d"), ("angles", [0, 0], "a repeated angle"),
                        ("angles", [0, sp.pi], "opposite points"), ("angles", [0, 1, 2, 3, 4], "more than d + 1 angles")])
    return {
        seven + "features": Spec({}, kinds={"weighting": "choice:binomial"}, shape=None, dtype=None),
        seven + "target": Spec(dict(k=3), kinds={"k": "degree"}, extra=[parity, ("k", 9, "k > d")], shape=None,
                               dtype=None),
        seven + "recovery": Spec(dict(points=triangle, k=3), kinds=frequency, shape=(),
                                 extra=[parity, mismatch("points", [[1.0, 0.0, 0.0]])]),
        seven + "random_recovery_errors": Spec(dict(m=3, k=3, trials=4, seed=0),
                                               kinds=dict(frequency, m="count1", trials="count1"), shape=(4,),
                                               extra=[parity]),
        seven + "errors_by_size": Spec(dict(k=3, sizes=(1, 2), trials=4), kinds={"k": "degree", "sizes": "counts",
                                                                              "trials": "count1"},
                                       extra=[parity], shape=None, dtype=None),
        seven + "exact_interpolant": Spec(**exact),
        seven + "exact_relative_error": Spec(**exact),
        seven + "gradient_descent_run": Spec(dict(points=3, steps=5), kinds={"points": "count1", "steps": "count0"},
                                             extra=[("points", 9, "more points than the 8 features")], shape=(3, 2)),
        ntk + "ensemble_ntk": Spec(dict(width=8, x1=points, x2=points, seeds=2),
                                   kinds={"width": "count1", "x1": "array", "x2": "array", "seeds": "count1",
                                          "init": "choice:gaussian", "first_seed": "seed"},
                                   extra=[mismatch("x2", [[1.0, 0.0, 0.0]])], shape=(2, 2, 2)),
        ntk + "ntk_invariance_errors": Spec(dict(widths=(8,), seeds=2), kinds={"widths": "counts", "seeds": "count1",
                                                                              "init": "choice:gaussian"},
                                            shape=(1, 2)),
        ntk + "train_ensemble": Spec(dict(width=8, X=points, y=[1.0, -1.0], seeds=2, steps=2),
                                     kinds={"width": "count1", "seeds": "count1", "steps": "count0",
                                            "lr_scale": "positive", "first_seed": "seed"},
                                     extra=[mismatch("y", [1.0, -1.0, 0.0])], shape=None, dtype=None),
        ntk + "ensemble_invariance": Spec(dict(widths=(8,), seeds=2, steps=2, test_points=4),
                                          kinds={"widths": "counts", "seeds": "count1", "ensembles": "count1",
                                                 "steps": "count0", "test_points": "count1"}, shape=None),
        "symmetry.random_labels.random_labels_experiment": Spec(dict(hidden=4, epochs=1), shape=None, dtype=None),
        seven + "circle_moment": Spec(dict(a=2, b=2), kinds={"a": "count0", "b": "count0"}, shape=None, dtype=None),
        seven + "median_with_standard_error": Spec(dict(samples=[1.0, 2.0, 3.0, 4.0, 5.0]), kinds={"samples": "array"},
                                                   extra=[("samples", [1.0, 2.0, 3.0], "3 samples")], shape=None,
                                                   dtype=None),
        seven + "test_points": Spec({}, shape=(64, 2)),
        ntk + "ntk_probe_points": Spec({}, shape=None),
        ntk + "d3_orbit_data": Spec(dict(d=3, k=3), kinds={"k": "degree"},
                                    extra=[("k", 2, "k of another parity than d")], shape=None),
        ntk + "relu_kernels": Spec(dict(x1=points, x2=points), kinds={"x1": "array", "x2": "array",
                                                                      "weight_gain": "positive"},
                                   extra=[mismatch("x2", [[1.0, 0.0, 0.0]]), ("x1", [[0.0, 0.0]], "a zero point")],
                                   shape=(2, 2)),
        ntk + "relu_ntk_expectation": Spec(dict(x1=points, x2=points, width=8),
                                           kinds={"x1": "array", "x2": "array", "width": "count1",
                                                  "weight_gain": "positive"},
                                           extra=[mismatch("x2", [[1.0, 0.0, 0.0]])], shape=(2, 2)),
        ntk + "gaussian_init_": Spec(dict(model=nn.Linear(2, 1, dtype=torch.float64), seed=0),
                                     kinds={"weight_gain": "positive", "bias_std": "nonneg", "zero_readout": "flag"},
                                     shape=None, dtype=None),
        "symmetry.random_labels.split_sizes": Spec({}, shape=None, dtype=None),
        **_essay_specs(),
    }


def _essay_specs() -> dict[str, Spec]:
    """The pictures, correct sets, ReLU constructions and robustness experiments of the symmetry part."""
    mismatch = lambda name, value: (name, value, "a mismatched shape")  # noqa: E731
    pictures, sets, relu, robust = ("symmetry.pictures.", "symmetry.correct_sets.", "symmetry.relu.",
                                    "symmetry.robustness.")
    picture = np.zeros((1, 4, 1))
    mask = np.array([[True, True, False, False]])
    table = [[[3, 2, 1, 0]]]
    even = {"size": "count8", "tile": "count8"}
    symmetries = [("symmetries", (), "no symmetries"), ("symmetries", ("spin",), "an unknown symmetry"),
                  ("symmetries", "translations", "a string")]
    digit = np.full((2, 64), 0.5)
    return {
        pictures + "butterfly_image": Spec(dict(size=8), kinds=even, extra=[("size", 9, "an odd size")],
                                           shape=(8, 8, 3)),
        pictures + "tiling_image": Spec(dict(tile=8, tiles=1), kinds=dict(even, tiles="count1"),
                                        extra=[("tile", 9, "an odd tile")], shape=(8, 8, 3)),
        pictures + "mirror_action": Spec(dict(height=1, width=4), kinds={"height": "count1", "width": "count1",
                                                                         "axis": "choice:x1"},
                                         shape=(1, 1, 4), dtype=torch.int64),
        pictures + "tiling_action": Spec(dict(height=8, width=8, tile=4), kinds={"height": "count1", "width": "count1",
                                                                                 "tile": "count1",
                                                                                 "symmetries": "anything"},
                                         extra=[("tile", 3, "a tile that does not divide the picture"), *symmetries],
                                         shape=(6, 8, 8), dtype=torch.int64),
        pictures + "orbit_fill": Spec(dict(image=picture, known=mask, action=table),
                                      kinds={"image": "array", "known": "anything", "action": "anything"},
                                      extra=[("known", np.ones((1, 4)), "a float mask"), ("known", None, "None"),
                                             mismatch("known", np.ones((2, 4), dtype=bool)),
                                             ("action", [[[3.0, 2.0, 1.0, 0.0]]], "a float table"),
                                             ("action", [[[4, 2, 1, 0]]], "an index outside the picture"),
                                             ("action", "abc", "a string"), mismatch("action", [[3, 2, 1, 0]])],
                                      shape=(1, 4, 1)),
        pictures + "mirror_reconstruction": Spec(dict(size=8), kinds={"size": "count8", "axis": "choice:x1"},
                                                 extra=[("size", 9, "an odd size")], shape=None, dtype=None),
        pictures + "tiling_reconstruction": Spec(dict(tile=8, tiles=1), kinds={"tile": "count8", "tiles": "count1",
                                                                               "symmetries": "anything"},
                                                 extra=[("tile", 9, "an odd tile"), *symmetries], shape=None,
                                                 dtype=None),
        sets + "two_interpolants": Spec(dict(grid=16, test_size=4), kinds={"grid": "count8", "tolerance": "positive",
                                                                            "test_size": "count1"},
                                        shape=None, dtype=None),
        sets + "adversarial_target": Spec(dict(grid=8), kinds={"grid": "count1"}, shape=None, dtype=None),
        sets + "line_product": Spec(dict(points=[[1.0, 0.0], [0.0, 1.0]], data=[[0.6, 0.8]]),
                                    kinds={"points": "array", "data": "array"},
                                    extra=[mismatch("data", [[0.6, 0.8, 0.0]]), mismatch("points", [[1.0, 0.0, 0.0]])],
                                    shape=(2,)),
        relu + "relu_interpolant": Spec(dict(X=[[0.0], [1.0], [3.0]], y=[1.0, 3.0, 2.0]),
                                        kinds={"X": "array", "y": "array"},
                                        extra=[mismatch("y", [1.0, 3.0]), ("X", [[1.0], [1.0], [3.0]],
                                                                            "two equal projections"),
                                               ("X", [[1.0]], "one point")],
                                        shape=None, dtype=None),
        relu + "random_interpolation": Spec(dict(n=5, d=2), kinds={"n": "count2", "d": "count1"}, shape=None,
                                            dtype=None),
        relu + "sawtooth": Spec(dict(x=[0.0, 0.25, 0.5], depth=2), kinds={"depth": "count0"}, shape=(3,)),
        relu + "count_linear_pieces": Spec(dict(depth=3), kinds={"depth": "count0"},
                                           extra=[("depth", 21, "more than 20")], shape=None, dtype=None),
        robust + "asymmetric_fit": Spec(dict(pairs=2, steps=2), kinds={"pairs": "count1"}, shape=None, dtype=None),
        robust + "transform_digits": Spec(dict(images=digit, brightness=0.5, shift=[1, 0]),
                                          kinds={"images": "array", "brightness": "anything", "shift": "anything"},
                                          extra=[("brightness", 0.0, "a zero brightness"),
                                                 ("brightness", 1.5, "a brightness above 1"),
                                                 ("brightness", NAN, "NaN"), ("brightness", "abc", "a string"),
                                                 ("brightness", [0.5, 0.5, 0.5], "three factors for two images"),
                                                 ("shift", [2, 0], "a shift of two pixels"),
                                                 ("shift", [0.5, 0.0], "a fractional shift"),
                                                 ("shift", None, "None"), mismatch("shift", [1, 0, 0]),
                                                 mismatch("images", np.full((2, 63), 0.5))],
                                          shape=(2, 64)),
        robust + "digits_classifier": Spec(dict(epochs=1), kinds={"augment": "flag", "copies": "count1"},
                                           shape=None, dtype=None),
        robust + "augmentation_experiment": Spec(dict(copies=1, epochs=1), kinds={"copies": "count1"}, shape=None,
                                                 dtype=None),
        robust + "fgsm": Spec(dict(model=nn.Linear(2, 2), x=[[0.6, 0.4]], y=[0], epsilon=0.1),
                              kinds={"x": "array", "y": "labels", "epsilon": "nonneg"},
                              extra=[mismatch("y", [0, 1])], shape=(1, 2), dtype=torch.float32),
        robust + "fgsm_curve": Spec(dict(epsilons=[0.0, 0.1], epochs=1),
                                    kinds={"epsilons": "anything", "attack": "choice:fgsm"},
                                    extra=[("epsilons", [], "no sizes"), ("epsilons", [-0.1], "a negative size"),
                                           ("epsilons", None, "None"), ("epsilons", [NAN], "NaN")],
                                    shape=None, dtype=None),
    }


def _poly(x, d):
    from mltheory.symmetry import monomial_features

    return monomial_features(x, d)


def _x_times_dx(p):
    from mltheory.symmetry.representations import x

    return x * sp.diff(p, x)


def _ttt(board=(0,) * 9):
    from mltheory.rl import TicTacToe

    return TicTacToe(board)


def _two_action_logits(theta):
    return theta.reshape(1, 2)


def _first_action_probability(theta):
    return torch.softmax(theta, -1)[0]


def _rl_trust_search_specs() -> dict[str, Spec]:
    """The functions of the RL pages on supervised learning, trust regions and search, at small sizes."""
    logits = [[0.0, 1.0, -1.0], [0.5, 0.0, 0.0]]
    return {
        "rl.rl_classification_loss": Spec(dict(logits=logits, labels=[0, 2], seed=0),
                                          kinds={"logits": "array", "labels": "labels", "epsilon": "unit"},
                                          extra=[("labels", [0, 1, 2], "2 rows of logits and 3 labels"),
                                                 ("logits", [0.0, 1.0], "a vector of logits")], shape=()),
        "rl.sl_vs_rl_gradients": Spec(dict(logits=logits, labels=[0, 2]), kinds={"logits": "array", "labels": "labels"},
                                      extra=[("labels", [0], "2 rows of logits and 1 label")], shape=(2, 3)),
        "rl.train_digits_classifier": Spec(dict(method="reinforce", examples=32, every=16),
                                           kinds={"method": "choice:reinforce", "examples": "count1", "every": "count1",
                                                  "epsilon": "unit"},
                                           shape=None, dtype=None),
        "rl.policy_kl": Spec(dict(logits_new=logits, logits_old=[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]),
                             kinds={"logits_new": "array", "logits_old": "array", "weights": "prob"},
                             extra=[("logits_old", [[0.0, 0.0, 0.0]], "logits_old of another shape"),
                                    ("weights", [0.2, 0.3, 0.5], "3 weights for 2 states")], shape=()),
        "rl.fisher_vector_product": Spec(dict(logits_fn=_two_action_logits, theta=[0.0, 1.0], v=[1.0, 0.0]),
                                         kinds={"logits_fn": "callable", "v": "array", "damping": "nonneg"},
                                         extra=[("v", [1.0, 0.0, 0.0], "v of another length")], shape=(2,)),
        "rl.trpo_step": Spec(dict(objective=_first_action_probability, logits_fn=_two_action_logits, theta=[0.0, 0.0]),
                             kinds={"objective": "callable", "logits_fn": "callable", "max_kl": "positive",
                                    "cg_iters": "count1", "backtracks": "count0", "damping": "nonneg"},
                             shape=None, dtype=None),
        "rl.legal_positions": Spec({}, shape=None, dtype=None),
        "rl.minimax": Spec(dict(state=_ttt()), kinds={"state": "anything"},
                           extra=[("state", None, "None"), ("state", (0,) * 9, "a tuple instead of a position")],
                           shape=None, dtype=None),
        "rl.mcts": Spec(dict(state=_ttt(), n_simulations=8),
                        kinds={"state": "anything", "n_simulations": "count2", "c_puct": "positive",
                               "prior_value_fn": "callable_or_none", "dirichlet_alpha": "positive_or_none",
                               "dirichlet_weight": "unit"},
                        extra=[("state", None, "None"), ("state", _ttt((1, 1, 1, -1, -1, 0, 0, 0, 0)), "a won game")],
                        shape=(9,)),
        "rl.puct_score": Spec(dict(q=[0.0, 0.5], prior=[0.5, 0.5], visits=[0.0, 4.0], parent_visits=4.0),
                              kinds={"q": "array", "prior": "nonneg_array", "visits": "nonneg_array",
                                     "parent_visits": "nonneg", "c_puct": "positive"},
                              extra=[("prior", [0.2, 0.3, 0.5], "3 priors for 2 actions")], shape=(2,)),
        "rl.visit_policy": Spec(dict(counts=[1.0, 3.0, 0.0]), kinds={"counts": "nonneg_array", "tau": "nonneg"},
                                extra=[("counts", [0.0, 0.0], "no visits")], shape=(3,)),
        "rl.self_play": Spec(dict(iterations=1, games=1, n_simulations=2, epochs=1),
                             kinds={"iterations": "count1", "games": "count1", "n_simulations": "count2",
                                    "temperature_moves": "count0", "dirichlet_alpha": "positive", "epochs": "count1",
                                    "lr": "positive", "weight_decay": "nonneg"},
                             shape=None, dtype=None),
        "rl.ppo_clip_loss": Spec(dict(ratio=[0.5, 1.0, 1.5], advantages=[1.0, -1.0, 2.0]),
                                 kinds={"ratio": "positive_array", "advantages": "array", "clip_eps": "unit_open"},
                                 extra=[("advantages", [1.0, 2.0], "3 ratios and 2 advantages")], shape=()),
        "rl.normalize_advantages": Spec(dict(advantages=[1.0, -1.0, 3.0]), kinds={"advantages": "array"},
                                        extra=[("advantages", [2.0, 2.0, 2.0], "equal advantages"),
                                               ("advantages", [2.0], "one advantage")], shape=(3,)),
        "rl.ppo_kl_penalty_loss": Spec(dict(logits=logits, logits_old=[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]], actions=[0, 2],
                                            advantages=[1.0, -1.0], kl_target=0.01),
                                       kinds={"logits": "array", "logits_old": "array", "actions": "labels",
                                              "advantages": "array", "beta": "nonneg", "kl_target": "positive_or_none"},
                                       extra=[("logits_old", [[0.0, 0.0, 0.0]], "logits_old of another shape"),
                                              ("actions", [0, 3], "an action out of range"),
                                              ("actions", [0], "1 action for 2 samples"),
                                              ("advantages", [1.0, 2.0, 3.0], "3 advantages for 2 samples")], shape=()),
        "rl.alphazero_loss": Spec(dict(log_probs=[[-0.5, -1.0], [-2.0, -0.2]], values=[0.5, -0.1],
                                       targets=[[0.3, 0.7], [1.0, 0.0]], results=[1.0, -1.0]),
                                  kinds={"log_probs": "anything", "values": "array", "targets": "prob", "results": "array",
                                         "parameters": "anything", "weight_decay": "nonneg"},
                                  extra=[("log_probs", [[0.5, -1.0], [-2.0, -0.2]], "a positive log-probability"),
                                         ("log_probs", [-0.5, -1.0], "a vector"),
                                         ("log_probs", [[-0.5, -math.inf], [-2.0, -0.2]], "-inf where the target is 0.7"),
                                         ("targets", [[1.0, 0.0]], "1 target for 2 positions"),
                                         ("values", [0.5], "1 value for 2 positions"),
                                         ("results", [1.0, 0.0, 1.0], "3 results for 2 positions")], shape=()),
    }


def _kernels_specs() -> dict[str, Spec]:
    """The layers and Gaussian expectations of :mod:`mltheory.kernels`, and its finite networks (training)."""
    from mltheory.kernels import Dense, Relu, serial

    mismatch = lambda name, value: (name, value, "a mismatched shape")  # noqa: E731
    """The layers, Gaussian expectations, Monte Carlo kernels and posterior of :mod:`mltheory.kernels`."""
    from mltheory import kernels

    statistics = dict(valid=dict(var1=[1.0, 2.0], var2=[1.0, 0.5], cov=[0.5, -0.2]),
                      kinds={"var1": "nonneg_array", "var2": "nonneg_array", "cov": "array"},
                      extra=[("cov", [3.0, 0.0], "a covariance beyond Cauchy-Schwarz"),
                             ("cov", [0.5, 0.1, 0.0], "a mismatched shape")], shape=(2,))
    return {
        "kernels.Dense": Spec({}, kinds={"weight_std": "positive", "bias_std": "nonneg",
                                         "parametrisation": "choice:ntk"}, shape=None, dtype=None),
        "kernels.Relu": Spec({}, shape=None, dtype=None),
        "kernels.Erf": Spec({}, shape=None, dtype=None),
        "kernels.serial": Spec({}, shape=None, dtype=None),
        "kernels.relu_expectations": Spec(**statistics),
        "kernels.erf_expectations": Spec(**statistics),
        # mltheory.kernels.training
        "kernels.empirical_ntk": Spec(dict(network=nn.Linear(2, 1, dtype=torch.float64), x1=[[1.0, 2.0]],
                                           x2=[[3.0, 4.0], [0.0, 0.0]]),
                                      kinds={"network": "model", "x1": "array", "x2": "array", "chunk_size": "count1"},
                                      extra=[("x2", [[3.0, 4.0, 5.0]], "a mismatched dimension"),
                                             ("network", nn.Linear(2, 3, dtype=torch.float64), "three outputs")],
                                      shape=(1, 2)),
        "kernels.train_network": Spec(dict(network=nn.Linear(2, 1, dtype=torch.float64), x_train=[[1.0, 0.0]],
                                           y_train=[1.0], steps=2, learning_rate=0.1),
                                      kinds={"network": "model", "x_train": "array", "y_train": "array",
                                             "steps": "count0", "learning_rate": "positive"},
                                      extra=[("y_train", [1.0, 2.0], "a mismatched number of targets")],
                                      shape=None, dtype=None),
        "kernels.ntk_regression": Spec(dict(kernel=serial(Dense(), Relu(), Dense()), x_train=[[1.0, 0.0], [0.0, 1.0]],
                                            y_train=[1.0, -1.0], x_test=[[0.6, 0.8]]),
                                       kinds={"kernel": "model", "x_train": "array", "y_train": "array",
                                              "x_test": "array", "t": "integer_or_none", "learning_rate": "positive"},
                                       extra=[("x_test", [[0.6, 0.8, 0.0]], "a mismatched dimension"),
                                              ("y_train", [1.0], "a mismatched number of targets"),
                                              ("x_train", [[1.0, 0.0], [1.0, 0.0]], "two equal inputs (t=None)")],
                                       shape=(1,)),
        "kernels.training.lazy_data": Spec(dict(train=3, test=2), kinds={"train": "count1", "test": "count1"}, shape=(3, 2)),
        "kernels.lazy_training": Spec(dict(widths=(4,), seeds=2, steps=1),
                                      kinds={"widths": "counts", "seeds": "count2", "steps": "count0"},
                                      shape=None, dtype=None),
        "kernels.power_law_fit": Spec(dict(widths=[16, 64, 256], errors=[[1.0, 1.1], [0.5, 0.6], [0.25, 0.2]]),
                                    kinds={"widths": "positive_array", "errors": "positive_array"},
                                    extra=[mismatch("errors", [[1.0, 1.1], [0.5, 0.6]]),
                                           ("errors", [[1.0], [0.5], [0.25]], "one error per width")],
                                    shape=None, dtype=None),
        "kernels.nngp_posterior": Spec(dict(kernel=kernels.serial(kernels.Dense(), kernels.Erf(), kernels.Dense()),
                                            x_train=[[0.0], [1.0]], y_train=[0.5, -0.5], x_test=[[0.5]], noise_var=0.1),
                                       kinds={"kernel": "callable", "x_train": "array", "y_train": "array",
                                              "x_test": "array", "noise_var": "nonneg"},
                                       extra=[("y_train", [1.0, 2.0, 3.0], "3 targets for 2 inputs"),
                                              ("x_test", [[0.5, 1.0]], "a mismatched input dimension")],
                                       shape=(1,)),
        "kernels.empirical_nngp": Spec(dict(model=kernels.serial(kernels.Dense(), kernels.Relu(), kernels.Dense()),
                                            x=[[1.0, 0.0]], width=4, networks=2),
                                       kinds={"width": "count1", "networks": "count1"},
                                       extra=[("model", kernels.serial(kernels.Relu()), "no read-out dense layer")],
                                       shape=(2, 1, 1), dtype=torch.float32),
        "kernels.empirical_ntk_ensemble": Spec(dict(model=kernels.serial(kernels.Dense(), kernels.Relu(),
                                                                         kernels.Dense()),
                                                    x=[[1.0, 0.0]], width=4, networks=2),
                                               kinds={"width": "count1", "networks": "count1"},
                                               extra=[("model", kernels.serial(kernels.Relu()),
                                                       "no read-out dense layer")],
                                               shape=(2, 1, 1), dtype=torch.float32),
    }


def _kernels_classifier_specs() -> dict[str, Spec]:
    """The softmax, logit gradient, parameter symmetries, linear regions and digits MLP of :mod:`mltheory.kernels.classifier`."""
    from mltheory.kernels import gaussian_relu_mlp
    from mltheory.networks import mlp

    relu = gaussian_relu_mlp([2, 3, 1], seed=0)
    tanh = mlp([2, 3, 1], activation="tanh", seed=0, dtype=torch.float64)
    linear_only = nn.Sequential(nn.Linear(2, 1).double())
    hidden = dict(kinds={"net": "model", "layer": "count0"},
                  extra=[("layer", 1, "a layer beyond the last hidden one"),
                         ("net", linear_only, "a network without a hidden layer")], shape=None, dtype=None)
    segment = dict(valid=dict(net=relu, start=[-1.0, 0.5], end=[1.0, 0.5]),
                   kinds={"net": "model", "start": "array", "end": "array"},
                   extra=[("start", [1.0, 2.0, 3.0], "a mismatched dimension"),
                          ("end", [-1.0, 0.5], "the same point as start"),
                          ("net", tanh, "a tanh network")])
    return {
        "kernels.naive_softmax": Spec(dict(logits=[1.0, 2.0]), shape=(2,)),
        "kernels.shifted_softmax": Spec(dict(logits=[1.0, 2.0]), shape=(2,)),
        "kernels.logit_gradient": Spec(dict(logits=[[1.0, 2.0, 0.5]], labels=[2]), kinds={"labels": "labels"},
                                       extra=[("labels", [0, 1], "two labels for one example"),
                                              ("logits", [1.0, 2.0, 0.5], "a vector instead of a batch")],
                                       shape=(1, 3)),
        "kernels.permute_hidden_units": Spec(dict(net=relu, permutation=[2, 0, 1]),
                                             **{**hidden, "kinds": {**hidden["kinds"], "permutation": "labels"},
                                                "extra": hidden["extra"] + [("permutation", [0, 0, 1], "a repeated unit"),
                                                                            ("permutation", [0, 1], "too few units")]}),
        "kernels.rescale_hidden_units": Spec(dict(net=relu, factors=[1.0, 2.0, 0.5]),
                                             **{**hidden, "kinds": {**hidden["kinds"], "factors": "positive_array"},
                                                "extra": hidden["extra"] + [("factors", [1.0, 2.0], "too few factors")]}),
        "kernels.gaussian_relu_mlp": Spec(dict(sizes=[2, 3, 1], seed=0),
                                          kinds={"sizes": "sizes", "weight_gain": "positive", "bias_std": "nonneg"},
                                          shape=None, dtype=None),
        "kernels.linear_region_breakpoints": Spec(**segment, shape=None),
        "kernels.count_linear_regions": Spec(**segment, shape=None, dtype=None),
        "kernels.regions_against_depth": Spec(dict(depths=(1, 2), width=3, networks=2),
                                              kinds={"depths": "counts", "width": "count1", "networks": "count1",
                                                     "half_length": "positive"}, shape=(2, 2)),
        "kernels.train_digits_classifier": Spec(dict(epochs=1), kinds={"trained": "flag"}, shape=None, dtype=None),
    }


def _signal_propagation_specs() -> dict[str, Spec]:
    """The initialisers and normalisations of :mod:`mltheory.networks` and :mod:`mltheory.kernels.mean_field`."""
    maps = {"activation": "choice:tanh", "weight_var": "positive", "bias_var": "nonneg"}
    optional = {"weight": "anything", "bias": "anything", "eps": "nonneg"}
    return {
        "networks.init_variance": Spec(dict(scheme="he", fan_in=4, fan_out=3),
                                       kinds={"scheme": "choice:he", "fan_in": "count1", "fan_out": "count1"},
                                       shape=None, dtype=None),
        "networks.init_weight": Spec(dict(fan_in=4, fan_out=3, seed=0),
                                     kinds={"scheme": "choice:he", "fan_in": "count1", "fan_out": "count1"},
                                     shape=(3, 4)),
        "networks.layer_norm": Spec(dict(x=[[1.0, 2.0, 4.0]], weight=[1.0, 2.0, 1.0], bias=[0.0, 0.0, 1.0]),
                                    kinds={"x": "array", **optional},
                                    extra=[("weight", [1.0, 2.0], "2 gains for 3 features"),
                                           ("bias", [[0.0, 0.0, 1.0]], "a bias of the wrong shape")],
                                    shape=(1, 3)),
        "networks.batch_norm": Spec(dict(x=[[1.0, 2.0], [3.0, 5.0]], running_mean=[0.0, 0.0], running_var=[1.0, 1.0]),
                                    kinds={"x": "array", "running_mean": "array", "running_var": "nonneg_array",
                                           "training": "flag", "momentum": "unit", **optional},
                                    extra=[("x", [[1.0, 2.0]], "one example in training"),
                                           ("running_mean", [0.0], "1 mean for 2 features"),
                                           ("weight", [1.0, 2.0, 3.0], "3 gains for 2 features")],
                                    shape=(2, 2)),
        "networks.weight_norm": Spec(dict(v=[[3.0, 4.0], [1.0, 0.0]], g=[1.0, 2.0]),
                                     kinds={"v": "array", "g": "array"},
                                     extra=[("v", [[0.0, 0.0], [1.0, 0.0]], "a zero row"),
                                            ("v", [3.0, 4.0], "no input axis"),
                                            ("g", [1.0], "1 length for 2 rows")],
                                     shape=(2, 2)),
        "kernels.length_map": Spec(dict(q=[0.5, 1.0], activation="tanh", weight_var=1.5, bias_var=0.1),
                                   kinds={"q": "nonneg_array", **maps}, shape=(2,)),
        "kernels.correlation_map": Spec(dict(c=[0.0, 0.5], activation="tanh", weight_var=1.5, bias_var=0.1),
                                        kinds={"c": "array", **maps},
                                        extra=[("c", [1.5], "a correlation above 1")],
                                        shape=(2,)),
        "kernels.length_fixed_point": Spec(dict(activation="tanh", weight_var=1.5, bias_var=0.1), kinds=maps,
                                           shape=None, dtype=None),
        "kernels.chi1": Spec(dict(activation="tanh", weight_var=1.5, bias_var=0.1), kinds=maps, shape=None, dtype=None),
        "kernels.critical_weight_variance": Spec(dict(activation="tanh", bias_var=0.05),
                                                 kinds={"activation": "choice:tanh", "bias_var": "nonneg"},
                                                 shape=None, dtype=None),
        "kernels.signal_propagation": Spec(dict(depth=2, width=4, seeds=2),
                                           kinds={"depth": "count1", "width": "count1", "init": "choice:he",
                                                  "seeds": "count1"},
                                           shape=(2, 3)),
        "kernels.residual_growth": Spec(dict(depth=2, width=4, seeds=2),
                                        kinds={"depth": "count1", "width": "count1", "branch_gain": "positive",
                                               "scaled": "flag", "seeds": "count1"},
                                        shape=(2,)),
    }


def _kernels_blocks_specs() -> dict[str, Spec]:
    """The recurrent, convolutional and attention layers of :mod:`mltheory.kernels.blocks`, and their counts."""
    g = torch.Generator().manual_seed(0)
    draw = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64).numpy()  # noqa: E731
    arrays = lambda *names: {name: "array" for name in names}  # noqa: E731
    d_x, d_h = 3, 2
    recurrent = dict(x=draw(1, d_x), h=draw(1, d_h), weight_ih=draw(d_h, d_x), weight_hh=draw(d_h, d_h),
                     bias_ih=draw(d_h), bias_hh=draw(d_h))
    lstm = dict(recurrent, c=draw(1, d_h), weight_ih=draw(4 * d_h, d_x), weight_hh=draw(4 * d_h, d_h),
                bias_ih=draw(4 * d_h), bias_hh=draw(4 * d_h))
    attention = dict(x=draw(5, 4), in_weight=draw(12, 4), out_weight=draw(4, 4), n_heads=2, in_bias=draw(12),
                     out_bias=draw(4))
    counts = {"input_size": "count1", "hidden_size": "count1", "bias_vectors": "count0"}
    return {
        "kernels.rnn_cell": Spec(recurrent, kinds=dict(arrays(*recurrent), nonlinearity="choice:tanh"),
                                 extra=[("h", draw(1, 3), "a hidden state of the wrong size"),
                                        ("weight_hh", draw(2, 3), "a non-square recurrent weight")], shape=(1, d_h)),
        "kernels.lstm_cell": Spec(lstm, kinds=arrays(*lstm),
                                  extra=[("weight_ih", draw(d_h, d_x), "one gate's weights instead of four"),
                                         ("c", draw(1, 3), "a cell state of the wrong size")], shape=(1, d_h)),
        "kernels.rnn_param_count": Spec(dict(input_size=3, hidden_size=2), kinds=counts, shape=None, dtype=None),
        "kernels.lstm_param_count": Spec(dict(input_size=3, hidden_size=2), kinds=counts, shape=None, dtype=None),
        "kernels.conv2d_param_count": Spec(dict(in_channels=8, out_channels=16, kernel_size=5),
                                           kinds={"in_channels": "count1", "out_channels": "count1",
                                                  "kernel_size": "count1", "bias": "flag"}, shape=None, dtype=None),
        "kernels.mha_param_count": Spec(dict(d_model=8), kinds={"d_model": "count1", "bias": "flag"},
                                        shape=None, dtype=None),
        "kernels.conv2d_im2col": Spec(dict(x=draw(1, 2, 5, 5), weight=draw(3, 2, 3, 3), bias=draw(3), padding=1),
                                      kinds=dict(arrays("x", "weight", "bias"), stride="count1", padding="count0",
                                                 padding_mode="choice:zeros"),
                                      extra=[("weight", draw(3, 4, 3, 3), "filters for 4 channels on 2"),
                                             ("weight", draw(3, 2, 9, 9), "a filter larger than the image"),
                                             ("x", draw(2, 5, 5), "an image without a batch axis")],
                                      shape=(1, 3, 5, 5)),
        "kernels.scaled_dot_product_attention": Spec(dict(q=draw(4, 2), k=draw(3, 2), v=draw(3, 5)),
                                                     kinds=dict(arrays("q", "k", "v"), causal="flag"),
                                                     extra=[("k", draw(3, 4), "keys of another width than the queries"),
                                                            ("v", draw(2, 5), "fewer values than keys"),
                                                            ("causal", True, "a causal mask with 4 queries and 3 keys")],
                                                     shape=(4, 5)),
        "kernels.multi_head_attention": Spec(attention, kinds=dict(arrays("x", "in_weight", "out_weight", "in_bias",
                                                                          "out_bias"), n_heads="count1", causal="flag"),
                                             extra=[("n_heads", 3, "3 heads for width 4"),
                                                    ("in_weight", draw(4, 4), "one projection instead of three")],
                                             shape=(5, 4)),
        "kernels.sinusoidal_positional_encoding": Spec(dict(n_positions=5, d_model=4),
                                                       kinds={"n_positions": "count1", "d_model": "count2",
                                                              "wavelength": "positive_bounded"},
                                                       extra=[("d_model", 5, "an odd width"),
                                                              ("wavelength", 0.5, "a wavelength below 1")],
                                                       shape=(5, 4)),
        "kernels.positional_shift_matrix": Spec(dict(shift=3, d_model=4),
                                                kinds={"shift": "integer_or_none", "d_model": "count2",
                                                       "wavelength": "positive_bounded"},
                                                extra=[("d_model", 3, "an odd width")], shape=(4, 4)),
        "kernels.transformer_param_count": Spec(dict(d_model=8, n_layers=2, n_vocab=10),
                                                kinds={"d_model": "count1", "n_layers": "count0", "n_vocab": "count0",
                                                       "d_ff": "integer_or_none", "n_positions": "count0"},
                                                shape=None, dtype=None),
        "kernels.transformer_flops": Spec(dict(n_seq=16, d_model=8),
                                          kinds={"n_seq": "count1", "d_model": "count1", "n_layers": "count0",
                                                 "d_ff": "integer_or_none", "n_vocab": "count0"},
                                          shape=None, dtype=None),
    }


def _kernels_models_specs() -> dict[str, Spec]:
    """The embedding, transformer block and small CNN of :mod:`mltheory.kernels.models`."""
    g = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    layer = torch.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True, dtype=torch.float64)
    params = {name: p.detach().numpy() for name, p in layer.named_parameters()}
    x = torch.randn(5, 4, generator=g, dtype=torch.float64).numpy()
    return {
        "kernels.embedding": Spec(dict(tokens=[0, 2, 1], weight=x), kinds={"tokens": "labels", "weight": "array"},
                                  extra=[("tokens", [0, 5], "a token outside a vocabulary of 5")], shape=(3, 4)),
        "kernels.transformer_block": Spec(dict(x=x, params=params, norm_first=True, n_heads=2),
                                          kinds={"x": "array", "params": "anything", "norm_first": "flag",
                                                 "n_heads": "count1", "causal": "flag", "eps": "positive"},
                                          extra=[("params", {}, "no parameters"), ("params", [1.0], "a list"),
                                                 ("n_heads", 3, "3 heads for width 4"),
                                                 ("x", x[:, :3], "tokens of width 3 for weights of width 4")],
                                          shape=(5, 4)),
        "kernels.gram_matrix": Spec(dict(features=x.reshape(1, 5, 2, 2)), kinds={"features": "array"},
                                    extra=[("features", x, "a map without a channel axis")], shape=(1, 5, 5)),
        "kernels.small_cnn": Spec(dict(seed=0), kinds={"channels": "count1"}, shape=None, dtype=None),
        "kernels.digits_cnn_vs_mlp": Spec(dict(epochs=1, hidden=4), kinds={"trained": "flag"}, shape=None,
                                          dtype=None),
    }


def _generalization_specs() -> dict[str, Spec]:
    """The random matrices, polynomial fits and simplicity-bias experiment of :mod:`mltheory.generalization`."""
    return {
        "generalization.marchenko_pastur_edges": Spec(dict(r=0.5), kinds={"r": "positive", "sigma2": "positive"},
                                                      shape=None, dtype=None),
        "generalization.marchenko_pastur_pdf": Spec(dict(x=[0.5, 1.0, 2.0], r=0.5),
                                                    kinds={"r": "positive", "sigma2": "positive"}, shape=(3,)),
        "generalization.gram_eigenvalues": Spec(dict(P=4, D=2), kinds={"P": "count1", "D": "count1",
                                                                       "sigma2": "positive", "samples": "count1"},
                                                shape=(1, 4)),
        "generalization.overfitting_term": Spec(dict(eigenvalues=[0.0, 0.5, 2.0]),
                                                kinds={"eigenvalues": "nonneg_array", "sigma_eps": "nonneg"}, shape=()),
        "generalization.legendre_features": Spec(dict(x=[-0.5, 0.5], degree=2), kinds={"degree": "count0"},
                                                 extra=[("x", [[0.5]], "a matrix of points")], shape=(2, 3)),
        "generalization.polynomial_fit": Spec(dict(x=[-1.0, 0.0, 1.0], y=[1.0, 0.0, 1.0], degree=2),
                                              kinds={"degree": "count0", "ridge": "nonneg"},
                                              extra=[("y", [1.0, 0.0], "3 points and 2 targets")], shape=(3,)),
        "generalization.polynomial_errors": Spec(dict(teacher=_square, n=4, degrees=(0, 1), seeds=1, n_test=5),
                                                 kinds={"teacher": "callable", "n": "count1", "degrees": "anything",
                                                        "noise_sd": "nonneg", "ridge": "nonneg", "seeds": "count1",
                                                        "n_test": "count1"},
                                                 shape=(1, 2)),
        "generalization.teacher_student": Spec(dict(P=3, D=5, teachers=2),
                                               kinds={"P": "count1", "D": "count1", "teachers": "count1", **_SIGMAS},
                                               shape=(5, 3)),
        "generalization.gradient_flow_linear": Spec(dict(X=_FLOW_X, y=[1.0, 2.0, 3.0], w0=[0.0, 0.0], times=[0.0, 1.0]),
                                                    kinds={"w0": "array", "times": "nonneg_array"},
                                                    extra=[("y", [1.0, 2.0], "2 labels for 3 rows"),
                                                           ("w0", [0.0, 0.0, 0.0], "3 weights for 2 columns"),
                                                           ("times", [[0.0, 1.0]], "a matrix of times"),
                                                           ("X", [1.0, 2.0, 3.0], "a vector for X")], shape=(2, 2)),
        "generalization.ridge_fit": Spec(dict(X=_FLOW_X, y=[1.0, 2.0, 3.0], penalty=0.5), kinds={"penalty": "positive"},
                                         extra=[("y", [1.0, 2.0], "2 labels for 3 rows")], shape=(2,)),
        "generalization.generalization_error": Spec(dict(w=[1.0, 0.0], teacher=[0.0, 1.0]),
                                                    kinds={"w": "array", "teacher": "array", "sigma_eps": "nonneg"},
                                                    extra=[("teacher", [0.0, 1.0, 2.0], "3 weights against 2")],
                                                    shape=()),
        "generalization.egen_theory": Spec(dict(eigenvalues=[0.0, 0.5, 2.0], t=[0.0, 1.0]),
                                           kinds={"eigenvalues": "nonneg_array", "t": "nonneg_array", **_SIGMAS},
                                           extra=[("t", [[0.0, 1.0]], "a matrix of times")], shape=(2,)),
        "generalization.optimal_stopping_time": Spec(dict(eigenvalues=[0.0, 0.5, 2.0]),
                                                     kinds={"eigenvalues": "nonneg_array", **_SIGMAS,
                                                            "sigma_eps": "positive"}, shape=(3,)),
        "generalization.gram_spectrum": Spec(dict(X=_FLOW_X), extra=[("X", [1.0, 2.0], "a vector")], shape=(2,)),
        "generalization.egen_ridge": Spec(dict(eigenvalues=[0.0, 0.5, 2.0], penalty=0.25),
                                          kinds={"eigenvalues": "nonneg_array", "penalty": "positive",
                                                 "sigma_w": "nonneg", "sigma_eps": "nonneg"}, shape=()),
        "generalization.ridgeless_risk": Spec(dict(n=20, p=[5, 40], sigma2=1.0, r2=1.0),
                                              kinds={"n": "positive", "p": "positive_array", "sigma2": "nonneg",
                                                     "r2": "nonneg", "exact": "flag"},
                                              extra=[("n", 20.5, "a fractional n with exact=True"),
                                                     ("p", [7.5], "a fractional p with exact=True")], shape=(2,)),
        "generalization.random_features_regression": Spec(dict(n=6, features=[3, 12], d=2, draws=2, n_test=4),
                                                          kinds={"n": "count1", "features": "counts", "d": "count1",
                                                                 "ridge": "nonneg", "draws": "count2",
                                                                 "n_test": "count1"},
                                                          shape=(2, 2, 4)),
        "generalization.bias_variance_decomposition": Spec(dict(predictions=[[1.0, 2.0], [3.0, 2.0]], targets=[2.0, 1.0]),
                                                           kinds={"predictions": "array", "targets": "array",
                                                                  "unbiased": "flag"},
                                                           extra=[("predictions", [[1.0, 2.0]], "one draw"),
                                                                  ("targets", [1.0, 2.0, 3.0], "3 targets for 2 points")],
                                                           shape=()),
        "generalization.lms_data": Spec(dict(n=4, dim=3, seed=0), kinds={"n": "count2", "dim": "count2"},
                                        extra=[("n", 5, "an odd number of examples")], shape=(4, 3),
                                        dtype=torch.float32),
        "generalization.train_classifier": Spec(dict(x=torch.zeros(4, 2), y=torch.tensor([0, 1, 0, 1]), epochs=1,
                                                     seed=0),
                                                kinds={"x": "tensor", "y": "tensor"},
                                                extra=[("y", torch.tensor([0, 1, 0]), "4 points and 3 labels"),
                                                       ("y", torch.tensor([0, 1, 0, -1]), "a negative label"),
                                                       ("x", torch.zeros(4), "a vector of inputs")],
                                                shape=None, dtype=None),
        "generalization.first_layer_gradient": Spec(dict(model=nn.Sequential(nn.Linear(2, 3), nn.ReLU(),
                                                                          nn.Linear(3, 2)),
                                                         x=torch.ones(4, 2), y=torch.tensor([0, 1, 0, 1])),
                                                    kinds={"x": "tensor", "y": "labels"},
                                                    extra=[("x", torch.ones(4, 3), "3 coordinates for 2 inputs"),
                                                           ("y", torch.tensor([0, 1, 0]), "4 points and 3 labels")],
                                                    shape=(2,), dtype=torch.float32),
        "generalization.randomised_accuracy": Spec(dict(model=nn.Linear(2, 2), x=torch.zeros(4, 2),
                                                        y=torch.tensor([0, 1, 0, 1]), coordinate=0, seed=0),
                                                   kinds={"x": "tensor", "y": "labels", "coordinate": "count0"},
                                                   extra=[("coordinate", 2, "a coordinate beyond the input"),
                                                          ("x", torch.zeros(4), "a vector of inputs")],
                                                   shape=None, dtype=None),
    }


def _sharpness_specs() -> dict[str, Spec]:
    """The rescaling of layers and the Hessian (:mod:`mltheory.generalization.sharpness`) and the random-label
    alignment (:mod:`mltheory.generalization.alignment`), at tiny sizes."""
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2)).double()
    x, y = torch.ones(4, 2, dtype=torch.float64), torch.tensor([0, 1, 0, 1])
    rescale_kinds = {"alpha": "positive", "layer": "count0"}
    too_deep = [("layer", 1, "a layer with no linear layer after it")]
    examples = dict(model=net, x=x, y=y)
    example_kinds = {"x": "tensor", "y": "labels"}
    example_extra = [("x", torch.ones(4, 3, dtype=torch.float64), "3 coordinates for 2 inputs"),
                     ("y", torch.tensor([0, 1, 0]), "4 points and 3 labels"), ("x", torch.ones(4), "a vector")]
    labels = torch.tensor([0, 1, 2, 0, 1, 2])
    inputs = torch.arange(18.0).reshape(6, 3).sin()
    return {
        "generalization.principal_energy": Spec(dict(covariance=[[2.0, 0.0], [0.0, 1.0]],
                                                     reference=[[1.0, 0.0], [0.0, 3.0]], k=1),
                                                kinds={"covariance": "array", "reference": "array", "k": "count1"},
                                                extra=[("k", 3, "k above the dimension"),
                                                       ("covariance", [[0.0, 0.0], [0.0, 0.0]], "a zero trace"),
                                                       ("reference", [[1.0, 0.0, 0.0]], "a non-square matrix")],
                                                shape=None, dtype=None),
        "generalization.first_layer_alignment": Spec(dict(x=inputs, y=labels, hidden=4, epochs=1, k=2, seed=0),
                                                     kinds={"x": "tensor", "y": "labels", "optimizer": "choice:sgd",
                                                            "k": "count1", "lr": "positive_bounded"},
                                                     extra=[("k", 4, "k above the input dimension"),
                                                            ("y", labels[:5], "6 points and 5 labels"),
                                                            ("x", torch.ones(6), "a vector of inputs")],
                                                     shape=None, dtype=None),
        "generalization.rescaling_factors": Spec(dict(model=net, alpha=2.0), kinds=rescale_kinds, extra=too_deep,
                                                 shape=(17,)),
        "generalization.rescale_layers": Spec(dict(model=net, alpha=2.0), kinds=rescale_kinds, extra=too_deep,
                                              shape=None, dtype=None),
        "generalization.loss_hessian": Spec(examples, kinds=example_kinds, extra=example_extra, shape=(17, 17)),
        "generalization.top_hessian_eigenvalue": Spec(dict(examples, iterations=5), kinds=example_kinds,
                                                      extra=example_extra, shape=None, dtype=None),
    }


_SIGMAS = {"sigma_w": "nonneg", "sigma_eps": "nonneg", "sigma_w0": "nonneg"}
_FLOW_X = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]


def _gan_specs() -> dict[str, Spec]:
    """The GAN functions of :mod:`mltheory.generative`, at tiny sizes."""
    dirac = {"method": "choice:simultaneous", "k": "count1", "gamma": "nonneg"}
    return {
        "generative.optimal_discriminator": Spec(dict(p=[0.3, 0.0], q=[0.1, 0.2]),
                                                 kinds={"p": "nonneg_array", "q": "nonneg_array"},
                                                 extra=[("q", [0.1, 0.0], "p + q zero at a point"),
                                                        ("q", [0.1, 0.1, 0.1], "mismatched shapes")], shape=(2,)),
        "generative.gan_losses": Spec(dict(real_logits=[0.5, -0.5], fake_logits=[0.0]),
                                      kinds={"real_logits": "array", "fake_logits": "array",
                                             "kind": "choice:minimax"}, shape=()),
        "generative.dirac_gan": Spec(dict(method="unrolled", steps=3, k=2), kinds={**dirac, "start": "array"},
                                     extra=[("start", [1.0, 1.0, 1.0], "a start of size 3")], shape=(4, 2)),
        "generative.game_jacobian": Spec(dict(method="r1"), kinds=dirac, shape=(2, 2)),
        "generative.gaussian_mixture": Spec(dict(means=[-1.0, 1.0]), kinds={"means": "array", "sd": "positive"},
                                            extra=[("means", [[0.0]], "a matrix of means")], shape=None, dtype=None),
        "generative.fit_discriminator": Spec(dict(real=[0.0, 1.0], fake=[2.0, 3.0], hidden=2, steps=2),
                                             kinds={"real": "array", "fake": "array", "hidden": "count1"},
                                             extra=[("real", [[0.0, 1.0]], "points of dimension 2")],
                                             shape=None, dtype=None),
        "generative.train_mixture_gan": Spec(dict(means=[-1.0, 1.0], steps=2, batch_size=4, hidden=2, n_show=3),
                                             kinds={"means": "array", "sd": "positive", "kind": "choice:minimax",
                                                    "hidden": "count1", "latent": "count1", "checkpoints": "count1",
                                                    "n_show": "count1"},
                                             shape=None, dtype=None),
    }


def _autoencoder_specs() -> dict[str, Spec]:
    """PCA, principal angles and the autoencoders of :mod:`mltheory.generative`, at tiny sizes."""
    points = [[0.0, 1.0], [1.0, 0.0], [2.0, 2.5]]
    return {
        "generative.pca": Spec(dict(x=points, k=1), kinds={"k": "count1"},
                               extra=[("k", 3, "k above the dimension"), ("x", [[1.0, 2.0]], "a single point")],
                               shape=(2,)),
        "generative.principal_angles": Spec(dict(a=[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], b=[[1.0], [0.0], [1.0]]),
                                            kinds={"a": "array", "b": "array"},
                                            extra=[("b", [[1.0], [0.0]], "a different dimension"),
                                                   ("a", [[1.0, 2.0], [1.0, 2.0], [0.0, 0.0]], "dependent columns")],
                                            shape=(1,)),
        "generative.linear_autoencoder": Spec(dict(x=points, k=1, steps=2), kinds={"k": "count1",
                                                                                   "lr": "positive_or_none"},
                                              extra=[("k", 3, "k above the dimension")], shape=(2,)),
        "generative.autoencoder": Spec(dict(encoder_sizes=[4, 2], seed=0),
                                       kinds={"encoder_sizes": "sizes", "activation": "choice:tanh"},
                                       shape=None, dtype=None),
        "generative.knn_leave_one_out": Spec(dict(z=[[0.0], [0.1], [5.0], [5.1]], labels=[0, 0, 1, 1], neighbours=1),
                                             kinds={"z": "array", "labels": "count_array", "neighbours": "count1"},
                                             extra=[("neighbours", 4, "more than n - 1 neighbours"),
                                                    ("labels", [0, 1], "2 labels for 4 points")], shape=(4,)),
    }


def _zero_conditioner(kept):
    return torch.zeros_like(kept), torch.ones_like(kept)


def _flow_specs() -> dict[str, Spec]:
    """The flows and autoregressive models of :mod:`mltheory.generative`, at tiny sizes."""
    from mltheory.generative import LogisticAutoregressive, realnvp

    points, bits = [[0.5, -1.0], [1.0, 2.0]], [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]]
    rows = [("x", [1.0, 2.0], "a vector")]
    return {
        "generative.affine_coupling": Spec(dict(x=points, mask=[1.0, 0.0], conditioner=_zero_conditioner),
                                           kinds={"mask": "bits", "conditioner": "callable", "inverse": "flag"},
                                           extra=rows + [("mask", [1.0, 0.0, 1.0], "a mask of length 3")],
                                           shape=(2, 2)),
        "generative.realnvp": Spec(dict(dim=2, layers=2, hidden=2), kinds={"dim": "count2", "layers": "count1"},
                                   shape=None, dtype=None),
        "generative.standard_normal_log_prob": Spec(dict(z=points), kinds={"z": "array"}, shape=(2,)),
        "generative.flow_log_prob": Spec(dict(flow=realnvp(layers=1, hidden=2), x=points),
                                         kinds={"flow": "model"}, extra=rows, shape=(2,)),
        "generative.fit_flow": Spec(dict(flow=realnvp(layers=1, hidden=2), x=points, steps=2, batch=2),
                                    kinds={"flow": "model", "steps": "count0", "batch": "count1"}, extra=rows,
                                    shape=(2,)),
        "generative.two_moons": Spec(dict(n=4), kinds={"n": "count1", "noise": "nonneg"}, shape=(4, 2)),
        "generative.autoregressive_nll": Spec(dict(model=LogisticAutoregressive(3), x=bits), kinds={"x": "bits"},
                                              extra=[("x", [1.0, 0.0], "a vector")], shape=(2,)),
        "generative.bits_per_dim": Spec(dict(nll=[1.0, 2.0], dim=3), kinds={"nll": "array", "dim": "count1"},
                                        shape=(2,)),
        "generative.binarised_digits": Spec({}, kinds={"threshold": "unit"}, shape=(1797, 64)),
        "generative.independent_bernoulli": Spec(dict(x=bits), kinds={"x": "bits", "pseudocount": "positive"},
                                                 extra=[("x", [1.0, 0.0], "a vector")], shape=None, dtype=None),
        "generative.fit_autoregressive": Spec(dict(x=bits, steps=2), kinds={"x": "bits", "context": "flag",
                                                                           "steps": "count0"},
                                              extra=[("x", [1.0, 0.0], "a vector")], shape=None, dtype=None),
    }


def _mutual_information_specs() -> dict[str, Spec]:
    """The bounds on mutual information of :mod:`mltheory.generative`."""
    correlation = [("rho", 1.0, "a correlation of 1"), ("rho", -1.5, "a correlation below -1")]
    pairs = [[0.0, 1.0], [1.0, 0.0], [0.5, -0.5]]
    return {
        "generative.barber_agakov_bound": Spec(dict(p_xc=[[0.4, 0.1], [0.1, 0.4]], q_c_given_x=[[0.8, 0.2], [0.3, 0.7]]),
                                               kinds={"p_xc": "prob", "q_c_given_x": "prob"},
                                               extra=[("q_c_given_x", [[0.5, 0.5]], "a model for one of two x")],
                                               shape=()),
        "generative.infonce": Spec(dict(scores=[[1.0, 0.0], [0.5, 2.0]]), kinds={"scores": "array"},
                                   extra=[("scores", [[1.0, 0.0, 0.5]], "a 1 × 3 matrix"),
                                          ("scores", [1.0, 2.0], "a vector")], shape=()),
        "generative.gaussian_mutual_information": Spec(dict(rho=0.9, d=10), kinds={"rho": "real", "d": "count1"},
                                                       extra=correlation, shape=()),
        "generative.correlated_gaussians": Spec(dict(n=4, d=2, rho=0.5, seed=0),
                                                kinds={"n": "count1", "d": "count1", "rho": "real",
                                                       "batches": "count1"},
                                                extra=correlation, shape=(4, 2)),
        "generative.gaussian_log_ratio_critic": Spec(dict(x=pairs, y=pairs, rho=0.5), kinds={"rho": "real"},
                                                     extra=correlation + [("y", pairs[:2], "3 and 2 pairs"),
                                                                          ("y", [[0.0], [1.0], [2.0]],
                                                                           "a different dimension")],
                                                     shape=(3, 3)),
        "generative.gaussian_infonce": Spec(dict(n=4, batches=2, seed=0),
                                            kinds={"n": "count1", "rho": "real", "d": "count1", "batches": "count1"},
                                            extra=correlation, shape=(2,)),
        "generalization.cover_count": Spec(dict(P=3, N=2), kinds={"P": "count1", "N": "count1"}, shape=None, dtype=None),
        "generalization.kl_inverse": Spec(dict(q=[0.1, 0.2], c=[0.05, 0.1]),
                                          kinds={"q": "unit_array", "c": "nonneg_array", "iterations": "count1"},
                                          extra=[("c", [0.1, 0.2, 0.3], "2 rates and 3 budgets")], shape=(2,)),
        "generalization.pac_bayes_bound": Spec(dict(empirical_error=[0.05], kl=[20.0], n=1000, delta=0.05),
                                               kinds={"empirical_error": "unit_array", "kl": "nonneg_array", "n": "count1",
                                                      "delta": "unit_open", "kind": "choice:kl"}, shape=(1,)),
        "generalization.vc_bound": Spec(dict(vc_dimension=10, n=100, delta=0.05),
                                        kinds={"vc_dimension": "count1", "n": "count1", "delta": "unit_open"},
                                        shape=None, dtype=None),
        "generalization.dziugaite_roy_bound": Spec(
            dict(x=[[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.0]], y=[0, 1, 1, 0], hidden=2, steps=2, mc_samples=4),
            kinds={"y": "labels", "steps": "count0", "penalty": "flag", "delta": "unit_open",
                   "delta_sampling": "unit_open", "mc_samples": "count1", "prior_grid": "anything"},
            extra=[("y", [0, 1, 1], "3 labels for 4 points"), ("y", [0, 1, 2, 0], "a label 2"),
                   ("prior_grid", (1.0, 0.1, 5), "a largest variance below the smallest"),
                   ("prior_grid", [1e-4, 1.0, 10], "a list")],
            shape=None, dtype=None),
    }


def _vae_linear_gaussian():
    """The encoder (exact posterior) and decoder of the linear-Gaussian model p(x | z) = N(2z, 1)."""
    from torch.distributions import Normal

    def encoder(x):
        return 2 * x / 5, torch.full_like(x, math.log(0.2))

    def decoder(z):
        return Normal(2 * z, 1.0)

    return encoder, decoder


def _vae_specs() -> dict[str, Spec]:
    """The ELBO, IWAE, VAE and probabilistic-PCA functions of :mod:`mltheory.generative`."""
    encoder, decoder = _vae_linear_gaussian()
    model = dict(x=[[1.0], [0.5]], encoder=encoder, decoder=decoder)
    kinds = {"x": "array", "encoder": "callable", "decoder": "callable", "k": "count1", "seed": "seed"}
    wrong_encoder = [("encoder", lambda x: x, "an encoder returning one tensor"),
                     ("decoder", lambda z: z, "a decoder returning a tensor"), ("x", [1.0, 0.5], "a vector")]
    points = [[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 0.0], [0.5, 0.5, 0.5]]
    ppca = {"x": "array", "latent": "count1", "noise_var": "positive"}
    return {
        "generative.kl_std_normal": Spec(dict(mean=[[0.5, 0.0]], log_var=[[0.0, -1.0]]),
                                         kinds={"mean": "array", "log_var": "array"},
                                         extra=[("log_var", [[0.0, 0.0, 0.0]], "shapes that do not broadcast")],
                                         shape=(1,)),
        "generative.elbo": Spec(model, kinds={**kinds, "beta": "nonneg"}, extra=wrong_encoder, shape=(2,)),
        "generative.iwae_bound": Spec(dict(model, k=2), kinds=kinds, extra=wrong_encoder, shape=(2,)),
        "generative.vae": Spec(dict(x=[[0.0, 1.0], [1.0, 1.0], [1.0, 0.0]], hidden=2, epochs=1, batch_size=2),
                               kinds={"x": "array", "latent": "count1", "beta": "nonneg", "lr": "positive_bounded"},
                               extra=[("x", [[0.5, 1.0]], "a value that is not 0 or 1"), ("x", [0.0, 1.0], "a vector")],
                               shape=None, dtype=None),
        "generative.ppca_optimum": Spec(dict(x=points, latent=2, noise_var=0.1), kinds=ppca,
                                        extra=[("latent", 4, "more latents than data dimensions"),
                                               ("x", [[1.0, 2.0]], "one example")], shape=(2,)),
        "generative.linear_vae": Spec(dict(x=points, latent=2, noise_var=0.1, iterations=3), kinds=ppca,
                                      extra=[("latent", 4, "more latents than data dimensions")], shape=(2,)),
    }
