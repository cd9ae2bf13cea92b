"""Figures of a run (matplotlib, Agg, no pyplot state): data in, ``Figure`` out.

Core objects: ``timeseries_figure`` (the main metrics per week, mean over replicates
with a 95% Student-t band), ``network_figure`` (the community graph coloured by kind
of subject), ``MAIN_METRICS``, ``KIND_COLOURS``; for comparisons of several runs
(``govsim compare``, model/analysis/): ``comparison_timeseries_figure``,
``distributions_figure``, ``scorecard_comparison_figure``, ``effect_size_figure``,
``difference_heatmap_figure``; for grid sweeps, ``sweep_heatmap_figure``.

Figures are built on ``matplotlib.figure.Figure`` directly, never through pyplot, so
nothing global is touched and no display is needed. Saving is the store's job.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from govsim.runs import clip_to_ranges
from govsim.sim.metrics import MAIN_METRICS
from govsim.stats import t_half_width, t_interval

__all__ = [
    "KIND_COLOURS",
    "MAIN_METRICS",
    "comparison_timeseries_figure",
    "difference_heatmap_figure",
    "distributions_figure",
    "effect_size_figure",
    "network_figure",
    "network_sample",
    "scorecard_comparison_figure",
    "sweep_heatmap_figure",
    "timeseries_figure",
]


#: One colour per kind of subject (the five kinds of model/sim/population.py).
KIND_COLOURS = {
    "party_organisation": "#d62728",
    "stationed_unit": "#1f77b4",
    "enterprise": "#ff7f0e",
    "social_organisation": "#2ca02c",
    "resident": "#9a9a9a",
}

ILLUSTRATIVE = "illustrative defaults, not calibrated"


def _band(timeseries: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Mean and 95% t-interval per step, cut at the metric's documented range.

    With few replicates the t-interval of a share can reach past 0 or 1; the band
    stops at the range, as summary.csv's interval does (``clip_to_ranges``).
    """
    per_step = timeseries.groupby("step")[metric].agg(["count", "mean", "std"])
    band = t_interval(per_step.rename(columns={"count": "n", "std": "sd"}))
    return clip_to_ranges(band, [metric] * len(band))


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
        band = _band(timeseries, metric)
        ax.plot(band.index, band["mean"], color="#1f4e79", linewidth=1.6, label="mean")
        if replicates > 1:
            ax.fill_between(
                band.index,
                band["ci95_low"],
                band["ci95_high"],
                color="#1f4e79",
                alpha=0.2,
                linewidth=0,
                label="95% CI",
            )
        ax.set_title(metric, fontsize=10)
        ax.set_xlabel("week")
        ax.grid(alpha=0.3)
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8, loc="best")
    names = ", ".join(sorted(timeseries["scenario"].astype(str).unique()))
    spread = (
        f"mean and 95% CI over {replicates} replicates"
        if replicates > 1
        else "1 replicate: no confidence band"
    )
    figure.suptitle(f"{names}: {spread} ({ILLUSTRATIVE})", fontsize=11)
    return figure


# --------------------------------------------------------------------------- the network


def network_sample(graph: nx.Graph, max_nodes: int, seed: int) -> tuple[nx.Graph, str]:
    """The whole graph, or whole blocks of random communities up to ``max_nodes`` nodes.

    Whole blocks (with the units and core of their community) keep the structure a
    reader looks for: clustering inside blocks, bridges between them, units' reach.

    Returns:
        The (sub)graph and a phrase saying what was drawn, for the title.
    """
    total = graph.number_of_nodes()
    if total <= max_nodes:
        return graph, f"all {total:,} nodes"
    rng = np.random.default_rng(seed)
    members: dict[int, dict[int, list[int]]] = {}
    organisations: dict[int, list[int]] = {}
    for node, data in graph.nodes(data=True):
        community = int(data.get("community", 0))
        if data.get("kind") == "resident":
            members.setdefault(community, {}).setdefault(int(data["block"]), []).append(node)
        else:
            organisations.setdefault(community, []).append(node)
    chosen: list[int] = []
    for community in rng.permutation(sorted(set(members) | set(organisations))):
        chosen += organisations.get(int(community), [])
        blocks = members.get(int(community), {})
        for block in rng.permutation(sorted(blocks)):
            if len(chosen) + len(blocks[int(block)]) > max_nodes:
                break
            chosen += blocks[int(block)]
        if len(chosen) >= 0.9 * max_nodes:
            break
    return graph.subgraph(chosen), f"sample of {len(chosen):,} of {total:,} nodes (whole blocks)"


