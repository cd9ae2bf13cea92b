"""Each compiled kernel (model/sim/kernels.py) computes what its rule says.

Every test writes the rule as a plain Python loop over residents, ties or attendees
(the way docs/ODD.md states it) and checks the kernel against it, and, where the kernel
promises the very numbers of the numpy or scipy call it replaced (the same additions in
the same order), checks equality with that call, not closeness.
"""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from govsim.sim import kernels, metrics
from govsim.sim.kernels import summation
from govsim.sim.mechanisms.deliberation import bounded_confidence


def random_ties(rng: np.random.Generator, n: int, mean_degree: float, hubs: int = 0):
    """A symmetric tie matrix with strengths in (0, 1], some empty rows and a few hubs."""
    pairs = int(n * mean_degree / 2)
    i, j = rng.integers(0, n, pairs), rng.integers(0, n, pairs)
    if hubs:  # rows longer than numpy's 8- and 128-value summation blocks
        i[: hubs * 300] = rng.integers(0, hubs, hubs * 300)
    keep = i != j
    i, j = i[keep], j[keep]
    matrix = sp.csr_matrix(
        (np.ones(2 * i.size), (np.concatenate([i, j]), np.concatenate([j, i]))), shape=(n, n)
    )
    matrix.sum_duplicates()
    matrix.data[:] = rng.uniform(0.01, 1.0, matrix.nnz) * 10.0 ** rng.integers(-3, 1, matrix.nnz)
    return matrix


def rows_of(matrix: sp.csr_matrix) -> list[list[tuple[int, float]]]:
    """Resident i -> [(neighbour j, strength w_ij), ...] in storage order."""
    return [
        list(
            zip(
                matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]].tolist(),
                matrix.data[matrix.indptr[i] : matrix.indptr[i + 1]].tolist(),
                strict=True,
            )
        )
        for i in range(matrix.shape[0])
    ]


@pytest.fixture(params=[(0, 300, 4.0, 0), (1, 500, 12.0, 3), (2, 50, 0.5, 0)])
def ties(request) -> sp.csr_matrix:
    seed, n, degree, hubs = request.param
    return random_ties(np.random.default_rng(seed), n, degree, hubs)


def test_pairwise_sum_adds_as_numpy_sums_an_array():
    rng = np.random.default_rng(1)
    for count in [0, 1, 7, 8, 9, 15, 16, 127, 128, 129, 255, 256, 257, 1000, 4099]:
        values = rng.random(count) * 10.0 ** rng.integers(-6, 6, count)
        assert summation._pairwise_sum(values, 0, count) == np.add.reduce(values)
        assert math.isclose(summation._pairwise_sum(values, 0, count), math.fsum(values))


def test_row_sums_are_each_residents_strength(ties):
    expected = [sum(w for _, w in row) for row in rows_of(ties)]
    got = kernels.row_sums(ties.indptr, ties.data)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.array_equal(got, np.asarray(ties.sum(axis=1)).ravel())  # numpy's own order


def test_member_sums_add_the_strength_of_ties_to_members(ties):
    members = np.random.default_rng(3).random(ties.shape[0]) < 0.3
    expected = [sum(w for j, w in row if members[j]) for row in rows_of(ties)]
    got = kernels.member_sums(ties.indptr, ties.indices, ties.data, members)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.array_equal(got, ties @ members.astype(np.float64))  # scipy's mat-vec


