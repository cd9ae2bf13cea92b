"""Compiled kernels: the inner loops of the weekly step that read every tie or every attendee.

Core objects: one numba-compiled function per rule, each called from the module that owns
the rule (the rule itself is stated there and in docs/ODD.md; the docstring here says which):

- ``row_sums``: each resident's summed tie strength (``TieEditor.strength``);
- ``member_sums``: the summed strength of each resident's ties to a set of residents
  (the neighbour share of submodels.neighbour_share and the co-participant share of
  submodels.co_participant_share);
- ``reinforce_and_decay``: the weekly tie update (submodels.update_ties) in one pass,
  which also yields the two sums above for the new strengths; ``update_row_sums``
  takes both afresh for the rows that gained ties;
- ``update_wellbeing``: satisfaction, trust and efficacy (submodels.update_wellbeing);
- ``shares``, ``log_miss``, ``reached`` and ``take_part``: the neighbour share, the
  mobilisation sums and draws (submodels.mobilise) and the record of who takes part,
  habits and histories (GovernanceModel._take_part);
- ``private_utility``: the private part of the participation utility (decision/base.py);
- ``points_reward`` and ``award_points``: the expected reward of points and the points
  ledger (mechanisms/integral_scoring.py);
- ``upper_ties`` and ``largest_recent_components``: the edge list, and the largest
  connected group of recent participants, overall and per community (a union-find;
  metrics.active_component_share, district.community_metrics);
- ``ties_across_blocks``: per resident, its ties to other blocks (bridging_tie_share);
- ``deliberate_agenda``: a deliberation meeting's rounds of bounded-confidence exchange
  on every issue of its agenda, and each issue's agreement (mechanisms/deliberation.py);
- ``add_ties`` and ``add_entries``: new ties slotted into the resident tie matrix and
  the unit tie matrix (TieEditor.add_resident_ties, TieEditor.add_unit_ties);
- ``segment_counts`` and ``grouped_gini``: per-community counts, and the Gini of small
  counts per community (district.community_metrics);
- ``ranked_products`` and ``opinion_groups``: the sorted terms behind points_gini and the
  groups behind opinion_clusters (metrics.gini, metrics.opinion_clusters), without a
  sort when the values allow it.

The model's numpy code was written first and is still the reference: tests/test_kernels.py
checks every kernel against a plain per-agent loop, and tests/test_equivalence.py checks
that runs give what they gave before. The kernels draw no random numbers (every draw is
made with the model's numpy Generator, in the same order as before), and they add in the
same order as the numpy and scipy calls they replace (``_pairwise_sum`` replays numpy's
pairwise summation), so a run's numbers are unchanged, bit for bit.

Compiled with numba (``cache=True``: once per machine, then loaded from ``__pycache__``;
docs/PERFORMANCE.md gives the cost of the first run). No fast-math: every operation is the
IEEE operation the Python expression names.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "add_entries",
    "add_ties",
    "award_points",
    "deliberate_agenda",
    "grouped_gini",
    "largest_recent_components",
    "log_miss",
    "member_sums",
    "opinion_groups",
    "points_reward",
    "private_utility",
    "ranked_products",
    "reached",
    "reinforce_and_decay",
    "row_sums",
    "segment_counts",
    "shares",
    "take_part",
    "ties_across_blocks",
    "update_row_sums",
    "update_wellbeing",
    "upper_ties",
]

_jit = numba.njit(cache=True, nogil=True)

#: numpy's unrolled block in pairwise summation (``PW_BLOCKSIZE`` in numpy's loops).
_BLOCK = 128


@_jit
def _pairwise_sum(values: np.ndarray, start: int, count: int) -> float:
    """Sum of values[start:start + count], added in numpy's pairwise order.

    numpy adds a contiguous run of float64 this way (``pairwise_sum_DOUBLE``): fewer than
    8 values one after another from 0; up to 128 in eight interleaved partial sums combined
    as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), the remainder after; longer runs
    split in two halves (the first a multiple of 8 long) summed the same way.
    """
    if count < 8:
        total = 0.0
        for k in range(start, start + count):
            total += values[k]
        return total
    if count <= _BLOCK:
        r0, r1 = values[start], values[start + 1]
        r2, r3 = values[start + 2], values[start + 3]
        r4, r5 = values[start + 4], values[start + 5]
        r6, r7 = values[start + 6], values[start + 7]
        k = 8
        whole = count - count % 8
        while k < whole:
            at = start + k
            r0 += values[at]
            r1 += values[at + 1]
            r2 += values[at + 2]
            r3 += values[at + 3]
            r4 += values[at + 4]
            r5 += values[at + 5]
            r6 += values[at + 6]
            r7 += values[at + 7]
            k += 8
        total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while k < count:
            total += values[start + k]
            k += 1
        return total
    half = count // 2
    half -= half % 8
    return _pairwise_sum(values, start, half) + _pairwise_sum(values, start + half, count - half)


@_jit
def _segment_total(values: np.ndarray, start: int, stop: int) -> float:
    """values[start:stop] summed as ``np.add.reduceat`` sums a segment (0 when empty).

    reduceat starts from the segment's first value and adds the pairwise sum of the rest.
    """
    if stop <= start:
        return 0.0
    return values[start] + _pairwise_sum(values, start + 1, stop - start - 1)


@_jit
def row_sums(indptr: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Each row's sum of a CSR matrix: the strength s_i = sum_j w_ij of each resident.

    Rule: TieEditor.strength (model/sim/network.py). Equal, bit for bit, to
    ``np.add.reduceat(data, row starts)`` on the non-empty rows (``matrix.sum(axis=1)``),
    and 0 for rows without entries.
    """
    rows = indptr.size - 1
    out = np.zeros(rows)
    for i in range(rows):
        start, stop = indptr[i], indptr[i + 1]
        if stop - start > 8:
            out[i] = _segment_total(data, start, stop)
        elif stop > start:  # the pairwise sum of fewer than 8 values is sequential
            rest = 0.0
            for k in range(start + 1, stop):
                rest += data[k]
            out[i] = data[start] + rest
    return out


