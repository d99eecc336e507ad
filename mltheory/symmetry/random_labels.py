r"""The random-labels experiment at CPU scale: a network fits true labels, random labels and pure noise alike.

After :cite:t:`zhang2017rethinking`: the same multilayer perceptron, trained the
same way on the scikit-learn digits, is fitted to three datasets:

* **true labels**: the images with their digits;
* **random labels**: the same images, each with a label drawn uniformly from
  the ten digits once, before training;
* **random inputs**: images of independent uniform noise with random labels.

It reaches 100% training accuracy on all three, so a low training loss says
nothing about generalisation by itself.
"""

from __future__ import annotations

from functools import lru_cache

import torch
from torch import nn

from ..data import digits, train_test_indices
from ..networks import accuracy, fit, mlp
from ..validation import check_integer, check_seed
from ..runtime import one_thread

__all__ = ["CASES", "random_labels_experiment", "split_sizes"]

CASES = ("true labels", "random labels", "random inputs")
"""The three datasets, in the order the experiment returns them."""


def _datasets(seed: int) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    images, labels = digits(dtype=torch.float32)
    generator = torch.Generator().manual_seed(seed)
    random_labels = torch.randint(0, 10, labels.shape, generator=generator)
    noise = torch.rand(images.shape, generator=generator)
    return {
        "true labels": (images, labels),
        "random labels": (images, random_labels),
        "random inputs": (noise, random_labels),
    }


def random_labels_experiment(*, hidden=256, epochs=200, seed=0) -> dict[str, tuple[dict, ...]]:
    r"""Train ``mlp([64, hidden, hidden, 10])`` on each of the three datasets and record the accuracies.

    Each network is trained with :func:`mltheory.networks.fit` (Adam,
    learning rate :math:`10^{-3}`, minibatches of 64, cross-entropy) on the
    same 80% of the examples (:func:`mltheory.data.train_test_indices`), and
    evaluated after every epoch on those and on the held-out 20%. For the
    random cases the held-out labels (and inputs) are random too, so their
    test accuracy is that of a guess: :math:`1/10` on average.

    The result is memoised, so a page that draws the figure and checks the
    claim trains the networks once. Training runs on a single thread, which
    for matrices this small is faster, and far faster on a busy machine.

    Parameters
    ----------
    hidden : int, default 256
        Width of the two hidden layers.
    epochs : int, default 200
    seed : int, default 0
        Seed of the random labels and inputs, the split, the weights and the minibatch order.

    Returns
    -------
    dict
        ``{case: history}`` for each case in :data:`CASES`, where ``history``
        holds one ``{"epoch", "loss", "train", "test"}`` record per epoch.

    Examples
    --------
    >>> history = random_labels_experiment(hidden=32, epochs=2)["true labels"]
    >>> [sorted(record) for record in history][0], len(history)
    (['epoch', 'loss', 'test', 'train'], 2)
    """
    func = "random_labels_experiment"
    hidden = check_integer(hidden, name="hidden", func=func, minimum=1)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    return _random_labels_experiment(hidden, epochs, seed)


@lru_cache(maxsize=4)
@one_thread()
def _random_labels_experiment(hidden: int, epochs: int, seed: int) -> dict[str, tuple[dict, ...]]:
    images, _ = digits()
    train, test = train_test_indices(len(images), seed=seed)
    results = {}
    for case, (x, y) in _datasets(seed).items():
        net = mlp([64, hidden, hidden, 10], seed=seed)

        def evaluate(model, x=x, y=y):
            return {"train": accuracy(model, x[train], y[train]), "test": accuracy(model, x[test], y[test])}

        history = fit(net, x[train], y[train], loss=nn.functional.cross_entropy, epochs=epochs, batch_size=64,
                      lr=1e-3, seed=seed, evaluate=evaluate)
        results[case] = tuple(history)
    return results


def split_sizes(seed: int = 0) -> tuple[int, int]:
    """Numbers of training and held-out examples in :func:`random_labels_experiment`.

    Examples
    --------
    >>> split_sizes()
    (1438, 359)
    """
    train, test = train_test_indices(len(digits()[0]), seed=check_seed(seed, func="split_sizes"))
    return len(train), len(test)
