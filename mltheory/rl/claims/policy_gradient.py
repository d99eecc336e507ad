"""Claims of the page on policy gradients (``book/rl/policy-gradients.md``)."""
