"""Network: building the community graph, and keeping graph and tie matrices in step.

Core objects: the tie generators (``resident_tie_matrix`` and friends), ``build_graph``
(the networkx graph every agent sits on), ``CommunityNetwork`` (Mesa's ``Network`` over
it) and ``weighted_graph``. Tie changes go through ``TieEditor`` (model/sim/ties.py).

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

from itertools import islice
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from mesa.discrete_space import Network

from govsim.scenario import ScenarioError
from govsim.sim.population import KINDS, RESIDENT, UNIT_KINDS

if TYPE_CHECKING:
    from govsim.scenario import Scenario
    from govsim.sim.governance import GovernanceModel
    from govsim.sim.population import Population, Residents, Units

__all__ = [
    "CommunityNetwork",
    "build_graph",
    "core_tie_matrix",
    "neighbourhood_pairs",
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
    within = rng.binomial(n * net.mean_degree / 2, net.within_block_share) if n > 1 else 0
    cross = int(rng.poisson(n * net.mean_degree / 2 * (1 - net.within_block_share)))
    return neighbourhood_pairs(net, residents, rng, (within, cross))


def neighbourhood_pairs(
    net: Any, residents: Residents, rng: np.random.Generator, counts: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """``counts`` = (within, cross) pairs of residents, drawn as the 'community' generator draws.

    A within-block pair joins a random resident and a random member of its block; a
    cross-block pair a random resident and a random resident of its community (with
    probability ``within_community_share``) or of any community. Self-pairs and
    duplicates are left to the caller.
    """
    within, cross = counts
    n = residents.block.size
    block = residents.block
    block_start = np.searchsorted(block, np.arange(block.max() + 1))
    block_len = np.bincount(block)
    a = rng.integers(0, n, within)
    b = block_start[block[a]] + (rng.random(within) * block_len[block[a]]).astype(np.int64)
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
    """The initial resident-resident ties, of the strengths a settled network would hold.

    Every tie starts at ``cohesion.initial_tie_weight`` w_0 and, unused, decays until it
    falls under the floor after L = ln(floor / w_0) / ln(1 - decay) weeks, while everyday
    ties form at a steady rate (submodels.form_everyday_ties). In such a network the
    unused ties' ages are uniform on [0, L), so each initial tie gets the strength
    w_0 (1 - decay)^a, a ~ U(0, L): the network starts settled instead of with one cohort
    of ties that would all decay away together. Without decay (docking), every tie has w_0.
    """
    n = residents.block.size
    if scenario.network.generator == "community":
        i, j = _community_pairs(scenario, residents, rng)
    else:
        i, j = _classic_pairs(scenario, n, rng)
    initial = scenario.frictions.cohesion.initial_tie_weight
    matrix = symmetric_matrix(i, j, n, initial)
    spec = scenario.network.ties
    if 0 < spec.decay < 1 and 0 < spec.floor < initial:
        lifetime = np.log(spec.floor / initial) / np.log(1.0 - spec.decay)
        matrix = _with_strengths(matrix, initial * (1.0 - spec.decay) ** (
            rng.random(matrix.nnz // 2) * lifetime
        ))  # fmt: skip
    return matrix


def _with_strengths(matrix: sp.csr_matrix, strengths: np.ndarray) -> sp.csr_matrix:
    """The symmetric ``matrix`` with ``strengths[k]`` on its k-th tie (upper triangle, in order)."""
    upper = sp.triu(matrix, k=1, format="coo")
    rows = np.concatenate([upper.row, upper.col])
    cols = np.concatenate([upper.col, upper.row])
    data = np.concatenate([strengths, strengths])
    out = sp.csr_matrix((data, (rows, cols)), shape=matrix.shape)
    out.sort_indices()
    return out


def unit_tie_matrix(
    scenario: Scenario, residents: Residents, units: Units, rng: np.random.Generator
) -> sp.csr_matrix:
    """Unit-resident ties: Poisson(ties) residents per unit, part from the unit's own block.

    A share ``unit_local_share`` of a unit's ties go to its home block, the rest to its
    community, except that with probability ``unit_other_community_share`` such a tie
    goes to another community of the unit's street (units may serve several
    neighbouring communities of a district: ``neighbouring_communities``).
    """
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
    other = scenario.network.unit_other_community_share
    if other > 0 and comm_len.size > 1:
        away = ~local & (rng.random(unit.size) < other)
        comm = comm.copy()
        comm[away] = neighbouring_communities(
            comm[away], comm_len.size, scenario.population.streets, rng
        )
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


def neighbouring_communities(
    community: np.ndarray, communities: int, streets: int, rng: np.random.Generator
) -> np.ndarray:
    """For each community given, another community drawn uniformly from its street.

    A unit serving several communities serves its neighbours: another community of
    its own street (communities are split evenly over streets, in order:
    ``linkage.street_of``), or, where the street has a single community, any other
    community of the district. One integer draw per entry.
    """
    street = (community * streets) // communities
    # The first community of street s is ceil(s C / S); the street ends where s + 1 starts.
    first = -((-street * communities) // streets)
    size = -((-(street + 1) * communities) // streets) - first
    alone = size == 1
    first = np.where(alone, 0, first)
    size = np.where(alone, communities, size)
    step = 1 + rng.integers(0, size - 1)
    return first + (community - first + step) % size


def core_tie_matrix(residents: Residents, communities: int) -> sp.csr_matrix:
    """Core-resident ties: each community's core is tied to the party members living there."""
    members = np.flatnonzero(residents.party_member)
    return sp.csr_matrix(
        (np.ones(members.size), (residents.community[members], members)),
        shape=(communities, residents.block.size),
    )


