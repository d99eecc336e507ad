"""Claims of the page "The ELBO and VAEs" (``book/generative/vae.md``)."""

from __future__ import annotations

import functools
import math

import sympy as sp
import torch
from torch.distributions import Normal

from ...claims import Alternative, Domain, Identity, Inequality, Measurement, Numeric, Reduction, Term, Words, register
from ...data import digits
from ...estimation.symbolic import expectation_of_polynomial, gaussian_raw_moment, notation
from ...information.claims.fisher import mu as kl_mu, sigma as kl_sigma
from ..vae import _linear_elbo, elbo, iwae_bound, linear_vae, ppca_optimum, vae

x, m, z, eps = sp.symbols("x m z epsilon", real=True)
a, s, v, lam, t, gap = sp.symbols("a s v lambda t g", positive=True)
sigma2 = sp.Symbol("sigma^2", positive=True)

# --------------------------------------------------------------------------- the linear-Gaussian model

LogNormal = notation("VaeLogNormal", r"\log\mathcal N\left(#1;\, #2,\, #3\right)",
                     lambda y, mean, var: -sp.log(2 * sp.pi * var) / 2 - (y - mean) ** 2 / (2 * var))
"""The log-density of :math:`\\mathcal N(\\text{mean}, \\text{var})` at ``y``, printed as log N(y; mean, var)."""

_moments = {k: gaussian_raw_moment(k, 0, 1) for k in range(5)}


def _over_eps(expr):
    return expectation_of_polynomial(sp.expand(expr), eps, _moments.__getitem__)


Eq = notation("VaeExpectationQ", r"\mathbb{E}_{z \sim q}\left[#1\right]",
              lambda e: _over_eps(e.subs(z, m + sp.sqrt(v) * eps)))
"""The expectation over :math:`z \\sim q = \\mathcal N(m, v)`, evaluated exactly as :math:`z = m + \\sqrt v\\,\\epsilon`."""
Eeps = notation("VaeExpectationEps", r"\mathbb{E}_{\epsilon \sim \mathcal N(0, 1)}\left[#1\right]", _over_eps)
"""The expectation over :math:`\\epsilon \\sim \\mathcal N(0, 1)`, evaluated from its moments."""

POSTERIOR_MEAN = sp.Mul(sp.Mul(a, x, evaluate=False), sp.Pow(a**2 + s**2, -1), evaluate=False)
POSTERIOR_VAR = s**2 / (a**2 + s**2)
LOG_EVIDENCE = LogNormal(x, 0, a**2 + s**2)
LOG_LIKELIHOOD = LogNormal(x, sp.Mul(a, z, evaluate=False), s**2)
LOG_PRIOR = LogNormal(z, 0, 1)
LOG_Q = LogNormal(z, m, v)
LOG_POSTERIOR = LogNormal(z, POSTERIOR_MEAN, POSTERIOR_VAR)
ELBO_EXPR = Eq(sp.Add(LOG_LIKELIHOOD, LOG_PRIOR, -LOG_Q, evaluate=False))
Elbo = notation("VaeElbo", r"\mathcal L\left(#1, #2\right)",
                lambda mean, var: ELBO_EXPR.doit().subs({m: mean, v: var}, simultaneous=True))
"""The ELBO of the linear-Gaussian model as a function of the encoder's mean and variance, printed L(m, v)."""


#: KL(N(m, v) ‖ N(0, 1)) in closed form, printed ½(m² + v − 1 − log v).
_KL_PRIOR = sp.Mul(sp.Rational(1, 2), sp.Add(m**2, v, -1, -sp.log(v), evaluate=False), evaluate=False)
#: The reparametrised sample z = m + √v ε.
_SAMPLE = sp.Add(m, sp.Mul(sp.sqrt(v), eps, evaluate=False), evaluate=False)


