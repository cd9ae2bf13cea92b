"""The five innovations of the "one core, multiple subjects" system, one module each.

Core objects: ``Mechanism`` (the interface, model/sim/mechanisms/base.py) and the five
mechanisms, built by ``build_mechanisms`` for the enabled ones, in the fixed order
of ``govsim.scenario.MECHANISM_NAMES``; then the comparative mechanisms
(``COMPARATIVE_MECHANISM_NAMES``: household duty rotation, for the Japanese preset).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govsim.scenario import COMPARATIVE_MECHANISM_NAMES, MECHANISM_NAMES
from govsim.sim.mechanisms.base import Mechanism
from govsim.sim.mechanisms.deliberation import Deliberation
from govsim.sim.mechanisms.household_duty import HouseholdDuty
from govsim.sim.mechanisms.integral_scoring import IntegralScoring
from govsim.sim.mechanisms.interconnection import Interconnection
from govsim.sim.mechanisms.joint_committee import JointCommittee
from govsim.sim.mechanisms.rotation import Rotation

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = [
    "MECHANISMS",
    "Deliberation",
    "HouseholdDuty",
    "IntegralScoring",
    "Interconnection",
    "JointCommittee",
    "Mechanism",
    "Rotation",
    "build_mechanisms",
]

MECHANISMS: dict[str, type[Mechanism]] = {
    "joint_committee": JointCommittee,
    "interconnection": Interconnection,
    "deliberation": Deliberation,
    "rotation": Rotation,
    "integral_scoring": IntegralScoring,
    "household_duty": HouseholdDuty,
}


def build_mechanisms(model: GovernanceModel) -> dict[str, Mechanism]:
    """The enabled mechanisms of the model's scenario, in schedule order."""
    settings = model.settings.mechanisms
    return {
        name: MECHANISMS[name](getattr(settings, name), model)
        for name in (*MECHANISM_NAMES, *COMPARATIVE_MECHANISM_NAMES)
        if getattr(settings, name).enabled
    }
