"""The network section: the community graph and how its ties change.

Core objects: ``NetworkSettings`` (``scenario.network``: the tie generator and its
shares) and ``TieDynamics`` (weekly reinforcement, decay and the floor of ties).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from govsim.scenario.section import Section, Share

__all__ = ["NetworkSettings", "TieDynamics"]


class TieDynamics(Section):
    """How ties change every week (always on; see docs/ODD.md, submodel 'ties')."""

    reinforcement: Share = Field(
        0.02, description="Co-participation: w <- w + reinforcement * (1 - w) when both took part."
    )
    decay: Share = Field(0.004, description="Unused ties: w <- w * (1 - decay) per week.")
    floor: Share = Field(0.05, description="Ties weaker than this are dropped.")


class NetworkSettings(Section):
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
