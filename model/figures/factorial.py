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
from matplotlib.patches import Patch

from govsim.figures.shared import illustrative
from govsim.text import display_name, say

__all__ = ["SHORT", "interaction_figure", "shapley_figure"]

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
                label=say("factorial.shapley_label", rule=rule) if column == 0 else None,
            )
            axes.scatter(
                rows["single"],
                at,
                facecolors="none",
                edgecolors="black",
                s=18,
                zorder=3,
                label=say("factorial.alone") if column == 0 and k == 0 else None,
            )
        axes.axvline(0, color="grey", linewidth=0.8)
        axes.set_yticks(
            y, [display_name(f"mechanisms.{name}") for name in innovations] if column == 0 else []
        )
        axes.invert_yaxis()
        axes.set_title(outcome, fontsize="medium")
        axes.set_xlabel(say("factorial.effect"))
    figure.legend(loc="outside lower center", ncols=len(rules) + 1, fontsize="small")
    figure.suptitle(say("factorial.shapley_title", caveat=illustrative()))
    return figure


#: Short names of the innovations in interaction terms.
SHORT = {
    "joint_committee": "JC",
    "interconnection": "IC",
    "deliberation": "DL",
    "rotation": "RO",
    "integral_scoring": "IS",
}


def _short(term: str) -> str:
    return " x ".join(SHORT.get(name, name) for name in term.split(" x "))


def interaction_figure(table: pd.DataFrame, top: int = 6) -> Figure:
    """The largest interactions (Harsanyi dividends) that matter, one panel per outcome.

    A term is shown when it matters under at least one rule (the ``top`` largest such
    per outcome, by its largest |dividend| over the rules); every rule's dividend is
    drawn beside it with its interval, faded where it does not matter under that rule.

    Args:
        table: ``interaction_table`` rows with a ``rule`` column.
        top: at most this many terms per panel.
    """
    outcomes = list(dict.fromkeys(table["outcome"]))
    rules = list(dict.fromkeys(table["rule"]))
    figure = Figure(figsize=(3.8 * len(outcomes), 4.2), layout="constrained")
    width = 0.8 / max(1, len(rules))
    for column, outcome in enumerate(outcomes):
        axes = figure.add_subplot(1, len(outcomes), column + 1)
        rows = table[table["outcome"] == outcome]
        chosen = rows[rows["matters"]].assign(size=lambda f: f["dividend"].abs())
        terms = list(chosen.groupby("term")["size"].max().sort_values(ascending=False).index[:top])
        if not terms:
            axes.text(0.5, 0.5, say("factorial.none_matters"), ha="center", va="center")
        y = np.arange(len(terms))
        for k, rule in enumerate(rules):
            mine = rows[rows["rule"] == rule].set_index("term").reindex(terms)
            at = y - 0.4 + width * (k + 0.5)
            error = np.vstack([mine["dividend"] - mine["low"], mine["high"] - mine["dividend"]])
            colours = [
                (_colour(rule, k), 0.85 if matters else 0.3)
                for matters in mine["matters"].fillna(False)
            ]
            axes.barh(
                at,
                mine["dividend"],
                height=width,
                xerr=np.nan_to_num(error),
                color=colours,
                capsize=2,
            )
        axes.set_yticks(y, [_short(t) for t in terms])
        axes.invert_yaxis()
        axes.axvline(0, color="grey", linewidth=0.8)
        axes.set_title(outcome, fontsize="medium")
        axes.set_xlabel(say("factorial.dividend"))
    handles = [Patch(color=_colour(rule, k), label=rule) for k, rule in enumerate(rules)]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(rules), fontsize="small")
    figure.suptitle(
        say(
            "factorial.interaction_title",
            legend=", ".join(f"{v} {display_name('mechanisms.' + k)}" for k, v in SHORT.items()),
        ),
        fontsize="medium",
    )
    return figure
