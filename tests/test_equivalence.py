"""The vectorised step computes what the documented rules say.

Each test writes the rule as a plain loop over residents, ties, issues or groups (the
way a modeller reads docs/ODD.md) and checks the model's vectorised code against it
on a small community. Where the fast code promises the very same numbers as the
straightforward numpy or scipy code it replaced (same random draws, same order of
additions), the test checks equality, not closeness.
"""

from __future__ import annotations

import itertools
import math

import mesa
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from mesa.discrete_space import Network
from scipy.stats import rankdata

from govsim import GovernanceModel, Resident, Scenario
from govsim.sim import metrics as metric_functions
from govsim.sim.decision.logit import participation_utility
from govsim.sim.initial import build_population
from govsim.sim.issues import BY_COMMUNITY, allocate_in_order
from govsim.sim.mechanisms.integral_scoring import percentile_in_group
from govsim.sim.network import CommunityNetwork, build_graph
from govsim.sim.population import KINDS, UNIT_KINDS, beta_with_mean, build_residents
from govsim.sim.submodels import (
    co_participant_share,
    mobilise,
    neighbour_share,
    to_residents,
    update_ties,
    update_wellbeing,
)

SMALL = {"population.residents": 300, "population.communities": 2, "steps": 12}


def small(**overrides) -> Scenario:
    return Scenario().with_overrides({**SMALL, **overrides})


@pytest.fixture(scope="module")
def ran() -> GovernanceModel:
    """A small two-community model after a few weeks (ties formed, issues open)."""
    scenario = small(**{"mechanisms.interconnection.interval": 2})
    return GovernanceModel(scenario, rng=7).run(9)


def neighbours_of(ties: sp.csr_matrix) -> list[dict[int, float]]:
    """Resident i -> {neighbour j: strength w_ij}, read entry by entry."""
    out: list[dict[int, float]] = [{} for _ in range(ties.shape[0])]
    coo = ties.tocoo()
    for i, j, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        out[i][j] = w
    return out


# ---- participation ---------------------------------------------------------------------


def test_neighbour_share_is_the_weighted_share_of_participating_neighbours(ran):
    taking_part = ran.population.residents.participating
    expected = []
    for ties in neighbours_of(ran.population.resident_ties):
        total = sum(ties.values())
        together = sum(w for j, w in ties.items() if taking_part[j])
        expected.append(together / total if total > 0 else 0.0)
    np.testing.assert_allclose(neighbour_share(ran, taking_part), expected, rtol=1e-12)


def test_co_participant_share_equals_the_neighbour_share_of_participants(ran):
    taking_part = ran.population.residents.participating
    assert taking_part.any() and not taking_part.all()
    expected = taking_part * neighbour_share(ran, taking_part)
    assert np.array_equal(co_participant_share(ran, taking_part), expected)


def test_mobilisation_probability_combines_every_source_independently(ran):
    population = ran.population
    state = ran.step_state
    residents = population.residents
    miss = np.ones(population.n_residents)
    for i in range(population.n_residents):
        miss[i] *= 1.0 - state.core_outreach[residents.community[i]]
    for core, i in zip(*population.core_ties.nonzero(), strict=True):
        miss[i] *= 1.0 - state.core_reach[core]
    for unit, i in zip(*population.unit_ties.nonzero(), strict=True):
        miss[i] *= 1.0 - state.unit_reach[unit]
    expected_probability = 1.0 - miss
    draws = np.random.Generator(np.random.PCG64())
    draws.bit_generator.state = ran.rng.bit_generator.state
    uniform = draws.random(population.n_residents)
    mobilise(ran)
    expected = uniform < expected_probability
    # Equal except where a uniform lands within rounding of its probability.
    close = np.abs(uniform - expected_probability) < 1e-12
    assert np.array_equal(residents.mobilised[~close], expected[~close])
    assert residents.mobilised.any()


def test_to_residents_sums_sources_as_the_transposed_matrix_does(ran):
    for ties in (ran.population.unit_ties, ran.population.core_ties):
        x = np.random.default_rng(1).random(ties.shape[0])
        assert np.array_equal(to_residents(ties, x), ties.T @ x)


