"""The figures of one run folder (``govsim run``): data in, ``Figure`` out.

Core objects: ``timeseries_figure`` (the main metrics per week, mean over replicates
with a 95% Student-t band) and ``run_figures`` (every figure a run folder holds, by
file name: what ``govsim.runs.run_scenario`` writes to figures/).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from govsim.figures.network import network_figure
from govsim.figures.palette import SERIES
from govsim.figures.shared import band, illustrative, name_panel
from govsim.runs import initial_network
from govsim.sim.metrics import MAIN_METRICS
from govsim.text import replicates as counted_replicates
from govsim.text import say

if TYPE_CHECKING:
    from govsim.runs import Replicates
    from govsim.scenario import Scenario

__all__ = ["run_figures", "timeseries_figure"]


def timeseries_figure(timeseries: pd.DataFrame, metrics: tuple[str, ...] = MAIN_METRICS) -> Figure:
    """Each metric per week: mean over replicates and its 95% confidence band.

    Args:
        timeseries: tidy frame (scenario, replicate, step, one column per metric),
            as in timeseries.parquet.
        metrics: the columns to draw, one panel each.
    """
    if "community" in timeseries.columns:  # whole-scenario rows only
        timeseries = timeseries[timeseries["community"] == -1]
    replicates = timeseries["replicate"].nunique()
    columns = 3
    rows = -(-len(metrics) // columns)
    figure = Figure(figsize=(4.2 * columns, 3.0 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        per_week = band(timeseries, metric)
        ax.plot(per_week.index, per_week["mean"], color=SERIES, linewidth=1.6, label=say("mean"))
        if replicates > 1:
            ax.fill_between(
                per_week.index,
                per_week["ci95_low"],
                per_week["ci95_high"],
                color=SERIES,
                alpha=0.2,
                linewidth=0,
                label=say("ci95"),
            )
        name_panel(ax, metric)
        ax.set_xlabel(say("week"))
        ax.grid(alpha=0.3)
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8, loc="best")
    names = ", ".join(sorted(timeseries["scenario"].astype(str).unique()))
    spread = (
        say("run.spread", replicates=counted_replicates(replicates))
        if replicates > 1
        else say("run.single")
    )
    figure.suptitle(
        say("run.title", names=names, spread=spread, illustrative=illustrative()), fontsize=11
    )
    return figure


def run_figures(results: Replicates, scenario: Scenario, seeds: Sequence[int]) -> dict[str, Figure]:
    """The figures of a run folder, by file name: timeseries.png and network.png.

    Args:
        results: the run's replicates (``timeseries`` as in timeseries.parquet).
        scenario: the scenario run.
        seeds: the replicates' seeds; the network is replicate 0's at week 0.
    """
    return {
        "timeseries.png": timeseries_figure(results.timeseries),
        "network.png": network_figure(
            initial_network(scenario, seeds[0]),
            seed=seeds[0],
            title=say("network.first_week", name=scenario.name),
        ),
    }
