"""Deliberation and consultation (议事协商): meetings that decide by bounded confidence.

Rule (docs/ODD.md, submodel "deliberation"):

- Every ``interval`` weeks each community holds a consultation meeting on its agenda:
  the ``agenda_size`` oldest open issues that still need a decision (no agenda, no
  meeting). Residents taking part this week attend (a random ``meeting_size`` of them
  when more come); at least two must attend for the meeting to be held.
- Opinions relate to the issue at hand. Attendee i's support for acting on issue k
  starts at x_ik = clip(o_i + s [i lives in k's block] - c (cost_k / mean cost)
  [i lives elsewhere], 0, 1): its general opinion o_i (support for collective action),
  raised by ``stake_support`` s when the issue is in its own block (whom it affects),
  lowered by ``cost_aversion`` c times the issue's relative cost when it is not (what it
  costs them).
- In each of ``rounds`` rounds attendees are paired at random and every pair talks about
  every issue: on each, when |x_ik - x_jk| < d they move together (Deffuant et al.
  2000): x_ik <- x_ik + mu (x_jk - x_ik), x_jk <- x_jk + mu (x_ik - x_jk),
  d = ``confidence``, mu = ``convergence``.
- Consensus on issue k: at least ``majority`` of the attendees hold opinions within
  ``consensus_band`` of the median (the agreement share a_k). It is then decided by
  deliberation, with legitimacy a_k, times ``absent_stake_legitimacy`` when nobody from
  its block attended: whether a meeting decides, and how legitimate the decision is,
  follows from who attends and how far apart they stand.
- Attendees' efficacy rises with what the meeting decided: e <- e + efficacy_gain
  (decided share of the agenda) (1 - e).
- Issues not decided wait for the next meeting, and are decided administratively after
  ``issues.admin_decision_wait`` weeks, with ``issues.admin_legitimacy`` (issues.resolve).
- ``pairs_per_step`` informal exchanges per week: that many independent pairs of
  random residents (or of tied residents, every tie equally likely, ``pairing: ties``)
  meet one after another and follow the same pairwise rule. With everything else off
  this is exactly the Deffuant model, one random pair at a time (the docking scenario
  scenarios/docking/deffuant2000.yaml; docs/VALIDATION.md).

Source: the thesis ("mechanism of community deliberation and consultation"); the
2015 national opinion on urban and rural community consultation (simple majority);
Deffuant, Neau, Amblard & Weisbuch (2000), Adv. Complex Syst. 3:87,
doi:10.1142/S0219525900000078.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

from govsim.sim import kernels
from govsim.sim.issues import BY_DELIBERATION, UNDECIDED
from govsim.sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = [
    "Deliberation",
    "bounded_confidence",
    "exchange_in_sequence",
    "random_pairs",
    "sequential_rounds",
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


def random_pairs(rng: np.random.Generator, n: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` independent, uniformly random pairs of two different people among ``n``."""
    a = rng.integers(0, n, count)
    b = rng.integers(0, n - 1, count)
    return a, b + (b >= a)  # uniform over the n - 1 others


