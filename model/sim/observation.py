"""Observation: the quantities surveys measure, computed from the model state.

Core objects: ``OBSERVABLES`` (name -> meaning; the names are the interface of
calibration targets and of ``observables.csv``) and ``compute_observables`` (all of
them at the current week, read from the arrays).

The observation model (ODD section "Observation"): a survey asks households, so every
observable is a share of households (or, for ``resolution_rate`` and
``satisfaction_mean``, the same quantity as the metric). "Took part in the last W
weeks" reads the participation history bits (bit k: k weeks ago), so it is exact for
W <= 64 and needs no extra state. Age groups are the model's two: retired and
working-age households (Shanghai Urban Neighborhood Survey reports finer groups; a
target for them must be mapped onto these two). "Weekly contact with neighbours" is
the share of households with at least one tie partner who took part this week, a
proxy: the model has no chatting that does not go through participation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim.metrics import in_contact

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["OBSERVABLES", "compute_observables", "took_part_within"]

OBSERVABLES: dict[str, str] = {
    "took_part_13w": "Share of households that took part at least once in the last 13 weeks.",
    "took_part_52w": "Share of households that took part at least once in the last 52 weeks.",
    "took_part_52w_party": "The same (52 weeks) among party-member households.",
    "took_part_52w_nonparty": "The same (52 weeks) among the other households.",
    "took_part_52w_retired": "The same (52 weeks) among retired households (older group).",
    "took_part_52w_working": "The same (52 weeks) among working-age households.",
    "committee_contact_share": (
        "Share of households asked to take part or attending a meeting in the last 13 "
        "weeks: in contact with the residents' committee."
    ),
    "neighbour_contact_weekly": (
        "Share of households with at least one tie partner taking part this week."
    ),
    "resolution_rate": "Issues resolved so far / issues raised so far.",
    "satisfaction_mean": "Mean resident satisfaction.",
}


def took_part_within(history: np.ndarray, weeks: int) -> np.ndarray:
    """Who took part at least once in the last ``weeks`` weeks (1 <= weeks <= 64)."""
    if not 1 <= weeks <= 64:
        raise ValueError(f"weeks must be in 1..64, got {weeks}")
    bits = np.uint64((1 << weeks) - 1) if weeks < 64 else np.uint64(2**64 - 1)
    return (history & bits) != 0


def _share(mask: np.ndarray, among: np.ndarray | None = None) -> float:
    if among is None:
        return float(np.count_nonzero(mask) / mask.size) if mask.size else 0.0
    n = int(np.count_nonzero(among))
    return float(np.count_nonzero(mask & among) / n) if n else 0.0


def compute_observables(model: GovernanceModel) -> dict[str, float]:
    """Every observable in ``OBSERVABLES`` at the model's current week."""
    residents = model.population.residents
    year = took_part_within(residents.history, 52)
    party = residents.party_member.astype(bool)
    retired = residents.retired.astype(bool)
    partners = model.population.resident_ties @ residents.participating.astype(np.int64)
    book = model.issues
    arrived = book.arrived_total
    return {
        "took_part_13w": _share(took_part_within(residents.history, 13)),
        "took_part_52w": _share(year),
        "took_part_52w_party": _share(year, party),
        "took_part_52w_nonparty": _share(year, ~party),
        "took_part_52w_retired": _share(year, retired),
        "took_part_52w_working": _share(year, ~retired),
        "committee_contact_share": _share(in_contact(model)),
        "neighbour_contact_weekly": _share(np.asarray(partners).ravel() > 0),
        "resolution_rate": book.resolved_total / arrived if arrived else 0.0,
        "satisfaction_mean": float(residents.satisfaction.mean()),
    }
