"""Claims of the page on search and self-play (``book/rl/search.md``)."""

from __future__ import annotations

import functools
import random

import sympy as sp
import torch

from ...claims import Alternative, Domain, Identity, Measurement, Numeric, Reduction, Words, register
from ..search import TicTacToe, legal_positions, mcts, minimax, puct_score
from .supervised import N_LABELS, p, y, z

# --------------------------------------------------------------------------- PUCT and the visit-count policy

c_puct, prior = sp.symbols("c_puct p", positive=True)
n_parent = sp.Symbol("N", positive=True)
n_action = sp.Symbol("n", nonnegative=True)
Q = sp.Symbol("Q", real=True)


def puct_bonus(visits):
    """The exploration bonus U of PUCT, (8.6.2), for an action visited ``visits`` times out of N."""
    return c_puct * prior * sp.sqrt(n_parent) / (1 + visits)


register(Identity(
    label="eq-puct-unvisited",
    lhs=sp.Subs(Q + puct_bonus(n_action), (Q, n_action), (0, 0)),
    rhs=c_puct * prior * sp.sqrt(n_parent),
    method="doit",
    condition=Words(r"for an action never tried, valued $Q$ of 0 until it is"),
    source="Kaplan (8.6.2); Silver et al. (2017)",
))

class U(sp.Function):
    r"""The PUCT bonus :math:`U(n)` of an action visited :math:`n` times, unevaluated until ``.doit()``."""

    @classmethod
    def eval(cls, visits):
        return None

    def doit(self, deep=True, **hints):
        return puct_bonus(self.args[0])


register(Identity(
    label="eq-puct-decay",
    lhs=U(n_action + 1) / U(n_action),
    rhs=(1 + n_action) / (2 + n_action),
    method="simplify",
    condition=Words(r"for each further visit to the action, the parent's visits $N$ held fixed"),
    source="Kaplan (8.6.2)",
))

tau = sp.Symbol("tau", positive=True)
N1, N2, N3 = sp.symbols("N_1:4", positive=True)
t2, t3 = sp.symbols("t_2 t_3", positive=True)
_COUNTS = (N1, N2, N3)


def _visit_share(count, temperature=tau):
    return count ** (1 / temperature) / sp.Add(*[n ** (1 / temperature) for n in _COUNTS])


register(Identity(
    label="eq-visit-policy-tau-one",
    lhs=sp.Subs(_visit_share(N1), tau, 1),
    rhs=N1 / (N1 + N2 + N3),
    method="doit",
    condition=Words("for three moves with positive visit counts"),
    source="Kaplan (8.6.5)",
))


def _limit_of_shares(expr):
    """Takes each limit after writing every power of a product as a product of powers (all factors positive)."""
    expr = expr.replace(lambda e: isinstance(e, sp.Limit),
                        lambda e: sp.Limit(sp.simplify(sp.expand_power_base(e.args[0], force=True)), *e.args[1:]))
    return sp.simplify(expr.doit())


register(Identity(
    label="eq-visit-policy-tau-zero",
    lhs=sp.Limit(_visit_share(N1), tau, 0, "+"),
    rhs=sp.Integer(1),
    method=Reduction("writes each power of a product as the product of powers, then takes the limit (gruntz) "
                     "and simplifies", _limit_of_shares),
    substitutions=((N2, N1 * sp.exp(-t2)), (N3, N1 * sp.exp(-t3))),
    condition=[Domain(N2, sp.Interval.open(0, N1)), Domain(N3, sp.Interval.open(0, N1))],
    source="Kaplan (8.6.5)",
))


# --------------------------------------------------------------------------- where the visits go

