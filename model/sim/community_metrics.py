"""District scale: the metrics of every community of a multi-community scenario.

Core objects: ``community_metrics`` (each metric of ``govsim.sim.metrics.METRICS`` per
community, as arrays over communities) and ``COMMUNITY_UNDEFINED`` (the metrics that
are only defined for the whole scenario and are NaN per community).

A scenario with ``population.communities`` > 1 is a district: communities (each with
its core, units and blocks) under ``population.streets`` streets, with escalations
going to the street and then the district (model/sim/linkage.py). Residents tie mostly
within their community (``network.within_community_share``); units may serve several
(``network.unit_other_community_share``). The model collects these arrays every
week (``GovernanceModel.community_frame``), and runs store them in
timeseries.parquet next to the whole-district rows (``community`` = 0..C-1 there,
-1 for the whole district).

Every per-community metric has the definition of the whole-scenario one (docs/ODD.md,
7.12), restricted to the residents, units, ties (by the community of the tie's first
resident, each tie counted from both ends) and issues of the community. Exceptions:
``opinion_clusters`` is not computed per community (NaN: it needs a sort per
community every week); ``points_gini`` per community is the Gini of the weeks each
resident took part, which equals the Gini of points earned while integral scoring is
on (points are earned only by taking part, a fixed number per week).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim import kernels
from govsim.sim.issues import (
    BY_ADMINISTRATION,
    BY_COMMUNITY,
    BY_DELIBERATION,
    ESCALATED,
    KIND_BITS,
    OPEN,
    RESOLVED,
    UNDECIDED,
    IssueBook,
    community_budget,
)
from govsim.sim.metrics import (
    METRICS,
    in_contact,
    recent_components,
    recently,
    ties_across_blocks,
)
from govsim.sim.population import KINDS, RESIDENT

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["COMMUNITY_UNDEFINED", "community_metrics", "grouped_gini"]

#: Metrics that are NaN per community (see the module docstring).
COMMUNITY_UNDEFINED = ("opinion_clusters",)


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    out = np.zeros(numerator.shape, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _segment_sums(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Sums of ``values[bounds[k]:bounds[k + 1]]``; empty segments sum to 0.

    Residents, and so their ties, are stored in community order: a community is one
    segment of each array.
    """
    starts = bounds[:-1]
    sums = np.zeros(starts.size, dtype=np.float64)
    filled = bounds[1:] > starts
    if values.size and filled.any():
        sums[filled] = np.add.reduceat(values, starts[filled], dtype=np.float64)
    return sums


class _Segments:
    """Where each community's residents, and the ties of those residents, are stored."""

    def __init__(self, model: GovernanceModel) -> None:
        community = model.population.residents.community
        c = model.population.n_communities
        self.residents = np.searchsorted(community, np.arange(c + 1))
        self.ties = model.population.resident_ties.indptr[self.residents]
        self.size = np.diff(self.residents).astype(np.float64)

    def residents_sum(self, values: np.ndarray) -> np.ndarray:
        return _segment_sums(values, self.residents)

    def residents_mean(self, values: np.ndarray) -> np.ndarray:
        return _share(self.residents_sum(values), self.size)

    def residents_count(self, mask: np.ndarray) -> np.ndarray:
        """Per community, how many residents ``mask`` holds (the sums of a boolean mask)."""
        return kernels.segment_counts(mask, self.residents)


