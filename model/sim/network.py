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

from itertools import islice
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from mesa.discrete_space import Network

from govsim.scenario import ScenarioError
from govsim.sim import kernels
from govsim.sim.population import KINDS, RESIDENT, UNIT_KINDS

if TYPE_CHECKING:
    from govsim.scenario import Scenario
    from govsim.sim.governance import GovernanceModel
    from govsim.sim.population import Population, Residents, Units

__all__ = [
    "CommunityNetwork",
    "TieEditor",
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


def _unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs (a[k], b[k]), sorted by a then b (as ``np.unique(..., axis=0)``).

    Each pair is sorted and deduplicated as the single key a * n + b (``0 <= b < n``).
    """
    key = np.unique(a.astype(np.int64) * n + b)
    return key // n, key % n


class TieEditor:
    """Applies batches of tie changes to the matrices, the networkx graph and Mesa's Network.

    Every change to who is tied to whom goes through here, so the three never disagree.
    Strength changes of existing ties (reinforcement, decay) touch the matrix only;
    after them, call ``refresh_strength`` (or ``strengths_changed`` with the new sums).

    Attributes:
        rows, cols: the row and column (the two residents) of every stored entry of
            ``resident_ties``, aligned with its ``data`` (derived when read).
        strength: per resident, the summed strength of its ties (row sums).
        version: increases whenever who is tied to whom changes (for caches).
    """

    def __init__(self, model: GovernanceModel) -> None:
        self.model = model
        self.grid: Network | None = None
        self.version = 0
        self._structure_changed()

    def attach(self, grid: Network) -> None:
        """From now on, apply every change of who is tied to whom to ``grid`` (and grid.G)."""
        self.grid = grid

    # ---- resident-resident ties --------------------------------------------------

    def _structure_changed(self) -> None:
        """Who is tied to whom changed: forget everything derived from the tie arrays."""
        self._rows: np.ndarray | None = None
        self._upper: tuple[np.ndarray, np.ndarray] | None = None
        self._across: np.ndarray | None = None
        self.version += 1
        self.refresh_strength()

    def _ties_inserted(self, i: np.ndarray, j: np.ndarray) -> None:
        """New ties (i[k], j[k]), i < j, were slotted in: update what is derived from ties.

        Only the rows of i and j changed, so their strengths and member sums are taken
        afresh (``kernels.update_row_sums``, the same numbers as summing every row
        again), their counts of ties across blocks grow by the new ones, and the new ties
        are appended to the edge list (``upper_ties``; its order does not matter). The
        arrays kept here are updated in place.
        """
        self._rows = None
        self.version += 1
        if self._across is not None:
            block = self.model.population.residents.block
            bridging = block[i] != block[j]
            np.add.at(self._across, i[bridging], 1)
            np.add.at(self._across, j[bridging], 1)
        if self._upper is not None:
            self._append_upper(i, j)
        if self._strength is None:
            self._member_sums = None
            return
        ties = self.model.population.resident_ties
        touched = np.concatenate([i, j])  # a row listed twice is summed twice, alike
        if self._member_sums is not None:
            members, sums = self._member_sums
        else:
            members, sums = np.zeros(0, bool), np.zeros(0)
        kernels.update_row_sums(  # in place: the arrays are the editor's own
            ties.indptr, ties.indices, ties.data, touched, self._strength, sums, members
        )

    def _append_upper(self, i: np.ndarray, j: np.ndarray) -> None:
        """Append ties to the edge list, in arrays with room to grow (no copy every time)."""
        first, second = self._upper
        length = first.size + i.size
        room = self._upper_room
        if room[0].size < length:
            capacity = length + length // 4
            room = (np.empty(capacity, first.dtype), np.empty(capacity, second.dtype))
            room[0][: first.size], room[1][: first.size] = first, second
            self._upper_room = room
        room[0][first.size : length], room[1][first.size : length] = i, j
        self._upper = (room[0][:length], room[1][:length])

    @property
    def ties_across_blocks(self) -> np.ndarray:
        """Per resident, its ties to residents of other blocks (``kernels.ties_across_blocks``)."""
        if self._across is None:
            ties = self.model.population.resident_ties
            block = self.model.population.residents.block
            self._across = kernels.ties_across_blocks(ties.indptr, ties.indices, block)
        return self._across

    @property
    def upper_ties(self) -> tuple[np.ndarray, np.ndarray]:
        """Every resident tie once, as arrays (i, j) with i < j (``kernels.upper_ties``)."""
        if self._upper is None:
            ties = self.model.population.resident_ties
            self._upper = kernels.upper_ties(ties.indptr, ties.indices)
            self._upper_room = self._upper
        return self._upper

    def refresh_strength(self) -> None:
        """Mark the strengths stale: tie strengths changed (they are recomputed when read)."""
        self._strength: np.ndarray | None = None
        self._member_sums: tuple[np.ndarray, np.ndarray] | None = None

    def strengths_changed(
        self, strength: np.ndarray, member_sums: tuple[np.ndarray, np.ndarray]
    ) -> None:
        """Tie strengths changed, and the new ``strength`` and ``member_sums`` are known.

        Args:
            strength: the new row sums.
            member_sums: (members, sums): a boolean mask and ``member_sums(members)``.
        """
        members, sums = member_sums
        self._strength = strength
        self._member_sums = (members.copy(), sums)

    @property
    def rows(self) -> np.ndarray:
        """The row (first resident) of every stored entry of ``resident_ties``, as ``data``."""
        if self._rows is None:
            ties = self.model.population.resident_ties
            self._rows = np.repeat(np.arange(ties.shape[0]), np.diff(ties.indptr))
        return self._rows

    @property
    def cols(self) -> np.ndarray:
        """The column (second resident) of every stored entry: ``indices`` as native ints."""
        return self.model.population.resident_ties.indices.astype(np.intp)

    @property
    def strength(self) -> np.ndarray:
        """Each resident's summed tie strength, s_i = sum_j w_ij.

        Equal, bit for bit, to ``resident_ties.sum(axis=1)`` (``kernels.row_sums``);
        computed when first read after a change, and updated in place when ties are
        added (copy it to keep this week's values).
        """
        if self._strength is None:
            ties = self.model.population.resident_ties
            self._strength = kernels.row_sums(ties.indptr, ties.data)
        return self._strength

    @strength.setter
    def strength(self, value: np.ndarray) -> None:
        self._strength = value

    def member_sums(self, members: np.ndarray) -> np.ndarray:
        """m_i = sum_j w_ij [j in members]: each resident's summed strength to ``members``.

        Equal, bit for bit, to ``resident_ties @ members`` (``kernels.member_sums``). Kept
        until the ties change: this week's co-participant share and next week's
        neighbour share ask for the same sums (both over this week's participants).

        Args:
            members: boolean mask over residents.
        """
        members = np.asarray(members, dtype=bool)
        last = self._member_sums
        if last is not None and np.array_equal(last[0], members):
            return last[1]
        ties = self.model.population.resident_ties
        sums = kernels.member_sums(ties.indptr, ties.indices, ties.data, members)
        self._member_sums = (members.copy(), sums)
        return sums

    def add_resident_ties(self, i: np.ndarray, j: np.ndarray, weight: float) -> int:
        """Tie residents i[k] and j[k] (new ties only); returns the number of new ties.

        The new entries are slotted into the sorted CSR arrays (``kernels.add_ties``): the
        same matrix as ``ties + new`` in scipy, in one pass over the arrays.
        """
        ties = self.model.population.resident_ties
        keep = i != j
        i, j = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
        if i.size == 0:
            return 0
        i, j = _unique_pairs(i, j, ties.shape[1])
        wider = ties.nnz + 2 * i.size > np.iinfo(ties.indices.dtype).max
        if wider or not ties.has_canonical_format:  # let scipy rebuild the matrix
            return self._add_resident_ties_by_rebuilding(i, j, weight)
        indptr, indices, data, added = kernels.add_ties(
            ties.indptr, ties.indices, ties.data, i, j, weight
        )
        added = added.view(bool)
        i, j = i[added], j[added]
        if i.size == 0:
            return 0
        matrix = sp.csr_matrix((data, indices, indptr), shape=ties.shape)
        matrix.has_sorted_indices = True
        matrix.has_canonical_format = True
        self.model.population.resident_ties = matrix
        self._connect(i, j)
        self._ties_inserted(i, j)
        return int(i.size)

    def _add_resident_ties_by_rebuilding(self, i: np.ndarray, j: np.ndarray, weight: float) -> int:
        """``add_resident_ties`` for pairs i < j, distinct, with scipy's matrix sum."""
        ties = self.model.population.resident_ties
        existing = np.asarray(ties[i, j]).ravel() > 0
        i, j = i[~existing], j[~existing]
        if i.size == 0:
            return 0
        row, col = np.concatenate([i, j]), np.concatenate([j, i])
        new = sp.csr_matrix((np.full(row.size, weight), (row, col)), shape=ties.shape)
        self.model.population.resident_ties = (ties + new).tocsr()
        self._connect(i, j)
        self._structure_changed()
        return int(i.size)

    def drop_weak_resident_ties(self, floor: float) -> int:
        """Remove ties weaker than ``floor``; returns the number removed."""
        ties = self.model.population.resident_ties
        if ties.nnz == 0 or ties.data.min() >= floor:  # one pass in the common case
            return 0
        weak = ties.data < floor
        if not weak.any():  # NaN strengths
            return 0
        a, b = self.rows[weak], ties.indices[weak]
        upper = a < b
        ties.data[weak] = 0.0
        ties.eliminate_zeros()
        self._disconnect(a[upper], b[upper])
        self._structure_changed()
        return int(upper.sum())

    # ---- unit-resident ties ------------------------------------------------------

    def add_unit_ties(self, units: np.ndarray, residents: np.ndarray) -> int:
        """Tie units[k] to residents[k] (new ties only); returns the number added."""
        population = self.model.population
        ties = population.unit_ties
        if units.size == 0:
            return 0
        units, residents = _unique_pairs(units, residents, ties.shape[1])
        if ties.has_canonical_format and ties.nnz + units.size < np.iinfo(ties.indices.dtype).max:
            indptr, indices, data, added = kernels.add_entries(
                ties.indptr, ties.indices, ties.data, units, residents, 1.0
            )  # the matrix ``ties + new`` in one pass (sorted rows kept)
            added = added.view(bool)
            units, residents = units[added], residents[added]
            if units.size == 0:
                return 0
            matrix = sp.csr_matrix((data, indices, indptr), shape=ties.shape)
            matrix.has_sorted_indices = True
            matrix.has_canonical_format = True
            population.unit_ties = matrix
        else:
            existing = np.asarray(ties[units, residents]).ravel() > 0
            units, residents = units[~existing], residents[~existing]
            if units.size == 0:
                return 0
            new = sp.csr_matrix((np.ones(units.size), (units, residents)), shape=ties.shape)
            population.unit_ties = (ties + new).tocsr()
        self._connect(population.unit_node(units), residents)
        return int(units.size)

    # ---- graph and Mesa space ----------------------------------------------------

    def _connect(self, a: np.ndarray, b: np.ndarray) -> None:
        """Tie nodes a[k] and b[k] in the graph and in Mesa's Network, as one batch.

        The same as ``grid.add_connection(grid[a[k]], grid[b[k]])`` for every k.
        """
        grid = self.grid
        if grid is None:  # not built yet: it will be built from the matrices
            return
        pairs = list(zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True))
        grid.G.add_edges_from(pairs)
        for x, y in pairs:
            cell_x, cell_y = grid[x], grid[y]
            cell_x.connect(cell_y)
            cell_y.connect(cell_x)

    def _disconnect(self, a: np.ndarray, b: np.ndarray) -> None:
        grid = self.grid
        if grid is None:
            return
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            grid.remove_connection(grid[x], grid[y])
