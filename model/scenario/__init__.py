"""Scenario: every parameter of a govsim run, typed, validated and frozen.

Core objects: ``Scenario`` (the pydantic model of a scenario file), ``ScenarioError``
(the one error every bad input becomes), ``load_scenario`` (YAML with ``extends``).

A scenario is plain data. ``Scenario()`` with no arguments is the full
"one core, multiple subjects" configuration of Xingning District: all five
innovations on, with illustrative (not calibrated) defaults. Every default lives
here and nowhere else; docs/ODD.md lists them with their sources.

Vocabulary (EMA Workbench): mechanisms are *levers* (policy choices), frictions
and population are *uncertainties* (conditions), metrics are *outcomes*.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "COMPARATIVE_MECHANISM_NAMES",
    "MECHANISM_NAMES",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_json_schema",
    "scenario_reference",
]

MECHANISM_NAMES = (
    "joint_committee",
    "interconnection",
    "deliberation",
    "rotation",
    "integral_scoring",
)
#: Mechanisms that are not innovations of the thesis, for comparative presets.
COMPARATIVE_MECHANISM_NAMES = ("household_duty",)

Share = Annotated[float, Field(ge=0.0, le=1.0)]
#: Amounts (resources, capacities, rates, points): finite, and bounded far above any
#: plausible community so that a typo (1e12) is an error, not an out-of-memory crash.
NonNegative = Annotated[float, Field(ge=0.0, le=1_000_000.0)]


class ScenarioError(ValueError):
    """A scenario (file, document, override) that cannot be used, with a readable message.

    The message is one paragraph: where (file, line, dotted field path), the bad
    value, and what is allowed. The CLI prints it and exits with code 2.
    """

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}" if source else message)


class Section(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are frozen."""

    # allow_inf_nan=False: inf and nan are never meaningful parameter values. strict:
    # `steps: true` or `steps: "10"` is a typo to report, not a value to coerce (an
    # integer still passes where a number is asked for).
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False, strict=True
    )


# --------------------------------------------------------------------------- population


class UnitKind(Section):
    """One kind of co-construction unit (stationed unit, enterprise, social organisation)."""

    count: int = Field(ge=0, le=100_000, description="Units of this kind per community.")
    resources: NonNegative = Field(
        description="Resources a unit could put into community affairs per week at full "
        "commitment (resource units; 1 unit ~ one volunteer-day or its cost)."
    )
    commitment: Share = Field(
        description="Mean initial commitment (0..1): share of its "
        "resources a unit actually contributes."
    )
    branch_share: Share = Field(
        description="Share of these units that have a party branch "
        "(and so can join the joint party committee)."
    )
    ties: float = Field(
        ge=0.0,
        le=100_000.0,
        description="Mean number of residents tied to one unit (employees, members, clients).",
    )
    reach: Share = Field(
        0.0,
        description="Weekly probability that the unit, at full commitment, reaches a "
        "resident tied to it on its own (social organisations mobilise their members).",
    )


def _stationed() -> UnitKind:
    return UnitKind(count=7, resources=4.0, commitment=0.45, branch_share=0.9, ties=30)


def _enterprise() -> UnitKind:
    return UnitKind(count=6, resources=5.0, commitment=0.3, branch_share=0.35, ties=20)


def _social() -> UnitKind:
    return UnitKind(count=4, resources=2.0, commitment=0.6, branch_share=0.5, ties=40, reach=0.3)


class Units(Section):
    """The co-construction units of each community, by kind."""

    stationed_unit: UnitKind = Field(
        default_factory=_stationed,
        description="Stationed organs and public institutions (police station, school, clinic).",
    )
    enterprise: UnitKind = Field(default_factory=_enterprise, description="Enterprises.")
    social_organisation: UnitKind = Field(
        default_factory=_social, description="Social organisations (volunteer groups, NGOs)."
    )


class Core(Section):
    """The community party organisation (the core): one per community."""

    capacity: NonNegative = Field(
        40.0, description="Staff capacity per week (capacity units, ~ staff half-days)."
    )
    reach: Share = Field(
        0.35,
        description="Weekly probability that the core, with all its capacity free, reaches "
        "a resident it is tied to (a party member).",
    )
    outreach: Share = Field(
        0.04,
        description="Weekly probability that the core, with all its capacity free, reaches "
        "any other resident (door-to-door, notices).",
    )


class Traits(Section):
    """Distributions of resident traits (Beta with the given mean and `heterogeneity`)."""

    disposition_mean: Share = Field(0.35, description="Mean civic disposition (0..1).")
    availability_mean: Share = Field(
        0.45, description="Mean share of time available (0..1) in working-age households."
    )
    retired_availability_mean: Share = Field(
        0.8, description="Mean share of time available (0..1) in retired households."
    )
    efficacy_mean: Share = Field(0.3, description="Mean initial political efficacy (0..1).")
    satisfaction_mean: Share = Field(0.5, description="Mean initial satisfaction (0..1).")
    opinion_low: Share = Field(0.0, description="Initial opinions are uniform on [low, high].")
    opinion_high: Share = Field(1.0, description="Initial opinions are uniform on [low, high].")
    heterogeneity: float = Field(
        3.0,
        gt=0.0,
        le=1000.0,
        description="Beta concentration a+b: larger means residents are more alike.",
    )
    party_disposition_bonus: Share = Field(
        0.15, description="Added to the disposition of party members (capped at 1)."
    )

    @model_validator(mode="after")
    def _opinion_range(self) -> Traits:
        if self.opinion_low > self.opinion_high:
            raise ValueError("opinion_low must not exceed opinion_high")
        return self