def _graph_edges(population: Population) -> tuple[np.ndarray, np.ndarray]:
    """Every tie of the community graph as node pairs (a[k], b[k]), in a fixed order.

    Order: resident-resident ties (each once, i < j, row by row), unit-resident ties,
    core-resident ties, core-unit ties of joint committee members.
    """
    ties = population.resident_ties
    rows = np.repeat(np.arange(ties.shape[0]), np.diff(ties.indptr))
    upper = rows < ties.indices
    unit_coo = population.unit_ties.tocoo()
    core_coo = population.core_ties.tocoo()
    units = population.units
    members = np.flatnonzero(units.in_committee)
    a = [rows[upper], population.unit_node(unit_coo.row), population.core_node(core_coo.row)]
    b = [ties.indices[upper], unit_coo.col, core_coo.col]
    a.append(population.core_node(units.community[members]))
    b.append(population.unit_node(members))
    return (
        np.concatenate(a).astype(np.int64, copy=False),
        np.concatenate(b).astype(np.int64, copy=False),
    )


def _node_attributes(population: Population, ids: list[int]) -> dict[int, dict]:
    """Node id -> {kind, block, community} for residents, then cores, then units."""
    res, units, cores = population.residents, population.units, population.cores
    n_res, n_core = population.n_residents, population.n_communities
    kind = [KINDS[RESIDENT]] * n_res + [KINDS[0]] * n_core
    kind += [KINDS[code] for code in units.kind.tolist()]
    # Shared int objects keep a million nodes' attribute dicts small.
    small = list(range(max(population.n_blocks, n_core) + 1))
    block = map(small.__getitem__, np.concatenate([res.block, cores.block, units.block]).tolist())
    community = map(
        small.__getitem__,
        np.concatenate([res.community, np.arange(n_core), units.community]).tolist(),
    )
    return {
        node: {"kind": k, "block": b, "community": c}
        for node, k, b, c in zip(ids, kind, block, community, strict=True)
    }


def build_graph(population: Population) -> nx.Graph:
    """The networkx graph of all agents and ties (integer nodes; kind, block, community).

    Equal to adding the nodes (residents, cores, units) and then the ties of
    ``_graph_edges`` one by one with ``add_nodes_from`` / ``add_edges_from``: same
    nodes, attributes, edges and neighbour order (tests/test_equivalence.py). It fills
    networkx's adjacency dicts in one pass instead, which is several times faster and
    keeps a million-resident build linear (docs/PERFORMANCE.md).
    """
    a, b = _graph_edges(population)
    n = population.n_residents + population.n_communities + population.n_units
    # Each tie appears in the adjacency of both ends, in the order the ties were listed.
    source = np.stack([a, b], axis=1).ravel()
    order = np.argsort(source, kind="stable")
    target = np.stack([b, a], axis=1).ravel()[order].tolist()
    ids = list(range(n))
    edge_data = [{} for _ in range(a.size)]  # one attribute dict per tie, shared by both ends
    entries = zip(
        map(ids.__getitem__, target),
        map(edge_data.__getitem__, (order // 2).tolist()),
        strict=True,
    )
    del target, order
    degree = np.bincount(source, minlength=n).tolist()
    adjacency = {node: dict(islice(entries, k)) for node, k in zip(ids, degree, strict=True)}
    graph = nx.Graph()
    graph._node = _node_attributes(population, ids)
    graph._adj = adjacency
    if hasattr(nx, "_clear_cache"):  # networkx >= 3.3 caches conversions per graph
        nx._clear_cache(graph)
    return graph


class CommunityNetwork(Network):
    """Mesa's ``Network`` over the community graph, with the cells connected in one pass.

    The cells and their connections are those ``Network`` makes (one cell per node,
    ``cell.connections[neighbour] = neighbour's cell`` in the graph's neighbour order);
    ``Network`` connects them one ``Cell.connect`` at a time, each clearing Mesa's
    neighbourhood caches, which costs a third of a million-resident build.
    """

    def _connect_cells(self) -> None:
        cells = self._cells
        for node, neighbours in self.G.adjacency():
            cells[node].connections = {other: cells[other] for other in neighbours}


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
