"""The govsim dashboard page: a Mesa SolaraViz app for policy analysts.

Core objects: ``Page`` (the Solara page: one model per browser session),
``COMPONENTS`` (the network, the scorecard and the four live plots),
``picture_component`` (a figure as a picture redrawn only when time moves) and
``About`` (the sidebar card). The levers and the model are in ``levers``, the
community picture in ``picture``, the scorecard and plots in ``plots``.

Serve it with ``govsim viz [SCENARIO]`` (model/dashboard/server.py), which puts the
scenario file's path in ``GOVSIM_VIZ_SCENARIO``; without it the page starts from
``Scenario()``.

The dashboard sits downstream of the model: it reads the model's arrays, metrics and
scorecard, and never changes the model except by stepping it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from typing import Any

import reacton.ipywidgets as rw
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from govsim.dashboard.levers import DashboardModel, base_scenario, lever_values, model_params
from govsim.dashboard.picture import PICTURE_DPI, counted, draw_network
from govsim.dashboard.plots import PLOTS, draw_plot, draw_scorecard
from govsim.scenario import MECHANISM_NAMES
from govsim.sim.governance import GovernanceModel

__all__ = ["COMPONENTS", "About", "Page", "picture_component"]


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PICTURE_DPI)
    return buffer.getvalue()


def picture_component(name: str, draw: Callable[[Any], Figure]) -> Callable[..., Any]:
    """A Solara component showing ``draw(model)`` as a PNG, redrawn only when time moves.

    Mesa's SolaraViz re-renders every component on each update (and on every change in
    the sidebar); the picture is redrawn only for a new model or a new week.
    """

    @solara.component
    def Picture(model: GovernanceModel):
        update_counter.get()  # re-render when SolaraViz steps the model
        image = solara.use_memo(lambda: _png(draw(model)), [model, model.time])
        return rw.Image(value=image, format="png")

    Picture.__name__ = Picture.__qualname__ = name
    return Picture


#: The main area (page 0): the network, the scorecard and the four live plots.
COMPONENTS = [
    (picture_component("NetworkView", draw_network), 0),
    (picture_component("ScorecardView", draw_scorecard), 0),
    *(
        (
            picture_component(
                f"{title}Plot", partial(draw_plot, title=title, ylabel=ylabel, measures=measures)
            ),
            0,
        )
        for title, ylabel, measures in PLOTS
    ),
]


@solara.component
def About(model: DashboardModel) -> None:
    """Sidebar card: what is on screen, and how to change it."""
    settings = model.settings
    population = model.population
    on = [name for name in MECHANISM_NAMES if settings.enabled(name)]
    lines = (
        f"Scenario: {settings.name} ({model.source}); seed {model.seed_used}.",
        f"{population.n_residents:,} households, {counted(population.n_units, 'unit')}, "
        f"{counted(population.n_communities, 'community', 'communities')}.",
        f"Innovations on: {', '.join(on) or 'none'}.",
        f"Levers in this run: {lever_values(settings)}.",
        model.picture.note,
        "Change switches, sliders or the seed, then press Reset to apply them. "
        "One step is one week. Defaults are illustrative, not calibrated.",
        "This is one replicate: for the spread over replications use govsim run and "
        "govsim compare.",
    )
    # Plain text, not solara.Markdown: Markdown loads mermaid (a 60 MB asset) in the page.
    with solara.Sidebar(), solara.Card("About this run"), solara.Column(gap="6px"):
        for line in lines:
            solara.Text(line)
        for notice in model.notices:
            solara.Warning(notice)


@solara.component
def Page() -> None:
    """The dashboard page: one model per browser session, in Mesa's SolaraViz."""
    base = base_scenario()
    # A model made at import time would be shared by every browser session.
    model = solara.use_reactive(solara.use_memo(DashboardModel, []))
    params = solara.use_memo(lambda: model_params(base), [])
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=params,
        name=f"govsim: {base.name}",
        play_interval=150,
    )
    About(model.value)
