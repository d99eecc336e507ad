"""Reinforcement learning: policy gradients, value functions, trust regions and search."""

from .supervised import rl_classification_loss, sl_vs_rl_gradients, train_digits_classifier

__all__ = [
    "rl_classification_loss",
    "sl_vs_rl_gradients",
    "train_digits_classifier",
]