def sequential_rounds(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Round of every pair of a sequence, so that rounds replay the sequence exactly.

    Rule: round(k) = 1 + the latest round of an earlier pair that shares a person with
    pair k (0 if none). Pairs of one round share nobody, and every pair comes after
    all earlier pairs it shares someone with, so applying the rounds in order, each at
    once, gives the same numbers as applying the pairs one by one in sequence order
    (pairs without a common person commute). Vectorised: each pass of the loop settles
    one more round, and a sequence of m pairs among n people has about 2m/n + few.
    """
    m = a.size
    if m == 0:
        return np.zeros(0, np.int64)
    person = np.concatenate([a, b])
    pair = np.concatenate([np.arange(m), np.arange(m)])
    order = np.lexsort((pair, person))
    repeat = person[order][1:] == person[order][:-1]
    earlier = np.full(2 * m, -1, np.int64)  # the previous pair of the same person
    earlier[order[1:][repeat]] = pair[order][:-1][repeat]
    before = np.stack([earlier[:m], earlier[m:]])
    has = before >= 0
    rounds = np.zeros(m, np.int64)
    while True:
        after = np.where(has, rounds[before] + 1, 0).max(axis=0)
        if np.array_equal(after, rounds):
            return rounds
        rounds = after


def exchange_in_sequence(
    opinion: np.ndarray, a: np.ndarray, b: np.ndarray, confidence: float, convergence: float
) -> None:
    """Apply the Deffuant update to the pairs (a[k], b[k]) one after another, in place.

    Exactly the sequential model (Deffuant et al. 2000: one random pair at a time),
    computed a round of disjoint pairs at a time (``sequential_rounds``).
    """
    # Chunks of at most n/2 pairs keep the rounds per chunk few (about 2 chunk / n + few).
    chunk = max(1, opinion.size // 2)
    for first in range(0, a.size, chunk):
        a_part, b_part = a[first : first + chunk], b[first : first + chunk]
        rounds = sequential_rounds(a_part, b_part)
        order = np.argsort(rounds, kind="stable")
        bounds = np.searchsorted(rounds[order], np.arange(rounds.max(initial=-1) + 2))
        for start, stop in itertools.pairwise(bounds.tolist()):
            chosen = order[start:stop]
            bounded_confidence(opinion, a_part[chosen], b_part[chosen], confidence, convergence)


class _Groups:
    """Items split by group (one stable sort for all groups): ``of(g)``, in their given order."""

    def __init__(self, items: np.ndarray, group: np.ndarray, groups: int) -> None:
        order = np.argsort(group, kind="stable")
        self.items = items[order]
        self.bounds = np.searchsorted(group[order], np.arange(groups + 1)).tolist()

    def of(self, g: int) -> np.ndarray:
        """The items of group g."""
        return self.items[self.bounds[g] : self.bounds[g + 1]]


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
        residents = model.population.residents
        communities = model.population.n_communities
        # Who could attend and what is on each agenda, found once for all communities: a
        # meeting changes only its own community's issues and attendees.
        participants = np.flatnonzero(residents.participating)
        present = _Groups(participants, residents.community[participants], communities)
        agendas = self._agendas(model, communities)
        attendees_all, decided_all = [], []
        for community in range(communities):
            self.meetings_scheduled += 1
            agenda = agendas.of(community)[: self.params.agenda_size]
            attendees, decided = self._meeting(model, present.of(community), agenda)
            attendees_all.append(attendees)
            if decided:
                decided_all.append(attendees)
        state.meeting_attendees = np.concatenate(attendees_all)
        residents.last_meeting[state.meeting_attendees] = model.week
        if decided_all:
            state.decided_at_meeting = np.concatenate(decided_all)

    def issue_opinions(
        self, model: GovernanceModel, attendees: np.ndarray, agenda: np.ndarray
    ) -> np.ndarray:
        """Each attendee's starting support for acting on each issue (issues x attendees)."""
        residents, book = model.population.residents, model.issues
        p = self.params
        affected = residents.block[attendees][None, :] == book.block[agenda][:, None]
        relative_cost = book.cost[agenda] / model.settings.issues.mean_cost
        start = residents.opinion[attendees][None, :] + np.where(
            affected, p.stake_support, -p.cost_aversion * relative_cost[:, None]
        )
        return np.clip(start, 0.0, 1.0)

    def _meeting(
        self, model: GovernanceModel, present: np.ndarray, agenda: np.ndarray
    ) -> tuple[np.ndarray, int]:
        """One community's meeting: attendance, exchange, consensus issue by issue.

        Returns the attendees and how many issues the meeting decided.
        """
        residents = model.population.residents
        p = self.params
        if agenda.size == 0:
            return np.zeros(0, np.int64), 0
        if present.size > p.meeting_size:
            present = model.rng.choice(present, p.meeting_size, replace=False)
        if present.size < 2:
            return np.zeros(0, np.int64), 0
        self.meetings_held += 1
        # Each round pairs the seats of one random permutation; the permutations of all
        # rounds are drawn in one call (the draws of one ``rng.permutation`` per round).
        seats = np.empty((p.rounds, present.size), np.int64)
        seats[:] = np.arange(present.size)
        model.rng.permuted(seats, axis=1, out=seats)
        opinions = self.issue_opinions(model, present, agenda)
        agreement = kernels.deliberate_agenda(
            opinions, seats, p.confidence, p.convergence, p.consensus_band
        )
        consensus = agreement >= p.majority
        decided = agenda[consensus]
        book = model.issues
        stakeholders = np.isin(book.block[decided], residents.block[present])
        legitimacy = agreement[consensus] * np.where(stakeholders, 1.0, p.absent_stake_legitimacy)
        book.decided[decided] = BY_DELIBERATION
        book.legitimacy[decided] = legitimacy
        counted = decided >= book.first_counted
        book.decided_by_deliberation += int(counted.sum())
        book.legitimacy_total += float(legitimacy[counted].sum())
        self.decisions += decided.size
        share = decided.size / agenda.size
        residents.efficacy[present] += p.efficacy_gain * share * (1.0 - residents.efficacy[present])
        return present, decided.size

    def _agendas(self, model: GovernanceModel, communities: int) -> _Groups:
        """Open issues awaiting a decision, oldest first, by community (agendas are the first)."""
        book = model.issues
        waiting = book.open_issues()
        waiting = waiting[book.needs_decision[waiting] & (book.decided[waiting] == UNDECIDED)]
        return _Groups(waiting, book.community[waiting], communities)

    def _informal_exchanges(self, model: GovernanceModel) -> None:
        """``pairs_per_step`` pairwise exchanges, one after another (Deffuant et al. 2000)."""
        residents = model.population.residents
        p = self.params
        if p.pairing == "random":
            a, b = random_pairs(model.rng, residents.opinion.size, p.pairs_per_step)
        else:
            a, b = self._tied_pairs(model, p.pairs_per_step)
        exchange_in_sequence(residents.opinion, a, b, p.confidence, p.convergence)

    def _tied_pairs(self, model: GovernanceModel, count: int) -> tuple[np.ndarray, np.ndarray]:
        """``count`` independent pairs of tied residents, each tie equally likely."""
        ties = model.population.resident_ties
        if ties.nnz == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        # Every tie is stored twice, (i, j) and (j, i): a uniform entry is a uniform tie.
        pick = model.rng.integers(0, ties.nnz, count)
        return model.ties.rows[pick], ties.indices[pick]