class Population(Section):
    """Who lives in the community and which organisations serve it."""

    residents: int = Field(
        2000,
        ge=2,
        le=5_000_000,
        description="Resident households (agents) in the whole scenario, split evenly over "
        "communities.",
    )
    communities: int = Field(
        1, ge=1, le=10_000, description="Communities, each with its own core and units."
    )
    streets: int = Field(
        1,
        ge=1,
        le=10_000,
        description="Streets (subdistricts) of the district; communities are split evenly "
        "over them, in order. Escalated issues go to their community's street.",
    )
    block_size: int = Field(
        50, ge=1, le=100_000, description="Households per block (building or compound)."
    )
    party_member_share: Share = Field(
        0.1, description="Share of households with a party member (tied to the core)."
    )
    retired_share: Share = Field(
        0.3,
        description="Share of households whose members are retired (the rest are of working "
        "age): the age group that carries observed community participation.",
    )
    volunteer_effort: NonNegative = Field(
        0.1, description="Resources one participating resident contributes per week."
    )
    membership_share: Share = Field(
        1.0,
        description="Share of households that are members of the community's association "
        "at the start; only members take part (1: every household, as in Chinese "
        "residents' committees; Japan's chonaikai sign-up was 71.7% in FY2020).",
    )
    traits: Traits = Field(default_factory=Traits)
    core: Core = Field(default_factory=Core)
    units: Units = Field(default_factory=Units)


# --------------------------------------------------------------------------- network


class TieDynamics(Section):
    """How ties change every week (always on; see docs/ODD.md, submodel 'ties')."""

    reinforcement: Share = Field(
        0.05, description="Co-participation: w <- w + reinforcement * (1 - w) when both took part."
    )
    decay: Share = Field(0.02, description="Unused ties: w <- w * (1 - decay) per week.")
    floor: Share = Field(0.05, description="Ties weaker than this are dropped.")
    capacity: int = Field(
        12,
        ge=0,
        le=100_000,
        description="Most resident ties a resident keeps up: residents at capacity start no "
        "new ties (everyday or at activities) until some decay away (limited time for "
        "ties; Dunbar 1992).",
    )
    formation: Share = Field(
        0.0338,
        description="New everyday ties a resident starts per week (Poisson; with a neighbour "
        "of its block or community, as the initial ties): they replace the ties that decay "
        "away, so a network without activities keeps its size (default: mean_degree / (2 x "
        "the weeks an unused tie takes to decay from its initial strength to the floor)).",
    )


class Network(Section):
    """The community graph."""

    generator: Literal["community", "barabasi_albert", "random_regular", "ring", "complete"] = (
        Field(
            "community",
            description="'community': blocks with within-block clustering plus cross-block "
            "ties; the others are the classic graphs used for docking.",
        )
    )
    mean_degree: float = Field(
        6.0, ge=0.0, le=1000.0, description="Mean resident-resident ties per resident."
    )
    within_block_share: Share = Field(
        0.75, description="'community' generator: share of a resident's ties inside its block."
    )
    within_community_share: Share = Field(
        0.97, description="Share of cross-block ties that stay inside the community."
    )
    unit_other_community_share: Share = Field(
        0.0,
        description="Share of a unit's non-local ties that go to another community (units "
        "that serve several communities of a district).",
    )
    unit_local_share: Share = Field(
        0.5, description="Share of a unit's resident ties drawn from its own block."
    )
    ties: TieDynamics = Field(default_factory=TieDynamics)


# --------------------------------------------------------------------------- decision


class LogitWeights(Section):
    """Weights of the logit participation rule (docs/ODD.md, "participation").

    Civic voluntarism: resources, engagement, recruitment (Verba, Schlozman & Brady 1995).
    """

    intercept: float = Field(
        -4.9, ge=-50, le=50, description="Intercept b0 of the participation utility."
    )
    disposition: float = Field(
        4.0, ge=-50, le=50, description="Weight of civic disposition (after crowding out)."
    )
    efficacy: float = Field(1.5, ge=-50, le=50, description="Weight of political efficacy.")
    trust: float = Field(0.8, ge=-50, le=50, description="Weight of trust.")
    neighbours: float = Field(
        1.5,
        ge=-50,
        le=50,
        description="Weight of the tie-weighted share of neighbours who took part last week.",
    )
    mobilised: float = Field(
        1.4,
        ge=-50,
        le=50,
        description="Weight of having been asked this week (mobilised, or invited to an activity).",
    )
    incentive: float = Field(
        0.04,
        ge=-50,
        le=50,
        description="Weight per yuan of the expected reward of this week's points "
        "(integral scoring).",
    )
    habit: float = Field(
        2.0,
        ge=-50,
        le=50,
        description="Weight of habit: the resident's recent participation (state "
        "dependence; 0..1).",
    )
    stake: float = Field(
        0.5,
        ge=-50,
        le=50,
        description="Weight of having an unresolved issue in one's own block (a stake in "
        "the outcome).",
    )
    time_cost: float = Field(3.0, ge=-50, le=50, description="Weight of (1 - availability).")


class Decision(Section):
    """How residents decide to take part. One interface, three rules."""

    rule: Literal["logit", "threshold", "imitation"] = Field(
        "logit",
        description="'logit' (default), 'threshold' (Granovetter 1978), 'imitation' "
        "(networked public goods game, Santos, Santos & Pacheco 2008).",
    )
    weights: LogitWeights = Field(default_factory=LogitWeights)
    threshold_scope: Literal["population", "neighbours"] = Field(
        "population", description="threshold rule: whose participation a resident watches."
    )
    threshold_mean: Share = Field(0.25, description="threshold rule: mean threshold (share).")
    threshold_sd: float = Field(
        0.1, ge=0.0, le=1.0, description="threshold rule: sd (normal, clipped to 0..1)."
    )
    thresholds: list[Share] | None = Field(
        None,
        description="threshold rule: one threshold per resident, as shares of the "
        "population (0..1); overrides mean and sd.",
    )
    initial_participants: Share = Field(
        0.5,
        description="threshold and imitation rules: share taking part at step 0 for "
        "imitation; threshold rule starts from nobody unless thresholds of 0 exist.",
    )
    enhancement: float = Field(
        3.0, ge=0.0, le=1000.0, description="imitation rule: enhancement factor r."
    )
    cost: Literal["per_game", "per_individual"] = Field(
        "per_game",
        description="imitation rule: a cooperator pays c per game, or c in total "
        "split over its games.",
    )


