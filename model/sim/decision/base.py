"""The participation decision interface (see model/sim/decision/__init__.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from govsim.scenario import Decision
    from govsim.sim.governance import GovernanceModel

__all__ = ["DecisionRule"]


class DecisionRule:
    """Base class of the participation rules."""

    name: str = ""

    def __init__(self, params: Decision) -> None:
        self.params = params

    def setup(self, model: GovernanceModel) -> None:
        """Prepare rule state once the population exists (default: nothing)."""

    def decide(self, model: GovernanceModel) -> np.ndarray:
        """Who takes part this week (boolean array over residents)."""
        raise NotImplementedError
