r"""Symmetry must come from the data: small experiments on networks, on the digits, and with adversaries.

* :func:`asymmetric_fit`: a network fits targets that *break* a symmetry, so
  networks are not symmetric by construction;
* :func:`transform_digits` and :func:`augmentation_experiment`: changes of
  brightness and small shifts keep a digit's label; a classifier trained on
  the plain digits is hurt by them, one trained with them as augmentations is not;
* :func:`fgsm` and :func:`fgsm_curve`: the fast gradient sign attack of
  :cite:t:`goodfellow2015adversarial`, and the accuracy of the digits
  classifier against the size :math:`\varepsilon` of the attack, beside random
  perturbations of the same size.

Everything is seeded and runs on one thread in a few seconds.
"""

from __future__ import annotations

from functools import lru_cache

import torch
from torch import nn

from ..data import digits, train_test_indices
from ..networks import fit, mlp
from ..runtime import one_thread
from .pictures import as_integer_tensor
from ..validation import (
    as_float_tensor,
    check_choice,
    check_finite,
    check_flag,
    check_integer,
    check_labels,
    check_scalar,
    check_seed,
    check_shape,
    next_seed,
)

__all__ = [
    "asymmetric_fit",
    "augmentation_experiment",
    "digits_classifier",
    "fgsm",
    "fgsm_curve",
    "transform_digits",
]


@one_thread()
def asymmetric_fit(pairs: int = 8, *, steps: int = 300, seed: int = 0) -> dict:
    r"""Train a small network to give mirror images opposite targets, and measure that it does.

    ``pairs`` seeded points :math:`x_i` of the plane (standard normal) get the
    target :math:`+1` and their mirror images :math:`g \cdot x_i`, with
    :math:`g : (x_1, x_2) \mapsto (-x_1, x_2)`, the target :math:`-1`. A network
    with two hidden layers of 32 tanh units is trained on the squared error by
    full-batch Adam (learning rate :math:`2 \cdot 10^{-2}`) for ``steps`` steps.

    Parameters
    ----------
    pairs : int, default 8
        Number of points :math:`x_i` (the dataset has twice as many).
    steps : int, default 300
        Adam steps.
    seed : int, default 0
        Seed of the points and of the initial weights.

    Returns
    -------
    dict
        ``gap``: the mean of :math:`h(x_i) - h(g\cdot x_i)` (2 for a perfect
        fit, 0 for a reflection-invariant network); ``max_residual``: the
        largest :math:`|h(x) - y|` on the data; ``initial_gap``: the mean gap
        before training; ``model`` and the data ``x``, ``mirrored``.

    Examples
    --------
    >>> result = asymmetric_fit(2, steps=150)
    >>> round(result["gap"], 2)
    2.0
    """
    func = "asymmetric_fit"
    pairs = check_integer(pairs, name="pairs", func=func, minimum=1)
    steps = check_integer(steps, name="steps", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(pairs, 2, generator=generator)
    mirrored = x * torch.tensor([-1.0, 1.0])
    inputs = torch.cat([x, mirrored])
    targets = torch.cat([torch.ones(pairs), -torch.ones(pairs)])
    model = mlp([2, 32, 32, 1], activation="tanh", seed=seed)
    with torch.no_grad():
        initial_gap = (model(x) - model(mirrored)).mean().item()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs).squeeze(1), targets)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        gap = (model(x) - model(mirrored)).mean().item()
        residual = (model(inputs).squeeze(1) - targets).abs().max().item()
    return {"gap": gap, "max_residual": residual, "initial_gap": initial_gap, "model": model, "x": x,
            "mirrored": mirrored}


def transform_digits(images, *, brightness, shift) -> torch.Tensor:
    r"""Scale the brightness of 8×8 digit images and shift them by whole pixels, filling with black.

    Parameters
    ----------
    images : array_like, shape (m, 64)
        Flattened 8×8 images with values in :math:`[0, 1]` (:func:`mltheory.data.digits`).
    brightness : array_like, shape (m,) or scalar
        Factors in :math:`(0, 1]` that multiply every pixel.
    shift : array_like of int, shape (m, 2) or (2,)
        Shifts (down, right) in pixels, each in :math:`\{-1, 0, 1\}`.

    Returns
    -------
    torch.Tensor, shape (m, 64)

    Examples
    --------
    >>> image = torch.zeros(1, 64); image[0, 0] = 1.0
    >>> moved = transform_digits(image, brightness=0.5, shift=[1, 1])
    >>> moved.reshape(8, 8)[1, 1].item(), moved.sum().item()
    (0.5, 0.5)
    """
    func = "transform_digits"
    images = check_finite(as_float_tensor(images, name="images", func=func), name="images", func=func)
    sizes = check_shape(images, ("m", 64), name="images", func=func)
    brightness = check_finite(as_float_tensor(brightness, name="brightness", func=func), name="brightness",
                              func=func).to(images.dtype)
    if brightness.ndim > 1 or (brightness.ndim == 1 and len(brightness) != sizes["m"]):
        raise ValueError(f"{func}: brightness must be a scalar or have one factor per image "
                         f"(got shape {tuple(brightness.shape)} for {sizes['m']} images)")
    if not ((brightness > 0) & (brightness <= 1)).all():
        raise ValueError(f"{func}: brightness must lie in (0, 1] (got values in "
                         f"[{brightness.min().item()}, {brightness.max().item()}])")
    shift = as_integer_tensor(shift, name="shift", func=func)
    shift = shift.expand(sizes["m"], 2) if shift.shape == (2,) else shift
    check_shape(shift, ("m", 2), name="shift", func=func, sizes=sizes)
    if shift.abs().max() > 1:
        raise ValueError(f"{func}: shift must be -1, 0 or 1 pixel (got {shift.abs().max().item()})")
    padded = nn.functional.pad(images.reshape(-1, 8, 8), (1, 1, 1, 1))
    rows = (torch.arange(8)[None, :] + 1 - shift[:, :1]).long()
    cols = (torch.arange(8)[None, :] + 1 - shift[:, 1:]).long()
    moved = padded[torch.arange(len(padded))[:, None, None], rows[:, :, None], cols[:, None, :]]
    return (moved * brightness.reshape(-1, 1, 1)).reshape(-1, 64)