def test_logit_utility_follows_the_formula_resident_by_resident():
    # A grievance weight and a thin budget, so that every term of the utility is in play.
    scenario = small(**{"decision.weights.stake": 0.5, "frictions.budget": 0.0, "issues.rate": 40.0})
    ran = GovernanceModel(scenario, rng=7).run(9)
    w = ran.settings.decision.weights
    r = ran.population.residents
    s = ran.step_state
    expected = [
        w.intercept
        + w.disposition * s.disposition_factor[i] * r.disposition[i]
        + w.efficacy * r.efficacy[i]
        + w.trust * r.trust[i]
        + w.neighbours * s.neighbour_share[i]
        + w.mobilised * (r.mobilised[i] or r.invited[i])
        + w.incentive * s.incentive[i]
        + w.habit * r.habit[i]
        + w.stake * s.stake[r.block[i]]
        - w.time_cost * (1.0 - r.availability[i])
        for i in range(ran.population.n_residents)
    ]
    assert s.incentive.any() and r.habit.any() and s.stake.any()  # every term is in play
    np.testing.assert_allclose(participation_utility(ran), expected, rtol=1e-12, atol=1e-12)


# ---- ties -----------------------------------------------------------------------------


def test_ties_strengthen_together_decay_apart_and_weak_ones_go():
    scenario = small(
        **{"network.ties.decay": 0.2, "network.ties.floor": 0.2, "network.ties.formation": 0.0}
    )
    model = GovernanceModel(scenario, rng=3).run(1)  # ties at 0.24 drop below 0.2 next
    spec = model.settings.network.ties
    before = neighbours_of(model.population.resident_ties)
    taking_part = model.population.residents.participating
    update_ties(model)
    expected = {}
    for i, ties in enumerate(before):
        for j, w in ties.items():
            if taking_part[i] and taking_part[j]:
                new = w + spec.reinforcement * (1.0 - w)
            else:
                new = w * (1.0 - spec.decay)
            if new >= spec.floor:
                expected[i, j] = new
    after = model.population.resident_ties.todok()
    assert set(after.keys()) == set(expected)
    assert all(after[key] == value for key, value in expected.items())
    assert len(expected) < sum(len(t) for t in before), "some ties should have been dropped"
    np.testing.assert_array_equal(
        model.ties.strength, np.asarray(model.population.resident_ties.sum(axis=1)).ravel()
    )


def test_adding_ties_in_place_gives_the_matrix_scipy_would_build(ran):
    model = GovernanceModel(small(), rng=5).run(3)
    ties = model.population.resident_ties.copy()
    rng = np.random.default_rng(2)
    i, j = rng.integers(0, 300, 80), rng.integers(0, 300, 80)
    i[:5], j[:5] = ties.nonzero()[0][:5], ties.nonzero()[1][:5]  # some exist already
    added = model.ties.add_resident_ties(i, j, 0.3)
    pairs = {(min(a, b), max(a, b)) for a, b in zip(i.tolist(), j.tolist(), strict=True)}
    new = [(a, b) for a, b in pairs if a != b and ties[a, b] == 0]
    assert added == len(new)
    rows = [a for a, b in new] + [b for a, b in new]
    cols = [b for a, b in new] + [a for a, b in new]
    expected = (ties + sp.csr_matrix(([0.3] * len(rows), (rows, cols)), shape=ties.shape)).tocsr()
    got = model.population.resident_ties
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(got, name), getattr(expected, name))
    assert np.array_equal(model.ties.rows, np.repeat(np.arange(300), np.diff(got.indptr)))
    assert np.array_equal(model.ties.cols, got.indices)


# ---- issues and assessment ------------------------------------------------------------


def test_allocate_in_order_serves_each_group_oldest_first():
    rng = np.random.default_rng(4)
    for _ in range(50):
        group = rng.integers(0, 4, rng.integers(0, 30))
        need = rng.random(group.size) * 3
        supply = rng.random(4) * 5
        expected = np.zeros(group.size)
        left = supply.copy()
        for k in range(group.size):
            expected[k] = min(need[k], max(left[group[k]], 0.0))
            left[group[k]] -= need[k]
        np.testing.assert_allclose(allocate_in_order(group, need, supply), expected, atol=1e-12)