def _gaussian_expectations(expr):
    """Sympy evaluates the Gaussian expectations from the moments of ε, expands the logarithms, then simplifies"""
    def reduce(entry):
        entry = sp.expand(sp.expand_log(entry.doit(), force=True))
        return sp.simplify(sp.cancel(sp.together(entry)))

    expr = sp.sympify(expr)
    expr = expr.replace(lambda e: isinstance(e, sp.Function) and "doit" in type(e).__dict__, lambda e: e.doit())
    expr = expr.doit()
    return sp.Matrix(expr).applyfunc(reduce) if getattr(expr, "is_Matrix", False) else reduce(expr)


GAUSSIAN = Reduction("sympy evaluates the Gaussian expectations from the moments of ε, expands the logarithms, "
                     "then simplifies", _gaussian_expectations)
_model = Words(r"for the prior $\mathcal N(0, 1)$, the likelihood $\mathcal N(az, s^2)$ and $q$ the normal "
               r"distribution $\mathcal N(m, v)$")

register(Identity(
    label="eq-elbo-decomposition",
    lhs=LOG_EVIDENCE,
    rhs=sp.Add(ELBO_EXPR, Eq(sp.Add(LOG_Q, -LOG_POSTERIOR, evaluate=False)), evaluate=False),
    method=GAUSSIAN,
    condition=_model,
    source="Kaplan (7.3.7)",
))

register(Identity(
    label="eq-elbo-reconstruction-kl",
    lhs=ELBO_EXPR,
    rhs=sp.Add(Eq(LOG_LIKELIHOOD), -_KL_PRIOR, evaluate=False),
    method=GAUSSIAN,
    condition=_model,
    source="Kaplan (7.3.10)",
))

register(Identity(
    label="eq-kl-std-normal",
    lhs=Eeps(sp.Add(LogNormal(_SAMPLE, m, v), -LogNormal(_SAMPLE, 0, 1), evaluate=False)),
    rhs=_KL_PRIOR,
    method=GAUSSIAN,
    condition=Words(r"for $q$ the normal distribution $\mathcal N(m, v)$ and the prior $\mathcal N(0, 1)$"),
    source="Kaplan (7.3.11), corrected; Kingma and Welling (2014), Appendix B",
))

register(Identity(
    label="eq-elbo-stationary-posterior",
    lhs=sp.ImmutableMatrix([sp.Subs(sp.Derivative(Elbo(m, v), w), (m, v), (POSTERIOR_MEAN, POSTERIOR_VAR))
                            for w in (m, v)]),
    rhs=sp.ImmutableMatrix([0, 0]),
    method=GAUSSIAN,
    condition=_model,
    source="Kaplan L2210, corrected",
))

register(Inequality(
    label="eq-elbo-bound",
    lhs=Elbo(m, v),
    rhs=LOG_EVIDENCE,
    relation="<=",
    method=GAUSSIAN,
    certificate=[Term(sp.log(POSTERIOR_VAR / v) / 2 + (v + (m - POSTERIOR_MEAN) ** 2) / (2 * POSTERIOR_VAR)
                      - sp.Rational(1, 2),
                      by="eq-kl-gaussian-nonnegative",
                      at={kl_mu: (POSTERIOR_MEAN - m) / sp.sqrt(v), kl_sigma: sp.sqrt(POSTERIOR_VAR / v)},
                      method=GAUSSIAN)],
    condition=_model,
    source="Kaplan (7.3.9)",
))

# --------------------------------------------------------------------------- the IWAE bound on the linear-Gaussian model

#: The numbers of the IWAE experiment: the model p(x | z) = N(a z, s²), the observation, and a deliberately poor
#: encoder (half the posterior mean, twice its variance).
IWAE_MODEL = dict(a=2.0, s=1.0, x=1.5, mean_factor=0.5, var_factor=2.0)
IWAE_K = (1, 4, 16, 64, 256)
#: Independent draws of the IWAE bound per K on the page (and in its figure).
IWAE_REPLICATES = 10_000


