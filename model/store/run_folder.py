"""The run folder of ``govsim run``, and the run that writes it.

Core objects: ``RunStore`` (one run folder), ``run_scenario`` (a whole ``govsim run``:
replicates -> run folder -> figures), ``RunRecord`` (what it returns) and
``RunFigures`` (what draws a run's figures, given by the caller).

A run folder holds::

    manifest.json       resolved scenario, seeds, versions, git commit, times, status
    timeseries.parquet  tidy: scenario, replicate, seed, step, one column per metric
    scorecard.csv       one row per replicate: the five objectives and their components
    observables.csv     one row per replicate and survey observable (ODD 7.14): value
    summary.csv         per metric at the final step: n, mean, sd, 95% CI over replicates
    figures/*.png       what the caller's ``figures`` draws (the CLI: time series with
                        95% bands, and the community network)

The manifest says ``completed`` only after every data file and figure is written
(``govsim.store.folder``). The store draws nothing itself: figures come from the
upper stages through the ``figures`` callable.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

import pandas as pd

from govsim.runs import (
    ALL_COMMUNITIES,
    PrecisionTarget,
    Replicates,
    replicate_seeds,
    replicate_until_precise,
    run_replicates,
    summarise,
)
from govsim.runs.trend import window_trend
from govsim.scenario import Scenario
from govsim.sim.metrics import MAIN_METRICS
from govsim.store.files import TEMP_SUFFIX, remove_temp_files
from govsim.store.folder import FigureLike, OutputError, ResultFolder
from govsim.store.lock import LOCK_FILE, take_folder_lock
from govsim.store.provenance import git_state, machine, now, versions

__all__ = ["FORMAT", "MANIFEST", "TABLES", "RunFigures", "RunRecord", "RunStore", "run_scenario"]

MANIFEST = "manifest.json"
#: The data files of a run, written between the two manifests.
TABLES = ("timeseries.parquet", "scorecard.csv", "observables.csv", "summary.csv")
FORMAT = "govsim-run/1"

#: What draws a run's figures: (results, scenario, seeds) -> {file name: figure}, e.g.
#: ``{"timeseries.png": ..., "network.png": ...}``; each is saved under figures/.
RunFigures = Callable[[Replicates, Scenario, list[int]], Mapping[str, FigureLike]]


class RunStore(ResultFolder):
    """One run folder, written in the order that keeps it honest (see module docstring)."""

    MANIFEST: ClassVar[str] = MANIFEST
    KIND: ClassVar[str] = "run"
    LEFTOVER_FILES: ClassVar[tuple[str, ...]] = (LOCK_FILE,)
    lock: IO[bytes] | None = None
    INTERRUPTED: ClassVar[str] = "interrupted (Ctrl-C or SIGTERM) before completion"

    @classmethod
    def prepare(cls, folder: str | Path) -> RunStore:
        """Check that ``folder`` can hold a run, creating it; nothing else is written.

        A folder that exists must be empty or hold an earlier govsim run (it has a
        manifest.json): that run is replaced. Any other folder is refused, so a
        mistyped ``--out`` never scatters files among someone's documents.

        Raises:
            OutputError: the folder is a file, holds other things, or cannot be written.
        """
        folder = Path(folder)
        cls._refuse_a_file(folder)
        if folder.is_dir() and not (folder / MANIFEST).is_file() and cls._holds_other_files(folder):
            raise OutputError(
                f"output folder '{folder}' already holds files and is not a govsim run "
                "folder (it has no manifest.json). Choose an empty or new folder with --out."
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".probe.", suffix=TEMP_SUFFIX)
            os.close(descriptor)
            os.unlink(probe)
        except OSError as error:
            raise cls._cannot_write(folder, error) from None
        store = cls(folder)
        # One writer at a time: held for the life of the store (the process, for the CLI).
        store.lock = take_folder_lock(folder, "run")
        return store

    def start(
        self,
        scenario: Scenario,
        seeds: list[int],
        *,
        context: dict[str, Any] | None = None,
    ) -> None:
        """Write the manifest (``running``), then remove what an earlier run left."""
        self._clock = time.monotonic()
        self.manifest = {
            "format": FORMAT,
            "status": "running",
            "scenario_name": scenario.name,
            "started": now(),
            "ended": None,
            "seconds": None,
            "root_seed": scenario.seed,
            "replications": len(seeds),
            "seeds": [{"replicate": index, "seed": int(seed)} for index, seed in enumerate(seeds)],
            "versions": versions(),
            "git": git_state(),
            "platform": machine(),
            "context": dict(context or {}),
            "files": {},
            "note": "Parameter defaults are illustrative, not calibrated (docs/ODD.md).",
            "scenario": scenario.model_dump(mode="json"),
        }
        self.write_manifest()
        self._remove_previous_outputs()
        self.figures.mkdir(exist_ok=True)

    def _remove_previous_outputs(self) -> None:
        stale = [self.folder / name for name in TABLES]
        stale += list(self.figures.glob("*.png"))
        for path in stale:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        remove_temp_files(self.folder, self.figures)  # of a killed run

    def _record(self, path: Path) -> Path:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        name = path.relative_to(self.folder).as_posix()
        self.manifest["files"][name] = {"bytes": path.stat().st_size, "sha256": digest}
        return path

    def write_table(self, name: str, table: pd.DataFrame) -> Path:
        """Write a data file atomically (``.parquet`` or ``.csv``); the manifest lists it."""
        return self._record(super().write_table(name, table))

    def write_figure(self, name: str, figure: FigureLike) -> Path:
        """Write ``figures/<name>`` (PNG) atomically; the manifest lists it."""
        return self._record(super().write_figure(name, figure))

    def complete(self) -> None:
        """Mark the run ``completed``: call only after every file is written."""
        self.finish("completed")

    def finish(self, status: str, error: str | None = None) -> None:
        """Rewrite the manifest with its final status, end time and duration."""
        self.manifest.update(status=status, ended=now(), seconds=self._seconds())
        if error is not None:
            self.manifest["error"] = error
        self.write_manifest()
        self.release()

    def release(self) -> None:
        """Release the folder's lock (the run is over: another writer may start)."""
        if self.lock is not None:
            self.lock.close()  # closing the file releases its flock
            self.lock = None


