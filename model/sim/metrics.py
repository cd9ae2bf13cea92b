"""Metrics: pure functions from model state to numbers (schedule step 11).

Core objects: ``METRICS`` (name -> documented range and meaning; the names are part of
the interface: columns of timeseries.parquet), ``compute_metrics`` (all of them for
the current week, read from the arrays, never by looping over agents) and
``scorecard`` (the thesis's five objectives, at the end of a run).

Cumulative metrics (resolution_rate, mean_time_to_resolve, deliberated_share,
escalated_share) count every issue since the start of the run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from govsim.sim import kernels
from govsim.sim.issues import community_budget
from govsim.sim.population import KINDS

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = [
    "MAIN_METRICS",
    "METRICS",
    "OBJECTIVES",
    "MetricInfo",
    "actor_diversity",
    "compute_metrics",
    "gini",
    "in_contact",
    "mobilised_by_kind",
    "opinion_clusters",
    "recent_components",
    "recent_participants",
    "recently",
    "scorecard",
    "ties_across_blocks",
]


@dataclass(frozen=True)
class MetricInfo:
    """The documented range and meaning of one metric."""

    low: float
    high: float
    description: str
    may_be_nan: bool = False


_SHARE = (0.0, 1.0)
METRICS: dict[str, MetricInfo] = {
    "participation_rate": MetricInfo(*_SHARE, "Share of residents taking part this week."),
    "participation_rate_party": MetricInfo(*_SHARE, "The same among party-member households."),
    "participation_rate_nonparty": MetricInfo(*_SHARE, "The same among the other households."),
    "participation_rate_retired": MetricInfo(*_SHARE, "The same among retired households."),
    "participation_rate_working": MetricInfo(*_SHARE, "The same among working-age households."),
    "participation_breadth": MetricInfo(
        *_SHARE, "Share of households that took part at least once in the last 13 weeks."
    ),
    "contact_share": MetricInfo(
        *_SHARE,
        "Share of households asked to take part (mobilised or invited) or attending a "
        "consultation meeting in the last 13 weeks: in contact with the community's "
        "organisations.",
    ),
    "unit_commitment_mean": MetricInfo(*_SHARE, "Mean commitment of co-construction units."),
    "resources_mobilised": MetricInfo(
        0.0,
        math.inf,
        "Resources put forward for community affairs this week: the budget, "
        "units' contributions and residents' volunteer effort.",
    ),
    **{
        f"resources_mobilised_{kind}": MetricInfo(
            0.0, math.inf, f"Resources put forward this week by: {kind}."
        )
        for kind in KINDS
    },
    "resources_used": MetricInfo(
        0.0, math.inf, "Resources actually applied to community issues this week."
    ),
    "issues_open": MetricInfo(0.0, math.inf, "Issues open or escalated at the end of the week."),
    "issues_resolved": MetricInfo(0.0, math.inf, "Issues resolved this week (any level)."),
    "resolution_rate": MetricInfo(*_SHARE, "Issues resolved so far / issues raised so far."),
    "mean_time_to_resolve": MetricInfo(
        0.0,
        math.inf,
        "Mean weeks from arrival to resolution, over issues resolved so far "
        "(NaN until the first is resolved).",
        may_be_nan=True,
    ),
    "deliberated_share": MetricInfo(
        *_SHARE, "Share of the decisions taken so far that were taken by deliberation."
    ),
    "escalated_share": MetricInfo(*_SHARE, "Issues escalated so far / issues raised so far."),
    "decision_legitimacy": MetricInfo(
        *_SHARE,
        "Mean legitimacy of the decisions taken so far (deliberated: the attendees' "
        "agreement, less without the affected; administrative: admin_legitimacy).",
    ),
    "community_resolution_share": MetricInfo(
        *_SHARE, "Issues resolved inside the community so far / issues raised so far."
    ),
    "timely_resolution_share": MetricInfo(
        *_SHARE, "Share of the issues resolved so far that were resolved within `patience` weeks."
    ),
    "coproduced_share": MetricInfo(
        *_SHARE,
        "Share of the issues resolved so far that drew resources from at least two kinds "
        "of subject.",
    ),
    "resident_involvement_share": MetricInfo(
        *_SHARE,
        "Share of the issues resolved so far to which residents' own effort contributed.",
    ),
    "satisfaction_mean": MetricInfo(*_SHARE, "Mean resident satisfaction."),
    "trust_mean": MetricInfo(*_SHARE, "Mean resident trust."),
    "efficacy_mean": MetricInfo(*_SHARE, "Mean resident efficacy."),
    "tie_weight_mean": MetricInfo(*_SHARE, "Mean strength of resident-resident ties."),
    "bridging_tie_share": MetricInfo(
        *_SHARE, "Share of resident-resident ties that join different blocks (Putnam 2000)."
    ),
    "active_component_share": MetricInfo(
        *_SHARE,
        "Largest connected group of recent participants (active_window weeks), as a "
        "share of all residents (Moody & White 2003).",
    ),
    "ei_index": MetricInfo(
        -1.0,
        1.0,
        "Krackhardt E-I index of all ties across the five kinds: "
        "(external - internal) / (external + internal).",
    ),
    "actor_diversity": MetricInfo(
        *_SHARE,
        "Shannon evenness H / ln 5 of the resources applied to issues this week across the "
        "five kinds of subject (who actually contributes).",
    ),
    "points_gini": MetricInfo(*_SHARE, "Gini coefficient of the points residents have earned."),
    "opinion_clusters": MetricInfo(
        0.0,
        math.inf,
        "Opinion groups holding at least 2% of residents; a group ends where "
        "sorted opinions are more than 1e-3 apart.",
    ),
    "opinion_spread": MetricInfo(0.0, 0.5, "Standard deviation of residents' opinions."),
}

#: Weeks of the "recent" window of the breadth and contact metrics: a quarter.
RECENT_WEEKS = 13

#: The thesis's five objectives, and what each is computed from (see ``scorecard``).
OBJECTIVES = {
    "diversified_subjects": "mean of actor_diversity (of applied resources) and "
    "(ei_index + 1) / 2, over the reported weeks",
    "normalised_communication": "mean of contact_share and bridging_tie_share, over the "
    "reported weeks",
    "concrete_autonomy_channels": "mean of the final community_resolution_share, "
    "decision_legitimacy and resident_involvement_share",
    "collaborative_participation": "mean of participation_breadth over the reported weeks "
    "and the final coproduced_share",
    "refined_assessment": "mean of satisfaction_mean over the reported weeks and the final "
    "timely_resolution_share",
}


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 when all are equal or all zero).

    G = 2 sum_k k x_(k) / (n T) - (n + 1) / n over the values sorted ascending
    (x_(1) <= ... <= x_(n)), T their total: half the relative mean absolute difference.
    The terms k x_(k) come from ``kernels.ranked_products`` (a counting sort when the
    values are a few distinct numbers, as points are), else from a sort; the same array,
    so the same number.
    """
    total = values.sum()
    if values.size == 0 or total <= 0:
        return 0.0
    terms = np.empty(0)
    if values.dtype == np.float64:  # whole numbers are summed as whole numbers below
        terms = kernels.ranked_products(np.ascontiguousarray(values), GINI_DISTINCT_VALUES)
    if terms.size == 0:
        terms = np.arange(1, values.size + 1) * np.sort(values)
    weighted = terms.sum()
    n = values.size
    return float((2.0 * weighted) / (n * total) - (n + 1) / n)


