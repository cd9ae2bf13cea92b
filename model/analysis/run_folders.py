"""Reading ``govsim run`` folders back for analysis.

Core objects: ``Run`` (a completed run folder, read back), ``load_runs`` (several of
them, checked, in the order given), ``run_named`` (the run a baseline name means) and
``AnalysisError`` (input that cannot be analysed: the CLI exits with 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from govsim import store
from govsim.runs import ALL_COMMUNITIES, ID_COLUMNS

__all__ = [
    "COMPARISON_MANIFEST",
    "SCORECARD_PREFIX",
    "AnalysisError",
    "Run",
    "load_runs",
    "run_named",
]

#: How a scorecard entry is named among the metrics: ``scorecard.<name>``.
SCORECARD_PREFIX = "scorecard."
#: The file that marks a folder as a finished ``govsim compare`` output.
COMPARISON_MANIFEST = "comparison.json"


class AnalysisError(ValueError):
    """Input that cannot be analysed: not a run, an unknown metric or baseline, a bad k."""


@dataclass(frozen=True)
class Run:
    """A completed ``govsim run`` folder, read back.

    Attributes:
        label: the name the run goes by in comparisons: the folder's name (which is
            the scenario's name unless ``--out`` chose another).
        folder: the run folder.
        manifest: manifest.json (resolved scenario, seeds, versions, status).
        timeseries: timeseries.parquet, its rows for the whole scenario (``community``
            -1 where the column exists), with ``scenario`` set to ``label``.
        scorecards: scorecard.csv (one row per replicate), ``scenario`` = ``label``.
    """

    label: str
    folder: Path
    manifest: dict[str, Any]
    timeseries: pd.DataFrame
    scorecards: pd.DataFrame

    @property
    def replications(self) -> int:
        """Number of replicates stored."""
        return int(self.timeseries["replicate"].nunique())

    @property
    def final_step(self) -> int:
        """The last week of the run."""
        return int(self.timeseries["step"].max())

    @property
    def scenario_name(self) -> str:
        """The ``name`` of the scenario that was run."""
        return str(self.manifest.get("scenario_name", self.label))

    @property
    def metrics(self) -> list[str]:
        """Time-series metrics, then scorecard entries (``scorecard.<name>``)."""
        series = [c for c in self.timeseries.columns if c not in ID_COLUMNS]
        card = [f"{SCORECARD_PREFIX}{c}" for c in self.scorecards.columns if c not in ID_COLUMNS]
        return series + card


def _not_a_run(folder: Path, why: str) -> AnalysisError:
    return AnalysisError(
        f"'{folder}' is not a completed govsim run folder ({why}). Give folders written "
        "by 'govsim run' (each holds manifest.json with status 'completed', "
        "timeseries.parquet and scorecard.csv), e.g. results/baseline."
    )


def _read_run(folder: Path) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    if not folder.is_dir():
        raise _not_a_run(folder, "no such folder" if not folder.exists() else "a file")
    if (folder / COMPARISON_MANIFEST).is_file():
        raise _not_a_run(folder, "it is the output of 'govsim compare'; leave it out")
    try:
        manifest = store.read_manifest(folder)
    except store.OutputError as error:
        raise _not_a_run(folder, str(error).rstrip(".")) from None
    status = manifest.get("status")
    if status != "completed":
        raise _not_a_run(folder, f"its manifest says status '{status}'; run it again")
    try:
        series = pd.read_parquet(folder / "timeseries.parquet")
        scorecards = pd.read_csv(folder / "scorecard.csv")
    except (OSError, ValueError) as error:
        raise _not_a_run(folder, f"its data cannot be read: {error}") from None
    if not {"scenario", "replicate", "step"} <= set(series.columns) or series.empty:
        raise _not_a_run(folder, "timeseries.parquet lacks the columns of a govsim run")
    if "community" in series.columns:  # whole-scenario rows, not per-community ones
        series = series[series["community"] == ALL_COMMUNITIES].reset_index(drop=True)
    return manifest, series, scorecards


def _labels(folders: Sequence[Path]) -> list[str]:
    """Folder names; where two folders share a name, their whole paths."""
    names = [folder.name or str(folder) for folder in folders]
    return [
        name if names.count(name) == 1 else str(folder)
        for name, folder in zip(names, folders, strict=True)
    ]


def load_runs(folders: Iterable[str | Path] | str | Path) -> list[Run]:
    """Read completed run folders, in the order given.

    Args:
        folders: run folders (``results/<name>`` or a ``--out`` folder), or one.

    Raises:
        AnalysisError: none given, the same folder twice, or a folder that is not a
            completed run (missing, no manifest, interrupted, unreadable data).
    """
    if isinstance(folders, str | Path):
        folders = [folders]
    paths = [Path(folder) for folder in folders]
    if not paths:
        raise AnalysisError("no run folders given: name at least one folder of 'govsim run'.")
    resolved = [path.resolve() for path in paths]
    twice = sorted({str(p) for p, r in zip(paths, resolved, strict=True) if resolved.count(r) > 1})
    if twice:
        raise AnalysisError(
            f"the same run folder is given more than once ({', '.join(twice)}); give each run once."
        )
    runs = []
    for label, folder in zip(_labels(paths), paths, strict=True):
        manifest, series, scorecards = _read_run(folder)
        series = series.assign(scenario=label)
        scorecards = scorecards.assign(scenario=label)
        runs.append(Run(label, folder, manifest, series, scorecards))
    return runs


def run_named(runs: Sequence[Run], name: str) -> Run:
    """The run labelled ``name``, or the only run whose scenario is ``name``."""
    for run in runs:
        if run.label == name or str(run.folder) == name:
            return run
    by_scenario = [run for run in runs if run.scenario_name == name]
    if len(by_scenario) == 1:
        return by_scenario[0]
    raise AnalysisError(
        f"baseline '{name}' is not among the runs compared. Allowed: "
        f"{', '.join(run.label for run in runs)} (folder names; a scenario name works "
        "when only one run has it)."
    )
