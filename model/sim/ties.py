"""Tie changes: every change to who is tied to whom, applied to the matrices, the graph and Mesa.

Core objects: ``TieEditor`` (batched tie changes applied to the CSR matrices, the networkx
graph and Mesa's ``Network`` together, so the three never disagree; tests/test_network.py).
Tie *strengths* live in the CSR matrices only (model/sim/network.py says why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from mesa.discrete_space import Network

from govsim.sim import kernels

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["TieEditor"]


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