# --------------------------------------------------------------------------- issues


class Issues(Section):
    """Community issues (public affairs): model state, not agents."""

    rate: float = Field(
        4.0, ge=0.0, le=1000.0, description="New issues per 1,000 residents per week (Poisson)."
    )
    mean_cost: float = Field(
        8.0, gt=0.0, le=1_000_000.0, description="Mean resources an issue needs (Gamma)."
    )
    cost_shape: float = Field(
        2.0, gt=0.0, le=1_000_000.0, description="Gamma shape of issue costs."
    )
    decision_share: Share = Field(
        0.4,
        description="Share of issues that need a collective decision before they can be "
        "resolved (disputes, allocations) rather than only resources (repairs).",
    )
    patience: int = Field(
        4,
        ge=1,
        le=10_000,
        description="Weeks after which an open issue lowers the "
        "satisfaction of the residents it affects.",
    )
    handling_cost: NonNegative = Field(
        1.0, description="Core capacity needed to route one issue to the budget or the pool."
    )
    admin_decision_cost: NonNegative = Field(
        1.0, description="Core capacity needed to decide one issue administratively."
    )
    admin_decision_wait: int = Field(
        6,
        ge=0,
        le=10_000,
        description="With deliberation on: weeks the core waits for a "
        "meeting before deciding an issue administratively.",
    )
    admin_legitimacy: Share = Field(
        0.5,
        description="Satisfaction gain of resolving an administratively decided issue, "
        "relative to a deliberated one (1 = same).",
    )


# --------------------------------------------------------------------------- mechanisms


class Mechanism(Section):
    """Common to the five innovations."""

    enabled: bool = Field(True, description="Switch the innovation on or off.")


class JointCommittee(Mechanism):
    """社区大党委: the joint party committee."""

    pool_share: Share = Field(
        0.5, description="Share of a member's contribution pooled for the whole community."
    )
    mobilisation: Share = Field(
        0.15, description="Weekly probability that a member unit reaches a resident tied to it."
    )


class Interconnection(Mechanism):
    """互联互动: periodic joint activities across blocks and kinds."""

    interval: int = Field(4, ge=1, le=10_000, description="Weeks between joint activities.")
    places: int = Field(
        80,
        ge=0,
        le=10_000_000,
        description="Places at one community's activity: the invitations its hosts send.",
    )
    invite_party_members: NonNegative = Field(
        1.0,
        description="Weight of an invitation from the core to the party members tied to it.",
    )
    invite_unit_ties: NonNegative = Field(
        1.0, description="Weight of an invitation from a hosting unit to a resident tied to it."
    )
    invite_neighbours: NonNegative = Field(
        2.0,
        description="Weight of word of mouth: an invitation passed on by neighbours who took "
        "part last week, times the tie-weighted share of them.",
    )
    efficacy_gain: Share = Field(
        0.03, description="Efficacy gain of an attendee: e += gain (1 - e) (doing things together)."
    )
    trust_gain: Share = Field(
        0.03, description="Trust gain of an attendee: t += gain (1 - t) (meeting other residents)."
    )
    new_ties: float = Field(
        1.0,
        ge=0.0,
        le=100.0,
        description="Mean new ties each participant forms with other participants at an "
        "activity (Poisson).",
    )
    unit_tie_probability: Share = Field(
        0.05, description="Probability that a participant forms a tie to a hosting unit."
    )


class Deliberation(Mechanism):
    """议事协商: consultation meetings with bounded-confidence opinion exchange."""

    interval: int = Field(
        4, ge=0, le=10_000, description="Weeks between meetings (0: no meetings)."
    )
    meeting_size: int = Field(
        60, ge=2, le=10_000_000, description="Most residents attending one meeting."
    )
    agenda_size: int = Field(15, ge=1, le=10_000, description="Issues on one meeting's agenda.")
    rounds: int = Field(
        12,
        ge=0,
        le=1000,
        description="Rounds of pairwise exchange in a meeting (each attendee "
        "meets about one other per round).",
    )
    confidence: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Deffuant confidence bound d: two opinions interact "
        "when they differ by less than d.",
    )
    convergence: float = Field(
        0.3, ge=0.0, le=0.5, description="Deffuant convergence mu: each moves mu of the gap."
    )
    consensus_band: Share = Field(
        0.15, description="Attendees within this distance of the median opinion agree."
    )
    majority: Share = Field(
        0.5,
        description="Share of attendees who must agree (simple "
        "majority, as in the 2015 national opinion on consultation).",
    )
    efficacy_gain: Share = Field(
        0.15,
        description="Efficacy gain of an attendee, times the share of the agenda the meeting "
        "decided: e += g * decided share * (1 - e).",
    )
    stake_support: Share = Field(
        0.3,
        description="How much more an attendee from the block an issue is in supports acting on "
        "it (its opinion of the issue is its general opinion plus this).",
    )
    cost_aversion: Share = Field(
        0.15,
        description="How much less an attendee from another block supports an issue, per mean "
        "issue cost it would take (opinion minus aversion * cost / mean cost).",
    )
    absent_stake_legitimacy: Share = Field(
        0.5,
        description="Legitimacy of a deliberated decision, relative to the attendees' agreement, "
        "when nobody from the issue's block attended.",
    )
    pairs_per_step: int = Field(
        0,
        ge=0,
        le=100_000_000,
        description="Informal pairwise exchanges per week between "
        "random residents (0 in governance scenarios; the Deffuant docking uses it).",
    )
    pairing: Literal["random", "ties"] = Field(
        "random",
        description="Informal exchanges pair random residents (complete mixing) or tied residents.",
    )