def linear_gaussian(a: float, s: float, x: float, mean_factor: float, var_factor: float):
    """The observation, the encoder and decoder of the linear-Gaussian model, and its exact log p(x) and ELBO."""
    post_mean, post_var = a * x / (a**2 + s**2), s**2 / (a**2 + s**2)
    mean, var = mean_factor * post_mean, var_factor * post_var
    data = torch.tensor([[x]], dtype=torch.float64)

    def encoder(batch):
        return torch.full_like(batch, mean), torch.full_like(batch, math.log(var))

    def decoder(latent):
        return Normal(a * latent, s)

    values = {sym: val for sym, val in ((sp.Symbol("a", positive=True), a), (sp.Symbol("s", positive=True), s),
                                        (sp.Symbol("x", real=True), x), (sp.Symbol("m", real=True), mean),
                                        (sp.Symbol("v", positive=True), var))}
    log_evidence = float(LOG_EVIDENCE.doit().subs(values))
    bound = float(Elbo(m, v).doit().subs(values))
    return data, encoder, decoder, log_evidence, bound


@functools.lru_cache(maxsize=4)
def iwae_statistics(replicates: int, seed: int, ks=IWAE_K) -> dict:
    """For each K, the mean of ``replicates`` independent draws of the IWAE bound and its standard error."""
    data, encoder, decoder, _, _ = linear_gaussian(**IWAE_MODEL)
    generator = torch.Generator().manual_seed(seed)
    stats = {}
    for k in ks:
        draws = iwae_bound(data.expand(replicates, 1), encoder, decoder, k=k, seed=generator)
        stats[k] = (draws.mean().item(), draws.std().item() / math.sqrt(replicates))
    return stats


def iwae_check(replicates: int = IWAE_REPLICATES, seed: int = 0, ks=IWAE_K):
    r"""Monte Carlo means of the IWAE bound for each K, against the exact ELBO and log p(x).

    Each K gets ``replicates`` independent draws of :math:`\hat{\mathcal L}_K`; standard errors from their spread,
    combined in quadrature for differences (the draws for different K are independent).
    """
    _, _, _, log_evidence, bound = linear_gaussian(**IWAE_MODEL)
    stats = iwae_statistics(replicates, seed, ks)
    samples = f"{replicates} draws per K"
    first, last = ks[0], ks[-1]
    measurements = [Measurement.from_standard_error(
        f"L_{first}", stats[first][0], stats[first][1], bound, samples=samples,
        quantity=rf"\hat{{\mathcal L}}_{{{first}}}", expected_latex=rf"\mathcal L(m, v) = {bound:.4f}")]
    for small, large in zip(ks, ks[1:]):
        measurements.append(Measurement.from_standard_error(
            f"L_{large} - L_{small}", stats[large][0] - stats[small][0], math.hypot(stats[large][1], stats[small][1]),
            0.0, relation=">=", samples=samples,
            quantity=rf"\hat{{\mathcal L}}_{{{large}}} - \hat{{\mathcal L}}_{{{small}}}"))
    measurements.append(Measurement.from_standard_error(
        f"L_{last}", stats[last][0], stats[last][1], log_evidence, relation="<=", samples=samples,
        quantity=rf"\hat{{\mathcal L}}_{{{last}}}", expected_latex=rf"\log p(x) = {log_evidence:.4f}"))
    return measurements


def iwae_curve(replicates: int = IWAE_REPLICATES, seed: int = 0, ks=IWAE_K):
    """The IWAE means of :func:`iwae_check` for each K, with the exact ELBO and log p(x) (for the figure)."""
    _, _, _, log_evidence, bound = linear_gaussian(**IWAE_MODEL)
    stats = iwae_statistics(replicates, seed, ks)
    return ks, [stats[k][0] for k in ks], bound, log_evidence


_IWAE_ELBO = linear_gaussian(**IWAE_MODEL)[4]

register(Numeric(
    label="eq-iwae-monotone",
    experiment=iwae_check,
    alternative=Alternative("more importance samples do not tighten the bound: L_256 is the ELBO",
                            expected={f"L_{IWAE_K[-1]}": _IWAE_ELBO}),
    page={"replicates": IWAE_REPLICATES, "seed": 0},
    test={"replicates": 2000, "seed": 1},
    method="Monte Carlo draws of the IWAE bound on the linear-Gaussian model",
    condition=Words(rf"for the model with $a$, $s$ and $x$ set to {IWAE_MODEL['a']:g}, {IWAE_MODEL['s']:g} and "
                    rf"{IWAE_MODEL['x']:g}, and $q$ with {IWAE_MODEL['mean_factor']:g} times the posterior's mean and "
                    rf"{IWAE_MODEL['var_factor']:g} times its variance"),
    source="Burda, Grosse and Salakhutdinov (2016), Theorem 1",
))

