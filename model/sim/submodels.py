"""Submodels that run every week whatever the scenario (the base community process).

Core objects: ``StepState`` (scratch values of the current week, shared by the
submodels, the mechanisms and the decision rule) and one function per base
submodel, each named after its place in the schedule (docs/ODD.md, section 3):

2. ``administer``: administrative tasks take their share of the core's capacity;
3. ``mobilise``: the core and social organisations reach residents through ties;
5. ``contribute``: units decide what to contribute;
8. ``drift_commitment``: free-riding erodes unit commitment;
9. ``update_ties``: ties are reinforced or decay, weak ties are dropped;
10. ``update_wellbeing``: satisfaction, trust and efficacy update.

The five innovations (model/sim/mechanisms/) hook into these steps; the decision rule
(model/sim/decision/) is step 4; issues (model/sim/issues.py) are steps 1 and 7.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from govsim.sim import kernels
from govsim.sim.issues import BY_COMMUNITY, StepLedger
from govsim.sim.network import neighbourhood_pairs
from govsim.sim.population import UNIT_KINDS

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = [
    "StepState",
    "administer",
    "base_unit_reach",
    "block_stakes",
    "co_participant_share",
    "contribute",
    "drift_commitment",
    "form_everyday_ties",
    "mobilise",
    "neighbour_share",
    "to_residents",
    "update_membership",
    "update_ties",
    "update_wellbeing",
    "with_room_for_ties",
]


@dataclass(eq=False)
class StepState:
    """Values computed during one week and read later in the same week.

    Attributes:
        free_share: per community, share of core capacity free of administrative tasks.
        unit_reach: per unit, probability of reaching each tied resident this week.
        core_reach: per community, probability of reaching each tied party member.
        core_outreach: per community, probability of reaching any other resident.
        neighbour_share: per resident, tie-weighted share of neighbours who took part
            last week.
        incentive: per resident, the expected reward (yuan) of this week's points.
        disposition_factor: per resident, multiplier of the disposition term (crowding).
        stake: per block, whether an issue of the block is unresolved (open or escalated).
        pooled: per unit, the part of its contribution the core routes (the joint
            committee's pool, the chair's extra).
        activity_attendees: residents who attended this week's joint activity.
        meeting_attendees: residents who attended a deliberation meeting this week.
        decided_at_meeting: residents whose meeting decided at least one issue this week.
        ledger: what happened to issues this week (from ``issues.resolve``).
    """

    free_share: np.ndarray
    unit_reach: np.ndarray
    core_reach: np.ndarray
    core_outreach: np.ndarray
    neighbour_share: np.ndarray
    incentive: np.ndarray
    disposition_factor: np.ndarray
    pooled: np.ndarray
    stake: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    activity_attendees: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    meeting_attendees: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    decided_at_meeting: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ledger: StepLedger = field(default_factory=StepLedger)
    recent_components: tuple[int, np.ndarray] | None = None

    @classmethod
    def empty(cls, residents: int, units: int, communities: int) -> StepState:
        """A fresh state for one week."""
        return cls(
            free_share=np.zeros(communities),
            unit_reach=np.zeros(units),
            core_reach=np.zeros(communities),
            core_outreach=np.zeros(communities),
            neighbour_share=np.zeros(residents),
            incentive=np.zeros(residents),
            disposition_factor=np.ones(residents),
            pooled=np.zeros(units),
        )


def neighbour_share(model: GovernanceModel, participated: np.ndarray) -> np.ndarray:
    """Tie-weighted share of each resident's neighbours in ``participated``.

    Rule: n_i = sum_j w_ij a_j / sum_j w_ij (0 for residents without ties): one pass
    over the ties (``TieEditor.member_sums``, the mat-vec W a); the sums over last week's
    participants were taken in last week's tie update, when ties have not changed since.
    """
    return kernels.shares(model.ties.member_sums(participated), model.ties.strength)


def to_residents(ties: sp.csr_matrix, per_source: np.ndarray) -> np.ndarray:
    """For each resident, the sum of ``per_source`` over the sources tied to it: T^T x.

    ``ties`` is a (sources x residents) tie matrix. The terms are added in the matrix's
    storage order, so the sums equal scipy's ``ties.T @ per_source`` bit for bit,
    without building the transposed matrix object at every call.
    """
    sources = np.repeat(np.arange(ties.shape[0]), np.diff(ties.indptr))
    return np.bincount(
        ties.indices, weights=ties.data * per_source[sources], minlength=ties.shape[1]
    ).astype(np.float64, copy=False)


def administer(model: GovernanceModel) -> None:
    """Step 2: top-down administrative tasks take their share of the core's capacity.

    Rule: capacity_c <- capacity_c (1 - capacity_drift) (ageing boards; no drift by
    default); free_c = capacity_c * (1 - admin_burden); the share free,
    free_c / capacity_0 (capacity_0: ``population.core.capacity``), scales how hard the
    core can mobilise; ``capacity_left`` is what remains this week for handling issues
    and administrative decisions.
    """
    cores = model.population.cores
    core = model.settings.population.core
    drift = model.settings.frictions.capacity_drift
    if drift:
        cores.capacity *= 1.0 - drift
    cores.free_capacity[:] = cores.capacity * (1.0 - cores.admin_share)
    cores.capacity_left[:] = cores.free_capacity
    state = model.step_state
    if core.capacity > 0:
        state.free_share[:] = cores.free_capacity / core.capacity
    else:
        state.free_share[:] = 0.0
    state.core_reach[:] = core.reach * state.free_share
    state.core_outreach[:] = core.outreach * state.free_share


def mobilise(model: GovernanceModel) -> None:
    """Step 3: residents are reached (asked to take part) through their ties.

    Rule: each source s reaches each resident tied to it independently with
    probability p_s, so a resident is mobilised with probability
    1 - prod_s (1 - p_s) = 1 - exp(sum_s log(1 - p_s)): one sparse mat-vec per kind of
    source. Sources: the core (p = reach * free share) to party members, and
    (p = outreach * free share) to everyone in its community; every unit with
    ``unit_reach`` (social organisations: commitment * reach of its kind, plus what the
    joint committee and the chair add, see the mechanisms).
    """
    population = model.population
    state = model.step_state
    residents = population.residents
    core, unit = population.core_ties, population.unit_ties
    log_miss = kernels.log_miss(
        residents.community,
        np.log1p(-np.minimum(state.core_outreach, 1 - 1e-12)),
        (core.indptr, core.indices, core.data, np.log1p(-np.minimum(state.core_reach, 1 - 1e-12))),
        (unit.indptr, unit.indices, unit.data, np.log1p(-np.minimum(state.unit_reach, 1 - 1e-12))),
    )  # outreach[c_i] + sum over tied cores + sum over tied units, as to_residents sums
    draws = model.rng.random(residents.mobilised.size)
    kernels.reached(draws, np.exp(log_miss), residents.mobilised)  # draw < 1 - exp(log_miss)
    # Contact with the community's organisations: asked (mobilised, or invited) this week.
    residents.last_asked[residents.mobilised | residents.invited] = model.week


def base_unit_reach(model: GovernanceModel) -> np.ndarray:
    """Weekly reach of each unit on its own (social organisations mobilise their members).

    Rule: p_u = commitment_u * reach of the unit's kind (``population.units.<kind>.reach``).
    """
    units = model.population.units
    specs = model.settings.population.units
    reach = np.array([getattr(specs, name).reach for name in UNIT_KINDS])
    return units.commitment * reach[units.kind - 1]


def contribute(model: GovernanceModel) -> None:
    """Step 5: units decide what to contribute.

    Rule: contribution_u = resources_u * commitment_u (resource units per week). The
    joint committee pools part of it, the chair adds more (see the mechanisms).
    """
    units = model.population.units
    units.contribution[:] = units.resources * units.commitment
    model.step_state.pooled[:] = 0.0


def drift_commitment(model: GovernanceModel) -> None:
    """Step 8 (base): free-riding erodes commitment toward a floor, every week.

    Rule: c <- c - drift (c - floor c_0), c_0 the unit's initial commitment. Free-riding
    (Olson 1965: the logic of collective action) pulls every unit toward the part of
    its commitment it keeps whatever happens (its statutory duties, ``commitment_floor``
    of c_0): the counter-force that keeps commitment from decaying to nothing in long
    runs. Rotation and assessment push back up (both assumptions, docs/ODD.md).
    """
    units = model.population.units
    spec = model.settings.dynamics
    floor = spec.commitment_floor * units.commitment_baseline
    units.commitment -= spec.commitment_drift * (units.commitment - floor)
    units.contribution_period += units.contribution


def update_ties(model: GovernanceModel) -> None:
    """Step 9 (base): ties between residents who took part together strengthen, others decay.

    Rule, per tie (i, j) of strength w: if both took part this week,
    w <- w + reinforcement * (1 - w); otherwise w <- w * (1 - decay). Ties weaker than
    ``floor`` are dropped from the matrix, the graph and the Mesa space at once.
    """
    spec = model.settings.network.ties
    ties = model.population.resident_ties
    taking_part = model.population.residents.participating
    strength, together, weakest = kernels.reinforce_and_decay(
        ties.indptr, ties.indices, ties.data, taking_part, spec.reinforcement, 1 - spec.decay
    )
    model.ties.strengths_changed(strength, (taking_part, together))
    if weakest < spec.floor:
        model.ties.drop_weak_resident_ties(spec.floor)
    if spec.formation > 0:
        form_everyday_ties(model)


def form_everyday_ties(model: GovernanceModel) -> int:
    """Step 9 (base): residents start new everyday ties, replacing those that decayed away.

    Rule: Poisson(``formation`` x residents) new pairs a week, drawn as the initial ties
    are (``network.neighbourhood_pairs``: ``within_block_share`` in the block, the rest
    mostly in the community), each of strength ``cohesion.initial_tie_weight``; pairs
    already tied stay as they are. The counter-force to tie decay: with the default
    rates the network keeps its initial mean degree when nobody takes part. Only pairs
    with room for a tie form one (``with_room_for_ties``).
    """
    net = model.settings.network
    residents = model.population.residents
    total = int(model.rng.poisson(net.ties.formation * residents.block.size))
    within = int(model.rng.binomial(total, net.within_block_share))
    a, b = neighbourhood_pairs(net, residents, model.rng, (within, total - within))
    a, b = with_room_for_ties(model, a, b)
    return model.ties.add_resident_ties(a, b, model.settings.frictions.cohesion.initial_tie_weight)


def with_room_for_ties(
    model: GovernanceModel, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (a[k], b[k]) whose two residents both have fewer ties than ``capacity``.

    Rule: a resident keeps up at most ``network.ties.capacity`` resident ties; one at
    capacity (counted before this batch) starts no new tie. The counter-force that keeps
    the ties of habitual participants, which co-participation keeps from decaying, from
    growing without bound.
    """
    degree = np.diff(model.population.resident_ties.indptr)
    capacity = model.settings.network.ties.capacity
    room = (degree[a] < capacity) & (degree[b] < capacity)
    return a[room], b[room]