def test_percentile_in_group_ranks_each_group_with_ties_averaged():
    rng = np.random.default_rng(5)
    for _ in range(300):
        n = int(rng.integers(0, 30))
        values = rng.integers(0, 4, n) * rng.choice([1.0, 0.1])
        group = rng.integers(0, 5, n)
        expected = np.zeros(n)
        for label in set(group.tolist()):
            members = np.flatnonzero(group == label)
            if members.size == 1:
                expected[members] = 1.0
            else:
                expected[members] = (rankdata(values[members]) - 1.0) / (members.size - 1.0)
        assert np.array_equal(percentile_in_group(values, group), expected)


# ---- wellbeing --------------------------------------------------------------------------


def test_satisfaction_trust_and_efficacy_follow_their_rules(ran):
    model = GovernanceModel(small(), rng=11).run(8)
    spec = model.settings.dynamics
    issues = model.settings.issues
    book = model.issues
    ledger = model.step_state.ledger
    r = model.population.residents
    gains = [0.0] * model.population.n_blocks
    losses = [0.0] * model.population.n_blocks
    for k in ledger.resolved.tolist():
        legitimacy = book.legitimacy[k]  # 1 without a decision; the decision's otherwise
        if book.resolved_by[k] != BY_COMMUNITY:  # answered from above
            legitimacy = min(legitimacy, issues.admin_legitimacy)
        gains[book.block[k]] += legitimacy
    for k in book.active.tolist():  # open or escalated: still waited for
        if model.week - book.arrived[k] >= issues.patience:
            losses[book.block[k]] += 1.0
    for k in ledger.unanswered.tolist():
        losses[book.block[k]] += issues.patience
    share = co_participant_share(model, r.participating)
    before = {name: getattr(r, name).copy() for name in ("satisfaction", "trust", "efficacy")}
    update_wellbeing(model)
    for i in range(model.population.n_residents):
        g, o = gains[r.block[i]], losses[r.block[i]]
        s = 1.0 - (1.0 - before["satisfaction"][i]) * (1.0 - spec.satisfaction_gain) ** g
        s *= (1.0 - spec.satisfaction_loss) ** o
        s += spec.satisfaction_adaptation * (r.satisfaction_baseline[i] - s)
        t = before["trust"][i]
        toward = (
            spec.trust_performance_share * s
            + (1.0 - spec.trust_performance_share) * r.trust_baseline[i]
        )
        t += spec.trust_rate * (toward - t) + spec.social_trust_gain * share[i] * (1.0 - t)
        e = before["efficacy"][i]
        e += spec.efficacy_gain * (r.participating[i] and g > 0) * (1.0 - e)
        e += spec.efficacy_decay * (r.efficacy_baseline[i] - e)
        assert math.isclose(r.satisfaction[i], s, rel_tol=1e-12)
        assert math.isclose(r.trust[i], min(max(t, 0.0), 1.0), rel_tol=1e-12)
        assert math.isclose(r.efficacy[i], min(max(e, 0.0), 1.0), rel_tol=1e-12)


# ---- metrics --------------------------------------------------------------------------


def test_gini_is_half_the_relative_mean_absolute_difference():
    rng = np.random.default_rng(6)
    for drawn in (rng.random(40) * 10, np.zeros(5), np.array([3.0]), rng.integers(0, 3, 25)):
        values = np.asarray(drawn, dtype=float)
        n, total = values.size, values.sum()
        pairs = sum(abs(a - b) for a, b in itertools.product(values.tolist(), repeat=2))
        expected = pairs / (2 * n * total) if total > 0 else 0.0
        assert math.isclose(metric_functions.gini(values), expected, abs_tol=1e-12)


def test_active_component_share_is_the_largest_group_of_recent_participants(ran):
    r = ran.population.residents
    recent = (ran.week - r.last_participation) < ran.settings.dynamics.active_window
    graph = nx.Graph()
    graph.add_nodes_from(np.flatnonzero(recent).tolist())
    for i, ties in enumerate(neighbours_of(ran.population.resident_ties)):
        graph.add_edges_from((i, j) for j in ties if recent[i] and recent[j])
    largest = max(len(c) for c in nx.connected_components(graph))
    assert metric_functions._active_component_share(ran) == largest / r.block.size


