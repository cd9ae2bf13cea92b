"""Agents: Mesa agent classes that are thin views over the population arrays.

Core objects: ``PopulationAttribute`` (a descriptor: reading ``resident.trust`` reads
``model.population.residents.trust[resident.index]``, setting it writes the array)
and the five agent classes of the thesis's governance subjects: ``PartyOrganisation``
(the core), ``StationedUnit``, ``Enterprise``, ``SocialOrganisation``, ``Resident``.

The step never loops over these objects: it works on the arrays. The agents exist
so that Mesa's tools (AgentSet, DataCollector, the dashboard) and users see the
community as agents. Every agent is fixed to its node of ``model.grid``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mesa.discrete_space import Cell, FixedAgent

if TYPE_CHECKING:
    import numpy as np

    from govsim.sim.governance import GovernanceModel

__all__ = [
    "AGENT_CLASSES",
    "CoConstructionUnit",
    "Enterprise",
    "GovernanceAgent",
    "PartyOrganisation",
    "PopulationAttribute",
    "Resident",
    "SocialOrganisation",
    "StationedUnit",
]


class PopulationAttribute:
    """An agent attribute stored in a population array.

    ``trust = PopulationAttribute()`` on ``Resident`` makes ``agent.trust`` read and
    write ``model.population.residents.trust[agent.index]``. Values come back as plain
    Python numbers (so DataCollector stores them without copying arrays).
    """

    def __init__(self, column: str | None = None) -> None:
        self.column = column

    def __set_name__(self, owner: type, name: str) -> None:
        self.column = self.column or name

    def _array(self, agent: GovernanceAgent) -> np.ndarray:
        table = getattr(agent.model.population, agent.table)
        return getattr(table, self.column)

    def __get__(self, agent: GovernanceAgent | None, owner: type) -> Any:
        if agent is None:
            return self
        return self._array(agent)[agent.index].item()

    def __set__(self, agent: GovernanceAgent, value: Any) -> None:
        self._array(agent)[agent.index] = value


class GovernanceAgent(FixedAgent):
    """A governance subject: row ``index`` of a population table, fixed to a graph node."""

    table: str = ""

    def __init__(self, model: GovernanceModel, index: int, cell: Cell) -> None:
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def node(self) -> int:
        """The agent's node id in the community graph."""
        return self.cell.coordinate

    def step(self) -> None:
        """Agents do not step one by one: the model steps the arrays (docs/ODD.md)."""


class PartyOrganisation(GovernanceAgent):
    """The community party organisation: the core (one per community)."""

    table = "cores"
    capacity = PopulationAttribute()
    admin_share = PopulationAttribute()
    free_capacity = PopulationAttribute()
    capacity_left = PopulationAttribute()


class CoConstructionUnit(GovernanceAgent):
    """What stationed units, enterprises and social organisations share."""

    table = "units"
    resources = PopulationAttribute()
    commitment = PopulationAttribute()
    has_branch = PopulationAttribute()
    in_committee = PopulationAttribute()
    chair = PopulationAttribute()
    contribution = PopulationAttribute()
    assessment_score = PopulationAttribute()
    community = PopulationAttribute()
    block = PopulationAttribute()


class StationedUnit(CoConstructionUnit):
    """A stationed organ or public institution (police station, school, clinic)."""


class Enterprise(CoConstructionUnit):
    """An enterprise; may redeem residents' points (a partner)."""

    partner = PopulationAttribute()


class SocialOrganisation(CoConstructionUnit):
    """A social organisation; mobilises its members."""


class Resident(GovernanceAgent):
    """A resident household."""

    table = "residents"
    disposition = PopulationAttribute()
    efficacy = PopulationAttribute()
    trust = PopulationAttribute()
    satisfaction = PopulationAttribute()
    availability = PopulationAttribute()
    party_member = PopulationAttribute()
    points = PopulationAttribute()
    opinion = PopulationAttribute()
    participating = PopulationAttribute()
    mobilised = PopulationAttribute()
    threshold = PopulationAttribute()
    community = PopulationAttribute()
    block = PopulationAttribute()


#: Agent class of each unit kind code (model.population: 1..3).
AGENT_CLASSES = {1: StationedUnit, 2: Enterprise, 3: SocialOrganisation}
