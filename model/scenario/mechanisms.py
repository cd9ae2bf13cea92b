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
    routing_efficiency: float = Field(
        1.3,
        ge=0.0,
        le=10.0,
        description="Pooled resources routed to the member best placed "
        "to solve an issue go this many times further.",
    )
    mobilisation: Share = Field(
        0.15, description="Weekly probability that a member unit reaches a resident tied to it."
    )


class InterconnectionSettings(MechanismSettings):
    """互联互动: periodic joint activities across blocks and kinds."""

    interval: int = Field(4, ge=1, le=10_000, description="Weeks between joint activities.")
    appeal: float = Field(
        0.6, ge=0.0, le=20.0, description="Added to the participation utility in activity weeks."
    )
    new_ties: float = Field(
        0.05,
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
        0.15, description="Efficacy gain of an attendee when a meeting decides: e += g (1 - e)."
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
        description="Points redeemed at a time at a partner enterprise.",
    )
    partner_share: Share = Field(0.5, description="Share of enterprises that redeem points.")
    unredeemable_value: Share = Field(
        0.3, description="Incentive left when no enterprise redeems points (symbolic value)."
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
        description="Commitment gain of the top-ranked unit at an assessment: "
        "c += gain * percentile * (1 - c).",
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
