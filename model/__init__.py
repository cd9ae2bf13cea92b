"""govsim: an agent-based model of "one core, multiple subjects" community governance.

The importable package of govsim (``import model``). Data flows one way:
scenario -> model -> metrics -> store -> analysis -> figures.

Core objects: ``Scenario`` and ``load_scenario`` (model/scenario.py),
``GovernanceModel`` (model/governance.py), the metrics (model/metrics.py).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from model.scenario import MECHANISM_NAMES, Scenario, ScenarioError, load_scenario

if TYPE_CHECKING:
    from model.agents import (
        Enterprise,
        PartyOrganisation,
        Resident,
        SocialOrganisation,
        StationedUnit,
    )
    from model.governance import GovernanceModel
    from model.metrics import METRICS
    from model.results import load_results

# The model (Mesa, pandas, scipy) takes seconds to import; `govsim check`, `govsim
# schema` and every bad-input message need only the scenario. So these names are
# imported on first use (PEP 562), and `import model` stays quick.
_LAZY = {
    "Enterprise": "model.agents",
    "PartyOrganisation": "model.agents",
    "Resident": "model.agents",
    "SocialOrganisation": "model.agents",
    "StationedUnit": "model.agents",
    "GovernanceModel": "model.governance",
    "METRICS": "model.metrics",
    "load_results": "model.results",
}


def __getattr__(name: str) -> Any:
    """Import a lazily exported name, or a submodule (``model.metrics``), on first use."""
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    try:
        return import_module(f"model.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"model.{name}":
            raise
        raise AttributeError(f"module 'model' has no attribute '{name}'") from None


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
    "load_results",
    "load_scenario",
]

__version__ = "0.1.0"
