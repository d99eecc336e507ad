r"""Supervised learning read as reinforcement learning: a classifier trained from a 0/1 reward.

A classifier :math:`p_\theta(y \mid x)` over :math:`n_L` labels can be trained
by cross-entropy, which sees the correct label, or as a policy that *samples*
a label :math:`y \sim p_\theta(\cdot \mid x)` and sees only the reward
:math:`R(y \mid x) = 1` if it is right and 0 if not. The expected policy
gradient is :math:`-\sum_y R\, \nabla p_\theta` (:func:`sl_vs_rl_gradients`);
for a uniform policy it is :math:`1/n_L` times the cross-entropy gradient.
:func:`train_digits_classifier` trains a linear softmax classifier on the
scikit-learn digits both ways, and by the Q-regression loss of Kaplan (8.4.7).
"""

from __future__ import annotations

import torch

from ..data import digits, train_test_indices
from ..runtime import one_thread
from ..validation import (
    as_generator,
    check_choice,
    check_finite,
    check_integer,
    check_labels,
    check_scalar,
    check_seed,
    as_float_tensor,
)

__all__ = ["rl_classification_loss", "sl_vs_rl_gradients", "train_digits_classifier"]

METHODS = ("cross-entropy", "reinforce", "epsilon-greedy", "q-regression")
"""The training losses that :func:`train_digits_classifier` compares."""


def _logits_and_labels(logits, labels, func: str) -> tuple[torch.Tensor, torch.Tensor]:
    logits = check_finite(as_float_tensor(logits, name="logits", func=func), name="logits", func=func)
    if logits.dim() != 2 or logits.shape[0] == 0 or logits.shape[1] < 2:
        raise ValueError(f"{func}: logits must have shape (n, n_labels) with n >= 1 and n_labels >= 2 "
                         f"(got {tuple(logits.shape)})")
    labels = check_labels(labels, name="labels", func=func, classes=logits.shape[1], shape=logits.shape[:1])
    return logits, labels.to(logits.device)


def rl_classification_loss(logits, labels, *, seed, epsilon=0.0) -> torch.Tensor:
    r"""The REINFORCE surrogate loss of a classifier that samples its answer and is rewarded 1 when it is right.

    For each example a label :math:`y` is drawn from the behaviour policy
    :math:`\pi = (1 - \epsilon)\, p_\theta(\cdot \mid x) + \epsilon / n_L`,
    the reward is :math:`R = 1` if :math:`y` is the true label and 0
    otherwise, and the loss is the batch mean of :math:`-R \log \pi(y \mid x)`.
    Its gradient is an unbiased estimate of minus the gradient of the expected
    accuracy :math:`\sum_y \pi(y \mid x) R(y \mid x)`. The true label enters
    only through the reward: with :math:`\epsilon = 0` and a wrong guess the
    example contributes nothing.

    Parameters
    ----------
    logits : array_like, shape (n, n_labels)
        The classifier's logits; the gradient flows through them.
    labels : array_like of int, shape (n,)
        The true labels, used only to compute the rewards.
    seed : int or torch.Generator
        Seeds the sampled answers.
    epsilon : float, default 0
        The exploration rate in :math:`[0, 1]`: the weight of the uniform policy.

    Returns
    -------
    torch.Tensor, scalar

    Examples
    --------
    With all logits equal each answer is right with probability 1/3, and a
    right answer costs :math:`\log 3`:

    >>> logits = torch.zeros(4, 3, dtype=torch.float64, requires_grad=True)
    >>> round(rl_classification_loss(logits, [0, 1, 2, 0], seed=0).item(), 4)  # one right answer in four: log(3)/4
    0.2747
    """
    func = "rl_classification_loss"
    logits, labels = _logits_and_labels(logits, labels, func)
    epsilon = check_scalar(epsilon, name="epsilon", func=func, low=0, high=1)
    generator = as_generator(seed, func=func, device=logits.device)
    probabilities = (1 - epsilon) * torch.softmax(logits, dim=-1) + epsilon / logits.shape[1]
    guesses = torch.multinomial(probabilities.detach(), 1, generator=generator).squeeze(-1)
    rewards = (guesses == labels).to(logits.dtype)
    return -(rewards * probabilities.gather(-1, guesses[:, None]).squeeze(-1).log()).mean()


