r"""The evidence lower bound (ELBO), its importance-weighted tightening, variational autoencoders, and probabilistic PCA.

A latent-variable model draws :math:`z \sim p(z) = \mathcal N(0, I)` and then :math:`x \sim p(x \mid z)`. An
*encoder* proposes a Gaussian :math:`q(z \mid x) = \mathcal N(\mu(x), \operatorname{diag}\sigma^2(x))`, given by
its mean and log-variance, and a *decoder* maps a latent :math:`z` to the distribution :math:`p(x \mid z)` (a
``torch.distributions.Distribution`` whose ``log_prob`` is summed over the last dimension of :math:`x`). Then

.. math::

    \mathcal L = \mathbb E_q \log p(x \mid z) - \mathrm{KL}(q(z \mid x) \,\|\, p(z)) \le \log p(x),

and the importance-weighted bound :math:`\mathcal L_K = \mathbb E \log \frac1K \sum_k p(x, z_k)/q(z_k \mid x)`
lies between the two. Probabilistic PCA is the linear-Gaussian case :math:`p(x \mid z) = \mathcal N(Wz + m,
\sigma^2 I)`, where the optimum is known in closed form.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import nn
from torch.distributions import Bernoulli, Normal

from ..information.divergences import kl_gaussian
from ..networks import mlp
from ..runtime import one_thread
from ..validation import (
    as_generator,
    check_array,
    check_callable,
    check_dim,
    check_integer,
    check_scalar,
    check_seed,
    next_seed,
)

__all__ = [
    "ELBO",
    "LinearVAE",
    "PPCA",
    "VAE",
    "elbo",
    "iwae_bound",
    "kl_std_normal",
    "linear_vae",
    "ppca_optimum",
    "vae",
]


def kl_std_normal(mean, log_var, *, dim=-1) -> torch.Tensor:
    r"""Relative entropy of a diagonal Gaussian to the standard normal, :math:`\mathrm{KL}(\mathcal N(\mu, \operatorname{diag}\sigma^2) \,\|\, \mathcal N(0, I))`.

    .. math::

        \mathrm{KL} = \tfrac12 \sum_j \bigl(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2\bigr),

    the VAE's "rate", computed by :func:`mltheory.information.kl_gaussian` with :math:`\sigma = e^{\log\sigma^2/2}`.

    Parameters
    ----------
    mean, log_var : array_like
        Means and log-variances of the coordinates; they broadcast together.
    dim : int, default -1
        The dimension of the latent coordinates, summed over.

    Returns
    -------
    torch.Tensor
        The divergence in nats, with ``dim`` summed out; differentiable in both arguments.

    Examples
    --------
    >>> kl_std_normal([0.0, 0.0], [0.0, 0.0])  # the prior itself
    tensor(0., dtype=torch.float64)
    >>> kl_std_normal([[1.0, 0.0]], [[0.0, math.log(2)]])  # (1 + 0)/2 + (2 - 1 - log 2)/2
    tensor([0.6534], dtype=torch.float64)
    """
    func = "kl_std_normal"
    mean = check_array(mean, name="mean", func=func)
    log_var = check_array(log_var, name="log_var", func=func)
    try:
        mean, log_var = torch.broadcast_tensors(mean, log_var)
    except RuntimeError:
        raise ValueError(f"{func}: mean and log_var must broadcast (got shapes {tuple(mean.shape)} and "
                         f"{tuple(log_var.shape)})") from None
    dim = check_dim(mean, dim, name="mean", func=func)
    return kl_gaussian(mean, torch.exp(0.5 * log_var), 0.0, 1.0, dim=dim)


class ELBO(NamedTuple):
    """The result of :func:`elbo`: the bound and its two terms, one value per example."""

    value: torch.Tensor
    """:math:`\\mathcal L_\\beta = \\text{reconstruction} - \\beta\\,\\text{kl}`."""
    reconstruction: torch.Tensor
    """The Monte Carlo estimate of :math:`\\mathbb E_q \\log p(x \\mid z)` (minus the "distortion")."""
    kl: torch.Tensor
    """:math:`\\mathrm{KL}(q(z \\mid x) \\,\\|\\, \\mathcal N(0, I))`, in closed form (the "rate")."""


def _encode(x, encoder, func: str):
    """``x`` as a float tensor of shape ``(n, d)`` and the encoder's mean and log-variance, both ``(n, L)``."""
    x = check_array(x, name="x", func=func)
    if x.dim() != 2:
        raise ValueError(f"{func}: x must have shape (n, d) (got {tuple(x.shape)})")
    encoder = check_callable(encoder, name="encoder", func=func)
    out = encoder(x)
    if not (isinstance(out, tuple) and len(out) == 2 and all(isinstance(t, torch.Tensor) for t in out)):
        raise TypeError(f"{func}: encoder must return a pair of tensors (mean, log_var) (got {type(out).__name__})")
    mean, log_var = out
    if mean.dim() != 2 or mean.shape != log_var.shape or mean.shape[0] != x.shape[0]:
        raise ValueError(f"{func}: encoder must return mean and log_var of shape (n, latent) with n = {x.shape[0]} "
                         f"(got {tuple(mean.shape)} and {tuple(log_var.shape)})")
    return x, mean, log_var