class Rotation(Mechanism):
    """共建单位轮值: co-construction units take turns as chair."""

    term: int = Field(13, ge=1, le=10_000, description="Weeks a chair serves (a quarter).")
    chair_boost: Share = Field(
        0.08, description="Weekly commitment gain of the chair: c += boost (1 - c)."
    )
    retention: Share = Field(
        0.5, description="Share of the commitment gained as chair kept after the term."
    )
    extra_resources: float = Field(
        0.5,
        ge=0.0,
        le=100.0,
        description="Chair contributes this much more than its usual "
        "share (fraction of its resources).",
    )
    mobilisation: Share = Field(
        0.25, description="Weekly probability that the chair reaches a resident tied to it."
    )


class IntegralScoring(Mechanism):
    """积分制: points for residents, assessment for units."""

    points_per_participation: NonNegative = Field(
        10.0, description="Points per week of taking part (~1 yuan per point)."
    )
    redemption_threshold: float = Field(
        50.0,
        gt=0.0,
        le=1_000_000.0,
        description="Price of one redemption: points spent at a time at a partner enterprise.",
    )
    partner_share: Share = Field(0.5, description="Share of enterprises that redeem points.")
    point_value: NonNegative = Field(
        1.0, description="Yuan's worth of goods or services one point buys when redeemed."
    )
    discount: Share = Field(
        0.9,
        description="Expected reward of points lost per further participation needed before "
        "they can be redeemed: reward = value * award * discount^k.",
    )
    redemption_reach: Literal["community", "ties"] = Field(
        "community",
        description="Where a resident can redeem: at any partner enterprise of its community, "
        "or only at one it is tied to (client, employee).",
    )
    crowding_out: Share = Field(
        0.1,
        description="Share of the disposition term lost by residents who have redeemed "
        "points (motivation crowding; Frey & Jegen 2001).",
    )
    assessment_interval: int = Field(
        13, ge=1, le=10_000, description="Weeks between unit assessments."
    )
    assessment_gain: Share = Field(
        0.1,
        description="Commitment change at an assessment, by rank: units above the median gain "
        "c += gain (2q - 1)(1 - c), units below lose c -= gain (1 - 2q) c (q: percentile).",
    )


class HouseholdDuty(Mechanism):
    """当番 (toban): duties rotate among member households (comparative; Japan)."""

    enabled: bool = Field(
        False,
        description="Switch the duty rotation on (not one of the thesis's five innovations: "
        "for comparative presets).",
    )
    share: Share = Field(0.05, description="Share of the community's households on duty each week.")
    compliance: Share = Field(
        0.8, description="Probability that a member household on duty takes part that week."
    )


class Mechanisms(Section):
    """The five innovations of the thesis, each a lever; plus comparative mechanisms."""

    joint_committee: JointCommittee = Field(default_factory=JointCommittee)
    interconnection: Interconnection = Field(default_factory=Interconnection)
    deliberation: Deliberation = Field(default_factory=Deliberation)
    rotation: Rotation = Field(default_factory=Rotation)
    integral_scoring: IntegralScoring = Field(default_factory=IntegralScoring)
    household_duty: HouseholdDuty = Field(default_factory=HouseholdDuty)


# --------------------------------------------------------------------------- frictions


class Linkage(Section):
    """Three-level linkage (district-street-community): escalation of old issues."""

    escalation_age: int = Field(
        8, ge=1, le=10_000, description="Weeks after which an open issue is escalated."
    )
    answer_probability: Share = Field(
        0.5, description="Probability that the street answers (resolves) an escalated issue."
    )
    response_delay: int = Field(4, ge=0, le=10_000, description="Weeks until it answers.")
    street_capacity: int | None = Field(
        None,
        ge=0,
        le=10_000_000,
        description="Escalated issues one street takes up per week, oldest first (unset: "
        "no limit).",
    )
    district_answer_probability: Share = Field(
        0.0,
        description="Probability that the district resolves an issue the street did not "
        "(0: there is no district level; unanswered issues are closed).",
    )
    district_delay: int = Field(
        4, ge=0, le=10_000, description="Weeks the district takes to answer."
    )
    district_capacity: int | None = Field(
        None,
        ge=0,
        le=10_000_000,
        description="Issues the district takes up per week, oldest first (unset: no limit).",
    )


class Cohesion(Section):
    """Initial cohesion of the multiple subjects."""

    initial_trust: Share = Field(0.4, description="Mean initial trust (0..1).")
    initial_tie_weight: Share = Field(0.3, description="Strength of every initial tie (0..1).")


class Frictions(Section):
    """The four problems the thesis names, as conditions a scenario sets."""

    admin_burden: Share = Field(
        0.5,
        description="Share of the core's capacity taken by top-down administrative tasks "
        "(over-administration).",
    )
    budget: NonNegative = Field(
        20.0, description="Community budget per week (resource units; resource guarantee)."
    )
    dues: NonNegative = Field(
        0.0,
        description="Dues per member household per week, added to the community budget "
        "(dues-funded associations, e.g. United States community associations).",
    )
    capacity_drift: Share = Field(
        0.0,
        description="Weekly relative loss of the core's staff capacity (ageing boards that "
        "are not renewed): capacity <- capacity (1 - drift).",
    )
    linkage: Linkage = Field(default_factory=Linkage)
    cohesion: Cohesion = Field(default_factory=Cohesion)


