"""The logit participation rule (default).

Rule: resident i takes part this week with probability p_i = 1 / (1 + exp(-u_i)),

    u_i = b0 + b_d f_i D_i + b_e E_i + b_t T_i + b_n N_i + b_m M_i + b_p I_i
          - b_c (1 - A_i) + X_i

with D disposition, E efficacy, T trust, N the tie-weighted share of neighbours who
took part last week, M = 1 if mobilised this week, I the points incentive (0..1),
A availability, f the crowding-out factor and X mechanism terms (activity appeal).
Weights ``decision.weights``.

Source: the civic voluntarism model (Verba, Schlozman & Brady 1995, *Voice and
Equality*): people take part when they can (resources: time), want to (engagement:
disposition, efficacy, trust) and are asked (recruitment: mobilisation); plus
social influence from neighbours. The weights are illustrative, chosen so that the
administration-led baseline has 10-20% weekly participation (docs/ODD.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from govsim.sim import kernels
from govsim.sim.decision.base import DecisionRule

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["LogitRule", "participation_utility"]


def participation_utility(model: GovernanceModel) -> np.ndarray:
    """u_i of the logit rule for every resident (see the module docstring).

    The terms are added in the order of the formula, in one pass over the residents
    (``kernels.logit_utility``; tests/test_equivalence.py checks it against the same
    sum written with numpy arrays).
    """
    w = model.settings.decision.weights
    residents = model.population.residents
    state = model.step_state
    weights = np.array(
        [
            w.disposition,
            w.intercept,
            w.efficacy,
            w.trust,
            w.neighbours,
            w.mobilised,
            w.incentive,
            w.time_cost,
        ]
    )
    terms = (
        state.disposition_factor,
        residents.disposition,
        residents.efficacy,
        residents.trust,
        state.neighbour_share,
        residents.mobilised,
        state.incentive,
        residents.availability,
        state.extra_utility,
    )
    return kernels.logit_utility(weights, terms)


class LogitRule(DecisionRule):
    """Take part with the logistic probability of the participation utility."""

    name = "logit"

    def decide(self, model: GovernanceModel) -> np.ndarray:
        """Bernoulli draw with p = expit(u)."""
        probability = expit(participation_utility(model))
        return model.rng.random(probability.size) < probability
