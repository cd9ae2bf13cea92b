"""Kernels of the weekly passes over the residents (mobilisation, utility, points, wellbeing).

Core objects: ``shares``, ``reached``, ``update_wellbeing``, ``log_miss``,
``private_utility``, ``award_points``, ``points_reward``, ``take_part``. Each rule, and
what the kernels guarantee (the numbers of the numpy code they replace), is stated in
govsim.sim.kernels and in the docstring of each.
"""

from __future__ import annotations

import numpy as np

from govsim.sim.kernels.compile import jit as _jit

__all__ = [
    "award_points",
    "log_miss",
    "points_reward",
    "private_utility",
    "reached",
    "shares",
    "take_part",
    "update_wellbeing",
]


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
        decided: the rule's choice.
        member: member households.
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
