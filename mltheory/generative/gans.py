r"""GANs as games: the optimal discriminator, the generator's losses, the Dirac-GAN and a 1-D mixture GAN.

The discriminator :math:`D = \sigma(\ell)` outputs a logit :math:`\ell`. It maximises
:math:`V = E_p \log D + E_q \log(1 - D)` over real samples (from :math:`p`) and generated ones (from
:math:`q`); the generator moves :math:`q` against it. The Dirac-GAN of Mescheder, Geiger and Nowozin
(2018) is the smallest such game: the data are the point 0, the generator the point :math:`\theta`, and
the discriminator the linear logit :math:`\ell(x) = \psi x`, so that
:math:`V(\theta, \psi) = f(\psi\theta) + f(0)` with :math:`f(t) = -\log(1 + e^{-t})`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.functional import softplus

from ..networks import mlp
from ..runtime import one_thread
from ..validation import (
    as_float_tensor,
    as_generator,
    check_array,
    check_choice,
    check_finite,
    check_integer,
    check_scalar,
    check_seed,
    next_seed,
)

__all__ = [
    "DIRAC_METHODS",
    "GAN_LOSSES",
    "MixtureGAN",
    "dirac_gan",
    "fit_discriminator",
    "game_jacobian",
    "gan_losses",
    "gaussian_mixture",
    "optimal_discriminator",
    "train_mixture_gan",
]

GAN_LOSSES = ("minimax", "nonsaturating", "least_squares")
"""The losses of :func:`gan_losses`."""

DIRAC_METHODS = ("simultaneous", "unrolled", "r1")
"""The training methods of :func:`dirac_gan`."""


def optimal_discriminator(p, q) -> torch.Tensor:
    r"""The discriminator that maximises the GAN value for fixed densities: :math:`D^* = p / (p + q)`.

    Pointwise, :math:`p \log D + q \log(1 - D)` is concave in :math:`D` and stationary at :math:`D^*`.

    Parameters
    ----------
    p, q : array_like
        Densities (or probabilities) of the data and of the generator at the same points; non-negative,
        broadcastable, and not both zero at any point.

    Returns
    -------
    torch.Tensor
        :math:`D^*` at each point, in :math:`[0, 1]`.

    Examples
    --------
    >>> optimal_discriminator([0.3, 0.1, 0.0], [0.1, 0.1, 0.2])
    tensor([0.7500, 0.5000, 0.0000], dtype=torch.float64)
    """
    func = "optimal_discriminator"
    p = check_array(p, name="p", func=func, nonnegative=True)
    q = check_array(q, name="q", func=func, nonnegative=True)
    try:
        total = p + q
    except RuntimeError:
        raise ValueError(f"{func}: p and q must have broadcastable shapes "
                         f"(got {tuple(p.shape)} and {tuple(q.shape)})") from None
    if (total == 0).any():
        raise ValueError(f"{func}: p + q must be positive at every point (got {int((total == 0).sum())} zeros)")
    return p / total


def gan_losses(real_logits, fake_logits, kind: str = "nonsaturating") -> tuple[torch.Tensor, torch.Tensor]:
    r"""The discriminator's and the generator's losses, from the discriminator's logits.

    With :math:`D = \sigma(\ell)` and :math:`\log\sigma(\ell) = -\operatorname{softplus}(-\ell)`:

    - ``"minimax"``: the discriminator minimises :math:`-E\log D(x) - E\log(1 - D(G(z)))` and the
      generator minimises :math:`E\log(1 - D(G(z)))`, the other side of the same value;
    - ``"nonsaturating"``: the same discriminator loss, and the generator minimises
      :math:`-E\log D(G(z))`;
    - ``"least_squares"``: the raw outputs are scored by squares, :math:`\tfrac12 E(\ell(x) - 1)^2 +
      \tfrac12 E\,\ell(G(z))^2` for the discriminator and :math:`\tfrac12 E(\ell(G(z)) - 1)^2` for the
      generator (Mao et al. 2017).

    Parameters
    ----------
    real_logits, fake_logits : array_like
        Discriminator outputs on real and on generated samples (any shapes; they are averaged).
    kind : {"minimax", "nonsaturating", "least_squares"}, default "nonsaturating"

    Returns
    -------
    discriminator_loss, generator_loss : torch.Tensor
        Two scalars, differentiable with respect to the logits.

    Examples
    --------
    >>> d, g = gan_losses([0.0], [0.0], kind="minimax")
    >>> round(d.item(), 4), round(g.item(), 4)   # 2 log 2 and -log 2: D = 1/2 everywhere
    (1.3863, -0.6931)
    >>> round(gan_losses([0.0], [-10.0], kind="nonsaturating")[1].item(), 4)
    10.0
    """
    func = "gan_losses"
    real = check_array(real_logits, name="real_logits", func=func)
    fake = check_array(fake_logits, name="fake_logits", func=func)
    kind = check_choice(kind, GAN_LOSSES, name="kind", func=func)
    if kind == "least_squares":
        return 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake**2).mean(), 0.5 * ((fake - 1) ** 2).mean()
    discriminator = softplus(-real).mean() + softplus(fake).mean()
    generator = -softplus(fake).mean() if kind == "minimax" else softplus(-fake).mean()
    return discriminator, generator


# --------------------------------------------------------------------------- the Dirac-GAN


def _dirac_step(state: torch.Tensor, method: str, lr: float, k: int, gamma: float) -> torch.Tensor:
    r"""One simultaneous update of :math:`(\theta, \psi)`, batched over the leading dimensions of ``state``.

    The discriminator ascends :math:`V` (minus :math:`\tfrac\gamma2\psi^2` for ``"r1"``); the generator
    descends :math:`V`, or for ``"unrolled"`` the value after ``k`` ascent steps of the discriminator,
    differentiated through those steps in forward mode: ``slope`` is :math:`\partial\psi_j/\partial\theta`.
    With :math:`s = f'(t) = \sigma(-t)`, the second derivative is :math:`f''(t) = -s(1 - s)`.
    """
    theta, psi = state[..., 0], state[..., 1]
    s = torch.sigmoid(-psi * theta)
    ascent = theta * s - gamma * psi if method == "r1" else theta * s
    if method == "unrolled":
        ahead, slope = psi, torch.zeros_like(psi)
        for _ in range(k):
            lr_s = lr * torch.sigmoid(-ahead * theta)
            slope = slope + lr_s * (1 - theta * (1 - lr_s / lr) * (slope * theta + ahead))
            ahead = ahead + lr_s * theta
        descent = torch.sigmoid(-ahead * theta) * (ahead + theta * slope)
    else:
        descent = psi * s
    return torch.stack([theta - lr * descent, psi + lr * ascent], dim=-1)


def _dirac_arguments(func: str, method, lr, k, gamma) -> tuple[str, float, int, float]:
    method = check_choice(method, DIRAC_METHODS, name="method", func=func)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    k = check_integer(k, name="k", func=func, minimum=1)
    gamma = check_scalar(gamma, name="gamma", func=func, low=0)
    return method, lr, k, gamma


@one_thread()
def dirac_gan(method: str = "simultaneous", *, steps: int = 5000, lr: float = 0.1, k: int = 5, gamma: float = 1.0,
              start=(1.0, 1.0)) -> torch.Tensor:
    r"""Train the Dirac-GAN: the path of :math:`(\theta, \psi)` under simultaneous gradient steps.

    The game is :math:`V(\theta, \psi) = f(\psi\theta) + f(0)` with :math:`f(t) = -\log(1 + e^{-t})`:
    data at 0, generator at :math:`\theta`, discriminator logit :math:`\psi x`. Its only equilibrium is
    :math:`(0, 0)`. Each step moves both players at once, the generator down and the discriminator up:

    - ``"simultaneous"``: plain gradient descent/ascent;
    - ``"unrolled"``: the generator descends :math:`V(\theta, \psi_k(\theta))`, where :math:`\psi_k` is the
      discriminator after ``k`` ascent steps of size ``lr`` against the current :math:`\theta`, with the
      gradient taken through those steps (Metz et al. 2017);
    - ``"r1"``: the discriminator ascends :math:`V - \tfrac\gamma2 \psi^2`, the zero-centred gradient
      penalty :math:`\tfrac\gamma2 E_p|\nabla_x \ell|^2` of this game (Mescheder et al. 2018).

    Parameters
    ----------
    method : {"simultaneous", "unrolled", "r1"}, default "simultaneous"
    steps : int, default 5000
        Number of updates.
    lr : float, default 0.1
        Step size of both players (and of the unrolled steps).
    k : int, default 5
        Unrolled discriminator steps (``"unrolled"`` only).
    gamma : float, default 1.0
        Weight of the R1 penalty (``"r1"`` only).
    start : array_like, default (1, 1)
        Initial :math:`(\theta, \psi)`, shape ``(..., 2)``: a batch of starts runs at once.

    Returns
    -------
    torch.Tensor
        The path, shape ``(..., steps + 1, 2)``, starting with ``start``.

    Examples
    --------
    >>> path = dirac_gan("simultaneous", steps=5000)
    >>> round(path[0].norm().item(), 2), round(path[-1].norm().item(), 2)
    (1.41, 3.63)
    >>> dirac_gan("unrolled", steps=1000, k=5)[-1].norm().item() < 1e-4
    True
    """
    func = "dirac_gan"
    method, lr, k, gamma = _dirac_arguments(func, method, lr, k, gamma)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    state = check_finite(as_float_tensor(start, name="start", func=func), name="start", func=func)
    if state.dim() == 0 or state.shape[-1] != 2:
        raise ValueError(f"{func}: start must have a last dimension of size 2, (θ, ψ) "
                         f"(got shape {tuple(state.shape)})")
    path = [state]
    with torch.no_grad():
        for _ in range(steps):
            state = _dirac_step(state, method, lr, k, gamma)
            path.append(state)
    return torch.stack(path, dim=-2)


def game_jacobian(method: str = "simultaneous", *, lr: float = 0.1, k: int = 5, gamma: float = 1.0) -> torch.Tensor:
    r"""The Jacobian of one update of :func:`dirac_gan` at the equilibrium :math:`(0, 0)`, by automatic differentiation.

    Near the equilibrium the update is this linear map :math:`M`: the iterates converge when its spectral
    radius is below 1 and spiral away when it is above. For plain simultaneous steps
    :math:`M = I + \eta J` with the game's Jacobian :math:`J` (eigenvalues :math:`\pm i f'(0)`).

    Parameters
    ----------
    method, lr, k, gamma
        As in :func:`dirac_gan`.

    Returns
    -------
    torch.Tensor
        The 2 × 2 matrix :math:`\partial(\theta', \psi') / \partial(\theta, \psi)` at :math:`(0, 0)`, float64.

    Examples
    --------
    >>> game_jacobian("simultaneous", lr=0.1)
    tensor([[ 1.0000, -0.0500],
            [ 0.0500,  1.0000]], dtype=torch.float64)
    >>> torch.linalg.eigvals(game_jacobian("simultaneous", lr=0.1)).abs()  # sqrt(1 + 0.05^2) > 1
    tensor([1.0012, 1.0012], dtype=torch.float64)
    """
    method, lr, k, gamma = _dirac_arguments("game_jacobian", method, lr, k, gamma)
    origin = torch.zeros(2, dtype=torch.float64)
    # torch.autograd.functional rather than torch.func: the latter costs seconds to set up on its first call
    return torch.autograd.functional.jacobian(lambda s: _dirac_step(s, method, lr, k, gamma), origin)


# --------------------------------------------------------------------------- a 1-D mixture GAN


def gaussian_mixture(means, sd: float = 0.25):
    r"""The equal-weight mixture of Gaussians with standard deviation ``sd`` at ``means``: its density and a sampler.

    Parameters
    ----------
    means : array_like
        The components' means, a nonempty 1-D array.
    sd : float, default 0.25
        The components' common standard deviation.

    Returns
    -------
    density : callable
        ``density(x)`` is the mixture's density at each entry of ``x`` (float64).
    sample : callable
        ``sample(n, generator)`` draws ``n`` points, shape ``(n, 1)``.

    Examples
    --------
    >>> density, sample = gaussian_mixture([-2.0, 2.0], sd=0.5)
    >>> x = torch.linspace(-8, 8, 4001, dtype=torch.float64)
    >>> round(torch.trapezoid(density(x), x).item(), 6)
    1.0
    >>> sample(3, torch.Generator().manual_seed(0)).shape
    torch.Size([3, 1])
    """
    func = "gaussian_mixture"
    means = check_array(means, name="means", func=func).to(torch.float64)
    if means.dim() != 1:
        raise ValueError(f"{func}: means must be a 1-D array (got shape {tuple(means.shape)})")
    sd = check_scalar(sd, name="sd", func=func, low=0, low_open=True)

    def density(x) -> torch.Tensor:
        z = (torch.as_tensor(x, dtype=torch.float64)[..., None] - means) / sd
        return torch.exp(-0.5 * z**2).mean(-1) / (sd * math.sqrt(2 * math.pi))

    def sample(n: int, generator: torch.Generator) -> torch.Tensor:
        component = torch.randint(len(means), (n,), generator=generator)
        return (means[component] + sd * torch.randn(n, generator=generator, dtype=torch.float64))[:, None]

    return density, sample


@one_thread()
def fit_discriminator(real, fake, *, hidden: int = 32, steps: int = 1500, lr: float = 1e-2, seed: int = 0) -> nn.Module:
    r"""Train an MLP discriminator on fixed real and generated samples, full batch, with Adam on the GAN loss.

    It minimises :math:`-\tfrac1n\sum\log D(x_i) - \tfrac1m\sum\log(1 - D(y_j))`, the discriminator's loss of
    :func:`gan_losses`; with enough samples and steps its output approaches :func:`optimal_discriminator`.

    Parameters
    ----------
    real, fake : array_like
        Samples of the data and of the generator, shapes ``(n,)`` or ``(n, 1)``.
    hidden : int, default 32
        Width of the two hidden layers (tanh).
    steps : int, default 1500
        Full-batch Adam steps.
    lr : float, default 1e-2
        Adam's learning rate.
    seed : int, default 0
        Seed of the initial weights.

    Returns
    -------
    torch.nn.Module
        The discriminator: logits, float64, for inputs of shape ``(n, 1)``.

    Examples
    --------
    >>> g = torch.Generator().manual_seed(0)
    >>> real, fake = 1 + torch.randn(500, generator=g), -1 + torch.randn(500, generator=g)
    >>> net = fit_discriminator(real, fake, hidden=8, steps=200)
    >>> x = torch.linspace(-1, 1, 5, dtype=torch.float64)[:, None]
    >>> best = optimal_discriminator(torch.exp(-(x - 1) ** 2 / 2), torch.exp(-(x + 1) ** 2 / 2))
    >>> (torch.sigmoid(net(x)) - best).abs().max().item() < 0.1
    True
    """
    func = "fit_discriminator"
    real, fake = (_samples(x, name, func) for x, name in ((real, "real"), (fake, "fake")))
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    net = mlp([1, hidden, hidden, 1], activation="tanh", seed=check_seed(seed, func=func), dtype=torch.float64)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        gan_losses(net(real), net(fake))[0].backward()
        optimizer.step()
    return net


def _samples(x, name: str, func: str) -> torch.Tensor:
    x = check_array(x, name=name, func=func).to(torch.float64)
    if x.dim() == 1:
        x = x[:, None]
    if x.dim() != 2 or x.shape[1] != 1:
        raise ValueError(f"{func}: {name} must have shape (n,) or (n, 1) (got {tuple(x.shape)})")
    return x


@dataclass(frozen=True)
class MixtureGAN:
    """The result of :func:`train_mixture_gan`.

    Attributes
    ----------
    generator, discriminator : torch.nn.Module
        The trained networks (noise of shape ``(n, latent)`` to points ``(n, 1)``; points to logits).
    checkpoints : tuple of int
        The steps at which ``samples`` were taken.
    samples : torch.Tensor
        Generated points at each checkpoint, shape ``(len(checkpoints), n_show)``, from fixed noise.
    means : torch.Tensor
        The data's mixture means.
    """

    generator: nn.Module
    discriminator: nn.Module
    checkpoints: tuple[int, ...]
    samples: torch.Tensor
    means: torch.Tensor


@one_thread()
def train_mixture_gan(means: Sequence[float] = (-3.0, 0.0, 3.0), *, sd: float = 0.25, kind: str = "nonsaturating",
                      steps: int = 2000, batch_size: int = 256, hidden: int = 32, latent: int = 1, lr: float = 1e-3,
                      checkpoints: int = 5, n_show: int = 2000, seed: int = 0) -> MixtureGAN:
    r"""Train a small GAN on a 1-D mixture of Gaussians, alternating one discriminator and one generator step.

    Both players are MLPs with two hidden tanh layers, trained with Adam (betas 0.5, 0.999) on the losses of
    :func:`gan_losses`. The latent noise is standard normal.

    Parameters
    ----------
    means : sequence of float, default (-3, 0, 3)
        The data's mixture means (equal weights).
    sd : float, default 0.25
        The components' standard deviation.
    kind : {"minimax", "nonsaturating", "least_squares"}, default "nonsaturating"
        The losses, as in :func:`gan_losses`.
    steps : int, default 2000
        Rounds of one discriminator and one generator step.
    batch_size : int, default 256
        Real and generated samples per step.
    hidden : int, default 32
        Width of the hidden layers of both networks.
    latent : int, default 1
        Dimension of the generator's noise.
    lr : float, default 1e-3
        Adam's learning rate for both players.
    checkpoints : int, default 5
        How many evenly spaced snapshots of generated samples to keep (the last is at ``steps``).
    n_show : int, default 2000
        Generated points per snapshot.
    seed : int, default 0
        Seed of the weights, the data and the noise.

    Returns
    -------
    MixtureGAN

    Examples
    --------
    >>> run = train_mixture_gan(steps=50, checkpoints=2, n_show=100)
    >>> run.checkpoints, tuple(run.samples.shape)
    ((25, 50), (2, 100))
    """
    func = "train_mixture_gan"
    density_means = check_array(list(means) if isinstance(means, (list, tuple)) else means, name="means", func=func)
    _, sample = gaussian_mixture(density_means, sd=check_scalar(sd, name="sd", func=func, low=0, low_open=True))
    kind = check_choice(kind, GAN_LOSSES, name="kind", func=func)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    batch_size = check_integer(batch_size, name="batch_size", func=func, minimum=1)
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    latent = check_integer(latent, name="latent", func=func, minimum=1)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    checkpoints = check_integer(checkpoints, name="checkpoints", func=func, minimum=1)
    n_show = check_integer(n_show, name="n_show", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    generator_net = mlp([latent, hidden, hidden, 1], activation="tanh", seed=seed, dtype=torch.float64)
    discriminator = mlp([1, hidden, hidden, 1], activation="tanh", seed=next_seed(seed), dtype=torch.float64)
    g_opt = torch.optim.Adam(generator_net.parameters(), lr=lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    rng = as_generator(seed, func=func)
    shown_noise = torch.randn(n_show, latent, generator=rng, dtype=torch.float64)
    marks = sorted({max(1, round(steps * (i + 1) / checkpoints)) for i in range(checkpoints)})
    snapshots = []
    for step in range(1, steps + 1):
        real = sample(batch_size, rng)
        fake = generator_net(torch.randn(batch_size, latent, generator=rng, dtype=torch.float64))
        d_opt.zero_grad()
        gan_losses(discriminator(real), discriminator(fake.detach()), kind)[0].backward()
        d_opt.step()
        g_opt.zero_grad()
        gan_losses(discriminator(real), discriminator(fake), kind)[1].backward()
        g_opt.step()
        if step in marks:
            with torch.no_grad():
                snapshots.append(generator_net(shown_noise).squeeze(-1))
    return MixtureGAN(generator_net, discriminator, tuple(marks), torch.stack(snapshots),
                      density_means.to(torch.float64))
