"""Figures of the factorial decomposition: Shapley values of the innovations under each rule.

Core objects: ``shapley_figure`` (one panel per outcome: each innovation's Shapley
value with its interval, one bar per decision rule; a hollow marker shows the
innovation's one-at-a-time effect) and ``interaction_figure`` (the interactions that
matter, with intervals). Both draw from the tables of govsim.analysis.shapley, with a
``rule`` column added.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.figures.shared import ILLUSTRATIVE

__all__ = ["interaction_figure", "shapley_figure"]

_RULE_COLOURS = {"logit": "tab:blue", "threshold": "tab:green", "imitation": "tab:purple"}


def _colour(rule: str, index: int) -> str:
    return _RULE_COLOURS.get(rule, f"C{index}")


def shapley_figure(table: pd.DataFrame) -> Figure:
    """Shapley value of each innovation on each outcome, one bar per rule.

    Args:
        table: ``shapley_table`` rows with a ``rule`` column (one or more rules).
    """
    outcomes = list(dict.fromkeys(table["outcome"]))
    rules = list(dict.fromkeys(table["rule"]))
    innovations = list(dict.fromkeys(table["innovation"]))
    figure = Figure(figsize=(3.6 * len(outcomes), 4.4), layout="constrained")
    width = 0.8 / max(1, len(rules))
    y = np.arange(len(innovations))
    for column, outcome in enumerate(outcomes):
        axes = figure.add_subplot(1, len(outcomes), column + 1)
        for k, rule in enumerate(rules):
            rows = table[(table["outcome"] == outcome) & (table["rule"] == rule)]
            rows = rows.set_index("innovation").loc[innovations]
            at = y - 0.4 + width * (k + 0.5)
            error = np.vstack(
                [rows["shapley"] - rows["shapley_low"], rows["shapley_high"] - rows["shapley"]]
            )
            axes.barh(
                at,
                rows["shapley"],
                height=width,
                xerr=np.nan_to_num(error),
                color=_colour(rule, k),
                alpha=0.8,
                capsize=2,
                label=f"{rule}: Shapley value" if column == 0 else None,
            )
            axes.scatter(
                rows["single"],
                at,
                facecolors="none",
                edgecolors="black",
                s=18,
                zorder=3,
                label="alone (one at a time)" if column == 0 and k == 0 else None,
            )
        axes.axvline(0, color="grey", linewidth=0.8)
        axes.set_yticks(y, [name.replace("_", " ") for name in innovations] if column == 0 else [])
        axes.invert_yaxis()
        axes.set_title(outcome, fontsize="medium")
        axes.set_xlabel("effect on the outcome")
    figure.legend(loc="outside lower center", ncols=len(rules) + 1, fontsize="small")
    figure.suptitle(
        f"Shapley values of the five innovations (bars: 95% bootstrap intervals; {ILLUSTRATIVE})"
    )
    return figure


def interaction_figure(table: pd.DataFrame, top: int = 8) -> Figure:
    """The largest interactions (Harsanyi dividends) of each rule and outcome that matter.

    Args:
        table: ``interaction_table`` rows with a ``rule`` column.
        top: at most this many terms per panel.
    """
    mattering = table[table["matters"]]
    panels = list(dict.fromkeys(zip(mattering["rule"], mattering["outcome"], strict=True)))
    figure = Figure(figsize=(4.8 * max(1, min(len(panels), 4)), 3.6), layout="constrained")
    if not panels:
        axes = figure.add_subplot()
        axes.text(0.5, 0.5, "no interaction matters", ha="center", va="center")
        axes.set_axis_off()
        return figure
    for index, (rule, outcome) in enumerate(panels[:4]):
        rows = mattering[(mattering["rule"] == rule) & (mattering["outcome"] == outcome)]
        rows = rows.head(top)
        axes = figure.add_subplot(1, min(len(panels), 4), index + 1)
        y = np.arange(len(rows))
        error = np.vstack([rows["dividend"] - rows["low"], rows["high"] - rows["dividend"]])
        axes.barh(y, rows["dividend"], xerr=error, color=_colour(rule, index), capsize=2)
        axes.set_yticks(y, [t.replace("_", " ").replace(" x ", " ×\n") for t in rows["term"]])
        axes.tick_params(axis="y", labelsize="x-small")
        axes.invert_yaxis()
        axes.axvline(0, color="grey", linewidth=0.8)
        axes.set_title(f"{rule}: {outcome}", fontsize="medium")
        axes.set_xlabel("interaction (dividend)")
    return figure