# --------------------------------------------------------------------------- dynamics


class Dynamics(Section):
    """Rates of the slow variables (satisfaction, trust, efficacy, commitment)."""

    satisfaction_gain: Share = Field(
        0.08,
        description="Per legitimacy-weighted issue resolved in one's block: s += gain (1 - s).",
    )
    satisfaction_loss: Share = Field(
        0.01, description="Per overdue or unanswered issue in one's block: s -= loss s."
    )
    satisfaction_adaptation: Share = Field(
        0.05,
        description="Satisfaction relaxes toward its initial value at this rate "
        "(expectations adapt to performance).",
    )
    trust_rate: Share = Field(0.05, description="Trust moves toward satisfaction at this rate.")
    social_trust_gain: Share = Field(
        0.01, description="Trust gain from taking part alongside one's neighbours."
    )
    efficacy_gain: Share = Field(
        0.01, description="Efficacy gain of a participant when an issue of its block is resolved."
    )
    efficacy_decay: Share = Field(
        0.03, description="Efficacy relaxes toward its initial value at this rate."
    )
    commitment_drift: Share = Field(
        0.02,
        description="Weekly free-riding drift toward the floor: c -= drift (c - floor c_0) for "
        "every unit (c_0 its initial commitment).",
    )
    commitment_floor: Share = Field(
        0.3,
        description="Share of its initial commitment a unit keeps whatever happens (its "
        "statutory duties): the level free-riding drifts toward.",
    )
    habit_rate: Share = Field(
        0.1,
        description="Habit follows participation: h += rate (a - h) each week (memory of about "
        "1/rate weeks).",
    )
    membership_leave: Share = Field(
        0.0, description="Weekly probability that a member household leaves the association."
    )
    membership_join: Share = Field(
        0.0, description="Weekly probability that a non-member household joins."
    )
    active_window: int = Field(
        4, ge=1, le=10_000, description="Weeks a resident counts as a recent participant."
    )


# --------------------------------------------------------------------------- scenario


class Scenario(Section):
    """A complete, validated govsim scenario (see scenarios/README.md for every key)."""

    name: str = Field(
        "one_core_multiple",
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9_.\-]+$",
        description="Scenario name; also the default results folder.",
    )
    description: str = Field(
        "", max_length=20_000, description="Free text: what the scenario represents."
    )
    seed: int = Field(20190601, ge=0, le=2**63 - 1, description="Root seed of the scenario.")
    steps: int = Field(104, ge=1, le=1_000_000, description="Weeks to simulate and report.")
    warmup: int = Field(
        52,
        ge=0,
        le=1_000_000,
        description="Burn-in weeks run before the reported weeks and not reported: habits, "
        "ties and commitment settle first. Reported week 0 is the state after them.",
    )
    replications: int = Field(10, ge=1, le=100_000, description="Independent replicates.")
    population: Population = Field(default_factory=Population)
    network: Network = Field(default_factory=Network)
    decision: Decision = Field(default_factory=Decision)
    issues: Issues = Field(default_factory=Issues)
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)
    frictions: Frictions = Field(default_factory=Frictions)
    dynamics: Dynamics = Field(default_factory=Dynamics)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        thresholds = self.decision.thresholds
        if thresholds is not None and len(thresholds) != self.population.residents:
            raise ValueError(
                f"decision.thresholds has {len(thresholds)} values but population.residents "
                f"is {self.population.residents}: give one threshold per resident"
            )
        if self.population.residents < self.population.communities * 2:
            raise ValueError(
                f"population.residents ({self.population.residents}) must be at least 2 per "
                f"community: population.communities is {self.population.communities}, so at "
                f"least {2 * self.population.communities} residents"
            )
        if self.population.streets > self.population.communities:
            raise ValueError(
                f"population.streets ({self.population.streets}) must not exceed "
                f"population.communities ({self.population.communities}): every street "
                "holds at least one community"
            )
        return self

    # ---- convenience ------------------------------------------------------------

    def enabled(self, mechanism: str) -> bool:
        """Whether the named innovation is switched on."""
        return bool(getattr(self.mechanisms, mechanism).enabled)

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """Return a new validated scenario with values replaced by dotted path.

        Args:
            overrides: ``{"frictions.admin_burden": 0.2, "mechanisms.rotation.enabled": False}``.

        Raises:
            ScenarioError: a path that does not exist, or a value that is not allowed.
        """
        document = self.model_dump(mode="json")
        for path, value in overrides.items():
            set_dotted(document, path, value)
        return validate_document(document)

    def to_yaml(self) -> str:
        """The fully resolved scenario as YAML (what a manifest records)."""
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


# --------------------------------------------------------------------------- documents


def set_dotted(document: dict[str, Any], path: str, value: Any) -> None:
    """Set ``document[a][b][c] = value`` for ``path = "a.b.c"``, checking the path exists.

    The path is checked against the schema (not the document), so keys that the
    document leaves at their defaults can be set too.

    Raises:
        ScenarioError: the path names no field of the scenario schema.
    """
    parts = path.split(".")
    model: type[BaseModel] | None = Scenario
    node = document
    for depth, key in enumerate(parts):
        fields = model.model_fields if model is not None else {}
        if key not in fields:
            where = ".".join(parts[:depth]) or "the scenario"
            close = difflib.get_close_matches(key, list(fields), n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            allowed = ", ".join(sorted(fields)) or "nothing (it is a value, not a section)"
            raise ScenarioError(
                f"'{path}' is not a scenario field: {where} has no key '{key}'{guess}. "
                f"Keys allowed there: {allowed}."
            )
        annotation = fields[key].annotation
        is_section = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if depth == len(parts) - 1:
            # A mapping given to a section merges into it key by key, as `extends` does.
            if is_section and isinstance(value, Mapping) and isinstance(node.get(key), dict):
                node[key] = deep_merge(node[key], value)
            else:
                node[key] = value
            return
        if not is_section:
            raise ScenarioError(
                f"'{path}' is not a scenario field: '{'.'.join(parts[: depth + 1])}' is a "
                "value, not a section."
            )
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
        model = annotation


def _format_location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("function-after",)) or "(top)"


