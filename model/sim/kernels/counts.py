"""Kernels of the metrics that would otherwise sort: counts, Ginis, opinion groups.

Core objects: ``grouped_gini``, ``segment_counts``, ``ranked_products``,
``opinion_groups``. Each rule, and what the kernels guarantee (the numbers of the numpy
code they replace), is stated in govsim.sim.kernels and in the docstring of each.
"""

from __future__ import annotations

import numpy as np

from govsim.sim.kernels.compile import jit as _jit

__all__ = ["grouped_gini", "opinion_groups", "ranked_products", "segment_counts"]


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
