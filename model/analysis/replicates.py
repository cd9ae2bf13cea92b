"""One number per replicate and metric, and its summary per scenario.

Core objects: ``replicate_values`` (each replicate's ``final`` and ``last``
summaries of each metric), ``describe`` (n, mean, sd and Student 95% CI per metric
and scenario), ``DEFAULT_LAST`` (k of the robust summary) and ``Window``.

Each replicate gives one number per metric: ``final``, the metric at the final week,
or ``last``, its mean over the last k weeks (the robust summary: activities and
meetings come every 4 weeks; the package docstring says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from govsim.analysis.run_folders import SCORECARD_PREFIX, AnalysisError, Run
from govsim.runs import clip_to_ranges
from govsim.stats import t_interval

__all__ = ["DEFAULT_LAST", "Window", "describe", "replicate_values"]

#: Weeks in the robust "last" summary: three 4-week activity and meeting cycles.
DEFAULT_LAST = 12

Window = Literal["final", "last"]


def _check_metrics(runs: Sequence[Run], metrics: Sequence[str]) -> list[str]:
    if not metrics:
        raise AnalysisError("no metrics given: name at least one metric.")
    available = [set(run.metrics) for run in runs]
    common = set.intersection(*available)
    unknown = [metric for metric in metrics if metric not in common]
    if unknown:
        allowed = [m for m in runs[0].metrics if m in common]
        raise AnalysisError(
            f"unknown metric{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
            f": not a column of every run compared. Allowed: {', '.join(allowed)}."
        )
    return list(dict.fromkeys(metrics))


def _check_last(runs: Sequence[Run], last: int) -> None:
    shortest = min(run.final_step for run in runs)
    if not 1 <= last <= shortest:
        raise AnalysisError(
            f"--last {last} is not a number of weeks these runs have: k must be from 1 to "
            f"{shortest} (the shortest run has {shortest} weeks)."
        )


def replicate_values(
    runs: Sequence[Run], metrics: Sequence[str], *, last: int = DEFAULT_LAST
) -> pd.DataFrame:
    """One row per (metric, scenario, replicate): its ``final`` and ``last`` summaries.

    ``final`` is the metric at the run's final week; ``last`` the mean over its last
    ``last`` weeks (weeks T - k + 1 .. T; weeks where the metric is undefined, as
    ``mean_time_to_resolve`` before the first resolution, are skipped). Scorecard
    entries (``scorecard.<name>``) give their end-of-run value in both columns.
    """
    metrics = _check_metrics(runs, metrics)
    _check_last(runs, last)
    frames = []
    for run in runs:
        series = run.timeseries
        final = run.final_step
        window = series[series["step"] > final - last]
        for metric in metrics:
            if metric.startswith(SCORECARD_PREFIX) and metric not in series.columns:
                column = metric.removeprefix(SCORECARD_PREFIX)
                values = run.scorecards.set_index("replicate")[column]
                table = pd.DataFrame({"final": values, "last": values})
            else:
                table = pd.DataFrame(
                    {
                        "final": series[series["step"] == final].set_index("replicate")[metric],
                        "last": window.groupby("replicate")[metric].mean(),
                    }
                )
            table = table.reset_index().assign(metric=metric, scenario=run.label)
            frames.append(table)
    values = pd.concat(frames, ignore_index=True)
    return values[["metric", "scenario", "replicate", "final", "last"]]


def describe(values: pd.DataFrame, window: Window) -> pd.DataFrame:
    """n, mean, sd and Student 95% CI of one summary, per (metric, scenario).

    Args:
        values: ``replicate_values`` output.
        window: ``"final"`` or ``"last"``.
    """
    grouped = values.groupby(["metric", "scenario"], sort=False)[window]
    table = grouped.agg(["count", "mean", "std"]).rename(columns={"count": "n", "std": "sd"})
    table = clip_to_ranges(t_interval(table), list(table.index.get_level_values("metric")))
    return table.rename(columns={"ci95_low": "ci_low", "ci95_high": "ci_high"})
