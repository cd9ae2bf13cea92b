"""One replicate: a scenario run once with one seed, and its tidy results.

Core objects: ``Replicate`` (one task: scenario, replicate index, seed),
``ReplicateResult`` (its time series and scorecard), ``simulate`` and
``run_replicate`` (run one task; top level, so picklable for any executor),
``initial_network`` (the graph of a replicate at week 0), ``interruption_behind``
(the Ctrl-C behind an error raised in compiled code), ``ID_COLUMNS`` and
``ALL_COMMUNITIES`` (the identifying columns of a time series and the ``community``
of its whole-scenario rows).

"What runs" (a ``Replicate``) is kept apart from "where it runs" (an executor,
``govsim.runs.executors``), so sweeps add design points and other executors (Dask)
without touching how one replicate is computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from govsim.scenario import Scenario
from govsim.sim.governance import GovernanceModel
from govsim.sim.network import build_graph
from govsim.sim.observation import compute_observables

__all__ = [
    "ALL_COMMUNITIES",
    "ID_COLUMNS",
    "Replicate",
    "ReplicateResult",
    "initial_network",
    "interruption_behind",
    "run_replicate",
    "simulate",
]

#: The identifying columns of timeseries.parquet, before one column per metric.
ID_COLUMNS = ("scenario", "replicate", "seed", "step", "community")
#: ``community`` of the rows that describe the whole scenario (all its communities).
ALL_COMMUNITIES = -1


@dataclass(frozen=True)
class Replicate:
    """One unit of work: run ``scenario`` once with the integer ``seed``."""

    scenario: Scenario
    replicate: int
    seed: int


@dataclass(frozen=True)
class ReplicateResult:
    """What one replicate gives back: time series, scorecard and survey observables."""

    replicate: int
    seed: int
    timeseries: pd.DataFrame
    scorecard: dict[str, float]
    observables: dict[str, float] = field(default_factory=dict)


def simulate(task: Replicate) -> ReplicateResult:
    """Run one replicate to ``scenario.steps`` and collect its metrics and scorecard."""
    try:
        model = GovernanceModel(task.scenario, rng=task.seed, agent_interval=0).run()
    except SystemError as error:
        interrupt = interruption_behind(error)
        if interrupt is not None:  # Ctrl-C, not a failing run (a sweep would carry on)
            raise interrupt from None
        raise
    frame = model.metrics_frame().reset_index()
    frame.insert(1, "community", ALL_COMMUNITIES)
    communities = model.community_frame()  # districts: one row per community and step
    if not communities.empty:
        frame = pd.concat([frame, communities], ignore_index=True)
    ids = {
        "scenario": task.scenario.name,
        "replicate": task.replicate,
        "seed": task.seed,
    }
    for position, (column, value) in enumerate(ids.items()):
        frame.insert(position, column, value)
    frame = frame.astype(
        {"replicate": "int64", "seed": "int64", "step": "int64", "community": "int64"}
    )
    return ReplicateResult(
        task.replicate, task.seed, frame, model.scorecard(), compute_observables(model)
    )


def interruption_behind(error: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C (or SIGTERM) that ``error`` stands for, if there is one.

    A signal that lands while a compiled kernel's dispatcher is in C code raises its
    KeyboardInterrupt there, and CPython reports that as ``SystemError: ... returned a
    result with an exception set``, with the interrupt as its cause: the user pressed
    Ctrl-C, and must be told so, not shown an internal error.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        if current.__cause__ is not None or current.__suppress_context__:
            current = current.__cause__
        else:
            current = current.__context__
    return None


def run_replicate(scenario: Scenario, replicate: int, seed: int) -> pd.DataFrame:
    """Tidy per-step metrics of one replicate.

    Columns: scenario, replicate, seed, step, community, then one per metric;
    ``community`` is ``ALL_COMMUNITIES`` (-1) on the rows for the whole scenario.
    """
    return simulate(Replicate(scenario, replicate, seed)).timeseries


def initial_network(scenario: Scenario, seed: int) -> nx.Graph:
    """The community graph of a replicate at week 0 (``model.grid.G``, nothing run).

    Built from the population alone: the figure needs the graph, not Mesa's cells and
    one agent per node (seconds at a district's size).
    """
    return build_graph(GovernanceModel(scenario, rng=seed, agent_interval=0).population)
