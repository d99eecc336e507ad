"""Figures of the page on supervised against reinforcement learning."""

from __future__ import annotations

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.supervised import early_curves, long_curves

__all__ = ["sl_vs_rl_figure"]

_COLORS = {"cross-entropy": PALETTE[0], "reinforce": PALETTE[1], "epsilon-greedy": PALETTE[2],
           "q-regression": PALETTE[3]}


@figure_function
def sl_vs_rl_figure(sl_examples: int = 50, examples: int = 1_000):
    """Left: the early expected accuracy against examples rescaled by n_L and n_L²; right: test accuracy of all four."""
    fig, (left, right) = new_figure(1, 2, height=3.6)
    scale = {"cross-entropy": (1, "cross-entropy"), "reinforce": (10, r"REINFORCE, examples $/\, n_L$"),
             "q-regression": (100, r"Q-regression, examples $/\, n_L^2$")}
    for method, curve in early_curves(sl_examples).items():
        factor, label = scale[method]
        left.plot((curve["examples"] / factor).numpy(), curve["expected_reward"].numpy(), "o-", markersize=3,
                  color=_COLORS[method],
                  label=label)
    left.set(xlabel="examples seen (rescaled)", ylabel="mean probability of the right label",
             title=r"early training from the uniform policy, $\eta = 0.1$")
    left.legend(fontsize=8)
    for method, curve in long_curves(examples).items():
        right.plot(curve["examples"][1:].numpy(), curve["accuracy"][1:].numpy(), color=_COLORS[method], label=method)
    right.set(xlabel="examples seen", ylabel="test accuracy", xscale="log", title=r"the whole run, $\eta = 0.2$")
    right.legend(fontsize=8)
    return fig
