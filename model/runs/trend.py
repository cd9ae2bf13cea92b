"""Whether a run's measured window is still trending: the test behind "settled" in a summary.

Core objects: ``window_trend`` (per metric, the drift over the measured window with its
95% CI over replicates, and whether it counts as a trend) and ``TREND_TOLERANCE``.

Rule. In each replicate, the metric's ordinary least-squares slope b_r against the week
over the last ``window`` reported weeks; the drift over the window is d_r = b_r (window - 1).
Over the n replicates, mean drift d and its Student 95% interval d +- t(0.975, n - 1)
sd(d_r) / sqrt(n). The window is *trending* in a metric when the interval excludes 0 and
|d| exceeds the tolerance, max(0.01, 5% of |mean level|): a change a reader would notice
in a summary, that replicates agree on. Weekly cycles (activities and meetings every 4
weeks, terms every 13) average out of a slope over a window that spans whole cycles (the
default 52 weeks does).

A trending window says that the run's summary describes a transient, not a settled
community: lengthen the warm-up (``warmup``) or read the summary as such.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["TREND_TOLERANCE", "window_trend"]

#: (absolute, relative to the mean level): the smallest drift over a window that counts.
TREND_TOLERANCE = (0.01, 0.05)


def _slopes(values: np.ndarray) -> np.ndarray:
    """OLS slope of every row of ``values`` (replicates x weeks) against the week."""
    weeks = np.arange(values.shape[1], dtype=float)
    centred = weeks - weeks.mean()
    return (values - values.mean(axis=1, keepdims=True)) @ centred / (centred @ centred)


def window_trend(
    timeseries: pd.DataFrame, metrics: Sequence[str], window: int, level: float = 0.95
) -> pd.DataFrame:
    """Per metric: the drift over the last ``window`` weeks, its CI, and whether it trends.

    Args:
        timeseries: tidy replicate time series (``replicate``, ``step``, one column per
            metric), whole-scenario rows only.
        metrics: the metrics to test.
        window: weeks of the measured window (the last ones reported; at least 3).
        level: confidence level of the interval.

    Returns:
        One row per metric: ``mean`` (level over the window), ``drift``, ``drift_low``,
        ``drift_high``, ``trending`` (bool); NaN drift where the metric is undefined.
    """
    steps = np.sort(timeseries["step"].unique())
    last = steps[-min(window, steps.size) :]
    part = timeseries[timeseries["step"].isin(last)]
    rows = []
    for metric in metrics:
        table = part.pivot_table(index="replicate", columns="step", values=metric).dropna()
        values = table.to_numpy(dtype=float)
        if values.shape[0] == 0 or values.shape[1] < 3:
            rows.append({"metric": metric, "mean": np.nan, "drift": np.nan,
                         "drift_low": np.nan, "drift_high": np.nan, "trending": False})  # fmt: skip
            continue
        drift = _slopes(values) * (values.shape[1] - 1)
        mean_drift, n = float(drift.mean()), drift.size
        half = (
            stats.t.ppf(0.5 + level / 2, n - 1) * drift.std(ddof=1) / np.sqrt(n)
            if n > 1
            else np.nan
        )
        mean_level = float(values.mean())
        tolerance = max(TREND_TOLERANCE[0], TREND_TOLERANCE[1] * abs(mean_level))
        agreed = bool(np.isfinite(half) and abs(mean_drift) > half)
        rows.append(
            {
                "metric": metric,
                "mean": mean_level,
                "drift": mean_drift,
                "drift_low": mean_drift - half,
                "drift_high": mean_drift + half,
                "trending": agreed and abs(mean_drift) > tolerance,
            }
        )
    return pd.DataFrame(rows).set_index("metric")
