"""The docking figures (``govsim validate``): govsim's numbers beside the published ones.

Core objects: ``pgg_figure`` (the public goods game on graphs against Santos, Santos &
Pacheco 2008), ``deffuant_figure`` (bounded confidence against Deffuant et al. 2000,
random pairs or the meeting format), ``brock_durlauf_figure`` (the logit rule with
social influence against the mean-field equilibria of Brock & Durlauf 2001, one
``EquilibriumPanel`` per curve) and ``cascade_figure`` (the threshold cascade against
Granovetter 1978). Each draws from plain data (the curves and the published values,
computed by ``govsim.validation``), so the figures know nothing of how the docking runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from govsim.figures.palette import DOCKING_COLOURS
from govsim.text import say

__all__ = [
    "EquilibriumPanel",
    "brock_durlauf_figure",
    "cascade_figure",
    "deffuant_figure",
    "pgg_figure",
]


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
    title: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Opinion clusters against the confidence bound d, with the published rule.

    Args:
        clusters: final clusters per d, one value per replicate.
        grid: the d at which the published rule is drawn.
        published: the published number of clusters at each d of ``grid``.
        band: the half-width of the acceptance band at each d of ``grid``.
        title: the figure's title (which format of exchange).
        ylabel: the y axis label (who is counted).
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
        ylabel=ylabel if ylabel is not None else say("docking.clusters"),
        title=title if title is not None else say("docking.deffuant_title"),
    )
    axes.legend(fontsize="small")
    return figure


@dataclass
class EquilibriumPanel:
    """One panel of the Brock-Durlauf figure: the equilibria along x and govsim's shares.

    Attributes:
        title, xlabel: the panel's title and x axis.
        grid: x values at which the equilibria are drawn.
        low, high: the lower and upper stable equilibrium at each x (equal where there
            is one; NaN where there is none).
        unstable: the unstable equilibrium at each x (NaN where there is none).
        points: per starting share, (x, govsim's mean share, one share per replicate).
    """

    title: str
    xlabel: str
    grid: np.ndarray
    low: np.ndarray
    high: np.ndarray
    unstable: np.ndarray
    points: dict[float, tuple[np.ndarray, np.ndarray, list[list[float]]]] = field(
        default_factory=dict
    )


def _broken(values: np.ndarray, jump: float = 0.1) -> np.ndarray:
    """The branch with a gap wherever it jumps (at a fold), so no vertical line is drawn."""
    out = np.array(values, dtype=float)
    out[1:][np.abs(np.diff(out)) > jump] = np.nan
    return out


def brock_durlauf_figure(panels: list[EquilibriumPanel]) -> Figure:
    """The share taking part in govsim against the mean-field equilibria, a panel per curve."""
    figure = Figure(figsize=(4.2 * max(1, len(panels)), 4.2), layout="constrained")
    low_colour, high_colour = DOCKING_COLOURS["cascade"]
    for index, panel in enumerate(panels):
        axes = figure.add_subplot(1, len(panels), index + 1)
        axes.plot(panel.grid, _broken(panel.low), color="black", label="stable equilibrium")
        axes.plot(panel.grid, _broken(panel.high), color="black")
        axes.plot(
            panel.grid,
            _broken(panel.unstable),
            color="black",
            linestyle="--",
            label="unstable equilibrium",
        )
        for (start, (xs, means, values)), colour, marker in zip(
            sorted(panel.points.items()), (low_colour, high_colour), ("^", "v"), strict=False
        ):
            for x, replicate in zip(xs, values, strict=True):
                axes.scatter([x] * len(replicate), replicate, color=colour, alpha=0.3, s=10)
            axes.plot(
                xs, means, linestyle="none", marker=marker, color=colour,
                label=f"govsim from {start:g}",
            )  # fmt: skip
        axes.set(xlabel=panel.xlabel, ylabel="share taking part", ylim=(-0.02, 1.02))
        axes.set_title(panel.title, fontsize="medium")
        if index == 0:
            axes.legend(fontsize="small", loc="upper left")
    figure.suptitle("Logit rule with social influence: govsim vs Brock & Durlauf (2001)")
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
