"""The participation decision interface (see model/sim/decision/__init__.py).

Core objects: ``DecisionRule`` (the base class of the three rules) and
``private_utility`` (the part of the participation utility that every rule reads: what
a resident brings and what the week offers it, before anyone looks at the others).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim import kernels

if TYPE_CHECKING:
    from govsim.scenario import Decision
    from govsim.sim.governance import GovernanceModel

__all__ = ["DecisionRule", "asked", "private_utility"]


def asked(model: GovernanceModel) -> np.ndarray:
    """Who was asked to take part this week: mobilised, or invited to an activity."""
    residents = model.population.residents
    return residents.mobilised | residents.invited


def private_utility(model: GovernanceModel) -> np.ndarray:
    """v_i, the private part of resident i's participation utility this week.

    Rule (docs/ODD.md 7.4): v_i = b0 + b_d f_i D_i + b_e E_i + b_t T_i + b_m M_i + b_p I_i
    + b_h H_i + b_s S_i - b_c (1 - A_i), with D disposition, f the crowding-out factor
    (integral scoring), E efficacy, T trust, M = 1 if asked this week (mobilised, or
    invited to an activity), I the expected reward of this week's points in yuan, H the
    habit (recent participation), S = 1 if an issue of i's block is unresolved, A
    availability; weights ``decision.weights``. Every term is state the model carries
    (and a scenario can cut); no mechanism adds to it directly.

    Computed in one pass (``kernels.private_utility``; tests/test_equivalence.py checks it
    against the same sum written with numpy arrays).
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
            w.mobilised,
            w.incentive,
            w.habit,
            w.stake,
            w.time_cost,
        ]
    )
    terms = (
        state.disposition_factor,
        residents.disposition,
        residents.efficacy,
        residents.trust,
        asked(model),
        state.incentive,
        residents.habit,
        residents.availability,
    )
    return kernels.private_utility(weights, terms, (state.stake, residents.block))


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