def sl_vs_rl_gradients(logits, labels) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The exact per-example gradients, with respect to the logits, of cross-entropy and of the expected RL loss.

    With :math:`p = \mathrm{softmax}(z)` and the one-hot reward :math:`R` of
    the true label :math:`c`,

    .. math::
        \nabla_z L_{SL} = p - e_c, \qquad
        \nabla_z L_{RL} = -\sum_y R(y)\, \nabla_z p_y = -p_c\, (e_c - p),

    so the RL gradient is the SL gradient scaled by the probability
    :math:`p_c` of the right answer: :math:`1/n_L` for a uniform policy,
    and small exactly where the classifier is most wrong.

    Parameters
    ----------
    logits : array_like, shape (n, n_labels)
    labels : array_like of int, shape (n,)

    Returns
    -------
    sl, rl : torch.Tensor, each of shape (n, n_labels)

    Examples
    --------
    >>> sl, rl = sl_vs_rl_gradients(torch.zeros(1, 4, dtype=torch.float64), [2])
    >>> sl
    tensor([[ 0.2500,  0.2500, -0.7500,  0.2500]], dtype=torch.float64)
    >>> rl / sl
    tensor([[0.2500, 0.2500, 0.2500, 0.2500]], dtype=torch.float64)
    """
    logits, labels = _logits_and_labels(logits, labels, "sl_vs_rl_gradients")
    p = torch.softmax(logits, dim=-1)
    sl = p - torch.nn.functional.one_hot(labels, logits.shape[1]).to(p.dtype)
    return sl, p.gather(-1, labels[:, None]) * sl


def _method_loss(method: str, logits, labels, generator, epsilon: float) -> torch.Tensor:
    if method == "cross-entropy":
        return torch.nn.functional.cross_entropy(logits, labels)
    if method == "q-regression":  # Kaplan (8.4.7): p_θ(y|x) as Q(x, y), regressed on the reward of a sampled y
        p = torch.softmax(logits, dim=-1)
        guesses = torch.multinomial(p.detach(), 1, generator=generator).squeeze(-1)
        rewards = (guesses == labels).to(p.dtype)
        return 0.5 * ((rewards - p.gather(-1, guesses[:, None]).squeeze(-1)) ** 2).mean()
    return rl_classification_loss(logits, labels, seed=generator, epsilon=epsilon if method == "epsilon-greedy" else 0.0)


@one_thread()
def train_digits_classifier(method: str, *, examples: int = 20_000, batch_size: int = 16, lr: float = 0.5,
                            epsilon: float = 0.1, every: int = 500, seed: int = 0) -> dict[str, torch.Tensor]:
    r"""Train a linear softmax classifier on the digits by one of four losses; return its test-accuracy curve.

    The model is :math:`p_\theta(y \mid x) = \mathrm{softmax}(W x + b)` on the
    64 pixels of the scikit-learn digits, started at :math:`W = 0, b = 0`
    (the uniform policy), trained by plain SGD on minibatches drawn with
    replacement from 80% of the images and tested on the other 20%.

    Parameters
    ----------
    method : {"cross-entropy", "reinforce", "epsilon-greedy", "q-regression"}
        The loss: cross-entropy with the true label; REINFORCE with a sampled
        answer and 0/1 reward (:func:`rl_classification_loss`), with or
        without :math:`\epsilon`-greedy exploration; or the squared error of
        :math:`p_\theta(y \mid x)` against the reward of a sampled answer.
    examples : int, default 20000
        Training examples seen in all (rounded down to whole minibatches).
    batch_size : int, default 16
    lr : float, default 0.5
    epsilon : float, default 0.1
        Exploration rate of ``"epsilon-greedy"`` (ignored by the others).
    every : int, default 500
        Test the accuracy every ``every`` examples (rounded to whole minibatches).
    seed : int, default 0
        Seeds the split, the minibatches and the sampled answers.

    Returns
    -------
    dict
        ``"examples"`` (examples seen), ``"accuracy"`` (test accuracy of the most probable label) and
        ``"expected_reward"`` (the mean test probability of the right label: the expected accuracy of the
        sampling policy, the quantity RL maximises), 1-D tensors of equal length, starting at 0 examples.

    Examples
    --------
    >>> curve = train_digits_classifier("cross-entropy", examples=320, every=160)
    >>> curve["examples"].tolist(), bool(curve["accuracy"][-1] > 0.5)
    ([0, 160, 320], True)
    """
    func = "train_digits_classifier"
    method = check_choice(method, METHODS, name="method", func=func)
    examples = check_integer(examples, name="examples", func=func, minimum=1)
    batch_size = check_integer(batch_size, name="batch_size", func=func, minimum=1)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    epsilon = check_scalar(epsilon, name="epsilon", func=func, low=0, high=1)
    every = check_integer(every, name="every", func=func, minimum=1)
    seed = check_seed(seed, func=func)
    x, y = digits()
    train, test = train_test_indices(len(y), seed=seed)
    generator = torch.Generator().manual_seed(seed)
    weights = torch.zeros(64, 10, dtype=x.dtype, requires_grad=True)
    bias = torch.zeros(10, dtype=x.dtype, requires_grad=True)
    steps, test_every = examples // batch_size, max(1, every // batch_size)
    batches = train[torch.randint(len(train), (steps, batch_size), generator=generator)]

    def evaluate() -> tuple[float, float]:
        with torch.no_grad():
            logits = x[test] @ weights + bias
            right = torch.softmax(logits, dim=-1).gather(-1, y[test, None])
            return (logits.argmax(-1) == y[test]).to(x.dtype).mean().item(), right.mean().item()

    seen, curve = [0], [evaluate()]
    for step, batch in enumerate(batches, start=1):
        loss = _method_loss(method, x[batch] @ weights + bias, y[batch], generator, epsilon)
        grad_w, grad_b = torch.autograd.grad(loss, (weights, bias))
        with torch.no_grad():
            weights -= lr * grad_w
            bias -= lr * grad_b
        if step % test_every == 0 or step == steps:
            seen.append(step * batch_size)
            curve.append(evaluate())
    accuracy, expected = torch.tensor(curve, dtype=x.dtype).T
    return {"examples": torch.tensor(seen), "accuracy": accuracy, "expected_reward": expected}