def _latents(mean, log_var, k: int, seed, func: str) -> torch.Tensor:
    """``k`` reparametrised draws :math:`z = \\mu + \\sigma\\epsilon`, shape ``(k, n, L)``."""
    generator = as_generator(seed, func=func, device=mean.device)
    eps = torch.randn((k, *mean.shape), generator=generator, dtype=mean.dtype, device=mean.device)
    return mean + torch.exp(0.5 * log_var) * eps


def _log_likelihood(decoder, z, x, func: str) -> torch.Tensor:
    """:math:`\\log p(x \\mid z)`, summed over the coordinates of ``x``: shape ``(k, n)``."""
    decoder = check_callable(decoder, name="decoder", func=func)
    distribution = decoder(z)
    if not isinstance(distribution, torch.distributions.Distribution):
        raise TypeError(f"{func}: decoder must return a torch.distributions.Distribution "
                        f"(got {type(distribution).__name__})")
    return distribution.log_prob(x).sum(-1)


def elbo(x, encoder, decoder, *, k: int = 1, beta: float = 1.0, seed=0) -> ELBO:
    r"""The evidence lower bound of each example, with its reconstruction and KL terms.

    .. math::

        \mathcal L_\beta(x) = \frac1K \sum_{k=1}^K \log p(x \mid z_k) - \beta\,\mathrm{KL}(q(z \mid x) \,\|\, \mathcal N(0, I)),
        \qquad z_k = \mu(x) + \sigma(x) \odot \epsilon_k,\ \epsilon_k \sim \mathcal N(0, I).

    The reconstruction term is estimated with ``k`` reparametrised samples, so it is differentiable in the
    encoder's outputs; the KL term is exact (:func:`kl_std_normal`). With ``beta = 1`` its expectation is the
    ELBO, a lower bound on :math:`\log p(x)`; other values give the objective of the β-VAE.

    Parameters
    ----------
    x : array_like, shape (n, d)
        The examples.
    encoder : callable
        ``encoder(x)`` returns ``(mean, log_var)`` of :math:`q(z \mid x)`, each of shape ``(n, latent)``.
    decoder : callable
        ``decoder(z)`` returns a ``torch.distributions.Distribution`` over ``x`` for ``z`` of shape
        ``(k, n, latent)``; its ``log_prob(x)`` is summed over the last dimension.
    k : int, default 1
        Samples per example for the reconstruction term.
    beta : float, default 1
        Weight of the KL term (non-negative).
    seed : int or torch.Generator, default 0
        Source of the noise :math:`\epsilon`.

    Returns
    -------
    ELBO
        ``value``, ``reconstruction`` and ``kl``, each of shape ``(n,)``.

    Examples
    --------
    A linear-Gaussian model, :math:`p(x \mid z) = \mathcal N(2z, 1)`, with the exact posterior as encoder:
    the bound equals :math:`\log p(x) = \log\mathcal N(x; 0, 5)` (up to Monte Carlo error in the reconstruction).

    >>> from torch.distributions import Normal
    >>> x = torch.tensor([[1.0]], dtype=torch.float64)
    >>> encoder = lambda x: (2 * x / 5, torch.full_like(x, math.log(1 / 5)))
    >>> decoder = lambda z: Normal(2 * z, 1.0)
    >>> bound = elbo(x, encoder, decoder, k=100_000)
    >>> exact = Normal(0.0, math.sqrt(5)).log_prob(torch.tensor(1.0)).item()
    >>> round(exact, 4), abs(bound.value.item() - exact) < 0.01
    (-1.8237, True)
    """
    func = "elbo"
    k = check_integer(k, name="k", func=func, minimum=1)
    beta = check_scalar(beta, name="beta", func=func, low=0)
    x, mean, log_var = _encode(x, encoder, func)
    z = _latents(mean, log_var, k, seed, func)
    reconstruction = _log_likelihood(decoder, z, x, func).mean(0)
    kl = kl_std_normal(mean, log_var)
    return ELBO(reconstruction - beta * kl, reconstruction, kl)


