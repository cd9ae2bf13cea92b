"""Running a sweep: skip what is finished, run the rest on an executor, write the tables.

Core objects: ``run_sweep`` (a whole ``govsim sweep``, resumable), ``SweepResult``
(what it returns: the folder, the counts, the summary and the sensitivity indices)
and ``SensitivityFigure`` (what draws the figure of the indices, given by the
caller: the sweep stage draws nothing itself).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from govsim.runs import DaskExecutor, Executor, ProcessExecutor, SerialExecutor
from govsim.store import FigureLike, SweepStore
from govsim.sweep.indices import indices
from govsim.sweep.resume import check_resumable, finished_runs, version_notes
from govsim.sweep.spec import spec_parameters
from govsim.sweep.sweep import Sweep
from govsim.sweep.tables import Tally, write_tables
from govsim.sweep.tasks import (
    Batching,
    SweepTask,
    plan_batching,
    plan_tasks,
    run_task,
    shard_schema,
)

__all__ = ["SensitivityFigure", "SweepResult", "run_sweep"]

#: What draws the figure of a sobol or morris sweep's indices: (the sensitivity
#: table, a title) -> a figure, saved as figures/sensitivity.png.
SensitivityFigure = Callable[[pd.DataFrame, str], FigureLike]


@dataclass
class SweepResult:
    """A sweep after ``run_sweep``: where it is, what ran, and its tables.

    Attributes:
        folder: the sweep folder.
        sweep: the sweep.
        summary: final-step mean and 95% CI per design point and metric (summary.csv).
        sensitivity: sobol and morris designs: indices per metric and parameter.
        ran: runs run in this session; skipped: runs finished by earlier sessions.
        counts: runs by status (completed, failed, pending).
        figures: the figures written (figures/sensitivity.png, when drawn).
        notes: things the user should know (failed runs, mixed code versions).
    """

    folder: Path
    sweep: Sweep
    summary: pd.DataFrame
    sensitivity: pd.DataFrame | None
    ran: int
    skipped: int
    counts: dict[str, int] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @functools.cached_property
    def runs(self) -> pd.DataFrame:
        """The runs table (runs.csv, read on first use): one row per planned run."""
        return pd.read_csv(self.folder / "runs.csv")

    @property
    def completed(self) -> int:
        """Runs that finished without error."""
        return self.counts.get("completed", 0)

    @property
    def failed(self) -> int:
        """Runs that raised (recorded with their error in runs.csv)."""
        return self.counts.get("failed", 0)

    @property
    def pending(self) -> int:
        """Runs not run yet (a task that failed as a whole); start again to run them."""
        return self.counts.get("pending", 0)

    def report(self) -> str:
        """What ``govsim sweep`` prints at the end: counts, metric ranges, files."""
        sweep = self.sweep
        lines = [
            f"{sweep.name}: {sweep.runs:,} runs: {self.completed:,} completed, "
            f"{self.failed:,} failed, {self.pending:,} pending ({self.ran:,} run now, "
            f"{self.skipped:,} finished earlier)",
            f"final-step means over replicates, across the {sweep.points:,} design points "
            "(illustrative defaults, not calibrated):",
        ]
        width = max(len(metric) for metric in sweep.metrics)
        for metric in sweep.metrics:
            means = self.summary.loc[self.summary["metric"] == metric, "mean"]
            span = f"{means.min():.3f} .. {means.max():.3f}" if means.notna().any() else "no value"
            lines.append(f"  {metric:{width}}  {span}")
        files = "sweep.json, design.parquet, timeseries/, runs.csv, summary.csv"
        if self.sensitivity is not None:
            files += ", sensitivity.csv"
        files += "".join(f", figures/{path.name}" for path in self.figures)
        lines.append(f"written: {self.folder}/ ({files})")
        return "\n".join(lines)


def run_sweep(
    sweep: Sweep,
    out: str | Path | None = None,
    *,
    workers: int = 1,
    scheduler: Any = None,
    executor: Executor | None = None,
    progress: bool = True,
    runs_per_task: int | None = None,
    context: Mapping[str, Any] | None = None,
    sensitivity_figure: SensitivityFigure | None = None,
) -> SweepResult:
    """Run every run of ``sweep`` not already in ``out``, then write its tables.

    Args:
        sweep: a validated sweep (``load_sweep``).
        out: the sweep folder (default ``results/<name>/``); created, or resumed.
        workers: local processes (1: this process).
        scheduler: a Dask scheduler address (``tcp://host:8786``) or a
            ``dask.distributed.Client``: run the tasks there instead.
        executor: any executor (``imap(function, tasks)``), instead of the above.
        progress: show a progress bar with an ETA (on a terminal).
        runs_per_task: force the batch size (default: a few seconds of work per task);
            only a new folder takes it, a resumed one keeps its own.
        context: extra facts for the manifest's session record (command, cwd).
        sensitivity_figure: draws the figure of a sobol or morris sweep's indices
            (``SensitivityFigure``), saved as figures/sensitivity.png. None: no figure.

    Returns:
        The result, with the runs table, the summary and the sensitivity indices.

    Raises:
        govsim.store.OutputError: the folder cannot be used, holds another sweep, or is
            being written by another process.
        govsim.runs.SchedulerError: the Dask scheduler cannot be used.
    """
    folder = Path(out) if out is not None else Path("results") / sweep.name
    dask = None
    if executor is None and scheduler is not None:
        dask = DaskExecutor(scheduler)
        dask.connect()  # an unreachable scheduler is reported before anything is written
        executor = dask
    try:
        with SweepStore.open(folder) as sweep_store:
            executor = executor if executor is not None else _local_executor(workers)
            return _run_in(
                sweep,
                sweep_store,
                executor,
                progress=progress,
                runs_per_task=runs_per_task,
                context=context,
                sensitivity_figure=sensitivity_figure,
            )
    finally:
        if dask is not None:
            dask.close()


def _local_executor(workers: int) -> Executor:
    if workers <= 1:
        return SerialExecutor()
    # Everything a task imports, so that no worker pays for it again.
    preload = ("govsim.runs", "govsim.sim.governance", "govsim.sweep", "pyarrow.parquet")
    return ProcessExecutor(workers, preload)


def _run_in(
    sweep: Sweep,
    sweep_store: SweepStore,
    executor: Executor,
    *,
    progress: bool,
    runs_per_task: int | None,
    context: Mapping[str, Any] | None,
    sensitivity_figure: SensitivityFigure | None,
) -> SweepResult:
    """Resume or plan, run what is left, then write the tables and the final status."""
    previous = sweep_store.previous()
    notes: list[str] = []
    if previous is not None:
        check_resumable(previous, sweep, sweep_store.folder)
        batching = Batching(**previous["batching"])
        notes += version_notes(previous)
    else:
        batching = plan_batching(sweep, runs_per_task)
    sweep_store.start(_manifest(sweep, batching), {"context": dict(context or {})})
    with sweep_store.recording():
        sweep_store.write_table("design.parquet", sweep.design_table())
        done, finished = finished_runs(sweep, sweep_store.folder)
        counts = {"completed": int(finished["completed"]), "failed": int(finished["failed"])}
        skipped = int(done.sum())
        folder = sweep_store.folder.resolve()  # absolute: Dask workers may run elsewhere
        tasks = plan_tasks(sweep, folder, batching, done, shard_schema(sweep))
        ran = _run_tasks(
            sweep, sweep_store, executor, tasks, counts, skipped=skipped, progress=progress
        )
        result = _finish(sweep, sweep_store, batching, ran, skipped, figure=sensitivity_figure)
    result.notes = notes + result.notes
    return result


def _run_tasks(
    sweep: Sweep,
    sweep_store: SweepStore,
    executor: Executor,
    tasks: Iterator[SweepTask],
    counts: dict[str, int],
    *,
    skipped: int,
    progress: bool,
) -> int:
    """Run ``tasks``, adding their runs to ``counts`` as they finish; the runs run."""
    bar = tqdm(
        total=sweep.runs,
        initial=skipped,
        desc=sweep.name,
        unit="run",
        disable=None if progress else True,
        dynamic_ncols=True,
        smoothing=0.05,
    )
    first = next(tasks, None)  # nothing left: no workers to start
    stream = executor.imap(run_task, itertools.chain([first], tasks)) if first else iter(())
    ran, last_update = 0, time.monotonic()
    try:
        for report in stream:
            counts["completed"] += report.completed
            counts["failed"] += report.failed
            ran += report.completed + report.failed
            bar.update(report.completed + report.failed)
            if report.failed:
                bar.set_postfix(failed=counts["failed"], refresh=False)
            if time.monotonic() - last_update > 5:  # the manifest shows progress
                sweep_store.update(counts={**counts, "planned": sweep.runs})
                last_update = time.monotonic()
    finally:
        bar.close()
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    return ran


def _manifest(sweep: Sweep, batching: Batching) -> dict[str, Any]:
    return {
        "name": sweep.name,
        "source": str(Path(sweep.source).resolve())
        if Path(sweep.source).exists()
        else sweep.source,
        "design": sweep.kind,
        "points": sweep.points,
        "replications": sweep.replications,
        "runs": sweep.runs,
        "samples": sweep.spec.samples,
        "root_seed": sweep.seed,
        "seed_rule": "run (p, r): SeedSequence(root_seed).spawn(P)[p].spawn(R)[r]"
        ".generate_state(1, uint64)[0] >> 1",
        "parameters": spec_parameters(sweep.spec),
        "metrics": sweep.metrics,
        "batching": dataclasses.asdict(batching),
        "identity": sweep.identity(),
        "sweep": sweep.spec.model_dump(mode="json", by_alias=True),
        "scenario": sweep.base.model_dump(mode="json"),
    }


def _finish(
    sweep: Sweep,
    sweep_store: SweepStore,
    batching: Batching,
    ran: int,
    skipped: int,
    *,
    figure: SensitivityFigure | None,
) -> SweepResult:
    """runs.csv, summary.csv, the sensitivity indices and figure; then the final status."""
    summary, tally = write_tables(sweep, sweep_store, batching)
    result = SweepResult(
        sweep_store.folder, sweep, summary, None, ran, skipped, counts=dict(tally.counts)
    )
    if sweep.kind in ("sobol", "morris") and result.pending == 0:
        _write_sensitivity(result, sweep_store, figure)
    if tally.first_failure is not None:
        result.notes.append(_failures_note(result, tally))
    outputs = ["sweep.json", "design.parquet", "timeseries/", "runs.csv", "summary.csv"]
    if result.sensitivity is not None:
        outputs.append("sensitivity.csv")
    outputs += [f"figures/{path.name}" for path in result.figures]
    sweep_store.update(counts={**tally.counts, "planned": sweep.runs}, outputs=outputs)
    if result.pending:
        sweep_store.finish(
            "failed",
            f"{result.pending} runs were not run (a task failed as a whole); start the sweep "
            "again to run them",
        )
    else:
        sweep_store.finish("completed")
    return result


def _write_sensitivity(
    result: SweepResult, sweep_store: SweepStore, figure: SensitivityFigure | None
) -> None:
    """sensitivity.csv and, when the caller draws it, figures/sensitivity.png."""
    sweep = result.sweep
    table = indices(sweep, result.summary)
    sweep_store.write_table("sensitivity.csv", table)
    result.sensitivity = table
    if figure is not None:
        title = (
            f"{sweep.name}: {sweep.kind}, {sweep.points:,} design points x "
            f"{sweep.replications} replicates"
        )
        result.figures.append(sweep_store.write_figure("sensitivity.png", figure(table, title)))


def _failures_note(result: SweepResult, tally: Tally) -> str:
    first = tally.first_failure or {}
    return (
        f"{result.failed} of {result.sweep.runs} runs failed (recorded in runs.csv); the "
        f"first: design point {first['design_point']}, replicate {first['replicate']}: "
        f"{first['error']}"
    )