def _block_layout(graph: nx.Graph, seed: int) -> dict[int, np.ndarray]:
    """Blocks placed by a spring layout of the block graph, members scattered around.

    A spring layout of the whole graph costs ~30 s at 2,000 nodes (networkx's sparse
    Fruchterman-Reingold); the block graph has a few dozen nodes, so this takes
    milliseconds and still shows what matters: blocks, and the ties between them.
    """
    rng = np.random.default_rng(seed)
    key = {
        node: (data.get("community", 0), data.get("block", 0))
        for node, data in graph.nodes(data=True)
    }
    blocks = nx.Graph()
    blocks.add_nodes_from(set(key.values()))
    for a, b in graph.edges():
        if key[a] != key[b]:
            weight = blocks.get_edge_data(key[a], key[b], {"weight": 0})["weight"]
            blocks.add_edge(key[a], key[b], weight=weight + 1)
    centres = nx.spring_layout(blocks, seed=int(rng.integers(2**32)), weight="weight")
    spacing = 1.0 / max(np.sqrt(blocks.number_of_nodes()), 1.0)
    positions = {}
    for node in graph.nodes():
        radius = spacing * 0.45 * np.sqrt(rng.uniform())
        angle = rng.uniform(0.0, 2.0 * np.pi)
        positions[node] = centres[key[node]] + radius * np.array([np.cos(angle), np.sin(angle)])
    return positions


def network_figure(
    graph: nx.Graph, *, seed: int, max_nodes: int = 3000, title: str = "Community network"
) -> Figure:
    """The community graph, nodes coloured by kind of subject, with a seeded layout.

    Args:
        graph: nodes with ``kind``, ``block`` and ``community`` attributes
            (``model.grid.G``).
        seed: seeds the sample and the layout (same seed, same picture).
        max_nodes: above this, draw whole blocks of random communities and say so.
        title: first part of the title.
    """
    drawn, what = network_sample(graph, max_nodes, seed)
    positions = _block_layout(drawn, seed)
    figure = Figure(figsize=(8.5, 8.0), layout="constrained")
    ax = figure.subplots()
    segments = [(positions[a], positions[b]) for a, b in drawn.edges()]
    ax.add_collection(LineCollection(segments, colors="#555555", linewidths=0.3, alpha=0.25))
    kinds = nx.get_node_attributes(drawn, "kind")
    for kind, colour in KIND_COLOURS.items():
        nodes = [node for node, k in kinds.items() if k == kind]
        if not nodes:
            continue
        xy = np.array([positions[node] for node in nodes])
        resident = kind == "resident"
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=6 if resident else 60,
            c=colour,
            edgecolors="none" if resident else "black",
            linewidths=0.5,
            zorder=2 if resident else 3,
            label=f"{kind.replace('_', ' ')} ({len(nodes):,})",
        )
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    ax.set_axis_off()
    ax.set_title(f"{title}: {what}, {drawn.number_of_edges():,} ties", fontsize=10)
    return figure


# --------------------------------------------------------------------------- comparisons


def _scenario_colours(order: list[str]) -> dict[str, str]:
    """One colour per scenario, stable in the order given (tab10, then tab20)."""
    import matplotlib  # noqa: PLC0415

    palette = matplotlib.colormaps["tab10" if len(order) <= 10 else "tab20"]
    return {name: matplotlib.colors.to_hex(palette(i % palette.N)) for i, name in enumerate(order)}


