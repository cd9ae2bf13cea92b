"""Comparative governance models and the thesis's countermeasures, as scenario files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from govsim import GovernanceModel, Scenario, load_scenario
from govsim.scenario import MECHANISM_NAMES
from govsim.sim.issues import community_budget

ROOT = Path(__file__).resolve().parents[1] / "scenarios"
COMMON = ROOT / "comparative" / "common_community.yaml"
PRESETS = sorted(p for p in (ROOT / "comparative").glob("*.yaml") if p != COMMON)
COUNTERMEASURES = sorted((ROOT / "countermeasures").glob("*.yaml"))


def test_there_is_a_preset_for_every_model_the_thesis_compares():
    names = {path.stem for path in PRESETS}
    assert names == {"beijing", "shanghai", "qingdao", "singapore", "japan", "united_states"}


#: What a comparative preset must state in its own file, on or off: every innovation
#: (and the comparative household duty), the four frictions and the linkage's levels.
STATED = (
    *(f"mechanisms.{name}.enabled" for name in (*MECHANISM_NAMES, "household_duty")),
    *(f"frictions.{name}" for name in ("admin_burden", "budget", "dues", "capacity_drift")),
    *(
        f"frictions.linkage.{name}"
        for name in (
            "escalation_age",
            "answer_probability",
            "response_delay",
            "district_answer_probability",
            "district_delay",
        )
    ),
)


def left_to_a_parent(path: Path) -> list[str]:
    """The settings of ``STATED`` that the file itself does not write (its parent decides)."""
    own = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = []
    for dotted in STATED:
        node = own
        for key in dotted.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            missing.append(dotted)
    return missing


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_presets_state_every_innovation_and_friction_in_their_own_file(path):
    assert left_to_a_parent(path) == []


def test_a_preset_that_leaves_an_innovation_to_its_parent_is_caught(tmp_path):
    text = (ROOT / "comparative" / "beijing.yaml").read_text(encoding="utf-8")
    text = text.replace("extends: common_community.yaml", f"extends: {COMMON.as_posix()}")
    complete = tmp_path / "complete.yaml"
    complete.write_text(text, encoding="utf-8")
    assert left_to_a_parent(complete) == []
    omitted = tmp_path / "omitted.yaml"
    omitted.write_text(text.replace("  rotation:\n    enabled: true\n", ""), encoding="utf-8")
    assert left_to_a_parent(omitted) == ["mechanisms.rotation.enabled"]
    # ... and the omission matters: the common community leaves it off, not on
    assert load_scenario(complete).mechanisms.rotation.enabled
    assert not load_scenario(omitted).mechanisms.rotation.enabled
    no_dues = tmp_path / "no_dues.yaml"
    no_dues.write_text(text.replace("  dues: 0.0\n", ""), encoding="utf-8")
    assert left_to_a_parent(no_dues) == ["frictions.dues"]


def test_the_common_community_enables_no_innovation():
    common = load_scenario(COMMON)
    for name in (*MECHANISM_NAMES, "household_duty"):
        assert not getattr(common.mechanisms, name).enabled, name


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_preset_headers_say_what_they_encode_where_from_and_what_is_assumed(path):
    header = "".join(
        line for line in path.read_text(encoding="utf-8").splitlines(True) if line.startswith("#")
    )
    assert "What it encodes" in header
    assert "Source" in header or "source" in header
    assert "ssumption" in header or "HYPOTHESIS" in header


@pytest.mark.parametrize("path", PRESETS + COUNTERMEASURES, ids=lambda p: p.stem)
def test_every_file_loads_and_runs(path):
    scenario = load_scenario(path, {"population.residents": 500, "steps": 12})
    frame = GovernanceModel(scenario, rng=1, agent_interval=0).run().metrics_frame()
    assert frame["participation_rate"].iloc[1:].between(0, 1).all()


# --------------------------------------------------------------------------- new mechanisms


def test_only_member_households_take_part_and_membership_can_fall():
    scenario = Scenario().with_overrides(
        {
            "population.membership_share": 0.6,
            "dynamics.membership_leave": 0.02,
            "dynamics.membership_join": 0.0,
            "warmup": 0,
            "steps": 30,
        }
    )
    model = GovernanceModel(scenario, rng=2, agent_interval=0)
    residents = model.population.residents
    start = residents.member.mean()
    assert 0.55 < start < 0.65
    for _ in range(30):
        members = residents.member.copy()  # households leave at the end of a week
        model.step()
        assert not (residents.participating & ~members).any()
        assert residents.participating.any()
    assert residents.member.mean() < start * 0.7


def test_duty_rotation_puts_every_household_on_duty_in_turn():
    scenario = Scenario().with_overrides(
        {
            "mechanisms.household_duty.enabled": True,
            "mechanisms.household_duty.share": 0.1,
            "mechanisms.household_duty.compliance": 1.0,
            "warmup": 0,
            "steps": 10,
        }
    )
    model = GovernanceModel(scenario, rng=3, agent_interval=0)
    duty = model.mechanisms["household_duty"]
    seen = np.zeros(2000, int)
    for week in range(1, 11):
        on = duty.on_duty(week)
        assert abs(on.mean() - 0.1) < 0.01
        seen += on
    assert (seen == 1).all(), "ten weeks of 10% cover everyone exactly once"
    model.step()
    on_duty = duty.on_duty(1) & model.population.residents.member
    assert model.population.residents.participating[on_duty].all()


def test_duty_rotation_raises_participation():
    base = Scenario().with_overrides({"population.residents": 800, "steps": 20})
    duty = base.with_overrides({"mechanisms.household_duty.enabled": True})
    rates = [
        [
            GovernanceModel(s, rng=seed, agent_interval=0)
            .run()
            .metrics_frame()["participation_rate"]
            .iloc[1:]
            .mean()
            for seed in range(4)
        ]
        for s in (base, duty)
    ]
    assert stats.ttest_ind(rates[1], rates[0], alternative="greater").pvalue < 0.01


def test_ageing_boards_lose_capacity_and_dues_fund_the_budget():
    scenario = Scenario().with_overrides(
        {
            "frictions.capacity_drift": 0.01,
            "frictions.dues": 0.05,
            "frictions.budget": 5.0,
            "population.membership_share": 0.5,
            "warmup": 0,
            "steps": 10,
        }
    )
    model = GovernanceModel(scenario, rng=4, agent_interval=0).run()
    assert model.population.cores.capacity[0] == pytest.approx(40 * 0.99**10)
    members = model.population.residents.member.sum()
    assert community_budget(model)[0] == pytest.approx(5.0 + 0.05 * members)


# --------------------------------------------------------------------------- direction


@cache
def outcomes(path: str, replicates: int = 4) -> dict[str, np.ndarray]:
    scenario = load_scenario(path, {"steps": 52})
    frames = [
        GovernanceModel(scenario, rng=500 + seed, agent_interval=0).run().metrics_frame()
        for seed in range(replicates)
    ]
    return {name: np.array([f[name].iloc[-12:].mean() for f in frames]) for name in frames[0]}


def higher(a: np.ndarray, b: np.ndarray) -> float:
    """One-sided paired t-test (the runs share their seeds) that ``a`` is above ``b``."""
    return stats.ttest_rel(a, b, alternative="greater").pvalue


def test_japanese_sign_up_falls_as_reported():
    # The reported decade, FY2010 to FY2020: 78% -> 71.7% of households signed up.
    # 10,000 households: the sampling noise of ten years of joining and leaving is then
    # about half a point.
    overrides = {
        "warmup": 0,
        "steps": 520,
        "population.membership_share": 0.78,
        "population.residents": 10_000,
    }
    scenario = load_scenario(ROOT / "comparative" / "japan.yaml", overrides)
    model = GovernanceModel(scenario, rng=5, agent_interval=0).run()
    assert model.population.residents.member.mean() == pytest.approx(0.717, abs=0.01)


def test_beijing_resolves_escalated_issues_faster_than_xingning():
    beijing = outcomes(str(ROOT / "comparative" / "beijing.yaml"))
    xingning = outcomes(str(ROOT / "one_core_multiple.yaml"))
    assert higher(xingning["mean_time_to_resolve"], beijing["mean_time_to_resolve"]) < 0.01


def test_countermeasures_move_their_targets():
    base = outcomes(str(ROOT / "one_core_multiple.yaml"), 12)
    less_admin = outcomes(str(ROOT / "countermeasures" / "less_admin_burden.yaml"), 12)
    assert higher(less_admin["participation_rate"], base["participation_rate"]) < 0.01
    cohesion = outcomes(str(ROOT / "countermeasures" / "more_cohesion.yaml"), 12)
    assert higher(cohesion["trust_mean"], base["trust_mean"]) < 0.01
    resources = outcomes(str(ROOT / "countermeasures" / "more_resources.yaml"), 12)
    assert higher(resources["resources_mobilised"], base["resources_mobilised"]) < 0.01
    combined = outcomes(str(ROOT / "countermeasures" / "combined.yaml"), 12)
    assert higher(combined["participation_rate"], base["participation_rate"]) < 0.01
