"""The dynamics section: rates of the slow variables.

Core objects: ``Dynamics`` (``scenario.dynamics``: satisfaction, trust, efficacy,
commitment and membership, per week).
"""

from __future__ import annotations

from pydantic import Field

from govsim.scenario.section import Section, Share

__all__ = ["Dynamics"]


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
    trust_rate: Share = Field(
        0.05,
        description="Trust moves at this rate toward a mix of satisfaction and the resident's "
        "initial (generalised) trust.",
    )
    trust_performance_share: Share = Field(
        0.5,
        description="Weight of satisfaction in the level trust moves toward; the rest is the "
        "resident's initial trust (the community's cohesion).",
    )
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
        0.05,
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
