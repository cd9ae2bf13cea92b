"""Kernels of the deliberation meetings: the exchange on every issue of an agenda.

Core objects: ``deliberate_agenda``. Each rule, and what the kernels guarantee (the
numbers of the numpy code they replace), is stated in govsim.sim.kernels and in the
docstring of each.
"""

from __future__ import annotations

import numpy as np

from govsim.sim.kernels.compile import jit as _jit

__all__ = ["deliberate_agenda"]


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
