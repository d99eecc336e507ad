"""Unit tests of search: the game, minimax, PUCT, the visit policy, MCTS and the self-play loop."""

import pytest
import torch

from mltheory.rl import PolicyValueNet, TicTacToe, legal_positions, mcts, minimax, puct_score, self_play, visit_policy

DOUBLE = torch.float64


def test_the_game_rules():
    game = TicTacToe()
    assert game.to_move == 1 and game.legal_moves() == tuple(range(9)) and game.winner() is None
    won = TicTacToe((1, 1, 1, -1, -1, 0, 0, 0, 0))
    assert won.winner() == 1 and won.legal_moves() == ()
    assert TicTacToe((1, -1, 1, 1, -1, -1, -1, 1, 1)).winner() == 0
    with pytest.raises(ValueError, match="TicTacToe.play: move must be one of the legal moves"):
        game.play(4).play(4)
    with pytest.raises(ValueError, match="X moves first"):
        TicTacToe((-1,) + (0,) * 8)


def test_position_counts_by_depth_match_the_known_table():
    counts = [0] * 10
    for state in legal_positions():
        counts[sum(map(abs, state.board))] += 1
    assert counts == [1, 9, 72, 252, 756, 1260, 1520, 1140, 390, 78]


def test_minimax_values_of_openings():
    assert minimax(TicTacToe()) == 0
    corner = TicTacToe().play(0)
    assert {move: minimax(corner.play(move)) for move in corner.legal_moves()} == {
        1: 1, 2: 1, 3: 1, 4: 0, 5: 1, 6: 1, 7: 1, 8: 1}  # O must take the centre


def test_puct_and_visit_policy():
    assert torch.allclose(puct_score([0.1, 0.2], [0.3, 0.7], [2, 0], 9, c_puct=2.0),
                          torch.tensor([0.1 + 2 * 0.3 * 3 / 3, 0.2 + 2 * 0.7 * 3 / 1], dtype=DOUBLE))
    counts = torch.tensor([[1.0, 2.0, 7.0], [0.0, 5.0, 5.0]], dtype=DOUBLE)
    assert torch.allclose(visit_policy(counts, 1.0), counts / counts.sum(-1, keepdim=True))
    assert torch.allclose(visit_policy(counts, 0.5), counts**2 / (counts**2).sum(-1, keepdim=True))
    assert torch.equal(visit_policy(counts, 0.0), torch.tensor([[0, 0, 1], [0, 0.5, 0.5]], dtype=DOUBLE))
    assert torch.allclose(visit_policy(counts, 1e-3), visit_policy(counts, 0.0))  # no overflow


def test_mcts_wins_at_once_and_counts_its_simulations():
    state = TicTacToe((1, 1, 0, -1, -1, 0, 0, 0, 0))
    counts = mcts(state, 300, seed=1)
    assert counts.sum().item() == 299 and int(counts.argmax()) == 2
    assert counts[[0, 1, 3, 4]].eq(0).all()


def test_mcts_uses_the_network_and_the_root_noise():
    net = PolicyValueNet(seed=0)
    state = TicTacToe().play(4)
    plain = mcts(state, 50, prior_value_fn=net, seed=0)
    noisy = mcts(state, 50, prior_value_fn=net, dirichlet_alpha=0.3, seed=0)
    assert plain.sum() == noisy.sum() == 49 and not torch.equal(plain, noisy)


def test_self_play_returns_a_trained_network_per_iteration():
    run = self_play(iterations=2, games=1, n_simulations=3, epochs=1)
    assert len(run["snapshots"]) == 2 and run["loss"].shape == (2,) and torch.isfinite(run["loss"]).all()
    assert all(n >= 5 for n in run["positions"])  # a game has at least five moves
