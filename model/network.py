"""Network: building the community graph, and keeping graph and tie matrices in step.

Core objects: the tie generators (``resident_tie_matrix`` and friends), ``build_graph``
(the networkx graph every agent sits on) and ``TieEditor`` (batched tie changes
applied to the CSR matrices, the networkx graph and Mesa's ``Network`` together).

Tie *strengths* live in the CSR matrices (``Population.resident_ties``); the networkx
graph (``model.grid.G``) holds who is tied to whom, with node attributes ``kind``,
``block`` and ``community``. ``weighted_graph(model)`` returns a copy with strengths.
The graph and the matrices always hold the same ties (tests/test_network.py).

Generators (``network.generator``):

- ``community``: each resident has on average ``mean_degree`` ties, a share
  ``within_block_share`` of them inside its block (bonding), the rest to residents of
  other blocks, mostly of the same community (bridging). Linear time.
- ``barabasi_albert`` (m = mean_degree / 2), ``random_regular``, ``ring`` (each node
  tied to its mean_degree nearest), ``complete``: the classic graphs, for docking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import scipy.sparse as sp

from model.population import KINDS, RESIDENT, UNIT_KINDS
from model.scenario import ScenarioError

if TYPE_CHECKING:
    from model.governance import GovernanceModel
    from model.population import Population, Residents, Units
    from model.scenario import Scenario

__all__ = [
    "TieEditor",
    "build_graph",
    "core_tie_matrix",
    "resident_tie_matrix",
    "symmetric_matrix",
    "unit_tie_matrix",
    "weighted_graph",
]


def symmetric_matrix(i: np.ndarray, j: np.ndarray, n: int, weight: float) -> sp.csr_matrix:
    """CSR matrix with ``weight`` on (i, j) and (j, i); self-loops and duplicates removed."""
    keep = i != j
    i, j = i[keep], j[keep]
    rows = np.concatenate([i, j])
    cols = np.concatenate([j, i])
    matrix = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    matrix.sum_duplicates()
    matrix.data[:] = weight
    return matrix


def _community_pairs(scenario: Scenario, residents: Residents, rng: np.random.Generator):
    """Within-block and cross-block pairs of the 'community' generator (vectorised)."""
    net = scenario.network
    n = residents.block.size
    block = residents.block
    block_start = np.searchsorted(block, np.arange(block.max() + 1))
    block_len = np.bincount(block)
    within = rng.binomial(n * net.mean_degree / 2, net.within_block_share) if n > 1 else 0
    cross = int(rng.poisson(n * net.mean_degree / 2 * (1 - net.within_block_share)))
    # Within-block ties: a random resident and a random member of its block.
    a = rng.integers(0, n, within)
    b = block_start[block[a]] + (rng.random(within) * block_len[block[a]]).astype(np.int64)
    # Cross-block ties: mostly to a random resident of the same community.
    c = rng.integers(0, n, cross)
    community = residents.community
    comm_start = np.searchsorted(community, np.arange(community.max() + 1))
    comm_len = np.bincount(community)
    local = rng.random(cross) < net.within_community_share
    d = np.where(
        local,
        comm_start[community[c]] + (rng.random(cross) * comm_len[community[c]]).astype(np.int64),
        rng.integers(0, n, cross),
    )
    return np.concatenate([a, c]), np.concatenate([b, d])


def _classic_pairs(scenario: Scenario, n: int, rng: np.random.Generator):
    net = scenario.network
    k = round(net.mean_degree)
    seed = int(rng.integers(2**31 - 1))
    if net.generator == "complete":
        i, j = np.triu_indices(n, 1)
        return i, j
    if net.generator == "ring":
        half = max(1, k // 2)
        base = np.arange(n)
        i = np.repeat(base, half)
        j = (i + np.tile(np.arange(1, half + 1), n)) % n
        return i, j
    if net.generator == "random_regular":
        if (k * n) % 2 or k >= n:
            raise ScenarioError(
                f"network.generator 'random_regular' needs a whole network.mean_degree k "
                f"below population.residents n with k * n even (got k = {k}, n = {n}): "
                "change one of them."
            )
        graph = nx.random_regular_graph(k, n, seed=seed)
    else:  # barabasi_albert
        m = max(1, round(net.mean_degree / 2))
        if m >= n:
            raise ScenarioError(
                f"network.generator 'barabasi_albert' adds m = mean_degree / 2 ties per "
                f"resident and needs m < population.residents (got m = {m}, n = {n}): "
                "lower network.mean_degree."
            )
        graph = nx.barabasi_albert_graph(n, m, seed=seed)
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    return edges[:, 0], edges[:, 1]


def resident_tie_matrix(
    scenario: Scenario, residents: Residents, rng: np.random.Generator
) -> sp.csr_matrix:
    """The initial resident-resident ties, each of strength ``cohesion.initial_tie_weight``."""
    n = residents.block.size
    if scenario.network.generator == "community":
        i, j = _community_pairs(scenario, residents, rng)
    else:
        i, j = _classic_pairs(scenario, n, rng)
    return symmetric_matrix(i, j, n, scenario.frictions.cohesion.initial_tie_weight)


def unit_tie_matrix(
    scenario: Scenario, residents: Residents, units: Units, rng: np.random.Generator
) -> sp.csr_matrix:
    """Unit-resident ties: Poisson(ties) residents per unit, part from the unit's own block."""
    n_units, n = units.kind.size, residents.block.size
    if n_units == 0:
        return sp.csr_matrix((0, n))
    mean_ties = np.array([getattr(scenario.population.units, name).ties for name in UNIT_KINDS])[
        units.kind - 1
    ]
    counts = rng.poisson(mean_ties)
    unit = np.repeat(np.arange(n_units), counts)
    local = rng.random(unit.size) < scenario.network.unit_local_share
    block_start = np.searchsorted(residents.block, np.arange(residents.block.max() + 1))
    block_len = np.bincount(residents.block)
    comm_start = np.searchsorted(residents.community, np.arange(residents.community.max() + 1))
    comm_len = np.bincount(residents.community)
    home, comm = units.block[unit], units.community[unit]
    u = rng.random(unit.size)
    resident = np.where(
        local,
        block_start[home] + (u * block_len[home]).astype(np.int64),
        comm_start[comm] + (u * comm_len[comm]).astype(np.int64),
    )
    matrix = sp.csr_matrix((np.ones(unit.size), (unit, resident)), shape=(n_units, n))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def core_tie_matrix(residents: Residents, communities: int) -> sp.csr_matrix:
    """Core-resident ties: each community's core is tied to the party members living there."""
    members = np.flatnonzero(residents.party_member)
    return sp.csr_matrix(
        (np.ones(members.size), (residents.community[members], members)),
        shape=(communities, residents.block.size),
    )


