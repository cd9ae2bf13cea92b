"""The factorial decomposition: the design runner, Shapley values, interactions, calibration.

Known answers first (an additive game, a pure interaction, a brute-force average over
orders), then small real runs: a paired 2^2 design, a calibration that meets its band
and one that cannot, and the robustness table's view of the design.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from govsim import load_scenario
from govsim.analysis.robustness import disagreements, robustness_table
from govsim.analysis.shapley import (
    additivity_table,
    cell_values,
    dividend_matrix,
    interaction_table,
    shapley_matrix,
    shapley_table,
    subsets,
)
from govsim.sweep.calibration import RuleSetting, calibrate
from govsim.sweep.factorial import FACTORS, cell_label, cells, run_factorial

from conftest import SCENARIOS

NAMES = ("a", "b", "c")


def synthetic_table(value, factors=NAMES, replicates=4, noise=0.0, seed=0) -> pd.DataFrame:
    """A complete paired design whose outcome is value(set of factors on) + noise."""
    rng = np.random.default_rng(seed)
    sets = [
        frozenset(name for name, flag in zip(factors, cell, strict=True) if flag)
        for cell in cells(factors)
    ]
    return pd.DataFrame(
        {"cell": c, "replicate": r, "participation": value(on) + noise * rng.normal()}
        for c, on in enumerate(sets)
        for r in range(replicates)
    )


def brute_shapley(value, factors):
    """The average marginal contribution over every order of the factors."""
    k = len(factors)
    total = dict.fromkeys(factors, 0.0)
    for order in itertools.permutations(factors):
        present: set[str] = set()
        for name in order:
            before = value(frozenset(present))
            present.add(name)
            total[name] += value(frozenset(present)) - before
    return {name: total[name] / math.factorial(k) for name in factors}


def test_cells_run_from_baseline_to_full_and_are_labelled():
    design = cells(FACTORS)
    assert len(design) == 32 and not any(design[0]) and all(design[-1])
    assert cell_label(design[0]) == "baseline" and cell_label(design[-1]) == "full"
    assert cell_label(design[1]) == "integral_scoring"
    assert [len(s) for s in subsets(3)] == [0, 1, 1, 2, 1, 2, 2, 3]


def test_shapley_of_an_additive_game_is_each_factors_own_effect():
    effect = {"a": 0.3, "b": -0.1, "c": 0.05}
    table = synthetic_table(lambda on: 1.0 + sum(effect[n] for n in on))
    phi = shapley_table(table, ["participation"], NAMES).set_index("innovation")
    np.testing.assert_allclose(phi["shapley"], [0.3, -0.1, 0.05], atol=1e-12)
    np.testing.assert_allclose(phi["single"], phi["shapley"], atol=1e-12)
    interactions = interaction_table(table, ["participation"], NAMES)
    np.testing.assert_allclose(interactions["dividend"], 0.0, atol=1e-12)
    assert not interactions["matters"].any()


def test_a_pure_interaction_is_shared_equally_and_shows_as_its_dividend():
    table = synthetic_table(lambda on: 1.0 if {"a", "b"} <= on else 0.0, noise=0.01)
    phi = shapley_table(table, ["participation"], NAMES).set_index("innovation")
    np.testing.assert_allclose(phi.loc[["a", "b", "c"], "shapley"], [0.5, 0.5, 0.0], atol=0.02)
    assert phi.loc["a", "single"] == pytest.approx(0.0, abs=0.02)  # alone, a does nothing
    top = interaction_table(table, ["participation"], NAMES).iloc[0]
    assert top["term"] == "a x b" and top["dividend"] == pytest.approx(1.0, abs=0.02)
    assert top["matters"] and top["low"] < 1.0 < top["high"]
    additivity = additivity_table(table, ["participation"], NAMES).iloc[0]
    assert additivity["sum_of_singles"] == pytest.approx(0.0, abs=0.03)
    assert additivity["interactions"] == pytest.approx(1.0, abs=0.03)


def test_shapley_matches_the_average_over_orders_and_adds_up_to_the_full_effect():
    rng = np.random.default_rng(3)
    values = dict(zip(subsets(4), rng.normal(size=16), strict=True))
    factors = ("p", "q", "r", "s")
    by_name = {frozenset(factors[i] for i in s): v for s, v in values.items()}
    v = np.array(list(values.values()))
    phi = shapley_matrix(4) @ v
    expected = brute_shapley(lambda on: by_name[on], factors)
    np.testing.assert_allclose(phi, [expected[n] for n in factors], atol=1e-12)
    assert phi.sum() == pytest.approx(v[-1] - v[0])
    # Shapley = each dividend shared equally by its members.
    dividends = dividend_matrix(4) @ v
    shared = [
        sum(d / len(t) for t, d in zip(subsets(4), dividends, strict=True) if i in t)
        for i in range(4)
    ]
    np.testing.assert_allclose(phi, shared, atol=1e-12)


def test_an_incomplete_design_is_a_clear_error():
    table = synthetic_table(lambda on: 0.0).query("not (cell == 3 and replicate == 1)")
    with pytest.raises(ValueError, match="not a complete 2\\^3 design"):
        cell_values(table, "participation", NAMES)
    with pytest.raises(ValueError, match="no outcome 'trust'"):
        cell_values(table, "trust", NAMES)


SMALL_BASE = {"population.residents": 150, "steps": 10, "warmup": 4}


def test_a_small_factorial_is_paired_and_the_same_on_two_workers():
    base = load_scenario(SCENARIOS / "baseline.yaml").with_overrides(SMALL_BASE)
    factors = ("interconnection", "integral_scoring")
    serial = run_factorial(base, 2, factors=factors, progress=False)
    assert len(serial) == 8 and list(serial["cell"].unique()) == [0, 1, 2, 3]
    assert serial.groupby("replicate")["seed"].nunique().eq(1).all(), "paired seeds"
    assert serial.loc[serial["label"] == "full", factors].all(axis=None)
    parallel = run_factorial(base, 2, factors=factors, workers=2, progress=False)
    pd.testing.assert_frame_equal(serial, parallel)
    phi = shapley_table(serial, factors=factors, resamples=200)
    assert set(phi["outcome"]) == {"participation", "resolution", "cohesion", "satisfaction"}
    full = serial[serial["label"] == "full"]["participation"].mean()
    none = serial[serial["label"] == "baseline"]["participation"].mean()
    sums = phi[phi["outcome"] == "participation"]["shapley"].sum()
    assert sums == pytest.approx(full - none, abs=1e-12)


THRESHOLD = RuleSetting(
    "threshold",
    fixed={"decision.threshold_sd": 0.25},
    parameter="decision.threshold_mean",
    bracket=(0.3, 1.0),
)


def test_calibration_brings_a_rules_baseline_into_the_band():
    base = load_scenario(SCENARIOS / "baseline.yaml").with_overrides(SMALL_BASE)
    found = calibrate(base, THRESHOLD, 0.35, [11, 12], tolerance=0.02)
    assert found.within and abs(found.achieved - 0.35) <= 0.02
    assert 0.3 < found.value < 1.0
    assert (found.value, found.achieved) in found.evaluations


def test_a_target_the_parameter_cannot_reach_is_reported_not_hidden():
    base = load_scenario(SCENARIOS / "baseline.yaml").with_overrides(SMALL_BASE)
    narrow = RuleSetting("threshold", parameter="decision.threshold_mean", bracket=(0.9, 1.0))
    found = calibrate(base, narrow, 0.5, [11], tolerance=0.02)
    assert not found.within
    assert found.value in (0.9, 1.0) and len(found.evaluations) == 2


def test_robustness_table_shows_baseline_full_and_singles_and_flags_disagreement():
    effect = {"a": 0.1, "b": 0.0, "c": 0.0}
    agree = synthetic_table(lambda on: sum(effect[n] for n in on), noise=0.01, seed=1)
    opposite = synthetic_table(lambda on: -sum(effect[n] for n in on), noise=0.01, seed=2)
    table = pd.concat([agree.assign(rule="logit"), opposite.assign(rule="threshold")])
    shown = robustness_table(table, ["participation"], NAMES)
    assert list(shown["scenario"].unique()) == ["baseline", "full", "a", "b", "c"]
    a = shown[shown["scenario"] == "a"].set_index("rule")
    assert a.loc["logit", "effect"] == pytest.approx(0.1, abs=0.02)
    assert a.loc["threshold", "effect_high"] < 0
    flagged = disagreements(shown).set_index("scenario")
    assert flagged.loc["a", "kind"] == "opposite"
    assert flagged.loc["a", "logit"] == "+" and flagged.loc["a", "threshold"] == "-"
    assert "b" not in flagged.index, "no effect under either rule is no disagreement"
