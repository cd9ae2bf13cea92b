"""The imitation rule: the networked public goods game (Santos, Santos & Pacheco 2008).

Taking part is cooperating. Every resident x centres a game with its k_x
neighbours (k_x + 1 players), so x plays in k_x + 1 games: its own and each
neighbour's. Tie strengths are ignored (the graph is what matters).

Payoffs (enhancement r = ``decision.enhancement``, cost c = 1):

- ``cost: per_game``: a cooperator puts c into every game it plays;
  ``cost: per_individual``: it puts c / (k_x + 1) into each, c in total.
- In the game centred at y the pot r * (sum of contributions of y and its neighbours)
  is shared equally by its k_y + 1 players.
- P_x = sum over the games x plays of its shares, minus what x put in.

As one sparse mat-vec each: g = s * c_x (contribution per game), T = g + A g,
share = r T / (k + 1), P = share + A share - s * c_x * (k + 1).

Update (synchronous, one generation per step): every x picks a random neighbour y;
if P_y > P_x, x copies y's choice with probability (P_y - P_x) / M, where M is the
largest payoff difference possible between x and y: M = r (k_y + 1) + (k_x + 1) for
cost per game and M = r (k_y + 1) + 1 for cost per individual (the most y can earn,
every game full of cooperators, minus the least x can earn, contributing alone).
At step 0 a share ``initial_participants`` (0.5) cooperates, at random.

Source: Santos, F. C., Santos, M. D. & Pacheco, J. M. (2008). Social diversity
promotes the emergence of cooperation in public goods games. Nature 454:213-216,
doi:10.1038/nature06940.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from model.decision.base import DecisionRule

if TYPE_CHECKING:
    from model.governance import GovernanceModel

__all__ = ["ImitationRule", "public_goods_payoffs"]


def public_goods_payoffs(
    adjacency: sp.csr_matrix, cooperating: np.ndarray, enhancement: float, cost: str
) -> np.ndarray:
    """Total payoff of every node over the k + 1 games it plays (see module docstring)."""
    degree = np.diff(adjacency.indptr).astype(np.float64)
    games = degree + 1.0
    per_game = np.ones_like(degree) if cost == "per_game" else 1.0 / games
    given = cooperating * per_game
    pot = given + adjacency @ given
    share = enhancement * pot / games
    return share + adjacency @ share - cooperating * per_game * games


class ImitationRule(DecisionRule):
    """Copy a better-off random neighbour, with probability proportional to the gap."""

    name = "imitation"

    def setup(self, model: GovernanceModel) -> None:
        """Half the residents (``initial_participants``) start as cooperators."""
        residents = model.population.residents
        start = model.rng.random(residents.participating.size) < self.params.initial_participants
        residents.participating[:] = start
        residents.participated_last[:] = start

    def decide(self, model: GovernanceModel) -> np.ndarray:
        """One synchronous generation of proportional imitation."""
        ties = model.population.resident_ties
        adjacency = sp.csr_matrix(
            (np.ones_like(ties.data), ties.indices, ties.indptr), shape=ties.shape
        )
        strategy = model.population.residents.participated_last
        r = self.params.enhancement
        payoff = public_goods_payoffs(adjacency, strategy.astype(np.float64), r, self.params.cost)
        degree = np.diff(adjacency.indptr)
        new = strategy.copy()
        has_neighbour = np.flatnonzero(degree > 0)
        pick = adjacency.indptr[has_neighbour] + (
            model.rng.random(has_neighbour.size) * degree[has_neighbour]
        ).astype(np.int64)
        x, y = has_neighbour, adjacency.indices[pick]
        gap = payoff[y] - payoff[x]
        if self.params.cost == "per_game":
            most = r * (degree[y] + 1) + (degree[x] + 1)
        else:
            most = r * (degree[y] + 1) + 1.0
        copy = (gap > 0) & (model.rng.random(x.size) < gap / most)
        new[x[copy]] = strategy[y[copy]]
        return new
