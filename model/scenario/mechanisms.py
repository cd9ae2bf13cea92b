"""The mechanisms section: the five innovations of the thesis, each a lever.

Core objects: ``Mechanisms`` (``scenario.mechanisms``), ``MechanismSettings`` (what
every mechanism has: ``enabled``), one ``...Settings`` per mechanism (the parameters
of the behaviour class of the same name in ``govsim.sim.mechanisms``):
``JointCommitteeSettings``, ``InterconnectionSettings``, ``DeliberationSettings``,
``RotationSettings``, ``IntegralScoringSettings``, and ``HouseholdDutySettings`` (a
comparative mechanism); ``MECHANISM_NAMES``, the five innovations in schedule order.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from govsim.scenario.section import NonNegative, Section, Share

__all__ = [
    "COMPARATIVE_MECHANISM_NAMES",
    "MECHANISM_NAMES",
    "DeliberationSettings",
    "HouseholdDutySettings",
    "IntegralScoringSettings",
    "InterconnectionSettings",
    "JointCommitteeSettings",
    "MechanismSettings",
    "Mechanisms",
    "RotationSettings",
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


class MechanismSettings(Section):
    """Common to the five innovations."""

    enabled: bool = Field(True, description="Switch the innovation on or off.")


class JointCommitteeSettings(MechanismSettings):
    """社区大党委: the joint party committee."""

    pool_share: Share = Field(
        0.5, description="Share of a member's contribution pooled for the whole community."
    )
    mobilisation: Share = Field(
        0.15, description="Weekly probability that a member unit reaches a resident tied to it."
    )


class InterconnectionSettings(MechanismSettings):
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


class DeliberationSettings(MechanismSettings):
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


class RotationSettings(MechanismSettings):
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


class IntegralScoringSettings(MechanismSettings):
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


class HouseholdDutySettings(MechanismSettings):
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

    joint_committee: JointCommitteeSettings = Field(default_factory=JointCommitteeSettings)
    interconnection: InterconnectionSettings = Field(default_factory=InterconnectionSettings)
    deliberation: DeliberationSettings = Field(default_factory=DeliberationSettings)
    rotation: RotationSettings = Field(default_factory=RotationSettings)
    integral_scoring: IntegralScoringSettings = Field(default_factory=IntegralScoringSettings)
    household_duty: HouseholdDutySettings = Field(default_factory=HouseholdDutySettings)