# --------------------------------------------------------------------------- a VAE on the digits

#: The β sweep of the page; β = 1 is the VAE proper.
BETAS = (0.5, 1.0, 2.0, 4.0)


@functools.lru_cache(maxsize=1)
def binary_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """The digits thresholded at half intensity, and their labels."""
    images, labels = digits()
    return (images > 0.5).double(), labels


@functools.lru_cache(maxsize=16)
def digits_vae(beta: float = 1.0, epochs: int = 20, seed: int = 0):
    """A VAE (latent 2) trained on the binary digits with weight ``beta``, cached for the page's claims and figures."""
    return vae(binary_digits()[0], epochs=epochs, beta=beta, seed=seed)


def digits_sweep(epochs: int = 20, betas=BETAS, seed: int = 0) -> dict:
    """One VAE per β of the sweep (see :func:`digits_vae`)."""
    return {beta: digits_vae(beta, epochs, seed) for beta in betas}


@functools.lru_cache(maxsize=4)
def rate_distortion(epochs: int = 20, betas=BETAS, seed: int = 0, k: int = 10):
    """Average rate (KL) and distortion (−reconstruction) of each model of the sweep, in nats per digit."""
    data, _ = binary_digits()
    result, models = {}, digits_sweep(epochs, betas, seed)
    with torch.no_grad():
        for beta, model in models.items():
            bound = elbo(data, model.encode, model.decode, k=k, seed=seed)
            result[beta] = (bound.kl.mean().item(), -bound.reconstruction.mean().item())
    return result


def digits_bounds_check(epochs: int = 20, k: int = 64, seed: int = 0, kl_sign: float = -1.0):
    r"""The trained VAE (β = 1): one-sample IWAE against reconstruction − KL, and the K-sample IWAE above it.

    Per digit, :math:`\hat{\mathcal L}_1` (a Monte Carlo KL) and :math:`\widehat{\text{rec}} - \mathrm{KL}` (the
    closed-form KL) are independent unbiased estimates of the same ELBO; the standard error is that of the mean of
    their paired differences over the 1797 digits. ``kl_sign`` is the sign of the KL term in the expected value:
    −1 is the ELBO, +1 the wrong alternative.
    """
    data, _ = binary_digits()
    model = digits_vae(1.0, epochs, 0)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        bound = elbo(data, model.encode, model.decode, seed=generator)
        target = bound.reconstruction + kl_sign * bound.kl
        single = iwae_bound(data, model.encode, model.decode, k=1, seed=generator)
        many = iwae_bound(data, model.encode, model.decode, k=k, seed=generator)
    n = data.shape[0]
    samples = f"{n} digits"
    return [
        Measurement.from_standard_error(
            "L_1", single.mean().item(), (single - target).std().item() / math.sqrt(n), target.mean().item(),
            samples=samples, quantity=r"\overline{\hat{\mathcal L}_1}",
            expected_latex=r"\overline{\mathbb E_q \log p(x \mid z)} - \overline{\mathrm{KL}(q \,\|\, p(z))}"),
        Measurement.from_standard_error(
            f"L_{k}", many.mean().item(), (many - target).std().item() / math.sqrt(n), target.mean().item(),
            relation=">=", samples=samples, quantity=rf"\overline{{\hat{{\mathcal L}}_{{{k}}}}}",
            expected_latex=r"\overline{\mathcal L}"),
    ]


