"""The dashboard's scorecard and live plots, redrawn every week.

Core objects: ``draw_scorecard`` (the five-objectives scorecard so far, as labelled
bars), ``draw_plot`` (named metrics from week 0 to now) and ``PLOTS`` (the four live
plots: title, axis label and a colour per metric). Every label is a display name in
the language in force (``govsim.text``), never an identifier.
"""

from __future__ import annotations

import warnings

import numpy as np
from matplotlib.figure import Figure

from govsim.dashboard.picture import PICTURE_SIZE
from govsim.figures.palette import KIND_COLOURS, RESIDENT_SHADES
from govsim.sim.governance import GovernanceModel
from govsim.sim.metrics import OBJECTIVES
from govsim.text import display_name, say, unit

__all__ = ["PLOTS", "draw_plot", "draw_scorecard"]


def draw_scorecard(model: GovernanceModel) -> Figure:
    """The five-objectives scorecard so far, as labelled bars on 0..1."""
    with warnings.catch_warnings():
        # Before the first step some metrics are NaN throughout (no issue resolved yet)
        # and numpy warns about their mean; the objectives do not use those.
        warnings.simplefilter("ignore", RuntimeWarning)
        card = model.scorecard()
    names = list(OBJECTIVES)
    values = [card[name] for name in names]
    fig = Figure(figsize=PICTURE_SIZE)
    fig.subplots_adjust(left=0.36, right=0.97, top=0.9, bottom=0.14)  # fixed: redrawn weekly
    ax = fig.subplots()
    y = np.arange(len(names))[::-1]
    ax.barh(y, values, color="#4c72b0")
    for row, value in zip(y, values, strict=True):
        inside = value > 0.85  # no room to the right: write it on the bar
        ax.text(
            value - 0.02 if inside else value + 0.02,
            row,
            f"{value:.2f}",
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else "black",
            fontsize=9,
        )
    ax.set_yticks(y, [display_name(name, "objective") for name in names])
    ax.set_xlim(0, 1)
    ax.set_title(say("dash.scorecard_title", week=int(model.time)), fontsize=11)
    ax.set_xlabel(say("dash.score"))
    return fig


#: The four live plots: title (a message key), the metric whose unit labels the axis,
#: and each metric's colour (participation in the shades residents take on the community
#: picture).
PLOTS = (
    (
        "dash.plot.participation",
        "participation_rate",
        {
            "participation_rate": RESIDENT_SHADES[0],
            "participation_rate_party": KIND_COLOURS["party_organisation"],
            "participation_rate_nonparty": RESIDENT_SHADES[1],
        },
    ),
    (
        "dash.plot.cohesion",
        "trust_mean",
        {
            "trust_mean": "#1b9e77",
            "tie_weight_mean": "#000059",
            "active_component_share": "#7570b3",
        },
    ),
    (
        "dash.plot.satisfaction",
        "satisfaction_mean",
        {"satisfaction_mean": "#e7298a", "efficacy_mean": "#66a61e"},
    ),
    (
        "dash.plot.issues",
        "resolution_rate",
        {"resolution_rate": "#1f78b4", "deliberated_share": "#33a02c", "escalated_share": "#999"},
    ),
)


def draw_plot(model: GovernanceModel, title: str, ylabel: str, measures: dict[str, str]) -> Figure:
    """One live plot: the named metrics (colour each) from week 0 to now, on 0..1.

    Args:
        model: the running model.
        title: the title, or a message key (``dash.plot.*``) to say it in the language
            in force.
        ylabel: the axis label, or a metric whose unit labels the axis.
        measures: the metrics drawn, each with its colour (labelled by display name).
    """
    series = model.datacollector.model_vars
    fig = Figure(figsize=PICTURE_SIZE)
    # Fixed margins rather than a tight or constrained layout: the figure is redrawn
    # every step and a layout engine would double the cost.
    fig.subplots_adjust(left=0.1, right=0.98, top=0.92, bottom=0.11)
    ax = fig.subplots()
    for name, colour in measures.items():
        # At week 0 a series is one point, which a line alone does not show.
        marker = "o" if len(series[name]) == 1 else None
        ax.plot(series[name], label=display_name(name), color=colour, marker=marker)
    ax.set_title(say(title) if title.startswith("dash.") else title, fontsize=12)
    ax.set_xlabel(say("week"))
    ax.set_ylabel(unit(ylabel) or ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, max(len(series[next(iter(measures))]) - 1, 1))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", fontsize=9)
    return fig
