"""Interconnection and interaction (互联互动): joint activities across blocks and kinds.

Rule (docs/ODD.md, submodel "interconnection"):

- Every ``interval`` weeks a joint activity takes place (clean-ups, festivals, service
  days hosted by units). In activity weeks taking part is more attractive: ``appeal``
  is added to every resident's participation utility.
- After the decision, participants meet people they would not otherwise meet: each
  participant starts Poisson(new_ties) new ties with random other participants of its
  community (any block: bridging ties, Putnam 2000), of strength
  ``cohesion.initial_tie_weight``, and with probability ``unit_tie_probability`` a tie
  to a random hosting unit of its community (committee members when the committee is
  on, any unit otherwise): a tie across kinds.
- Co-participation strengthens existing ties and unused ties decay in every week, with
  or without this mechanism (submodels.update_ties).

Source: the thesis ("interactive system of community interconnection"); the rates
are assumptions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["Interconnection", "random_partners_in_group"]


def random_partners_in_group(
    rng: np.random.Generator, members: np.ndarray, group: np.ndarray, count: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each member k, ``count[k]`` partners drawn uniformly from its own group.

    Args:
        rng: the model's generator.
        members: candidate ids, sorted by ``group``.
        group: group of each member (sorted).
        count: how many partners each member draws.

    Returns:
        Arrays (a, b) of member ids, one pair per draw (b may equal a; callers drop it).
    """
    a_pos = np.repeat(np.arange(members.size), count)
    if a_pos.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    labels, start, size = np.unique(group, return_index=True, return_counts=True)
    which = np.searchsorted(labels, group[a_pos])
    b_pos = start[which] + (rng.random(a_pos.size) * size[which]).astype(np.int64)
    return members[a_pos], members[b_pos]


class Interconnection(Mechanism):
    """Joint activities: an appeal to take part, and new bridging ties among participants."""

    name = "interconnection"

    def utility(self, model: GovernanceModel) -> None:
        """In activity weeks, taking part is more attractive."""
        state = model.step_state
        state.activity_week = model.week % self.params.interval == 0
        if state.activity_week:
            state.extra_utility += self.params.appeal

    def connect(self, model: GovernanceModel) -> None:
        """Participants of an activity form ties across blocks and with hosting units."""
        if not model.step_state.activity_week:
            return
        residents = model.population.residents
        participants = np.flatnonzero(residents.participating)
        if participants.size < 2:
            return
        community = residents.community[participants]  # residents are sorted by community
        count = model.rng.poisson(self.params.new_ties, participants.size)
        a, b = random_partners_in_group(model.rng, participants, community, count)
        model.ties.add_resident_ties(a, b, model.settings.frictions.cohesion.initial_tie_weight)
        self._tie_to_hosts(model, participants, community)

    def _tie_to_hosts(
        self, model: GovernanceModel, participants: np.ndarray, community: np.ndarray
    ) -> None:
        units = model.population.units
        hosts = units.in_committee if units.in_committee.any() else np.ones(units.kind.size, bool)
        host_ids = np.flatnonzero(hosts)
        if host_ids.size == 0:
            return
        joining = model.rng.random(participants.size) < self.params.unit_tie_probability
        people, their_community = participants[joining], community[joining]
        host_community = units.community[host_ids]
        order = np.argsort(host_community, kind="stable")
        host_ids, host_community = host_ids[order], host_community[order]
        labels, start, size = np.unique(host_community, return_index=True, return_counts=True)
        which = np.searchsorted(labels, their_community)
        valid = (which < labels.size) & (
            labels[np.minimum(which, labels.size - 1)] == their_community
        )
        people, which = people[valid], which[valid]
        pick = start[which] + (model.rng.random(people.size) * size[which]).astype(np.int64)
        model.ties.add_unit_ties(host_ids[pick], people)