def iwae_bound(x, encoder, decoder, *, k: int = 1, seed=0) -> torch.Tensor:
    r"""One draw of the importance-weighted bound of Burda, Grosse and Salakhutdinov (2016), per example.

    .. math::

        \hat{\mathcal L}_K(x) = \log \frac1K \sum_{k=1}^K \frac{p(x \mid z_k)\, p(z_k)}{q(z_k \mid x)},
        \qquad z_k \sim q(z \mid x) \text{ independently},

    computed with log-sum-exp. Its expectation :math:`\mathcal L_K` is the ELBO for ``k = 1``, increases with
    :math:`K`, and tends to :math:`\log p(x)`; it is a lower bound on :math:`\log p(x)` for every :math:`K`.

    Parameters
    ----------
    x, encoder, decoder
        As in :func:`elbo`; the prior is :math:`\mathcal N(0, I)`.
    k : int, default 1
        Importance samples per example.
    seed : int or torch.Generator, default 0
        Source of the samples.

    Returns
    -------
    torch.Tensor, shape (n,)

    Examples
    --------
    With the exact posterior as proposal every weight equals :math:`p(x)`, so the bound is exact for every draw:

    >>> from torch.distributions import Normal
    >>> x = torch.tensor([[1.0]], dtype=torch.float64)
    >>> exact = lambda x: (2 * x / 5, torch.full_like(x, math.log(1 / 5)))
    >>> iwae_bound(x, exact, lambda z: Normal(2 * z, 1.0), k=3)
    tensor([-1.8237], dtype=torch.float64)
    """
    func = "iwae_bound"
    k = check_integer(k, name="k", func=func, minimum=1)
    x, mean, log_var = _encode(x, encoder, func)
    z = _latents(mean, log_var, k, seed, func)
    log_prior = Normal(0.0, 1.0).log_prob(z).sum(-1)
    log_q = Normal(mean, torch.exp(0.5 * log_var)).log_prob(z).sum(-1)
    log_weights = _log_likelihood(decoder, z, x, func) + log_prior - log_q
    return torch.logsumexp(log_weights, dim=0) - math.log(k)


# --------------------------------------------------------------------------- a VAE on binary data


