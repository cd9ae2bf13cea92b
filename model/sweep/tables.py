"""The final tables of a sweep: runs.csv and summary.csv, from the shards' footers.

Core objects: ``write_tables`` (runs.csv block by block, and the summary per design
point and metric), ``RUN_FACTS`` (the columns that say how a run ran) and ``Tally``
(what the parent keeps while it writes: counts by status and the first failure).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from govsim.runs import clip_to_ranges
from govsim.sim.metrics import METRICS
from govsim.stats import t_interval
from govsim.store import OutputError, SweepStore, atomic_write, read_shard_runs, shard_paths
from govsim.sweep.sweep import RUN_IDS, Sweep
from govsim.sweep.tasks import Batching

__all__ = ["RUN_FACTS", "Tally", "write_tables"]

#: Columns of the runs table between the parameters and the metrics.
RUN_FACTS = ("status", "error", "seconds", "cpu_seconds", "worker", "shard", "step")


@dataclass
class Tally:
    """What the parent keeps while it writes the tables: counts and one failure."""

    counts: dict[str, int] = field(
        default_factory=lambda: {"completed": 0, "failed": 0, "pending": 0}
    )
    first_failure: dict[str, Any] | None = None


def _point_blocks(sweep: Sweep, folder: Path, batching: Batching) -> Iterator[tuple[range, list]]:
    """Each block of design points with the run records of its shards (one block at a time).

    Every run of a design point lives in a shard of its point block (shard names start
    with the block's first point), so a block's records are complete in themselves.

    Raises:
        govsim.store.OutputError: a run recorded in two shards (never expected: a shard's
            name follows its runs).
    """
    paths = shard_paths(folder)
    index = 0
    for first in range(0, sweep.points, batching.points_per_task):
        points = range(first, min(first + batching.points_per_task, sweep.points))
        prefix = f"shard-p{first:07d}-"
        while index < len(paths) and paths[index].name < prefix:
            index += 1  # shards of points beyond a shrunken plan: ignored
        records, seen = [], {}
        while index < len(paths) and paths[index].name.startswith(prefix):
            path = paths[index]
            for record in read_shard_runs(path):
                key = (int(record["design_point"]), int(record["replicate"]))
                if key[1] >= sweep.replications:
                    continue
                if key in seen:
                    raise OutputError(
                        f"run (design point {key[0]}, replicate {key[1]}) is recorded in two "
                        f"shards, {seen[key]} and {path.name}, in '{folder}'. Move one out of "
                        "the folder and start the sweep again."
                    )
                seen[key] = path.name
                records.append({**record, "shard": path.name})
            index += 1
        yield points, records


def _block_table(
    sweep: Sweep, points: range, records: list[dict[str, Any]], columns: list[str]
) -> pd.DataFrame:
    """The rows of runs.csv for one block of design points, pending runs included.

    In (design point, replicate) order, with the fixed ``columns``.
    """
    rows = []
    for record in records:
        final = record.get("final") or {}
        card = {f"scorecard.{k}": v for k, v in (record.get("scorecard") or {}).items()}
        rows.append({**record, **final, **card})
    planned = pd.MultiIndex.from_product(
        [points, range(sweep.replications)], names=["design_point", "replicate"]
    )
    table = pd.DataFrame(rows, columns=columns)
    table = table.set_index(["design_point", "replicate"]).reindex(planned).reset_index()
    table["seed"] = [
        sweep.seed_of(p, r) for p, r in zip(table["design_point"], table["replicate"], strict=True)
    ]
    table["status"] = table["status"].fillna("pending")
    for name in sweep.names:
        table[name] = table["design_point"].map(sweep.design[name])
    return table[columns]


def _runs_columns(sweep: Sweep, folder: Path) -> list[str]:
    """Fixed columns of runs.csv: ids, parameters, facts, metrics, scorecard entries."""
    card: list[str] = []
    for path in shard_paths(folder):  # the scorecard's entries, from the first run
        found = [r for r in read_shard_runs(path) if r.get("scorecard")]
        if found:
            card = [f"scorecard.{k}" for k in found[0]["scorecard"]]
            break
    # Summarised entries stay columns even when no run completed (all failed).
    card += [m for m in sweep.metrics if m.startswith("scorecard.") and m not in card]
    return [*RUN_IDS, *sweep.names, *RUN_FACTS, *METRICS, *card]


def _block_summary(sweep: Sweep, block: pd.DataFrame) -> list[tuple[Any, ...]]:
    """(design_point, metric, step, n, mean, sd) per design point and metric of a block.

    Over the completed replicates at their final step. Plain tuples: the parent keeps
    them for every design point, so they must be small.
    """
    completed = block[block["status"] == "completed"]
    by_point = completed.groupby("design_point")
    steps = by_point["step"].max()
    stats = {
        metric: pd.to_numeric(completed[metric], errors="coerce")
        .groupby(completed["design_point"])
        .agg(["count", "mean", "std"])
        for metric in sweep.metrics
    }
    rows = []
    for point in block["design_point"].unique():
        for metric in sweep.metrics:  # the sweep's metric order within a point
            table = stats[metric]
            found = point in table.index
            n, mean, sd = table.loc[point] if found else (0, np.nan, np.nan)
            step = steps.get(point, np.nan)
            rows.append((int(point), metric, step, int(n), float(mean), float(sd)))
    return rows


def write_tables(
    sweep: Sweep, sweep_store: SweepStore, batching: Batching
) -> tuple[pd.DataFrame, Tally]:
    """Write runs.csv block by block from the shards' footers; return the summary.

    runs.csv has one row per planned run: design_point, replicate, seed, the
    parameters, status (completed, failed, or pending: not run yet), error, seconds
    (wall), cpu_seconds (the run's thread), worker, shard, step (the final step), the
    final-step value of every metric, then ``scorecard.<entry>``. The parent holds one
    block of design points at a time, never the whole table (so its memory does not
    grow with the number of runs).

    The summary (summary.csv) has one row per design point and metric of
    ``sweep.metrics``: design_point, the parameters, metric, step, n, mean, sd,
    ci95_low, ci95_high, over the completed replicates at their final step (95%
    t-interval of the mean, ``govsim.stats.t_interval``, cut at the metric's range).
    """
    folder = sweep_store.folder
    columns = _runs_columns(sweep, folder)
    summaries: list[tuple[Any, ...]] = []
    tally = Tally()

    def write(handle: IO[bytes]) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        for number, (points, records) in enumerate(_point_blocks(sweep, folder, batching)):
            block = _block_table(sweep, points, records, columns)
            block.to_csv(text, header=number == 0, index=False)
            summaries.extend(_block_summary(sweep, block))
            for status, count in block["status"].value_counts().items():
                tally.counts[str(status)] = tally.counts.get(str(status), 0) + int(count)
            failed = block[block["status"] == "failed"]
            if tally.first_failure is None and len(failed):
                tally.first_failure = failed.iloc[0][
                    ["design_point", "replicate", "error"]
                ].to_dict()
        text.flush()
        text.detach()  # atomic_write syncs and closes the file itself

    atomic_write(folder / "runs.csv", write)
    columns = ["design_point", "metric", "step", "n", "mean", "sd"]
    summary = t_interval(pd.DataFrame(summaries, columns=columns).astype({"n": "int64"}))
    summary = clip_to_ranges(summary, summary["metric"].tolist())
    summary = summary.merge(sweep.design.reset_index(), on="design_point", how="left")
    summary = summary[
        ["design_point", *sweep.names, "metric", "step", "n", "mean", "sd", "ci95_low", "ci95_high"]
    ]
    sweep_store.write_table("summary.csv", summary)
    return summary, tally