#: Distinct values up to which ``gini`` counts rather than sorts (points: a few dozen).
GINI_DISTINCT_VALUES = 256


def opinion_clusters(opinions: np.ndarray, gap: float = 1e-3, min_share: float = 0.02) -> int:
    """Number of opinion groups with at least ``min_share`` of residents.

    Sorted opinions are split wherever two neighbours are more than ``gap`` apart.
    ``kernels.opinion_groups`` counts them from bins of width just under ``gap`` (one
    pass); where that does not apply (see there) they are sorted. The same count.
    """
    if opinions.size == 0:
        return 0
    groups = kernels.opinion_groups(opinions, gap, min_share)
    if groups >= 0:
        return int(groups)
    ordered = np.sort(opinions)
    breaks = np.flatnonzero(np.diff(ordered) > gap)
    sizes = np.diff(np.concatenate([[0], breaks + 1, [ordered.size]]))
    return int((sizes >= min_share * opinions.size).sum())


def actor_diversity(applied_by_kind: np.ndarray) -> float:
    """Shannon evenness H / ln S of contributions over the S = 5 kinds (0 if none)."""
    total = applied_by_kind.sum()
    if total <= 0:
        return 0.0
    p = applied_by_kind[applied_by_kind > 0] / total
    return float(-(p * np.log(p)).sum() / np.log(applied_by_kind.size))