@_jit
def member_sums(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, members: np.ndarray
) -> np.ndarray:
    """m_i = sum_j w_ij [j in members]: each row's summed strength to ``members``.

    Rule: the numerator of the neighbour share n_i = m_i / s_i (submodels.neighbour_share,
    docs/ODD.md 7.3) and of the co-participant share (submodels.co_participant_share).
    Added in storage order from 0, as scipy's ``matrix @ members`` adds (w * 1 = w, and
    w * 0 adds nothing), so equal to that mat-vec bit for bit.
    """
    member = members.view(np.uint8)  # 0/1 multipliers: no branch to mispredict
    rows = indptr.size - 1
    out = np.zeros(rows)
    k = indptr[0]
    for i in range(rows):
        stop = indptr[i + 1]
        total = 0.0
        while k < stop:
            total += data[k] * np.float64(member[indices[k]])
            k += 1
        out[i] = total
    return out


@_jit
def update_row_sums(  # noqa: PLR0917 (numba compiles positional parameters only)
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    rows: np.ndarray,
    strength: np.ndarray,
    sums: np.ndarray,
    members: np.ndarray,
) -> None:
    """``row_sums`` and ``member_sums`` taken afresh for the given rows only, in place.

    After new ties are slotted into some rows (TieEditor.add_resident_ties), only those
    rows' sums change; each is recomputed from its row exactly as the full kernels do.
    An empty ``sums`` (size 0) skips the member sums.
    """
    member = members.view(np.uint8)
    for q in range(rows.size):
        i = rows[q]
        start, stop = indptr[i], indptr[i + 1]
        strength[i] = _segment_total(data, start, stop)
        if sums.size:
            total = 0.0
            for k in range(start, stop):
                total += data[k] * np.float64(member[indices[k]])
            sums[i] = total


@_jit
def reinforce_and_decay(  # noqa: PLR0917 (numba compiles positional parameters only)
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    taking_part: np.ndarray,
    reinforcement: float,
    keep: float,
) -> tuple[np.ndarray, np.ndarray, float]:
    """The weekly tie update, in place, in one pass over the ties.

    Rule (submodels.update_ties, docs/ODD.md 7.9): a tie (i, j) of strength w becomes
    w + reinforcement (1 - w) when i and j both took part this week, w * keep otherwise
    (keep = 1 - decay).

    Returns:
        (strength, together, weakest): per resident the new ``row_sums`` and the new
        ``member_sums`` over the residents taking part (the co-participant share's
        numerator this week, the neighbour share's next week), and the weakest new
        strength (+inf without ties), for the floor.
    """
    part = taking_part.view(np.uint8)
    rows = indptr.size - 1
    strength = np.zeros(rows)
    together = np.zeros(rows)
    weakest = np.inf
    k = indptr[0]
    for i in range(rows):
        start, stop = k, indptr[i + 1]
        if start == stop:
            continue
        active = np.float64(part[i])
        first = 0.0
        rest = 0.0
        total = 0.0
        while k < stop:
            w = data[k]
            other = np.float64(part[indices[k]])
            # Exactly one of the two rules, chosen by a 0/1 factor (x * 1 = x, x * 0 = 0,
            # x + 0 = x): the same number as a branch, without mispredicting it.
            both = active * other
            w = both * (w + reinforcement * (1.0 - w)) + (1.0 - both) * (w * keep)
            data[k] = w
            total += w * other
            weakest = min(weakest, w)
            if k == start:
                first = w
            else:
                rest += w
            k += 1
        if stop - start > 8:  # the rest is summed pairwise (see row_sums)
            rest = _pairwise_sum(data, start + 1, stop - start - 1)
        strength[i] = first + rest
        together[i] = total
    return strength, together, weakest