#: Where a value came from, by dotted path: a line number of the scenario file, or a
#: phrase ("line 4 of base.yaml", "--set on the command line").
Origins = Mapping[str, int | str]


def _origin(path: str, lines: Origins | None) -> str:
    """Where ``path`` (or its nearest ancestor, e.g. for a list item) was written."""
    if not lines:
        return ""
    parts = path.split(".")
    while parts:
        found = lines.get(".".join(parts))
        if found is not None:
            return f" (line {found})" if isinstance(found, int) else f" ({found})"
        parts.pop()
    return ""


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list) and len(value) > 10:
        return f"a list of {len(value)} values"
    try:
        shown = json.dumps(value, default=str)
    except (TypeError, ValueError, RecursionError):
        shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def format_validation_error(error: ValidationError, *, lines: Origins | None = None) -> str:
    """One paragraph: each bad field path, where it was written, its value, what is allowed.

    Args:
        error: pydantic's error.
        lines: where each dotted path was written: a line number of the scenario file
            or a phrase (a parent file's line, ``--set``).
    """
    problems = []
    for item in error.errors(include_url=False):
        path = _format_location(item["loc"])
        where = f"field '{path}'{_origin(path, lines)}"
        if item["type"] == "extra_forbidden":
            parent, _, key = path.rpartition(".")
            problems.append(f"{where}: unknown key{_unknown_key_hint(parent, key)}")
            continue
        if not item["loc"]:  # a rule across fields (Scenario._consistent)
            problems.append(_across_fields(item["msg"], lines))
            continue
        problems.append(f"{where} = {_shown(item.get('input'))}: {_explained(path, item)}")
    count = len(problems)
    head = "invalid scenario" + (f" ({count} problems)" if count > 1 else "")
    return f"{head}: " + "; ".join(problems) + "."


def _field(path: str) -> Any:
    """The pydantic FieldInfo at dotted ``path`` (None where the path names no field)."""
    model: type[BaseModel] = Scenario
    info = None
    for key in path.split("."):
        if info is not None:
            if not _is_section(info.annotation):
                return None
            model = info.annotation
        info = model.model_fields.get(key)
        if info is None:
            return None
    return info


def _explained(path: str, item: Mapping[str, Any]) -> str:
    """Pydantic's message, with what the field allows when the value had the wrong type."""
    message = item["msg"]
    info = _field(path)
    if info is None or ("type" not in item["type"] and "parsing" not in item["type"]):
        return message
    if _is_section(info.annotation):
        keys = ", ".join(sorted(info.annotation.model_fields))
        return f"'{path}' is a section, not a value: set its keys ({path}.KEY), one of {keys}"
    return f"{message}; allowed: {_kind(info.annotation, info.metadata)}"


def _across_fields(message: str, lines: Origins | None) -> str:
    """A rule that joins several fields, with where each field it names was written."""
    text = message.removeprefix("Value error, ")
    named = dict.fromkeys(re.findall(r"\b[a-z_]+(?:\.[a-z_]+)+\b", text))
    where = [f"{name}{_origin(name, lines)}" for name in named if _origin(name, lines)]
    return text + (f" (set at: {', '.join(where)})" if where else "")


def _section_keys(parent: str) -> list[str] | None:
    """The keys allowed in the section at dotted path ``parent`` (None: not a section)."""
    model: type[BaseModel] = Scenario
    if parent:
        info = _field(parent)
        if info is None or not _is_section(info.annotation):
            return None
        model = info.annotation
    keys = sorted(model.model_fields)
    return ["extends", *keys] if not parent else keys


def _unknown_key_hint(parent: str, key: str) -> str:
    keys = _section_keys(parent)
    if keys is None:
        return " (see govsim schema)"
    close = difflib.get_close_matches(str(key), keys, n=1)
    guess = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{guess}; allowed keys here: {', '.join(keys)}"