def puct_visit_check(priors=(0.5, 0.3, 0.15, 0.05), selections: int = 2000):
    r"""Run PUCT's selection with all Q equal; compare each (1 + N_a)/(N + K) with its prior.

    The rule picks the action with the smallest :math:`(1 + N_a)/p_a`, which
    then grows by :math:`1/p_a`; so the largest and the smallest of these
    ratios never differ by more than :math:`1/p_{\min}`, and every share is
    within :math:`1/(p_{\min} (N + K))` of its prior (the bound used as the tolerance).
    """
    visits = torch.zeros(len(priors), dtype=torch.float64)
    for total in range(selections):
        visits[puct_score(0.0, priors, visits, total).argmax()] += 1
    denominator = selections + len(priors)
    bound = 1 / (min(priors) * denominator)
    return [Measurement.exact(f"share of action {a + 1}", (1 + n) / denominator, p, tolerance=bound,
                              reason=f"the proven bound 1/(p_min (N + K)) = {bound:.3g}",
                              quantity=r"\frac{1 + N(s, a)}{N(s) + K}", expected_latex=r"p(a \mid s)")
            for a, (n, p) in enumerate(zip(visits.tolist(), priors))]


register(Numeric(
    label="eq-puct-visits-prior",
    experiment=puct_visit_check,
    alternative=Alternative("with equal values PUCT spreads its visits evenly over the four actions",
                            expected={f"share of action {a}": 0.25 for a in range(1, 5)}),
    page={"selections": 2000},
    test={"selections": 2000},
    method="PUCT's selection rule run with equal action values",
    condition=Words(r"with priors 0.5, 0.3, 0.15 and 0.05 over $K$ of four actions, after 2000 selections, all "
                    r"values $Q$ equal"),
    source="ours (Kaplan (8.6.2)–(8.6.4))",
))


# --------------------------------------------------------------------------- tic-tac-toe solved, and MCTS against it

def solved_check():
    """The number of legal positions and the minimax value of the empty board."""
    return [Measurement.exact("legal positions", len(legal_positions()), 5478, reason="exact count",
                              quantity=r"\#\{\text{legal positions}\}", expected_latex="5478"),
            Measurement.exact("value", minimax(TicTacToe()), 0, reason="exhaustive minimax",
                              quantity=r"V^*(\text{empty board})", expected_latex=r"0 \text{ (a draw)}")]


register(Numeric(
    label="eq-tictactoe-solved",
    experiment=solved_check,
    alternative=Alternative("the first player wins with perfect play", expected={"value": 1}),
    method="exhaustive enumeration and minimax with memoisation",
    source="Kaplan §8.6; ours",
))


def perfect_move(state: TicTacToe, rng: random.Random) -> int:
    """A minimax-optimal move, chosen at random among the optimal ones."""
    values = {move: minimax(state.play(move)) * state.to_move for move in state.legal_moves()}
    best = max(values.values())
    return rng.choice([move for move, value in values.items() if value == best])


def play_against_minimax(mcts_player: int, n_simulations: int, c: float, seed: int) -> int:
    """One game of MCTS (uniform prior, random rollouts) against a perfect player; the result for MCTS."""
    state, rng, ply = TicTacToe(), random.Random(seed), 0
    while state.winner() is None:
        if state.to_move == mcts_player:
            move = int(mcts(state, n_simulations, c_puct=c, seed=1000 * seed + ply).argmax())
        else:
            move = perfect_move(state, rng)
        state, ply = state.play(move), ply + 1
    return state.winner() * mcts_player


@functools.lru_cache(maxsize=1)
def saveable_threats() -> tuple[TicTacToe, ...]:
    """Positions where the opponent threatens to win at exactly one cell, the mover cannot win at once, and
    blocking keeps the game drawn or won (so the block is the only move that does not lose)."""
    return tuple(state for state in legal_positions()
                 if state.winner() is None and not state.threats(state.to_move)
                 and len(state.threats(-state.to_move)) == 1 and minimax(state) * state.to_move >= 0)


