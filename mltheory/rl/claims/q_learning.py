"""Claims of the page on Bellman optimality and Q-learning (``book/rl/q-learning.md``)."""
