"""Claims of the page "Latent spaces and autoencoders" (``book/generative/latent-spaces.md``)."""

from __future__ import annotations

import math
from functools import lru_cache

import sympy as sp
import torch
from torch import nn

from ...claims import Alternative, Identity, Measurement, Numeric, Words, register
from ...data import digits
from ...estimation.symbolic import notation
from ...information.tsne import tsne
from ...networks import fit
from ...runtime import one_thread
from ..autoencoders import autoencoder, knn_leave_one_out, linear_autoencoder, pca, principal_angles

k, d = sp.symbols("k d", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
lam, c = sp.IndexedBase("lambda"), sp.IndexedBase("c")

# --------------------------------------------------------------------------- the linear autoencoder's optimum

Dec, Enc = sp.MatrixSymbol("D", d, k), sp.MatrixSymbol("E", k, d)
G, Sigma = sp.MatrixSymbol("G", k, k), sp.MatrixSymbol("Sigma", d, d)


def _reconstruction_loss(decoder, encoder):
    residual = sp.Identity(d) - decoder * encoder
    return sp.Trace(residual * Sigma * residual.T)


#: The mean squared reconstruction error tr((I − DE) Σ (I − DE)ᵀ) of a linear autoencoder on centred data.
Loss = notation("AutoencoderLoss", r"L\left(#1,\, #2\right)", _reconstruction_loss)

register(Identity(
    label="eq-ae-gauge",
    lhs=Loss(Dec * G, sp.Inverse(G) * Enc),
    rhs=Loss(Dec, Enc),
    method="doit",
    condition=Words("for every invertible $k \\times k$ matrix $G$"),
    source="Baldi & Hornik (1989)",
))

#: The error of projecting onto a k-dimensional subspace W, in the eigenbasis of Σ: Σᵢ λᵢ (1 − cᵢ), cᵢ = ‖Wᵀuᵢ‖².
PROJECTION_ERROR = sp.Sum(lam[i] * (1 - c[i]), (i, 1, d))

register(Identity(
    label="eq-ae-ky-fan",
    lhs=PROJECTION_ERROR - sp.Sum(lam[i], (i, k + 1, d)),
    rhs=sp.Sum((lam[i] - lam[k]) * (1 - c[i]), (i, 1, k)) + sp.Sum((lam[k] - lam[i]) * c[i], (i, k + 1, d)),
    method="sums",
    given=((sp.Sum(c[i], (i, 1, d)), k),),
    source="Ky Fan (1949); Baldi & Hornik (1989)",
))


#: The dimension of the linear autoencoder's code on the page.
CODE_DIMENSION = 3

#: The number of digit images (8 x 8 pixels) in every experiment of the page: the size of
#: ``sklearn.datasets.load_digits``, written out so that importing the claims loads no data (a test compares).
N_DIGITS = 1797

#: The target accuracy of the linear autoencoder's loss (squared pixel intensity, total variance about 4.7).
LOSS_TARGET = 1e-9


def _power_of_ten(value: float) -> str:
    """``value`` in LaTeX as :math:`m \\times 10^{e}`, with one digit after the point (``10^{e}`` when m = 1)."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"10^{{{int(exponent)}}}" if mantissa == "1.0" else rf"{mantissa} \times 10^{{{int(exponent)}}}"


@lru_cache(maxsize=4)
def digits_linear_autoencoder(k: int = CODE_DIMENSION, steps: int = 3000, seed: int = 0):
    """The linear autoencoder of :func:`linear_autoencoder_check` on the digits (cached for the page and its figure)."""
    return linear_autoencoder(digits()[0], k, steps=steps, seed=seed)


def linear_autoencoder_check(k: int = CODE_DIMENSION, steps: int = 3000, reference: str = "top", seed: int = 0):
    r"""A linear autoencoder with a ``k``-dimensional code trained by gradient descent on the digits.

    Compares its loss with the sum of the eigenvalues outside ``reference`` (``"top"``: the top-``k``
    principal subspace; ``"bottom"``: the ``k`` directions of least variance; ``"random"``: a seeded
    random ``k``-dimensional subspace), and the principal angles between its decoder's column space and that
    subspace with zero. The loss must reach the optimum within :data:`LOSS_TARGET`, far below the eigengap
    :math:`\lambda_k - \lambda_{k+1}`, which is the smallest excess of any other critical point
    (Baldi & Hornik 1989). The angles then follow from :eq:`eq-ae-ky-fan`: with :math:`c_i` the squared
    cosines, :math:`\sum_{i>k} c_i = \sum_j \sin^2\theta_j \le (L - L^*)/(\lambda_k - \lambda_{k+1})`.
    """
    images, _ = digits()
    model = digits_linear_autoencoder(int(k), int(steps), int(seed))
    spectrum = pca(images, images.shape[1])
    if reference == "top":
        basis = spectrum.components[:, :k]
    elif reference == "bottom":
        basis = spectrum.components[:, -k:]
    else:
        generator = torch.Generator().manual_seed(seed)
        basis = torch.linalg.qr(torch.randn(images.shape[1], k, generator=generator, dtype=images.dtype))[0]
    covariance = spectrum.components @ torch.diag(spectrum.variances) @ spectrum.components.T
    kept = (basis.T @ covariance @ basis).trace().item()
    optimum = spectrum.variances.sum().item() - kept
    gap = (spectrum.variances[k - 1] - spectrum.variances[k]).item()
    angle_bound = math.asin(math.sqrt(LOSS_TARGET / gap))
    largest_angle = principal_angles(model.decoder, basis).max().item()
    return [
        Measurement.exact("reconstruction error against the sum of the discarded eigenvalues", model.losses[-1].item(),
                          optimum, tolerance=LOSS_TARGET,
                          reason=f"target accuracy {LOSS_TARGET:g}, far below the eigengap {gap:.3f} (the excess of "
                                 "the nearest other critical point)",
                          quantity=rf"L(D, E)_{{{steps}\ \mathrm{{steps}}}}",
                          expected_latex=r"\sum_{i > k} \lambda_i"),
        Measurement.exact("largest principal angle to the top-k PCA subspace (radians)", largest_angle, 0.0,
                          tolerance=angle_bound, relation="<=",
                          reason=f"sin²θ_max ≤ (L − L*)/(λ_k − λ_{{k+1}}) (eq-ae-ky-fan) with L − L* ≤ {LOSS_TARGET:g}",
                          quantity=r"\max_j \theta_j\big(\operatorname{col} D,\ \operatorname{span}(u_1, \dots, u_k)\big)",
                          expected_latex=rf"\arcsin\sqrt{{{_power_of_ten(LOSS_TARGET)} / (\lambda_{k} - \lambda_{k + 1})}} "
                                         rf"= {_power_of_ten(angle_bound)}"),
    ]


register(Numeric(
    label="eq-ae-pca-subspace",
    experiment=linear_autoencoder_check,
    alternative=Alternative("the decoder spans a random k-dimensional subspace", kwargs={"reference": "random"}),
    page={"k": CODE_DIMENSION, "steps": 3000},
    test={"k": CODE_DIMENSION, "steps": 3000},
    method=f"full-batch gradient descent on the {N_DIGITS} digits, in float64",
    condition=Words(f"for a code of dimension {CODE_DIMENSION}, on the {N_DIGITS} digits"),
    source="Baldi & Hornik (1989); Kaplan (7.1.1)",
))


# --------------------------------------------------------------------------- 2-D maps of the digits

#: Widths of the nonlinear autoencoder's encoder (the decoder mirrors them).
ENCODER_SIZES = (64, 64, 2)

#: Epochs of Adam for the nonlinear autoencoder on the page.
EPOCHS = 100

#: The perplexity of the t-SNE map.
PERPLEXITY = 30.0

#: Neighbours in the leave-one-out vote that scores each map.
NEIGHBOURS = 5

#: Standard errors by which each map must beat the one before it.
N_SIGMA = 5.0


def digits_maps(epochs: int = EPOCHS, tsne_iterations: int = 1000, seed: int = 0) -> dict:
    """Three 2-D maps of the digits: PCA, a trained tanh autoencoder, and t-SNE.

    The autoencoder (:data:`ENCODER_SIZES`, mirrored decoder) is trained with Adam on the mean squared error,
    in batches of 64 for ``epochs`` epochs (``0``: untrained); t-SNE is :func:`mltheory.information.tsne`
    at perplexity :data:`PERPLEXITY`, stopped early at tolerance 0.01. Each map is computed once per setting and cached.
    Returns the labels, the three maps and the autoencoder's final loss.
    """
    images, labels = digits()
    components = pca(images, 2)
    latent, loss = autoencoder_map(int(epochs), int(seed))
    return {"labels": labels, "PCA": (images - components.mean) @ components.components, "autoencoder": latent,
            "t-SNE": tsne_map(int(tsne_iterations), int(seed)), "loss": loss}


@lru_cache(maxsize=4)
@one_thread()
def autoencoder_map(epochs: int = EPOCHS, seed: int = 0) -> tuple[torch.Tensor, float]:
    """The 2-D code of the digits from the autoencoder of :func:`digits_maps`, and its final training loss."""
    x = digits()[0].float()
    model = autoencoder(ENCODER_SIZES, seed=seed)
    loss = float("nan")
    if epochs:
        loss = fit(model, x, x, loss=nn.functional.mse_loss, epochs=epochs, batch_size=64, lr=3e-3, seed=seed)[-1]["loss"]
    with torch.no_grad():
        return model[0](x).double(), loss


@lru_cache(maxsize=4)
@one_thread()
def tsne_map(iterations: int = 1000, seed: int = 0) -> torch.Tensor:
    """The t-SNE map of the digits used by :func:`digits_maps` (perplexity :data:`PERPLEXITY`, early stop at tolerance 0.01)."""
    return tsne(digits()[0], perplexity=PERPLEXITY, seed=seed, n_iter=iterations, tol=0.01).embedding.double()


def knn_ordering_check(epochs: int = EPOCHS, tsne_iterations: int = 1000, seed: int = 0, n_sigma: float = N_SIGMA):
    r"""Leave-one-out :data:`NEIGHBOURS`-NN accuracy in the three maps: PCA < autoencoder < t-SNE, each step by ``n_sigma`` SEs.

    Each comparison is paired: the per-digit differences of the right/wrong indicators have a standard error
    :math:`s/\sqrt n`, and the measured gain less ``n_sigma`` of them must be positive.
    """
    maps = digits_maps(epochs, tsne_iterations, seed)
    right = {name: knn_leave_one_out(maps[name], maps["labels"], neighbours=NEIGHBOURS) for name in ("PCA", "autoencoder", "t-SNE")}
    measurements = []
    for low, high, tex in (("PCA", "autoencoder", (r"\mathrm{PCA}", r"\mathrm{AE}")),
                           ("autoencoder", "t-SNE", (r"\mathrm{AE}", r"\text{t-SNE}"))):
        difference = right[high] - right[low]
        error = difference.std().item() / math.sqrt(len(difference))
        measurements.append(Measurement.exact(
            f"{NEIGHBOURS}-NN accuracy gain of {high} over {low}, less {n_sigma:g} standard errors",
            difference.mean().item() - n_sigma * error, 0.0, relation=">=",
            reason=f"{n_sigma:g} standard errors of the paired difference (σ = {error:.4f}, {len(difference)} digits)",
            quantity=rf"\mathrm{{acc}}_{{{tex[1]}}} - \mathrm{{acc}}_{{{tex[0]}}} - {n_sigma:g}\,\mathrm{{SE}}",
            expected_latex="0"))
    return measurements


register(Numeric(
    label="eq-ae-latent-knn",
    experiment=knn_ordering_check,
    alternative=Alternative("an untrained autoencoder's map separates the digits as well as PCA's",
                            kwargs={"epochs": 0}),
    page={"epochs": EPOCHS},
    test={"epochs": 50},
    method=f"leave-one-out {NEIGHBOURS}-nearest-neighbour accuracy in each 2-D map of the {N_DIGITS} digits, paired",
    condition=Words(f"on the {N_DIGITS} digits, {NEIGHBOURS} neighbours"),
    source="ours (Kaplan §7.1, Hinton & Salakhutdinov 2006)",
))
