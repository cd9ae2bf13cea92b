"""What every kind of figure shares: the caveat, the 95% band, a grid of panels.

Core objects: ``illustrative`` (the caveat every title carries, in the language in
force), ``band`` (mean and 95% t-interval of a metric per week, cut at its documented
range), ``panels`` (a figure with one panel per item, the spare ones hidden) and
``name_panel`` (a panel titled by a metric's display name, its unit on an axis).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.runs import clip_to_ranges
from govsim.stats import t_interval
from govsim.text import display_name, say, unit

__all__ = ["band", "illustrative", "name_panel", "panels"]


def illustrative() -> str:
    """The caveat every title carries: the defaults are illustrative, not calibrated."""
    return say("illustrative")


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


def name_panel(ax: Any, metric: str, axis: str = "y", fontsize: float = 10) -> None:
    """Title a panel by the metric's display name and put its unit on ``axis``."""
    ax.set_title(display_name(metric), fontsize=fontsize)
    what = unit(metric)
    if what and axis == "y":
        ax.set_ylabel(what, fontsize=8)
    elif what and axis == "x":
        ax.set_xlabel(what, fontsize=8)