class VAE(nn.Module):
    """A variational autoencoder with MLP encoder and decoder and a Bernoulli likelihood (trained by :func:`vae`).

    ``encode(x)`` returns the mean and log-variance of :math:`q(z \\mid x)`; ``decode(z)`` returns
    :math:`p(x \\mid z)` as a ``Bernoulli`` distribution over the pixels; ``history`` holds the average
    β-ELBO per epoch of training.
    """

    def __init__(self, dim: int, latent: int, hidden: int, seed: int):
        super().__init__()
        self.latent = latent
        self.encoder = mlp([dim, hidden, 2 * latent], activation="tanh", seed=seed, dtype=torch.float64)
        self.decoder = mlp([latent, hidden, dim], activation="tanh", seed=next_seed(seed), dtype=torch.float64)
        self.history = torch.zeros(0, dtype=torch.float64)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The mean and log-variance of :math:`q(z \\mid x)`, each of shape ``(n, latent)``."""
        out = self.encoder(x)
        return out[..., : self.latent], out[..., self.latent:]

    def decode(self, z: torch.Tensor) -> Bernoulli:
        """:math:`p(x \\mid z)`: independent Bernoulli pixels with logits from the decoder network."""
        return Bernoulli(logits=self.decoder(z), validate_args=False)


@one_thread()
def vae(x, *, latent: int = 2, hidden: int = 64, epochs: int = 60, beta: float = 1.0, batch_size: int = 128,
        lr: float = 1e-2, seed: int = 0) -> VAE:
    r"""Train a VAE on binary data by Adam on minibatches, maximising the β-ELBO with one reparametrised sample.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Binary data (every entry 0 or 1), for example digits thresholded at half intensity.
    latent : int, default 2
        Dimension of the latent space.
    hidden : int, default 64
        Width of the one hidden (tanh) layer of the encoder and of the decoder.
    epochs : int, default 60
        Passes over the data.
    beta : float, default 1
        Weight of the KL term (:func:`elbo`).
    batch_size : int, default 128
    lr : float, default 1e-2
        Adam's learning rate.
    seed : int, default 0
        Seed of the initial weights, the batches and the noise.

    Returns
    -------
    VAE
        The trained model, float64, with ``history``, the average β-ELBO of each epoch.

    Examples
    --------
    >>> x = (torch.rand(64, 6, generator=torch.Generator().manual_seed(0)) < 0.5).double()
    >>> model = vae(x, latent=1, hidden=4, epochs=3, batch_size=32)
    >>> model.history.shape, elbo(x, model.encode, model.decode).value.shape
    (torch.Size([3]), torch.Size([64]))
    """
    func = "vae"
    x = check_array(x, name="x", func=func).to(torch.float64)
    if x.dim() != 2:
        raise ValueError(f"{func}: x must have shape (n, d) (got {tuple(x.shape)})")
    if not torch.all((x == 0) | (x == 1)):
        bad = x[(x != 0) & (x != 1)][0].item()
        raise ValueError(f"{func}: x must be binary, every entry 0 or 1 (got {bad:g})")
    latent = check_integer(latent, name="latent", func=func, minimum=1)
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    beta = check_scalar(beta, name="beta", func=func, low=0)
    batch_size = check_integer(batch_size, name="batch_size", func=func, minimum=1)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    seed = check_seed(seed, func=func)
    model = VAE(x.shape[1], latent, hidden, seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    history = []
    with torch.enable_grad():
        _train(model, x, optimizer, generator, epochs, batch_size, beta, history)
    model.history = torch.tensor(history, dtype=torch.float64)
    return model.eval()


def _train(model, x, optimizer, generator, epochs, batch_size, beta, history):
    """Adam epochs on minibatches of the negative β-ELBO; appends each epoch's average β-ELBO to ``history``."""
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=generator)
        total = 0.0
        for batch in order.split(batch_size):
            optimizer.zero_grad()
            bound = elbo(x[batch], model.encode, model.decode, beta=beta, seed=generator).value
            (-bound.mean()).backward()
            optimizer.step()
            total += bound.sum().item()
        history.append(total / x.shape[0])


# --------------------------------------------------------------------------- probabilistic PCA and the linear VAE


class PPCA(NamedTuple):
    """The result of :func:`ppca_optimum`: the maximum-likelihood probabilistic PCA and its exact posterior."""

    kl: torch.Tensor
    """Average KL of each latent coordinate's posterior to the prior, :math:`\\tfrac12\\max(0, \\log(\\lambda_i/\\sigma^2))`."""
    eigenvalues: torch.Tensor
    """The top ``latent`` eigenvalues :math:`\\lambda_i` of the data covariance, in decreasing order."""
    weight: torch.Tensor
    """:math:`W = U_k \\operatorname{diag}\\sqrt{\\max(\\lambda_i - \\sigma^2, 0)}`, shape ``(d, latent)``."""
    encoder_weight: torch.Tensor
    """:math:`V = M^{-1}W^\\top` with :math:`M = W^\\top W + \\sigma^2 I`: the posterior mean is :math:`V(x - m)`."""
    posterior_var: torch.Tensor
    """The posterior variances :math:`\\sigma^2 / \\max(\\lambda_i, \\sigma^2)`, shape ``(latent,)``."""
    log_likelihood: torch.Tensor
    """The maximum average log-likelihood per example (which the ELBO reaches at the optimum)."""


def _centred_covariance(x, func: str) -> tuple[torch.Tensor, torch.Tensor]:
    x = check_array(x, name="x", func=func).to(torch.float64)
    if x.dim() != 2 or x.shape[0] < 2:
        raise ValueError(f"{func}: x must have shape (n, d) with n >= 2 (got {tuple(x.shape)})")
    centred = x - x.mean(0)
    return centred.T @ centred / x.shape[0], x.mean(0)