def _upper_pairs(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    coo = sp.triu(matrix, k=1).tocoo()
    return coo.row, coo.col


def build_graph(population: Population) -> nx.Graph:
    """The networkx graph of all agents and ties (integer nodes; kind, block, community)."""
    res, units, cores = population.residents, population.units, population.cores
    n_res, n_core = population.n_residents, population.n_communities
    graph = nx.Graph()
    kind_res = KINDS[RESIDENT]
    graph.add_nodes_from(
        (i, {"kind": kind_res, "block": int(b), "community": int(c)})
        for i, (b, c) in enumerate(zip(res.block.tolist(), res.community.tolist(), strict=True))
    )
    graph.add_nodes_from(
        (n_res + c, {"kind": KINDS[0], "block": int(cores.block[c]), "community": c})
        for c in range(n_core)
    )
    graph.add_nodes_from(
        (
            int(population.unit_node(u)),
            {
                "kind": KINDS[int(units.kind[u])],
                "block": int(units.block[u]),
                "community": int(units.community[u]),
            },
        )
        for u in range(population.n_units)
    )
    i, j = _upper_pairs(population.resident_ties)
    graph.add_edges_from(zip(i.tolist(), j.tolist(), strict=True))
    unit_coo = population.unit_ties.tocoo()
    graph.add_edges_from(
        zip(population.unit_node(unit_coo.row).tolist(), unit_coo.col.tolist(), strict=True)
    )
    core_coo = population.core_ties.tocoo()
    graph.add_edges_from(
        zip(population.core_node(core_coo.row).tolist(), core_coo.col.tolist(), strict=True)
    )
    members = np.flatnonzero(units.in_committee)
    graph.add_edges_from(
        zip(
            population.core_node(units.community[members]).tolist(),
            population.unit_node(members).tolist(),
            strict=True,
        )
    )
    return graph


def weighted_graph(model: GovernanceModel) -> nx.Graph:
    """A copy of the community graph with tie strengths as edge attribute ``weight``."""
    graph = model.grid.G.copy()
    coo = sp.triu(model.population.resident_ties, k=1).tocoo()
    nx.set_edge_attributes(
        graph,
        {(int(a), int(b)): float(w) for a, b, w in zip(coo.row, coo.col, coo.data, strict=True)},
        "weight",
    )
    return graph


class TieEditor:
    """Applies batches of tie changes to the matrices, the networkx graph and Mesa's Network.

    Every change to who is tied to whom goes through here, so the three never disagree.
    Strength changes of existing ties (reinforcement, decay) touch the matrix only.
    """

    def __init__(self, model: GovernanceModel) -> None:
        self.model = model
        self._refresh_edge_index()

    # ---- resident-resident ties --------------------------------------------------

    def _refresh_edge_index(self) -> None:
        """Cache the row of every stored entry, for vectorised per-tie rules."""
        ties = self.model.population.resident_ties
        self.rows = np.repeat(np.arange(ties.shape[0]), np.diff(ties.indptr))
        self.strength = np.asarray(ties.sum(axis=1)).ravel()

    def add_resident_ties(self, i: np.ndarray, j: np.ndarray, weight: float) -> int:
        """Tie residents i[k] and j[k] (new ties only); returns the number of new ties."""
        ties = self.model.population.resident_ties
        keep = i != j
        i, j = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
        if i.size == 0:
            return 0
        pairs = np.unique(np.stack([i, j], axis=1), axis=0)
        i, j = pairs[:, 0], pairs[:, 1]
        existing = np.asarray(ties[i, j]).ravel() > 0
        i, j = i[~existing], j[~existing]
        if i.size == 0:
            return 0
        n = ties.shape[0]
        new = sp.csr_matrix(
            (np.full(2 * i.size, weight), (np.concatenate([i, j]), np.concatenate([j, i]))),
            shape=(n, n),
        )
        self.model.population.resident_ties = (ties + new).tocsr()
        self._connect(i, j)
        self._refresh_edge_index()
        return int(i.size)

    def drop_weak_resident_ties(self, floor: float) -> int:
        """Remove ties weaker than ``floor``; returns the number removed."""
        ties = self.model.population.resident_ties
        weak = ties.data < floor
        if not weak.any():
            return 0
        a, b = self.rows[weak], ties.indices[weak]
        upper = a < b
        ties.data[weak] = 0.0
        ties.eliminate_zeros()
        self._disconnect(a[upper], b[upper])
        self._refresh_edge_index()
        return int(upper.sum())

    # ---- unit-resident ties ------------------------------------------------------

    def add_unit_ties(self, units: np.ndarray, residents: np.ndarray) -> int:
        """Tie units[k] to residents[k] (new ties only); returns the number added."""
        population = self.model.population
        ties = population.unit_ties
        if units.size == 0:
            return 0
        pairs = np.unique(np.stack([units, residents], axis=1), axis=0)
        units, residents = pairs[:, 0], pairs[:, 1]
        existing = np.asarray(ties[units, residents]).ravel() > 0
        units, residents = units[~existing], residents[~existing]
        if units.size == 0:
            return 0
        new = sp.csr_matrix((np.ones(units.size), (units, residents)), shape=ties.shape)
        population.unit_ties = (ties + new).tocsr()
        self._connect(population.unit_node(units), residents)
        return int(units.size)

    def connect_core_to_units(self, units: np.ndarray) -> None:
        """Tie each unit in ``units`` to its community's core (joint committee members)."""
        population = self.model.population
        cores = population.core_node(population.units.community[units])
        self._connect(cores, population.unit_node(units))

    # ---- graph and Mesa space ----------------------------------------------------

    def _connect(self, a: np.ndarray, b: np.ndarray) -> None:
        grid = getattr(self.model, "grid", None)
        if grid is None:  # during setup the graph is built from the matrices afterwards
            return
        for x, y in zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True):
            grid.add_connection(grid[x], grid[y])

    def _disconnect(self, a: np.ndarray, b: np.ndarray) -> None:
        grid = getattr(self.model, "grid", None)
        if grid is None:
            return
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            grid.remove_connection(grid[x], grid[y])