def test_ei_index_counts_ties_within_and_across_kinds(ran):
    kind = nx.get_node_attributes(ran.grid.G, "kind")
    internal = sum(kind[a] == kind[b] for a, b in ran.grid.G.edges())
    external = ran.grid.G.number_of_edges() - internal
    expected = (external - internal) / (external + internal)
    assert math.isclose(metric_functions._ei_index(ran), expected)


def test_bridging_share_counts_ties_between_blocks(ran):
    block = ran.population.residents.block
    ties = [(i, j) for i, t in enumerate(neighbours_of(ran.population.resident_ties)) for j in t]
    expected = sum(block[i] != block[j] for i, j in ties) / len(ties)
    values = metric_functions.compute_metrics(ran, {})
    assert math.isclose(values["bridging_tie_share"], expected)


# ---- build ----------------------------------------------------------------------------


def test_fast_graph_equals_adding_nodes_and_ties_one_by_one(ran):
    population = ran.population
    res, units, cores = population.residents, population.units, population.cores
    n_res, n_core = population.n_residents, population.n_communities
    plain = nx.Graph()
    for i in range(n_res):
        plain.add_node(i, kind="resident", block=int(res.block[i]), community=int(res.community[i]))
    for c in range(n_core):
        plain.add_node(n_res + c, kind=KINDS[0], block=int(cores.block[c]), community=c)
    for u in range(population.n_units):
        plain.add_node(
            int(population.unit_node(u)),
            kind=KINDS[int(units.kind[u])],
            block=int(units.block[u]),
            community=int(units.community[u]),
        )
    upper = sp.triu(population.resident_ties, k=1).tocoo()
    plain.add_edges_from(zip(upper.row.tolist(), upper.col.tolist(), strict=True))
    for u, i in zip(*population.unit_ties.nonzero(), strict=True):
        plain.add_edge(int(population.unit_node(u)), int(i))
    for c, i in zip(*population.core_ties.nonzero(), strict=True):
        plain.add_edge(int(population.core_node(c)), int(i))
    for u in np.flatnonzero(units.in_committee).tolist():
        plain.add_edge(int(population.core_node(units.community[u])), int(population.unit_node(u)))
    fast = build_graph(population)
    assert list(fast.nodes(data=True)) == list(plain.nodes(data=True))
    assert list(fast.edges()) == list(plain.edges())
    assert all(list(fast.adj[node]) == list(plain.adj[node]) for node in plain)
    fast.add_edge(0, 1, weight=2.0)  # edge data is one dict per tie, shared by both ends
    assert fast[1][0] == {"weight": 2.0}


def test_community_network_connects_cells_as_mesa_network_does(ran):
    graph = build_graph(ran.population)
    ours = CommunityNetwork(graph, layout=None, random=ran.random)
    mesa_own = Network(graph, layout=None, random=ran.random)
    assert isinstance(ours, Network)
    for node in graph:
        assert list(ours[node].connections) == list(mesa_own[node].connections)
        assert [c.coordinate for c in ours[node].neighborhood] == [
            c.coordinate for c in mesa_own[node].neighborhood
        ]


def test_units_are_drawn_as_one_unit_at_a_time_would_draw_them():
    scenario = small(**{"population.communities": 4})
    vectorised = build_population(scenario, np.random.default_rng(9)).units
    rng = np.random.default_rng(9)
    _, block_community = build_residents(scenario, rng)  # the residents' draws come first
    specs = scenario.population.units
    kinds = [
        code
        for code, name in enumerate(UNIT_KINDS, start=1)
        for _ in range(getattr(specs, name).count * 4)
    ]
    rng.gamma(4.0, 1.0, len(kinds))  # resources
    concentration = scenario.population.traits.heterogeneity
    commitment = [
        beta_with_mean(rng, getattr(specs, UNIT_KINDS[k - 1]).commitment, concentration, 1)[0]
        for k in kinds
    ]
    blocks_of = [np.flatnonzero(block_community == c) for c in range(4)]
    block = [blocks_of[c][rng.integers(len(blocks_of[c]))] for c in vectorised.community]
    assert np.array_equal(vectorised.commitment, commitment)
    assert np.array_equal(vectorised.block, block)