def _panels(count: int, columns: int, width: float, height: float) -> tuple[Figure, np.ndarray]:
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    figure = Figure(figsize=(width * columns, height * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[count:]:
        ax.set_visible(False)
    return figure, axes


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
    colours = _scenario_colours(order)
    figure, axes = _panels(len(metrics), 3, 4.4, 3.1)
    for ax, metric in zip(axes, metrics, strict=False):
        for name in order:
            rows = timeseries[timeseries["scenario"] == name]
            band = _band(rows, metric)
            ax.plot(band.index, band["mean"], color=colours[name], linewidth=1.4, label=name)
            if rows["replicate"].nunique() > 1:
                ax.fill_between(
                    band.index,
                    band["ci95_low"],
                    band["ci95_high"],
                    color=colours[name],
                    alpha=0.18,
                    linewidth=0,
                )
        ax.set_title(metric, fontsize=10)
        ax.set_xlabel("week")
        ax.grid(alpha=0.3)
    figure.legend(
        *axes[0].get_legend_handles_labels(),
        loc="outside lower center",
        ncols=min(len(order), 4),
        fontsize=8,
    )
    figure.suptitle(f"Mean per week and 95% CI over replicates ({ILLUSTRATIVE})", fontsize=11)
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
    colours = _scenario_colours(order)
    rng = np.random.default_rng(0)  # jitter only: the same picture every time
    figure, axes = _panels(len(metrics), 3, 4.6, 0.45 * len(order) + 1.4)
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
        ax.set_title(metric, fontsize=10)
        ax.grid(alpha=0.3, axis="x")
    what = (
        f"mean of the last {table.attrs.get('last', '')} weeks per replicate"
        if at == "last"
        else "final week per replicate"
    )
    figure.suptitle(f"Replicates ({what}); bars: mean and 95% CI ({ILLUSTRATIVE})", fontsize=11)
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
    colours = _scenario_colours(order)
    figure, axes = _panels(len(objectives), len(objectives), 2.9, 0.4 * len(order) + 1.6)
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
        ax.set_title(objective.replace("_", " "), fontsize=9)
        ax.grid(alpha=0.3, axis="x")
    replicates = scorecards.groupby("scenario")["replicate"].nunique()
    counts = sorted({int(replicates.min()), int(replicates.max())})
    figure.suptitle(
        f"Five objectives (0..1): mean and 95% CI over {'-'.join(map(str, counts))} "
        f"replicates ({ILLUSTRATIVE})",
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
    colours = _scenario_colours(list(dict.fromkeys(table["scenario"])))
    figure, axes = _panels(len(metrics), 3, 4.4, 0.4 * len(order) + 1.4)
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
        ax.set_title(metric, fontsize=10)
        ax.set_xlabel("Hedges' g")
        ax.grid(alpha=0.3, axis="x")
    figure.suptitle(
        f"Effect against {baseline}: Hedges' g and 95% CI; filled = told apart after "
        f"correction ({ILLUSTRATIVE})",
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
    import matplotlib  # noqa: PLC0415

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
    ax.set_yticks(range(len(metrics)), metrics, fontsize=8)
    figure.colorbar(image, ax=ax, label=f"Hedges' g (clipped at +-{limit:g})", shrink=0.8)
    window = table["inference_on"].iloc[0] if "inference_on" in table else ""
    ax.set_title(
        f"Difference to {baseline} ({window}); * told apart after correction\n({ILLUSTRATIVE})",
        fontsize=10,
    )
    return figure


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
    figure, axes = _panels(len(metrics), 2, 5.2, 4.2)
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
                label = f"{value:.3f}" + (f"\n±{spread:.3f}" if np.isfinite(spread) else "")
                colour = "black" if value > middle else "white"  # readable on viridis
                ax.text(j, i, label, ha="center", va="center", fontsize=7, color=colour)
        ax.set_xticks(range(mean.shape[1]), [f"{v:.3g}" for v in mean.columns], fontsize=8)
        ax.set_yticks(range(mean.shape[0]), [f"{v:.3g}" for v in mean.index], fontsize=8)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.set_title(metric, fontsize=10)
        figure.colorbar(image, ax=ax, shrink=0.85)
    what = summary["summary"].iloc[0] if "summary" in summary else "final week"
    replicates = int(summary["n"].max()) if "n" in summary else 0
    figure.suptitle(
        f"Mean over {replicates} replicates ({what}) and ± 95% CI half-width ({ILLUSTRATIVE})",
        fontsize=11,
    )
    return figure
