"""Figures of a comparison of runs (``govsim compare``, ``govsim.analysis.compare``).

Core objects: ``comparison_timeseries_figure`` (each metric per week, one line and
95% band per scenario), ``distributions_figure`` (every replicate's summary, and each
scenario's mean with its 95% CI), ``scorecard_comparison_figure`` (the five
objectives side by side), ``effect_size_figure`` (Hedges' g against the baseline),
``difference_heatmap_figure`` (every scenario against the baseline at a glance) and
``comparison_figures`` (the figures ``govsim compare`` writes, by file name).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.analysis.replicates import DEFAULT_LAST, replicate_values
from govsim.analysis.run_folders import SCORECARD_PREFIX, Run
from govsim.figures.palette import scenario_colours
from govsim.figures.shared import band, illustrative, name_panel, panels
from govsim.sim.metrics import OBJECTIVES
from govsim.stats import t_interval
from govsim.text import display_name, say

__all__ = [
    "comparison_figures",
    "comparison_timeseries_figure",
    "difference_heatmap_figure",
    "distributions_figure",
    "effect_size_figure",
    "scorecard_comparison_figure",
]


def comparison_timeseries_figure(
    timeseries: pd.DataFrame, metrics: list[str], order: list[str] | None = None
) -> Figure:
    """Each metric per week, one line per scenario: mean over replicates and 95% band.

    Args:
        timeseries: tidy frame of several runs (``scenario`` names the run).
        metrics: columns to draw, one panel each.
        order: scenarios in legend order (default: as they appear).
    """
    order = order or list(dict.fromkeys(timeseries["scenario"]))
    colours = scenario_colours(order)
    figure, axes = panels(len(metrics), 3, 4.4, 3.1)
    for ax, metric in zip(axes, metrics, strict=False):
        for name in order:
            rows = timeseries[timeseries["scenario"] == name]
            per_week = band(rows, metric)
            ax.plot(
                per_week.index, per_week["mean"], color=colours[name], linewidth=1.4, label=name
            )
            if rows["replicate"].nunique() > 1:
                ax.fill_between(
                    per_week.index,
                    per_week["ci95_low"],
                    per_week["ci95_high"],
                    color=colours[name],
                    alpha=0.18,
                    linewidth=0,
                )
        name_panel(ax, metric)
        ax.set_xlabel(say("week"))
        ax.grid(alpha=0.3)
    figure.legend(
        *axes[0].get_legend_handles_labels(),
        loc="outside lower center",
        ncols=min(len(order), 4),
        fontsize=8,
    )
    figure.suptitle(say("compare.series_title", illustrative=illustrative()), fontsize=11)
    return figure


def distributions_figure(values: pd.DataFrame, table: pd.DataFrame, at: str = "last") -> Figure:
    """Per metric, every replicate's summary (dots) and each scenario's mean with 95% CI.

    Args:
        values: ``govsim.analysis.replicate_values`` output.
        table: ``govsim.analysis.compare`` output (order, means, intervals, verdicts).
        at: ``"last"`` (mean of the last k weeks per replicate) or ``"final"``.
    """
    metrics = list(dict.fromkeys(table["metric"]))
    order = list(dict.fromkeys(table["scenario"]))
    colours = scenario_colours(order)
    rng = np.random.default_rng(0)  # jitter only: the same picture every time
    figure, axes = panels(len(metrics), 3, 4.6, 0.45 * len(order) + 1.4)
    for ax, metric in zip(axes, metrics, strict=False):
        rows = table[table["metric"] == metric].set_index("scenario")
        for position, name in enumerate(order):
            points = values[(values["metric"] == metric) & (values["scenario"] == name)][at]
            jitter = rng.uniform(-0.15, 0.15, len(points))
            ax.scatter(points, position + jitter, s=12, color=colours[name], alpha=0.6, zorder=2)
            row = rows.loc[name]
            low, high = row[f"{at}_ci_low"], row[f"{at}_ci_high"]
            if np.isfinite(low) and np.isfinite(high):
                ax.plot([low, high], [position, position], color="black", linewidth=2, zorder=3)
            ax.plot(row[f"{at}_mean"], position, "|", color="black", markersize=14, zorder=3)
        ax.set_yticks(range(len(order)), order, fontsize=8)
        ax.set_ylim(len(order) - 0.4, -0.6)
        name_panel(ax, metric, axis="x")
        ax.grid(alpha=0.3, axis="x")
    what = (
        say("compare.last_weeks", last=table.attrs.get("last", ""))
        if at == "last"
        else say("compare.final_week")
    )
    figure.suptitle(
        say("compare.distributions_title", what=what, illustrative=illustrative()), fontsize=11
    )
    return figure


def scorecard_comparison_figure(
    scorecards: pd.DataFrame, objectives: list[str], order: list[str] | None = None
) -> Figure:
    """The five objectives side by side: per objective, each scenario's mean and 95% CI.

    Args:
        scorecards: scorecard.csv rows of several runs (``scenario`` names the run).
        objectives: the objective columns (``govsim.sim.metrics.OBJECTIVES``).
        order: scenarios, top to bottom.
    """
    order = order or list(dict.fromkeys(scorecards["scenario"]))
    colours = scenario_colours(order)
    figure, axes = panels(len(objectives), len(objectives), 2.9, 0.4 * len(order) + 1.6)
    for index, (ax, objective) in enumerate(zip(axes, objectives, strict=False)):
        grouped = scorecards.groupby("scenario")[objective].agg(["count", "mean", "std"])
        table = t_interval(grouped.rename(columns={"count": "n", "std": "sd"})).reindex(order)
        positions = np.arange(len(order))
        errors = np.vstack([table["mean"] - table["ci95_low"], table["ci95_high"] - table["mean"]])
        ax.barh(
            positions,
            table["mean"],
            xerr=np.nan_to_num(errors),
            color=[colours[name] for name in order],
            alpha=0.85,
            capsize=3,
        )
        ax.set_xlim(0, 1)
        ax.set_yticks(positions, order if index == 0 else [""] * len(order), fontsize=8)
        ax.invert_yaxis()
        ax.set_title(display_name(objective, "objective"), fontsize=9)
        ax.set_xlabel(say("compare.score"), fontsize=8)
        ax.grid(alpha=0.3, axis="x")
    replicates = scorecards.groupby("scenario")["replicate"].nunique()
    counts = sorted({int(replicates.min()), int(replicates.max())})
    figure.suptitle(
        say(
            "compare.scorecard_title",
            counts="-".join(map(str, counts)),
            illustrative=illustrative(),
        ),
        fontsize=11,
    )
    return figure


def effect_size_figure(table: pd.DataFrame) -> Figure:
    """Hedges' g of each scenario against the baseline, per metric, with 95% CI.

    Filled dots: told apart from the baseline after the multiple-comparison
    correction; hollow: not (too few replications, or no real difference).

    Args:
        table: ``govsim.analysis.compare`` output.
    """
    baseline = table.attrs.get("baseline")
    others = table[table["scenario"] != baseline]
    metrics = list(dict.fromkeys(others["metric"]))
    order = list(dict.fromkeys(others["scenario"]))
    colours = scenario_colours(list(dict.fromkeys(table["scenario"])))
    figure, axes = panels(len(metrics), 3, 4.4, 0.4 * len(order) + 1.4)
    for ax, metric in zip(axes, metrics, strict=False):
        rows = others[others["metric"] == metric].set_index("scenario").reindex(order)
        for position, (name, row) in enumerate(rows.iterrows()):
            colour = colours[name]
            if np.isfinite(row["hedges_g_ci_low"]):
                ax.plot(
                    [row["hedges_g_ci_low"], row["hedges_g_ci_high"]],
                    [position, position],
                    color=colour,
                    linewidth=1.5,
                )
            ax.plot(
                row["hedges_g"],
                position,
                "o",
                color=colour,
                markerfacecolor=colour if row["told_apart"] else "white",
                markersize=6,
            )
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(order)), order, fontsize=8)
        ax.set_ylim(len(order) - 0.4, -0.6)
        ax.set_title(display_name(metric), fontsize=10)
        ax.set_xlabel(say("compare.hedges_g"))
        ax.grid(alpha=0.3, axis="x")
    figure.suptitle(
        say("compare.effects_title", baseline=baseline, illustrative=illustrative()),
        fontsize=11,
    )
    return figure


def difference_heatmap_figure(table: pd.DataFrame, limit: float = 3.0) -> Figure:
    """Every scenario against the baseline at a glance: metrics down, scenarios across.

    Each cell shows the difference of means to the baseline (in the metric's units) and
    is coloured by Hedges' g, clipped to +-``limit`` (red: lower than the baseline,
    blue: higher; grey: undefined); a star marks a difference told apart after the
    multiple-comparison correction.

    Args:
        table: ``govsim.analysis.compare`` output.
        limit: |g| at which the colour saturates.
    """
    baseline = table.attrs.get("baseline")
    others = table[table["scenario"] != baseline]
    metrics = list(dict.fromkeys(others["metric"]))
    scenarios = list(dict.fromkeys(others["scenario"]))
    cells = others.set_index(["metric", "scenario"])
    effect = np.array(
        [[cells.at[(m, s), "hedges_g"] for s in scenarios] for m in metrics], dtype=float
    )
    figure = Figure(
        figsize=(1.5 * len(scenarios) + 3.5, 0.42 * len(metrics) + 1.8), layout="constrained"
    )
    ax = figure.subplots()
    colours = matplotlib.colormaps["RdBu"].with_extremes(bad="#dddddd")
    image = ax.imshow(
        np.ma.masked_invalid(np.clip(effect, -limit, limit)),
        cmap=colours,
        vmin=-limit,
        vmax=limit,
        aspect="auto",
    )
    for i, metric in enumerate(metrics):
        for j, scenario in enumerate(scenarios):
            row = cells.loc[(metric, scenario)]
            star = "*" if row["told_apart"] else ""
            strong = np.isfinite(effect[i, j]) and abs(effect[i, j]) > 0.6 * limit
            ax.text(
                j,
                i,
                f"{row['difference']:+.3g}{star}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if strong else "black",
            )
    ax.set_xticks(range(len(scenarios)), scenarios, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(metrics)), [display_name(m) for m in metrics], fontsize=8)
    figure.colorbar(image, ax=ax, label=say("compare.g_clipped", limit=limit), shrink=0.8)
    window = table["inference_on"].iloc[0] if "inference_on" in table else ""
    ax.set_title(
        say("compare.heatmap_title", baseline=baseline, window=window, illustrative=illustrative()),
        fontsize=10,
    )
    return figure


def comparison_figures(
    runs: Sequence[Run], table: pd.DataFrame, metrics: Sequence[str] | None = None
) -> dict[str, Figure]:
    """The comparison's figures, by file name.

    Time series with 95% bands, replicate distributions, the five-objectives
    scorecard side by side, and effect sizes against the baseline.

    Args:
        runs: the runs compared (``govsim.analysis.load_runs``).
        table: ``govsim.analysis.compare`` output for them.
        metrics: time-series metrics to draw (default: those of ``table`` that are not
            scorecard entries).
    """
    metrics = list(metrics or table["metric"].unique())
    order = list(table["scenario"].unique())
    by_label = {run.label: run for run in runs}
    chosen = [by_label[label] for label in order]
    series_metrics = [m for m in metrics if not m.startswith(SCORECARD_PREFIX)]
    figures: dict[str, Figure] = {}
    if series_metrics:
        timeseries = pd.concat([run.timeseries for run in chosen], ignore_index=True)
        figures["timeseries.png"] = comparison_timeseries_figure(
            timeseries, series_metrics, order=order
        )
    values = replicate_values(chosen, metrics, last=table.attrs.get("last", DEFAULT_LAST))
    figures["distributions.png"] = distributions_figure(
        values, table, at=table.attrs.get("at", "last")
    )
    scorecards = pd.concat([run.scorecards for run in chosen], ignore_index=True)
    figures["scorecard.png"] = scorecard_comparison_figure(
        scorecards, list(OBJECTIVES), order=order
    )
    if len(order) > 1:
        figures["effects.png"] = effect_size_figure(table)
    return figures
