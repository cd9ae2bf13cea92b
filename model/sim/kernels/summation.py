"""Pairwise summation as numpy does it, shared by the kernels that must add in numpy's order.

Core objects: the helpers below. Each rule, and what the kernels guarantee (the numbers
of the numpy code they replace), is stated in govsim.sim.kernels and in the docstring of
each.
"""

from __future__ import annotations

import numpy as np

from govsim.sim.kernels.compile import jit as _jit

#: numpy's unrolled block in pairwise summation (``PW_BLOCKSIZE`` in numpy's loops).
_BLOCK = 128

__all__ = ["_pairwise_sum", "_segment_total"]


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