def co_participant_share(model: GovernanceModel, taking_part: np.ndarray) -> np.ndarray:
    """For each resident taking part, the tie-weighted share of neighbours also taking part.

    Rule: a_i n_i = a_i sum_j w_ij a_j / sum_j w_ij (0 for residents not taking part or
    without ties); the same numbers as ``taking_part * neighbour_share(model,
    taking_part)``. The sums were taken in this week's tie update (``update_ties``)
    unless ties have changed since.
    """
    share = neighbour_share(model, taking_part)
    return np.where(taking_part, share, 0.0)


def _block_events(model: GovernanceModel, ledger: StepLedger) -> tuple[np.ndarray, np.ndarray]:
    """Per block: legitimacy-weighted resolutions, and overdue or unanswered issues."""
    book = model.issues
    n_blocks = model.population.n_blocks
    spec = model.settings.issues
    resolved = ledger.resolved
    # The decision's legitimacy (1 for an issue that needed none); an issue the street
    # or the district resolved carries at most the administrative legitimacy.
    legitimacy = book.legitimacy[resolved].copy()
    above = book.resolved_by[resolved] != BY_COMMUNITY
    legitimacy[above] = np.minimum(legitimacy[above], spec.admin_legitimacy)
    gains = np.bincount(book.block[resolved], weights=legitimacy, minlength=n_blocks)
    # Escalated issues are still unresolved for the residents waiting on them.
    live = book.active
    overdue = live[model.week - book.arrived[live] >= spec.patience]
    losses = np.bincount(book.block[overdue], minlength=n_blocks).astype(np.float64)
    # An unanswered escalation hurts as much as `patience` more weeks of waiting.
    losses += spec.patience * np.bincount(book.block[ledger.unanswered], minlength=n_blocks)
    return gains, losses


