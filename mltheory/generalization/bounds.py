"""Generalization bounds: Cover's counting of dichotomies, the PAC-Bayes bounds and a non-vacuous certificate.

A bound on the test error that holds with probability at least :math:`1 - \\delta` over the draw of the training
set is only worth having when it is below 1 (or below the 1/2 of guessing, for two classes). Counting arguments
(:func:`cover_count`) show why bounds that count functions are vacuous for large networks; PAC-Bayes bounds
(:func:`pac_bayes_bound`, with the inverse :func:`kl_inverse` of the binary relative entropy) charge a stochastic
network instead for the relative entropy of its weights to a prior, and :func:`dziugaite_roy_bound` minimises
that charge for a small ReLU network, after Dziugaite & Roy (2017).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..runtime import one_thread
from ..validation import (
    as_generator,
    broadcast_arguments,
    check_array,
    check_choice,
    check_flag,
    check_in_interval,
    check_integer,
    check_labels,
    check_scalar,
    check_shape,
)

__all__ = ["PacBayesCertificate", "cover_count", "dziugaite_roy_bound", "kl_inverse", "pac_bayes_bound", "vc_bound"]


def cover_count(P, N) -> int:
    r"""Cover's count :math:`C(P, N)` of the dichotomies of :math:`P` points that hyperplanes through the origin realise.

    For :math:`P` points in general position in :math:`\mathbb R^N` (every :math:`N` of them linearly
    independent), the number of labellings :math:`\pm 1` that some :math:`w` realises as
    :math:`\operatorname{sign}(w \cdot x_i)` does not depend on the points (Cover 1965):

    .. math::

        C(P, N) = 2 \sum_{k=0}^{N-1} \binom{P - 1}{k}.

    Parameters
    ----------
    P : int
        Number of points, at least 1.
    N : int
        Dimension, at least 1.

    Returns
    -------
    int
        :math:`C(P, N)`, exactly; divide by :math:`2^P` for the fraction of all dichotomies.

    Examples
    --------
    >>> cover_count(3, 2), cover_count(4, 2), cover_count(3, 5)
    (6, 8, 8)
    """
    func = "cover_count"
    P = check_integer(P, name="P", func=func, minimum=1)
    N = check_integer(N, name="N", func=func, minimum=1)
    return 2 * sum(math.comb(P - 1, k) for k in range(N))


def vc_bound(vc_dimension, n, delta) -> float:
    r"""Vapnik and Chervonenkis' bound on the largest gap between test and training error over a class.

    With probability at least :math:`1 - \delta` over :math:`n` training examples, every classifier :math:`h`
    of a class of VC dimension :math:`d` has :math:`L(h) \le \hat L(h) + \varepsilon` with

    .. math::

        \varepsilon = \sqrt{\frac{8}{n}\Bigl(\log\Pi(2n) + \log\frac4\delta\Bigr)},\qquad
        \log\Pi(m) \le \min\Bigl(m\log 2,\ d\bigl(\log\tfrac md + 1\bigr)\Bigr),

    the growth function :math:`\Pi` bounded by Sauer's lemma (its second form needs :math:`m \ge d`).

    Parameters
    ----------
    vc_dimension : int
        :math:`d`, at least 1.
    n : int
        Number of training examples, at least 1.
    delta : float
        Confidence parameter, in (0, 1).

    Returns
    -------
    float
        :math:`\varepsilon`; a value above 1 says nothing.

    Examples
    --------
    >>> round(vc_bound(10, 100_000, 0.05), 3)
    0.095
    """
    func = "vc_bound"
    d = check_integer(vc_dimension, name="vc_dimension", func=func, minimum=1)
    n = check_integer(n, name="n", func=func, minimum=1)
    delta = check_scalar(delta, name="delta", func=func, low=0, high=1, low_open=True, high_open=True)
    m = 2 * n
    log_growth = m * math.log(2)
    if m >= d:
        log_growth = min(log_growth, d * (math.log(m / d) + 1))
    return math.sqrt(8 / n * (log_growth + math.log(4 / delta)))


def _binary_kl(q: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """kl(q ‖ p) of two coins, with 0 log 0 = 0 (``p`` strictly inside (0, 1))."""
    return torch.xlogy(q, q / p) + torch.xlogy(1 - q, (1 - q) / (1 - p))


def kl_inverse(q, c, *, iterations: int = 60) -> torch.Tensor:
    r"""The upper inverse of the binary relative entropy: the largest :math:`p` with :math:`\mathrm{kl}(q \,\|\, p) \le c`.

    .. math::

        \mathrm{kl}^{-1}(q, c) = \max\{p \in [q, 1] : q \log\tfrac{q}{p} + (1 - q)\log\tfrac{1 - q}{1 - p} \le c\}.

    :math:`p \mapsto \mathrm{kl}(q \,\|\, p)` increases on :math:`[q, 1)` from 0 to :math:`\infty`, so bisection
    finds it; the result is rounded up, so that it is never below the exact inverse.

    Parameters
    ----------
    q : array_like
        Empirical error rates, in :math:`[0, 1]`.
    c : array_like
        Budgets, non-negative and finite; broadcast against ``q``.
    iterations : int, default 60
        Bisection steps; the bracket halves each step (60 steps reach float64 resolution).

    Returns
    -------
    torch.Tensor
        :math:`\mathrm{kl}^{-1}(q, c)`, of the broadcast shape, float64.

    Examples
    --------
    >>> kl_inverse([0.0, 0.1, 0.1], [0.1, 0.05, 1.0])
    tensor([0.0952, 0.2201, 0.7636], dtype=torch.float64)
    """
    func = "kl_inverse"
    q = check_in_interval(check_array(q, name="q", func=func).double(), name="q", func=func, low=0, high=1)
    c = check_array(c, name="c", func=func, nonnegative=True).double()
    iterations = check_integer(iterations, name="iterations", func=func, minimum=1)
    q, c = broadcast_arguments({"q": q, "c": c}, func=func)
    low, high = q.clone(), torch.ones_like(q)
    for _ in range(iterations):
        middle = (low + high) / 2
        inside = _binary_kl(q, middle.clamp(max=1 - 1e-300)) <= c
        low, high = torch.where(inside, middle, low), torch.where(inside, high, middle)
    return high


def pac_bayes_bound(empirical_error, kl, n, delta, *, kind: str = "kl") -> torch.Tensor:
    r"""A PAC-Bayes bound on the error of a stochastic classifier :math:`Q`, true with probability :math:`\ge 1 - \delta`.

    With :math:`c = \bigl(D(Q \,\|\, P) + \log(2\sqrt n/\delta)\bigr)/n`, where :math:`P` is a prior chosen
    before the :math:`n` training examples are seen, the Langford–Seeger bound in Maurer's form is
    :math:`\mathrm{kl}^{-1}(\hat L(Q), c)` (``kind="kl"``) and McAllester's bound, which follows from it by
    Pinsker's inequality, is :math:`\hat L(Q) + \sqrt{c/2}` (``kind="mcallester"``); both hold for all
    :math:`Q` at once.

    Parameters
    ----------
    empirical_error : array_like
        :math:`\hat L(Q)`, the mean training error of the stochastic classifier, in :math:`[0, 1]`.
    kl : array_like
        :math:`D(Q \,\|\, P)` in nats, non-negative; broadcast against ``empirical_error``.
    n : int
        Number of training examples, at least 1.
    delta : float
        Confidence parameter, in (0, 1).
    kind : {"kl", "mcallester"}, default "kl"
        Which bound.

    Returns
    -------
    torch.Tensor
        The bound, float64 (the McAllester bound may exceed 1, and then says nothing).

    Examples
    --------
    >>> pac_bayes_bound(0.05, 20.0, 1000, 0.05)
    tensor(0.1173, dtype=torch.float64)
    >>> pac_bayes_bound(0.05, 20.0, 1000, 0.05, kind="mcallester")
    tensor(0.1665, dtype=torch.float64)
    """
    func = "pac_bayes_bound"
    q = check_in_interval(check_array(empirical_error, name="empirical_error", func=func).double(),
                          name="empirical_error", func=func, low=0, high=1)
    kl = check_array(kl, name="kl", func=func, nonnegative=True).double()
    n = check_integer(n, name="n", func=func, minimum=1)
    delta = check_scalar(delta, name="delta", func=func, low=0, high=1, low_open=True, high_open=True)
    kind = check_choice(kind, ("kl", "mcallester"), name="kind", func=func)
    q, kl = broadcast_arguments({"empirical_error": q, "kl": kl}, func=func)
    budget = (kl + math.log(2 * math.sqrt(n) / delta)) / n
    return kl_inverse(q, budget) if kind == "kl" else q + (budget / 2).sqrt()


# --------------------------------------------------------------------------- the stochastic network


def _logits(weights: torch.Tensor, x: torch.Tensor, hidden: int) -> torch.Tensor:
    """Logits of one-hidden-layer ReLU networks with flat weights ``(S, W)`` on inputs ``(n, d)`` or ``(S, n, d)``."""
    S, d = weights.shape[0], x.shape[-1]
    w1, b1, w2, b2 = torch.split(weights, [hidden * d, hidden, hidden, 1], dim=-1)
    h = torch.relu(torch.matmul(x, w1.reshape(S, hidden, d).mT) + b1[:, None, :])
    return (h * w2[:, None, :]).sum(-1) + b2


def _gaussian_kl(mean, log_variance, prior_mean, prior_variance) -> torch.Tensor:
    """D(N(mean, diag e^log_variance) ‖ N(prior_mean, prior_variance I)) in nats."""
    variance = log_variance.exp()
    return 0.5 * ((variance + (mean - prior_mean) ** 2) / prior_variance - 1
                  - log_variance + math.log(prior_variance)).sum()


def _best_prior_variance(mean, log_variance, prior_mean) -> torch.Tensor:
    """The variance λ that minimises D(Q ‖ N(prior_mean, λ I)): the mean of σ² + (μ − μ₀)² over the weights."""
    return (log_variance.exp() + (mean - prior_mean) ** 2).mean()


@dataclass(frozen=True)
class PacBayesCertificate:
    r"""A Gaussian posterior over the weights of a ReLU network and the PAC-Bayes bound it certifies.

    Attributes
    ----------
    bound : float
        The certified test error of the stochastic network, with probability :math:`\ge 1 - \delta - \delta'`.
    empirical_error : float
        Its training error, estimated from ``mc_samples`` sampled networks.
    empirical_error_bound : float
        The upper bound on the training error that this estimate certifies (probability :math:`1 - \delta'`).
    kl : float
        :math:`D(Q \,\|\, P)` in nats, with :math:`P` the chosen prior of the grid.
    budget : float
        :math:`c = (D(Q\|P) + \log(2\sqrt n/\delta) + \log J)/n` of the kl bound.
    prior_variance : float
        The variance of the chosen prior, from the grid fixed before training.
    n : int
        Number of training examples.
    history : torch.Tensor
        The optimised objective, its surrogate error and its complexity term :math:`\sqrt{c/2}` at each step, one row a step.
    mean : torch.Tensor
        The posterior mean :math:`\mu` of the flattened weights.
    log_variance : torch.Tensor
        The posterior log-variances :math:`\log\sigma^2`, one a weight.
    prior_mean : torch.Tensor
        The prior mean :math:`w_0`, the initial weights.
    hidden : int
        Width of the hidden layer.
    """

    bound: float
    empirical_error: float
    empirical_error_bound: float
    kl: float
    budget: float
    prior_variance: float
    n: int
    history: torch.Tensor
    mean: torch.Tensor
    log_variance: torch.Tensor
    prior_mean: torch.Tensor
    hidden: int

    def sample_errors(self, x, y, *, repeats: int = 1, seed=0) -> torch.Tensor:
        """Errors of the stochastic network on ``(x, y)``: for each example, the mean over ``repeats`` fresh networks.

        Each example gets its own independent draws of the weights, so the returned values are independent
        across examples and their mean estimates the error of the stochastic classifier without bias.
        """
        func = "PacBayesCertificate.sample_errors"
        x, y = _check_data(x, y, self.mean.shape[0], self.hidden, func)
        repeats = check_integer(repeats, name="repeats", func=func, minimum=1)
        generator = as_generator(seed, func=func)
        std = (self.log_variance / 2).exp()
        errors = torch.zeros(x.shape[0], dtype=torch.float64)
        for _ in range(repeats):
            weights = self.mean + std * torch.randn(x.shape[0], self.mean.numel(), generator=generator,
                                                    dtype=self.mean.dtype)
            logits = _logits(weights, x[:, None, :], self.hidden)[:, 0]
            errors += ((logits > 0) != y.bool()).double()
        return errors / repeats


def _check_data(x, y, weights: int | None, hidden: int | None, func: str):
    x = check_array(x, name="x", func=func).float()
    sizes = check_shape(x, ("n", "d"), name="x", func=func)
    y = check_labels(y, name="y", func=func, classes=2, shape=(sizes["n"],))
    if weights is not None and weights != hidden * (sizes["d"] + 2) + 1:
        raise ValueError(f"{func}: x must have {(weights - 1) // hidden - 2} features, as in training "
                         f"(got {sizes['d']})")
    return x, y


@one_thread()
def dziugaite_roy_bound(x, y, *, hidden: int = 32, steps: int = 1000, penalty: bool = True,
                        delta: float = 0.025, delta_sampling: float = 0.01, mc_samples: int = 1000,
                        prior_grid: tuple[float, float, int] = (1e-4, 1.0, 100), seed=0) -> PacBayesCertificate:
    r"""A non-vacuous PAC-Bayes bound for a one-hidden-layer ReLU network, after Dziugaite & Roy (2017).

    1. Draw the initial weights :math:`w_0` (seeded, He's scaling); the priors are
       :math:`P_j = \mathcal N(w_0, \lambda_j I)` for a grid of :math:`J` variances :math:`\lambda_j`,
       log-spaced from ``prior_grid[0]`` to ``prior_grid[1]``, all fixed before the data are seen.
    2. Starting from :math:`\mu = w_0` and :math:`\sigma^2` equal to the variance of the entries of :math:`w_0`,
       train a Gaussian posterior :math:`Q = \mathcal N(\mu, \operatorname{diag}\sigma^2)` by minimising
       McAllester's bound, with the logistic loss (divided by :math:`\log 2`, an upper bound on the 0–1 loss) in
       place of the error and the prior variance that minimises the KL,
       :math:`\lambda = \overline{\sigma^2 + (\mu - w_0)^2}`. Each Adam step samples one network
       :math:`w = \mu + \sigma\odot\varepsilon` (the reparametrisation trick).
    3. Round :math:`\lambda` to the grid, estimate the training error :math:`\hat L(Q)` from ``mc_samples``
       sampled networks and bound it by :math:`\mathrm{kl}^{-1}(\hat L_{\text{MC}}, \log(2/\delta')/m)`
       (probability :math:`1 - \delta'`), and certify
       :math:`L(Q) \le \mathrm{kl}^{-1}\bigl(\text{that}, (D(Q\|P_j) + \log(2\sqrt n/\delta) + \log J)/n\bigr)`;
       the :math:`\log J` pays for choosing the prior from the grid (a union bound).

    Dziugaite & Roy first train the network by SGD and start the posterior there; here the bound's own
    objective does the training, which keeps the weights closer to the prior's mean.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Training inputs.
    y : array_like of int, shape (n,)
        Labels 0 and 1.
    hidden : int, default 32
        Width of the hidden layer.
    steps : int, default 1000
        Adam steps of the optimisation of the posterior (non-negative).
    penalty : bool, default True
        Whether the objective includes the KL term; ``False`` trains the posterior on the surrogate error
        alone (and the certificate is then computed all the same).
    delta, delta_sampling : float
        :math:`\delta` of the PAC-Bayes bound and :math:`\delta'` of the Monte Carlo estimate, in (0, 1).
    mc_samples : int, default 1000
        Networks sampled to estimate the training error.
    prior_grid : (float, float, int), default (1e-4, 1, 100)
        Smallest and largest prior variance and the number :math:`J` of grid points.
    seed : int or torch.Generator, default 0

    Returns
    -------
    PacBayesCertificate

    Examples
    --------
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(400, 2, generator=g)
    >>> result = dziugaite_roy_bound(x, (x[:, 0] > 0).long(), hidden=4, steps=50, mc_samples=100)
    >>> result.empirical_error <= result.empirical_error_bound <= result.bound <= 1
    True
    """
    func = "dziugaite_roy_bound"
    x, y = _check_data(x, y, None, None, func)
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    steps = check_integer(steps, name="steps", func=func, minimum=0)
    charge = check_flag(penalty, name="penalty", func=func)
    delta = check_scalar(delta, name="delta", func=func, low=0, high=1, low_open=True, high_open=True)
    delta_sampling = check_scalar(delta_sampling, name="delta_sampling", func=func, low=0, high=1,
                                  low_open=True, high_open=True)
    mc_samples = check_integer(mc_samples, name="mc_samples", func=func, minimum=1)
    if not (isinstance(prior_grid, tuple) and len(prior_grid) == 3):
        raise TypeError(f"{func}: prior_grid must be a tuple (smallest, largest, count) (got {prior_grid!r})")
    smallest = check_scalar(prior_grid[0], name="prior_grid[0]", func=func, low=0, low_open=True)
    largest = check_scalar(prior_grid[1], name="prior_grid[1]", func=func, low=smallest)
    count = check_integer(prior_grid[2], name="prior_grid[2]", func=func, minimum=1)
    generator = as_generator(seed, func=func)
    n, d = x.shape
    grid = torch.logspace(math.log10(smallest), math.log10(largest), count, dtype=torch.float64)
    targets = y.float()

    sizes, fan_in = (hidden * d, hidden, hidden, 1), (d, d, hidden, hidden)
    prior_mean = torch.cat([torch.randn(size, generator=generator) * math.sqrt(2 / fan)
                            for size, fan in zip(sizes, fan_in)])
    mean = prior_mean.clone().requires_grad_(True)
    confidence = math.log(2 * math.sqrt(n) / delta) + math.log(count)
    log_variance = torch.full_like(prior_mean, prior_mean.var().log().item()).requires_grad_(True)
    optimiser = torch.optim.Adam([{"params": [mean], "lr": 0.003}, {"params": [log_variance], "lr": 0.01}])
    history = torch.zeros(steps, 3, dtype=torch.float64)
    for step in range(steps):
        optimiser.zero_grad()
        noise = torch.randn(prior_mean.shape, generator=generator)
        weights = mean + (log_variance / 2).exp() * noise
        surrogate = torch.nn.functional.binary_cross_entropy_with_logits(
            _logits(weights[None], x, hidden)[0], targets) / math.log(2)
        prior_variance = _best_prior_variance(mean, log_variance, prior_mean).detach()
        kl = _gaussian_kl(mean, log_variance, prior_mean, prior_variance)
        complexity = ((kl + confidence) / (2 * n)).sqrt()
        (surrogate + complexity if charge else surrogate).backward()
        optimiser.step()
        history[step] = torch.tensor([(surrogate + complexity).item(), surrogate.item(), complexity.item()])

    with torch.no_grad():
        mean, log_variance = mean.detach(), log_variance.detach()
        best = _best_prior_variance(mean, log_variance, prior_mean)
        prior_variance = grid[(grid.log() - best.log()).abs().argmin()].item()
        kl = _gaussian_kl(mean.double(), log_variance.double(), prior_mean.double(), prior_variance).item()
        weights = mean + (log_variance / 2).exp() * torch.randn(mc_samples, mean.numel(), generator=generator)
        errors = ((_logits(weights, x, hidden) > 0) != y.bool()).double().mean(-1)
        empirical = errors.mean().item()
        empirical_bound = kl_inverse(empirical, math.log(2 / delta_sampling) / mc_samples).item()
        budget = (kl + confidence) / n
        bound = kl_inverse(empirical_bound, budget).item()
    return PacBayesCertificate(bound, empirical, empirical_bound, kl, budget, prior_variance, n, history,
                               mean, log_variance, prior_mean, hidden)
