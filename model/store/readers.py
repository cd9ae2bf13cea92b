"""Reading results: run and sweep folders, their manifests, time series and tables.

Core objects: ``read_manifest`` and ``read_timeseries`` (a run folder),
``read_sweep_manifest``, ``load_results`` (the tidy time series of a sweep or a run
folder; also ``govsim.load_results``), ``load_sweep_runs``, ``load_summary``,
``load_design`` and ``load_sensitivity`` (a sweep folder's tables).

A sweep folder's time series is a Parquet dataset (``timeseries/``, one shard per
task), so other tools read it directly too::

    pandas.read_parquet("results/admin_budget_grid/timeseries")
    pyarrow.dataset.dataset("results/admin_budget_grid/timeseries").to_table()
    duckdb.sql("SELECT * FROM 'results/admin_budget_grid/timeseries/*.parquet'")

Column names are the dotted scenario paths of the parameters (quote them in SQL:
``"frictions.admin_burden"``). Shards are written under a temporary name that starts
with a dot and renamed when complete; pandas and pyarrow skip dot files, and the
``*.parquet`` glob does not match them, so a sweep still running reads consistently.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from govsim.store.folder import OutputError
from govsim.store.run_folder import MANIFEST, RunStore
from govsim.store.sweep_folder import SHARDS, SWEEP_MANIFEST, SweepStore, shard_paths

__all__ = [
    "load_design",
    "load_results",
    "load_sensitivity",
    "load_summary",
    "load_sweep_runs",
    "read_manifest",
    "read_sweep_manifest",
    "read_timeseries",
]


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of a run folder.

    Raises:
        OutputError: no manifest, or one that is not valid JSON.
    """
    return RunStore.load_manifest(folder)


def read_timeseries(folder: str | Path, *, require_completed: bool = True) -> pd.DataFrame:
    """The tidy time series of a stored run (only a ``completed`` one, by default).

    Raises:
        OutputError: the run is not completed, or its folder is not a run.
    """
    manifest = read_manifest(folder)
    status = manifest.get("status")
    if require_completed and status != "completed":
        raise OutputError(
            f"the run in '{folder}' is not complete (status: {status}); run it again."
        )
    return pd.read_parquet(Path(folder) / "timeseries.parquet")