def update_wellbeing(model: GovernanceModel) -> None:
    """Step 10: satisfaction, trust and efficacy update.

    Rules, for resident i in block b (g_b: legitimacy-weighted issues resolved in b this
    week; o_b: overdue open issues in b plus ``patience`` per unanswered escalation):

    - satisfaction: s <- 1 - (1 - s)(1 - gain)^g_b, then s <- s (1 - loss)^o_b, then
      s <- s + adaptation (s_0 - s): expectations adapt, so only sustained performance
      keeps satisfaction up;
    - trust: t <- t + trust_rate (p s + (1 - p) t_0 - t) + social_trust_gain * a_i * n_i
      * (1 - t), a_i taking part, n_i the share of neighbours who took part (Putnam 2000):
      trust follows performance (satisfaction) for the share p =
      ``trust_performance_share`` and the resident's generalised trust t_0 (its initial
      trust, the community's cohesion) for the rest, so weak cohesion is a lasting
      condition, not a transient the warm-up forgets;
    - efficacy: e <- e + efficacy_gain * a_i * [g_b > 0] (1 - e), then relaxes toward
      its initial value at ``efficacy_decay`` (meetings that decide add more, see
      model/sim/mechanisms/deliberation.py).
    """
    spec = model.settings.dynamics
    residents = model.population.residents
    gains, losses = _block_events(model, model.step_state.ledger)
    taking_part = residents.participating
    # Powers per block (numpy's), then one pass over residents (kernels.update_wellbeing,
    # which evaluates each rule in the order the vectorised expressions did).
    kernels.update_wellbeing(
        (
            residents.satisfaction,
            residents.trust,
            residents.efficacy,
            residents.satisfaction_baseline,
            residents.efficacy_baseline,
            residents.trust_baseline,
        ),
        residents.block,
        taking_part,
        (
            (1.0 - spec.satisfaction_gain) ** gains,
            (1.0 - spec.satisfaction_loss) ** losses,
            gains > 0,
        ),
        (model.ties.member_sums(taking_part), model.ties.strength),
        (
            spec.satisfaction_adaptation,
            spec.trust_rate,
            spec.social_trust_gain,
            spec.efficacy_gain,
            spec.efficacy_decay,
            spec.trust_performance_share,
        ),
    )


def block_stakes(model: GovernanceModel) -> np.ndarray:
    """Per block, whether one of its issues is overdue: unresolved ``patience`` weeks or more.

    The residents of such a block have a grievance, a stake in taking part (the ``stake``
    term of the participation utility): what they sense of the issues around them.
    """
    book = model.issues
    live = book.active
    overdue = live[model.week - book.arrived[live] >= model.settings.issues.patience]
    return np.bincount(book.block[overdue], minlength=model.population.n_blocks) > 0


def update_membership(model: GovernanceModel) -> None:
    """Step 10 (end): households join or leave their community's association.

    Rule: a member leaves with weekly probability ``membership_leave``, a non-member
    joins with ``membership_join`` (both 0 by default: every household a member for
    good, as in Chinese residents' committees). Only members take part (step 4).
    """
    spec = model.settings.dynamics
    if not (spec.membership_leave or spec.membership_join):
        return
    member = model.population.residents.member
    draw = model.rng.random(member.size)
    member[:] = np.where(member, draw >= spec.membership_leave, draw < spec.membership_join)