def recent_participants(model: GovernanceModel) -> np.ndarray:
    """Who took part within the last ``active_window`` weeks (a boolean mask)."""
    window = model.settings.dynamics.active_window
    return (model.week - model.population.residents.last_participation) < window


def recent_components(model: GovernanceModel) -> tuple[int, np.ndarray]:
    """The largest connected group of recent participants, overall and per community.

    Components of the graph of ties whose two ends took part within the last
    ``active_window`` weeks (``kernels.largest_recent_components``: a union-find over
    the ties). Computed once a week (kept on ``model.step_state``).

    Returns:
        (largest, by_community): the number of residents in the largest component (0
        when nobody took part recently), and per community the most recent
        participants of that community in one component.
    """
    state = model.step_state
    if state.recent_components is not None:
        return state.recent_components
    residents = model.population.residents
    recent = recent_participants(model)
    communities = model.population.n_communities
    if not recent.any():
        state.recent_components = (0, np.zeros(communities, np.int64))
        return state.recent_components
    first, second = model.ties.upper_ties
    bounds = np.searchsorted(residents.community, np.arange(communities + 1))
    state.recent_components = kernels.largest_recent_components(first, second, recent, bounds)
    return state.recent_components


def _active_component_share(model: GovernanceModel) -> float:
    """Largest connected group of recent participants, as a share of all residents."""
    largest, _ = recent_components(model)
    return float(largest / model.population.n_residents)


def _ei_index(model: GovernanceModel) -> float:
    population = model.population
    internal = population.resident_ties.nnz / 2
    external = (
        population.unit_ties.nnz
        + population.core_ties.nnz
        + int(population.units.in_committee.sum())
    )
    total = internal + external
    return float((external - internal) / total) if total else 0.0


def _share_of(mask: np.ndarray, among: np.ndarray) -> tuple[float, float]:
    """Share of ``among`` in ``mask``, and of the rest (0 for an empty group)."""
    inside = int(np.count_nonzero(among))
    taking_inside = int(np.count_nonzero(mask & among))
    taking = int(np.count_nonzero(mask))
    outside = mask.size - inside
    return (
        taking_inside / inside if inside else 0.0,
        (taking - taking_inside) / outside if outside else 0.0,
    )


#: History bits of the last ``RECENT_WEEKS`` weeks (bit k: k weeks ago).
_RECENT_BITS = np.uint64((1 << RECENT_WEEKS) - 1)


def recently(history: np.ndarray) -> np.ndarray:
    """Who took part at least once in the last ``RECENT_WEEKS`` weeks, from the histories."""
    return (history & _RECENT_BITS) != 0


def in_contact(model: GovernanceModel) -> np.ndarray:
    """Who was asked, or attended a meeting, in the last ``RECENT_WEEKS`` weeks."""
    residents = model.population.residents
    latest = np.maximum(residents.last_asked, residents.last_meeting)
    return model.week - latest < RECENT_WEEKS


