"""Kernels of the weekly passes over the resident ties: strengths, tie rule, components.

Core objects: ``row_sums``, ``member_sums``, ``update_row_sums``,
``reinforce_and_decay``, ``upper_ties``, ``largest_recent_components``,
``ties_across_blocks``, ``add_ties``, ``add_entries``. Each rule, and what the kernels
guarantee (the numbers of the numpy code they replace), is stated in govsim.sim.kernels
and in the docstring of each.
"""

from __future__ import annotations

import numpy as np

from govsim.sim.kernels.compile import jit as _jit
from govsim.sim.kernels.summation import _pairwise_sum, _segment_total

__all__ = [
    "add_entries",
    "add_ties",
    "largest_recent_components",
    "member_sums",
    "reinforce_and_decay",
    "row_sums",
    "ties_across_blocks",
    "update_row_sums",
    "upper_ties",
]


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
