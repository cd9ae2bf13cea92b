"""Issues: community public affairs (repairs, disputes, services) as model state.

Core objects: ``IssueBook`` (growable arrays, one entry per issue ever raised),
``arrive`` (schedule step 1), ``allocate_in_order`` (oldest-first allocation of a
group's resources), ``resolve`` (schedule step 7: resources, administrative
decisions, then escalation and the answers of the street and the district,
model/sim/linkage.py).

Life of an issue::

    OPEN --(resources >= cost, and decided if it needs a decision)--> RESOLVED
    OPEN --(age >= linkage.escalation_age)--> ESCALATED (to the street)
    ESCALATED --(street answers, answer_probability)--> RESOLVED (by the street)
    ESCALATED --(street does not; a district level exists)--> ESCALATED (to the district)
    ESCALATED --(district answers, district_answer_probability)--> RESOLVED (by the district)
    ESCALATED --(no one answers)--> UNANSWERED

Issues that need a collective decision are decided either by a deliberation
meeting (model/sim/mechanisms/deliberation.py) or administratively by the core, which
costs core capacity and carries less legitimacy (``issues.admin_legitimacy``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from govsim.sim import linkage
from govsim.sim.population import ENTERPRISE, KINDS, PARTY, RESIDENT, SOCIAL, STATIONED

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["IssueBook", "allocate_in_order", "arrive", "community_budget", "resolve"]

OPEN, RESOLVED, ESCALATED, UNANSWERED = range(4)
UNDECIDED, BY_DELIBERATION, BY_ADMINISTRATION = range(3)
BY_COMMUNITY, BY_STREET, BY_DISTRICT = range(3)

_COLUMNS = {
    "block": np.int32,
    "community": np.int32,
    "cost": np.float64,
    "remaining": np.float64,
    "arrived": np.int64,
    "needs_decision": bool,
    "decided": np.int8,
    "status": np.int8,
    "escalated_at": np.int64,
    "closed_at": np.int64,
    "resolved_by": np.int8,
    "level": np.int8,
    "taken_at": np.int64,
    "legitimacy": np.float64,
    "contributors": np.uint8,
}

#: Bit of each kind of subject in ``IssueBook.contributors`` (bit k: kind k of ``KINDS``).
KIND_BITS = np.array([1 << k for k in range(len(KINDS))], dtype=np.uint8)


@dataclass(eq=False)
class IssueBook:
    """Every issue ever raised, in arrival order, as growable arrays.

    ``active`` holds the indices of issues that are open or escalated, so a step
    only looks at live issues. Cumulative counters feed the metrics; they count the
    issues raised from ``first_counted`` on (the reported weeks: issues raised during
    the warm-up are resolved as any other, but not counted), so that a rate never
    mixes issues raised before the count started with issues raised after.
    Per issue, ``legitimacy`` (0..1) is that of the decision taken on it (1 for an
    issue that needs none) and ``contributors`` the kinds of subject whose resources
    it received (bits of ``KIND_BITS``).
    """

    capacity: int = 256
    size: int = 0
    active: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    arrived_total: int = 0
    resolved_total: int = 0
    resolved_above: int = 0
    passed_to_district: int = 0
    escalated_total: int = 0
    unanswered_total: int = 0
    decided_by_deliberation: int = 0
    decided_by_administration: int = 0
    time_to_resolve_total: float = 0.0
    legitimacy_total: float = 0.0
    timely_total: int = 0
    coproduced_total: int = 0
    resident_involved_total: int = 0
    first_counted: int = 0

    def __post_init__(self) -> None:
        for name, dtype in _COLUMNS.items():
            setattr(self, name, np.zeros(self.capacity, dtype=dtype))

    def _grow(self, needed: int) -> None:
        new_capacity = max(self.capacity * 2, needed)
        for name in _COLUMNS:
            old = getattr(self, name)
            grown = np.zeros(new_capacity, dtype=old.dtype)
            grown[: self.size] = old[: self.size]
            setattr(self, name, grown)
        self.capacity = new_capacity

    def add(
        self,
        block: np.ndarray,
        community: np.ndarray,
        cost: np.ndarray,
        needs_decision: np.ndarray,
        step: int,
    ) -> np.ndarray:
        """Append new open issues; returns their indices."""
        count = block.size
        if self.size + count > self.capacity:
            self._grow(self.size + count)
        index = np.arange(self.size, self.size + count)
        self.block[index] = block
        self.community[index] = community
        self.cost[index] = cost
        self.remaining[index] = cost
        self.arrived[index] = step
        self.needs_decision[index] = needs_decision
        self.decided[index] = UNDECIDED
        self.status[index] = OPEN
        self.escalated_at[index] = -1
        self.closed_at[index] = -1
        self.legitimacy[index] = 1.0
        self.contributors[index] = 0
        self.size += count
        self.arrived_total += count  # new issues are always counted (see ``first_counted``)
        self.active = np.concatenate([self.active, index])
        return index

    def open_issues(self) -> np.ndarray:
        """Indices of open (not escalated) issues, oldest first."""
        return self.active[self.status[self.active] == OPEN]

    def counted(self, issues: np.ndarray) -> np.ndarray:
        """The issues among ``issues`` that the counters count (raised from ``first_counted``)."""
        return issues[issues >= self.first_counted]

    def start_counting(self) -> None:
        """Count from the next issue raised on: every counter back to zero (end of warm-up)."""
        self.first_counted = self.size
        for name in (
            "arrived_total", "resolved_total", "resolved_above", "passed_to_district",
            "escalated_total", "unanswered_total", "decided_by_deliberation",
            "decided_by_administration", "timely_total", "coproduced_total",
            "resident_involved_total",
        ):  # fmt: skip
            setattr(self, name, 0)
        self.time_to_resolve_total = 0.0
        self.legitimacy_total = 0.0

    def prune(self) -> None:
        """Forget closed issues in ``active``."""
        status = self.status[self.active]
        self.active = self.active[(status == OPEN) | (status == ESCALATED)]


@dataclass
class StepLedger:
    """What happened to issues in the current step (read by wellbeing and metrics)."""

    resolved: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    unanswered: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    applied_by_kind: np.ndarray = field(default_factory=lambda: np.zeros(len(KINDS)))
    applied_by_community: np.ndarray = field(default_factory=lambda: np.zeros((1, len(KINDS))))


def arrive(model: GovernanceModel) -> np.ndarray:
    """Schedule step 1: new issues arrive.

    Rule: the number of new issues in a community is Poisson(rate * residents / 1000);
    each falls in a block chosen with probability proportional to its households,
    costs Gamma(shape, mean / shape) resources, and needs a collective decision with
    probability ``decision_share``.
    """
    spec = model.settings.issues
    population = model.population
    expected = spec.rate * population.community_residents / 1000.0
    counts = model.rng.poisson(expected)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # A random resident of the community marks the block: blocks weighted by households.
    community = np.repeat(np.arange(counts.size, dtype=np.int32), counts)
    start = np.concatenate([[0], np.cumsum(population.community_residents)[:-1]])
    resident = start[community] + (
        model.rng.random(total) * population.community_residents[community]
    ).astype(np.int64)
    block = population.residents.block[resident]
    cost = model.rng.gamma(spec.cost_shape, spec.mean_cost / spec.cost_shape, total)
    needs_decision = model.rng.random(total) < spec.decision_share
    return model.issues.add(block, community, cost, needs_decision, model.week)


def allocate_in_order(group: np.ndarray, need: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """Give each item what its group's supply still covers, items taken in the given order.

    Rule: within a group, items are served in order; item k receives
    ``clip(supply[g] - sum of needs before k in g, 0, need[k])``.

    Args:
        group: group index of each item (items already in serving order within a group).
        need: what each item still needs.
        supply: what each group can give.

    Returns:
        The amount each item receives.
    """
    if need.size == 0:
        return np.zeros(0)
    order = np.argsort(group, kind="stable")
    g, n = group[order], need[order]
    cumulative = np.cumsum(n)
    first = np.concatenate([[True], g[1:] != g[:-1]])
    start_index = np.maximum.accumulate(np.where(first, np.arange(g.size), 0))
    before = cumulative - n - (cumulative[start_index] - n[start_index])
    given = np.clip(supply[g] - before, 0.0, n)
    out = np.empty_like(given)
    out[order] = given
    return out


def _rank_in_group(group: np.ndarray) -> np.ndarray:
    """Position of each item among the items of its group (in the given order)."""
    order = np.argsort(group, kind="stable")
    g = group[order]
    first = np.concatenate([[True], g[1:] != g[:-1]]) if g.size else np.zeros(0, bool)
    start_index = np.maximum.accumulate(np.where(first, np.arange(g.size), 0))
    rank = np.empty(group.size, dtype=np.int64)
    rank[order] = np.arange(g.size) - start_index
    return rank


def _decide_administratively(model: GovernanceModel, deliberation_on: bool) -> None:
    """Undecided issues are decided by the core, as far as its capacity goes.

    With deliberation on, the core waits ``admin_decision_wait`` weeks for a meeting first.
    """
    book, spec = model.issues, model.settings.issues
    candidates = book.open_issues()
    candidates = candidates[
        book.needs_decision[candidates] & (book.decided[candidates] == UNDECIDED)
    ]
    if deliberation_on:
        age = model.week - book.arrived[candidates]
        candidates = candidates[age >= spec.admin_decision_wait]
    if candidates.size == 0:
        return
    cores = model.population.cores
    if spec.admin_decision_cost > 0:
        allowed = np.floor(cores.capacity_left / spec.admin_decision_cost).astype(np.int64)
    else:
        allowed = np.full(cores.capacity_left.size, np.iinfo(np.int64).max)
    community = book.community[candidates]
    chosen = candidates[_rank_in_group(community) < allowed[community]]
    book.decided[chosen] = BY_ADMINISTRATION
    book.legitimacy[chosen] = spec.admin_legitimacy
    counted = book.counted(chosen).size
    book.decided_by_administration += counted
    book.legitimacy_total += spec.admin_legitimacy * counted
    np.subtract.at(cores.capacity_left, book.community[chosen], spec.admin_decision_cost)


def _local_supply(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray]:
    """Resources usable only in a block this week, by block and by source kind.

    Participating residents give ``volunteer_effort`` to their own block; a unit's
    unpooled contribution serves its home block.
    """
    population = model.population
    residents, units = population.residents, population.units
    n_blocks = population.n_blocks
    by_kind = np.zeros((n_blocks, len(KINDS)))
    effort = model.settings.population.volunteer_effort
    by_kind[:, RESIDENT] = effort * np.bincount(
        residents.block, weights=residents.participating, minlength=n_blocks
    )
    local = units.contribution - model.step_state.pooled
    for kind in (STATIONED, ENTERPRISE, SOCIAL):
        mask = units.kind == kind
        by_kind[:, kind] = np.bincount(units.block[mask], weights=local[mask], minlength=n_blocks)
    return by_kind.sum(axis=1), by_kind


def community_budget(model: GovernanceModel) -> np.ndarray:
    """The budget each core can spend this week.

    Rule: budget_c = ``frictions.budget`` + ``frictions.dues`` x member households of c
    (dues-funded associations; no dues by default).
    """
    frictions = model.settings.frictions
    population = model.population
    budget = np.full(population.n_communities, frictions.budget)
    if frictions.dues:
        residents = population.residents
        members = np.bincount(residents.community, weights=residents.member, minlength=budget.size)
        budget += frictions.dues * members
    return budget


def _community_supply(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray]:
    """Resources the core can route anywhere in its community: budget and the pool.

    The pool (the joint committee's members' pooled share, and the chair's extra)
    goes no further than it is: what routing buys is that it reaches the neediest
    issues of the whole community instead of only its units' home blocks.
    """
    population = model.population
    communities = population.n_communities
    by_kind = np.zeros((communities, len(KINDS)))
    by_kind[:, PARTY] = community_budget(model)
    units = population.units
    state = model.step_state
    for kind in (STATIONED, ENTERPRISE, SOCIAL):
        mask = units.kind == kind
        by_kind[:, kind] = np.bincount(
            units.community[mask], weights=state.pooled[mask], minlength=communities
        )
    return by_kind.sum(axis=1), by_kind


def _apply(
    book: IssueBook,
    targets: np.ndarray,
    group: np.ndarray,
    supply: tuple[np.ndarray, np.ndarray],
    ledger: StepLedger,
) -> np.ndarray:
    """Allocate a group supply (total, by kind) to ``targets``; book what was used, by kind.

    Returns what each target received.
    """
    supply, supply_by_kind = supply
    given = allocate_in_order(group, book.remaining[targets], supply)
    book.remaining[targets] -= given
    # Every kind with something in the group's supply gave to each issue that received.
    kinds = ((supply_by_kind > 0) * KIND_BITS).sum(axis=1).astype(np.uint8)
    receiving = given > 0
    book.contributors[targets[receiving]] |= kinds[group[receiving]]
    used = np.bincount(group, weights=given, minlength=supply.size).astype(np.float64)
    share = np.divide(used, supply, out=np.zeros_like(used), where=supply > 0)
    ledger.applied_by_kind += (supply_by_kind * share[:, None]).sum(axis=0)
    communities = ledger.applied_by_community.shape[0]
    if communities > 1:  # several communities: keep them apart, kind by kind
        # What an issue received came from its group's supply in the supply's proportions.
        mix = np.divide(
            supply_by_kind, supply[:, None], out=np.zeros_like(supply_by_kind),
            where=supply[:, None] > 0,
        )[group]  # fmt: skip
        place = book.community[targets]
        for kind in range(len(KINDS)):
            ledger.applied_by_community[:, kind] += np.bincount(
                place, weights=given * mix[:, kind], minlength=communities
            )
    return given


def resolve(model: GovernanceModel) -> StepLedger:
    """Schedule step 7: issues are resolved, decided or escalated.

    Rules, in order:

    1. Undecided issues that need a decision are decided administratively, as far as
       the core's remaining capacity allows (``admin_decision_cost`` each).
    2. Block resources (volunteers, units' unpooled contributions) go to the open,
       decided issues of their block, oldest first (``allocate_in_order``).
    3. Community resources (budget, the joint committee's pool and the chair's extra)
       go to the oldest open, decided issues of the community still in need, but only
       to as many as the core can handle (``capacity_left / handling_cost``); handling
       costs the core capacity for each issue that received something.
    4. Issues whose remaining cost reaches zero are resolved in the community.
    5. Open issues older than ``linkage.escalation_age`` are escalated; escalated issues
       are answered after ``response_delay`` weeks with ``answer_probability``.

    Unused resources are not carried over (they are effort, not money in a bank).
    """
    book = model.issues
    ledger = StepLedger(applied_by_community=np.zeros((model.population.n_communities, len(KINDS))))
    meetings = model.settings.mechanisms.deliberation
    _decide_administratively(
        model, model.settings.enabled("deliberation") and meetings.interval > 0
    )
    candidates = book.open_issues()
    ready = candidates[~book.needs_decision[candidates] | (book.decided[candidates] > UNDECIDED)]
    _apply(book, ready, book.block[ready], _local_supply(model), ledger)
    cores = model.population.cores
    handling = model.settings.issues.handling_cost
    ready = ready[book.remaining[ready] > 1e-9]
    community = book.community[ready]
    if handling > 0:
        can_handle = np.floor(np.maximum(cores.capacity_left, 0) / handling).astype(np.int64)
        routed = ready[_rank_in_group(community) < can_handle[community]]
    else:
        routed = ready
    given = _apply(book, routed, book.community[routed], _community_supply(model), ledger)
    handled = routed[given > 0]
    np.subtract.at(cores.capacity_left, book.community[handled], handling)
    done = ready[book.remaining[ready] <= 1e-9]
    done = np.union1d(done, candidates[book.remaining[candidates] <= 1e-9])
    done = done[book.status[done] == OPEN]
    done = done[~book.needs_decision[done] | (book.decided[done] > UNDECIDED)]
    book.status[done] = RESOLVED
    book.resolved_by[done] = BY_COMMUNITY
    book.closed_at[done] = model.week
    ledger.resolved = done
    linkage.escalate(model)
    linkage.answer(model, ledger)
    _count_resolved(book, book.counted(ledger.resolved), model.week, model.settings.issues)
    book.prune()
    return ledger


def _count_resolved(book: IssueBook, resolved: np.ndarray, week: int, spec: Any) -> None:
    """Add this week's counted resolutions to the counters the metrics read."""
    waited = week - book.arrived[resolved]
    kinds = np.bitwise_count(book.contributors[resolved])
    book.resolved_total += resolved.size
    book.time_to_resolve_total += float(waited.sum())
    book.timely_total += int(np.count_nonzero(waited <= spec.patience))
    book.coproduced_total += int(np.count_nonzero(kinds >= 2))
    book.resident_involved_total += int(
        np.count_nonzero(book.contributors[resolved] & KIND_BITS[RESIDENT])
    )
