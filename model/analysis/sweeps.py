"""Sweep summaries: the robust per-replicate summary for a stored sweep, main effects.

Core objects: ``summarise_sweep`` (per design point, each metric's mean over the last
k weeks with its 95% CI) and ``main_effect`` (a grid parameter's highest level
against its lowest, with its CI).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from scipy import stats

from govsim import store
from govsim.analysis.replicates import DEFAULT_LAST
from govsim.analysis.run_folders import SCORECARD_PREFIX, AnalysisError
from govsim.runs import ALL_COMMUNITIES, clip_to_ranges
from govsim.stats import t_interval

__all__ = ["main_effect", "summarise_sweep"]


def summarise_sweep(
    folder: str | Path, metrics: Sequence[str] | None = None, *, last: int = DEFAULT_LAST
) -> pd.DataFrame:
    """Per design point of a stored sweep: each metric's last-k mean, with its 95% CI.

    n, mean, sd and 95% CI over replicates of each replicate's mean over the last
    ``last`` weeks (the robust summary, see the ``govsim.analysis`` docstring). The sweep's own
    summary.csv uses the final week; this one smooths the 4-week activity and
    meeting cycles. Scorecard entries (``scorecard.<name>``) use their end-of-run
    value per replicate (runs.csv). The table has the columns of the sweep's
    summary.csv (design_point, the parameters, metric, n, mean, sd, ci95_low,
    ci95_high), so ``govsim.sweep.indices`` accepts it as outcomes.

    Args:
        folder: a finished ``govsim sweep`` folder (``govsim.store.load_results``).
        metrics: metric names (default: the sweep's metrics).
        last: k, weeks averaged per replicate.

    Raises:
        AnalysisError: not a finished sweep, an unknown metric, or a bad ``last``.
    """
    try:
        design = store.load_design(folder)
        runs = store.load_sweep_runs(folder)
        manifest = store.read_sweep_manifest(folder)
        metrics = list(metrics or manifest.get("metrics") or [])
        series_metrics = [m for m in metrics if not m.startswith(SCORECARD_PREFIX)]
        series = store.load_results(folder, metrics=series_metrics)
    except store.OutputError as error:
        raise AnalysisError(str(error)) from None
    unknown = [m for m in metrics if m.startswith(SCORECARD_PREFIX) and m not in runs]
    if unknown:
        raise AnalysisError(f"unknown metric {', '.join(map(repr, unknown))} in '{folder}'.")
    if "community" in series:
        series = series[series["community"] == ALL_COMMUNITIES]
    final = series.groupby(["design_point", "replicate"])["step"].transform("max")
    if not 1 <= last <= int(final.min()):
        raise AnalysisError(f"last must be from 1 to {int(final.min())} weeks, got {last}.")
    window = series[series["step"] > final - last]
    per_run = window.groupby(["design_point", "replicate"])[series_metrics].mean()
    completed = runs[runs["status"] == "completed"].set_index(["design_point", "replicate"])
    for metric in metrics:
        if metric.startswith(SCORECARD_PREFIX):
            per_run[metric] = pd.to_numeric(completed[metric], errors="coerce")
    long = per_run[metrics].stack(future_stack=True).rename("value").reset_index()
    long = long.rename(columns={"level_2": "metric"})
    grouped = long.groupby(["design_point", "metric"], sort=False)["value"]
    table = grouped.agg(["count", "mean", "std"]).rename(columns={"count": "n", "std": "sd"})
    table = t_interval(table).reset_index().merge(design, on="design_point")
    table = clip_to_ranges(table, table["metric"].tolist())
    table["summary"] = f"mean of the last {last} weeks"
    names = [c for c in design.columns if c != "design_point"]
    order = {metric: index for index, metric in enumerate(metrics)}
    table = table.sort_values(
        ["metric", "design_point"], key=lambda c: c.map(order) if c.name == "metric" else c
    )
    columns = ["design_point", *names, "metric", "n", "mean", "sd", "ci95_low", "ci95_high"]
    return table[[*columns, "summary"]].reset_index(drop=True)


def main_effect(
    summary: pd.DataFrame, parameter: str, metric: str, *, level: float = 0.95
) -> dict[str, float]:
    """The main effect of a grid parameter: highest level against lowest, with its CI.

    Over a grid sweep's design points (``summarise_sweep`` or summary.csv), the mean
    of ``metric`` at the highest level of ``parameter`` minus its mean at the lowest,
    each averaged over the k design points at that level (every combination of the
    other parameters). Design points have independent replicates, so
    SE^2 = (sum over the 2k cells of sd^2 / n) / k^2, and the interval is
    difference +- t(1 - a/2, df) SE with df = sum of (n - 1) over those cells
    (a = 1 - level).

    Returns:
        ``difference``, ``ci_low``, ``ci_high``, ``low`` and ``high`` (the two levels).
    """
    cells = summary[summary["metric"] == metric]
    if parameter not in cells or cells.empty:
        raise AnalysisError(f"no {metric!r} over a parameter {parameter!r} in this summary.")
    low, high = cells[parameter].min(), cells[parameter].max()
    ends = [cells[cells[parameter] == value] for value in (low, high)]
    k = min(len(ends[0]), len(ends[1]))
    difference = float(ends[1]["mean"].mean() - ends[0]["mean"].mean())
    both = pd.concat(ends)
    se = math.sqrt(float((both["sd"] ** 2 / both["n"]).sum())) / k
    quantile = stats.t.ppf(0.5 + level / 2, max(int((both["n"] - 1).sum()), 1))
    return {
        "difference": difference,
        "ci_low": difference - quantile * se,
        "ci_high": difference + quantile * se,
        "low": float(low),
        "high": float(high),
    }
