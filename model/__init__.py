"""govsim: an agent-based model of "one core, multiple subjects" community governance.

The importable package of govsim (``import govsim``; its source is the ``model/`` folder).
Data flows one way:
scenario -> model -> metrics -> store -> analysis -> figures.

Core objects: ``Scenario`` and ``load_scenario`` (model/scenario/),
``GovernanceModel`` (model/sim/governance.py), the metrics (model/sim/metrics.py).
``set_language("zh")`` (or ``"en"``, the default) chooses the language of messages,
tables and figures (model/text/; also the ``GOVSIM_LANG`` environment variable).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from govsim.scenario import MECHANISM_NAMES, Scenario, ScenarioError, load_scenario
from govsim.text import language, set_language
from govsim.version import __version__

if TYPE_CHECKING:
    from govsim.sim.agents import (
        Enterprise,
        PartyOrganisation,
        Resident,
        SocialOrganisation,
        StationedUnit,
    )
    from govsim.sim.governance import GovernanceModel
    from govsim.sim.metrics import METRICS
    from govsim.store import load_results

# The model (Mesa, pandas, scipy) takes seconds to import; `govsim check`, `govsim
# schema` and every bad-input message need only the scenario. So these names are
# imported on first use (PEP 562), and `import govsim` stays quick.
_LAZY = {
    "Enterprise": "govsim.sim.agents",
    "PartyOrganisation": "govsim.sim.agents",
    "Resident": "govsim.sim.agents",
    "SocialOrganisation": "govsim.sim.agents",
    "StationedUnit": "govsim.sim.agents",
    "GovernanceModel": "govsim.sim.governance",
    "METRICS": "govsim.sim.metrics",
    "load_results": "govsim.store",
}


def __getattr__(name: str) -> Any:
    """Import a lazily exported name, or a submodule (``govsim.sim.metrics``), on first use."""
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    try:
        return import_module(f"govsim.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"govsim.{name}":
            raise
        raise AttributeError(f"module 'govsim' has no attribute '{name}'") from None


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
    "__version__",
    "language",
    "load_results",
    "load_scenario",
    "set_language",
]
