"""Rotation of co-construction units (共建单位轮值): units take turns as chair.

Rule (docs/ODD.md, submodel "rotation"):

- Order: at setup each community draws a random order of the eligible units (joint
  committee members when the committee is on, all units otherwise).
- Term k (weeks k*term+1 .. (k+1)*term) is chaired by unit k mod n of the order.
- While chair, a unit's commitment rises each week, c <- c + chair_boost (1 - c); it
  contributes ``extra_resources`` times its resources more, for community-wide projects
  (routed by the core like the committee's pool, and going no further), and reaches
  each resident tied to it with probability ``mobilisation``.
- When its term ends the unit keeps ``retention`` of what it gained, and all of what
  it lost: c <- c_start + retention max(c - c_start, 0) + min(c - c_start, 0)
  (ownership outlasts the term; a commitment that fell while chairing, when drift
  outran the boost, fell for good: there is no gain to give back).
- Without rotation only the assessment offsets the free-riding drift toward the
  commitment floor (submodels.drift_commitment).

Source: the thesis ("rotation system of co-construction units"). No primary text
was found for a rotating chair; a round-robin convenor who sets the agenda and hosts
is the closest documented practice (../shared/notes/domain-facts.md). The rule
above is an assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["Rotation", "retained_commitment"]


def retained_commitment(start: float, end: float, retention: float) -> float:
    """A chair's commitment after its term: retention of the gain kept, any loss kept whole.

    c_start + retention max(c_end - c_start, 0) + min(c_end - c_start, 0).
    """
    change = end - start
    return start + retention * max(change, 0.0) + min(change, 0.0)


class Rotation(Mechanism):
    """Units chair in turn; chairs commit more, and keep part of it."""

    name = "rotation"

    def setup(self, model: GovernanceModel) -> None:
        """Draw each community's chair order."""
        units = model.population.units
        committee_on = model.settings.enabled("joint_committee")
        self.orders: list[np.ndarray] = []
        for community in range(model.population.n_communities):
            eligible = units.community == community
            if committee_on:
                eligible &= units.has_branch
            self.orders.append(model.rng.permutation(np.flatnonzero(eligible)))
        self.current = np.full(len(self.orders), -1, dtype=np.int64)

    def _chair_for(self, week: int) -> np.ndarray:
        term = (week - 1) // self.params.term
        return np.array(
            [order[term % order.size] if order.size else -1 for order in self.orders],
            dtype=np.int64,
        )

    def mobilise(self, model: GovernanceModel) -> None:
        """Hand over the chair when a term ends; the chair mobilises its residents."""
        units = model.population.units
        chairs = self._chair_for(model.week)
        for community, (old, new) in enumerate(zip(self.current, chairs, strict=True)):
            if old == new:
                continue
            if old >= 0:
                units.commitment[old] = retained_commitment(
                    units.chair_start_commitment[old], units.commitment[old], self.params.retention
                )
                units.chair[old] = False
            if new >= 0:
                units.chair[new] = True
                units.chair_start_commitment[new] = units.commitment[new]
            self.current[community] = new
        reach = model.step_state.unit_reach
        extra = np.where(units.chair, self.params.mobilisation, 0.0)
        reach[:] = 1.0 - (1.0 - reach) * (1.0 - extra)

    def contribute(self, model: GovernanceModel) -> None:
        """The chair's commitment rises, and it adds resources for the whole community."""
        units = model.population.units
        chair = units.chair
        units.commitment[chair] += self.params.chair_boost * (1.0 - units.commitment[chair])
        extra = self.params.extra_resources * units.resources[chair]
        units.contribution[chair] += extra
        # The chair hosts community-wide projects: its extra goes where the core routes it.
        model.step_state.pooled[chair] += extra