@_jit
def shares(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part_i / whole_i, and 0 where whole_i is not positive.

    The neighbour share n_i = m_i / s_i (submodels.neighbour_share): the numbers of
    ``np.divide(part, whole, out=zeros, where=whole > 0)`` in one pass.
    """
    out = np.zeros(part.size)
    for i in range(part.size):
        if whole[i] > 0:
            out[i] = part[i] / whole[i]
    return out


@_jit
def reached(draws: np.ndarray, missed: np.ndarray, out: np.ndarray) -> None:
    """out_i = draws_i < 1 - missed_i: who the week's sources reach (in place).

    Rule (submodels.mobilise): a resident missed by every source with probability
    missed_i is reached when its uniform draw falls below 1 - missed_i.
    """
    flag = out.view(np.uint8)
    for i in range(draws.size):
        flag[i] = draws[i] < 1.0 - missed[i]


@_jit
def update_wellbeing(  # noqa: PLR0917 (numba compiles positional parameters only)
    residents: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    block: np.ndarray,
    taking_part: np.ndarray,
    per_block: tuple[np.ndarray, np.ndarray, np.ndarray],
    neighbours: tuple[np.ndarray, np.ndarray],
    rates: tuple[float, float, float, float, float, float],
) -> None:
    """Satisfaction, trust and efficacy of every resident, in place, in one pass.

    Rule (submodels.update_wellbeing, docs/ODD.md 7.10), for resident i in block b:
    s <- 1 - (1 - s) G_b; s <- s L_b; s <- s + adaptation (s_0 - s);
    t <- t + trust_rate (p s + (1 - p) t_0 - t) + social_trust_gain (a_i m_i / w_i) (1 - t);
    e <- e + efficacy_gain a_i [g_b > 0] (1 - e); e <- e + efficacy_decay (e_0 - e);
    t and e clipped to [0, 1]. Each expression is evaluated in the order numpy evaluates
    the vectorised one, so the numbers are the same.

    Args:
        residents: (s, t, e, s_0, e_0, t_0): satisfaction, trust, efficacy (updated) and
            the baselines of satisfaction, efficacy and trust.
        block: each resident's block.
        taking_part: who takes part this week (a_i).
        per_block: (G, L, gained): (1 - gain)^g_b, (1 - loss)^o_b and g_b > 0, per block.
        neighbours: (m, w): per resident the summed strength of its ties to residents
            taking part, and of all its ties (the co-participant share is m / w, 0
            without ties).
        rates: (adaptation, trust_rate, social_trust_gain, efficacy_gain,
            efficacy_decay, p): p = ``trust_performance_share``.
    """
    satisfaction, trust, efficacy, satisfaction_0, efficacy_0, trust_0 = residents
    gain_factor, loss_factor, gained = per_block
    sums, strength = neighbours
    adaptation, trust_rate, social_gain, efficacy_gain, efficacy_decay, performance = rates
    part = taking_part.view(np.uint8)
    gained_flag = gained.view(np.uint8)
    for i in range(satisfaction.size):
        b = block[i]
        s = 1.0 - (1.0 - satisfaction[i]) * gain_factor[b]
        s = s * loss_factor[b]
        s = s + adaptation * (satisfaction_0[i] - s)
        satisfaction[i] = s
        share = sums[i] / strength[i] if strength[i] > 0 else 0.0
        together = share if part[i] else 0.0
        t = trust[i]
        target = performance * s + (1.0 - performance) * trust_0[i]
        t = t + (trust_rate * (target - t) + social_gain * together * (1.0 - t))
        trust[i] = min(max(t, 0.0), 1.0)
        e = efficacy[i]
        e = e + efficacy_gain * np.float64(part[i] & gained_flag[b]) * (1.0 - e)
        e = e + efficacy_decay * (efficacy_0[i] - e)
        efficacy[i] = min(max(e, 0.0), 1.0)


@_jit
def _to_residents(
    n: int, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, per_source: np.ndarray
) -> np.ndarray:
    """sum_s T_si x_s per resident i, added in the storage order of the (sources x n) CSR T."""
    out = np.zeros(n)
    for source in range(indptr.size - 1):
        for k in range(indptr[source], indptr[source + 1]):
            out[indices[k]] += data[k] * per_source[source]
    return out


@_jit
def log_miss(
    community: np.ndarray,
    outreach: np.ndarray,
    core: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    unit: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """Per resident, the log of the chance that no source reaches it this week.

    Rule (submodels.mobilise, docs/ODD.md 7.3): log prod_s (1 - p_s) = sum_s log(1 - p_s)
    over the sources s tied to the resident, plus its community's outreach term. The
    per-source logs come in (numpy's ``log1p``); each tied source's term is added in the
    tie matrix's storage order, from 0, and the three sums added as
    ``outreach[c_i] + core_i + unit_i``: the numbers of ``outreach[community] +
    to_residents(core_ties, ...) + to_residents(unit_ties, ...)``.

    Args:
        community: each resident's community.
        outreach: per community, log(1 - outreach probability).
        core: (indptr, indices, data, log_miss) of the core-resident ties and, per core,
            log(1 - reach).
        unit: the same for the unit-resident ties (an empty indptr: no units).
    """
    n = community.size
    core_sum = _to_residents(n, core[0], core[1], core[2], core[3])
    unit_sum = _to_residents(n, unit[0], unit[1], unit[2], unit[3])
    result = np.empty(n)
    for i in range(n):
        result[i] = outreach[community[i]] + core_sum[i] + unit_sum[i]
    return result


@_jit
def private_utility(
    weights: np.ndarray,
    terms: tuple[
        np.ndarray,
        np.ndarray,
        np.ndarray,
        np.ndarray,
        np.ndarray,
        np.ndarray,
        np.ndarray,
        np.ndarray,
    ],
    stake: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """The private part v_i of the participation utility, for every resident, in one pass.

    Rule (decision/base.py, docs/ODD.md 7.4): v_i = b_d f_i D_i + b0 + b_e E_i + b_t T_i
    + b_m M_i + b_p I_i + b_h H_i + b_s S_b(i) - b_c (1 - A_i), the terms added in that
    order (``numpy_private_utility`` in tests/test_equivalence.py adds them the same way).

    Args:
        weights: (b_d, b0, b_e, b_t, b_m, b_p, b_h, b_s, b_c), ``decision.weights``.
        terms: per resident (f, D, E, T, M, I, H, A): disposition factor, disposition,
            efficacy, trust, asked this week (boolean), points reward, habit and
            availability.
        stake: (S, block): per block whether an issue of it is unresolved (boolean), and
            each resident's block.
    """
    factor, disposition, efficacy, trust, asked, incentive, habit, available = terms
    block_stake, block = stake
    w_disposition, intercept, w_efficacy, w_trust = weights[0], weights[1], weights[2], weights[3]
    w_asked, w_incentive, w_habit, w_stake = weights[4], weights[5], weights[6], weights[7]
    w_cost = weights[8]
    asked_flag = asked.view(np.uint8)
    stake_flag = block_stake.view(np.uint8)
    utility = np.empty(factor.size)
    for i in range(factor.size):
        u = w_disposition * factor[i]
        u = u * disposition[i]
        u = u + intercept
        u = u + w_efficacy * efficacy[i]
        u = u + w_trust * trust[i]
        u = u + w_asked * np.float64(asked_flag[i])
        u = u + w_incentive * incentive[i]
        u = u + w_habit * habit[i]
        u = u + w_stake * np.float64(stake_flag[block[i]])
        utility[i] = u - w_cost * (1.0 - available[i])
    return utility


@_jit
def award_points(  # noqa: PLR0917 (numba compiles positional parameters only)
    participating: np.ndarray,
    can_redeem: np.ndarray,
    points: np.ndarray,
    points_earned: np.ndarray,
    has_redeemed: np.ndarray,
    per_participation: float,
    price: float,
) -> int:
    """Points for taking part, and their redemption, in place; returns how many redeemed.

    Rule (mechanisms/integral_scoring.py, docs/ODD.md 7.6): a resident taking part earns
    ``per_participation`` points (added to its balance and to what it has earned); a
    resident holding at least ``price`` points with a partner enterprise within reach
    (``can_redeem``) redeems ``price`` of them, once a week at most, and is marked as
    having redeemed.
    """
    part = participating.view(np.uint8)
    reach = can_redeem.view(np.uint8)
    redeemed = has_redeemed.view(np.uint8)
    count = 0
    for i in range(points.size):
        earned = per_participation * np.float64(part[i])
        balance = points[i] + earned
        points_earned[i] = points_earned[i] + earned
        if balance >= price and reach[i] != 0:
            balance = balance - price
            redeemed[i] = 1
            count += 1
        points[i] = balance
    return count


@_jit
def points_reward(  # noqa: PLR0917 (numba compiles positional parameters only)
    points: np.ndarray,
    can_redeem: np.ndarray,
    has_redeemed: np.ndarray,
    rule: tuple[float, float, float, float, float],
    incentive: np.ndarray,
    disposition_factor: np.ndarray,
) -> None:
    """The expected reward of this week's points and the crowding-out factor, in place.

    Rule (mechanisms/integral_scoring.py, docs/ODD.md 7.6): with award a, price P, point
    value v and discount delta, a resident holding b points who can redeem earns points
    worth I_i = v a delta^k by taking part, k = ceil(max(0, P - b - a) / a) the further
    participations needed before they can be spent; I_i = 0 without a partner within
    reach or without an award. f_i = 1 - crowding_out once the resident has redeemed.

    Args:
        points: each resident's balance b.
        can_redeem: whether a partner enterprise is within the resident's reach.
        has_redeemed: whether the resident has ever redeemed.
        rule: (a, P, v, delta, crowding_out).
        incentive: out, I_i.
        disposition_factor: out, f_i.
    """
    award, price, value, discount, crowding_out = rule
    reach = can_redeem.view(np.uint8)
    redeemed = has_redeemed.view(np.uint8)
    for i in range(points.size):
        reward = 0.0
        if award > 0 and reach[i] != 0:
            short = price - points[i] - award
            further = np.ceil(short / award) if short > 0 else 0.0
            reward = value * award * discount**further
        incentive[i] = reward
        disposition_factor[i] = 1.0 - crowding_out * np.float64(redeemed[i])


@_jit
def take_part(  # noqa: PLR0917 (numba compiles positional parameters only)
    decided: np.ndarray,
    member: np.ndarray,
    participating: np.ndarray,
    record: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    habit_rate: float,
    week: int,
) -> None:
    """Record this week's participation, in place: a_i = decided_i and member_i.

    Rule (schedule step 4, docs/ODD.md 7.4; GovernanceModel._take_part): only members
    take part; a resident taking part has ``last_participation`` = this week and one
    more week in ``participations``; every resident's habit follows its participation,
    h <- h + habit_rate (a - h), and its history (bit k: took part k weeks ago) shifts
    by a week, this week in bit 0.

    Args:
        decided: the rule's choice. member: member households.
        participating: out, a_i.
        record: (last_participation, participations, habit, history), updated.
        habit_rate: the habit's rate.
        week: this week.
    """
    last_participation, participations, habit, history = record
    chose = decided.view(np.uint8)
    joined = member.view(np.uint8)
    taking = participating.view(np.uint8)
    one = np.uint64(1)
    for i in range(taking.size):
        a = chose[i] & joined[i]
        taking[i] = a
        if a:
            last_participation[i] = week
        participations[i] += a
        habit[i] = habit[i] + habit_rate * (np.float64(a) - habit[i])
        history[i] = (history[i] << one) | np.uint64(a)


@_jit
def _root(parent: np.ndarray, i: int) -> int:
    """Root of i in a union-find forest, halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@_jit
def upper_ties(indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every tie once, as the pair (i, j) with i < j of its upper entry, in storage order.

    The edge list of the symmetric tie matrix, for rules that visit each tie once
    (``largest_recent_components``).
    """
    rows = indptr.size - 1
    count = 0
    for i in range(rows):
        for k in range(indptr[i], indptr[i + 1]):
            count += indices[k] > i
    first = np.empty(count, np.int32)
    second = np.empty(count, np.int32)
    at = 0
    for i in range(rows):
        for k in range(indptr[i], indptr[i + 1]):
            if indices[k] > i:
                first[at] = i
                second[at] = indices[k]
                at += 1
    return first, second


@_jit
def largest_recent_components(
    first: np.ndarray, second: np.ndarray, recent: np.ndarray, bounds: np.ndarray
) -> tuple[int, np.ndarray]:
    """Largest connected group of recent participants, overall and per community.

    Rule (metrics.active_component_share, docs/ODD.md 7.12; Moody & White 2003): the
    graph has the recent participants as nodes and the ties whose two ends are both
    recent as edges; its connected components are found with a union-find (union by
    size, path halving), the same partition as scipy's ``connected_components``, whatever
    the order of the ties.

    Args:
        first: one end of every tie (each tie once, ``upper_ties``).
        second: the other end.
        recent: boolean mask of recent participants.
        bounds: residents are stored in community order, community c being
            bounds[c]:bounds[c + 1].

    Returns:
        (largest, by_community): the size of the largest component (a resident who is
        not recent counts as a component of one), and per community the most recent
        participants of that community that share one component.
    """
    flag = recent.view(np.uint8)
    n = recent.size
    parent = np.arange(n).astype(np.int32)
    size = np.ones(n, np.int32)
    # The ties among recent participants, listed without a branch per tie.
    active = np.empty(first.size, np.int32)
    count = 0
    for e in range(first.size):
        active[count] = e
        count += flag[first[e]] & flag[second[e]]
    for q in range(count):
        e = active[q]
        a, b = _root(parent, first[e]), _root(parent, second[e])
        if a != b:
            if size[a] < size[b]:
                a, b = b, a
            parent[b] = a
            size[a] += size[b]
    largest = 0
    for i in range(n):
        r = _root(parent, i)
        parent[i] = r  # every resident now points at its root
        largest = max(largest, size[r])
    communities = bounds.size - 1
    by_community = np.zeros(communities, np.int64)
    members = np.zeros(n, np.int32)  # recent members of this community per root
    for c in range(communities):
        best = 0
        for i in range(bounds[c], bounds[c + 1]):
            held = members[parent[i]] + flag[i]
            members[parent[i]] = held
            best = max(best, held)
        for i in range(bounds[c], bounds[c + 1]):
            members[parent[i]] = 0
        by_community[c] = best
    return largest, by_community


@_jit
def ties_across_blocks(indptr: np.ndarray, indices: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Per resident, the number of its ties to residents of other blocks.

    Rule: the numerator of bridging_tie_share (metrics, docs/ODD.md 7.12; Putnam 2000),
    each tie counted from both ends as the metric counts it.
    """
    rows = indptr.size - 1
    out = np.zeros(rows, np.int64)
    for i in range(rows):
        own = block[i]
        across = 0
        for k in range(indptr[i], indptr[i + 1]):
            across += block[indices[k]] != own
        out[i] = across
    return out


@_jit
def deliberate_agenda(
    opinions: np.ndarray, seats: np.ndarray, confidence: float, convergence: float, band: float
) -> np.ndarray:
    """A meeting's exchange on every issue of its agenda, in place; returns each agreement.

    Rule (mechanisms/deliberation.py, docs/ODD.md 7.6; Deffuant et al. 2000): opinions
    is (issues x attendees); in round r the attendees in seats r, 2k and r, 2k + 1 talk, on
    every issue, and a pair (a, b) with |x_b - x_a| < d moves together on that issue,
    x_a <- x_a + mu (x_b - x_a), x_b <- x_b - mu (x_b - x_a). Then each issue's agreement
    is the share of attendees within ``band`` of the median opinion (as ``np.median``
    takes it).
    """
    issues, k = opinions.shape
    rounds = seats.shape[0]
    for r in range(rounds):
        for p in range(0, k - 1, 2):
            a, b = seats[r, p], seats[r, p + 1]
            for q in range(issues):
                gap = opinions[q, b] - opinions[q, a]
                move = convergence * gap if abs(gap) < confidence else 0.0
                opinions[q, a] += move
                opinions[q, b] -= move
    agreement = np.zeros(issues)
    if k == 0:
        return agreement
    for q in range(issues):
        ordered = np.sort(opinions[q])
        middle = k // 2
        median = ordered[middle] if k % 2 else (ordered[middle - 1] + ordered[middle]) / 2.0
        agree = 0
        for x in opinions[q]:
            if abs(x - median) <= band:
                agree += 1
        agreement[q] = agree / k
    return agreement


@_jit
def _stored(indptr: np.ndarray, indices: np.ndarray, row: int, col: int) -> bool:
    """Whether entry (row, col) is stored in a CSR matrix with sorted rows (binary search)."""
    lo, hi = indptr[row], indptr[row + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if indices[mid] < col:
            lo = mid + 1
        else:
            hi = mid
    return lo < indptr[row + 1] and indices[lo] == col


@_jit
def _merge_rows(  # noqa: PLR0917 (numba compiles positional parameters only)
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    new_start: np.ndarray,
    new_cols: np.ndarray,
    value: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A CSR matrix with new entries of ``value`` merged into its sorted rows.

    Row r gains the columns new_cols[new_start[r]:new_start[r + 1]] (sorted, none stored).
    """
    rows = indptr.size - 1
    out_indptr = np.empty(rows + 1, indptr.dtype)
    out_indices = np.empty(indices.size + new_cols.size, indices.dtype)
    out_data = np.empty(indices.size + new_cols.size, data.dtype)
    out_indptr[0] = 0
    at = 0
    r = 0
    while r < rows:
        if new_start[r + 1] == new_start[r]:  # a run of rows without new entries: copied
            last = r
            while last < rows and new_start[last + 1] == new_start[last]:
                last += 1
            begin, end = indptr[r], indptr[last]
            out_indices[at : at + end - begin] = indices[begin:end]
            out_data[at : at + end - begin] = data[begin:end]
            for q in range(r, last):
                out_indptr[q + 1] = indptr[q + 1] - begin + at
            at += end - begin
            r = last
            continue
        k, stop = indptr[r], indptr[r + 1]
        q, q_stop = new_start[r], new_start[r + 1]
        while k < stop or q < q_stop:  # merge two sorted runs
            if q == q_stop or (k < stop and indices[k] < new_cols[q]):
                out_indices[at] = indices[k]
                out_data[at] = data[k]
                k += 1
            else:
                out_indices[at] = new_cols[q]
                out_data[at] = value
                q += 1
            at += 1
        out_indptr[r + 1] = at
        r += 1
    return out_indptr, out_indices, out_data


@_jit
def add_ties(  # noqa: PLR0917 (numba compiles positional parameters only)
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    weight: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A canonical symmetric CSR matrix with new ties of strength ``weight`` slotted in.

    Rule (TieEditor.add_resident_ties; interconnection's new ties, docs/ODD.md 7.5): each
    pair (first[k], second[k]) not tied yet becomes a tie, stored as (i, j) and (j, i);
    pairs already tied keep their strength. The result is the matrix scipy builds as
    ``ties + new`` (sorted rows, no duplicates), written in one pass.

    Args:
        indptr: row pointers of the canonical (sorted, duplicate-free) tie matrix.
        indices: its column indices.
        data: its strengths.
        first: one end of each pair, first < second, pairs distinct and sorted by
            (first, second).
        second: the other end.
        weight: the strength of a new tie.

    Returns:
        (indptr, indices, data, added): the new arrays, and a 0/1 flag per pair that is
        1 where the pair was not tied before.
    """
    rows = indptr.size - 1
    added = np.zeros(first.size, np.uint8)
    lower = np.zeros(rows, np.int64)  # new entries (r, i) with i < r, per row r
    upper = np.zeros(rows, np.int64)  # new entries (r, j) with j > r
    for k in range(first.size):
        i, j = first[k], second[k]
        if not _stored(indptr, indices, i, j):
            added[k] = 1
            upper[i] += 1
            lower[j] += 1
    new_start = np.zeros(rows + 1, np.int64)
    for r in range(rows):
        new_start[r + 1] = new_start[r] + lower[r] + upper[r]
    # New columns of each row, in order: those below the row (pairs scanned in order of
    # their first end, so increasing), then those above (increasing second ends).
    new_cols = np.empty(new_start[rows], indices.dtype)
    low_fill = new_start[:-1].copy()
    high_fill = new_start[:-1] + lower
    for k in range(first.size):
        if added[k]:
            i, j = first[k], second[k]
            new_cols[low_fill[j]] = i
            low_fill[j] += 1
            new_cols[high_fill[i]] = j
            high_fill[i] += 1
    out = _merge_rows(indptr, indices, data, new_start, new_cols, weight)
    return out[0], out[1], out[2], added


@_jit
def add_entries(  # noqa: PLR0917 (numba compiles positional parameters only)
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    value: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A canonical CSR matrix with entries (rows[k], cols[k]) of ``value`` where none is.

    Rule (TieEditor.add_unit_ties; ties between units and residents, docs/ODD.md 7.5):
    the matrix scipy builds as ``matrix + new`` for the entries not stored yet.

    Args:
        indptr: row pointers of the canonical (sorted, duplicate-free) matrix.
        indices: its column indices.
        data: its values.
        rows: the row of each new entry; entries distinct and sorted by (row, col).
        cols: its column.
        value: the value of a new entry.

    Returns:
        (indptr, indices, data, added): the new arrays, and a 0/1 flag per entry that is
        1 where it was not stored before.
    """
    added = np.zeros(rows.size, np.uint8)
    new_start = np.zeros(indptr.size, np.int64)
    for k in range(rows.size):
        if not _stored(indptr, indices, rows[k], cols[k]):
            added[k] = 1
            new_start[rows[k] + 1] += 1
    for r in range(indptr.size - 1):
        new_start[r + 1] += new_start[r]
    new_cols = np.empty(new_start[-1], indices.dtype)
    filled = 0
    for k in range(rows.size):  # sorted by (row, col): each row's new columns in order
        if added[k]:
            new_cols[filled] = cols[k]
            filled += 1
    out = _merge_rows(indptr, indices, data, new_start, new_cols, value)
    return out[0], out[1], out[2], added


@_jit
def grouped_gini(values: np.ndarray, group: np.ndarray, groups: int, top: int) -> np.ndarray:
    """Gini coefficient of small non-negative integers (values < top) within each group.

    Rule (district.grouped_gini, the per-community points_gini): from the group's
    histogram (n_v items at value v, ranks first_v..last_v), G = 2 W / (n T) - (n + 1) / n
    with T = sum_v v n_v and W = sum_v v (first_v + last_v) n_v / 2; 0 when n or T is 0.
    Every term is a whole or half number, so the sums are exact in any order: the same
    numbers as the numpy table arithmetic it replaces.
    """
    table = np.zeros((groups, top), np.int64)
    for k in range(values.size):
        table[group[k], values[k]] += 1
    gini = np.zeros(groups)
    for g in range(groups):
        total = 0.0
        weighted = 0.0
        held = 0
        for v in range(top):
            count = table[g, v]
            first = held + 1.0
            held += count
            total += v * np.float64(count)
            weighted += (first + held) * count / 2.0 * v
        n = np.float64(held)
        if total > 0 and n > 0:
            gini[g] = 2 * weighted / (n * total) - (n + 1) / n
    return gini


@_jit
def segment_counts(mask: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """How many of mask[bounds[k]:bounds[k + 1]] are true, for each k (as floats).

    The per-community counts of district.community_metrics (residents are stored in
    community order): the numbers ``np.add.reduceat(mask, bounds[:-1], dtype=float)``
    gives, counted without converting the mask to floats.
    """
    flag = mask.view(np.uint8)
    out = np.zeros(bounds.size - 1)
    for k in range(bounds.size - 1):
        total = 0
        for i in range(bounds[k], bounds[k + 1]):
            total += flag[i]
        out[k] = total
    return out


#: Fibonacci hashing: the golden-ratio multiplier spreads the bits of a float's pattern.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@_jit
def ranked_products(values: np.ndarray, most: int) -> np.ndarray:
    """(k + 1) x_(k) for k = 0..n-1, the values sorted ascending, if no sort is needed for it.

    The terms of the weighted sum of the Gini coefficient (metrics.gini). Points are a
    few dozen distinct numbers (multiples of the points per participation), so the
    sorted array is rebuilt from the counts of the distinct values (a counting sort: one
    pass counting in a small hash table of the values' bit patterns, then a sort of at
    most ``most`` distinct values) instead of sorting 10^5 numbers every week: the array
    ``np.arange(1, n + 1) * np.sort(values)``, element for element. Empty when the values
    hold more than ``most`` distinct numbers or a NaN (the caller then sorts). The sum is
    left to numpy, so it adds in numpy's order. ``values`` must be C-contiguous.
    """
    none = np.empty(0)
    power = 10  # a table at most a quarter full: few probes
    while (1 << power) < 4 * most:
        power += 1
    slots = 1 << power
    mask = np.int64(slots - 1)
    shift = np.uint64(64 - power)
    keys = np.zeros(slots, np.uint64)
    counts = np.zeros(slots, np.int64)
    bits = values.view(np.uint64)
    held = 0
    for i in range(values.size):
        if np.isnan(values[i]):
            return none
        key = bits[i]
        slot = np.int64((key * _GOLDEN) >> shift)  # uint64 arithmetic wraps, as hashing needs
        while counts[slot] != 0 and keys[slot] != key:  # taken by another value: next
            slot = (slot + np.int64(1)) & mask
        if counts[slot] == 0:
            held += 1
            if held > most:
                return none
            keys[slot] = key
        counts[slot] += 1
    used = np.flatnonzero(counts)
    distinct = keys[used].view(np.float64)
    order = np.argsort(distinct)
    products = np.empty(values.size)
    rank = 0
    for v in order:
        x = distinct[v]
        for _ in range(counts[used[v]]):
            products[rank] = np.float64(rank + 1) * x
            rank += 1
    return products


@_jit
def opinion_groups(opinions: np.ndarray, gap: float, min_share: float) -> int:
    """Opinion groups holding at least ``min_share`` of the opinions; -1 if a sort is needed.

    The rule of metrics.opinion_clusters (sorted opinions split where neighbours are more
    than ``gap`` apart), without sorting: opinions go into bins of width
    ``gap * (1 - 1e-9)`` from the smallest; two opinions in one bin are closer than
    ``gap``, so a split can only fall between the largest opinion of one non-empty bin
    and the smallest of the next, which are neighbours in sorted order. The same count
    as the sort, from one pass. -1 for NaN, a gap that is not positive, or more bins
    than four per opinion (a wide spread of a few opinions: a sort is cheaper).
    """
    n = opinions.size
    if n == 0:
        return 0
    if not gap > 0:
        return -1
    low, high = opinions[0], opinions[0]
    for x in opinions:
        if np.isnan(x):
            return -1
        low = min(low, x)
        high = max(high, x)
    width = gap * (1.0 - 1e-9)
    span = (high - low) / width
    if not span < 4.0 * n + 1024:
        return -1
    bins = int(span) + 1
    count = np.zeros(bins, np.int64)
    smallest = np.empty(bins)
    largest = np.empty(bins)
    for x in opinions:
        b = min(int((x - low) / width), bins - 1)
        if count[b] == 0:
            smallest[b] = x
            largest[b] = x
        else:
            smallest[b] = min(smallest[b], x)
            largest[b] = max(largest[b], x)
        count[b] += 1
    groups = 0
    size = 0
    last = low
    for b in range(bins):
        if count[b] == 0:
            continue
        if size > 0 and smallest[b] - last > gap:
            if size >= min_share * n:
                groups += 1
            size = 0
        size += count[b]
        last = largest[b]
    if size >= min_share * n:
        groups += 1
    return groups
