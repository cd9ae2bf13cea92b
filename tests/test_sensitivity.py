"""Sensitivity indices: known answers (Ishigami, a linear function), and a sweep's own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

from govsim import Scenario
from govsim.figures import sensitivity_figure
from govsim.store import load_sensitivity
from govsim.sweep import (
    MORRIS_COLUMNS,
    SOBOL_COLUMNS,
    make_sweep,
    morris_indices,
    run_sweep,
    sobol_indices,
)

ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


def test_sobol_indices_of_the_ishigami_function_are_the_published_ones():
    # Analytic values for a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2008).
    sample = sobol_sample.sample(ISHIGAMI, 2048, calc_second_order=False, seed=1)
    table = sobol_indices(ISHIGAMI, Ishigami.evaluate(sample), seed=1).set_index("parameter")
    assert table["S1"].to_numpy() == pytest.approx([0.3139, 0.4424, 0.0], abs=0.03)
    assert table["ST"].to_numpy() == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.03)
    assert (table["S1_conf"] > 0).all() and (table["ST_conf"] < 0.1).all()


def test_sobol_second_order_finds_the_one_interaction_of_ishigami():
    sample = sobol_sample.sample(ISHIGAMI, 1024, calc_second_order=True, seed=2)
    table = sobol_indices(ISHIGAMI, Ishigami.evaluate(sample), second_order=True, seed=2)
    pairs = table.dropna(subset=["S2"]).set_index("parameter")["S2"]
    assert list(pairs.index) == ["x1 x x2", "x1 x x3", "x2 x x3"]
    assert pairs["x1 x x3"] == pytest.approx(0.2437, abs=0.06)  # x1 and x3 interact only
    assert abs(pairs["x1 x x2"]) < 0.06 and abs(pairs["x2 x x3"]) < 0.06


def test_morris_effects_of_a_linear_function_are_its_slopes():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1], [0, 10], [0, 1]]}
    sample = morris_sample.sample(problem, 20, num_levels=4, seed=3)
    outcome = 3 * sample[:, 0] - 0.5 * sample[:, 1]  # c has no effect
    table = morris_indices(problem, sample, outcome, levels=4, seed=3).set_index("parameter")
    assert list(table.columns) == list(MORRIS_COLUMNS)
    assert table["mu_star"].to_numpy() == pytest.approx([3.0, 5.0, 0.0])  # per unit of range
    assert table["mu"].to_numpy() == pytest.approx([3.0, -5.0, 0.0])
    assert table["sigma"].to_numpy() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


def tiny_base() -> Scenario:
    return Scenario().with_overrides({"population.residents": 200, "steps": 10})


@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory):
    sweep = make_sweep(
        {
            "name": "tiny_sobol",
            "design": "sobol",
            "samples": 4,
            "replications": 1,
            "parameters": {
                "frictions.admin_burden": {"low": 0.1, "high": 0.9},
                "frictions.cohesion.initial_trust": {"low": 0.2, "high": 0.6},
            },
            "metrics": ["participation_rate", "trust_mean"],
        },
        base=tiny_base(),
    )
    out = tmp_path_factory.mktemp("sobol") / "out"
    return run_sweep(sweep, out, progress=False, sensitivity_figure=sensitivity_figure)


def test_a_sobol_sweep_writes_its_indices_per_metric_and_a_figure(sobol_sweep):
    assert sobol_sweep.sweep.points == 16
    table = load_sensitivity(sobol_sweep.folder)
    assert list(table.columns) == ["method", "metric", "parameter", *SOBOL_COLUMNS, "note"]
    assert len(table) == 2 * 2 and (table["method"] == "sobol").all()
    assert table[list(SOBOL_COLUMNS)].notna().all(axis=None)
    # The indices are SALib's of the replicate means in summary.csv, in design order.
    summary = pd.read_csv(sobol_sweep.folder / "summary.csv")
    trust = summary[summary["metric"] == "trust_mean"].sort_values("design_point")["mean"]
    again = sobol_indices(
        sobol_sweep.sweep.problem(), trust.to_numpy(), seed=sobol_sweep.sweep.seed
    )
    ours = table[table["metric"] == "trust_mean"].reset_index(drop=True)
    pd.testing.assert_series_equal(ours["ST"], again["ST"])
    # Initial trust, not the administrative burden, drives trust after ten weeks.
    st = ours.set_index("parameter")["ST"]
    assert st["frictions.cohesion.initial_trust"] > st["frictions.admin_burden"]
    png = sobol_sweep.folder / "figures" / "sensitivity.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_the_figure_has_a_panel_per_metric_with_s1_and_st_bars(sobol_sweep):
    figure = sensitivity_figure(sobol_sweep.sensitivity, title="tiny")
    panels = [ax for ax in figure.axes if ax.get_visible() and ax.axison]
    # Panels and parameters by their display names, never by identifiers.
    assert [ax.get_title() for ax in panels] == ["Participation rate", "Trust"]
    assert all(len(ax.patches) == 2 * 2 for ax in panels)  # S1 and ST of each parameter
    ticks = {tick.get_text() for ax in panels for tick in ax.get_yticklabels()}
    assert ticks == {"Administrative burden", "Initial trust"}


def test_a_morris_sweep_with_failing_points_says_why_a_metric_has_no_indices(tmp_path):
    # Random regular graphs of 201 residents need an even degree: points at degree 5 fail.
    base = tiny_base().with_overrides(
        {"population.residents": 201, "network.generator": "random_regular"}
    )
    sweep = make_sweep(
        {
            "name": "tiny_morris",
            "design": "morris",
            "samples": 3,
            "replications": 1,
            "parameters": {
                "network.mean_degree": [4, 5, 6],
                "frictions.admin_burden": {"low": 0.1, "high": 0.9},
            },
            "metrics": ["participation_rate"],
        },
        base=base,
    )
    result = run_sweep(
        sweep, tmp_path / "out", progress=False, sensitivity_figure=sensitivity_figure
    )
    degrees = sweep.design["network.mean_degree"]
    assert (degrees == 5).any() and (degrees != 5).any()
    table = result.sensitivity
    assert list(table.columns) == ["method", "metric", "parameter", *MORRIS_COLUMNS, "note"]
    failed = int((degrees == 5).sum())
    assert table["note"].str.startswith(f"not computed: {failed} of {sweep.points}").all()
    assert table[list(MORRIS_COLUMNS)].isna().all(axis=None)
    assert (tmp_path / "out" / "figures" / "sensitivity.png").is_file()
