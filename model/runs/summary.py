"""The summary of a scenario's replicates: final-step statistics with 95% CIs.

Core objects: ``summarise`` (per metric at the final step, then per scorecard entry:
n, mean, sd, 95% CI; summary.csv) and ``clip_to_ranges`` (intervals cut at each
metric's documented range).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from govsim.runs.replicate import ALL_COMMUNITIES, ID_COLUMNS
from govsim.runs.replicates import Replicates
from govsim.sim.metrics import METRICS
from govsim.stats import t_interval

__all__ = ["clip_to_ranges", "summarise"]


def clip_to_ranges(
    table: pd.DataFrame,
    metrics: Sequence[str],
    columns: tuple[str, str] = ("ci95_low", "ci95_high"),
) -> pd.DataFrame:
    """The interval columns cut at each row's metric's documented range (``METRICS``).

    With few replicates the t-interval of a share can reach past 0 or 1. The metric
    cannot, so cutting the interval there loses none of its coverage; rows of other
    names (scorecard entries) keep their interval.
    """
    low = np.array([METRICS[m].low if m in METRICS else -np.inf for m in metrics])
    high = np.array([METRICS[m].high if m in METRICS else np.inf for m in metrics])
    out = table.copy()
    for column in columns:
        out[column] = np.clip(out[column].to_numpy(dtype=float), low, high)
    return out


def _describe(values: pd.DataFrame) -> pd.DataFrame:
    """Count (non-missing), mean and sd of every column, one row per column."""
    table = values.agg(["count", "mean", "std"]).T
    return table.rename(columns={"count": "n", "std": "sd"}).astype({"n": "int64"})


def summarise(results: Replicates) -> pd.DataFrame:
    """Per metric at the final step, then per scorecard entry: n, mean, sd, 95% CI.

    Scorecard rows are named ``scorecard.<entry>``. Metrics that can be undefined
    (``mean_time_to_resolve`` before any resolution) count only replicates where
    they are defined (``n``).
    """
    series = results.timeseries
    if "community" in series.columns:  # whole-scenario rows, not per-community ones
        series = series[series["community"] == ALL_COMMUNITIES]
    final = int(series["step"].max())
    metrics = [column for column in series.columns if column not in ID_COLUMNS]
    at_end = _describe(series.loc[series["step"] == final, metrics])
    entries = [column for column in results.scorecards.columns if column not in ID_COLUMNS]
    scorecard = _describe(results.scorecards[entries])
    scorecard.index = [f"scorecard.{entry}" for entry in entries]
    table = t_interval(pd.concat([at_end, scorecard]))
    table = clip_to_ranges(table, list(table.index))
    table.index.name = "metric"
    return table.reset_index().assign(step=final)[
        ["metric", "step", "n", "mean", "sd", "ci95_low", "ci95_high"]
    ]