def read_sweep_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest (sweep.json) of a sweep folder.

    Raises:
        OutputError: no sweep.json, or one that is not valid JSON.
    """
    return SweepStore.load_manifest(folder)


def load_results(
    folder: str | Path,
    *,
    metrics: Sequence[str] | None = None,
    final_step: bool = False,
    require_completed: bool = True,
) -> pd.DataFrame:
    """The tidy time series of a sweep folder: one row per run and step.

    Columns: design_point, replicate, seed, one column per parameter (its dotted
    path), step, community (-1: the whole scenario), then one column per metric.
    Rows are sorted by design point, replicate, community and step. A run folder
    (``govsim run``) is read too: its timeseries.parquet, as
    ``govsim.read_timeseries``.

    Args:
        folder: the sweep (or run) folder.
        metrics: only these metric columns (default: all); reading fewer is faster.
        final_step: only the last step of every run.
        require_completed: refuse a sweep that has not finished (status other than
            ``completed``); False reads the runs finished so far.

    Raises:
        OutputError: not a sweep or run folder, or not finished.
    """
    folder = Path(folder)
    if not (folder / SWEEP_MANIFEST).is_file() and (folder / MANIFEST).is_file():
        frame = read_timeseries(folder, require_completed=require_completed)
        frame = _select(
            frame, metrics, fixed=("scenario", "replicate", "seed", "step", "community")
        )
        return _last_steps(frame, ["replicate"]) if final_step else frame
    manifest = read_sweep_manifest(folder)
    _check_status(folder, manifest, require_completed)
    names = list(manifest.get("parameters", {}))
    fixed = ("design_point", "replicate", "seed", *names, "step", "community")
    columns = None if metrics is None else [*fixed, *metrics]
    dataset = folder / SHARDS
    if not shard_paths(folder):
        return pd.DataFrame(columns=list(fixed) + list(metrics or []))
    if columns is not None:
        available = set(_schema_names(dataset))
        unknown = [name for name in metrics or [] if name not in available]
        if unknown:
            raise OutputError(
                f"'{folder}' has no metric {', '.join(map(repr, unknown))}; its metrics: "
                f"{', '.join(n for n in _schema_names(dataset) if n not in fixed)}."
            )
        columns = [name for name in columns if name in available]
    frame = pd.read_parquet(dataset, columns=columns, engine="pyarrow")
    keys = ["design_point", "replicate", *(["community"] if "community" in frame else []), "step"]
    frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    if final_step:
        frame = _last_steps(frame, ["design_point", "replicate"])
    return frame


def _schema_names(dataset: Path) -> list[str]:
    return pq.read_schema(next(iter(sorted(dataset.glob("shard-*.parquet"))))).names


def _select(
    frame: pd.DataFrame, metrics: Sequence[str] | None, fixed: Sequence[str]
) -> pd.DataFrame:
    if metrics is None:
        return frame
    return frame[[c for c in fixed if c in frame] + list(metrics)]


def _last_steps(frame: pd.DataFrame, runs: list[str]) -> pd.DataFrame:
    last = frame.groupby(runs)["step"].transform("max")
    return frame[frame["step"] == last].reset_index(drop=True)


def _check_status(folder: Path, manifest: dict, require_completed: bool) -> None:
    status = manifest.get("status")
    if require_completed and status != "completed":
        raise OutputError(
            f"the sweep in '{folder}' is not complete (status: {status}); start it again to "
            "finish it, or pass require_completed=False to read the runs finished so far."
        )


def load_sweep_runs(folder: str | Path) -> pd.DataFrame:
    """The runs table of a sweep folder (runs.csv): one row per planned run.

    Columns: design_point, replicate, seed, the parameters, status (completed,
    failed, pending), error, seconds, cpu_seconds, worker, shard, step, then the final-step value
    of every metric and ``scorecard.<entry>`` (see ``govsim.sweep.write_tables``).
    """
    return _read_csv(folder, "runs.csv")


def load_summary(folder: str | Path) -> pd.DataFrame:
    """The final-step summary of a sweep folder (summary.csv).

    One row per design point and metric: design_point, the parameters, metric, step,
    n, mean, sd, ci95_low, ci95_high (95% t-interval over replicates). For a heat map
    of a grid: ``table[table.metric == "participation_rate"].pivot(index=a, columns=b,
    values="mean")``.
    """
    return _read_csv(folder, "summary.csv")


def load_design(folder: str | Path) -> pd.DataFrame:
    """The design table of a sweep folder (design.parquet): one row per design point."""
    path = Path(folder) / "design.parquet"
    if not path.is_file():
        raise OutputError(f"'{folder}' has no design.parquet: not a sweep folder.")
    return pd.read_parquet(path)


def load_sensitivity(folder: str | Path) -> pd.DataFrame:
    """The sensitivity indices of a sobol or morris sweep folder (sensitivity.csv).

    Raises:
        OutputError: the folder has none (not a sobol or morris sweep, or not finished).
    """
    path = Path(folder) / "sensitivity.csv"
    if not path.is_file():
        raise OutputError(
            f"'{folder}' has no sensitivity.csv: only a finished sobol or morris sweep writes one."
        )
    return pd.read_csv(path)


def _read_csv(folder: str | Path, name: str) -> pd.DataFrame:
    path = Path(folder) / name
    if not path.is_file():
        read_sweep_manifest(folder)  # not a sweep folder: say so
        raise OutputError(
            f"'{folder}' has no {name} yet: a sweep writes it at the end of every start."
        )
    return pd.read_csv(path)
