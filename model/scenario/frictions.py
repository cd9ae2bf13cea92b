"""The frictions section: the four problems the thesis names, as conditions.

Core objects: ``Frictions`` (``scenario.frictions``: over-administration, budget,
dues, capacity drift), ``Linkage`` (the three-level linkage: escalation of old
issues to the street and the district) and ``Cohesion`` (initial trust and ties).
"""

from __future__ import annotations

from pydantic import Field

from govsim.scenario.section import NonNegative, Section, Share

__all__ = ["Cohesion", "Frictions", "Linkage"]


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