def _participation(model: GovernanceModel) -> dict[str, float]:
    residents = model.population.residents
    taking_part = residents.participating
    # Counts, not means of booleans: the same shares, without float copies of the masks.
    party, nonparty = _share_of(taking_part, residents.party_member)
    retired, working = _share_of(taking_part, residents.retired)
    n = taking_part.size
    return {
        "participation_rate": int(np.count_nonzero(taking_part)) / n,
        "participation_rate_party": party,
        "participation_rate_nonparty": nonparty,
        "participation_rate_retired": retired,
        "participation_rate_working": working,
        "participation_breadth": int(np.count_nonzero(recently(residents.history))) / n,
        "contact_share": int(np.count_nonzero(in_contact(model))) / n,
    }


def _issues(model: GovernanceModel) -> dict[str, float]:
    book = model.issues
    decided = book.decided_by_deliberation + book.decided_by_administration
    arrived = book.arrived_total
    resolved = book.resolved_total

    def of_resolved(count: float) -> float:
        return count / resolved if resolved else 0.0

    return {
        "issues_open": float(book.active.size),
        "issues_resolved": float(model.step_state.ledger.resolved.size),
        "resolution_rate": book.resolved_total / arrived if arrived else 0.0,
        "mean_time_to_resolve": (
            book.time_to_resolve_total / book.resolved_total if book.resolved_total else math.nan
        ),
        "deliberated_share": book.decided_by_deliberation / decided if decided else 0.0,
        "escalated_share": book.escalated_total / arrived if arrived else 0.0,
        "decision_legitimacy": book.legitimacy_total / decided if decided else 0.0,
        "community_resolution_share": (
            (resolved - book.resolved_above) / arrived if arrived else 0.0
        ),
        "timely_resolution_share": of_resolved(book.timely_total),
        "coproduced_share": of_resolved(book.coproduced_total),
        "resident_involvement_share": of_resolved(book.resident_involved_total),
    }


def mobilised_by_kind(model: GovernanceModel) -> np.ndarray:
    """Resources put forward this week by each of the five kinds (``KINDS`` order).

    The core puts forward the community budget; units their contribution
    (submodels.contribute, plus the chair's extra); residents ``volunteer_effort`` each
    when taking part. Before the first step nothing has been put forward.
    """
    out = np.zeros(len(KINDS))
    if model.week == 0:
        return out
    population = model.population
    units = population.units
    out[0] = community_budget(model).sum()
    out[1:4] = np.bincount(units.kind, weights=units.contribution, minlength=4)[1:4]
    effort = model.settings.population.volunteer_effort
    out[4] = effort * float(population.residents.participating.sum())
    return out


def _resources(model: GovernanceModel) -> dict[str, float]:
    mobilised = mobilised_by_kind(model)
    out = {"resources_mobilised": float(mobilised.sum())}
    out.update({f"resources_mobilised_{kind}": float(mobilised[i]) for i, kind in enumerate(KINDS)})
    applied = model.step_state.ledger.applied_by_kind
    out["resources_used"] = float(applied.sum())
    out["actor_diversity"] = actor_diversity(applied)
    return out


def _ties(model: GovernanceModel) -> dict[str, float]:
    """Mean tie strength, and the share of ties across blocks."""
    ties = model.population.resident_ties
    if ties.nnz == 0:
        return {"tie_weight_mean": 0.0, "bridging_tie_share": 0.0}
    across = ties_across_blocks(model)
    return {
        "tie_weight_mean": float(ties.data.mean()),
        "bridging_tie_share": float(across.sum() / ties.nnz),
    }


def ties_across_blocks(model: GovernanceModel) -> np.ndarray:
    """Per resident, its ties to residents of other blocks (kept by ``model.ties``)."""
    return model.ties.ties_across_blocks


def _unchanged(cache: dict[str, Any], key: str, values: np.ndarray) -> bool:
    """Whether ``values`` equal those seen last time under ``key`` (and remember them)."""
    seen = cache.get(key)
    if seen is not None and np.array_equal(seen, values):
        return True
    cache[key] = values.copy()
    return False


