"""District scale: streets and the district answer escalations; metrics per community."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsim import GovernanceModel, Scenario, load_scenario
from govsim.runs import ALL_COMMUNITIES, run_replicate
from govsim.sim.community_metrics import community_metrics, grouped_gini
from govsim.sim.issues import BY_DISTRICT, BY_STREET, ESCALATED, RESOLVED, UNANSWERED, UNDECIDED
from govsim.sim.linkage import STREET, street_of
from govsim.sim.metrics import METRICS, gini
from govsim.sim.network import neighbouring_communities

DISTRICT = {
    "population.residents": 4000,
    "population.communities": 4,
    "population.streets": 2,
    "steps": 40,
}


def district(**overrides) -> Scenario:
    return Scenario().with_overrides({**DISTRICT, **overrides})


def test_communities_are_split_evenly_over_streets_in_order():
    assert street_of(np.arange(6), 6, 3).tolist() == [0, 0, 1, 1, 2, 2]
    assert street_of(np.arange(5), 5, 1).tolist() == [0] * 5


def test_a_street_takes_up_no_more_escalations_a_week_than_its_capacity():
    # A starved community escalates a lot; each street may take up one issue a week.
    scenario = district(
        **{
            "frictions.budget": 0.0,
            "issues.rate": 12.0,
            "frictions.linkage.escalation_age": 2,
            "frictions.linkage.street_capacity": 1,
            "frictions.linkage.response_delay": 0,
        }
    )
    model = GovernanceModel(scenario, rng=3, agent_interval=0)
    taken_per_week = []
    for _ in range(25):
        model.step()
        book = model.issues
        taken = np.flatnonzero(book.taken_at[: book.size] == model.week)
        streets = street_of(book.community[taken], 4, 2)
        taken_per_week.append(np.bincount(streets, minlength=2))
    taken_per_week = np.array(taken_per_week)
    assert taken_per_week.max() == 1
    assert taken_per_week.sum() >= 30  # the streets were busy all along
    waiting = model.issues.active[model.issues.status[model.issues.active] == ESCALATED]
    assert (model.issues.taken_at[waiting] < 0).any(), "a backlog waits at the streets"


def test_what_the_street_does_not_answer_goes_to_the_district():
    scenario = district(
        **{
            "frictions.budget": 0.0,
            "issues.rate": 10.0,
            "frictions.linkage.escalation_age": 2,
            "frictions.linkage.answer_probability": 0.3,
            "frictions.linkage.district_answer_probability": 0.6,
            "frictions.linkage.district_delay": 2,
            "frictions.linkage.district_capacity": 3,
        }
    )
    model = GovernanceModel(scenario, rng=4, agent_interval=0).run()
    book = model.issues
    closed_by = book.resolved_by[: book.size][book.status[: book.size] == RESOLVED]
    assert (closed_by == BY_STREET).sum() > 0
    assert (closed_by == BY_DISTRICT).sum() > 0
    assert book.passed_to_district >= (closed_by == BY_DISTRICT).sum()
    # Without a district level the street's refusals are closed unanswered.
    flat = district(
        **{
            "frictions.budget": 0.0,
            "issues.rate": 10.0,
            "frictions.linkage.escalation_age": 2,
            "frictions.linkage.answer_probability": 0.3,
        }
    )
    book = GovernanceModel(flat, rng=4, agent_interval=0).run().issues
    assert book.passed_to_district == 0
    assert not (
        book.resolved_by[: book.size][book.status[: book.size] == RESOLVED] == BY_DISTRICT
    ).any()
    assert book.unanswered_total > 0


def test_escalated_issues_wait_at_their_level():
    model = GovernanceModel(
        district(**{"frictions.budget": 0.0, "issues.rate": 10.0}), rng=5, agent_interval=0
    ).run()
    book = model.issues
    escalated = book.active[book.status[book.active] == ESCALATED]
    assert (book.level[escalated] == STREET).all()


@pytest.fixture(scope="module")
def run_district():
    return GovernanceModel(district(), rng=6, agent_interval=0).run()


def test_community_frame_has_every_metric_for_every_community_and_week(run_district):
    frame = run_district.community_frame()
    assert list(frame.columns) == ["step", "community", *METRICS]
    assert len(frame) == 4 * 41
    assert sorted(frame["community"].unique()) == [0, 1, 2, 3]
    for name, info in METRICS.items():
        values = frame[name].dropna().to_numpy()
        assert (values >= info.low - 1e-9).all() and (values <= info.high + 1e-9).all(), name
    assert frame["opinion_clusters"].isna().all()
    assert frame["participation_rate"].notna().all()


def test_community_metrics_add_up_to_the_whole_district(run_district):
    model = run_district
    whole = model.metrics_frame().iloc[-1]
    parts = model.community_frame().query("step == 40")
    sizes = np.bincount(model.population.residents.community)
    for additive in ("resources_mobilised", "resources_used", "issues_open", "issues_resolved"):
        assert parts[additive].sum() == pytest.approx(whole[additive]), additive
    for mean in ("participation_rate", "satisfaction_mean", "trust_mean", "efficacy_mean"):
        weighted = (parts[mean].to_numpy() * sizes).sum() / sizes.sum()
        assert weighted == pytest.approx(whole[mean]), mean


def test_per_community_values_match_a_plain_recomputation(run_district):
    model = run_district
    values = community_metrics(model)
    residents = model.population.residents
    book = model.issues
    for c in range(4):
        mine = residents.community == c
        assert values["participation_rate"][c] == pytest.approx(
            residents.participating[mine].mean()
        )
        assert values["points_gini"][c] == pytest.approx(gini(residents.points_earned[mine]))
        # Issues raised in the reported weeks (from the end of the warm-up) are counted.
        counted = np.arange(book.size) >= book.first_counted
        issues = (book.community[: book.size] == c) & counted
        resolved = (book.status[: book.size] == RESOLVED) & issues
        assert values["resolution_rate"][c] == pytest.approx(resolved.sum() / issues.sum())
        decided = issues & (book.decided[: book.size] != UNDECIDED)
        legitimacy = book.legitimacy[: book.size][decided]
        assert values["decision_legitimacy"][c] == pytest.approx(legitimacy.mean())
        assert values["participation_rate_retired"][c] == pytest.approx(
            residents.participating[mine & residents.retired].mean()
        )
        recent = (residents.history[mine] & np.uint64(2**13 - 1)) != 0
        assert values["participation_breadth"][c] == pytest.approx(recent.mean())
        ties = model.population.resident_ties
        rows = np.repeat(np.arange(ties.shape[0]), np.diff(ties.indptr))
        own = residents.community[rows] == c
        assert values["tie_weight_mean"][c] == pytest.approx(ties.data[own].mean())


def test_grouped_gini_matches_the_sorted_formula():
    rng = np.random.default_rng(0)
    counts = rng.integers(0, 30, 500)
    group = np.sort(rng.integers(0, 5, 500))
    result = grouped_gini(counts, group, 6)
    for g in range(5):
        assert result[g] == pytest.approx(gini(counts[group == g].astype(float)))
    assert result[5] == 0.0


def test_tidy_output_holds_district_and_community_rows():
    scenario = district(steps=5)
    frame = run_replicate(scenario, 0, 11)
    assert frame["community"].tolist().count(ALL_COMMUNITIES) == 6
    per_community = frame[frame["community"] != ALL_COMMUNITIES]
    assert len(per_community) == 6 * 4
    single = run_replicate(Scenario().with_overrides({"steps": 3}), 0, 11)
    assert (single["community"] == ALL_COMMUNITIES).all()
    pd.testing.assert_index_equal(frame.columns, single.columns)


def test_units_may_serve_several_communities():
    scenario = district(**{"network.unit_other_community_share": 0.5, "steps": 1})
    model = GovernanceModel(scenario, rng=7, agent_interval=0)
    ties = model.population.unit_ties.tocoo()
    unit_community = model.population.units.community[ties.row]
    resident_community = model.population.residents.community[ties.col]
    away = (unit_community != resident_community).mean()
    assert 0.1 < away < 0.4  # about half of the non-local half
    # They serve their neighbours: other communities of their own street.
    streets = model.settings.population.streets
    crossing = unit_community != resident_community
    unit_street = street_of(unit_community[crossing], 4, streets)
    assert (unit_street == street_of(resident_community[crossing], 4, streets)).all()
    default = GovernanceModel(district(steps=1), rng=7, agent_interval=0).population.unit_ties
    coo = default.tocoo()
    units = GovernanceModel(district(steps=1), rng=7, agent_interval=0).population.units
    assert (units.community[coo.row] == model.population.residents.community[coo.col]).all()


def test_a_unit_serves_other_communities_of_its_street_or_any_where_it_is_alone():
    rng = np.random.default_rng(3)
    community = np.repeat(np.arange(5), 400)  # 5 communities, 2 streets: {0, 1, 2}, {3, 4}
    other = neighbouring_communities(community, 5, 2, rng)
    assert (other != community).all()
    assert (street_of(other, 5, 2) == street_of(community, 5, 2)).all()
    # Each other community of the street is about equally likely.
    assert abs(np.mean(other[community == 0] == 1) - 0.5) < 0.08
    lonely = neighbouring_communities(np.repeat(np.arange(3), 300), 3, 3, rng)
    assert set(lonely[:300].tolist()) == {1, 2}  # alone on its street: any other community


def test_district_of_fifty_communities_runs():
    scenario = Scenario().with_overrides(
        {
            "population.residents": 20000,
            "population.communities": 50,
            "population.streets": 10,
            "steps": 3,
        }
    )
    model = GovernanceModel(scenario, rng=8, agent_interval=0).run()
    assert model.community_frame()["community"].nunique() == 50


def test_the_shipped_district_files_differ_only_in_the_innovations_and_escalate_apart():
    folder = Path(__file__).resolve().parents[1] / "scenarios" / "district"
    full = load_scenario(folder / "district_50.yaml")
    led = load_scenario(folder / "district_50_baseline.yaml")
    names = ("joint_committee", "interconnection", "deliberation", "rotation", "integral_scoring")
    assert all(full.enabled(name) and not led.enabled(name) for name in names)
    assert full.population == led.population and full.frictions == led.frictions
    # At a fifth of the size: administration-led communities send far more issues up.
    small = {"population.residents": 10_000, "population.communities": 5, "steps": 52}
    escalated = {}
    for label, scenario in (("full", full), ("led", led)):
        model = GovernanceModel(scenario.with_overrides(small), rng=2, agent_interval=0).run()
        escalated[label] = model.current_metrics["escalated_share"]
    assert escalated["led"] > 1.3 * escalated["full"] > 0


def test_issue_counts_kept_for_settled_issues_equal_counting_every_issue_each_week():
    # Escalations, street and district answers, unanswered issues: every status occurs.
    scenario = district(
        **{
            "frictions.budget": 2.0,
            "frictions.linkage.escalation_age": 2,
            "frictions.linkage.street_capacity": 2,
            "frictions.linkage.district_answer_probability": 0.5,
        }
    )
    model = GovernanceModel(scenario, rng=5, agent_interval=0)
    names = ("issues_open", "resolution_rate", "mean_time_to_resolve", "deliberated_share")
    names += ("escalated_share",)
    cache: dict = {}
    settled = []
    for _ in range(40):
        model.step()
        kept = community_metrics(model, cache)
        fresh = community_metrics(model)
        for name in names:
            np.testing.assert_array_equal(kept[name], fresh[name], err_msg=name)
        settled.append(cache["issues_settled"])
    statuses = set(np.unique(model.issues.status[: model.issues.size]).tolist())
    assert {RESOLVED, ESCALATED, UNANSWERED} <= statuses
    assert 0 < settled[-1] < model.issues.size  # a settled head, and issues still in play
    assert settled == sorted(settled)
