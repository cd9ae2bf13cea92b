"""Participation decision: one interface, three rules.

Contract
--------
A rule is built from ``scenario.decision`` and the model; ``setup(model)`` runs once
after the population exists (it may set thresholds or initial choices), and
``decide(model)`` runs at step 4 of every week and returns a boolean array: who
takes part this week. Rules read the population arrays and ``model.step_state``
(``neighbour_share``, mobilisation, mechanism terms) and draw randomness only from
``model.rng``.

Rules: ``logit`` (default, civic voluntarism), ``threshold`` (Granovetter 1978),
``imitation`` (networked public goods game, Santos, Santos & Pacheco 2008).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govsim.sim.decision.base import DecisionRule
from govsim.sim.decision.imitation import ImitationRule
from govsim.sim.decision.logit import LogitRule
from govsim.sim.decision.threshold import ThresholdRule

if TYPE_CHECKING:
    from govsim.scenario import Decision

__all__ = ["RULES", "DecisionRule", "ImitationRule", "LogitRule", "ThresholdRule", "build_rule"]

RULES: dict[str, type[DecisionRule]] = {
    "logit": LogitRule,
    "threshold": ThresholdRule,
    "imitation": ImitationRule,
}


def build_rule(decision: Decision) -> DecisionRule:
    """The rule named by ``decision.rule``."""
    return RULES[decision.rule](decision)
