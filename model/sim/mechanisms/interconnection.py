"""Interconnection and interaction (互联互动): joint activities across blocks and kinds.

Rule (docs/ODD.md, submodel "interconnection"):

- Every ``interval`` weeks each community holds a joint activity (clean-ups,
  festivals, service days) with ``places`` places, hosted by its units (the joint
  committee's members when the committee is on, every unit otherwise) and the core.
- Invitations, along ties (step 3): each community's hosts send as many invitations
  as there are places. Resident i's claim on one is
  w_i = w_p [party member tied to the core] + w_u (ties to hosting units)
  + w_n N_i (word of mouth: N_i, the tie-weighted share of its neighbours who took part
  last week), and the invitations go to ``places`` residents drawn without replacement
  with probability proportional to w_i (Efraimidis & Spirakis 2006, Inf. Process.
  Lett. 97:181, doi:10.1016/j.ipl.2005.11.003). An invitation is being asked to take
  part: it counts in the decision as mobilisation does (decision/base.py).
- Who attends: the invited residents who take part that week (never more than the
  places). The activity's effects come from them and only them (step 9): each
  attendee starts Poisson(``new_ties``) ties with random other attendees of its
  community (any block: bridging ties, Putnam 2000), of strength
  ``cohesion.initial_tie_weight`` (between attendees with room for a tie,
  ``network.ties.capacity``), and with probability ``unit_tie_probability`` a tie to
  a random host of its community (a tie across kinds); doing things together raises
  efficacy, e <- e + ``efficacy_gain`` (1 - e), and meeting other residents raises
  trust, t <- t + ``trust_gain`` (1 - t) (Putnam 2000; Sampson et al. 1997).
- Co-participation strengthens existing ties and unused ties decay in every week, with
  or without this mechanism (submodels.update_ties).

With no places, no hosts, or nobody invited taking part, the activity does nothing.

Source: the thesis ("interactive system of community interconnection"); the invitation
and attendance rules and every rate are assumptions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim.mechanisms.base import Mechanism
from govsim.sim.submodels import to_residents, with_room_for_ties

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["Interconnection", "random_partners_in_group", "weighted_sample_in_groups"]


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


def weighted_sample_in_groups(
    rng: np.random.Generator, weight: np.ndarray, group: np.ndarray, size: int
) -> np.ndarray:
    """Up to ``size`` items of each group, without replacement, chances proportional to weight.

    Efraimidis & Spirakis (2006): item k gets the key log(u_k) / w_k (u uniform), and the
    ``size`` largest keys of each group are drawn; items of weight 0 are never drawn.

    Args:
        rng: the model's generator (one uniform per item of positive weight).
        weight: non-negative weight of every item.
        group: group of every item.
        size: most items drawn per group.

    Returns:
        Indices of the drawn items, sorted.
    """
    candidates = np.flatnonzero(weight > 0)
    if candidates.size == 0 or size == 0:
        return np.zeros(0, np.int64)
    key = np.log(rng.random(candidates.size)) / weight[candidates]
    order = np.lexsort((-key, group[candidates]))
    ranked_group = group[candidates][order]
    first = np.concatenate([[True], ranked_group[1:] != ranked_group[:-1]])
    start = np.maximum.accumulate(np.where(first, np.arange(order.size), 0))
    chosen = order[np.arange(order.size) - start < size]
    return np.sort(candidates[chosen])


class Interconnection(Mechanism):
    """Joint activities: invitations along ties, places, and what attending builds."""

    name = "interconnection"

    def __init__(self, params, model: GovernanceModel) -> None:
        super().__init__(params, model)
        self.activities = 0
        self.invitations = 0
        self.attendances = 0

    def hosts(self, model: GovernanceModel) -> np.ndarray:
        """The hosting units: committee members when the committee is on, else every unit."""
        units = model.population.units
        if units.in_committee.any():
            return units.in_committee
        return np.ones(units.kind.size, bool)

    def mobilise(self, model: GovernanceModel) -> None:
        """In activity weeks, the hosts invite ``places`` residents of each community."""
        residents = model.population.residents
        residents.invited[:] = False
        if model.week % self.params.interval != 0:
            return
        self.activities += model.population.n_communities
        p = self.params
        population = model.population
        core_tied = to_residents(population.core_ties, np.ones(population.n_communities)) > 0
        host_ties = to_residents(population.unit_ties, self.hosts(model).astype(np.float64))
        claim = (
            p.invite_party_members * (core_tied & residents.party_member)
            + p.invite_unit_ties * host_ties
            + p.invite_neighbours * model.step_state.neighbour_share
        )
        invited = weighted_sample_in_groups(model.rng, claim, residents.community, p.places)
        residents.invited[invited] = True
        self.invitations += invited.size

    def connect(self, model: GovernanceModel) -> None:
        """Attendees form ties across blocks and with hosts, and gain efficacy and trust."""
        residents = model.population.residents
        if not residents.invited.any():
            return
        attendees = np.flatnonzero(residents.invited & residents.participating)
        model.step_state.activity_attendees = attendees
        self.attendances += attendees.size
        if attendees.size == 0:
            return
        p = self.params
        residents.efficacy[attendees] += p.efficacy_gain * (1.0 - residents.efficacy[attendees])
        residents.trust[attendees] += p.trust_gain * (1.0 - residents.trust[attendees])
        if attendees.size < 2:
            return
        community = residents.community[attendees]  # residents are sorted by community
        count = model.rng.poisson(p.new_ties, attendees.size)
        a, b = with_room_for_ties(
            model, *random_partners_in_group(model.rng, attendees, community, count)
        )
        model.ties.add_resident_ties(a, b, model.settings.frictions.cohesion.initial_tie_weight)
        self._tie_to_hosts(model, attendees, community)

    def _tie_to_hosts(
        self, model: GovernanceModel, attendees: np.ndarray, community: np.ndarray
    ) -> None:
        units = model.population.units
        host_ids = np.flatnonzero(self.hosts(model))
        if host_ids.size == 0:
            return
        joining = model.rng.random(attendees.size) < self.params.unit_tie_probability
        people, their_community = attendees[joining], community[joining]
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
