"""The govsim dashboard: a Mesa SolaraViz app for policy analysts.

Core objects: ``DashboardModel`` (a ``GovernanceModel`` built from the base scenario
plus the levers set in the sidebar), ``LEVERS`` (the switches and sliders: the five
innovations and the frictions), ``CommunityPicture`` (the seeded layout and sample of
the community graph, computed once per graph) and ``Page`` (the Solara page).

Serve it with ``govsim viz [SCENARIO]`` (model/dashboard/server.py), which puts the scenario
file's path in ``GOVSIM_VIZ_SCENARIO``; without it the page starts from ``Scenario()``.
Every browser session gets its own model. Changes to switches, sliders and the seed
apply when Reset is pressed (Mesa's SolaraViz re-creates the model then).

The dashboard sits downstream of the model: it reads the model's arrays, metrics and
scorecard, and never changes the model except by stepping it.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np
import reacton.ipywidgets as rw
import scipy.sparse as sp
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from govsim.scenario import MECHANISM_NAMES, Scenario, ScenarioError, load_scenario
from govsim.sim.governance import GovernanceModel
from govsim.sim.population import KINDS

__all__ = [
    "COMPONENTS",
    "LEVERS",
    "MAX_NODES",
    "SCENARIO_ENV",
    "CommunityPicture",
    "DashboardModel",
    "Lever",
    "Page",
    "base_scenario",
    "draw_network",
    "draw_plot",
    "draw_scorecard",
    "levers_for",
    "model_params",
    "picture_component",
]

#: Environment variable holding the scenario file the dashboard starts from.
SCENARIO_ENV = "GOVSIM_VIZ_SCENARIO"
#: Most nodes the network picture shows; bigger communities are shown by a sample.
MAX_NODES = 3000


# --------------------------------------------------------------------------- levers


@dataclass(frozen=True)
class Lever:
    """One switch or slider of the sidebar, bound to a scenario field by dotted path.

    ``name`` is the keyword of ``DashboardModel`` (Mesa passes sidebar values as
    keyword arguments, so it must be an identifier); ``kind`` is "switch", "float" or
    "int"; a slider's range is ``low..high`` (``high`` is widened to twice the
    scenario's value when that is larger, so a file's value is always reachable).
    """

    name: str
    path: str
    label: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    step: float = 0.01


LEVERS: tuple[Lever, ...] = (
    Lever(
        "joint_committee", "mechanisms.joint_committee.enabled", "Joint party committee", "switch"
    ),
    Lever("interconnection", "mechanisms.interconnection.enabled", "Interconnection", "switch"),
    Lever("deliberation", "mechanisms.deliberation.enabled", "Deliberation", "switch"),
    Lever("rotation", "mechanisms.rotation.enabled", "Rotation of units", "switch"),
    Lever("integral_scoring", "mechanisms.integral_scoring.enabled", "Integral scoring", "switch"),
    Lever("admin_burden", "frictions.admin_burden", "Administrative burden", "float"),
    Lever("budget", "frictions.budget", "Budget per week", "float", 0.0, 100.0, 1.0),
    Lever(
        "answer_probability",
        "frictions.linkage.answer_probability",
        "Street answers escalations",
        "float",
    ),
    Lever(
        "escalation_age",
        "frictions.linkage.escalation_age",
        "Weeks before escalation",
        "int",
        1,
        52,
        1,
    ),
    Lever("initial_trust", "frictions.cohesion.initial_trust", "Initial trust", "float"),
    Lever(
        "initial_tie_weight",
        "frictions.cohesion.initial_tie_weight",
        "Initial tie strength",
        "float",
    ),
    Lever("mean_degree", "network.mean_degree", "Ties per resident", "float", 0.0, 20.0, 0.5),
)


def _value_at(scenario: Scenario, path: str) -> Any:
    value: Any = scenario
    for key in path.split("."):
        value = getattr(value, key)
    return value


@lru_cache(maxsize=1)
def _base_from(path: str) -> Scenario:
    return load_scenario(path) if path else Scenario()


def base_scenario() -> Scenario:
    """The scenario the dashboard starts from: the file in ``GOVSIM_VIZ_SCENARIO``, or the default.

    Raises:
        ScenarioError: the file cannot be used (``govsim viz`` checks it before serving).
    """
    return _base_from(os.environ.get(SCENARIO_ENV, "").strip())


def levers_for(base: Scenario) -> tuple[Lever, ...]:
    """The levers that make sense for a scenario.

    The classic graphs of the docking scenarios (ring, random regular, ...) only exist
    for some degrees, so their tie density stays as the file sets it.
    """
    classic = base.network.generator != "community"
    return tuple(lever for lever in LEVERS if not (classic and lever.name == "mean_degree"))


def model_params(base: Scenario) -> dict[str, dict[str, Any]]:
    """SolaraViz ``model_params``: one input per lever plus the seed box, set to ``base``."""
    params: dict[str, dict[str, Any]] = {}
    for lever in levers_for(base):
        value = _value_at(base, lever.path)
        if lever.kind == "switch":
            params[lever.name] = {"type": "Checkbox", "value": bool(value), "label": lever.label}
            continue
        high = max(lever.high, 2 * value)
        params[lever.name] = {
            "type": "SliderInt" if lever.kind == "int" else "SliderFloat",
            "value": int(value) if lever.kind == "int" else float(value),
            "label": lever.label,
            "min": int(lever.low) if lever.kind == "int" else lever.low,
            "max": int(high) if lever.kind == "int" else float(high),
            "step": int(lever.step) if lever.kind == "int" else lever.step,
        }
    params["seed"] = {"type": "InputText", "value": str(base.seed), "label": "Seed"}
    return params


# --------------------------------------------------------------------------- the model


def _parse_seed(text: Any, fallback: int) -> tuple[int, str | None]:
    """The seed typed in the seed box, or ``fallback`` with a message saying why."""
    raw = str(text).strip()
    try:
        seed = int(raw)
    except ValueError:
        seed = -1
    if 0 <= seed <= 2**63 - 1:
        return seed, None
    return fallback, (
        f"Seed '{raw}' is not a whole number from 0 to 2^63-1; using the scenario's seed "
        f"{fallback}."
    )


class DashboardModel(GovernanceModel):
    """The governance model as the dashboard runs it: base scenario + sidebar levers.

    Args:
        seed: the seed box (text or int); an unusable value falls back to the scenario's
            seed, with a notice on the page.
        joint_committee, ..., mean_degree: one keyword per entry of ``LEVERS``, named
            ``Lever.name`` (``None``: keep the base scenario's value).

    Attributes:
        notices: messages shown on the page (a seed or lever that could not be used).
        picture: the seeded layout and sample of the community graph.
        source: where the base scenario came from (a file name, or "built-in default").
    """

    def __init__(
        self,
        *,
        seed: str | int | None = None,
        joint_committee: bool | None = None,
        interconnection: bool | None = None,
        deliberation: bool | None = None,
        rotation: bool | None = None,
        integral_scoring: bool | None = None,
        admin_burden: float | None = None,
        budget: float | None = None,
        answer_probability: float | None = None,
        escalation_age: int | None = None,
        initial_trust: float | None = None,
        initial_tie_weight: float | None = None,
        mean_degree: float | None = None,
    ) -> None:
        # Explicit keywords (no **kwargs): Mesa's Reset then passes exactly the sidebar
        # values, and does not add its own ``scenario`` object, which would collide with
        # govsim's scenario argument.
        values = dict(locals())  # the lever values, by name
        base = base_scenario()
        self.notices: list[str] = []
        chosen, notice = _parse_seed(base.seed if seed is None else seed, base.seed)
        if notice:
            self.notices.append(notice)
        overrides = {
            lever.path: values[lever.name] for lever in LEVERS if values[lever.name] is not None
        }
        try:
            scenario = base.with_overrides(overrides)
        except ScenarioError as error:
            self.notices.append(f"Could not apply the sidebar values ({error}); using the file's.")
            scenario = base
        super().__init__(scenario, rng=chosen, agent_interval=0)
        self.seed_used = chosen
        path = os.environ.get(SCENARIO_ENV, "").strip()
        self.source = os.path.basename(path) if path else "built-in default"
        self.picture = CommunityPicture.for_model(self, chosen)


# --------------------------------------------------------------------------- the picture

KIND_STYLE = {
    "party_organisation": ("#c0392b", "*", 150, "Party organisation (core)"),
    "stationed_unit": ("#1f78b4", "s", 24, "Stationed unit"),
    "enterprise": ("#6a3d9a", "D", 20, "Enterprise"),
    "social_organisation": ("#33a02c", "^", 28, "Social organisation"),
}
#: Resident shading: taking part this week, recently (active_window), not recently.
RESIDENT_SHADES = ("#d95f02", "#fdb863", "#d9d9d9")
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_HOLE = 4  # spiral slots left empty at a community's centre for the core and its units

# SolaraViz shows every component in a grid cell 390 px high whose width follows the
# window (about 410-730 px); a picture is shrunk to the cell's width, never enlarged, and
# cut at its height. Pictures 1.6 times as wide as high and ~365 px high therefore show
# whole on any window from laptop to wide screen.
PICTURE_DPI = 95
PICTURE_SIZE = (6.2, 3.85)  # inches


@dataclass(frozen=True)
class CommunityPicture:
    """Which nodes the network picture shows, and where: computed once per graph.

    Communities sit on a grid; in each, the core is at the centre, its units on a ring
    around it, and the blocks (buildings, compounds) on a sunflower spiral around
    those, each block's residents scattered in a disc. The layout is seeded, linear in
    the number of nodes, and depends only on who lives where, so Reset with the same
    seed and population keeps every node in place.

    When the graph has more than ``MAX_NODES`` nodes the picture shows a seeded sample:
    whole communities in random order, whole blocks in random order within each, until
    the budget is used (the last block may be cut), with every core and unit of the
    communities shown. ``note`` says so on the page.
    """

    residents: np.ndarray  # resident indices shown (sorted)
    communities: np.ndarray  # communities shown (sorted)
    units: np.ndarray  # unit indices shown (sorted)
    resident_xy: np.ndarray
    core_xy: np.ndarray
    unit_xy: np.ndarray
    note: str

    @classmethod
    def for_model(cls, model: GovernanceModel, seed: int) -> CommunityPicture:
        """The picture of a model's community (layout seeded by ``seed``), computed once.

        Models with the same seed and the same residents, blocks and units share one
        picture, so a Reset that keeps them keeps every node where it was.
        """
        p = model.population
        where = hashlib.sha256(p.residents.block.tobytes())
        where.update(p.units.community.tobytes())
        key = (seed, p.n_residents, p.n_communities, p.n_units, where.hexdigest())
        return _picture(key, model)

    @property
    def n_nodes(self) -> int:
        """Nodes shown."""
        return self.residents.size + self.communities.size + self.units.size


_PICTURES: dict[tuple, CommunityPicture] = {}


def _picture(key: tuple, model: GovernanceModel) -> CommunityPicture:
    if key not in _PICTURES:
        if len(_PICTURES) > 16:  # a long session of Resets must not grow memory without end
            _PICTURES.clear()
        _PICTURES[key] = _build_picture(model, key[0])
    return _PICTURES[key]


def _sample(model: GovernanceModel, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Residents and communities shown: whole communities, then whole blocks, to MAX_NODES."""
    p = model.population
    # Residents are stored sorted by community and block, so both are index ranges.
    block_start = np.searchsorted(p.residents.block, np.arange(p.n_blocks + 1))
    first_block = np.searchsorted(p.block_community, np.arange(p.n_communities + 1))
    units_per = np.bincount(p.units.community, minlength=p.n_communities)
    budget = MAX_NODES
    chosen_res: list[np.ndarray] = []
    chosen_comm: list[int] = []
    for community in rng.permutation(p.n_communities).tolist():
        fixed = 1 + int(units_per[community])
        if budget <= fixed:
            break
        blocks = rng.permutation(np.arange(first_block[community], first_block[community + 1]))
        order = np.concatenate(
            [np.arange(block_start[b], block_start[b + 1]) for b in blocks.tolist()]
        )
        take = order[: budget - fixed]
        chosen_res.append(take)
        chosen_comm.append(community)
        budget -= fixed + take.size
    residents = np.sort(np.concatenate(chosen_res)) if chosen_res else np.zeros(0, np.int64)
    return residents, np.array(sorted(chosen_comm), dtype=np.int64)


def _build_picture(model: GovernanceModel, seed: int) -> CommunityPicture:
    p = model.population
    res = p.residents
    rng = np.random.default_rng([seed, 0x5EED])  # the layout's own stream: the run's is untouched
    if p.n_residents + p.n_communities + p.n_units <= MAX_NODES:
        residents = np.arange(p.n_residents)
        communities = np.arange(p.n_communities)
    else:
        residents, communities = _sample(model, rng)
    units = np.flatnonzero(np.isin(p.units.community, communities))
    block_sizes = np.bincount(res.block, minlength=p.n_blocks)
    # A block's disc grows with the square root of its households (constant density);
    # discs fill most of their spiral slot so blocks read as compounds.
    radius = math.sqrt(max(float(block_sizes.mean()), 1.0)) * 0.5
    spacing = 1.5 * radius
    # The blocks shown, each in a slot of its community's sunflower spiral (slots
    # 0.._HOLE-1 are left to the core and its units); the biggest spiral sets the pitch
    # of the grid of communities.
    blocks = np.unique(res.block[residents])
    block_comm = p.block_community[blocks]
    k = np.arange(blocks.size) - np.searchsorted(block_comm, block_comm) + _HOLE
    most = int(k.max()) + 1 if blocks.size else _HOLE
    pitch = 2 * spacing * math.sqrt(most) + 2 * spacing
    columns = max(1, math.ceil(math.sqrt(communities.size)))
    centre = np.zeros((p.n_communities, 2))
    slot = np.arange(communities.size)
    centre[communities, 0] = (slot % columns) * pitch
    centre[communities, 1] = -(slot // columns) * pitch
    block_xy = np.zeros((p.n_blocks, 2))
    block_xy[blocks] = centre[block_comm] + spacing * np.sqrt(k)[:, None] * np.column_stack(
        [np.cos(k * _GOLDEN_ANGLE), np.sin(k * _GOLDEN_ANGLE)]
    )
    r = radius * np.sqrt(rng.random(residents.size))
    angle = 2 * np.pi * rng.random(residents.size)
    resident_xy = block_xy[res.block[residents]] + np.column_stack(
        [r * np.cos(angle), r * np.sin(angle)]
    )
    unit_xy = _unit_ring(p.units.community[units], centre, spacing)
    shown, total = residents.size, p.n_residents
    note = (
        f"All {total:,} residents shown."
        if shown == total
        else f"Showing a seeded sample of {shown:,} of {total:,} residents, in whole blocks, "
        f"from {communities.size:,} of {_count(p.n_communities, 'community', 'communities')}, "
        f"to keep the picture under {MAX_NODES:,} nodes."
    )
    return CommunityPicture(
        residents, communities, units, resident_xy, centre[communities], unit_xy, note
    )


def _unit_ring(community: np.ndarray, centre: np.ndarray, spacing: float) -> np.ndarray:
    """Units evenly on a ring around their community's core."""
    xy = np.zeros((community.size, 2))
    for c in np.unique(community).tolist():
        mine = np.flatnonzero(community == c)
        angle = 2 * np.pi * np.arange(mine.size) / max(mine.size, 1) + np.pi / 2
        xy[mine] = centre[c] + 1.25 * spacing * np.column_stack([np.cos(angle), np.sin(angle)])
    return xy


def _segments(matrix: sp.spmatrix, xy_from: np.ndarray, xy_to: np.ndarray, upper: bool):
    """Line segments and weights of the ties in ``matrix`` (rows -> xy_from, cols -> xy_to)."""
    coo = (sp.triu(matrix, k=1) if upper else matrix).tocoo()
    segments = np.stack([xy_from[coo.row], xy_to[coo.col]], axis=1)
    return segments, coo.data


def _resident_shade(model: GovernanceModel, residents: np.ndarray) -> np.ndarray:
    res = model.population.residents
    window = model.settings.dynamics.active_window
    shade = np.full(residents.size, RESIDENT_SHADES[2], dtype=object)
    recent = (model.week - res.last_participation[residents]) < window
    shade[recent] = RESIDENT_SHADES[1]
    shade[res.participating[residents].astype(bool)] = RESIDENT_SHADES[0]
    return shade


def draw_network(model: DashboardModel) -> Figure:
    """The community network this week: kinds, participation, tie strengths."""
    picture = model.picture
    p = model.population
    fig = Figure(figsize=PICTURE_SIZE)
    # The community on the left two thirds, the legend on the right; fixed axes, since
    # a layout engine would double the cost of a picture redrawn every week.
    ax = fig.add_axes((0.0, 0.06, 0.66, 0.86))
    shown = picture.residents
    ties = p.resident_ties[shown][:, shown]
    segments, weights = _segments(ties, picture.resident_xy, picture.resident_xy, upper=True)
    # Darker, thicker lines for stronger ties; weak ties fade into the background.
    strength = np.clip(weights, 0.0, 1.0)
    colours = np.zeros((strength.size, 4))
    colours[:, 2] = 0.35
    colours[:, 3] = 0.03 + 0.5 * strength**2
    order = np.argsort(strength, kind="stable")  # strong ties drawn last, on top
    ax.add_collection(
        LineCollection(
            segments[order], colors=colours[order], linewidths=0.2 + 1.3 * strength[order]
        )
    )
    unit_segments, _ = _segments(
        p.unit_ties[picture.units][:, shown], picture.unit_xy, picture.resident_xy, upper=False
    )
    core_segments, _ = _segments(
        p.core_ties[picture.communities][:, shown], picture.core_xy, picture.resident_xy, False
    )
    ax.add_collection(
        LineCollection(
            np.concatenate([unit_segments, core_segments]),
            colors="#8c6d31",
            alpha=0.12,
            linewidths=0.4,
        )
    )
    # Joint committee members are tied to their community's core.
    member = p.units.in_committee[picture.units].astype(bool)
    core_of = np.searchsorted(picture.communities, p.units.community[picture.units[member]])
    committee = np.stack([picture.core_xy[core_of], picture.unit_xy[member]], axis=1)
    ax.add_collection(LineCollection(committee, colors="#c0392b", alpha=0.7, linewidths=0.8))
    # Above every tie (LineCollections sit at zorder 2): strong ties must not hide who
    # takes part.
    ax.scatter(
        *picture.resident_xy.T, s=6, c=_resident_shade(model, shown), linewidths=0, zorder=2.5
    )
    unit_kind = np.asarray(KINDS)[p.units.kind[picture.units]]
    for kind, (colour, marker, size, _label) in KIND_STYLE.items():
        if kind == "party_organisation":
            ax.scatter(*picture.core_xy.T, s=size, c=colour, marker=marker, zorder=3)
            continue
        mine = unit_kind == kind
        member = p.units.in_committee[picture.units][mine].astype(bool)
        ax.scatter(
            *picture.unit_xy[mine].T,
            s=size,
            c=colour,
            marker=marker,
            edgecolors=np.where(member, "black", "white"),
            linewidths=0.8,
            zorder=3,
        )
    fig.suptitle(f"Community network, week {model.week}", fontsize=11)
    fig.text(0.01, 0.015, picture.note, fontsize=7.5, va="bottom", wrap=True)
    ax.set_aspect("equal")
    ax.autoscale()
    ax.set_axis_off()
    fig.legend(handles=_legend_handles(), loc="center right", fontsize=7.5, frameon=False)
    return fig


def _legend_handles() -> list[Line2D]:
    def dot(colour: str, marker: str, label: str, edge: str = "none") -> Line2D:
        return Line2D([], [], ls="", marker=marker, color=colour, mec=edge, label=label)

    handles = [dot(c, m, label) for c, m, _s, label in KIND_STYLE.values()]
    handles.append(dot("white", "s", "Unit in joint committee", edge="black"))
    handles.append(Line2D([], [], color="#c0392b", lw=0.8, label="Committee tie to the core"))
    labels = ("Resident taking part now", "Resident took part recently", "Resident not recently")
    handles += [
        dot(shade, "o", label) for shade, label in zip(RESIDENT_SHADES, labels, strict=True)
    ]
    handles.append(Line2D([], [], color=(0, 0, 0.35, 0.6), label="Tie (darker: stronger)"))
    return handles


OBJECTIVE_LABELS = {
    "diversified_subjects": "Diversified subjects",
    "normalised_communication": "Normalised communication",
    "concrete_autonomy_channels": "Concrete autonomy channels",
    "collaborative_participation": "Collaborative participation",
    "refined_assessment": "Refined assessment",
}


def draw_scorecard(model: GovernanceModel) -> Figure:
    """The five-objectives scorecard so far, as labelled bars on 0..1."""
    with warnings.catch_warnings():
        # Before the first step some metrics are NaN throughout (no issue resolved yet)
        # and numpy warns about their mean; the objectives do not use those.
        warnings.simplefilter("ignore", RuntimeWarning)
        card = model.scorecard()
    names = list(OBJECTIVE_LABELS)
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
    ax.set_yticks(y, [OBJECTIVE_LABELS[name] for name in names])
    ax.set_xlim(0, 1)
    ax.set_title(f"Five-objectives scorecard, week {model.week}", fontsize=11)
    ax.set_xlabel("score (0..1; illustrative, not calibrated)")
    return fig


# --------------------------------------------------------------------------- components

PLOTS = (
    (
        "Participation",
        "share of residents",
        {
            "participation_rate": "#d95f02",
            "participation_rate_party": "#c0392b",
            "participation_rate_nonparty": "#fdb863",
        },
    ),
    (
        "Cohesion",
        "mean / share",
        {
            "trust_mean": "#1b9e77",
            "tie_weight_mean": "#000059",
            "active_component_share": "#7570b3",
        },
    ),
    ("Satisfaction", "mean (0..1)", {"satisfaction_mean": "#e7298a", "efficacy_mean": "#66a61e"}),
    (
        "Issues",
        "share of issues",
        {"resolution_rate": "#1f78b4", "deliberated_share": "#33a02c", "escalated_share": "#999"},
    ),
)


def draw_plot(model: GovernanceModel, title: str, ylabel: str, measures: dict[str, str]) -> Figure:
    """One live plot: the named metrics (colour each) from week 0 to now, on 0..1."""
    series = model.datacollector.model_vars
    fig = Figure(figsize=PICTURE_SIZE)
    # Fixed margins rather than a tight or constrained layout: the figure is redrawn
    # every step and a layout engine would double the cost.
    fig.subplots_adjust(left=0.1, right=0.98, top=0.92, bottom=0.11)
    ax = fig.subplots()
    for name, colour in measures.items():
        # At week 0 a series is one point, which a line alone does not show.
        marker = "o" if len(series[name]) == 1 else None
        ax.plot(series[name], label=name, color=colour, marker=marker)
    ax.set_title(title, fontsize=12)
    ax.set_xlabel("week")
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, max(len(series[next(iter(measures))]) - 1, 1))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", fontsize=9)
    return fig


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PICTURE_DPI)
    return buffer.getvalue()


def picture_component(name: str, draw: Callable[[Any], Figure]):
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


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def lever_values(settings: Scenario) -> str:
    """The sliders' values in the running model, in words.

    A slider shows its value only while it is dragged; the sidebar says what is set.
    """
    shown = []
    for lever in levers_for(settings):
        if lever.kind == "switch":
            continue
        value = _value_at(settings, lever.path)
        shown.append(f"{lever.label.lower()} {value:g}" if lever.kind == "float" else
                     f"{lever.label.lower()} {int(value)}")  # fmt: skip
    return ", ".join(shown)


@solara.component
def About(model: DashboardModel) -> None:
    """Sidebar card: what is on screen, and how to change it."""
    settings = model.settings
    on = [name for name in MECHANISM_NAMES if settings.enabled(name)]
    lines = (
        f"Scenario: {settings.name} ({model.source}); seed {model.seed_used}.",
        f"{model.population.n_residents:,} households, {_count(model.population.n_units, 'unit')}, "
        f"{_count(model.population.n_communities, 'community', 'communities')}.",
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
