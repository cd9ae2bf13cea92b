"""Figures of a stored sweep (``govsim sweep``).

Core objects: ``sweep_heatmap_figure`` (a two-parameter grid sweep: one heat map per
metric, each cell a design point with its mean and 95% CI half-width).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.figures.shared import illustrative, panels
from govsim.stats import t_half_width
from govsim.text import display_name, label, say, unit

__all__ = ["sweep_heatmap_figure"]


def sweep_heatmap_figure(summary: pd.DataFrame, x: str, y: str, metrics: list[str]) -> Figure:
    """Heat maps of a two-parameter grid sweep: one panel per metric.

    Each cell is a design point, coloured by the mean over its replicates and labelled
    with the mean and the half-width of its 95% CI (the uncertainty, in the metric's
    units).

    Args:
        summary: per design point and metric: ``x``, ``y``, metric, n, mean,
            ci95_low, ci95_high (``govsim.analysis.summarise_sweep`` or a sweep's
            summary.csv).
        x: parameter across (columns).
        y: parameter down (rows).
        metrics: the metrics to draw.
    """
    figure, axes = panels(len(metrics), 2, 5.2, 4.2)
    for ax, metric in zip(axes, metrics, strict=False):
        rows = summary[summary["metric"] == metric]
        mean = rows.pivot_table(index=y, columns=x, values="mean", aggfunc="first")
        half = rows.assign(half=t_half_width(rows)).pivot_table(
            index=y, columns=x, values="half", aggfunc="first"
        )
        values = mean.to_numpy(dtype=float)
        image = ax.imshow(values, cmap="viridis", aspect="auto", origin="lower")
        middle = np.nanmean([np.nanmin(values), np.nanmax(values)])
        for i in range(mean.shape[0]):
            for j in range(mean.shape[1]):
                value, spread = values[i, j], half.iat[i, j]
                cell = f"{value:.3f}" + (f"\n±{spread:.3f}" if np.isfinite(spread) else "")
                colour = "black" if value > middle else "white"  # readable on viridis
                ax.text(j, i, cell, ha="center", va="center", fontsize=7, color=colour)
        ax.set_xticks(range(mean.shape[1]), [f"{v:.3g}" for v in mean.columns], fontsize=8)
        ax.set_yticks(range(mean.shape[0]), [f"{v:.3g}" for v in mean.index], fontsize=8)
        ax.set_xlabel(label(x))
        ax.set_ylabel(label(y))
        ax.set_title(display_name(metric), fontsize=10)
        figure.colorbar(image, ax=ax, shrink=0.85, label=unit(metric))
    what = summary["summary"].iloc[0] if "summary" in summary else say("sweep.final_week")
    replicates = int(summary["n"].max()) if "n" in summary else 0
    figure.suptitle(
        say("sweep.title", replicates=replicates, what=what, illustrative=illustrative()),
        fontsize=11,
    )
    return figure
