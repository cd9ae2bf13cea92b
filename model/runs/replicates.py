"""Many replicates of a scenario: run on an executor, gathered into tidy tables.

Core objects: ``Replicates`` (the time series and scorecards of a scenario's
replicates, sorted by replicate) and ``run_replicates`` (one replicate per seed, the
same numbers for any number of workers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from tqdm.auto import tqdm

from govsim.runs.executors import Executor, executor_for
from govsim.runs.replicate import Replicate, ReplicateResult, simulate
from govsim.scenario import Scenario

__all__ = ["Replicates", "run_replicates"]


@dataclass(frozen=True)
class Replicates:
    """The results of a scenario's replicates, sorted by replicate.

    Attributes:
        timeseries: tidy, one row per (replicate, step): scenario, replicate, seed,
            step, then one column per metric (``govsim.sim.metrics.METRICS``).
        scorecards: one row per replicate: scenario, replicate, seed, then the
            scorecard's objectives and components (``govsim.sim.metrics.scorecard``).
        observables: tidy, one row per (replicate, observable): scenario, replicate,
            seed, observable, value: what a survey at the end of the run would measure
            (``govsim.sim.observation.OBSERVABLES``; observables.csv).
    """

    timeseries: pd.DataFrame
    scorecards: pd.DataFrame
    observables: pd.DataFrame = field(default_factory=pd.DataFrame)


def run_replicates(
    scenario: Scenario,
    seeds: Sequence[int],
    workers: int = 1,
    progress: bool = True,
    executor: Executor | None = None,
) -> Replicates:
    """Run one replicate per seed and gather tidy results (same numbers for any ``workers``).

    Args:
        scenario: the validated scenario.
        seeds: one integer seed per replicate (``replicate_seeds``); replicate ``i``
            uses ``seeds[i]``.
        workers: local processes (1: run here).
        progress: show a tqdm progress bar (on a terminal).
        executor: where to run, overriding ``workers`` (e.g. a Dask executor).
    """
    tasks = [Replicate(scenario, index, int(seed)) for index, seed in enumerate(seeds)]
    runner = executor if executor is not None else executor_for(workers)
    results: list[ReplicateResult] = []
    stream = runner.imap(simulate, tasks)
    bar = tqdm(
        total=len(tasks),
        desc=scenario.name,
        unit="replicate",
        disable=None if progress else True,
        leave=False,
    )
    try:
        for result in stream:
            results.append(result)
            bar.update()
    finally:
        bar.close()
        # Stop a pool now on an interruption, not when the traceback is dropped.
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    return _gather(scenario.name, results)


def _gather(name: str, results: Iterable[ReplicateResult]) -> Replicates:
    ordered = sorted(results, key=lambda result: result.replicate)
    timeseries = pd.concat([result.timeseries for result in ordered], ignore_index=True)
    scorecards = pd.DataFrame(
        [
            {"scenario": name, "replicate": r.replicate, "seed": r.seed, **r.scorecard}
            for r in ordered
        ]
    ).astype({"replicate": "int64", "seed": "int64"})
    observables = pd.DataFrame(
        [
            {
                "scenario": name,
                "replicate": r.replicate,
                "seed": r.seed,
                "observable": observable,
                "value": value,
            }
            for r in ordered
            for observable, value in r.observables.items()
        ],
        columns=["scenario", "replicate", "seed", "observable", "value"],
    ).astype({"replicate": "int64", "seed": "int64", "value": "float64"})
    return Replicates(timeseries, scorecards, observables)
