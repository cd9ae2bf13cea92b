"""Scenario comparison (model/analysis/): statistics with known answers, stored runs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from govsim import analysis, load_scenario
from govsim import figures as plots
from govsim.analysis import (
    AnalysisError,
    Run,
    compare,
    format_comparison,
    load_runs,
    replicate_values,
)
from govsim.analysis.comparison import _comparison_row, _note
from govsim.sim.metrics import OBJECTIVES
from govsim.stats import hedges_g, holm, replications_needed
from govsim.store import load_results, run_scenario
from govsim.sweep import make_sweep, run_sweep

from conftest import SCENARIOS, SMALL

# --------------------------------------------------------------------------- synthetic runs


def _run(label: str, values: dict[str, np.ndarray], steps: int = 40, **scenario) -> Run:
    """A run whose metric ``name`` is ``values[name][r]`` in every week of replicate r."""
    replicates = len(next(iter(values.values())))
    rows = []
    for r in range(replicates):
        for step in range(steps + 1):
            row = {"scenario": label, "replicate": r, "seed": r, "step": step, "community": -1}
            row.update({name: float(v[r]) for name, v in values.items()})
            rows.append(row)
    cards = pd.DataFrame(
        {"scenario": label, "replicate": range(replicates), "seed": range(replicates)}
        | {name: np.linspace(0.4, 0.6, replicates) for name in OBJECTIVES}
    )
    manifest = {"status": "completed", "scenario_name": label, "scenario": scenario}
    return Run(label, Path(label), manifest, pd.DataFrame(rows), cards)


def _normal(mean: float, sd: float, n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(mean, sd, n)


# --------------------------------------------------------------------------- statistics


def test_hedges_g_is_the_bias_corrected_standardised_difference():
    x = np.array([3.1, 2.7, 3.6, 3.3, 2.9, 3.4])
    y = np.array([2.2, 2.8, 2.5, 2.0, 2.6])
    pooled = math.sqrt((5 * x.var(ddof=1) + 4 * y.var(ddof=1)) / 9)
    expected = (1 - 3 / (4 * 11 - 9)) * (x.mean() - y.mean()) / pooled
    g, low, high = hedges_g(x, y)
    assert g == pytest.approx(expected)
    se = math.sqrt(11 / 30 + expected**2 / 22)
    assert (low, high) == pytest.approx((expected - 1.959964 * se, expected + 1.959964 * se))
    assert all(math.isnan(v) for v in hedges_g(np.ones(4), np.ones(4)))  # no spread at all


@pytest.mark.parametrize(("effect", "expected"), [(0.2, 394), (0.5, 64), (0.8, 26), (1.0, 17)])
def test_replications_needed_match_the_power_tables(effect, expected):
    # Two-sided two-sample t-test, alpha 0.05, power 0.8 (Cohen 1988; G*Power).
    assert replications_needed(effect) == expected
    assert replications_needed(-effect) == expected


def test_replications_needed_grow_with_a_stricter_level_and_vanish_for_no_effect():
    assert replications_needed(0.5, alpha=0.05 / 20) > replications_needed(0.5)
    assert replications_needed(0.0) is None
    assert replications_needed(math.nan) is None
    assert replications_needed(0.001, max_n=10_000) is None
    assert replications_needed(50.0) == 2


def test_holm_adjusts_step_down_and_keeps_missing_values():
    adjusted = holm([0.01, 0.04, 0.03, 0.005, math.nan])
    np.testing.assert_allclose(adjusted[:4], [0.03, 0.06, 0.06, 0.02])
    assert math.isnan(adjusted[4])


def test_a_normal_looking_pair_gets_welch_and_a_skewed_one_mann_whitney():
    quantiles = stats.norm.ppf((np.arange(12) + 0.5) / 12)  # as normal as 12 values get
    x, y = 1.0 + 0.1 * quantiles, 1.1 + 0.12 * quantiles[::-1]
    row = _comparison_row(x, y, 0.95)
    assert row["test"] == "welch"
    assert row["p_value"] == pytest.approx(stats.ttest_ind(x, y, equal_var=False).pvalue)
    # Welch's interval for the difference, by hand.
    vx, vy = x.var(ddof=1) / 12, y.var(ddof=1) / 12
    df = (vx + vy) ** 2 / (vx**2 / 11 + vy**2 / 11)
    half = stats.t.ppf(0.975, df) * math.sqrt(vx + vy)
    assert row["difference"] == pytest.approx(x.mean() - y.mean())
    assert (row["difference_ci_low"], row["difference_ci_high"]) == pytest.approx(
        (x.mean() - y.mean() - half, x.mean() - y.mean() + half)
    )
    skewed = np.array([0.1, 0.1, 0.12, 0.1, 0.11, 0.1, 0.1, 0.13, 0.1, 0.95])
    row = _comparison_row(skewed, y, 0.95)
    assert row["test"] == "mann-whitney"
    assert row["p_value"] == pytest.approx(
        stats.mannwhitneyu(skewed, y, alternative="two-sided").pvalue
    )


# --------------------------------------------------------------------------- windows


def test_last_k_weeks_smooth_a_periodic_metric_that_the_final_week_misreads():
    weeks = np.arange(41)
    series = pd.DataFrame(
        {
            "scenario": "a",
            "replicate": 0,
            "seed": 0,
            "step": weeks,
            "community": -1,
            "participation_rate": np.where(weeks % 4 == 0, 0.4, 0.2),
        }
    )
    run = _run("a", {"x": np.zeros(1)})
    run = Run("a", run.folder, run.manifest, series, run.scorecards)
    values = replicate_values([run], ["participation_rate"], last=12)
    assert values.loc[0, "final"] == pytest.approx(0.4)  # week 40 is an activity week
    assert values.loc[0, "last"] == pytest.approx((3 * 0.4 + 9 * 0.2) / 12)


# --------------------------------------------------------------------------- comparison


def test_compare_tells_a_clear_difference_apart_and_says_which_way():
    base = _run("base", {"participation_rate": _normal(0.15, 0.01, 10, 1)})
    high = _run("high", {"participation_rate": _normal(0.30, 0.01, 10, 2)})
    table = compare([base, high], metrics=["participation_rate"])
    row = table.set_index("scenario").loc["high"]
    assert row["told_apart"]
    assert row["difference"] == pytest.approx(0.15, abs=0.02)
    assert row["difference_ci_low"] < row["difference"] < row["difference_ci_high"]
    assert row["hedges_g"] > 5
    assert row["note"].startswith("higher than base")
    assert table.attrs["baseline"] == "base"
    assert table.set_index("scenario").loc["base", "note"] == "baseline"


def test_compare_says_when_replications_are_too_few_and_how_many_would_do():
    base = _run("base", {"trust_mean": _normal(0.50, 0.02, 4, 3)})
    close = _run("close", {"trust_mean": _normal(0.51, 0.02, 4, 4)})
    table = compare([base, close], metrics=["trust_mean"])
    row = table.set_index("scenario").loc["close"]
    assert not row["told_apart"]
    assert row["replications_needed"] > 4
    if row["test"] == "welch":  # one comparison: the level is alpha itself
        assert row["replications_needed"] == replications_needed(row["hedges_g"])
    assert f"about {row['replications_needed']} per scenario" in row["note"]
    assert "too few replications" in row["note"]
    assert "too few replications" in format_comparison(table)


def test_a_note_always_says_how_many_replications_to_try():
    # The power calculation says 3 would do, yet the test could not tell the scenarios
    # apart (3 and 5 replicates, several comparisons): the note still gives a number.
    row = pd.Series(
        {"scenario": "b7", "p_adjusted": 0.13, "n": 3, "baseline_n": 5, "told_apart": False,
         "replications_needed": 3, "hedges_g": -9.11, "difference": -0.2}
    )  # fmt: skip
    note = _note(row, "o", alpha=0.05, power=0.8)
    assert "cannot tell apart from o with 3 and 5 replications" in note
    assert "try about 10 per scenario" in note


def test_holm_runs_over_every_metric_and_scenario_of_one_comparison():
    base = _run("base", {"a": _normal(0, 1, 8, 5), "b": _normal(0, 1, 8, 6)})
    one = _run("one", {"a": _normal(0.9, 1, 8, 7), "b": _normal(0.4, 1, 8, 8)})
    two = _run("two", {"a": _normal(1.2, 1, 8, 9), "b": _normal(-0.3, 1, 8, 10)})
    table = compare([base, one, two], metrics=["a", "b"])
    tested = table[table["scenario"] != "base"]
    np.testing.assert_allclose(tested["p_adjusted"], holm(tested["p_value"].to_numpy()))
    bh = compare([base, one, two], metrics=["a", "b"], correction="bh")
    tested_bh = bh[bh["scenario"] != "base"]
    np.testing.assert_allclose(
        tested_bh["p_adjusted"], stats.false_discovery_control(tested_bh["p_value"])
    )
    assert list(table["metric"]) == ["a"] * 3 + ["b"] * 3
    assert list(table["scenario"][:3]) == ["base", "one", "two"]


def test_the_baseline_can_be_any_run_by_label_or_scenario_name():
    runs = [_run(name, {"a": _normal(i, 1, 5, i)}) for i, name in enumerate(["x", "y", "z"])]
    table = compare(runs, baseline="z", metrics=["a"])
    assert list(table["scenario"]) == ["z", "x", "y"]
    with pytest.raises(AnalysisError, match="baseline 'w' is not among the runs compared"):
        compare(runs, baseline="w", metrics=["a"])


def test_bad_metric_and_bad_window_are_refused_with_what_is_allowed():
    runs = [_run("x", {"a": np.ones(3)}, steps=20), _run("y", {"a": np.ones(3)}, steps=20)]
    with pytest.raises(AnalysisError, match=r"unknown metric 'nope'.*Allowed: a, scorecard"):
        compare(runs, metrics=["nope"])
    with pytest.raises(AnalysisError, match="k must be from 1 to 20"):
        compare(runs, metrics=["a"], last=21)


def test_a_window_off_the_activity_cycle_is_warned_about():
    on = {"interconnection": {"enabled": True, "interval": 4}}
    runs = [_run("x", {"a": np.ones(3)}, mechanisms=on), _run("y", {"a": np.ones(3)})]
    assert compare(runs, metrics=["a"], last=10).attrs["warnings"]
    assert not compare(runs, metrics=["a"], last=12).attrs["warnings"]


# --------------------------------------------------------------------------- stored runs


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    settings = {**SMALL, "replications": 3}
    for name in ("baseline", "only_interconnection"):
        scenario = load_scenario(SCENARIOS / f"{name}.yaml", settings)
        run_scenario(scenario, root / name, progress=False)
    return root


def test_load_runs_reads_stored_runs_and_compare_summarises_their_replicates(stored):
    runs = load_runs([stored / "baseline", stored / "only_interconnection"])
    assert [run.label for run in runs] == ["baseline", "only_interconnection"]
    assert runs[1].replications == 3 and runs[1].final_step == 20
    table = compare(runs, metrics=["participation_rate", "scorecard.refined_assessment"])
    series = pd.read_parquet(stored / "only_interconnection" / "timeseries.parquet")
    last = series[series["step"] > 8].groupby("replicate")["participation_rate"].mean()
    row = table.set_index(["metric", "scenario"]).loc[
        ("participation_rate", "only_interconnection")
    ]
    assert row["last_mean"] == pytest.approx(last.mean())
    assert row["last_sd"] == pytest.approx(last.std())
    final = series.loc[series["step"] == 20, "participation_rate"]
    assert row["final_mean"] == pytest.approx(final.mean())
    cards = pd.read_csv(stored / "baseline" / "scorecard.csv")
    base = table.set_index(["metric", "scenario"]).loc[("scorecard.refined_assessment", "baseline")]
    assert base["last_mean"] == pytest.approx(cards["refined_assessment"].mean())


def test_comparison_figures_and_files_are_written_whole(stored, tmp_path):
    runs = load_runs([stored / "baseline", stored / "only_interconnection"])
    table = compare(runs)
    figures = plots.comparison_figures(runs, table)
    assert set(figures) == {"timeseries.png", "distributions.png", "scorecard.png", "effects.png"}
    written = analysis.save_comparison(tmp_path / "out", runs, table, figures)
    assert written[-1].name == "comparison.json"  # the manifest comes last
    for path in written:
        assert path.stat().st_size > 0
    saved = pd.read_csv(tmp_path / "out" / "comparison.csv")
    assert list(saved["metric"].unique()) == list(analysis.DEFAULT_METRICS)
    manifest = json.loads((tmp_path / "out" / "comparison.json").read_text())
    assert manifest["status"] == "completed"
    assert manifest["settings"]["baseline"] == "baseline"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("missing", "no such folder"),
        ("interrupted", "status 'interrupted'"),
        ("no_manifest", "no manifest.json"),
    ],
)
def test_load_runs_refuses_what_is_not_a_completed_run(stored, tmp_path, damage, message):
    folder = tmp_path / "run"
    if damage != "missing":
        folder.mkdir()
        for name in ("timeseries.parquet", "scorecard.csv"):
            (folder / name).write_bytes((stored / "baseline" / name).read_bytes())
    if damage == "interrupted":
        manifest = json.loads((stored / "baseline" / "manifest.json").read_text())
        (folder / "manifest.json").write_text(json.dumps({**manifest, "status": "interrupted"}))
    with pytest.raises(AnalysisError, match=message):
        load_runs([stored / "baseline", folder])


def test_the_same_folder_twice_is_refused(stored):
    with pytest.raises(AnalysisError, match="more than once"):
        load_runs([stored / "baseline", stored / "baseline"])


# --------------------------------------------------------------------------- sweeps


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    document = {
        "name": "grid",
        "design": "grid",
        "replications": 2,
        "set": {"population.residents": 200, "steps": 16},
        "parameters": {"frictions.admin_burden": [0.1, 0.9], "frictions.budget": [5, 40]},
        "metrics": ["participation_rate", "scorecard.collaborative_participation"],
    }
    sweep = make_sweep(document, load_scenario(SCENARIOS / "one_core_multiple.yaml"))
    return run_sweep(sweep, tmp_path_factory.mktemp("sweep") / "grid", progress=False)


def test_summarise_sweep_gives_the_last_k_mean_per_design_point(grid):
    summary = analysis.summarise_sweep(grid.folder, last=8)
    assert set(summary["metric"]) == {"participation_rate", "scorecard.collaborative_participation"}
    series = load_results(grid.folder, metrics=["participation_rate"])
    window = series[(series["step"] > 8) & (series["community"] == -1)]
    per_run = window.groupby(["design_point", "replicate"])["participation_rate"].mean()
    expected = per_run.groupby("design_point").agg(["mean", "std"])
    rows = summary[summary["metric"] == "participation_rate"].set_index("design_point")
    np.testing.assert_allclose(rows["mean"], expected["mean"])
    np.testing.assert_allclose(rows["sd"], expected["std"])
    assert (rows["n"] == 2).all()
    cards = grid.runs.groupby("design_point")["scorecard.collaborative_participation"].mean()
    rows = summary[summary["metric"] == "scorecard.collaborative_participation"]
    np.testing.assert_allclose(rows.set_index("design_point")["mean"], cards)
    with pytest.raises(AnalysisError, match="last must be from 1 to 16"):
        analysis.summarise_sweep(grid.folder, last=17)


def test_main_effect_contrasts_the_extreme_levels_with_a_replicate_interval(grid):
    summary = analysis.summarise_sweep(grid.folder)
    effect = analysis.main_effect(summary, "frictions.admin_burden", "participation_rate")
    rows = summary[summary["metric"] == "participation_rate"]
    high = rows[rows["frictions.admin_burden"] == 0.9]
    low = rows[rows["frictions.admin_burden"] == 0.1]
    assert effect["difference"] == pytest.approx(high["mean"].mean() - low["mean"].mean())
    se = math.sqrt(((pd.concat([high, low])["sd"] ** 2) / 2).sum()) / 2
    half = stats.t.ppf(0.975, 4) * se
    assert (effect["ci_low"], effect["ci_high"]) == pytest.approx(
        (effect["difference"] - half, effect["difference"] + half)
    )
    figure = plots.sweep_heatmap_figure(
        summary, x="frictions.budget", y="frictions.admin_burden", metrics=["participation_rate"]
    )
    labels = [text.get_text() for text in figure.axes[0].texts]
    assert len(labels) == 4 and all("±" in label for label in labels)
