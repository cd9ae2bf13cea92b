"""Tasks: batches of a sweep's runs that execute anywhere and write one shard each.

Core objects: ``SweepTask`` (a batch of runs: where to write, the base scenario, the
design points' values, each run's seed) and ``run_task`` (run it: top level, so
picklable for local workers and Dask), ``TaskReport`` (the small record it returns),
``Batching`` and ``plan_batching`` (runs per task), ``plan_tasks`` (the tasks of the
unfinished runs) and ``shard_schema`` (the Parquet schema of every shard).

Batches: runs are grouped into tasks of several runs (a few seconds of work each,
estimated from residents x steps), by blocks of design points and replicates; the
block sizes are fixed when a folder is first used, so a task always holds the same
runs and writes a shard of the same name: a task run twice (a Dask retry, a worker
that outlived a killed parent) overwrites its shard with the same content instead of
duplicating runs.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import socket
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from govsim.runs import ALL_COMMUNITIES, ID_COLUMNS, Replicate, simulate
from govsim.scenario import Scenario, finite_or_none, plain
from govsim.sim.metrics import METRICS
from govsim.store import SHARDS, write_shard
from govsim.sweep.sweep import RUN_IDS, Sweep

__all__ = [
    "MIN_TASKS",
    "TASK_SECONDS",
    "Batching",
    "SweepTask",
    "TaskReport",
    "estimated_run_seconds",
    "plan_batching",
    "plan_tasks",
    "run_task",
    "shard_schema",
]

#: Target seconds of work per task, and tasks wanted at least (to balance workers).
TASK_SECONDS = 5.0
MIN_TASKS = 16


@dataclass(frozen=True)
class SweepTask:
    """One batch of runs, executed anywhere; it writes one shard and returns its records.

    Attributes:
        folder: the sweep folder (absolute: Dask workers may run elsewhere).
        base: the base scenario.
        points: the scenario values of each design point in the task, by point.
        runs: (design point, replicate, seed) of every run.
        shard: the shard's file name (fixed by the runs it holds).
        schema: the Parquet schema of every shard of the sweep.
        metrics: the metric columns, whose final-step values go into the run records.
    """

    folder: str
    base: Scenario
    points: dict[int, dict[str, Any]]
    runs: tuple[tuple[int, int, int], ...]
    shard: str
    schema: pa.Schema
    metrics: tuple[str, ...]


@dataclass(frozen=True)
class TaskReport:
    """What a task tells the parent: small records, never time series."""

    shard: str
    completed: int
    failed: int
    errors: tuple[str, ...]
    seconds: float


def run_task(task: SweepTask) -> TaskReport:
    """Run every run of a task, then write its shard (rows + run records) atomically.

    A run that raises is recorded as failed, with its error and where it was raised,
    and the task goes on; only writing the shard may fail the task as a whole (then
    none of its runs count as done, and a later start runs them again).
    """
    began = time.monotonic()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    frames, records, errors = [], [], []
    scenarios: dict[int, Scenario] = {}
    for point, replicate, seed in task.runs:
        record: dict[str, Any] = {"design_point": point, "replicate": replicate, "seed": seed}
        clock, cpu = time.monotonic(), time.thread_time()  # this thread: right on Dask too
        try:
            if point not in scenarios:
                scenarios[point] = task.base.with_overrides(task.points[point])
            result = simulate(Replicate(scenarios[point], replicate, seed))
        except Exception as error:  # a failing run is recorded, not fatal
            record.update(status="failed", error=_error_text(error), worker=worker)
            errors.append(f"design point {point}, replicate {replicate}: {record['error']}")
        else:
            frame = result.timeseries
            whole = frame[frame["community"] == ALL_COMMUNITIES] if "community" in frame else frame
            last = whole.iloc[-1]
            final = {name: finite_or_none(last[name]) for name in task.metrics if name in last}
            record.update(
                status="completed",
                error=None,
                worker=worker,
                step=int(last["step"]),
                final=final,
                scorecard={k: finite_or_none(v) for k, v in result.scorecard.items()},
            )
            frames.append(_tidy(frame, point, task.points[point]))
        record["seconds"] = round(time.monotonic() - clock, 4)
        record["cpu_seconds"] = round(time.thread_time() - cpu, 4)
        records.append(record)
    table = _shard_table(frames, task.schema)
    write_shard(Path(task.folder, SHARDS, task.shard), table, records)
    failed = len(errors)
    return TaskReport(
        task.shard, len(records) - failed, failed, tuple(errors), time.monotonic() - began
    )


#: Identifying columns of a sweep's time series, before the parameters.
def _error_text(error: BaseException) -> str:
    """``Type: message (at file:line in function)``: enough to find and fix it."""
    frames = traceback.extract_tb(error.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" (at {Path(last.filename).name}:{last.lineno} in {last.name})"
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return (text if len(text) <= 1000 else text[:997] + "...") + where


def _tidy(frame: pd.DataFrame, point: int, values: Mapping[str, Any]) -> pd.DataFrame:
    frame = frame.drop(columns=["scenario"], errors="ignore")
    frame.insert(0, "design_point", point)
    for position, (name, value) in enumerate(values.items(), start=3):
        frame.insert(position, name, value if _scalar(value) else json.dumps(value))
    return frame


def _scalar(value: Any) -> bool:
    return isinstance(value, (bool, int, float, str))


def _shard_table(frames: list[pd.DataFrame], schema: pa.Schema) -> pa.Table:
    if not frames:
        return schema.empty_table()
    frame = pd.concat(frames, ignore_index=True).reindex(columns=schema.names)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def shard_schema(sweep: Sweep) -> pa.Schema:
    """The Parquet schema of every shard: ids, parameters, step, community, metrics."""
    fields = [pa.field(name, pa.int64()) for name in RUN_IDS]
    fields += [pa.field(name, _arrow_type(sweep.design[name])) for name in sweep.names]
    # Then the ids of a run's own time series that RUN_IDS do not cover: step, community.
    fields += [pa.field(name, pa.int64()) for name in ID_COLUMNS if name not in _COVERED]
    fields += [pa.field(name, pa.float64()) for name in METRICS]
    return pa.schema(fields)


#: The ids of a run's time series (``govsim.runs.ID_COLUMNS``) that a sweep's shard
#: leaves out (``scenario``: one base for every run) or already has (``RUN_IDS``).
_COVERED = ("scenario", "replicate", "seed")


def _arrow_type(column: pd.Series) -> pa.DataType:
    values = [plain(v) for v in column]
    if all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64()
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.float64()
    return pa.string()


@dataclass(frozen=True)
class Batching:
    """Runs per task, as blocks of design points x replicates (fixed per folder)."""

    points_per_task: int
    replicates_per_task: int

    def chunk(self, point: int, replicate: int) -> tuple[int, int]:
        """The (point block, replicate block) a run belongs to."""
        return point // self.points_per_task, replicate // self.replicates_per_task


def estimated_run_seconds(residents: float, steps: float) -> float:
    """Rough seconds of one run, only to size tasks: 0.08 s + 4.5 us per resident-week.

    Measured on one core of the development machine with the default mechanisms
    (docs/SWEEPS.md); a machine twice as fast makes tasks of half the time.
    """
    return 0.08 + 4.5e-6 * residents * steps


def plan_batching(sweep: Sweep, runs_per_task: int | None = None) -> Batching:
    """Tasks of about ``TASK_SECONDS`` of work, and at least ``MIN_TASKS`` tasks.

    Args:
        sweep: the sweep.
        runs_per_task: force this many runs per task (at most; whole replicate blocks).
    """
    if runs_per_task is None:
        steps = [
            int(value)
            for value in (sweep.design["steps"] if "steps" in sweep.names else [sweep.base.steps])
        ]
        residents = (
            sweep.design["population.residents"]
            if "population.residents" in sweep.names
            else [sweep.base.population.residents]
        )
        per_run = estimated_run_seconds(float(np.mean(residents)), float(np.mean(steps)))
        wanted = max(1, round(TASK_SECONDS / per_run))
        runs_per_task = max(1, min(wanted, math.ceil(sweep.runs / MIN_TASKS)))
    replicates = max(1, min(sweep.replications, runs_per_task))
    return Batching(max(1, runs_per_task // replicates), replicates)


def _shard_name(
    chunk: tuple[int, int], batching: Batching, runs: Sequence[tuple[int, int, int]]
) -> str:
    keys = ",".join(f"{p}:{r}" for p, r, _ in runs)
    digest = hashlib.sha256(keys.encode()).hexdigest()[:12]
    first_point = chunk[0] * batching.points_per_task
    first_replicate = chunk[1] * batching.replicates_per_task
    return f"shard-p{first_point:07d}-r{first_replicate:05d}-{digest}.parquet"


def plan_tasks(
    sweep: Sweep, folder: Path, batching: Batching, done: np.ndarray, schema: pa.Schema
) -> Iterator[SweepTask]:
    """One task per block of unfinished runs, built as the executor asks for them."""
    metrics = tuple(METRICS)
    bp, br = batching.points_per_task, batching.replicates_per_task
    for first_point in range(0, sweep.points, bp):
        point_range = range(first_point, min(first_point + bp, sweep.points))
        for first_replicate in range(0, sweep.replications, br):
            replicate_range = range(first_replicate, min(first_replicate + br, sweep.replications))
            runs = tuple(
                (p, r, sweep.seed_of(p, r))
                for p in point_range
                for r in replicate_range
                if not done[p, r]
            )
            if not runs:
                continue
            chunk = batching.chunk(first_point, first_replicate)
            yield SweepTask(
                folder=str(folder),
                base=sweep.base,
                points={p: sweep.overrides(p) for p in sorted({run[0] for run in runs})},
                runs=runs,
                shard=_shard_name(chunk, batching, runs),
                schema=schema,
                metrics=metrics,
            )
