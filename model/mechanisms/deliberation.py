"""Deliberation and consultation (议事协商): meetings that decide by bounded confidence.

Rule (docs/ODD.md, submodel "deliberation"):

- Every ``interval`` weeks each community holds a consultation meeting. Its agenda is
  the ``agenda_size`` oldest open issues that still need a decision. Residents taking
  part this week attend (a random ``meeting_size`` of them when more come); at least
  two must attend for the meeting to be held.
- Attendees exchange opinions in ``rounds`` rounds; in each round they are paired at
  random and every pair (i, j) with |x_i - x_j| < d moves together (Deffuant et al.
  2000): x_i <- x_i + mu (x_j - x_i), x_j <- x_j + mu (x_i - x_j),
  d = ``confidence``, mu = ``convergence``.
- Consensus: when at least ``majority`` of the attendees hold opinions within
  ``consensus_band`` of the median, the agenda is decided by deliberation, every
  attendee's efficacy rises, e <- e + efficacy_gain (1 - e), and the community's
  opinions are drawn afresh for the next agenda.
- Issues not decided at a meeting are decided administratively after
  ``issues.admin_decision_wait`` weeks, with less legitimacy (issues.resolve).
- ``pairs_per_step`` informal exchanges per week between random residents (or tied
  residents, ``pairing: ties``) follow the same pairwise rule; with everything else
  off this is exactly the Deffuant model (the docking scenario deffuant2000.yaml).

Source: the thesis ("mechanism of community deliberation and consultation"); the
2015 national opinion on urban and rural community consultation (simple majority);
Deffuant, Neau, Amblard & Weisbuch (2000), Adv. Complex Syst. 3:87,
doi:10.1142/S0219525900000078.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.issues import BY_DELIBERATION, UNDECIDED
from model.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from model.governance import GovernanceModel

__all__ = [
    "Deliberation",
    "bounded_confidence",
    "consensus_reached",
    "disjoint_pairs",
    "random_matching",
]


def bounded_confidence(
    opinion: np.ndarray, a: np.ndarray, b: np.ndarray, confidence: float, convergence: float
) -> None:
    """Deffuant update of the disjoint pairs (a[k], b[k]), in place.

    Rule: if |x_a - x_b| < d then x_a += mu (x_b - x_a) and x_b += mu (x_a - x_b).
    Pairs must not share residents, so the updates are independent and can be applied
    at once (equivalent to applying them one by one in any order).
    """
    gap = opinion[b] - opinion[a]
    move = np.where(np.abs(gap) < confidence, convergence * gap, 0.0)
    opinion[a] += move
    opinion[b] -= move


def random_matching(
    rng: np.random.Generator, people: np.ndarray, pairs: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A uniformly random set of disjoint pairs among ``people`` (at most len // 2)."""
    shuffled = rng.permutation(people)
    most = shuffled.size // 2
    count = most if pairs is None else min(pairs, most)
    return shuffled[0 : 2 * count : 2], shuffled[1 : 2 * count : 2]


def disjoint_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mask of the pairs kept when each resident may appear only once (first come wins)."""
    ends = np.concatenate([a, b])
    order = np.arange(ends.size) % a.size  # position of the pair each end belongs to
    first_pair = np.full(ends.max() + 1 if ends.size else 0, a.size, dtype=np.int64)
    np.minimum.at(first_pair, ends, order)
    return (first_pair[a] == np.arange(a.size)) & (first_pair[b] == np.arange(a.size))


def consensus_reached(opinions: np.ndarray, band: float, majority: float) -> bool:
    """Whether at least ``majority`` of the opinions lie within ``band`` of their median."""
    if opinions.size == 0:
        return False
    agree = np.abs(opinions - np.median(opinions)) <= band
    return bool(agree.mean() >= majority)


class Deliberation(Mechanism):
    """Consultation meetings decide pending issues when attendees reach consensus."""

    name = "deliberation"

    def __init__(self, params, model: GovernanceModel) -> None:
        super().__init__(params, model)
        self.meetings_held = 0
        self.meetings_scheduled = 0
        self.decisions = 0

    def meet(self, model: GovernanceModel) -> None:
        """Informal exchanges every week; meetings every ``interval`` weeks."""
        if self.params.pairs_per_step:
            self._informal_exchanges(model)
        interval = self.params.interval
        state = model.step_state
        state.meeting_attendees = np.zeros(0, np.int64)
        state.decided_at_meeting = np.zeros(0, np.int64)
        if interval == 0 or model.week % interval != 0:
            return
        attendees_all, decided_all = [], []
        for community in range(model.population.n_communities):
            self.meetings_scheduled += 1
            attendees, decided = self._meeting(model, community)
            attendees_all.append(attendees)
            if decided:
                decided_all.append(attendees)
        state.meeting_attendees = np.concatenate(attendees_all)
        if decided_all:
            state.decided_at_meeting = np.concatenate(decided_all)

    def _meeting(self, model: GovernanceModel, community: int) -> tuple[np.ndarray, bool]:
        residents = model.population.residents
        p = self.params
        present = np.flatnonzero(residents.participating & (residents.community == community))
        if present.size > p.meeting_size:
            present = model.rng.choice(present, p.meeting_size, replace=False)
        if present.size < 2:
            return np.zeros(0, np.int64), False
        self.meetings_held += 1
        for _ in range(p.rounds):
            a, b = random_matching(model.rng, present)
            bounded_confidence(residents.opinion, a, b, p.confidence, p.convergence)
        agenda = self._agenda(model, community)
        if agenda.size == 0 or not consensus_reached(
            residents.opinion[present], p.consensus_band, p.majority
        ):
            return present, False
        book = model.issues
        book.decided[agenda] = BY_DELIBERATION
        book.decided_by_deliberation += agenda.size
        self.decisions += 1
        residents.efficacy[present] += p.efficacy_gain * (1.0 - residents.efficacy[present])
        # The next agenda starts from fresh opinions.
        members = residents.community == community
        traits = model.settings.population.traits
        residents.opinion[members] = model.rng.uniform(
            traits.opinion_low, traits.opinion_high, int(members.sum())
        )
        return present, True

    def _agenda(self, model: GovernanceModel, community: int) -> np.ndarray:
        book = model.issues
        waiting = book.open_issues()
        waiting = waiting[
            (book.community[waiting] == community)
            & book.needs_decision[waiting]
            & (book.decided[waiting] == UNDECIDED)
        ]
        return waiting[: self.params.agenda_size]

    def _informal_exchanges(self, model: GovernanceModel) -> None:
        """``pairs_per_step`` pairwise exchanges, in batches of disjoint pairs."""
        residents = model.population.residents
        p = self.params
        remaining = p.pairs_per_step
        everyone = np.arange(residents.opinion.size)
        while remaining > 0:
            if p.pairing == "random":
                a, b = random_matching(model.rng, everyone, remaining)
            else:
                a, b = self._tied_pairs(model, remaining)
            if a.size == 0:
                return
            bounded_confidence(residents.opinion, a, b, p.confidence, p.convergence)
            remaining -= a.size

    def _tied_pairs(self, model: GovernanceModel, count: int) -> tuple[np.ndarray, np.ndarray]:
        ties = model.population.resident_ties
        if ties.nnz == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        pick = model.rng.integers(0, ties.nnz, count)
        a, b = model.ties.rows[pick], ties.indices[pick]
        keep = disjoint_pairs(a, b)
        return a[keep], b[keep]