register(Numeric(
    label="eq-vae-digits-bounds",
    experiment=digits_bounds_check,
    alternative=Alternative("the ELBO is reconstruction plus KL (the sign of the prior term flipped)",
                            kwargs={"kl_sign": 1.0}),
    page={"epochs": 20, "k": 64},
    test={"epochs": 10, "k": 64},
    method="a VAE (latent 2) trained on the binary digits; Monte Carlo over the latent, averaged over the digits",
    condition=Words(f"averaged over the {len(binary_digits()[0])} binary digits, for the trained VAE (β of 1)"),
    source="Kaplan (7.3.10); Burda, Grosse and Salakhutdinov (2016)",
))

# --------------------------------------------------------------------------- posterior collapse in probabilistic PCA

_direction = -(sp.log(t + sigma2) + lam / (t + sigma2)) / 2
register(Identity(
    label="eq-ppca-direction-gradient",
    lhs=sp.Derivative(_direction, t),
    rhs=(lam - sigma2 - t) / (2 * (t + sigma2) ** 2),
    method="doit",
    condition=Words(r"for $t$ the squared length of the decoder's weight along an eigenvector of the data covariance "
                    r"with eigenvalue $\lambda$"),
    source="Tipping and Bishop (1999); Lucas et al. (2019)",
))

_kl_direction = sp.Mul(sp.Rational(1, 2), sp.Add(t * lam / (t + sigma2) ** 2, sigma2 / (t + sigma2), -1,
                                                 -sp.log(sigma2 / (t + sigma2)), evaluate=False), evaluate=False)
register(Identity(
    label="eq-ppca-kl",
    lhs=sp.Subs(_kl_direction, t, lam - sigma2),
    rhs=sp.log(lam / sigma2) / 2,
    method=GAUSSIAN,
    substitutions=((lam, sigma2 + gap),),
    condition=Domain(lam, sp.Interval.open(sigma2, sp.oo)),
    source="ours (Lucas et al. 2019)",
))

#: The toy of the collapse experiment: independent Gaussian coordinates with these variances, noise σ² = 1.
COLLAPSE_VARIANCES = (3.0, 1.8, 0.7, 0.4, 0.2, 0.1)
COLLAPSE_NOISE, COLLAPSE_LATENT = 1.0, 4
#: Samples of the collapse toy on the page and in the tests.
COLLAPSE_SAMPLES = 4000


@functools.lru_cache(maxsize=4)
def collapse_data(n: int = COLLAPSE_SAMPLES, seed: int = 0) -> torch.Tensor:
    """``n`` samples of the collapse toy: independent normal coordinates with :data:`COLLAPSE_VARIANCES`."""
    generator = torch.Generator().manual_seed(seed)
    scale = torch.tensor(COLLAPSE_VARIANCES, dtype=torch.float64).sqrt()
    return torch.randn(n, len(COLLAPSE_VARIANCES), generator=generator, dtype=torch.float64) * scale


def _collapse_sensitivity(data: torch.Tensor):
    r"""Curvature of the linear VAE's ELBO at the closed-form optimum, and the sensitivity of each coordinate's KL.

    With :math:`\theta^*` the optimum of :func:`ppca_optimum` (decoder, encoder, log-variances) returns
    :math:`\mu`, the smallest eigenvalue of :math:`-\nabla^2\mathcal L(\theta^*)`, and for each coordinate the norm
    of :math:`\nabla\mathrm{KL}_i(\theta^*)` and the spectral norm of :math:`\nabla^2\mathrm{KL}_i(\theta^*)`.
    """
    best = ppca_optimum(data, latent=COLLAPSE_LATENT, noise_var=COLLAPSE_NOISE)
    covariance = torch.cov(data.T, correction=0)
    d, k = best.weight.shape
    optimum = torch.cat([best.weight.flatten(), best.encoder_weight.flatten(), best.posterior_var.log()])

    def linear(theta):
        return _linear_elbo(covariance, COLLAPSE_NOISE, theta[:d * k].reshape(d, k),
                            theta[d * k:2 * d * k].reshape(k, d), theta[2 * d * k:])

    curvature = torch.linalg.eigvalsh(-torch.autograd.functional.hessian(lambda t: linear(t)[0], optimum))[0]
    slopes = torch.autograd.functional.jacobian(lambda t: linear(t)[1], optimum).norm(dim=1)
    bends = torch.stack([torch.linalg.matrix_norm(torch.autograd.functional.hessian(lambda t: linear(t)[1][i], optimum),
                                                  ord=2) for i in range(k)])
    return best, curvature.item(), slopes, bends