# ---- model level ----------------------------------------------------------------------


def test_lazy_agents_give_the_same_run_and_the_same_graph():
    eager = GovernanceModel(small(), rng=12, agent_interval=0, lazy_agents=False).run()
    lazy = GovernanceModel(small(), rng=12, agent_interval=0).run()
    assert lazy._grid is None, "no agents should be built until they are asked for"
    pd.testing.assert_frame_equal(eager.metrics_frame(), lazy.metrics_frame(), check_exact=True)
    assert {frozenset(e) for e in eager.grid.G.edges()} == {
        frozenset(e) for e in lazy.grid.G.edges()
    }
    assert dict(eager.grid.G.nodes(data=True)) == dict(lazy.grid.G.nodes(data=True))
    assert len(lazy.agents) == len(eager.agents)
    assert [a.unique_id for a in lazy.agents] == [a.unique_id for a in eager.agents]


def test_agent_records_as_columns_give_mesa_own_dataframe():
    model = GovernanceModel(small(), rng=13).run(3)
    collector = model.datacollector
    for agent_type in collector.agenttype_reporters:
        ours = collector.get_agenttype_vars_dataframe(agent_type)
        theirs = mesa.DataCollector.get_agenttype_vars_dataframe(collector, agent_type)
        pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
    records = collector._agenttype_records[3.0][Resident]
    first = next(iter(records))
    assert records[0] == first and len(records) == 300
    agent = next(a for a in model.agents_by_type[Resident] if a.unique_id == first[1])
    assert first[2:] == tuple(
        getattr(agent, name) for name in collector.agenttype_reporters[Resident]
    )


def reference_meet(self, model: GovernanceModel) -> None:
    """Meetings written plainly: each community scans every resident and every issue, and
    each issue's opinions are exchanged pair by pair and judged by a loop."""
    from govsim.sim.mechanisms.deliberation import (  # noqa: PLC0415
        BY_DELIBERATION,
        UNDECIDED,
        bounded_confidence,
    )

    p = self.params
    if p.interval == 0 or model.week % p.interval != 0:
        return
    r = model.population.residents
    book = model.issues
    for community in range(model.population.n_communities):
        self.meetings_scheduled += 1
        waiting = book.open_issues()
        waiting = waiting[
            (book.community[waiting] == community)
            & book.needs_decision[waiting]
            & (book.decided[waiting] == UNDECIDED)
        ][: p.agenda_size]
        if waiting.size == 0:
            continue
        present = np.flatnonzero(r.participating & (r.community == community))
        if present.size > p.meeting_size:
            present = model.rng.choice(present, p.meeting_size, replace=False)
        if present.size < 2:
            continue
        self.meetings_held += 1
        seats = model.rng.permuted(np.tile(np.arange(present.size), (p.rounds, 1)), axis=1)
        decided = 0
        for k in waiting.tolist():
            affected = r.block[present] == book.block[k]
            cost = book.cost[k] / model.settings.issues.mean_cost
            x = np.clip(
                r.opinion[present] + np.where(affected, p.stake_support, -p.cost_aversion * cost),
                0.0,
                1.0,
            )
            for order in seats:
                bounded_confidence(x, order[0:-1:2], order[1::2], p.confidence, p.convergence)
            agreement = float(np.mean(np.abs(x - np.median(x)) <= p.consensus_band))
            if agreement < p.majority:
                continue
            decided += 1
            book.decided[k] = BY_DELIBERATION
            book.legitimacy[k] = agreement * (1.0 if affected.any() else p.absent_stake_legitimacy)
            if k >= book.first_counted:
                book.decided_by_deliberation += 1
                book.legitimacy_total += book.legitimacy[k]
        self.decisions += decided
        share = decided / waiting.size
        r.efficacy[present] += p.efficacy_gain * share * (1.0 - r.efficacy[present])
        r.last_meeting[present] = model.week


