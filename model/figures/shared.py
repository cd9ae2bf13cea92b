"""What every kind of figure shares: the caveat, the 95% band, a grid of panels.

Core objects: ``ILLUSTRATIVE`` (the caveat every title carries), ``band`` (mean and
95% t-interval of a metric per week, cut at its documented range) and ``panels``
(a figure with one panel per item, the spare ones hidden).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.runs import clip_to_ranges
from govsim.stats import t_interval

__all__ = ["ILLUSTRATIVE", "band", "panels"]

ILLUSTRATIVE = "illustrative defaults, not calibrated"


def band(timeseries: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Mean and 95% t-interval per step, cut at the metric's documented range.

    With few replicates the t-interval of a share can reach past 0 or 1; the band
    stops at the range, as summary.csv's interval does (``clip_to_ranges``).
    """
    per_step = timeseries.groupby("step")[metric].agg(["count", "mean", "std"])
    interval = t_interval(per_step.rename(columns={"count": "n", "std": "sd"}))
    return clip_to_ranges(interval, [metric] * len(interval))


def panels(count: int, columns: int, width: float, height: float) -> tuple[Figure, np.ndarray]:
    """A figure of ``count`` panels in rows of ``columns``, each ``width`` x ``height``."""
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    figure = Figure(figsize=(width * columns, height * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[count:]:
        ax.set_visible(False)
    return figure, axes
