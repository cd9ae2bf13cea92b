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
        0.02,
        description="Satisfaction relaxes toward its initial value at this rate "
        "(expectations adapt to performance).",
    )
    trust_rate: Share = Field(0.02, description="Trust moves toward satisfaction at this rate.")
    social_trust_gain: Share = Field(
        0.01, description="Trust gain from taking part alongside one's neighbours."
    )
    efficacy_gain: Share = Field(
        0.01, description="Efficacy gain of a participant when an issue of its block is resolved."
    )
    efficacy_decay: Share = Field(
        0.01, description="Efficacy relaxes toward its initial value at this rate."
    )
    commitment_drift: Share = Field(
        0.006, description="Weekly free-riding drift: c -= drift c for every unit."
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
