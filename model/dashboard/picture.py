"""The dashboard's picture of the community: who is shown, where, and the drawing.

Core objects: ``CommunityPicture`` (the seeded layout and sample of the community
graph, computed once per graph), ``draw_network`` (the community this week: kinds,
participation, tie strengths), ``MAX_NODES`` (most nodes shown), ``KIND_STYLE`` and
``RESIDENT_SHADES`` (colours from the figures' palette, ``govsim.figures.palette``).

The sample of a big community is the figures' own (``govsim.figures.sample_blocks``),
cut to fill the budget exactly.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from govsim.figures.network import sample_blocks
from govsim.figures.palette import KIND_COLOURS, RESIDENT_SHADES
from govsim.sim.governance import GovernanceModel
from govsim.sim.population import KINDS
from govsim.text import counted, display_name, say

if TYPE_CHECKING:
    from govsim.dashboard.levers import DashboardModel

__all__ = [
    "KIND_STYLE",
    "MAX_NODES",
    "PICTURE_DPI",
    "PICTURE_SIZE",
    "RESIDENT_SHADES",
    "CommunityPicture",
    "draw_network",
]

#: Most nodes the network picture shows; bigger communities are shown by a sample.
MAX_NODES = 3000
#: Colour (the palette's), marker and size of each kind of organisation (its legend
#: label is its display name, in the language in force: ``_kind_label``).
KIND_STYLE = {
    kind: (KIND_COLOURS[kind], marker, size)
    for kind, marker, size in (
        ("party_organisation", "*", 150),
        ("stationed_unit", "s", 24),
        ("enterprise", "D", 20),
        ("social_organisation", "^", 28),
    )
}
_COMMITTEE = KIND_COLOURS["party_organisation"]  # a committee member's tie to the core
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
        say("dash.all_shown", total=total)
        if shown == total
        else say(
            "dash.sample_shown",
            shown=shown,
            total=total,
            drawn=communities.size,
            communities=counted(p.n_communities, "community"),
            most=MAX_NODES,
        )
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


def _sample(model: GovernanceModel, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Residents and communities shown: whole communities, then blocks, to MAX_NODES."""
    p = model.population
    # Residents are stored sorted by community and block, so both are index ranges.
    drawn = sample_blocks(
        np.searchsorted(p.residents.block, np.arange(p.n_blocks + 1)),
        np.searchsorted(p.block_community, np.arange(p.n_communities + 1)),
        1 + np.bincount(p.units.community, minlength=p.n_communities),  # the core, its units
        MAX_NODES,
        rng,
        cut_last_block=True,
    )
    if not drawn:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    residents = np.sort(np.concatenate([shown for _, shown in drawn]))
    return residents, np.array(sorted(community for community, _ in drawn), dtype=np.int64)


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
    fig = Figure(figsize=PICTURE_SIZE)
    # The community on the left two thirds, the legend on the right; fixed axes, since
    # a layout engine would double the cost of a picture redrawn every week.
    ax = fig.add_axes((0.0, 0.06, 0.66, 0.86))
    _draw_ties(ax, model)
    _draw_subjects(ax, model)
    fig.suptitle(say("dash.network_title", week=int(model.time)), fontsize=11)
    fig.text(0.01, 0.015, model.picture.note, fontsize=7.5, va="bottom", wrap=True)
    ax.set_aspect("equal")
    ax.autoscale()
    ax.set_axis_off()
    fig.legend(handles=_legend_handles(), loc="center right", fontsize=7.5, frameon=False)
    return fig


def _draw_ties(ax: Axes, model: DashboardModel) -> None:
    """Residents' ties (darker and thicker when stronger), units' and the core's ties."""
    picture = model.picture
    p = model.population
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
    ax.add_collection(LineCollection(committee, colors=_COMMITTEE, alpha=0.7, linewidths=0.8))


def _draw_subjects(ax: Axes, model: DashboardModel) -> None:
    """Residents shaded by participation, then the core and units by kind."""
    picture = model.picture
    p = model.population
    # Above every tie (LineCollections sit at zorder 2): strong ties must not hide who
    # takes part.
    ax.scatter(
        *picture.resident_xy.T,
        s=6,
        c=_resident_shade(model, picture.residents),
        linewidths=0,
        zorder=2.5,
    )
    unit_kind = np.asarray(KINDS)[p.units.kind[picture.units]]
    for kind, (colour, marker, size) in KIND_STYLE.items():
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


def _legend_handles() -> list[Line2D]:
    def dot(colour: str, marker: str, label: str, edge: str = "none") -> Line2D:
        return Line2D([], [], ls="", marker=marker, color=colour, mec=edge, label=label)

    handles = [dot(c, m, _kind_label(kind)) for kind, (c, m, _s) in KIND_STYLE.items()]
    handles.append(dot("white", "s", say("dash.in_committee"), edge="black"))
    handles.append(Line2D([], [], color=_COMMITTEE, lw=0.8, label=say("dash.committee_tie")))
    labels = (say("dash.taking_part"), say("dash.took_part"), say("dash.not_recently"))
    handles += [
        dot(shade, "o", label) for shade, label in zip(RESIDENT_SHADES, labels, strict=True)
    ]
    handles.append(Line2D([], [], color=(0, 0, 0.35, 0.6), label=say("dash.tie")))
    return handles


def _kind_label(kind: str) -> str:
    """A kind's legend label: its display name (the core says it is the core)."""
    return say("dash.core") if kind == "party_organisation" else display_name(kind, "kind")