def test_meetings_draw_and_decide_as_community_by_community_scans_would():
    scenario = small(**{"population.communities": 3, "mechanisms.deliberation.meeting_size": 20})
    fast = GovernanceModel(scenario, rng=21, agent_interval=0).run(16)
    slow = GovernanceModel(scenario, rng=21, agent_interval=0)
    meeting = slow.mechanisms["deliberation"]
    meeting.meet = reference_meet.__get__(meeting)
    slow.run(16)
    assert fast.mechanisms["deliberation"].decisions > 0
    pd.testing.assert_frame_equal(fast.metrics_frame(), slow.metrics_frame(), check_exact=True)
    assert np.array_equal(fast.issues.decided, slow.issues.decided)
    assert np.array_equal(fast.issues.legitimacy, slow.issues.legitimacy)


# ---- compiled kernels against the numpy and scipy code they replaced ---------------------


def numpy_row_sums(indptr, data):
    strength = np.zeros(indptr.size - 1)
    filled = np.flatnonzero(np.diff(indptr))
    if filled.size:
        strength[filled] = np.add.reduceat(data, indptr[filled])
    return strength


def numpy_member_sums(indptr, indices, data, members):
    n = indptr.size - 1
    return sp.csr_matrix((data, indices, indptr), shape=(n, n)) @ members.astype(np.float64)


def numpy_reinforce_and_decay(indptr, indices, data, taking_part, reinforcement, keep):
    rows = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    together = np.flatnonzero(taking_part[rows] & taking_part[indices])
    reinforced = data[together]
    reinforced += reinforcement * (1.0 - reinforced)
    data *= keep
    data[together] = reinforced
    weakest = data.min() if data.size else math.inf
    sums = numpy_member_sums(indptr, indices, data, taking_part)
    return numpy_row_sums(indptr, data), sums, weakest


def numpy_upper_ties(indptr, indices):
    rows = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    upper = rows < indices
    return rows[upper].astype(np.int32), indices[upper].astype(np.int32)


def numpy_update_row_sums(indptr, indices, data, rows, strength, sums, members):
    strength[rows] = numpy_row_sums(indptr, data)[rows]
    if sums.size:
        sums[rows] = numpy_member_sums(indptr, indices, data, members)[rows]


def scipy_components(first, second, recent, bounds):
    n = recent.size
    both = recent[first] & recent[second]
    active = sp.csr_matrix((np.ones(int(both.sum())), (first[both], second[both])), shape=(n, n))
    _, labels = sp.csgraph.connected_components(active, directed=False)
    communities = bounds.size - 1
    community = np.repeat(np.arange(communities), np.diff(bounds))
    by_community = np.zeros(communities, np.int64)
    keys = labels[recent].astype(np.int64) * communities + community[recent]
    unique, counts = np.unique(keys, return_counts=True)
    np.maximum.at(by_community, unique % communities, counts)
    return int(np.bincount(labels).max()), by_community


def numpy_across(indptr, indices, block):
    rows = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    across = block[rows] != block[indices]
    return np.bincount(rows, weights=across, minlength=indptr.size - 1).astype(np.int64)


def numpy_ranked_products(values, most):
    return np.arange(1, values.size + 1) * np.sort(values)


def numpy_opinion_groups(opinions, gap, min_share):
    ordered = np.sort(opinions)
    breaks = np.flatnonzero(np.diff(ordered) > gap)
    sizes = np.diff(np.concatenate([[0], breaks + 1, [ordered.size]]))
    return int((sizes >= min_share * opinions.size).sum())


def numpy_grouped_gini(counts, group, groups, top):
    histogram = np.bincount(group * top + counts, minlength=groups * top).reshape(groups, top)
    values = np.arange(top, dtype=np.float64)
    n = histogram.sum(axis=1).astype(np.float64)
    total = histogram @ values
    last_rank = np.cumsum(histogram, axis=1).astype(np.float64)
    first_rank = last_rank - histogram + 1
    rank_sum = (first_rank + last_rank) * histogram / 2
    weighted = rank_sum @ values
    gini = np.zeros(groups)
    valid = (total > 0) & (n > 0)
    gini[valid] = 2 * weighted[valid] / (n[valid] * total[valid]) - (n[valid] + 1) / n[valid]
    return gini


