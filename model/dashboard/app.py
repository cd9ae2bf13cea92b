"""The govsim dashboard page: a Mesa (Solara) app for policy analysts.

Core objects: ``Page`` (the Solara page: one model per browser session, in the
language in force, ``govsim viz --lang zh``), ``COMPONENTS`` (the network, the
scorecard and the four live plots), ``picture_component`` (a figure as a picture
redrawn only when time moves), ``Controls`` (Reset, Play / Pause, Step) and the
sidebar cards ``About`` and ``Information``. The levers and the model are in ``levers``, the
community picture in ``picture``, the scorecard and plots in ``plots``.

Serve it with ``govsim viz [SCENARIO]`` (model/dashboard/server.py), which puts the
scenario file's path in ``GOVSIM_VIZ_SCENARIO``; without it the page starts from
``Scenario()``.

The dashboard sits downstream of the model: it reads the model's arrays, metrics and
scorecard, and never changes the model except by stepping it.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import reacton.ipywidgets as rw
import solara
from matplotlib.figure import Figure
from mesa.visualization.solara_viz import ModelCreator, make_initial_grid_layout
from mesa.visualization.utils import force_update, update_counter

from govsim.dashboard.levers import DashboardModel, base_scenario, lever_values, model_params
from govsim.dashboard.picture import PICTURE_DPI, draw_network
from govsim.dashboard.plots import PLOTS, draw_plot, draw_scorecard
from govsim.scenario import MECHANISM_NAMES
from govsim.sim.governance import GovernanceModel
from govsim.text import bilingual, counted, say

__all__ = ["COMPONENTS", "About", "Controls", "Information", "Page", "picture_component"]

#: Milliseconds between weeks while playing (the slider starts here).
PLAY_INTERVAL_MS = 150


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PICTURE_DPI)
    return buffer.getvalue()


def picture_component(name: str, draw: Callable[[Any], Figure]) -> Callable[..., Any]:
    """A Solara component showing ``draw(model)`` as a PNG, redrawn only when time moves.

    The page re-renders every component on each update (and on every change in
    the sidebar); the picture is redrawn only for a new model or a new week.
    """

    @solara.component
    def Picture(model: GovernanceModel):
        update_counter.get()  # re-render when the controls step the model
        image = solara.use_memo(lambda: _png(draw(model)), [model, model.time])
        return rw.Image(value=image, format="png")

    Picture.__name__ = Picture.__qualname__ = name
    return Picture


#: The main area: the network, the scorecard and the four live plots.
COMPONENTS = [
    picture_component("NetworkView", draw_network),
    picture_component("ScorecardView", draw_scorecard),
    *(
        picture_component(
            f"{title.rpartition('.')[2].capitalize()}Plot",
            partial(draw_plot, title=title, ylabel=ylabel, measures=measures),
        )
        for title, ylabel, measures in PLOTS
    ),
]


@solara.component
def About(model: DashboardModel) -> None:
    """Sidebar card: what is on screen, and how to change it."""
    settings = model.settings
    population = model.population
    on = [bilingual(f"mechanisms.{name}", "key") for name in MECHANISM_NAMES
          if settings.enabled(name)]  # fmt: skip
    lines = (
        say("dash.scenario", name=settings.name, source=model.source, seed=model.seed_used),
        say(
            "dash.size",
            households=population.n_residents,
            units=counted(population.n_units, "unit"),
            communities=counted(population.n_communities, "community"),
        ),
        say("dash.on", on=say("allowed.list").join(on) or say("none")),
        say("dash.levers", levers=lever_values(settings)),
        model.picture.note,
        say("dash.how"),
        say("dash.one_replicate"),
    )
    # Plain text, not solara.Markdown: Markdown loads mermaid (a 60 MB asset) in the page.
    with solara.Card(say("dash.about")), solara.Column(gap="6px"):
        for line in lines:
            solara.Text(line)
        for notice in model.notices:
            solara.Warning(notice)


@solara.component
def Controls(model: solara.Reactive[DashboardModel], parameters: solara.Reactive[dict]) -> None:
    """Reset, Play / Pause and Step, and how fast Play runs and draws, in the page's language.

    Mesa's ``ModelController`` does the same with English labels; this one is as small
    as the dashboard needs (no simulator, no threads option). Play steps the model in a
    worker thread (``solara.lab.use_task``) until paused or the model stops; the
    pictures are redrawn through Mesa's ``force_update``.
    """
    playing = solara.use_reactive(False)
    running = solara.use_reactive(True)
    interval = solara.use_reactive(PLAY_INTERVAL_MS)
    every = solara.use_reactive(1)
    problem = solara.use_reactive(None)

    def advance() -> None:
        try:
            for _ in range(every.value):
                model.value.step()
                running.value = model.value.running
                if not running.value:
                    break
        except Exception as error:  # shown on the page: the server keeps serving
            playing.value = False
            problem.value = say("dash.error", error=error)
        force_update()

    def play() -> None:
        while playing.value and running.value:
            time.sleep(interval.value / 1000)
            if playing.value:
                advance()

    solara.lab.use_task(play, dependencies=[playing.value, running.value], prefer_threaded=True)

    def reset() -> None:
        playing.value = False
        problem.value = None
        model.value = DashboardModel(**parameters.value)
        running.value = True
        force_update()

    with solara.Card(say("dash.controls")):
        with solara.Row(justify="space-between"):
            solara.Button(label=say("dash.reset"), color="primary", on_click=reset)
            solara.Button(
                label="❚❚" if playing.value else "▶",
                color="primary",
                on_click=lambda: playing.set(not playing.value),
                disabled=not running.value,
            )
            solara.Button(
                label=say("dash.step"),
                color="primary",
                on_click=advance,
                disabled=playing.value or not running.value,
            )
        solara.SliderInt(say("dash.play_interval"), value=interval, min=1, max=500, step=10)
        solara.SliderInt(say("dash.render_interval"), value=every, min=1, max=100, step=2)
        if problem.value:
            solara.Error(problem.value)


@solara.component
def Information(model: DashboardModel) -> None:
    """Sidebar card: the week on screen."""
    update_counter.get()
    with solara.Card(say("dash.information")):
        solara.Text(say("dash.time", week=int(model.time)))


@solara.component
def Page() -> None:
    """The dashboard page: one model per browser session, in the language in force.

    Built from Mesa's visualisation parts (``ModelCreator`` for the parameters,
    ``force_update`` and the grid layout) rather than ``SolaraViz``, whose own labels
    are English and whose single page would show as a "Page 0" tab.
    """
    base = base_scenario()
    # A model made at import time would be shared by every browser session.
    model = solara.use_reactive(solara.use_memo(DashboardModel, []))
    params = solara.use_memo(lambda: model_params(base), [])
    parameters = solara.use_reactive({})
    title = say("dash.title", name=base.name)
    solara.Title(title)
    with solara.AppBar():
        solara.AppBarTitle(title)
    with solara.Sidebar(), solara.Column():
        About(model.value)
        Controls(model, parameters)
        with solara.Card(say("dash.parameters")):
            ModelCreator(model, params, model_parameters=parameters)
        Information(model.value)
    layout, set_layout = solara.use_state(make_initial_grid_layout(len(COMPONENTS)))
    solara.GridDraggable(
        items=[component(model.value) for component in COMPONENTS],
        grid_layout=layout,
        resizable=True,
        draggable=True,
        on_grid_layout=set_layout,
    )
