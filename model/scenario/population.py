"""The population sections: residents, their traits, the core and the units.

Core objects: ``PopulationSettings`` (``scenario.population``: who lives in the
community), ``Traits`` (distributions of resident traits), ``Core`` (the community
party organisation), ``UnitsSettings`` (the co-construction units, by kind) and
``UnitKind`` (one kind of unit).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from govsim.scenario.section import NonNegative, Section, Share

__all__ = ["Core", "PopulationSettings", "Traits", "UnitKind", "UnitsSettings"]


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


class UnitsSettings(Section):
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
    availability_mean: Share = Field(0.6, description="Mean share of time available (0..1).")
    efficacy_mean: Share = Field(0.3, description="Mean initial political efficacy (0..1).")
    satisfaction_mean: Share = Field(0.5, description="Mean initial satisfaction (0..1).")
    opinion_low: Share = Field(0.0, description="Initial opinions are uniform on [low, high].")
    opinion_high: Share = Field(1.0, description="Initial opinions are uniform on [low, high].")
    heterogeneity: float = Field(
        8.0,
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


class PopulationSettings(Section):
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
    units: UnitsSettings = Field(default_factory=UnitsSettings)
