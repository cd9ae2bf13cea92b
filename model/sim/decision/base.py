"""The participation decision interface (see model/sim/decision/__init__.py).

Core objects: ``DecisionRule`` (the base class of the three rules), ``private_utility``
(v_i, the part of the participation utility that every rule reads: what a resident
brings and what the week offers it, before anyone looks at the others), its split
``v_i = reference_utility + governance_utility`` (what the resident brings on its own,
and what the week's governance adds to it) and ``asked`` (mobilised or invited).

One interface for the three rules: the logit rule reads v_i whole; the threshold and
imitation rules have their own published account of a resident's own inclination (a
threshold; a payoff), so they read the governance part Delta v_i only: it lowers a
threshold (threshold.py) or adds a private benefit to a cooperator's payoff
(imitation.py). Delta v_i is exactly 0 when every governance channel is at rest (no
one asked, no points, no crowding out, no grievance, efficacy and trust where they
started), as in the docking scenarios, so there the rules are the published models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim import kernels

if TYPE_CHECKING:
    from govsim.scenario import Decision
    from govsim.sim.governance import GovernanceModel

__all__ = [
    "DecisionRule",
    "asked",
    "governance_utility",
    "private_utility",
    "reference_utility",
    "start_participants",
]


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


def reference_utility(model: GovernanceModel) -> np.ndarray:
    """v_i^ref, what resident i brings on its own: v_i with every governance channel at rest.

    Rule: v_i^ref = b0 + b_d D_i + b_e E_i^0 + b_t T_i^0 + b_h H_i - b_c (1 - A_i): not
    asked, no points, no crowding out (f = 1), no grievance, efficacy and trust at the
    values the resident was built with (E^0, T^0), habit as it is. So
    v_i = v_i^ref + ``governance_utility`` (tested).
    """
    w = model.settings.decision.weights
    residents = model.population.residents
    return (
        w.intercept
        + w.disposition * residents.disposition
        + w.efficacy * residents.efficacy_baseline
        + w.trust * residents.trust_baseline
        + w.habit * residents.habit
        - w.time_cost * (1.0 - residents.availability)
    )


def governance_utility(model: GovernanceModel) -> np.ndarray:
    """Delta v_i = v_i - v_i^ref: what this week's governance adds to i's private utility.

    Rule: Delta v_i = b_m M_i + b_p I_i + b_s S_i + b_d (f_i - 1) D_i + b_e (E_i - E_i^0)
    + b_t (T_i - T_i^0): being asked (mobilised by the core, units, the joint committee
    or the chair; invited to an interconnection activity), the expected reward of this
    week's points, a grievance, crowding out by past redemptions, and what meetings,
    activities and the community's performance did to efficacy and trust since the
    start. Each term is 0 when its channel is at rest, so Delta v = 0 exactly in the
    docking scenarios (tested).
    """
    w = model.settings.decision.weights
    residents = model.population.residents
    state = model.step_state
    stake = state.stake[residents.block] if state.stake.size else np.zeros(residents.block.size)
    return (
        w.mobilised * asked(model)
        + w.incentive * state.incentive
        + w.stake * stake
        + w.disposition * (state.disposition_factor - 1.0) * residents.disposition
        + w.efficacy * (residents.efficacy - residents.efficacy_baseline)
        + w.trust * (residents.trust - residents.trust_baseline)
    )


def start_participants(model: GovernanceModel, share: float) -> None:
    """A share of the residents, placed at random, take part in week 0 (round(share N))."""
    residents = model.population.residents
    n = residents.participating.size
    start = np.zeros(n, dtype=bool)
    start[model.rng.permutation(n)[: round(share * n)]] = True
    residents.participating[:] = start
    residents.participated_last[:] = start


class DecisionRule:
    """Base class of the participation rules."""

    name: str = ""
    #: Share taking part in week 0 when ``decision.initial_participants`` is not set.
    default_initial_participants: float | None = None

    def __init__(self, params: Decision) -> None:
        self.params = params

    def setup(self, model: GovernanceModel) -> None:
        """Prepare rule state once the population exists: the initial participants.

        ``decision.initial_participants`` (or the rule's default) of the residents, at
        random, take part in week 0; with neither, nobody does.
        """
        share = self.params.initial_participants
        if share is None:
            share = self.default_initial_participants
        if share is not None:
            start_participants(model, share)

    def decide(self, model: GovernanceModel) -> np.ndarray:
        """Who takes part this week (boolean array over residents)."""
        raise NotImplementedError
