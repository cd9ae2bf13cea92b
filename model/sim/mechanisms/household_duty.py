"""Household duty rotation (当番, toban): member households take turns on duty.

Not one of the five innovations of the thesis: a comparative mechanism, for the
Japanese neighbourhood association (chonaikai) preset, where duties (notices,
clean-ups, rubbish points) rotate among member households.

Rule (docs/ODD.md, submodel "household_duty"):

- At setup the households of each community are put in a random order (the roster).
- Each week the next round(``share`` x households) of the roster are on duty (at least
  one; the roster wraps around, so every household's turn comes once per round).
- A member household on duty takes part that week with probability ``compliance``,
  whatever the participation rule says; others decide as usual. Non-members are
  skipped (they are not on the association's roster).

Source: ../shared/notes/domain-facts.md ("Japan, chonaikai": household membership,
duties rotate among households). The rule is an assumption of the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["HouseholdDuty"]


class HouseholdDuty(Mechanism):
    """A rotating share of member households is on duty each week."""

    name = "household_duty"

    def setup(self, model: GovernanceModel) -> None:
        """Give every household its place in its community's duty roster."""
        residents = model.population.residents
        community = residents.community
        size = np.bincount(community, minlength=model.population.n_communities)
        self.roster_size = size[community]
        # Households on duty per week: share of the roster, at least one.
        self.per_week = np.maximum(1, np.rint(self.params.share * size)).astype(np.int64)[community]
        self.position = np.zeros(community.size, dtype=np.int64)
        for c in range(size.size):
            members = np.flatnonzero(community == c)
            self.position[members] = model.rng.permutation(members.size)

    def on_duty(self, week: int) -> np.ndarray:
        """Households whose turn falls in ``week``: the next ``per_week`` of the roster.

        Integer arithmetic, so that every household's turn comes exactly once per
        round of the roster.
        """
        start = ((week - 1) * self.per_week) % self.roster_size
        return (self.position - start) % self.roster_size < self.per_week

    def decide(self, model: GovernanceModel, taking_part: np.ndarray) -> np.ndarray:
        """Members on duty take part with probability ``compliance``."""
        residents = model.population.residents
        duty = self.on_duty(model.week) & residents.member
        complying = model.rng.random(duty.size) < self.params.compliance
        return taking_part | (duty & complying)