def _check_ppca(x, latent, noise_var, func: str):
    covariance, _ = _centred_covariance(x, func)
    latent = check_integer(latent, name="latent", func=func, minimum=1)
    if latent > covariance.shape[0]:
        raise ValueError(f"{func}: latent must be at most the data dimension {covariance.shape[0]} (got {latent})")
    noise_var = check_scalar(noise_var, name="noise_var", func=func, low=0, low_open=True)
    return covariance, latent, noise_var


def _gaussian_log_likelihood(covariance: torch.Tensor, model_covariance: torch.Tensor) -> torch.Tensor:
    """Average log-density of centred data with covariance ``covariance`` under :math:`\\mathcal N(0, C)`."""
    d = covariance.shape[0]
    log_det = torch.linalg.slogdet(model_covariance)[1]
    return -0.5 * (d * math.log(2 * math.pi) + log_det + torch.linalg.solve(model_covariance, covariance).trace())


def ppca_optimum(x, *, latent: int, noise_var: float) -> PPCA:
    r"""The maximum-likelihood probabilistic PCA with fixed noise variance, and its posterior's KL per coordinate.

    The model is :math:`z \sim \mathcal N(0, I_k)`, :math:`x = Wz + m + \sigma^2`-noise. With the data covariance
    :math:`S = U\Lambda U^\top` (normalised by :math:`n`), the likelihood is maximal at :math:`m = \bar x` and
    :math:`W = U_k \operatorname{diag}\sqrt{\max(\lambda_i - \sigma^2, 0)}` (Tipping and Bishop 1999, up to a
    rotation of the latent space). The posterior is Gaussian with covariance :math:`\sigma^2 M^{-1}`,
    :math:`M = W^\top W + \sigma^2 I = \operatorname{diag}\max(\lambda_i, \sigma^2)`, so a linear VAE with a
    diagonal Gaussian encoder can represent it exactly and its ELBO optimum is this likelihood optimum
    (Lucas et al. 2019). A coordinate with :math:`\lambda_i \le \sigma^2` has :math:`w_i = 0`: its posterior is
    the prior, and its KL is zero — it has *collapsed*. Otherwise the data-averaged KL is
    :math:`\tfrac12\log(\lambda_i/\sigma^2)`.

    Parameters
    ----------
    x : array_like, shape (n, d)
        The data, ``n >= 2``.
    latent : int
        Dimension :math:`k` of the latent space, at most ``d``.
    noise_var : float
        The observation noise :math:`\sigma^2 > 0`.

    Returns
    -------
    PPCA
        ``kl`` (shape ``(latent,)``), ``eigenvalues``, ``weight``, ``encoder_weight``, ``posterior_var`` and
        ``log_likelihood``.

    Examples
    --------
    >>> x = torch.randn(5000, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    >>> x = x * torch.tensor([2.0, 1.0, 0.5], dtype=torch.float64)  # variances 4, 1 and 0.25
    >>> fit = ppca_optimum(x, latent=3, noise_var=1.5)
    >>> fit.kl.round(decimals=2)  # only the first coordinate is used: 0.5 log(4.08 / 1.5)
    tensor([0.5100, 0.0000, 0.0000], dtype=torch.float64)
    """
    func = "ppca_optimum"
    covariance, latent, noise_var = _check_ppca(x, latent, noise_var, func)
    eigenvalues, vectors = torch.linalg.eigh(covariance)
    eigenvalues, vectors = eigenvalues.flip(0)[:latent], vectors.flip(1)[:, :latent]
    weight = vectors * torch.sqrt((eigenvalues - noise_var).clamp_min(0))
    m_diag = torch.maximum(eigenvalues, torch.tensor(noise_var, dtype=torch.float64))
    encoder_weight = weight.T / m_diag[:, None]
    kl = 0.5 * torch.log(m_diag / noise_var)
    model_covariance = weight @ weight.T + noise_var * torch.eye(covariance.shape[0], dtype=torch.float64)
    return PPCA(kl, eigenvalues, weight, encoder_weight, noise_var / m_diag,
                _gaussian_log_likelihood(covariance, model_covariance))


class LinearVAE(NamedTuple):
    """The result of :func:`linear_vae`: the trained linear VAE and the KL of each latent coordinate."""

    kl: torch.Tensor
    """Average KL of each latent coordinate of :math:`q` to the prior, at the end, shape ``(latent,)``."""
    elbo: torch.Tensor
    """The average ELBO per example at the end."""
    weight: torch.Tensor
    """The decoder's :math:`W`, shape ``(d, latent)``."""
    encoder_weight: torch.Tensor
    """The encoder's :math:`V`: :math:`q(z \\mid x) = \\mathcal N(V(x - \\bar x), \\operatorname{diag} s^2)`."""
    posterior_var: torch.Tensor
    """The encoder's variances :math:`s^2`, shape ``(latent,)``."""


