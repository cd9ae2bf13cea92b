"""The threshold participation rule (Granovetter 1978).

Rule: resident i takes part this week when the share of participants last week
reaches its own threshold theta_i: a_i(t) = [s(t-1) >= theta_i], where s is the share
of the whole population (``threshold_scope: population``) or the tie-weighted share
of i's neighbours (``threshold_scope: neighbours``). Thresholds come from
``decision.thresholds`` (one per resident, shares of the population 0..1) or are
drawn from Normal(threshold_mean, threshold_sd) clipped to [0, 1]. Nobody takes part
at step 0, so the cascade starts with those whose threshold is 0.

Source: Granovetter, M. (1978). Threshold models of collective behavior. American
Journal of Sociology 83(6):1420-1443, doi:10.1086/226707. With thresholds
0, 1, ..., 99 among 100 people everyone joins; move the single threshold 1 to 2
and only one person joins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim.decision.base import DecisionRule

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["ThresholdRule"]

# Shares such as 3/100 and thresholds such as 0.03 must compare equal.
_TOLERANCE = 1e-9


class ThresholdRule(DecisionRule):
    """Take part once enough others do."""

    name = "threshold"

    def setup(self, model: GovernanceModel) -> None:
        """Give every resident its threshold."""
        residents = model.population.residents
        n = residents.threshold.size
        if self.params.thresholds is not None:
            residents.threshold[:] = np.asarray(self.params.thresholds, dtype=np.float64)
        else:
            drawn = model.rng.normal(self.params.threshold_mean, self.params.threshold_sd, n)
            residents.threshold[:] = np.clip(drawn, 0.0, 1.0)

    def decide(self, model: GovernanceModel) -> np.ndarray:
        """a_i = [share >= theta_i]."""
        residents = model.population.residents
        if self.params.threshold_scope == "population":
            share = residents.participated_last.mean()
        else:
            share = model.step_state.neighbour_share
        return share + _TOLERANCE >= residents.threshold
