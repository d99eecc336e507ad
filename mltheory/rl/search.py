r"""Search and self-play on tic-tac-toe: exhaustive minimax, PUCT, Monte Carlo tree search and an AlphaZero-style loop.

:class:`TicTacToe` is an immutable position. :func:`minimax` solves the game
exactly over its 5478 legal positions (:func:`legal_positions`). :func:`mcts`
runs Monte Carlo tree search with the PUCT rule (:func:`puct_score`): with a
uniform prior and random rollouts by default, or with a network's prior and
value in place of the rollouts, as in AlphaZero, with optional Dirichlet noise
at the root. :func:`visit_policy` turns the root's visit counts into a move
distribution at temperature :math:`\tau`. :func:`self_play` trains a small
policy-value network from games that it plays against itself, on the loss
:func:`alphazero_loss`.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import torch

from ..runtime import one_thread
from ..validation import (
    as_float_tensor,
    broadcast_arguments,
    check_callable,
    check_finite,
    check_integer,
    check_probability_vector,
    check_scalar,
    check_seed,
)

__all__ = ["PolicyValueNet", "TicTacToe", "alphazero_loss", "legal_positions", "mcts", "minimax", "puct_score",
           "self_play", "visit_policy"]

LINES = ((0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6))
"""The eight winning lines of the 3 × 3 board, cells numbered row by row from 0."""


@dataclass(frozen=True)
class TicTacToe:
    """A tic-tac-toe position: ``board`` holds 9 cells, +1 for X, −1 for O, 0 for empty; X moves first.

    Examples
    --------
    >>> game = TicTacToe().play(4).play(0)
    >>> game.to_move, game.legal_moves()
    (1, (1, 2, 3, 5, 6, 7, 8))
    >>> TicTacToe((1, 1, 1, -1, -1, 0, 0, 0, 0)).winner()
    1
    >>> TicTacToe((1, 1, 0, -1, -1, 0, 0, 0, 0)).threats(-1)  # O would win at 5
    (5,)
    """

    board: tuple = (0,) * 9

    def __post_init__(self):
        board = self.board
        if not isinstance(board, tuple) or len(board) != 9 or any(cell not in (-1, 0, 1) for cell in board):
            raise ValueError(f"TicTacToe: board must be a tuple of 9 cells, each -1, 0 or 1 (got {board!r})")
        if sum(board) not in (0, 1):
            raise ValueError(f"TicTacToe: X moves first, so X has as many marks as O or one more (got {board!r})")

    @property
    def to_move(self) -> int:
        """+1 if X is to move, −1 if O is."""
        return 1 if sum(self.board) == 0 else -1

    def winner(self) -> int | None:
        """+1 or −1 for a completed line of X or O, 0 for a full board without one, None while the game goes on."""
        for a, b, c in LINES:
            if self.board[a] != 0 and self.board[a] == self.board[b] == self.board[c]:
                return self.board[a]
        return 0 if 0 not in self.board else None

    def legal_moves(self) -> tuple:
        """The empty cells, or none once the game is over."""
        if self.winner() is not None:
            return ()
        return tuple(i for i, cell in enumerate(self.board) if cell == 0)

    def threats(self, player: int) -> tuple:
        """The empty cells where ``player`` (+1 or −1) would complete a line, whoever is to move."""
        if self.winner() is not None:
            return ()
        return tuple(sorted({cell for line in LINES for cell in line if self.board[cell] == 0
                             and sum(self.board[i] == player for i in line) == 2}))

    def play(self, move: int) -> TicTacToe:
        """The position after the player to move marks ``move``."""
        if move not in self.legal_moves():
            raise ValueError(f"TicTacToe.play: move must be one of the legal moves {self.legal_moves()} (got {move!r})")
        board = list(self.board)
        board[move] = self.to_move
        return TicTacToe(tuple(board))


@lru_cache(maxsize=None)
def _solve(board: tuple) -> int:
    state = TicTacToe(board)
    result = state.winner()
    if result is not None:
        return result
    values = [_solve(state.play(move).board) for move in state.legal_moves()]
    return max(values) if state.to_move == 1 else min(values)


def _position(state, func: str) -> TicTacToe:
    if not isinstance(state, TicTacToe):
        raise TypeError(f"{func}: state must be a TicTacToe position (got {type(state).__name__})")
    return state


def minimax(state=TicTacToe()) -> int:
    """The value of ``state`` under perfect play by both sides: +1 if X wins, −1 if O wins, 0 for a draw.

    Exhaustive search with memoisation: every legal position is solved once.

    Examples
    --------
    >>> minimax(TicTacToe()), minimax(TicTacToe().play(0).play(1))  # a draw; X wins after O's edge reply
    (0, 1)
    """
    return _solve(_position(state, "minimax").board)


def legal_positions() -> list[TicTacToe]:
    """Every position reachable from the empty board by legal play (the game stops at a win), 5478 in all.

    Examples
    --------
    >>> len(legal_positions())
    5478
    """
    seen, frontier = {TicTacToe()}, [TicTacToe()]
    while frontier:
        frontier = [child for state in frontier for child in map(state.play, state.legal_moves())
                    if child not in seen and not seen.add(child)]
    return sorted(seen, key=lambda state: (sum(map(abs, state.board)), state.board))


def puct_score(q, prior, visits, parent_visits, c_puct=1.0) -> torch.Tensor:
    r"""The PUCT score :math:`Q(s, a) + c_{puct}\, p(a \mid s)\, \sqrt{N(s)} / (1 + N(s, a))` of AlphaZero's search.

    The bonus :math:`U` is largest for actions the prior likes and that have
    been tried little; it decays like :math:`1/(1 + N(s, a))` as an action is
    visited and grows like :math:`\sqrt{N(s)}` with the visits to the parent,
    so that every action is tried eventually.

    Parameters
    ----------
    q : array_like
        :math:`Q(s, a)`, the mean value of the action so far, for the player to move.
    prior : array_like
        :math:`p(a \mid s) \ge 0`.
    visits : array_like
        :math:`N(s, a) \ge 0`.
    parent_visits : float
        :math:`N(s) = \sum_b N(s, b) \ge 0`.
    c_puct : float, default 1
        The weight of exploration, :math:`c_{puct} > 0`.

    Returns
    -------
    torch.Tensor, the broadcast shape of ``q``, ``prior`` and ``visits``

    Examples
    --------
    >>> puct_score([0.0, 0.5], [0.5, 0.5], [0, 4], parent_visits=4)
    tensor([1.0000, 0.7000], dtype=torch.float64)
    """
    func = "puct_score"
    tensors = {}
    for name, value in (("q", q), ("prior", prior), ("visits", visits)):
        tensors[name] = check_finite(as_float_tensor(value, name=name, func=func), name=name, func=func)
        if tensors[name].numel() == 0:
            raise ValueError(f"{func}: {name} must not be empty (got shape {tuple(tensors[name].shape)})")
    for name in ("prior", "visits"):
        if (tensors[name] < 0).any():
            raise ValueError(f"{func}: {name} must be non-negative (got {tensors[name].min().item():.6g})")
    q, prior, visits = broadcast_arguments(tensors, func=func)
    parent_visits = check_scalar(parent_visits, name="parent_visits", func=func, low=0)
    c_puct = check_scalar(c_puct, name="c_puct", func=func, low=0, low_open=True)
    return q + c_puct * prior * math.sqrt(parent_visits) / (1 + visits)


def visit_policy(counts, tau=1.0) -> torch.Tensor:
    r"""The move distribution :math:`\pi(a) = N(a)^{1/\tau} / \sum_b N(b)^{1/\tau}` from the root's visit counts.

    :math:`\tau = 1` gives probabilities proportional to the counts;
    :math:`\tau \to 0` the most visited move (ties shared equally), which is
    what ``tau=0`` returns. Computed as a softmax of :math:`\log N / \tau`,
    so that small :math:`\tau` does not overflow.

    Parameters
    ----------
    counts : array_like, shape (..., moves)
        Non-negative visit counts, not all zero along the last axis.
    tau : float, default 1
        The temperature, :math:`\tau \ge 0`.

    Returns
    -------
    torch.Tensor, the shape of ``counts``

    Examples
    --------
    >>> visit_policy([1.0, 3.0, 0.0])
    tensor([0.2500, 0.7500, 0.0000], dtype=torch.float64)
    >>> visit_policy([2.0, 5.0, 5.0], tau=0)
    tensor([0.0000, 0.5000, 0.5000], dtype=torch.float64)
    """
    func = "visit_policy"
    counts = check_finite(as_float_tensor(counts, name="counts", func=func), name="counts", func=func)
    if counts.dim() == 0 or counts.shape[-1] == 0 or (counts < 0).any() or (counts.sum(-1) == 0).any():
        raise ValueError(f"{func}: counts must be non-negative with a positive sum along the last axis "
                         f"(got {counts.flatten()[:9].tolist()})")
    tau = check_scalar(tau, name="tau", func=func, low=0)
    if tau == 0:
        best = (counts == counts.amax(-1, keepdim=True)).to(counts.dtype)
        return best / best.sum(-1, keepdim=True)
    return torch.softmax(counts.log() / tau, dim=-1)


# --------------------------------------------------------------------------- Monte Carlo tree search

class _Node:
    """Statistics of one expanded position: its moves, their priors, visit counts and summed values."""

    __slots__ = ("moves", "prior", "visits", "value_sum", "children")

    def __init__(self, moves: tuple, prior: list):
        self.moves, self.prior = moves, prior
        self.visits, self.value_sum = [0] * len(moves), [0.0] * len(moves)
        self.children: dict = {}


def _rollout(state: TicTacToe, rng: random.Random) -> float:
    """The result of random play from ``state``, for the player to move there."""
    mover = state.to_move
    while (result := state.winner()) is None:
        state = state.play(rng.choice(state.legal_moves()))
    return float(result * mover)


def _uniform(state: TicTacToe) -> tuple[list, None]:
    moves = state.legal_moves()
    return [1.0 / len(moves)] * len(moves), None


class _Search:
    def __init__(self, prior_value_fn, c_puct: float, rng: random.Random):
        self.evaluate = prior_value_fn or _uniform
        self.c_puct, self.rng = c_puct, rng
        self.nodes: dict = {}

    def expand(self, state: TicTacToe) -> float:
        prior, value = self.evaluate(state)
        self.nodes[state] = _Node(state.legal_moves(), list(prior))
        return _rollout(state, self.rng) if value is None else float(value)

    def simulate(self, state: TicTacToe) -> float:
        """One simulation from ``state``; returns its value for the player to move at ``state``."""
        result = state.winner()
        if result is not None:
            return float(result * state.to_move)  # the player to move never has a line: −1 or 0
        node = self.nodes.get(state)
        if node is None:
            return self.expand(state)
        total = math.sqrt(sum(node.visits))
        scores = [(w / n if n else 0.0) + self.c_puct * p * total / (1 + n)
                  for w, n, p in zip(node.value_sum, node.visits, node.prior)]
        i = max(range(len(scores)), key=scores.__getitem__)
        value = -self.simulate(state.play(node.moves[i]))
        node.visits[i] += 1
        node.value_sum[i] += value
        return value


@one_thread()
def mcts(state, n_simulations: int = 400, *, c_puct=1.0, prior_value_fn: Callable | None = None,
         dirichlet_alpha=None, dirichlet_weight=0.25, seed=0) -> torch.Tensor:
    r"""Monte Carlo tree search from ``state``; returns the visit counts of the nine cells at the root.

    Each simulation descends the tree by the PUCT rule (:func:`puct_score`,
    unvisited actions with :math:`Q = 0`), expands the first new position it
    reaches and evaluates it, then backs the value up the path, negating it at
    each level (the players alternate). With ``prior_value_fn=None`` the prior
    is uniform over the legal moves and the value is the result of one random
    rollout; AlphaZero replaces both by a network's output.

    Parameters
    ----------
    state : TicTacToe
        The root; the game must not be over.
    n_simulations : int, default 400
    c_puct : float, default 1
    prior_value_fn : callable, optional
        ``prior_value_fn(state) -> (prior, value)``: the prior over ``state.legal_moves()`` (in that order) and
        the value for the player to move, or ``None`` to use a random rollout.
    dirichlet_alpha : float, optional
        If given, the root's prior becomes :math:`(1 - w)\, p + w\, \eta` with
        :math:`\eta \sim \mathrm{Dir}(\alpha, \dots, \alpha)`: AlphaZero's
        exploration noise during self-play.
    dirichlet_weight : float, default 0.25
        :math:`w` in :math:`[0, 1]`.
    seed : int, default 0
        Seeds the rollouts and the noise.

    Returns
    -------
    torch.Tensor, shape (9,)
        Visits of each cell at the root (0 for occupied cells), summing to ``n_simulations - 1``:
        the first simulation expands the root.

    Examples
    --------
    X to move can win at once by completing the top row:

    >>> state = TicTacToe((1, 1, 0, -1, -1, 0, 0, 0, 0))
    >>> int(mcts(state, 200).argmax())
    2
    """
    func = "mcts"
    state = _position(state, func)
    if state.winner() is not None:
        raise ValueError(f"{func}: state must be a position where the game goes on (got {state.board})")
    n_simulations = check_integer(n_simulations, name="n_simulations", func=func, minimum=2)
    c_puct = check_scalar(c_puct, name="c_puct", func=func, low=0, low_open=True)
    if prior_value_fn is not None:
        check_callable(prior_value_fn, name="prior_value_fn", func=func)
    dirichlet_weight = check_scalar(dirichlet_weight, name="dirichlet_weight", func=func, low=0, high=1)
    seed = check_seed(seed, func=func)
    rng = random.Random(seed)
    search = _Search(prior_value_fn, c_puct, rng)
    search.simulate(state)
    root = search.nodes[state]
    if dirichlet_alpha is not None:
        alpha = check_scalar(dirichlet_alpha, name="dirichlet_alpha", func=func, low=0, low_open=True)
        noise = [rng.gammavariate(alpha, 1.0) for _ in root.moves]
        total = sum(noise)
        root.prior = [(1 - dirichlet_weight) * p + dirichlet_weight * eta / total for p, eta in zip(root.prior, noise)]
    for _ in range(n_simulations - 1):
        search.simulate(state)
    counts = torch.zeros(9, dtype=torch.float64)
    counts[list(root.moves)] = torch.tensor(root.visits, dtype=torch.float64)
    return counts


# --------------------------------------------------------------------------- AlphaZero-style self-play

class PolicyValueNet(torch.nn.Module):
    r"""A small policy-value network :math:`f_\theta(s) = (p, v)` for tic-tac-toe.

    The input is the board seen by the player to move (+1 own marks, −1 the
    opponent's); one hidden layer feeds a softmax policy over the nine cells
    (illegal cells masked out) and a value :math:`v \in (-1, 1)` for the player
    to move. Calling the network on a :class:`TicTacToe` position returns the
    pair that :func:`mcts` expects as ``prior_value_fn``.

    Examples
    --------
    >>> net = PolicyValueNet(seed=0)
    >>> prior, value = net(TicTacToe().play(4))
    >>> len(prior), abs(sum(prior) - 1) < 1e-12, -1 < value < 1
    (8, True, True)
    """

    def __init__(self, hidden: int = 64, *, seed: int = 0):
        super().__init__()
        hidden = check_integer(hidden, name="hidden", func="PolicyValueNet", minimum=1)
        seed = check_seed(seed, func="PolicyValueNet")
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            self.body = torch.nn.Sequential(torch.nn.Linear(9, hidden, dtype=torch.float64), torch.nn.Tanh())
            self.policy = torch.nn.Linear(hidden, 9, dtype=torch.float64)
            self.value = torch.nn.Linear(hidden, 1, dtype=torch.float64)

    def forward_boards(self, boards: torch.Tensor, legal: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Log-probabilities (n, 9), with illegal cells at −inf, and values (n,) for boards seen by the mover."""
        hidden = self.body(boards)
        logits = self.policy(hidden).masked_fill(~legal, -math.inf)
        return torch.log_softmax(logits, -1), torch.tanh(self.value(hidden)).squeeze(-1)

    def forward(self, state: TicTacToe):
        """The network's prior over the legal moves of ``state`` (a list of probabilities) and its value, for MCTS."""
        board = torch.tensor(state.board, dtype=torch.float64) * state.to_move
        with torch.no_grad():
            log_p, value = self.forward_boards(board[None], (board == 0)[None])
        moves = list(state.legal_moves())
        return log_p[0, moves].exp().tolist(), value.item()


def alphazero_loss(log_probs, values, targets, results, *, parameters=(), weight_decay=0.0) -> torch.Tensor:
    r"""The AlphaZero loss :math:`\langle (z - v)^2 - \pi^\top \log p \rangle + c \|\theta\|^2` (Silver et al. 2017, 2018).

    Averaged over positions: the squared error of the value :math:`v` against
    the game's result :math:`z`, plus the cross-entropy of the network's move
    probabilities :math:`p` against the search's visit distribution
    :math:`\pi`, plus the L2 penalty :math:`c \|\theta\|^2` on the network's
    parameters that the notes' (8.6.1) omits. The cross-entropy is
    :math:`H(\pi) + D(\pi \| p)`, smallest at :math:`p = \pi`, and its gradient
    in the logits is :math:`p - \pi`.

    Parameters
    ----------
    log_probs : array_like, shape (positions, moves)
        :math:`\log p`; :math:`-\infty` is allowed on moves that the targets give no mass (illegal cells).
    values : array_like, shape (positions,)
        The network's values :math:`v`.
    targets : array_like, shape (positions, moves)
        The search's distributions :math:`\pi` (rows summing to 1).
    results : array_like, shape (positions,)
        The results :math:`z` for the player to move at each position.
    parameters : iterable of torch.Tensor, default ()
        :math:`\theta`, e.g. ``net.parameters()``.
    weight_decay : float, default 0
        :math:`c \ge 0`.

    Returns
    -------
    torch.Tensor, scalar

    Examples
    --------
    >>> log_p = torch.log(torch.tensor([[0.5, 0.5, 0.0]], dtype=torch.float64))
    >>> alphazero_loss(log_p, [0.5], [[1.0, 0.0, 0.0]], [1.0])  # (1 - 0.5)² + log 2
    tensor(0.9431, dtype=torch.float64)
    """
    func = "alphazero_loss"
    log_probs = as_float_tensor(log_probs, name="log_probs", func=func)
    if log_probs.dim() != 2 or log_probs.numel() == 0 or torch.isnan(log_probs).any() or (log_probs > 0).any():
        raise ValueError(f"{func}: log_probs must be a non-empty (positions, moves) array of log-probabilities "
                         f"(at most 0, -inf allowed) (got shape {tuple(log_probs.shape)})")
    targets = check_probability_vector(targets, name="targets", func=func).to(log_probs.dtype)
    if targets.shape != log_probs.shape:
        raise ValueError(f"{func}: targets must have the shape of log_probs {tuple(log_probs.shape)} "
                         f"(got {tuple(targets.shape)})")
    if (torch.isinf(log_probs) & (targets > 0)).any():
        raise ValueError(f"{func}: targets must give no mass to moves of probability 0 (log_probs -inf)")
    positions = (log_probs.shape[0],)
    values, results = (check_finite(as_float_tensor(x, name=name, func=func), name=name, func=func)
                       for x, name in ((values, "values"), (results, "results")))
    for x, name in ((values, "values"), (results, "results")):
        if x.shape != positions:
            raise ValueError(f"{func}: {name} must have shape {positions}, one per position (got {tuple(x.shape)})")
    weight_decay = check_scalar(weight_decay, name="weight_decay", func=func, low=0)
    cross_entropy = -torch.where(targets > 0, targets * log_probs, 0.0).sum(-1)
    loss = ((results.to(values.dtype) - values) ** 2 + cross_entropy).mean()
    penalty = sum(parameter.square().sum() for parameter in parameters)
    return loss + weight_decay * penalty


def _play_one_game(net, n_simulations, temperature_moves, dirichlet_alpha, seed):
    """One self-play game: the positions, the search's move distributions at τ = 1, and the final result."""
    rng = random.Random(seed)
    state, records = TicTacToe(), []
    while state.winner() is None:
        counts = mcts(state, n_simulations, prior_value_fn=net, dirichlet_alpha=dirichlet_alpha,
                      seed=rng.randrange(2**32))
        target = visit_policy(counts, 1.0)
        played = visit_policy(counts, 1.0 if len(records) < temperature_moves else 0.0)
        records.append((state, target))
        state = state.play(rng.choices(range(9), weights=played.tolist())[0])
    return records, state.winner()


@one_thread()
def self_play(iterations: int = 4, games: int = 12, *, n_simulations: int = 24, temperature_moves: int = 2,
              dirichlet_alpha=1.0, epochs: int = 20, lr=0.01, weight_decay=1e-4, seed: int = 0) -> dict:
    r"""Train a :class:`PolicyValueNet` by AlphaZero-style self-play on tic-tac-toe.

    Each iteration plays ``games`` games of the network against itself, each
    move chosen by :func:`mcts` with the network's prior and value in place of
    rollouts, Dirichlet noise at the root, and the visit counts turned into a
    move by :func:`visit_policy` at :math:`\tau = 1` for the first
    ``temperature_moves`` moves and :math:`\tau \to 0` after. Every position
    is stored with the search's distribution :math:`\pi` (at :math:`\tau = 1`)
    and the game's result :math:`z` for the player to move; the network is then
    trained for ``epochs`` full-batch Adam steps on :func:`alphazero_loss`,
    :math:`(z - v)^2 - \pi^\top \log p + c \|\theta\|^2` averaged over the
    positions (Silver et al., 2017, 2018).

    Parameters
    ----------
    iterations : int, default 4
    games : int, default 12
        Self-play games per iteration.
    n_simulations : int, default 24
        Simulations per move.
    temperature_moves : int, default 2
    dirichlet_alpha : float, default 1.0
    epochs : int, default 20
    lr : float, default 0.01
    weight_decay : float, default 1e-4
        :math:`c`, the weight of the L2 term of the loss.
    seed : int, default 0

    Returns
    -------
    dict
        ``"net"``: the trained network; ``"snapshots"``: a copy of it after each iteration; ``"loss"``: the
        training loss after each iteration, a tensor of shape (iterations,); ``"positions"``: positions stored
        per iteration.

    Examples
    --------
    >>> run = self_play(iterations=1, games=2, n_simulations=8, epochs=2)
    >>> tuple(run["loss"].shape), isinstance(run["net"], PolicyValueNet)
    ((1,), True)
    """
    func = "self_play"
    iterations = check_integer(iterations, name="iterations", func=func, minimum=1)
    games = check_integer(games, name="games", func=func, minimum=1)
    n_simulations = check_integer(n_simulations, name="n_simulations", func=func, minimum=2)
    temperature_moves = check_integer(temperature_moves, name="temperature_moves", func=func, minimum=0)
    dirichlet_alpha = check_scalar(dirichlet_alpha, name="dirichlet_alpha", func=func, low=0, low_open=True)
    epochs = check_integer(epochs, name="epochs", func=func, minimum=1)
    lr = check_scalar(lr, name="lr", func=func, low=0, low_open=True)
    weight_decay = check_scalar(weight_decay, name="weight_decay", func=func, low=0)
    seed = check_seed(seed, func=func)
    net = PolicyValueNet(seed=seed)
    optimiser = torch.optim.Adam(net.parameters(), lr=lr)
    losses, positions, snapshots = [], [], []
    for iteration in range(iterations):
        boards, targets, results = [], [], []
        for game in range(games):
            records, winner = _play_one_game(net, n_simulations, temperature_moves, dirichlet_alpha,
                                             seed + 1000 * iteration + game)
            for state, target in records:
                boards.append(torch.tensor(state.board, dtype=torch.float64) * state.to_move)
                targets.append(target)
                results.append(float(winner * state.to_move))
        boards, targets = torch.stack(boards), torch.stack(targets)
        results = torch.tensor(results, dtype=torch.float64)
        legal = boards == 0
        for _ in range(epochs):
            log_p, value = net.forward_boards(boards, legal)
            loss = alphazero_loss(log_p, value, targets, results, parameters=net.parameters(),
                                  weight_decay=weight_decay)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        losses.append(loss.item())
        positions.append(len(results))
        snapshots.append(copy.deepcopy(net))
    return {"net": net, "snapshots": snapshots, "loss": torch.tensor(losses, dtype=torch.float64),
            "positions": positions}