def _linear_elbo(covariance, noise_var, weight, encoder_weight, log_var):
    """The exact data-averaged ELBO of the linear VAE, and the KL of each coordinate."""
    d = covariance.shape[0]
    residual = torch.eye(d, dtype=covariance.dtype) - weight @ encoder_weight
    squared_error = (residual @ covariance @ residual.T).trace() + (log_var.exp() * (weight**2).sum(0)).sum()
    reconstruction = -0.5 * d * math.log(2 * math.pi * noise_var) - squared_error / (2 * noise_var)
    kl = 0.5 * ((encoder_weight @ covariance @ encoder_weight.T).diagonal() + log_var.exp() - 1 - log_var)
    return reconstruction - kl.sum(), kl


def linear_vae(x, *, latent: int, noise_var: float, iterations: int = 400, seed: int = 0) -> LinearVAE:
    r"""Fit a linear VAE by maximising its exact ELBO with L-BFGS, from a random start.

    Decoder :math:`p(x \mid z) = \mathcal N(Wz + \bar x, \sigma^2 I)` with :math:`\sigma^2` fixed, encoder
    :math:`q(z \mid x) = \mathcal N(V(x - \bar x), \operatorname{diag} s^2)`. Averaged over the data the ELBO
    depends on the data only through their covariance :math:`S`:

    .. math::

        \mathcal L = -\tfrac d2\log(2\pi\sigma^2) - \frac{\operatorname{tr}\bigl((I - WV)S(I - WV)^\top\bigr)
        + \sum_j s_j^2\|w_j\|^2}{2\sigma^2} - \tfrac12\sum_j\bigl((VSV^\top)_{jj} + s_j^2 - 1 - \log s_j^2\bigr),

    maximised here without sampling. Compare with :func:`ppca_optimum`.

    Parameters
    ----------
    x : array_like, shape (n, d)
    latent : int
        Latent dimension, at most ``d``.
    noise_var : float
        :math:`\sigma^2 > 0`.
    iterations : int, default 400
        L-BFGS iterations (with a strong-Wolfe line search).
    seed : int, default 0
        Seed of the random start.

    Returns
    -------
    LinearVAE

    Examples
    --------
    >>> x = torch.randn(5000, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    >>> x = x * torch.tensor([2.0, 1.0, 0.5], dtype=torch.float64)
    >>> fit = linear_vae(x, latent=3, noise_var=1.5)
    >>> best = ppca_optimum(x, latent=3, noise_var=1.5)
    >>> torch.allclose(fit.kl.sort(descending=True).values, best.kl, atol=1e-6), torch.allclose(fit.elbo, best.log_likelihood)
    (True, True)
    """
    func = "linear_vae"
    covariance, latent, noise_var = _check_ppca(x, latent, noise_var, func)
    iterations = check_integer(iterations, name="iterations", func=func, minimum=1)
    generator = torch.Generator().manual_seed(check_seed(seed, func=func))
    d = covariance.shape[0]
    scale = covariance.diagonal().mean().sqrt()
    weight = (scale * torch.randn(d, latent, generator=generator, dtype=torch.float64) / math.sqrt(latent))
    encoder_weight = torch.randn(latent, d, generator=generator, dtype=torch.float64) / (scale * math.sqrt(d))
    log_var = torch.zeros(latent, dtype=torch.float64)
    parameters = [p.requires_grad_() for p in (weight, encoder_weight, log_var)]
    optimizer = torch.optim.LBFGS(parameters, lr=1, max_iter=iterations, max_eval=2 * iterations, history_size=50,
                                  tolerance_grad=1e-14, tolerance_change=1e-16, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = -_linear_elbo(covariance, noise_var, *parameters)[0]
        loss.backward()
        return loss

    with torch.enable_grad():
        optimizer.step(closure)
    with torch.no_grad():
        value, kl = _linear_elbo(covariance, noise_var, *parameters)
    return LinearVAE(kl, value, weight.detach(), encoder_weight.detach(), log_var.detach().exp())
