"""Reading results: load_results and the sweep tables, and the same data read by other tools."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.dataset as pads
import pytest

import govsim
from govsim import Scenario, load_results
from govsim.runs import replicate_seeds, run_replicates
from govsim.sim.metrics import METRICS
from govsim.store import (
    SWEEP_MANIFEST,
    OutputError,
    RunStore,
    load_design,
    load_summary,
    load_sweep_runs,
)
from govsim.sweep import make_sweep, run_sweep

from conftest import SMALL

PARAMETERS = ["frictions.admin_burden", "mechanisms.rotation.enabled"]


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """A finished grid of 2 x 2 design points x 2 replicates (8 tiny runs)."""
    base = Scenario().with_overrides({"population.residents": 200, "steps": 8})
    sweep = make_sweep(
        {
            "name": "read_me",
            "design": "grid",
            "replications": 2,
            "parameters": {
                "frictions.admin_burden": [0.2, 0.8],
                "mechanisms.rotation.enabled": [True, False],
            },
            "metrics": ["participation_rate", "trust_mean"],
        },
        base=base,
    )
    return run_sweep(sweep, tmp_path_factory.mktemp("swept") / "out", progress=False)


def test_load_results_is_tidy_with_parameters_as_typed_columns(swept):
    frame = load_results(swept.folder)
    assert govsim.load_results is load_results  # the package-level name
    assert list(frame.columns) == [
        "design_point",
        "replicate",
        "seed",
        *PARAMETERS,
        "step",
        "community",
        *METRICS,
    ]
    assert len(frame) == 4 * 2 * 9  # points x replicates x (steps + 1)
    assert frame["frictions.admin_burden"].dtype == float
    assert frame["mechanisms.rotation.enabled"].dtype == bool
    assert frame["seed"].dtype == "int64" and frame["step"].dtype == "int64"
    keys = frame[["design_point", "replicate", "step"]]
    assert keys.equals(keys.sort_values(["design_point", "replicate", "step"]))
    design = load_design(swept.folder)
    assert design[["design_point", *PARAMETERS]].equals(swept.sweep.design.reset_index())
    merged = frame.merge(design, on="design_point", suffixes=("", "_design"))
    for name in PARAMETERS:
        assert (merged[name] == merged[f"{name}_design"]).all()


def test_load_results_reads_chosen_metrics_and_final_steps(swept):
    final = load_results(swept.folder, metrics=["trust_mean"], final_step=True)
    assert list(final.columns) == [
        "design_point",
        "replicate",
        "seed",
        *PARAMETERS,
        "step",
        "community",
        "trust_mean",
    ]
    assert len(final) == 8 and (final["step"] == 8).all()
    runs = load_sweep_runs(swept.folder)
    assert final["trust_mean"].tolist() == runs["trust_mean"].tolist()
    with pytest.raises(OutputError, match="no metric 'trust'"):
        load_results(swept.folder, metrics=["trust"])


def test_the_timeseries_folder_is_a_parquet_dataset_for_pandas_pyarrow_and_duckdb(swept):
    ours = load_results(swept.folder)
    folder = swept.folder / "timeseries"
    by_pandas = pd.read_parquet(folder)
    by_arrow = pads.dataset(folder, format="parquet").to_table().to_pandas()
    keys = ["design_point", "replicate", "step"]
    for other in (by_pandas, by_arrow):
        ordered = other.sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(ordered, ours, check_exact=True)
    duckdb = pytest.importorskip("duckdb")
    means = duckdb.sql(
        f"""SELECT "frictions.admin_burden" AS burden, avg(participation_rate) AS mean
            FROM '{folder}/*.parquet' WHERE step = 8 GROUP BY 1 ORDER BY 1"""
    ).df()
    expected = ours[ours["step"] == 8].groupby("frictions.admin_burden")["participation_rate"]
    assert means["mean"].tolist() == pytest.approx(expected.mean().tolist())


def test_the_summary_has_one_row_per_design_point_and_metric(swept):
    summary = load_summary(swept.folder)
    assert len(summary) == 4 * 2
    assert summary["metric"].tolist() == ["participation_rate", "trust_mean"] * 4
    assert (summary["n"] == 2).all()
    heat = summary[summary["metric"] == "trust_mean"].pivot(
        index="frictions.admin_burden", columns="mechanisms.rotation.enabled", values="mean"
    )
    assert heat.shape == (2, 2) and heat.notna().all(axis=None)


def test_an_unfinished_sweep_is_read_only_when_asked(swept, tmp_path):
    manifest = json.loads((swept.folder / SWEEP_MANIFEST).read_text())
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "timeseries").symlink_to(swept.folder / "timeseries")
    (copy / SWEEP_MANIFEST).write_text(json.dumps({**manifest, "status": "interrupted"}))
    with pytest.raises(OutputError, match=r"not complete \(status: interrupted\)"):
        load_results(copy)
    assert len(load_results(copy, require_completed=False)) == 72
    with pytest.raises(OutputError, match="not a govsim sweep folder"):
        load_results(tmp_path)


def test_load_results_also_reads_a_run_folder(tmp_path):
    scenario = Scenario().with_overrides({**SMALL, "steps": 5})
    seeds = replicate_seeds(scenario.seed, scenario.replications)
    run_store = RunStore.prepare(tmp_path / "run")  # a run folder, without its figures
    run_store.start(scenario, seeds)
    run_store.write_table("timeseries.parquet", run_replicates(scenario, seeds).timeseries)
    run_store.complete()
    frame = load_results(tmp_path / "run", metrics=["participation_rate"], final_step=True)
    assert list(frame.columns) == [
        "scenario",
        "replicate",
        "seed",
        "step",
        "community",
        "participation_rate",
    ]
    assert len(frame) == 2 and (frame["step"] == 5).all()
