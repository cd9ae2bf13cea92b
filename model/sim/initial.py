"""Initialisation: the population and its ties at the start of a run (ODD, section 5).

Core objects: ``build_population`` (every agent's initial state and the initial ties). The
tables are defined in model/sim/population.py, the tie generators in model/sim/network.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim import network
from govsim.sim.population import Population, build_cores, build_residents, build_units

if TYPE_CHECKING:
    from govsim.scenario import Scenario

__all__ = ["build_population"]


def build_population(scenario: Scenario, rng: np.random.Generator) -> Population:
    """Create every agent's initial state and the initial ties (ODD: initialisation)."""
    residents, block_community = build_residents(scenario, rng)
    units = build_units(scenario, rng, block_community)
    cores = build_cores(scenario, block_community)
    resident_ties = network.resident_tie_matrix(scenario, residents, rng)
    unit_ties = network.unit_tie_matrix(scenario, residents, units, rng)
    core_ties = network.core_tie_matrix(residents, len(cores.capacity))
    return Population(
        residents=residents,
        units=units,
        cores=cores,
        resident_ties=resident_ties,
        unit_ties=unit_ties,
        core_ties=core_ties,
        block_community=block_community,
        community_residents=np.bincount(residents.community, minlength=len(cores.capacity)),
    )