def collapse_check(n: int = COLLAPSE_SAMPLES, iterations: int = 400, seed: int = 0):
    r"""A linear VAE trained by L-BFGS against the closed-form optimum: each coordinate's KL, and the collapsed ones.

    The trained ELBO falls short of the exact optimum (the PPCA log-likelihood) by a measured gap :math:`\delta \ge 0`,
    floored at the float64 resolution of the ELBO. The optimum is a strict maximum: :math:`-\nabla^2\mathcal L`
    has smallest eigenvalue :math:`\mu > 0` there (up to the sign flips and permutations of the latent coordinates,
    which leave the sorted KLs unchanged). To second order in the parameter error :math:`\varepsilon`,
    :math:`\delta \ge \tfrac12\mu\|\varepsilon\|^2`, so :math:`\|\varepsilon\| \le r = \sqrt{2\delta/\mu}`, and
    each KL is within :math:`\|\nabla\mathrm{KL}_i\|\,r + \tfrac12\|\nabla^2\mathrm{KL}_i\|\,r^2` of its
    closed form, the tolerance used here.
    """
    data = collapse_data(n, seed)
    fit = linear_vae(data, latent=COLLAPSE_LATENT, noise_var=COLLAPSE_NOISE, iterations=iterations, seed=seed)
    best, curvature, slopes, bends = _collapse_sensitivity(data)
    gap = max((best.log_likelihood - fit.elbo).item(), torch.finfo(torch.float64).eps * abs(fit.elbo.item()))
    radius = math.sqrt(2 * gap / curvature)
    tolerances = slopes * radius + bends * radius**2 / 2
    kl = fit.kl.sort(descending=True).values
    measurements = []
    for i, (value, expected, eigenvalue, tolerance) in enumerate(zip(kl, best.kl, best.eigenvalues, tolerances),
                                                                 start=1):
        measurements.append(Measurement.exact(
            f"KL_{i}", value.item(), expected.item(), tolerance=tolerance.item(),
            reason=(f"second-order bound from the ELBO's gap to the exact optimum, {gap:.1e}, and the ELBO's "
                    f"least curvature there, {curvature:.3f}"),
            quantity=rf"\mathrm{{KL}}_{{{i}}}",
            expected_latex=rf"\tfrac12\max\bigl(0, \log\tfrac{{{eigenvalue.item():.3f}}}{{\sigma^2}}\bigr)"))
    collapsed = int((kl <= tolerances).sum())
    below = int((best.eigenvalues <= COLLAPSE_NOISE).sum())
    measurements.append(Measurement.exact(
        "collapsed", collapsed, below, quantity=r"\#\{i : \mathrm{KL}_i \text{ within its tolerance of } 0\}",
        expected_latex=rf"\#\{{i : \lambda_i \le \sigma^2\}} = {below}"))
    return measurements


register(Numeric(
    label="eq-ppca-collapse",
    experiment=collapse_check,
    alternative=Alternative("every latent coordinate carries information, KL_i = ½ log(1 + λ_i/σ²)",
                            expected={f"KL_{i + 1}": 0.5 * math.log(1 + lam_i / COLLAPSE_NOISE)
                                      for i, lam_i in enumerate(COLLAPSE_VARIANCES[:COLLAPSE_LATENT])}),
    page={"n": COLLAPSE_SAMPLES},
    test={"n": COLLAPSE_SAMPLES},
    method="a linear VAE trained by L-BFGS on its exact ELBO, against the probabilistic-PCA optimum",
    condition=Words(rf"for {COLLAPSE_SAMPLES} samples with variances ${', '.join(f'{c:g}' for c in COLLAPSE_VARIANCES)}$, "
                    rf"noise variance {COLLAPSE_NOISE:g} and {COLLAPSE_LATENT} latents"),
    source="toy D2 of the paper summaries (Lucas et al. 2019)",
))