def validate_document(
    document: Any, *, source: str | None = None, lines: Origins | None = None
) -> Scenario:
    """Validate a plain mapping as a Scenario, turning every failure into ScenarioError."""
    if not isinstance(document, Mapping):
        kind = type(document).__name__
        raise ScenarioError(
            f"a scenario must be a mapping of keys to values, got {kind}. "
            "Start from scenarios/one_core_multiple.yaml.",
            source=source,
        )
    try:
        return Scenario.model_validate(dict(document))
    except ValidationError as error:
        raise ScenarioError(format_validation_error(error, lines=lines), source=source) from None
    except (TypeError, ValueError, RecursionError) as error:
        raise ScenarioError(f"invalid scenario: {error}", source=source) from None


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (for editors; printed by ``govsim schema``)."""
    schema = Scenario.model_json_schema()
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "Path of a parent scenario file, relative to this file; this file's "
        "keys win (deep merge).",
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "govsim scenario"
    return schema


# --------------------------------------------------------------------------- key reference

REFERENCE_BEGIN = "<!-- BEGIN KEY REFERENCE (generated by `govsim schema --markdown`) -->"
REFERENCE_END = "<!-- END KEY REFERENCE -->"


def _is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _constraints(metadata: list[Any]) -> str:
    """'0 to 1', '>= 0', 'at most 200 characters', ... from pydantic field metadata."""
    bounds = {
        name: getattr(item, name)
        for item in metadata
        for name in ("ge", "gt", "le", "lt", "min_length", "max_length", "pattern")
        if getattr(item, name, None) is not None
    }
    low = (
        (">= ", bounds["ge"])
        if "ge" in bounds
        else (("> ", bounds["gt"]) if "gt" in bounds else None)
    )
    high = (
        ("<= ", bounds["le"])
        if "le" in bounds
        else (("< ", bounds["lt"]) if "lt" in bounds else None)
    )
    parts = []
    if low and high and low[0] == ">= " and high[0] == "<= ":
        parts.append(f"{_number(low[1])} to {_number(high[1])}")
    else:
        parts += [f"{bound[0]}{_number(bound[1])}" for bound in (low, high) if bound]
    if "min_length" in bounds or "max_length" in bounds:
        parts.append(
            f"{bounds.get('min_length', 0)} to {bounds.get('max_length', 'any')} characters"
        )
    if "pattern" in bounds:
        parts.append(f"matching `{bounds['pattern']}`")
    return ", ".join(parts)


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else f"{value:g}"


def _kind(annotation: Any, metadata: list[Any]) -> str:
    """A field's type and allowed values, in words."""
    origin = get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(f"`{choice}`" for choice in get_args(annotation))
    if origin in (UnionType, Union):
        options = [_kind(arg, []) for arg in get_args(annotation) if arg is not type(None)]
        suffix = ", or null" if type(None) in get_args(annotation) else ""
        return " or ".join(options) + suffix
    if origin is list:
        return "list of " + _kind(get_args(annotation)[0], [])
    if get_origin(annotation) is Annotated:
        inner, *extra = get_args(annotation)
        for item in extra:
            extra_metadata = getattr(item, "metadata", None)
            if extra_metadata is not None:
                return _kind(inner, [*metadata, *extra_metadata])
        return _kind(inner, metadata)
    names = {bool: "true/false", int: "integer", float: "number", str: "text"}
    name = names.get(annotation, getattr(annotation, "__name__", str(annotation)))
    allowed = _constraints(metadata)
    return f"{name}, {allowed}" if allowed else name


def _default(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return f"{value:g}" if isinstance(value, float) else str(value)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _first_paragraph(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


def reference_sections() -> list[tuple[str, str, list[tuple[str, str, str, str]]]]:
    """Every section of the schema: (dotted path, summary, rows of key/type/default/text).

    Defaults come from ``Scenario()``, so sections of the same class with different
    defaults (the three kinds of unit) each show their own.
    """
    sections = []

    def visit(path: str, model: type[BaseModel], instance: BaseModel, summary: str) -> None:
        rows = []
        children = []
        for key, info in model.model_fields.items():
            dotted = f"{path}.{key}" if path else key
            value = getattr(instance, key)
            if _is_section(info.annotation):
                children.append((dotted, info.annotation, value, info.description))
                summary_text = info.description or _first_paragraph(info.annotation.__doc__)
                rows.append((key, "section", f"see `{dotted}`", summary_text))
                continue
            rows.append(
                (
                    key,
                    _kind(info.annotation, info.metadata),
                    _default(value),
                    info.description or "",
                )
            )
        sections.append((path, summary, rows))
        for dotted, annotation, value, description in children:
            visit(dotted, annotation, value, description or _first_paragraph(annotation.__doc__))

    visit("", Scenario, Scenario(), _first_paragraph(Scenario.__doc__))
    top = sections[0][2]
    top.insert(
        0,
        (
            "extends",
            "text (a file path)",
            "none",
            "Path of a parent scenario file, relative to this file; this file's keys win "
            "(deep merge: sections merge key by key).",
        ),
    )
    return sections


def scenario_reference() -> str:
    """Markdown reference of every key of a scenario file, from the schema's descriptions.

    scenarios/README.md embeds it between ``REFERENCE_BEGIN`` and ``REFERENCE_END``; a
    test checks that the two agree, so the reference cannot drift from the code.
    """
    lines = []
    for path, summary, rows in reference_sections():
        lines += [f"### `{path}`" if path else "### Top level", "", _cell(summary), ""]
        lines += ["| key | type and allowed values | default | meaning |", "|---|---|---|---|"]
        for key, kind, default, text in rows:
            lines.append(f"| `{key}` | {_cell(kind)} | {_cell(default)} | {_cell(text)} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- YAML files


class _ScenarioLoader(yaml.SafeLoader):
    """Safe YAML loader that also reads ``1e3`` as a number, as YAML 1.2 does.

    PyYAML follows YAML 1.1, where a float needs a dot (``1.0e3``) and ``1e3`` is text:
    with strict types, a budget of ``1e3`` would then be an error.
    """


_ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def read_value(text: str) -> Any:
    """One YAML value (a ``--set`` value), read as scenario files are read."""
    return yaml.load(text, Loader=_ScenarioLoader)  # a SafeLoader: no Python objects


class _LineLoader(_ScenarioLoader):
    """Safe YAML loader (no Python objects) that remembers the line of every key.

    Aliases (``*name``) are refused: ``extends`` shares settings between files, and a
    few nested aliases expand exponentially ("billion laughs").
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose the next node, refusing aliases."""
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "YAML aliases (*name) are not allowed in scenario files; use 'extends' "
                "to share settings",
                self.peek_event().start_mark,
            )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be plain values", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    return _Located(mapping, lines)


class _Located(dict):
    """A mapping that knows the YAML line of each of its keys."""

    def __init__(self, data: dict[Any, Any], lines: dict[Any, int]) -> None:
        super().__init__(data)
        self.lines = lines


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _collect_lines(value: Any, prefix: str, out: dict[str, int]) -> None:
    if isinstance(value, _Located):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.setdefault(path, value.lines.get(key, 0))
            _collect_lines(child, path, out)


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Read one YAML mapping safely; return it with the line of every dotted key."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found.", source=str(path)) from None
    except IsADirectoryError:
        raise ScenarioError("is a folder, not a scenario file.", source=str(path)) from None
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise ScenarioError(
            f"line {line}: not UTF-8 text (byte 0x{error.object[error.start]:02x}); save the "
            "file as UTF-8.",
            source=str(path),
        ) from None
    except OSError as error:
        raise ScenarioError(f"cannot be read: {error}.", source=str(path)) from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # _LineLoader is a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(
            f"{where}YAML error: {problem}. Fix the YAML (indentation, colons, quotes; "
            "no tags or aliases).",
            source=str(path),
        ) from None
    except RecursionError:
        raise ScenarioError("YAML nested too deeply.", source=str(path)) from None
    if data is None:
        raise ScenarioError(
            "the file is empty (or holds only comments): a scenario file must hold a "
            "mapping of keys to values, at least a name and 'extends: one_core_multiple.yaml' "
            "(see scenarios/README.md).",
            source=str(path),
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            f"a scenario file must hold a mapping of keys to values, not a {type(data).__name__}.",
            source=str(path),
        )
    lines: dict[str, int] = {}
    _collect_lines(data, "", lines)
    return _plain(data), lines