def numpy_update_wellbeing(residents, block, taking_part, per_block, neighbours, rates):
    s, t, e, s0, e0, t0 = residents
    gain_factor, loss_factor, gained = per_block
    sums, strength = neighbours
    adaptation, trust_rate, social_gain, efficacy_gain, efficacy_decay, performance = rates
    s[:] = 1.0 - (1.0 - s) * gain_factor[block]
    s *= loss_factor[block]
    s += adaptation * (s0 - s)
    share = np.divide(sums, strength, out=np.zeros_like(sums), where=strength > 0)
    together = taking_part * share
    toward = performance * s + (1.0 - performance) * t0
    t += trust_rate * (toward - t) + social_gain * together * (1.0 - t)
    e += efficacy_gain * (taking_part & gained[block]) * (1.0 - e)
    e += efficacy_decay * (e0 - e)
    np.clip(t, 0.0, 1.0, out=t)
    np.clip(e, 0.0, 1.0, out=e)


def numpy_log_miss(community, outreach, core, unit):
    from govsim.sim.submodels import to_residents  # noqa: PLC0415

    n = community.size
    log_miss = outreach[community]
    for indptr, indices, data, per_source in (core, unit):
        ties = sp.csr_matrix((data, indices, indptr), shape=(indptr.size - 1, n))
        if ties.shape[0]:
            log_miss += to_residents(ties, per_source)
    return log_miss


def numpy_take_part(decided, member, participating, record, habit_rate, week):
    last_participation, participations, habit, history = record
    taking = decided & member
    participating[:] = taking
    last_participation[taking] = week
    participations += taking
    habit += habit_rate * (taking - habit)
    history[:] = (history << np.uint64(1)) | taking.astype(np.uint64)


def scipy_add_ties(indptr, indices, data, first, second, weight):
    n = indptr.size - 1
    ties = sp.csr_matrix((data, indices, indptr), shape=(n, n))
    added = (np.asarray(ties[first, second]).ravel() == 0).astype(np.uint8)
    a, b = first[added == 1], second[added == 1]
    rows, cols = np.concatenate([a, b]), np.concatenate([b, a])
    new = sp.csr_matrix((np.full(rows.size, weight), (rows, cols)), shape=(n, n))
    total = (ties + new).tocsr()
    return total.indptr, total.indices, total.data, added


def numpy_segment_counts(mask, bounds):
    counts = np.zeros(bounds.size - 1)
    filled = bounds[1:] > bounds[:-1]
    if filled.any():
        counts[filled] = np.add.reduceat(mask, bounds[:-1][filled], dtype=np.float64)
    return counts


def scipy_add_entries(indptr, indices, data, rows, cols, value):
    columns = max(int(cols.max(initial=0)), int(indices.max(initial=0))) + 1
    shape = (indptr.size - 1, columns)  # enough columns: the arrays do not depend on it
    matrix = sp.csr_matrix((data, indices, indptr), shape=shape)
    added = (np.asarray(matrix[rows, cols]).ravel() == 0).astype(np.uint8)
    flag = added == 1
    new = sp.csr_matrix((np.full(int(flag.sum()), value), (rows[flag], cols[flag])), shape=shape)
    total = (matrix + new).tocsr()
    return total.indptr, total.indices, total.data, added


def numpy_shares(part, whole):
    return np.divide(part, whole, out=np.zeros_like(part), where=whole > 0)


def numpy_reached(draws, missed, out):
    out[:] = draws < 1.0 - missed


def numpy_private_utility(weights, terms, stake):
    b_d, b0, b_e, b_t, b_m, b_p, b_h, b_s, b_c = weights.tolist()
    f, d, e, t, m, p, h, a = terms
    block_stake, block = stake
    u = b_d * f  # the terms of decision.base.private_utility, in its order
    u *= d
    u += b0
    u += b_e * e
    u += b_t * t
    u += b_m * m
    u += b_p * p
    u += b_h * h
    u += b_s * block_stake[block]
    u -= b_c * (1.0 - a)
    return u