def test_reinforce_and_decay_applies_the_tie_rule_to_every_tie(ties):
    rng = np.random.default_rng(4)
    taking_part = rng.random(ties.shape[0]) < 0.4
    reinforcement, decay = 0.02, 0.004
    before = rows_of(ties)
    data = ties.data.copy()
    strength, together, weakest = kernels.reinforce_and_decay(
        ties.indptr, ties.indices, data, taking_part, reinforcement, 1 - decay
    )
    expected = []
    for i, row in enumerate(before):
        for j, w in row:
            if taking_part[i] and taking_part[j]:
                expected.append(w + reinforcement * (1.0 - w))
            else:
                expected.append(w * (1 - decay))
    assert data.tolist() == expected  # exactly the rule's two expressions
    after = sp.csr_matrix((data, ties.indices, ties.indptr), shape=ties.shape)
    assert np.array_equal(strength, kernels.row_sums(ties.indptr, data))
    assert np.array_equal(
        together, kernels.member_sums(ties.indptr, ties.indices, data, taking_part)
    )
    assert np.array_equal(together, after @ taking_part.astype(np.float64))
    assert weakest == (min(expected) if expected else math.inf)


def test_largest_recent_components_match_networkx_overall_and_per_community():
    rng = np.random.default_rng(5)
    for n, degree, share in [(400, 1.5, 0.6), (600, 3.0, 0.3), (30, 0.0, 0.5), (200, 2.0, 0.0)]:
        ties = random_ties(rng, n, degree)
        recent = rng.random(n) < share
        bounds = np.array([0, n // 3, n // 3, n], dtype=np.int64)  # one community empty
        first, second = kernels.upper_ties(ties.indptr, ties.indices)
        shuffled = rng.permutation(first.size)  # the order of the ties does not matter
        largest, by_community = kernels.largest_recent_components(
            first[shuffled], second[shuffled], recent, bounds
        )
        graph = nx.Graph()
        graph.add_nodes_from(np.flatnonzero(recent).tolist())
        graph.add_edges_from(
            (i, j) for i, row in enumerate(rows_of(ties)) for j, _ in row if recent[i] and recent[j]
        )
        components = list(nx.connected_components(graph))
        assert largest == max((len(c) for c in components), default=1)  # or one alone
        for c in range(3):
            members = set(range(bounds[c], bounds[c + 1]))
            best = max((len(component & members) for component in components), default=0)
            assert by_community[c] == best


def test_upper_ties_list_every_tie_once_in_storage_order(ties):
    expected = [(i, j) for i, row in enumerate(rows_of(ties)) for j, _ in row if i < j]
    first, second = kernels.upper_ties(ties.indptr, ties.indices)
    assert list(zip(first.tolist(), second.tolist(), strict=True)) == expected


def test_update_row_sums_recomputes_the_given_rows_as_the_full_kernels_do(ties):
    rng = np.random.default_rng(11)
    members = rng.random(ties.shape[0]) < 0.5
    rows = np.unique(rng.integers(0, ties.shape[0], 20))
    strength, sums = np.full(ties.shape[0], -1.0), np.full(ties.shape[0], -1.0)
    kernels.update_row_sums(ties.indptr, ties.indices, ties.data, rows, strength, sums, members)
    untouched = np.setdiff1d(np.arange(ties.shape[0]), rows)
    assert (strength[untouched] == -1).all() and (sums[untouched] == -1).all()
    full = kernels.row_sums(ties.indptr, ties.data)
    assert np.array_equal(strength[rows], full[rows])
    members_sums = kernels.member_sums(ties.indptr, ties.indices, ties.data, members)
    assert np.array_equal(sums[rows], members_sums[rows])
    kernels.update_row_sums(  # without member sums
        ties.indptr, ties.indices, ties.data, rows, strength, np.zeros(0), members
    )
    assert np.array_equal(strength[rows], full[rows])


def test_ties_across_blocks_count_each_residents_ties_to_other_blocks(ties):
    block = np.random.default_rng(6).integers(0, 7, ties.shape[0])
    expected = [sum(block[j] != block[i] for j, _ in row) for i, row in enumerate(rows_of(ties))]
    got = kernels.ties_across_blocks(ties.indptr, ties.indices, block)
    assert got.tolist() == expected


def test_agenda_rounds_are_rounds_of_disjoint_deffuant_pairs():
    rng = np.random.default_rng(7)
    for size in [2, 3, 10, 31]:
        opinions = rng.random((2, size))
        seats = np.stack([rng.permutation(size) for _ in range(12)])
        vectorised = opinions.copy()
        for row in vectorised:  # the numpy rule, one round at a time, issue by issue
            for order in seats:
                bounded_confidence(row, order[0:-1:2], order[1::2], 0.3, 0.4)
        kernels.deliberate_agenda(opinions, seats, 0.3, 0.4, 0.1)
        assert np.array_equal(opinions, vectorised)


def test_agreement_is_the_share_within_the_band_of_the_median():
    rng = np.random.default_rng(8)
    for _ in range(500):
        n = int(rng.integers(1, 12))
        opinions = np.round(rng.random((1, n)), 1)
        band = float(rng.choice([0.05, 0.1, 0.2]))
        ordered = sorted(opinions[0].tolist())
        median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
        expected = sum(abs(x - median) <= band for x in ordered) / n
        no_rounds = np.zeros((0, n), np.int64)
        assert kernels.deliberate_agenda(opinions, no_rounds, 0.3, 0.3, band)[0] == expected


def test_add_ties_gives_the_matrix_scipy_would_build(ties):
    rng = np.random.default_rng(9)
    n = ties.shape[0]
    a, b = rng.integers(0, n, 60), rng.integers(0, n, 60)
    stored = ties.nonzero()
    a[:6], b[:6] = stored[0][:6], stored[1][:6]  # some are tied already
    keep = a != b
    key = np.unique(np.minimum(a[keep], b[keep]) * n + np.maximum(a[keep], b[keep]))
    first, second = key // n, key % n
    indptr, indices, data, added = kernels.add_ties(
        ties.indptr, ties.indices, ties.data, first, second, 0.3
    )
    new = [(i, j) for i, j in zip(first.tolist(), second.tolist(), strict=True) if ties[i, j] == 0]
    assert [(i, j) for i, j, f in zip(first, second, added, strict=True) if f] == new
    rows = [i for i, _ in new] + [j for _, j in new]
    cols = [j for _, j in new] + [i for i, _ in new]
    expected = (ties + sp.csr_matrix(([0.3] * len(rows), (rows, cols)), shape=ties.shape)).tocsr()
    assert np.array_equal(indptr, expected.indptr)
    assert np.array_equal(indices, expected.indices)
    assert np.array_equal(data, expected.data)


def test_add_entries_gives_the_matrix_scipy_would_build():
    rng = np.random.default_rng(17)
    matrix = sp.random(40, 300, density=0.05, format="csr", random_state=3)
    matrix.data[:] = 1.0
    rows, cols = rng.integers(0, 40, 80), rng.integers(0, 300, 80)
    stored = matrix.nonzero()
    rows[:5], cols[:5] = stored[0][:5], stored[1][:5]  # some are stored already
    key = np.unique(rows * 300 + cols)
    rows, cols = key // 300, key % 300
    indptr, indices, data, added = kernels.add_entries(
        matrix.indptr, matrix.indices, matrix.data, rows, cols, 1.0
    )
    new = [(r, c) for r, c in zip(rows.tolist(), cols.tolist(), strict=True) if matrix[r, c] == 0]
    assert [(r, c) for r, c, f in zip(rows, cols, added, strict=True) if f] == new
    extra = sp.csr_matrix(([1.0] * len(new), tuple(zip(*new, strict=True))), shape=matrix.shape)
    expected = (matrix + extra).tocsr()
    assert np.array_equal(indptr, expected.indptr)
    assert np.array_equal(indices, expected.indices)
    assert np.array_equal(data, expected.data)


def test_grouped_gini_is_the_gini_of_each_groups_sorted_values():
    rng = np.random.default_rng(10)
    values, group = rng.integers(0, 6, 500), rng.integers(0, 4, 500)
    values[group == 3] = 0  # a group with nothing: 0
    got = kernels.grouped_gini(values, group, 5, 6)  # group 4 is empty: 0
    for g in range(3):
        ordered = sorted(values[group == g].tolist())
        n, total = len(ordered), sum(ordered)
        expected = 2 * sum((k + 1) * x for k, x in enumerate(ordered)) / (n * total) - (n + 1) / n
        assert math.isclose(got[g], expected, rel_tol=1e-12)
    assert got[3] == 0.0 and got[4] == 0.0


def test_ranked_products_are_the_rank_weighted_sorted_values():
    rng = np.random.default_rng(14)
    cases = [
        rng.integers(0, 20, 100_001) * 10.0,  # points: multiples of the points per part
        rng.integers(0, 3, 7) * 2.5,
        np.zeros(300),
        np.array([4.0]),
        np.concatenate([np.full(500, 1e6), np.full(3, 1e-9), rng.integers(0, 5, 900) * 0.1]),
    ]
    for values in cases:
        expected = np.arange(1, values.size + 1) * np.sort(values)
        assert np.array_equal(kernels.ranked_products(values, 256), expected)
    # The rule as it reads: a loop over the sorted values.
    values = rng.integers(0, 6, 50) * 1.5
    expected = [(k + 1) * x for k, x in enumerate(sorted(values.tolist()))]
    assert kernels.ranked_products(values, 256).tolist() == expected
    # More distinct values than allowed, or a NaN: nothing, and the caller sorts.
    assert kernels.ranked_products(rng.random(1000), 256).size == 0
    assert kernels.ranked_products(np.array([1.0, np.nan, 2.0]), 256).size == 0


def test_gini_gives_the_same_number_with_or_without_the_counting_sort():
    rng = np.random.default_rng(15)
    points = rng.integers(0, 30, 5000) * 10.0
    many = rng.random(5000)
    for values in (points, many):
        ordered = np.sort(values)
        n = values.size
        expected = float(
            (2.0 * (np.arange(1, n + 1) * ordered).sum()) / (n * values.sum()) - (n + 1) / n
        )
        assert metrics.gini(values) == expected


def sorted_opinion_groups(opinions, gap, min_share):
    ordered = sorted(opinions.tolist())
    groups, size = [], 1
    for a, b in itertools.pairwise(ordered):
        if b - a > gap:
            groups.append(size)
            size = 0
        size += 1
    groups.append(size)
    return sum(1 for g in groups if g >= min_share * len(ordered))


def test_opinion_groups_split_sorted_opinions_where_neighbours_are_gap_apart():
    rng = np.random.default_rng(16)
    gap = 1e-3
    cases = [
        rng.random(5000),  # spread out: many small groups, few of 2%
        np.concatenate([c + rng.normal(0, 2e-4, 400) for c in (0.1, 0.35, 0.352, 0.9)]),
        np.repeat([0.2, 0.2 + gap, 0.2 + 2.0000001 * gap, 0.7], 50),  # steps at the gap
        np.arange(0, 0.5, gap),  # every neighbour gap apart, up to rounding
        np.arange(0, 0.5, gap * (1 - 5e-10)),  # just under the bins' width
        np.full(100, 0.5),
        np.array([0.3]),
    ]
    for opinions in cases:
        for min_share in (0.0, 0.02, 0.3):
            expected = sorted_opinion_groups(opinions, gap, min_share)
            assert kernels.opinion_groups(opinions, gap, min_share) == expected
            assert metrics.opinion_clusters(opinions, gap, min_share) == expected
    # Where bins do not apply the caller sorts: NaN, no gap, a wide spread of few values.
    assert kernels.opinion_groups(np.array([0.1, np.nan]), gap, 0.02) == -1
    assert kernels.opinion_groups(np.array([0.1, 0.2]), 0.0, 0.02) == -1
    assert kernels.opinion_groups(np.array([0.0, 1e9]), gap, 0.02) == -1
    assert metrics.opinion_clusters(np.array([0.0, 1e9]), gap, 0.0) == 2


def test_update_wellbeing_applies_the_three_rules_resident_by_resident():
    rng = np.random.default_rng(12)
    n, blocks = 400, 9
    s, t, e = rng.random(n), rng.random(n), rng.random(n)
    s0, e0, t0 = rng.random(n), rng.random(n), rng.random(n)
    block = rng.integers(0, blocks, n)
    taking_part = rng.random(n) < 0.4
    gains, losses = rng.integers(0, 3, blocks) * 0.5, rng.integers(0, 2, blocks) * 1.0
    sums, strength = rng.random(n), rng.random(n) + 0.5
    sums[:5], strength[:5] = 0.0, 0.0  # residents without ties
    adaptation, trust_rate, social, eff_gain, eff_decay = 0.05, 0.1, 0.3, 0.2, 0.02
    expected = []
    for i in range(n):
        b = block[i]
        si = 1.0 - (1.0 - s[i]) * (1.0 - 0.1) ** gains[b]
        si *= (1.0 - 0.05) ** losses[b]
        si += adaptation * (s0[i] - si)
        share = sums[i] / strength[i] if taking_part[i] and strength[i] > 0 else 0.0
        toward = 0.6 * si + 0.4 * t0[i]
        ti = t[i] + trust_rate * (toward - t[i]) + social * share * (1.0 - t[i])
        ei = e[i] + eff_gain * (taking_part[i] and gains[b] > 0) * (1.0 - e[i])
        ei += eff_decay * (e0[i] - ei)
        expected.append((si, min(max(ti, 0.0), 1.0), min(max(ei, 0.0), 1.0)))
    kernels.update_wellbeing(
        (s, t, e, s0, e0, t0),
        block,
        taking_part,
        ((1.0 - 0.1) ** gains, (1.0 - 0.05) ** losses, gains > 0),
        (sums, strength),
        (adaptation, trust_rate, social, eff_gain, eff_decay, 0.6),
    )
    np.testing.assert_allclose(np.column_stack([s, t, e]), expected, rtol=1e-12, atol=1e-15)


def test_log_miss_adds_a_term_for_every_source_tied_to_a_resident():
    rng = np.random.default_rng(13)
    n, communities = 200, 3
    community = np.sort(rng.integers(0, communities, n))
    core = sp.random(communities, n, density=0.05, format="csr", random_state=1)
    unit = sp.random(12, n, density=0.1, format="csr", random_state=2)
    core.data[:], unit.data[:] = 1.0, 1.0
    outreach = np.log1p(-rng.random(communities) * 0.1)
    core_log, unit_log = np.log1p(-rng.random(communities)), np.log1p(-rng.random(12))
    expected = [outreach[community[i]] for i in range(n)]
    core_terms, unit_terms = [0.0] * n, [0.0] * n
    for source, i in zip(*core.nonzero(), strict=True):
        core_terms[i] += core_log[source]
    for source, i in zip(*unit.nonzero(), strict=True):
        unit_terms[i] += unit_log[source]
    expected = [expected[i] + core_terms[i] + unit_terms[i] for i in range(n)]
    got = kernels.log_miss(
        community,
        outreach,
        (core.indptr, core.indices, core.data, core_log),
        (unit.indptr, unit.indices, unit.data, unit_log),
    )
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.array_equal(got, outreach[community] + core.T @ core_log + unit.T @ unit_log)
    none = sp.csr_matrix((0, n))
    no_units = kernels.log_miss(
        community,
        outreach,
        (core.indptr, core.indices, core.data, core_log),
        (none.indptr, none.indices, none.data, np.zeros(0)),
    )
    assert np.array_equal(no_units, outreach[community] + core.T @ core_log)


def test_take_part_records_members_who_chose_to_take_part():
    rng = np.random.default_rng(14)
    decided, member = rng.random(50) < 0.5, rng.random(50) < 0.8
    participating = np.zeros(50, bool)
    last = np.full(50, -5, np.int64)
    weeks = rng.integers(0, 4, 50)
    habit = rng.random(50)
    history = rng.integers(0, 2**40, 50).astype(np.uint64)
    before = weeks.copy(), habit.copy(), history.copy()
    kernels.take_part(decided, member, participating, (last, weeks, habit, history), 0.1, 7)
    for i in range(50):
        taking = bool(decided[i] and member[i])
        assert participating[i] == taking
        assert last[i] == (7 if taking else -5)
        assert weeks[i] == before[0][i] + taking
        assert habit[i] == before[1][i] + 0.1 * (float(taking) - before[1][i])
        assert int(history[i]) == ((int(before[2][i]) << 1) | taking) % 2**64


def test_history_keeps_the_last_64_weeks_a_bit_each():
    history = np.zeros(1, np.uint64)
    record = (np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1), history)
    pattern = [True, False, False, True] * 20  # 80 weeks, oldest first
    for week, taking in enumerate(pattern):
        kernels.take_part(
            np.array([taking]), np.array([True]), np.zeros(1, bool), record, 0.1, week
        )
    bits = [(int(history[0]) >> k) & 1 for k in range(64)]  # bit k: k weeks ago
    assert bits == [int(t) for t in reversed(pattern[-64:])]


def test_segment_counts_count_each_segments_true_values():
    mask = np.random.default_rng(16).random(300) < 0.3
    bounds = np.array([0, 0, 10, 150, 150, 300])
    expected = [int(mask[a:b].sum()) for a, b in itertools.pairwise(bounds)]
    got = kernels.segment_counts(mask, bounds)
    assert got.tolist() == expected
    filled = np.diff(bounds) > 0
    assert np.array_equal(got[filled], np.add.reduceat(mask, bounds[:-1][filled], dtype=float))


def test_shares_divide_where_the_whole_is_positive():
    rng = np.random.default_rng(18)
    part, whole = rng.random(100), rng.random(100)
    whole[::7] = 0.0
    expected = [p / w if w > 0 else 0.0 for p, w in zip(part.tolist(), whole.tolist(), strict=True)]
    assert kernels.shares(part, whole).tolist() == expected


def test_reached_residents_draw_below_one_minus_the_chance_to_be_missed():
    rng = np.random.default_rng(19)
    draws, missed = rng.random(200), rng.random(200)
    out = np.zeros(200, bool)
    kernels.reached(draws, missed, out)
    assert out.tolist() == [d < 1.0 - m for d, m in zip(draws, missed, strict=True)]


UTILITY_WEIGHTS = np.array([1.5, -3.0, 1.0, 0.8, 1.2, 0.04, 2.0, 0.5, 1.1])


def utility_terms(rng: np.random.Generator, n: int) -> tuple:
    """Random per-resident terms of the private utility (f, D, E, T, M, I, H, A), and stakes."""
    factor = np.where(rng.random(n) < 0.3, 0.9, 1.0)
    asked = rng.random(n) < 0.4
    terms = (factor, rng.random(n), rng.random(n), rng.random(n), asked,
             rng.choice([0.0, 6.6, 10.0], n), rng.random(n), rng.random(n))  # fmt: skip
    block = rng.integers(0, 20, n)
    return terms, (rng.random(20) < 0.5, block)


def test_private_utility_adds_the_terms_resident_by_resident():
    rng = np.random.default_rng(20)
    terms, stake = utility_terms(rng, 2000)
    got = kernels.private_utility(UTILITY_WEIGHTS, terms, stake)
    b_d, b0, b_e, b_t, b_m, b_p, b_h, b_s, b_c = UTILITY_WEIGHTS.tolist()
    for i in range(2000):
        f, d, e, t, m, p, h, a = (float(term[i]) for term in terms)
        s = float(stake[0][stake[1][i]])
        v = b_d * f * d + b0 + b_e * e + b_t * t + b_m * m + b_p * p + b_h * h + b_s * s
        assert got[i] == v - b_c * (1 - a)  # the same operations in the same order


def test_award_points_earns_then_redeems_resident_by_resident():
    rng = np.random.default_rng(23)
    n = 400
    taking = rng.random(n) < 0.5
    can_redeem = rng.random(n) < 0.7
    points = rng.choice([0.0, 10.0, 30.0, 40.0, 45.0, 120.0], n)
    earned = rng.choice([0.0, 20.0, 80.0], n)
    redeemed = rng.random(n) < 0.1
    before = points.copy(), earned.copy(), redeemed.copy()
    count = kernels.award_points(taking, can_redeem, points, earned, redeemed, 10.0, 50.0)
    expected_count = 0
    for i in range(n):
        balance = before[0][i] + (10.0 if taking[i] else 0.0)
        assert earned[i] == before[1][i] + (10.0 if taking[i] else 0.0)
        redeeming = balance >= 50.0 and can_redeem[i]
        expected_count += redeeming
        # One redemption a week at most: a balance of 130 keeps 80 for later weeks.
        assert points[i] == (balance - 50.0 if redeeming else balance)
        assert redeemed[i] == (before[2][i] or redeeming)
    assert count == expected_count > 0


@pytest.mark.parametrize(
    ("balance", "further"),
    [(0.0, 4), (5.0, 4), (10.0, 3), (39.0, 1), (40.0, 0), (49.0, 0), (75.0, 0)],
)
def test_points_reward_is_the_discounted_value_of_this_weeks_award(balance, further):
    # Award 10, price 50: from a balance b, ceil((50 - b - 10) / 10) more participations.
    incentive, factor = np.zeros(1), np.ones(1)
    rule = (10.0, 50.0, 1.0, 0.9, 0.1)
    kernels.points_reward(np.array([balance]), np.array([True]), np.array([False]),
                          rule, incentive, factor)  # fmt: skip
    assert incentive[0] == pytest.approx(10.0 * 0.9**further)
    assert factor[0] == 1.0


def test_points_reward_is_nothing_without_an_award_or_a_partner_and_crowding_follows_redeeming():
    incentive, factor = np.ones(3), np.ones(3)
    points = np.array([40.0, 40.0, 40.0])
    reach, redeemed = np.array([True, False, True]), np.array([False, False, True])
    kernels.points_reward(points, reach, redeemed, (10.0, 50.0, 1.0, 0.9, 0.25), incentive, factor)
    assert incentive.tolist() == [10.0, 0.0, 10.0]  # no partner within reach: no reward
    assert factor.tolist() == [1.0, 1.0, 0.75]
    kernels.points_reward(points, reach, redeemed, (0.0, 50.0, 1.0, 0.9, 0.25), incentive, factor)
    assert incentive.tolist() == [0.0, 0.0, 0.0]  # no award: no reward


def test_deliberate_agenda_exchanges_on_every_issue_with_the_same_pairs():
    rng = np.random.default_rng(25)
    opinions = rng.random((4, 9))
    seats = np.array([rng.permutation(9) for _ in range(6)])
    expected = opinions.copy()
    for row in expected:  # one issue at a time, the Deffuant rule pair by pair
        for r in range(6):
            for k in range(0, 8, 2):
                a, b = seats[r, k], seats[r, k + 1]
                gap = row[b] - row[a]
                move = 0.3 * gap if abs(gap) < 0.4 else 0.0
                row[a] += move
                row[b] -= move
    agreement = kernels.deliberate_agenda(opinions, seats, 0.4, 0.3, 0.1)
    assert np.array_equal(opinions, expected)
    for q in range(4):
        median = np.median(expected[q])
        assert agreement[q] == np.mean(np.abs(expected[q] - median) <= 0.1)