def deep_merge(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Merge two scenario documents; the child's values win, mappings merge key by key."""
    merged = copy.deepcopy(dict(parent))
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


#: The longest chain of ``extends`` a scenario may have (far beyond any real use).
MAX_EXTENDS_DEPTH = 32


def resolve_document(
    path: Path, _chain: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], dict[str, tuple[Path, int]]]:
    """Read a scenario file and its ``extends`` ancestors into one merged document.

    Returns:
        The merged document, and for every dotted key the file and line that set it
        (the child's keys win, as its values do).
    """
    path = Path(path)
    resolved = path.resolve()
    if len(_chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            f"'extends' chain longer than {MAX_EXTENDS_DEPTH} files (starting at "
            f"{_chain[0]}); at most {MAX_EXTENDS_DEPTH} are allowed.",
            source=str(path),
        )
    if resolved in _chain:
        cycle = " -> ".join(str(p) for p in (*_chain, resolved))
        raise ScenarioError(
            f"'extends' cycle: {cycle}. A scenario cannot extend itself.", source=str(path)
        )
    document, lines = read_yaml(path)
    located = {key: (path, line) for key, line in lines.items() if key != "extends"}
    parent_name = document.pop("extends", None)
    if parent_name is None:
        return document, located
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise ScenarioError(
            f"'extends' (line {lines.get('extends', '?')}) must be the path of a parent "
            f"scenario file, got {parent_name!r}.",
            source=str(path),
        )
    parent_path = (path.parent / parent_name).resolve()
    if not parent_path.is_file():
        problem = (
            "is a folder, not a file"
            if parent_path.is_dir()
            else "is not a regular file"
            if parent_path.exists()
            else "does not exist"
        )
        raise ScenarioError(
            f"'extends' (line {lines.get('extends', '?')}) names '{parent_name}', which "
            f"{problem} (looked for {parent_path}). The path is relative to this file.",
            source=str(path),
        )
    try:
        parent_document, parent_located = resolve_document(parent_path, (*_chain, resolved))
    except ScenarioError as error:
        if error.source is None or Path(error.source).resolve() != parent_path:
            raise  # already says how it was reached, or is about the chain as a whole
        raise ScenarioError(
            f"{error.message} (reached through 'extends' on line {lines.get('extends', '?')} of "
            f"{path})",
            source=error.source,
        ) from None
    return deep_merge(parent_document, document), {**parent_located, **located}


def _dotted_keys(path: str, value: Any) -> list[str]:
    """The dotted keys a value set at ``path`` names (a mapping: each of its leaves)."""
    if not isinstance(value, Mapping) or not value:
        return [path]
    return [key for name, child in value.items() for key in _dotted_keys(f"{path}.{name}", child)]


def _origins(path: Path, located: Mapping[str, tuple[Path, int]]) -> dict[str, int | str]:
    """Lines of ``path`` as numbers, lines of its parents as 'line N of FILE'."""
    origins: dict[str, int | str] = {}
    for key, (file, line) in located.items():
        origins[key] = line if file == path else f"line {line} of {_display(file)}"
    return origins


def _display(file: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(file.relative_to(Path.cwd()))
    except ValueError:
        return str(file)


@functools.cache
def _default_document() -> dict[str, Any]:
    """``Scenario()`` as a plain document (deep-copied by ``deep_merge`` on use)."""
    return Scenario().model_dump(mode="json")


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load a scenario file: YAML, ``extends`` resolved, overrides applied, validated.

    Args:
        path: the scenario file.
        overrides: values by dotted path, applied after ``extends`` (``--set`` on the CLI).

    Returns:
        The validated, frozen Scenario.

    Raises:
        ScenarioError: anything wrong with the file, its parents or the overrides; the
            message names the file, the line where known, the field path, the value and
            what is allowed.
    """
    path = Path(path)
    document, located = resolve_document(path)
    # Start from the defaults: a section whose defaults its parent supplies (each kind
    # of unit) must keep the keys a file or --set does not name.
    document = deep_merge(_default_document(), document)
    origins = _origins(path, located)
    for dotted, value in (overrides or {}).items():
        try:
            set_dotted(document, dotted, value)
        except ScenarioError as error:
            raise ScenarioError(f"--set {dotted}: {error}", source=str(path)) from None
        # The value is the override's now: point there, not at the file's line.
        for key in _dotted_keys(dotted, value):
            for old in [old for old in origins if old == key or old.startswith(f"{key}.")]:
                del origins[old]
            origins[key] = "set by --set"
    return validate_document(document, source=str(path), lines=origins)
