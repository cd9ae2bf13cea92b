"""The figure of a sweep's sensitivity indices (figures/sensitivity.png of a sweep).

Core objects: ``sensitivity_figure`` (one panel per metric: Sobol' S1 and ST bars
with their intervals, or Morris mu* against sigma), drawn from an indices table
(sensitivity.csv).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.figures.palette import INDEX_COLOURS, parameter_styles
from govsim.figures.shared import illustrative
from govsim.text import display_name, say

__all__ = ["sensitivity_figure"]


def sensitivity_figure(table: pd.DataFrame, title: str = "") -> Figure:
    """The indices of a sweep, one panel per metric (figures/sensitivity.png).

    Sobol: S1 and ST bars with their intervals; Morris: mu* against sigma, with mu*'s
    interval, one colour and marker per parameter. The key is one legend under the
    panels, so it never covers a bar or a point (labels beside Morris points collide
    wherever parameters have similar effects, which is the common case).

    Args:
        table: an indices table (one method), as sensitivity.csv.
        title: the figure's title (the sweep, its design and size).
    """
    metrics = list(dict.fromkeys(table["metric"]))
    columns = min(3, max(len(metrics), 1))
    rows = -(-max(len(metrics), 1) // columns)
    parameters = table.loc[~table["parameter"].str.contains(" x "), "parameter"]
    height = max(2.6, 0.45 * parameters.nunique() + 1.4)
    figure = Figure(figsize=(4.6 * columns, height * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    styles = parameter_styles(list(dict.fromkeys(parameters)))
    legend: dict[str, Any] = {}
    for ax, metric in zip(axes, metrics, strict=False):
        part = table[(table["metric"] == metric) & ~table["parameter"].str.contains(" x ")]
        if "S1" in part and part["S1"].notna().any():
            _sobol_panel(ax, part)
        elif "mu_star" in part and part["mu_star"].notna().any():
            _morris_panel(ax, part, styles)
        else:
            note = part["note"].dropna() if "note" in part else pd.Series(dtype=str)
            _note_panel(ax, note.iloc[0] if len(note) else say("sensitivity.none"))
        ax.set_title(display_name(metric), fontsize=10)
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    for ax in axes[len(metrics) :]:
        ax.set_axis_off()
    if legend:
        figure.legend(
            legend.values(),
            legend.keys(),
            loc="outside lower center",
            ncols=min(len(legend), 4),
            fontsize=8,
            frameon=False,
        )
    method = table["method"].iloc[0] if len(table) else ""
    figure.suptitle(
        say("sensitivity.title", title=title, method=method, illustrative=illustrative()),
        fontsize=9,
    )
    return figure


def _sobol_panel(ax: Any, part: pd.DataFrame) -> None:
    order = part.sort_values("ST")
    y = np.arange(len(order))
    ax.barh(
        y - 0.2,
        order["S1"],
        0.4,
        xerr=order["S1_conf"],
        label=say("sensitivity.s1"),
        color=INDEX_COLOURS["S1"],
        capsize=2,
    )
    ax.barh(
        y + 0.2,
        order["ST"],
        0.4,
        xerr=order["ST_conf"],
        label=say("sensitivity.st"),
        color=INDEX_COLOURS["ST"],
        capsize=2,
    )
    ax.set_yticks(y, [_parameter(name) for name in order["parameter"]], fontsize=8)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel(say("sensitivity.index"), fontsize=8)


def _morris_panel(ax: Any, part: pd.DataFrame, styles: dict[str, tuple[str, str]]) -> None:
    for _, row in part.iterrows():
        colour, marker = styles.get(row["parameter"], ("C0", "o"))
        ax.errorbar(
            row["mu_star"],
            row["sigma"],
            xerr=row["mu_star_conf"],
            fmt=marker,
            color=colour,
            markersize=6,
            capsize=2,
            label=_parameter(row["parameter"]),
        )
    top = float(np.nanmax([part["mu_star"].max(), part["sigma"].max(), 1e-12]))
    ax.plot([0, top], [0, top], color="grey", linewidth=0.6, linestyle="--")
    ax.set_xlabel(say("sensitivity.mu_star"), fontsize=8)
    ax.set_ylabel(say("sensitivity.sigma"), fontsize=8)


def _note_panel(ax: Any, note: str) -> None:
    ax.text(0.5, 0.5, note, ha="center", va="center", wrap=True, fontsize=8, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _parameter(path: str) -> str:
    """A parameter (a scenario key's dotted path) by its display name."""
    return display_name(path, "key")