@dataclass
class RunRecord:
    """A finished ``govsim run``: where it is and what it found."""

    folder: Path
    scenario: Scenario
    seeds: list[int]
    summary: pd.DataFrame
    figures: list[Path] = field(default_factory=list)
    #: Per main metric: drift over the trend window and whether it still trends
    #: (``govsim.runs.trend.window_trend``); the manifest's ``trend`` records it.
    trend: pd.DataFrame | None = None


def run_scenario(
    scenario: Scenario,
    folder: str | Path | RunStore,
    *,
    workers: int = 1,
    progress: bool = True,
    context: dict[str, Any] | None = None,
    until_ci: PrecisionTarget | None = None,
    figures: RunFigures | None = None,
) -> RunRecord:
    """Run every replicate of ``scenario`` and store it in ``folder`` (``govsim run``).

    The folder gets manifest.json (status ``running`` first, ``completed`` only after
    timeseries.parquet, scorecard.csv, summary.csv and the figures are written),
    written atomically. An error or interruption marks the manifest ``failed`` or
    ``interrupted`` and re-raises.

    Args:
        scenario: the validated scenario (``scenario.replications`` replicates).
        folder: the run folder (created; a previous run there is replaced), or a
            ``RunStore`` already prepared.
        workers: local processes.
        progress: show progress bars.
        context: extra facts for the manifest (scenario file, overrides, command).
        until_ci: add replicates until this precision is reached
            (``govsim.runs.replicate_until_precise``); the manifest then records the
            count run, the seeds and why (``replications_rule``).
        figures: draws the run's figures from its results, scenario and seeds
            (``RunFigures``); each is saved as figures/<name>. None: no figures.

    Raises:
        govsim.store.OutputError: the folder cannot be written (before anything runs).
    """
    run_store = folder if isinstance(folder, RunStore) else RunStore.prepare(folder)
    seeds = replicate_seeds(scenario.seed, scenario.replications)
    run_store.start(scenario, seeds, context=context)
    with run_store.recording():
        if until_ci is None:
            results = run_replicates(scenario, seeds, workers=workers, progress=progress)
        else:
            results, scenario, seeds = _until_precise(
                run_store, scenario, until_ci, workers=workers, progress=progress
            )
        summary = summarise(results)
        trend = _trend(results, scenario)
        run_store.manifest["trend"] = _trend_record(trend)
        run_store.write_table("timeseries.parquet", results.timeseries)
        run_store.write_table("scorecard.csv", results.scorecards)
        run_store.write_table("observables.csv", results.observables)
        run_store.write_table("summary.csv", summary)
        drawn = figures(results, scenario, seeds) if figures is not None else {}
        paths = [run_store.write_figure(name, figure) for name, figure in drawn.items()]
        run_store.complete()
    return RunRecord(run_store.folder, scenario, seeds, summary, paths, trend)


#: Weeks over which a run is tested for a remaining trend: one year, whole activity,
#: meeting, assessment and term cycles (docs/ODD.md section 9).
TREND_WEEKS = 52


def _trend(results: Replicates, scenario: Scenario) -> pd.DataFrame:
    """The main metrics' drift over the last ``TREND_WEEKS`` reported weeks."""
    series = results.timeseries
    if "community" in series.columns:
        series = series[series["community"] == ALL_COMMUNITIES]
    weeks = min(TREND_WEEKS, scenario.steps)
    trend = window_trend(series, MAIN_METRICS, weeks)
    trend.attrs["weeks"] = weeks
    return trend


def _trend_record(trend: pd.DataFrame) -> dict[str, Any]:
    """The manifest's ``trend``: the window, the rule, and each metric's drift."""
    return {
        "weeks": trend.attrs["weeks"],
        "rule": "OLS drift over the window, 95% CI over replicates excludes 0 and "
        "exceeds max(0.01, 5% of the level) (govsim.runs.trend)",
        "trending": [metric for metric in trend.index if bool(trend.loc[metric, "trending"])],
        "drift": {
            metric: None if pd.isna(row["drift"]) else round(float(row["drift"]), 6)
            for metric, row in trend.iterrows()
        },
    }


def _until_precise(
    run_store: RunStore,
    scenario: Scenario,
    target: PrecisionTarget,
    *,
    workers: int,
    progress: bool,
) -> tuple[Replicates, Scenario, list[int]]:
    """Replicates until ``target``; the manifest records the count, the seeds and why."""
    results, rule = replicate_until_precise(scenario, target, workers=workers, progress=progress)
    scenario = scenario.with_overrides({"replications": rule["replications"]})
    seeds = replicate_seeds(scenario.seed, scenario.replications)
    run_store.manifest.update(
        replications=len(seeds),
        seeds=[{"replicate": i, "seed": seed} for i, seed in enumerate(seeds)],
        scenario=scenario.model_dump(mode="json"),
        replications_rule=rule,
    )
    return results, scenario, seeds
