"""Reinforcement learning: Markov decision processes, policy gradients, Bellman optimality and Q-learning,
trust regions, and search and self-play.

The public functions are re-exported here; ``mltheory.rl.claims`` holds the checked results of the
book's Reinforcement learning part (one module per page) and ``mltheory.rl.figures`` its figures.
"""

from .mdp import (
    MOVES,
    PolicyIterationResult,
    TabularMDP,
    action_values,
    bellman_backup,
    cliff_walking,
    greedy_policy,
    policy_evaluation,
    policy_iteration,
    random_mdp,
    value_iteration,
)
from .search import PolicyValueNet, TicTacToe, legal_positions, mcts, minimax, puct_score, self_play, visit_policy
from .supervised import rl_classification_loss, sl_vs_rl_gradients, train_digits_classifier
from .trust_region import TRPOStep, fisher_vector_product, policy_kl, ppo_clip_loss, trpo_step

__all__ = [
    "MOVES",
    "PolicyIterationResult",
    "PolicyValueNet",
    "TRPOStep",
    "TabularMDP",
    "TicTacToe",
    "action_values",
    "bellman_backup",
    "cliff_walking",
    "fisher_vector_product",
    "greedy_policy",
    "legal_positions",
    "mcts",
    "minimax",
    "policy_evaluation",
    "policy_iteration",
    "policy_kl",
    "ppo_clip_loss",
    "puct_score",
    "random_mdp",
    "rl_classification_loss",
    "self_play",
    "sl_vs_rl_gradients",
    "train_digits_classifier",
    "trpo_step",
    "value_iteration",
    "visit_policy",
]
