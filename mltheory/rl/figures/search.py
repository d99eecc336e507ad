"""Figures of the page on search and self-play."""

from __future__ import annotations

from ...plotting import PALETTE, figure_function, new_figure
from ..claims.search import self_play_run
from ..search import TicTacToe, mcts, visit_policy

__all__ = ["mcts_visits_figure", "self_play_figure"]


@figure_function
def mcts_visits_figure(n_simulations: int = 200, c_puct: float = 10.0):
    """The root visit counts of MCTS (uniform prior, random rollouts) on the empty board and after X's corner."""
    fig, axes = new_figure(1, 3, height=2.8)
    positions = [("empty board, X to move", TicTacToe()), ("X in a corner, O to move", TicTacToe().play(0)),
                 ("O in an edge, X to move", TicTacToe().play(0).play(1))]
    for ax, (title, state) in zip(axes, positions):
        counts = mcts(state, n_simulations, c_puct=c_puct)
        shares = visit_policy(counts, 1.0).reshape(3, 3).numpy()
        ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
        for cell in range(9):
            row, col = divmod(cell, 3)
            mark = {1: "X", -1: "O"}.get(state.board[cell])
            text = mark if mark else f"{shares[row, col]:.2f}"
            ax.text(col, row, text, ha="center", va="center", fontsize=11 if mark else 8,
                    color="black" if mark or shares[row, col] < 0.5 else "white")
        ax.set(xticks=[0, 1, 2], yticks=[0, 1, 2], xlabel="column", ylabel="row", title=title)
        ax.title.set_fontsize(9)
    return fig


@figure_function
def self_play_figure(iterations: int = 1, games: int = 2):
    """Training loss and the fraction of positions where the network's favourite move is optimal, by iteration."""
    run = self_play_run(iterations, games)
    fig, (left, right) = new_figure(1, 2, height=3.0)
    left.plot(range(1, iterations + 1), run["loss"].numpy(), "o-", color=PALETTE[0])
    left.set(xlabel="self-play iteration", ylabel=r"loss $(z - v)^2 - \pi^\top \log p$", title="training loss")
    right.plot(range(0, iterations + 1), run["optimal_rate"].numpy(), "o-", color=PALETTE[1])
    right.set(xlabel="self-play iteration", ylabel="fraction of positions",
              title="network's favourite move is optimal")
    return fig
