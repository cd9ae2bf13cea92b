"""The community graph, the tie matrices and Mesa's Network never disagree."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from govsim import GovernanceModel, Scenario
from govsim.sim.initial import build_population
from govsim.sim.network import weighted_graph


def _edges(model: GovernanceModel) -> set[tuple[int, int]]:
    return {tuple(sorted(edge)) for edge in model.grid.G.edges()}


def _matrix_edges(model: GovernanceModel) -> set[tuple[int, int]]:
    p = model.population
    edges = set()
    upper = sp.triu(p.resident_ties, k=1).tocoo()
    edges |= set(zip(upper.row.tolist(), upper.col.tolist(), strict=True))
    units = p.unit_ties.tocoo()
    edges |= {
        tuple(sorted((int(p.unit_node(u)), int(r))))
        for u, r in zip(units.row, units.col, strict=True)
    }
    cores = p.core_ties.tocoo()
    edges |= {
        tuple(sorted((int(p.core_node(c)), int(r))))
        for c, r in zip(cores.row, cores.col, strict=True)
    }
    members = np.flatnonzero(p.units.in_committee)
    edges |= {
        tuple(sorted((int(p.core_node(p.units.community[u])), int(p.unit_node(u)))))
        for u in members
    }
    return edges


def _mesa_edges(model: GovernanceModel) -> set[tuple[int, int]]:
    edges = set()
    for cell in model.grid.all_cells:
        for other in cell.connections.values():
            edges.add(tuple(sorted((cell.coordinate, other.coordinate))))
    return edges


def _assert_agree(model: GovernanceModel) -> None:
    graph_edges = _edges(model)
    assert graph_edges == _matrix_edges(model)
    assert graph_edges == _mesa_edges(model)
    ties = model.population.resident_ties
    assert (ties != ties.T).nnz == 0, "tie matrix must be symmetric"
    assert ties.diagonal().sum() == 0
    assert (ties.data > 0).all() and (ties.data <= 1).all()
    np.testing.assert_allclose(model.ties.strength, np.asarray(ties.sum(axis=1)).ravel())


def test_graph_nodes_have_kind_block_and_community():
    model = GovernanceModel(Scenario().with_overrides({"population.residents": 300}), rng=1)
    graph = model.grid.G
    assert sorted(graph.nodes) == list(range(graph.number_of_nodes()))
    for _, data in graph.nodes(data=True):
        assert {"kind", "block", "community"} <= set(data)
    _assert_agree(model)


def test_graph_and_matrices_agree_after_ties_form_and_decay():
    scenario = Scenario().with_overrides(
        {
            "population.residents": 400,
            "mechanisms.interconnection.interval": 1,
            "mechanisms.interconnection.new_ties": 1.0,
            "mechanisms.interconnection.unit_tie_probability": 0.3,
            "network.ties.decay": 0.15,
            "network.ties.floor": 0.1,
        }
    )
    model = GovernanceModel(scenario, rng=2)
    before = _edges(model)
    model.run(12)
    after = _edges(model)
    assert after - before, "interconnection should have formed ties"
    assert before - after, "decay should have dropped ties"
    _assert_agree(model)


def test_weighted_graph_carries_the_matrix_strengths():
    model = GovernanceModel(Scenario().with_overrides({"population.residents": 200}), rng=3)
    model.run(5)
    graph = weighted_graph(model)
    ties = model.population.resident_ties
    for a, b, data in list(graph.edges(data=True))[:200]:
        if a < 200 and b < 200:
            assert data["weight"] == ties[a, b]


def test_community_generator_has_requested_degree_and_clustering():
    scenario = Scenario().with_overrides({"population.residents": 5000, "network.mean_degree": 6})
    population = build_population(scenario, np.random.default_rng(4))  # as generated
    ties = population.resident_ties
    degree = np.diff(ties.indptr)
    assert 5.0 < degree.mean() <= 6.0
    block = population.residents.block
    rows = np.repeat(np.arange(ties.shape[0]), degree)
    within = (block[rows] == block[ties.indices]).mean()
    assert abs(within - 0.75) < 0.05


def test_communities_are_mostly_separate():
    scenario = Scenario().with_overrides(
        {"population.residents": 3000, "population.communities": 3}
    )
    model = GovernanceModel(scenario, rng=5, agent_interval=0)
    community = model.population.residents.community
    ties = model.population.resident_ties
    same = (community[model.ties.rows] == community[ties.indices]).mean()
    assert same > 0.97
    assert model.population.n_communities == 3
    assert np.bincount(model.population.units.community).size == 3
