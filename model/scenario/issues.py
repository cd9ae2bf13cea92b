"""The issues section: community issues (public affairs), model state, not agents.

Core objects: ``Issues`` (``scenario.issues``: arrival, costs, patience, and the
core's administrative handling).
"""

from __future__ import annotations

from pydantic import Field

from govsim.scenario.section import NonNegative, Section, Share

__all__ = ["Issues"]


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
