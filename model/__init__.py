"""govsim: an agent-based model of "one core, multiple subjects" community governance.

The importable package of govsim (``import model``). Data flows one way:
scenario -> model -> metrics -> store -> analysis -> figures.

Core objects: ``Scenario`` and ``load_scenario`` (model/scenario.py),
``GovernanceModel`` (model/governance.py), the metrics (model/metrics.py).
"""

from model.agents import (
    Enterprise,
    PartyOrganisation,
    Resident,
    SocialOrganisation,
    StationedUnit,
)
from model.governance import GovernanceModel
from model.metrics import METRICS
from model.scenario import MECHANISM_NAMES, Scenario, ScenarioError, load_scenario

__all__ = [
    "MECHANISM_NAMES",
    "METRICS",
    "Enterprise",
    "GovernanceModel",
    "PartyOrganisation",
    "Resident",
    "Scenario",
    "ScenarioError",
    "SocialOrganisation",
    "StationedUnit",
    "load_scenario",
]

__version__ = "0.1.0"
