"""Resuming a sweep: what its folder already holds, and whether this sweep may go on.

Core objects: ``check_resumable`` (refuse a folder made by another sweep; allow this
one, grown by samples or replicates), ``finished_runs`` (which runs the shards hold,
from their footers only) and ``version_notes`` (a folder continued with other code).

The shards' footers record which runs are done (completed or failed). A sweep started
again on the same folder reads them, runs only the rest, and so ends with every run
exactly once. It refuses a folder made by a different sweep (other base scenario,
parameters, design or seed); the same sweep with more replications, or a sobol or
morris design with more samples, grows the folder instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govsim.scenario import shown
from govsim.store import SWEEP_FORMAT, OutputError, git_state, read_shard_runs, shard_paths
from govsim.sweep.sweep import Sweep

__all__ = ["check_resumable", "finished_runs", "version_notes"]


def check_resumable(previous: Mapping[str, Any], sweep: Sweep, folder: Path) -> None:
    """Refuse a folder made by another sweep; allow this one, grown by samples or replicates."""
    where = f"output folder '{folder}' holds the sweep '{previous.get('name')}'"
    if previous.get("format") != SWEEP_FORMAT or "identity" not in previous:
        raise OutputError(
            f"{where} in a format this govsim cannot resume. Choose a new folder with --out."
        )
    differences = _differences(previous["identity"], sweep.identity())
    if differences:
        raise OutputError(
            f"{where}, made by a different sweep file ({'; '.join(differences[:4])}). A "
            "sweep resumes only into its own folder: choose another folder with --out, or "
            "restore the sweep file."
        )
    old_points, old_replications = int(previous["points"]), int(previous["replications"])
    if sweep.replications < old_replications or sweep.points < old_points:
        raise OutputError(
            f"{where} with {old_points} design points x {old_replications} replicates; this "
            f"sweep file asks for {sweep.points} x {sweep.replications}. A folder can grow, "
            "not shrink: choose another folder with --out."
        )
    if sweep.points > old_points:
        stored = pd.read_parquet(folder / "design.parquet")
        now = sweep.design_table().iloc[:old_points]
        if not stored[now.columns].reset_index(drop=True).equals(now.reset_index(drop=True)):
            raise OutputError(
                f"{where}; with samples {sweep.spec.samples} instead of {previous.get('samples')}"
                f" this {sweep.kind} design moves the points already run (only sobol and "
                "morris designs keep them when samples grow). Choose another folder with --out."
            )


def _differences(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Readable differences between two identities: 'base.steps: 20 -> 30'."""
    found = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        path = f"{prefix}{key}"
        if isinstance(a, dict) and isinstance(b, dict):
            found += _differences(a, b, f"{path}.")
        elif a != b:
            found.append(f"{path}: {shown(a)} in the folder, {shown(b)} now")
    return found


def version_notes(previous: Mapping[str, Any]) -> list[str]:
    """A note when the folder was started with another govsim commit than this one."""
    sessions = previous.get("sessions") or []
    before = (sessions[-1].get("git") or {}).get("commit") if sessions else None
    now = (git_state() or {}).get("commit")
    if before and now and before != now:
        return [
            f"this folder was started with govsim commit {before[:10]} and is now "
            f"continued with {now[:10]}: its runs come from both."
        ]
    return []


def finished_runs(sweep: Sweep, folder: Path) -> tuple[np.ndarray, dict[str, int]]:
    """Which runs the shards hold (completed or failed), from their footers only."""
    done = np.zeros((sweep.points, sweep.replications), dtype=bool)
    counts = {"completed": 0, "failed": 0}
    for path in shard_paths(folder):
        for record in read_shard_runs(path):
            point, replicate = int(record["design_point"]), int(record["replicate"])
            if (
                point < sweep.points
                and replicate < sweep.replications
                and not done[point, replicate]
            ):
                done[point, replicate] = True
                counts[record["status"]] = counts.get(record["status"], 0) + 1
    return done, counts
