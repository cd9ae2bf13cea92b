"""The logit participation rule (default).

Rule: resident i takes part this week with probability p_i = 1 / (1 + exp(-u_i)),

    u_i = v_i + b_n N_i,

v_i the private utility (decision/base.py: disposition after crowding out, efficacy,
trust, being asked, the expected reward of points, habit, a stake in an unresolved
issue of one's block, minus the time cost) and N_i the tie-weighted share of
neighbours who took part last week (social influence). Weights ``decision.weights``.

Source: the civic voluntarism model (Verba, Schlozman & Brady 1995, *Voice and
Equality*): people take part when they can (resources: time), want to (engagement:
disposition, efficacy, trust) and are asked (recruitment: mobilisation); plus habit
(state dependence: past participation predicts participation, Gerber, Green & Shachar
2003, AJPS 47:540, doi:10.1111/1540-5907.00038) and social influence from neighbours
(Brock & Durlauf 2001). The weights are illustrative, not calibrated (docs/ODD.md;
``govsim calibrate`` fits them to observed patterns).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from govsim.sim.decision.base import DecisionRule, private_utility

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["LogitRule", "participation_utility"]


def participation_utility(model: GovernanceModel) -> np.ndarray:
    """u_i = v_i + b_n N_i of the logit rule for every resident (module docstring)."""
    weight = model.settings.decision.weights.neighbours
    return private_utility(model) + weight * model.step_state.neighbour_share


class LogitRule(DecisionRule):
    """Take part with the logistic probability of the participation utility."""

    name = "logit"

    def decide(self, model: GovernanceModel) -> np.ndarray:
        """Bernoulli draw with p = expit(u)."""
        probability = expit(participation_utility(model))
        return model.rng.random(probability.size) < probability