def numpy_award_points(participating, can_redeem, points, points_earned, has_redeemed, per, price):
    earned = per * participating
    points += earned
    points_earned += earned
    redeeming = (points >= price) & can_redeem
    points[redeeming] -= price
    has_redeemed |= redeeming
    return int(redeeming.sum())


def numpy_points_reward(points, can_redeem, has_redeemed, rule, incentive, factor):
    award, price, value, discount, crowding_out = rule
    if award > 0:
        further = np.ceil(np.maximum(price - points - award, 0.0) / award)
        incentive[:] = np.where(can_redeem, value * award * discount**further, 0.0)
    else:
        incentive[:] = 0.0
    factor[:] = 1.0 - crowding_out * has_redeemed


def numpy_deliberate_agenda(opinions, seats, confidence, convergence, band):
    from govsim.sim.mechanisms.deliberation import bounded_confidence  # noqa: PLC0415

    for order in seats:  # a round: disjoint pairs, the same on every issue
        pairs = order.size // 2
        a, b = order[0 : 2 * pairs : 2], order[1 : 2 * pairs : 2]
        for row in opinions:
            bounded_confidence(row, a, b, confidence, convergence)
    if opinions.shape[1] == 0:
        return np.zeros(opinions.shape[0])
    median = np.median(opinions, axis=1, keepdims=True)
    return (np.abs(opinions - median) <= band).mean(axis=1)


NUMPY_KERNELS = {
    "private_utility": numpy_private_utility,
    "award_points": numpy_award_points,
    "points_reward": numpy_points_reward,
    "deliberate_agenda": numpy_deliberate_agenda,
    "shares": numpy_shares,
    "reached": numpy_reached,
    "add_entries": scipy_add_entries,
    "segment_counts": numpy_segment_counts,
    "log_miss": numpy_log_miss,
    "take_part": numpy_take_part,
    "update_wellbeing": numpy_update_wellbeing,
    "row_sums": numpy_row_sums,
    "member_sums": numpy_member_sums,
    "reinforce_and_decay": numpy_reinforce_and_decay,
    "upper_ties": numpy_upper_ties,
    "update_row_sums": numpy_update_row_sums,
    "largest_recent_components": scipy_components,
    "ties_across_blocks": numpy_across,
    "add_ties": scipy_add_ties,
    "grouped_gini": numpy_grouped_gini,
    "ranked_products": numpy_ranked_products,
    "opinion_groups": numpy_opinion_groups,
}


@pytest.mark.parametrize(
    "overrides",
    [
        {"population.communities": 3, "mechanisms.interconnection.interval": 2},
        {"network.ties.decay": 0.3, "network.ties.floor": 0.1, "decision.rule": "threshold"},
    ],
)
def test_runs_with_compiled_kernels_equal_runs_with_the_numpy_code(monkeypatch, overrides):
    from govsim.sim import kernels  # noqa: PLC0415

    scenario = small(**{"steps": 14, **overrides})
    compiled = GovernanceModel(scenario, rng=31, agent_interval=0).run()
    for name, function in NUMPY_KERNELS.items():
        monkeypatch.setattr(kernels, name, function)
    plain = GovernanceModel(scenario, rng=31, agent_interval=0).run()
    pd.testing.assert_frame_equal(compiled.metrics_frame(), plain.metrics_frame(), check_exact=True)
    pd.testing.assert_frame_equal(
        compiled.community_frame(), plain.community_frame(), check_exact=True
    )
    for name in ("opinion", "trust", "satisfaction", "efficacy", "participations"):
        assert np.array_equal(
            getattr(compiled.population.residents, name), getattr(plain.population.residents, name)
        )
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(
            getattr(compiled.population.resident_ties, name),
            getattr(plain.population.resident_ties, name),
        )
    assert compiled.rng.bit_generator.state == plain.rng.bit_generator.state


def test_every_kernel_has_its_numpy_counterpart_in_the_run_comparison():
    from govsim.sim import kernels  # noqa: PLC0415

    assert set(NUMPY_KERNELS) == set(kernels.__all__)
