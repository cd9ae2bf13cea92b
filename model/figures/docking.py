"""The docking figures (``govsim validate``): govsim's numbers beside the published ones.

Core objects: ``pgg_figure`` (the public goods game on graphs against Santos, Santos &
Pacheco 2008), ``deffuant_figure`` (bounded confidence against Deffuant et al. 2000)
and ``cascade_figure`` (the threshold cascade against Granovetter 1978). Each draws
from plain data (the curves and the published values, computed by
``govsim.validation``), so the figures know nothing of how the docking runs.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from govsim.figures.palette import DOCKING_COLOURS
from govsim.text import say

__all__ = ["cascade_figure", "deffuant_figure", "pgg_figure"]


def pgg_figure(curves: dict[str, dict[float, list[float]]]) -> Figure:
    """Share of cooperators against eta, one curve per graph and cost scheme.

    Args:
        curves: per curve label (in drawing order), the share of cooperators per eta,
            one value per replicate (``DockingResults.pgg_curve``).
    """
    figure = Figure(figsize=(10.5, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for (label, curve), colour in zip(curves.items(), DOCKING_COLOURS["pgg"], strict=False):
        etas = list(curve)
        means = [np.mean(v) for v in curve.values()]
        sds = [np.std(v) for v in curve.values()]
        axes.errorbar(etas, means, yerr=sds, marker="o", capsize=3, color=colour, label=label)
    # The published claims, drawn as the bands the checks use, in their curves' colours.
    scale_free, _, regular = DOCKING_COLOURS["pgg"]
    axes.fill_between(
        [0.2, 0.6], 0, 0.05, color=regular, alpha=0.2, label=say("docking.regular_none")
    )
    axes.fill_between(
        [0.2, 0.6],
        0.5,
        1.0,
        color=scale_free,
        alpha=0.08,
        label=say("docking.scale_free_wins"),
    )
    axes.set(
        xlabel=say("docking.eta"),
        ylabel=say("docking.cooperators"),
        ylim=(-0.02, 1.02),
        title=say("docking.pgg_title"),
    )
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


def deffuant_figure(
    clusters: dict[float, list[float]],
    *,
    grid: np.ndarray,
    published: np.ndarray,
    band: np.ndarray,
) -> Figure:
    """Opinion clusters against the confidence bound d, with the published rule.

    Args:
        clusters: final clusters per d, one value per replicate.
        grid: the d at which the published rule is drawn.
        published: the published number of clusters at each d of ``grid``.
        band: the half-width of the acceptance band at each d of ``grid``.
    """
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.add_subplot()
    colour = DOCKING_COLOURS["deffuant"]
    ds = np.array(list(clusters))
    axes.fill_between(
        grid,
        published - band,
        published + band,
        color="grey",
        alpha=0.2,
        label=say("docking.band"),
    )
    axes.plot(grid, published, color="black", linestyle="--", label=say("docking.deffuant_rule"))
    for d, values in clusters.items():
        axes.scatter([d] * len(values), values, color=colour, alpha=0.3, s=12)
    axes.plot(
        ds,
        [np.mean(v) for v in clusters.values()],
        marker="o",
        color=colour,
        label=say("docking.govsim_mean"),
    )
    axes.set(
        xlabel=say("docking.confidence"),
        ylabel=say("docking.clusters"),
        title=say("docking.deffuant_title"),
    )
    axes.legend(fontsize="small")
    return figure


def cascade_figure(series: dict[str, list[int]], published: dict[str, np.ndarray]) -> Figure:
    """Residents taking part per week, per case, with the exact published numbers.

    Args:
        series: per case, govsim's participants in each week.
        published: per case, the published participants in each week.
    """
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for (case, counts), colour in zip(series.items(), DOCKING_COLOURS["cascade"], strict=False):
        weeks = np.arange(len(counts))
        axes.plot(weeks, published[case], color="black", linestyle="--", linewidth=1)
        label = say("docking.govsim_case", case=case)
        axes.plot(weeks, counts, color=colour, label=label, alpha=0.5, linewidth=4)
    axes.plot([], [], color="black", linestyle="--", label=say("docking.granovetter"))
    axes.set(
        xlabel=say("week"),
        ylabel=say("docking.taking_part"),
        title=say("docking.cascade_title"),
    )
    axes.legend(fontsize="small")
    return figure
