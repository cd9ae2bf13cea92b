"""The mechanism interface: one innovation of the thesis, hooked into the weekly schedule.

Contract
--------
A mechanism is a small object built from its scenario section
(``scenario.mechanisms.<name>``) and the model. It must define ``name``. It may
override any of the hooks below; each is called once a week, in schedule order,
for every enabled mechanism, in the order of ``govsim.scenario.MECHANISM_NAMES``
(then the comparative mechanisms, ``COMPARATIVE_MECHANISM_NAMES``):

=================  ===========================  =======================================
hook               schedule step                what it may change
=================  ===========================  =======================================
``setup``          initialisation               unit flags (committee, chair), ties
``mobilise``       3. mobilisation              ``step_state.unit_reach``,
                                                ``residents.invited``
``utility``        4. before the decision       ``step_state.incentive``,
                                                ``disposition_factor`` (state-carried
                                                terms only: no constant is added)
``decide``         4. after the decision        who takes part (returns the mask)
``contribute``     5. unit contributions        ``units.contribution``,
                                                ``step_state.pooled``
``meet``           6. deliberation meetings     opinions, issue decisions, efficacy
``assess``         8. points and assessment     points, unit commitment
``connect``        9. tie formation             new ties (through ``model.ties``)
=================  ===========================  =======================================

Hooks read and write the population arrays directly and draw randomness only from
``model.rng``. A mechanism never touches files, the CLI or plots.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from govsim.sim.governance import GovernanceModel

__all__ = ["Mechanism"]


class Mechanism:
    """Base class: every hook does nothing."""

    name: str = ""

    def __init__(self, params: Any, model: GovernanceModel) -> None:
        self.params = params

    def setup(self, model: GovernanceModel) -> None:
        """Initialisation, before the community graph is built."""

    def mobilise(self, model: GovernanceModel) -> None:
        """Step 3: add reach to the units that mobilise residents."""

    def utility(self, model: GovernanceModel) -> None:
        """Step 4: add terms to the participation utility."""

    def decide(self, model: GovernanceModel, taking_part: np.ndarray) -> np.ndarray:
        """Step 4: amend the decision rule's choice (default: keep it)."""
        return taking_part

    def contribute(self, model: GovernanceModel) -> None:
        """Step 5: change what units contribute, or where it goes."""

    def meet(self, model: GovernanceModel) -> None:
        """Step 6: hold meetings."""

    def assess(self, model: GovernanceModel) -> None:
        """Step 8: points and assessments."""

    def connect(self, model: GovernanceModel) -> None:
        """Step 9: form new ties."""