def mcts_minimax_check(games: int = 6, positions: int = 20, n_simulations: int = 1000, c: float = 10.0,
                       seed: int = 0):
    """MCTS's losses against perfect play (``games`` as X and as O) and its failures to block a lone threat."""
    results = [play_against_minimax(player, n_simulations, c, seed + g) for player in (1, -1)
               for g in range(games)]
    sample = random.Random(seed).sample(saveable_threats(), positions)
    missed = sum(int(mcts(state, n_simulations, c_puct=c, seed=seed).argmax()) != state.threats(-state.to_move)[0]
                 for state in sample)
    return [Measurement.exact("losses", sum(result < 0 for result in results), 0,
                              reason=f"exact count over {2 * games} games",
                              quantity=r"\#\{\text{games MCTS loses to minimax}\}", expected_latex="0"),
            Measurement.exact("missed blocks", missed, 0, reason=f"exact count over {positions} positions",
                              quantity=r"\#\{\text{lone threats MCTS fails to block}\}", expected_latex="0")]


register(Numeric(
    label="eq-mcts-draws-minimax",
    experiment=mcts_minimax_check,
    alternative=Alternative("the search adds nothing: two simulations per move (a uniformly random first "
                            "choice) play as well", kwargs={"n_simulations": 2}),
    page={"games": 6, "positions": 20},
    test={"games": 1, "positions": 4},
    method="games of MCTS against minimax, and MCTS on positions with a single threat",
    condition=Words(r"MCTS with a uniform prior, random rollouts, 1000 simulations per move and $c_{puct}$ of "
                    r"10; the perfect player picks at random among its optimal moves"),
    source="ours (Kaplan §8.6; Kocsis & Szepesvári 2006)",
))


# --------------------------------------------------------------------------- self-play

@functools.lru_cache(maxsize=1)
def _ongoing_positions():
    """Every legal position where the game goes on, as boards seen by the mover, their legal cells, and the set
    of minimax-optimal cells of each."""
    states = [state for state in legal_positions() if state.winner() is None]
    boards = torch.tensor([state.board for state in states], dtype=torch.float64)
    boards = boards * torch.tensor([state.to_move for state in states], dtype=torch.float64)[:, None]
    optimal = torch.zeros(len(states), 9, dtype=torch.bool)
    for i, state in enumerate(states):
        values = {move: minimax(state.play(move)) * state.to_move for move in state.legal_moves()}
        best = max(values.values())
        optimal[i, [move for move, value in values.items() if value == best]] = True
    return boards, boards == 0, optimal


def optimal_move_rate(net) -> float:
    """The fraction of ongoing legal positions where the network's most probable move is minimax-optimal."""
    boards, legal, optimal = _ongoing_positions()
    with torch.no_grad():
        log_p, _ = net.forward_boards(boards, legal)
    return optimal.gather(1, log_p.argmax(-1, keepdim=True)).double().mean().item()


@functools.lru_cache(maxsize=2)
def self_play_run(iterations: int = 6, games: int = 12, seed: int = 0) -> dict:
    """The page's self-play run and the optimal-move rate of its network before and after each iteration."""
    from ..search import PolicyValueNet, self_play

    run = self_play(iterations=iterations, games=games, seed=seed)
    rates = [optimal_move_rate(PolicyValueNet(seed=seed))] + [optimal_move_rate(net) for net in run["snapshots"]]
    return {**run, "optimal_rate": torch.tensor(rates, dtype=torch.float64)}


# --------------------------------------------------------------------------- the AlphaZero loss's policy term

PI = sp.IndexedBase("pi", real=True)
_CROSS_ENTROPY = -sp.Sum(PI[y] * sp.log(p(y, *z)), (y, 1, N_LABELS))


def _written_out(expr):
    """Writes out the sum over the three moves, the softmax and its derivatives, then simplifies."""
    expr = expr.replace(lambda e: isinstance(e, sp.Sum), lambda e: e.doit(deep=False))
    return sp.simplify(expr.doit())


register(Identity(
    label="eq-alphazero-policy-gradient",
    lhs=sp.ImmutableMatrix([sp.Derivative(_CROSS_ENTROPY, logit) for logit in z]),
    rhs=sp.ImmutableMatrix([p(move, *z) - PI[move] for move in range(1, N_LABELS + 1)]),
    method=_written_out,
    given=((PI[1] + PI[2] + PI[3], 1),),
    condition=Words(r"for a softmax $p$ over three moves with logits $z$ and a search distribution $\pi$"),
    source="Silver et al. (2017, 2018); Kaplan (8.6.1)",
))