def _random_transforms(m: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Brightness uniform in [0.25, 1] and a shift uniform in {-1, 0, 1}², for ``m`` images."""
    brightness = 0.25 + 0.75 * torch.rand(m, generator=generator)
    shift = torch.randint(-1, 2, (m, 2), generator=generator)
    return brightness, shift


@lru_cache(maxsize=4)
@one_thread()
def _trained(augment: bool, copies: int, epochs: int, seed: int) -> nn.Module:
    images, labels = digits(dtype=torch.float32)
    train, _ = train_test_indices(len(images), seed=seed)
    x, y = images[train], labels[train]
    if augment:
        generator = torch.Generator().manual_seed(next_seed(seed))
        brightness, shift = _random_transforms(copies * len(x), generator)
        x = torch.cat([x, transform_digits(x.repeat(copies, 1), brightness=brightness, shift=shift)])
        y = torch.cat([y, y.repeat(copies)])
    model = mlp([64, 128, 10], seed=seed)
    fit(model, x, y, loss=nn.functional.cross_entropy, epochs=epochs, batch_size=64, lr=1e-3, seed=seed)
    model.eval()
    return model


def digits_classifier(*, augment: bool = False, copies: int = 3, epochs: int = 20, seed: int = 0) -> nn.Module:
    r"""A one-hidden-layer classifier of the digits (128 ReLU units), trained on the split of :func:`mltheory.data.train_test_indices`.

    Parameters
    ----------
    augment : bool, default False
        Also train on ``copies`` transformed copies of each training image, each
        with a random brightness factor in :math:`[\tfrac14, 1]` and a random
        shift in :math:`\{-1, 0, 1\}^2` (:func:`transform_digits`).
    copies : int, default 3
    epochs : int, default 20
        Passes of Adam (learning rate :math:`10^{-3}`, minibatches of 64).
    seed : int, default 0
        Seed of the split, the weights, the minibatches and the augmentations.

    Returns
    -------
    torch.nn.Module
        The trained network (memoised: the same arguments return the same object), in eval mode.

    Examples
    --------
    >>> net = digits_classifier(epochs=1)
    >>> net(torch.zeros(2, 64)).shape
    torch.Size([2, 10])
    """
    func = "digits_classifier"
    augment = check_flag(augment, name="augment", func=func)
    copies = check_integer(copies, name="copies", func=func, minimum=1)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    return _trained(augment, copies, epochs, check_seed(seed, func=func))


def augmentation_experiment(*, copies: int = 3, epochs: int = 20, seed: int = 0) -> dict:
    r"""Accuracy of the plain and the augmented classifier on clean and on transformed test digits.

    Each held-out digit is transformed once, with a seeded random brightness in
    :math:`[\tfrac14, 1]` and shift in :math:`\{-1, 0, 1\}^2`, the same for both classifiers.

    Parameters
    ----------
    copies, epochs, seed
        As for :func:`digits_classifier`.

    Returns
    -------
    dict
        ``accuracy``: ``{(model, test set): accuracy}`` for model in
        ``("plain", "augmented")`` and test set in ``("clean", "transformed")``;
        ``correct``: the same as 0/1 tensors per test image; ``test_size``.

    Examples
    --------
    >>> result = augmentation_experiment(copies=1, epochs=1)
    >>> sorted(result["accuracy"])[0], result["test_size"]
    (('augmented', 'clean'), 359)
    """
    func = "augmentation_experiment"
    copies = check_integer(copies, name="copies", func=func, minimum=1)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    images, labels = digits(dtype=torch.float32)
    _, test = train_test_indices(len(images), seed=seed)
    generator = torch.Generator().manual_seed(next_seed(next_seed(seed)))
    brightness, shift = _random_transforms(len(test), generator)
    tests = {"clean": images[test], "transformed": transform_digits(images[test], brightness=brightness, shift=shift)}
    correct = {}
    for name, augment in (("plain", False), ("augmented", True)):
        model = digits_classifier(augment=augment, copies=copies, epochs=epochs, seed=seed)
        with torch.no_grad():
            for test_name, x in tests.items():
                correct[name, test_name] = (model(x).argmax(-1) == labels[test]).double()
    return {"accuracy": {key: value.mean().item() for key, value in correct.items()}, "correct": correct,
            "test_size": len(test)}


def fgsm(model: nn.Module, x, y, epsilon) -> torch.Tensor:
    r"""The fast gradient sign perturbation: :math:`x' = \operatorname{clip}_{[0,1]}(x + \varepsilon\,\operatorname{sign}\nabla_x \ell(h(x), y))`.

    It moves every pixel by :math:`\varepsilon` in the direction that
    increases the cross-entropy :math:`\ell` to first order: the largest
    first-order increase among perturbations with
    :math:`\lVert x' - x\rVert_\infty \le \varepsilon` :cite:p:`goodfellow2015adversarial`.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits.
    x : array_like, shape (m, D)
        Inputs with values in :math:`[0, 1]`.
    y : array_like of int, shape (m,)
        True labels.
    epsilon : float
        Size of the perturbation, at least 0.

    Returns
    -------
    torch.Tensor, shape (m, D)

    Examples
    --------
    >>> net = nn.Linear(2, 2)
    >>> with torch.no_grad():
    ...     _ = net.weight.copy_(torch.eye(2)); _ = net.bias.zero_()
    >>> fgsm(net, torch.tensor([[0.6, 0.4]]), torch.tensor([0]), 0.1)
    tensor([[0.5000, 0.5000]])
    """
    func = "fgsm"
    if not isinstance(model, nn.Module):
        raise TypeError(f"{func}: model must be a torch.nn.Module (got {type(model).__name__})")
    x = check_finite(as_float_tensor(x, name="x", func=func), name="x", func=func)
    sizes = check_shape(x, ("m", "D"), name="x", func=func)
    epsilon = check_scalar(epsilon, name="epsilon", func=func, low=0)
    dtype = next((p.dtype for p in model.parameters()), x.dtype)
    x = x.detach().to(dtype).clone().requires_grad_(True)
    logits = model(x)
    y = check_labels(y, name="y", func=func, classes=logits.shape[-1], shape=(sizes["m"],))
    (gradient,) = torch.autograd.grad(nn.functional.cross_entropy(logits, y, reduction="sum"), x)
    return (x + epsilon * gradient.sign()).clamp(0, 1).detach()


def fgsm_curve(epsilons=(0.0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2), *, attack: str = "fgsm", epochs: int = 20,
               seed: int = 0) -> dict:
    r"""Test accuracy of the plain digits classifier against the size :math:`\varepsilon` of a perturbation.

    Parameters
    ----------
    epsilons : sequence of float
        Perturbation sizes (in units of the full pixel range, :math:`[0, 1]`).
    attack : {"fgsm", "random"}, default "fgsm"
        ``"fgsm"``: :func:`fgsm`; ``"random"``: every pixel moved by
        :math:`\pm\varepsilon` with a seeded random sign, clipped to :math:`[0, 1]`
        (the same size of perturbation, in a random direction).
    epochs, seed
        As for :func:`digits_classifier` (without augmentation).

    Returns
    -------
    dict
        ``epsilons`` and ``accuracy`` (lists), ``correct`` (a 0/1 tensor per
        :math:`\varepsilon`), ``test_size``.

    Examples
    --------
    >>> curve = fgsm_curve([0.0, 0.2], epochs=1)
    >>> curve["accuracy"][1] < curve["accuracy"][0]
    True
    """
    func = "fgsm_curve"
    if not isinstance(epsilons, (list, tuple)) and not (isinstance(epsilons, torch.Tensor) and epsilons.ndim == 1):
        raise TypeError(f"{func}: epsilons must be a sequence of sizes (got {type(epsilons).__name__})")
    epsilons = [check_scalar(e, name="epsilons", func=func, low=0) for e in epsilons]
    if not epsilons:
        raise ValueError(f"{func}: epsilons must hold at least one size (got an empty sequence)")
    check_choice(attack, ("fgsm", "random"), name="attack", func=func)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    model = digits_classifier(epochs=epochs, seed=seed)
    images, labels = digits(dtype=torch.float32)
    _, test = train_test_indices(len(images), seed=seed)
    x, y = images[test], labels[test]
    signs = torch.randint(0, 2, x.shape, generator=torch.Generator().manual_seed(next_seed(next_seed(next_seed(seed))))).float() * 2 - 1
    correct = []
    for epsilon in epsilons:
        moved = fgsm(model, x, y, epsilon) if attack == "fgsm" else (x + epsilon * signs).clamp(0, 1)
        with torch.no_grad():
            correct.append((model(moved).argmax(-1) == y).double())
    return {"epsilons": epsilons, "accuracy": [c.mean().item() for c in correct], "correct": correct,
            "test_size": len(test)}