def grouped_gini(counts: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Gini coefficient of small non-negative integers within each group, without a sort.

    G = 2 sum_i i x_(i) / (n sum_i x_i) - (n + 1) / n over the sorted values x_(i) of a
    group. From the group's histogram (n_v people at value v), the people at v hold the
    ranks first_v .. last_v (cumulative counts), so sum_i i x_(i) = sum_v v
    (first_v + last_v) n_v / 2.
    """
    top = int(counts.max(initial=0)) + 1
    return kernels.grouped_gini(counts, group, groups, top)


def _participation(model: GovernanceModel, seg: _Segments) -> dict[str, np.ndarray]:
    residents = model.population.residents
    taking_part = residents.participating
    all_in = seg.residents_count(taking_part)
    out = {"participation_rate": _share(all_in, seg.size)}
    for name, group, other in (
        ("party_member", "participation_rate_party", "participation_rate_nonparty"),
        ("retired", "participation_rate_retired", "participation_rate_working"),
    ):
        members = getattr(residents, name)
        count = seg.residents_count(members)
        inside = seg.residents_count(taking_part & members)
        out[group] = _share(inside, count)
        out[other] = _share(all_in - inside, seg.size - count)
    out["participation_breadth"] = _share(
        seg.residents_count(recently(residents.history)), seg.size
    )
    out["contact_share"] = _share(seg.residents_count(in_contact(model)), seg.size)
    return out


def _resources(model: GovernanceModel, seg: _Segments) -> dict[str, np.ndarray]:
    population = model.population
    c = population.n_communities
    units, residents = population.units, population.residents
    by_kind = np.zeros((c, len(KINDS)))
    if model.week > 0:
        by_kind[:, 0] = community_budget(model)
        for kind in (1, 2, 3):
            mask = units.kind == kind
            by_kind[:, kind] = np.bincount(
                units.community[mask], weights=units.contribution[mask], minlength=c
            )
        effort = model.settings.population.volunteer_effort
        by_kind[:, 4] = effort * seg.residents_count(residents.participating)
    out = {"resources_mobilised": by_kind.sum(axis=1)}
    out.update({f"resources_mobilised_{kind}": by_kind[:, i] for i, kind in enumerate(KINDS)})
    applied = model.step_state.ledger.applied_by_community
    if applied.shape[0] != c:
        applied = np.zeros((c, len(KINDS)))
    out["resources_used"] = applied.sum(axis=1)
    total = applied.sum(axis=1, keepdims=True)
    p = _share(applied, np.broadcast_to(total, applied.shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
    out["actor_diversity"] = entropy / np.log(len(KINDS))
    out["unit_commitment_mean"] = _share(
        np.bincount(units.community, weights=units.commitment, minlength=c),
        np.bincount(units.community, minlength=c),
    )
    return out


#: What ``_issue_counts`` counts per community, in its rows' order.
_ISSUE_COUNTS = (
    "arrived",
    "resolved",
    "waited",
    "by_deliberation",
    "by_administration",
    "escalated",
    "live",
    "legitimacy",
    "resolved_above",
    "timely",
    "coproduced",
    "involved",
)


def _issue_counts(
    book: IssueBook, span: tuple[int, int], communities: int, patience: int
) -> np.ndarray:
    """Per community, the counts of ``_ISSUE_COUNTS`` over issues span[0]..span[1]-1 (rows)."""
    start, stop = span
    community = book.community[start:stop]
    status = book.status[start:stop]
    decided = book.decided[start:stop]
    resolved = status == RESOLVED
    waited = np.where(resolved, book.closed_at[start:stop] - book.arrived[start:stop], 0)
    contributors = book.contributors[start:stop]
    weights = (
        None,
        resolved,
        waited,
        decided == BY_DELIBERATION,
        decided == BY_ADMINISTRATION,
        book.escalated_at[start:stop] >= 0,
        (status == OPEN) | (status == ESCALATED),
        np.where(decided != UNDECIDED, book.legitimacy[start:stop], 0.0),
        resolved & (book.resolved_by[start:stop] != BY_COMMUNITY),
        resolved & (waited <= patience),
        resolved & (np.bitwise_count(contributors) >= 2),
        resolved & ((contributors & KIND_BITS[RESIDENT]) != 0),
    )
    return np.array(
        [np.bincount(community, weights=w, minlength=communities) for w in weights],
        dtype=np.float64,
    )


def _issues(model: GovernanceModel, cache: dict) -> dict[str, np.ndarray]:
    """Per-community issue metrics, counting only the issues that can still change.

    An issue that is resolved or unanswered never changes again, so the counts of the
    longest run of such issues from the first one (the *settled* issues) are kept in
    ``cache`` and only the rest is counted each week: the cost follows the issues
    still in play, not every issue since the start. All counts are whole numbers, so
    the sums are the same as counting every issue afresh.
    """
    c = model.population.n_communities
    book = model.issues
    size = book.size
    patience = model.settings.issues.patience
    settled = cache.get("issues_settled", book.first_counted)
    kept = cache.get("issues_settled_counts")
    if kept is None or kept.shape[1] != c or not book.first_counted <= settled <= size:
        settled, kept = book.first_counted, np.zeros((len(_ISSUE_COUNTS), c))
    status = book.status[settled:size]
    in_play = np.flatnonzero((status == OPEN) | (status == ESCALATED))
    newly = int(in_play[0]) if in_play.size else status.size
    if newly:
        kept = kept + _issue_counts(book, (settled, settled + newly), c, patience)
        settled += newly
    cache["issues_settled"], cache["issues_settled_counts"] = settled, kept
    counts = dict(
        zip(_ISSUE_COUNTS, kept + _issue_counts(book, (settled, size), c, patience), strict=True)
    )
    done_now = model.step_state.ledger.resolved
    resolved_count, arrived = counts["resolved"], counts["arrived"]
    mean_time = np.full(c, np.nan)
    has = resolved_count > 0
    mean_time[has] = counts["waited"][has] / resolved_count[has]
    by_deliberation = counts["by_deliberation"]
    decided = by_deliberation + counts["by_administration"]
    return {
        "issues_open": counts["live"],
        "issues_resolved": np.bincount(book.community[done_now], minlength=c).astype(float),
        "resolution_rate": _share(resolved_count, arrived),
        "mean_time_to_resolve": mean_time,
        "deliberated_share": _share(by_deliberation, decided),
        "escalated_share": _share(counts["escalated"], arrived),
        "decision_legitimacy": _share(counts["legitimacy"], decided),
        "community_resolution_share": _share(resolved_count - counts["resolved_above"], arrived),
        "timely_resolution_share": _share(counts["timely"], resolved_count),
        "coproduced_share": _share(counts["coproduced"], resolved_count),
        "resident_involvement_share": _share(counts["involved"], resolved_count),
    }


def _residents(model: GovernanceModel, seg: _Segments) -> dict[str, np.ndarray]:
    residents = model.population.residents
    opinion_mean = seg.residents_mean(residents.opinion)
    spread = np.sqrt(np.maximum(seg.residents_mean(residents.opinion**2) - opinion_mean**2, 0))
    c = model.population.n_communities
    if model.settings.enabled("integral_scoring"):
        gini = grouped_gini(residents.participations, residents.community, c)
    else:
        gini = np.zeros(c)
    return {
        "satisfaction_mean": seg.residents_mean(residents.satisfaction),
        "trust_mean": seg.residents_mean(residents.trust),
        "efficacy_mean": seg.residents_mean(residents.efficacy),
        "opinion_spread": spread,
        "points_gini": gini,
    }


def _ties(model: GovernanceModel, seg: _Segments, cache: dict) -> dict[str, np.ndarray]:
    population = model.population
    c = population.n_communities
    ties = population.resident_ties
    count = np.diff(seg.ties).astype(np.float64)  # each tie counted from both ends
    if cache.get("community_ties_version") != model.ties.version:
        across = ties_across_blocks(model)  # per resident: sum over its community
        cache["community_bridging"] = _segment_sums(across.astype(np.float64), seg.residents)
        cache["community_ties_version"] = model.ties.version
    units = population.units
    unit_ties = np.bincount(
        units.community, weights=np.diff(population.unit_ties.indptr), minlength=c
    )
    core_ties = np.diff(population.core_ties.indptr).astype(np.float64)
    committee = np.bincount(units.community, weights=units.in_committee, minlength=c)
    external = unit_ties + core_ties + committee
    internal = count / 2
    return {
        "tie_weight_mean": _share(_segment_sums(ties.data, seg.ties), count),
        "bridging_tie_share": _share(cache["community_bridging"], count),
        "ei_index": _share(external - internal, external + internal),
        "active_component_share": _share(recent_components(model)[1].astype(float), seg.size),
    }


def community_metrics(model: GovernanceModel, cache: dict | None = None) -> dict[str, np.ndarray]:
    """Every metric of ``METRICS`` per community (arrays over communities), in that order.

    ``cache`` (one dict per model, kept between weeks) keeps what only changes when
    who is tied to whom changes, and the counts of settled issues.
    """
    c = model.population.n_communities
    seg = _Segments(model)
    values: dict[str, np.ndarray] = {}
    values.update(_participation(model, seg))
    values.update(_resources(model, seg))
    cache = {} if cache is None else cache
    values.update(_issues(model, cache))
    values.update(_residents(model, seg))
    values.update(_ties(model, seg, cache))
    for name in COMMUNITY_UNDEFINED:
        values[name] = np.full(c, np.nan)
    return {name: values[name] for name in METRICS}
