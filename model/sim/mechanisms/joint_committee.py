"""Joint party committee (社区大党委): the platform of the "one core".

Rule (docs/ODD.md, submodel "joint_committee"):

- Setup: every unit with a party branch joins its community's joint committee and
  is tied to the core (Xingning's committees have 9-11 members, mostly part-time
  members from stationed units; China City News 2022).
- Step 3, mobilisation: each member reaches each resident tied to it with weekly
  probability ``mobilisation`` (the core coordinates them), in addition to any reach
  of its own: p_u <- 1 - (1 - p_u)(1 - mobilisation).
- Step 5, contributions: a member pools ``pool_share`` of its contribution; the core
  routes the pool to the neediest issues of the whole community (issues.resolve, rule
  3), as far as its handling capacity goes, where unpooled resources serve only their
  unit's home block. That is all routing buys: the pool goes no further than it is, but
  it goes where it is needed (no multiplier; a block's unpooled resources that exceed
  its needs are lost for the week).

Source: the thesis (five innovations: "the platform of community joint party
committees"); the pooling and routing rules are assumptions of the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["JointCommittee"]


class JointCommittee(Mechanism):
    """Units with party branches pool resources, mobilise and route issues with the core."""

    name = "joint_committee"

    def setup(self, model: GovernanceModel) -> None:
        """Units with a party branch join the committee."""
        units = model.population.units
        units.in_committee[:] = units.has_branch

    def mobilise(self, model: GovernanceModel) -> None:
        """Members reach their tied residents with probability ``mobilisation``."""
        units = model.population.units
        reach = model.step_state.unit_reach
        extra = np.where(units.in_committee, self.params.mobilisation, 0.0)
        reach[:] = 1.0 - (1.0 - reach) * (1.0 - extra)

    def contribute(self, model: GovernanceModel) -> None:
        """Members pool part of their contribution, for the core to route."""
        units = model.population.units
        model.step_state.pooled[:] = np.where(
            units.in_committee, self.params.pool_share * units.contribution, 0.0
        )
