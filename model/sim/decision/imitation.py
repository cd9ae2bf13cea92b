"""The imitation rule: the networked public goods game (Santos, Santos & Pacheco 2008).

Taking part is cooperating. Every resident x centres a game with its k_x
neighbours (n_x = k_x + 1 players), so x plays in k_x + 1 games: its own and each
neighbour's. Tie strengths are ignored (only who is tied to whom matters).

Payoffs (enhancement r = ``decision.enhancement``, cost c = 1, s_x = 1 for a
cooperator and 0 for a defector):

- ``cost: per_game``: a cooperator puts e_x = c into every game it plays;
  ``cost: per_individual``: it puts e_x = c / (k_x + 1) into each, c in total.
- In the game centred at g the pot r * sum_{j in g} s_j e_j is shared equally by
  its n_g players.
- P_x = sum over the games g that x plays of r / n_g * sum_{j in g} s_j e_j,
  minus what x put in, s_x e_x (k_x + 1).

With A the 0/1 adjacency matrix this is one linear map, P = Q s with
Q = r (I + A) diag(1/n) (I + A) diag(e) - diag(e (k + 1)): two sparse mat-vecs.

Update (synchronous, one generation per step): every x with a neighbour picks a
neighbour y at random; if P_y > P_x, x copies y's choice with probability
(P_y - P_x) / M_xy, where M_xy is "the maximum possible difference between the
payoffs of x and y" (Santos et al. 2008, Methods). Because payoffs are linear in
the strategies, that maximum over all 2^N strategy profiles is exact and cheap:
M_xy = sum_j max(0, Q_yj - Q_xj). Residents without ties keep their choice. At
step 0 a share ``initial_participants`` (0.5 in the paper) cooperates, placed at
random.

Governance reaches the game as a private benefit of cooperating (decision/base.py,
``governance_utility``): a cooperator x also gets

    B_x = kappa Delta v_x e_x (k_x + 1),

Delta v_x what this week's governance adds to its private utility (being asked,
points, crowding out, a grievance, efficacy and trust gained), kappa
(``decision.payoff_scale``, by default 1 / b_C) and e_x (k_x + 1) what x puts into its
games in total (its cost of cooperating). So P = (Q + diag(B)) s, and M_xy is taken over that matrix
(exact, as above; only the entries of x and y change). Why kappa = 1 / b_C (0.333 at
the default time-cost weight b_C = 3): what a cooperator puts in is its time, and b_C
is the utility of giving all of one's time in the logit rule, so one unit of utility
is worth 1 / b_C of the cost of cooperating. Being mobilised (b_M = 1.4) then pays back
47% of that cost. With every channel at rest B = 0 and the game is the published one
exactly (the docking scenario scenarios/docking/pgg_santos2008.yaml).

Ties are fixed in the published model, so the adjacency, the degrees and every
M_xy are computed once and kept until the tie structure changes (a new tie
matrix, or ties dropped from it); with the governance layers on, ties change and
the games are rebuilt when they do (checked every step by comparing the structure).

Source: Santos, F. C., Santos, M. D. & Pacheco, J. M. (2008). Social diversity
promotes the emergence of cooperation in public goods games. Nature 454:213-216,
doi:10.1038/nature06940.

The normalisation is govsim's reading of the 2008 paper's words, not a formula it
gives. Santos & Pacheco (2005, Phys. Rev. Lett. 95:098104,
doi:10.1103/PhysRevLett.95.098104), for two-player games, bound the two payoffs
separately (the larger degree times the spread of one game's payoffs); that bound is
looser than the joint maximum above (about 4x per game, 17x per individual on a small
Barabasi-Albert graph), so imitation is slower under it, and docs/VALIDATION.md reports
how much that moves the cooperation curve near its onset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from govsim.sim.decision.base import DecisionRule, governance_utility

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["ImitationRule", "PublicGoodsGame", "public_goods_payoffs"]


@dataclass(eq=False)
class PublicGoodsGame:
    """The games played on one fixed graph: everything that does not depend on choices.

    Attributes:
        adjacency: 0/1 CSR adjacency (symmetric, no self-ties).
        degree: k_x. players: n_x = k_x + 1, the size of the game x centres.
        effort: e_x, what a cooperator puts into each game it plays.
        enhancement: r.
        normaliser: M_xy for every stored entry (x, y) of ``adjacency``, aligned with
            ``adjacency.indices``.
        own_gap, other_gap, rest: per stored entry (x, y), with D = Q_y. - Q_x.:
            D_x, D_y and M_xy - max(0, D_x) - max(0, D_y) (the terms private benefits
            change, ``normaliser_with``).
    """

    adjacency: sp.csr_matrix
    degree: np.ndarray
    players: np.ndarray
    effort: np.ndarray
    enhancement: float
    normaliser: np.ndarray
    own_gap: np.ndarray = field(default_factory=lambda: np.zeros(0))
    other_gap: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rest: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def build(cls, ties: sp.csr_matrix, enhancement: float, cost: str) -> PublicGoodsGame:
        """The games on the graph of ``ties`` (weights ignored)."""
        adjacency = sp.csr_matrix(
            (np.ones(ties.indices.size), ties.indices.copy(), ties.indptr.copy()), shape=ties.shape
        )
        adjacency.sum_duplicates()
        degree = np.diff(adjacency.indptr)
        players = degree + 1.0
        effort = np.ones(degree.size) if cost == "per_game" else 1.0 / players
        game = cls(adjacency, degree, players, effort, enhancement, np.zeros(0))
        game._largest_differences()
        return game

    @property
    def cost(self) -> np.ndarray:
        """e_x (k_x + 1): what a cooperator puts into its games in total."""
        return self.effort * self.players

    def payoffs(self, cooperating: np.ndarray, benefit: np.ndarray | None = None) -> np.ndarray:
        """P_x of every node over the k_x + 1 games it plays, plus s_x B_x (docstring)."""
        given = cooperating * self.effort
        share = self.enhancement * (given + self.adjacency @ given) / self.players
        payoff = share + self.adjacency @ share - given * self.players
        return payoff if benefit is None else payoff + cooperating * benefit

    def normaliser_with(self, benefit: np.ndarray | None) -> np.ndarray:
        """M_xy over Q + diag(B): only the columns x and y of the row Q_y. - Q_x. change.

        Rule: M'_xy = rest_xy + max(0, D_y + B_y) + max(0, D_x - B_x); without benefits
        (``None``), the M_xy of the published game, as computed once.
        """
        if benefit is None or self.adjacency.nnz == 0:
            return self.normaliser
        x = np.repeat(np.arange(self.degree.size), self.degree)
        y = self.adjacency.indices
        return (
            self.rest
            + np.maximum(0.0, self.other_gap + benefit[y])
            + np.maximum(0.0, self.own_gap - benefit[x])
        )

    def payoff_matrix(self) -> sp.csr_matrix:
        """Q with P = Q s: Q = r (I + A) diag(1/n) (I + A) diag(e) - diag(e n)."""
        n = self.degree.size
        around = self.adjacency + sp.identity(n, format="csr")
        q = (
            self.enhancement
            * (around @ sp.diags(1.0 / self.players) @ around)
            @ sp.diags(self.effort)
        )
        return (q - sp.diags(self.effort * self.players)).tocsr()

    def _largest_differences(self) -> None:
        """M_xy = max over all strategy profiles of P_y - P_x = sum_j max(0, Q_yj - Q_xj).

        Also keeps, per entry, D_x, D_y and the rest of the sum (``normaliser_with``).
        """
        adjacency = self.adjacency
        if adjacency.nnz == 0:
            return
        rows = np.repeat(np.arange(adjacency.shape[0]), self.degree)
        entries = np.arange(adjacency.nnz)
        # One row per stored entry (x, y): +1 on y, -1 on x, so (select @ Q)[e] = Q_y - Q_x.
        select = sp.csr_matrix(
            (
                np.concatenate([np.ones(entries.size), -np.ones(entries.size)]),
                (np.concatenate([entries, entries]), np.concatenate([adjacency.indices, rows])),
            ),
            shape=(adjacency.nnz, adjacency.shape[0]),
        )
        difference = (select @ self.payoff_matrix()).tocsr()
        difference.sum_duplicates()
        self.own_gap = np.asarray(difference[entries, rows]).ravel()
        self.other_gap = np.asarray(difference[entries, adjacency.indices]).ravel()
        difference.data = np.maximum(difference.data, 0.0)
        self.normaliser = np.asarray(difference.sum(axis=1)).ravel()
        self.rest = np.maximum(
            0.0,
            self.normaliser - np.maximum(0.0, self.own_gap) - np.maximum(0.0, self.other_gap),
        )

    def imitate(
        self,
        strategy: np.ndarray,
        rng: np.random.Generator,
        benefit: np.ndarray | None = None,
    ) -> np.ndarray:
        """One synchronous generation of proportional imitation; returns the new choices.

        ``benefit``: B_x, the private benefit of cooperating (``None``: the published game).
        """
        payoff = self.payoffs(strategy.astype(np.float64), benefit)
        new = strategy.copy()
        x = np.flatnonzero(self.degree > 0)
        pick = self.adjacency.indptr[x] + (rng.random(x.size) * self.degree[x]).astype(np.int64)
        y = self.adjacency.indices[pick]
        gap = payoff[y] - payoff[x]
        most = self.normaliser_with(benefit)[pick]
        chance = np.divide(gap, most, out=np.zeros_like(gap), where=most > 0)
        copy = (gap > 0) & (rng.random(x.size) < chance)
        new[x[copy]] = strategy[y[copy]]
        return new


def public_goods_payoffs(
    adjacency: sp.csr_matrix, cooperating: np.ndarray, enhancement: float, cost: str
) -> np.ndarray:
    """Total payoff of every node over the k + 1 games it plays (see module docstring)."""
    return PublicGoodsGame.build(adjacency, enhancement, cost).payoffs(
        np.asarray(cooperating, dtype=np.float64)
    )


class ImitationRule(DecisionRule):
    """Copy a better-off random neighbour, with probability proportional to the gap.

    A share ``initial_participants`` of the residents (0.5 unless set), at random, start
    as cooperators.
    """

    name = "imitation"
    default_initial_participants = 0.5
    _game: PublicGoodsGame | None = None
    _structure: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))

    def game(self, model: GovernanceModel) -> PublicGoodsGame:
        """The games on the current tie structure, rebuilt only when that structure changed.

        Comparing the structure (``indptr`` and ``indices``) costs microseconds, whatever
        way the ties were changed (a new matrix, or pruned in place); strength changes
        alone keep the games as they are.
        """
        ties = model.population.resident_ties
        indptr, indices = self._structure
        if (
            self._game is None
            or not np.array_equal(indptr, ties.indptr)
            or not np.array_equal(indices, ties.indices)
        ):
            self._game = PublicGoodsGame.build(ties, self.params.enhancement, self.params.cost)
            self._structure = (ties.indptr.copy(), ties.indices.copy())
        return self._game

    def benefit(self, model: GovernanceModel, game: PublicGoodsGame) -> np.ndarray | None:
        """B_x = kappa Delta v_x e_x (k_x + 1); ``None`` when it is 0 for everyone."""
        scale = self.params.kappa_scale
        if scale == 0.0:
            return None
        benefit = scale * governance_utility(model) * game.cost
        return benefit if np.any(benefit) else None

    def decide(self, model: GovernanceModel) -> np.ndarray:
        """One synchronous generation of proportional imitation, with private benefits."""
        strategy = model.population.residents.participated_last
        game = self.game(model)
        return game.imitate(strategy, model.rng, self.benefit(model, game))