def _opinions_and_points(model: GovernanceModel, cache: dict[str, Any]) -> dict[str, float]:
    """Sorting-based metrics, recomputed only when their inputs have changed."""
    residents = model.population.residents
    if not _unchanged(cache, "opinions_seen", residents.opinion):
        cache["opinion_clusters"] = float(opinion_clusters(residents.opinion))
        cache["opinion_spread"] = float(residents.opinion.std())
    if not _unchanged(cache, "points_seen", residents.points_earned):
        cache["points_gini"] = gini(residents.points_earned)
    return {key: cache[key] for key in ("opinion_clusters", "opinion_spread", "points_gini")}


def compute_metrics(model: GovernanceModel, cache: dict[str, Any] | None = None) -> dict:
    """Every metric of ``METRICS`` for the current week, in that order.

    ``cache`` (one dict per model, kept between weeks) lets metrics whose inputs have
    not changed since last week be reused instead of recomputed.
    """
    cache = {} if cache is None else cache
    units = model.population.units
    residents = model.population.residents
    values: dict[str, float] = {}
    values.update(_participation(model))
    values["unit_commitment_mean"] = float(units.commitment.mean()) if units.kind.size else 0.0
    values.update(_resources(model))
    values.update(_issues(model))
    values["satisfaction_mean"] = float(residents.satisfaction.mean())
    values["trust_mean"] = float(residents.trust.mean())
    values["efficacy_mean"] = float(residents.efficacy.mean())
    values.update(_ties(model))
    values["active_component_share"] = _active_component_share(model)
    values["ei_index"] = _ei_index(model)
    values.update(_opinions_and_points(model, cache))
    return {name: values[name] for name in METRICS}


def _mean_of_known(values: list[float]) -> float:
    """Mean of the values that are not NaN (NaN, quietly, when none is known yet)."""
    known = np.asarray(values, dtype=float)
    known = known[~np.isnan(known)]
    return float(known.mean()) if known.size else math.nan


def scorecard(model: GovernanceModel) -> dict[str, float]:
    """The five objectives of the thesis, each a score in 0..1, plus their components.

    Illustrative, not calibrated: each objective is the mean of the named metrics
    (``OBJECTIVES``), each a share in 0..1 (the E-I index mapped from -1..1). Means are
    over the reported weeks (after the warm-up, week 0 excluded once a week has run);
    cumulative metrics are taken at the end.
    """
    series = model.datacollector.model_vars
    last = {name: values[-1] for name, values in series.items()}
    reported = {name: _mean_of_known(values[1:] or values) for name, values in series.items()}
    components = {
        "actor_diversity_mean": reported["actor_diversity"],
        "ei_index_mean": reported["ei_index"],
        "contact_share_mean": reported["contact_share"],
        "bridging_tie_share_mean": reported["bridging_tie_share"],
        "community_resolution_share": last["community_resolution_share"],
        "decision_legitimacy": last["decision_legitimacy"],
        "resident_involvement_share": last["resident_involvement_share"],
        "participation_breadth_mean": reported["participation_breadth"],
        "coproduced_share": last["coproduced_share"],
        "satisfaction_mean": reported["satisfaction_mean"],
        "timely_resolution_share": last["timely_resolution_share"],
    }
    c = components
    objectives = {
        "diversified_subjects": (c["actor_diversity_mean"] + (c["ei_index_mean"] + 1) / 2) / 2,
        "normalised_communication": (c["contact_share_mean"] + c["bridging_tie_share_mean"]) / 2,
        "concrete_autonomy_channels": (
            c["community_resolution_share"]
            + c["decision_legitimacy"]
            + c["resident_involvement_share"]
        )
        / 3,
        "collaborative_participation": (c["participation_breadth_mean"] + c["coproduced_share"])
        / 2,
        "refined_assessment": (c["satisfaction_mean"] + c["timely_resolution_share"]) / 2,
    }
    return {**objectives, **components}


#: The main metrics: what run tables, comparisons and time-series figures show first
#: (participation, performance, cohesion).
MAIN_METRICS = (
    "participation_rate",
    "unit_commitment_mean",
    "resolution_rate",
    "satisfaction_mean",
    "trust_mean",
    "bridging_tie_share",
)
