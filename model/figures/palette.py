"""The one palette of govsim's figures and of the dashboard.

Core objects: ``KIND_COLOURS`` (one colour per kind of subject), ``RESIDENT_SHADES``
(residents by how recently they took part), ``SERIES`` (a single series and its
band), ``INDEX_COLOURS`` (first-order and total sensitivity indices),
``DOCKING_COLOURS``, ``scenario_colours`` (one colour per scenario of a comparison)
and ``parameter_styles`` (a colour and marker per parameter).

Orange means taking part: it shades the residents who take part in the dashboard and
draws its participation plot, so no kind of subject is orange (an enterprise is
purple), and a picture of the community reads the same in a run folder's network.png
and on the dashboard.
"""

from __future__ import annotations

import matplotlib

__all__ = [
    "DOCKING_COLOURS",
    "INDEX_COLOURS",
    "KIND_COLOURS",
    "RESIDENT_SHADES",
    "SERIES",
    "parameter_styles",
    "scenario_colours",
]

#: One colour per kind of subject (the five kinds of model/sim/population.py).
KIND_COLOURS = {
    "party_organisation": "#c0392b",
    "stationed_unit": "#1f78b4",
    "enterprise": "#6a3d9a",
    "social_organisation": "#33a02c",
    "resident": "#9a9a9a",
}
#: Residents taking part this week, recently (``active_window``), not recently.
RESIDENT_SHADES = ("#d95f02", "#fdb863", "#d9d9d9")
#: A single series (the mean per week) and its confidence band.
SERIES = "#1f4e79"
#: Sobol' indices: first order (S1) and total (ST).
INDEX_COLOURS = {"S1": "#1f77b4", "ST": "#ff7f0e"}
#: The docking figures: the public goods curves (in the validation's order), govsim's
#: clusters, and the two threshold cases.
DOCKING_COLOURS = {
    "pgg": ("tab:red", "tab:orange", "tab:blue"),
    "deffuant": "tab:blue",
    "cascade": ("tab:blue", "tab:red"),
}


def scenario_colours(order: list[str]) -> dict[str, str]:
    """One colour per scenario, stable in the order given (tab10, then tab20)."""
    palette = matplotlib.colormaps["tab10" if len(order) <= 10 else "tab20"]
    return {name: matplotlib.colors.to_hex(palette(i % palette.N)) for i, name in enumerate(order)}


def parameter_styles(names: list[str]) -> dict[str, tuple[str, str]]:
    """A (colour, marker) per parameter, the same in every panel."""
    colours = [f"C{i}" for i in range(10)]
    markers = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "*"]
    # The marker moves on by one each time the colours come round, so the first 100
    # parameters all get distinct pairs.
    return {
        name: (colours[i % len(colours)], markers[(i // len(colours) + i) % len(markers)])
        for i, name in enumerate(names)
    }
