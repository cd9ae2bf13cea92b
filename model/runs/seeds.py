"""Replicate seeds: one independent integer seed per replicate of a scenario.

Core objects: ``replicate_seeds``.

Replicate ``i`` of a scenario with root seed ``s`` uses the integer
``SeedSequence(s).spawn(n)[i].generate_state(1, uint64)[0] >> 1`` (63 bits, so it
fits an int64 column and ``Scenario.seed``). Child ``i`` does not depend on ``n``:
adding replications keeps the earlier ones. Independence of spawned streams:
O'Neill (2015), PCG; numpy "Parallel random number generation".
"""

from __future__ import annotations

import numpy as np

__all__ = ["replicate_seeds"]


def replicate_seeds(root_seed: int, n: int) -> list[int]:
    """One independent integer seed per replicate, spawned from ``root_seed``.

    Args:
        root_seed: the scenario's seed (``scenario.seed``).
        n: number of replicates.

    Returns:
        ``n`` integers in ``0 .. 2**63 - 1``; ``GovernanceModel(scenario, rng=seed)``
        re-runs a replicate alone.
    """
    children = np.random.SeedSequence(root_seed).spawn(n)
    return [int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for child in children]
