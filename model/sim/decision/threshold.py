"""The threshold participation rule (Granovetter 1978), reached by governance.

Rule: resident i takes part this week when the share of participants last week
reaches its effective threshold,

    a_i(t) = [s(t-1) >= theta_i - lambda Delta v_i(t)],

where s is the share of the whole population (``threshold_scope: population``) or the
tie-weighted share of i's neighbours (``threshold_scope: neighbours``), theta_i the
resident's own threshold, Delta v_i what this week's governance adds to its private
utility (decision/base.py ``governance_utility``: being asked, points, crowding out, a
grievance, efficacy and trust gained since the start) and lambda (``decision.threshold_shift``,
by default 1 / b_N) the shares of the threshold one unit of utility is worth.
Thresholds come from ``decision.thresholds`` (one per resident, shares of the
population 0..1) or are drawn from Normal(threshold_mean, threshold_sd) clipped to
[0, 1]. Nobody takes part at step 0 (unless ``decision.initial_participants``), so
the cascade starts with those whose effective threshold is 0 or below.

Why lambda = 1 / b_N (1.33 at the default neighbour weight b_N = 0.75): the threshold
rule is the deterministic limit of the logit rule. Without its random term, the
logit resident takes part when v_i + b_N N_i >= 0, that is when the share N_i reaches
-v_i / b_N; a change Delta v_i of the private utility moves that threshold by
-Delta v_i / b_N. The resident's own threshold theta_i stands for -v_i^ref / b_N (its
own inclination, drawn as in the published model), so the two rules read the same
governance channels in the same units. Being asked (b_M = 1.4) then lowers a threshold
by 1.87: more than any share of others could, as in the logit rule, where being asked
weighs more than every neighbour taking part (b_M > b_N).

With every governance channel at rest Delta v = 0 and the rule is Granovetter's
exactly (the docking scenario scenarios/docking/granovetter1978.yaml).

Source: Granovetter, M. (1978). Threshold models of collective behavior. American
Journal of Sociology 83(6):1420-1443, doi:10.1086/226707. With thresholds
0, 1, ..., 99 among 100 people everyone joins; move the single threshold 1 to 2
and only one person joins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim.decision.base import DecisionRule, governance_utility

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["ThresholdRule", "effective_thresholds"]

# Shares such as 3/100 and thresholds such as 0.03 must compare equal.
_TOLERANCE = 1e-9


def effective_thresholds(model: GovernanceModel, shift: float) -> np.ndarray:
    """theta_i - lambda Delta v_i for every resident (module docstring)."""
    thresholds = model.population.residents.threshold
    if shift == 0.0:
        return thresholds
    return thresholds - shift * governance_utility(model)


class ThresholdRule(DecisionRule):
    """Take part once enough others do; being asked, points and efficacy lower the bar."""

    name = "threshold"

    def setup(self, model: GovernanceModel) -> None:
        """Give every resident its threshold (then the initial participants, if any)."""
        residents = model.population.residents
        n = residents.threshold.size
        if self.params.thresholds is not None:
            residents.threshold[:] = np.asarray(self.params.thresholds, dtype=np.float64)
        else:
            drawn = model.rng.normal(self.params.threshold_mean, self.params.threshold_sd, n)
            residents.threshold[:] = np.clip(drawn, 0.0, 1.0)
        super().setup(model)

    def decide(self, model: GovernanceModel) -> np.ndarray:
        """a_i = [share >= theta_i - lambda Delta v_i]."""
        residents = model.population.residents
        if self.params.threshold_scope == "population":
            share = residents.participated_last.mean()
        else:
            share = model.step_state.neighbour_share
        return share + _TOLERANCE >= effective_thresholds(model, self.params.lambda_shift)
