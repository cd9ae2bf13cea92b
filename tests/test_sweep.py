"""Sweeps: sweep files, designs and seeds, runs recorded once, failures, resuming, Dask."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time

import numpy as np
import pandas as pd
import pytest
import yaml

from govsim import GovernanceModel, Scenario, load_results
from govsim.runs import DaskExecutor, SchedulerError
from govsim.sim.metrics import METRICS
from govsim.store import OutputError, SweepStore, read_shard_runs, shard_paths
from govsim.sweep import SweepError, load_sweep, make_sweep, run_seed, run_sweep

from conftest import SCENARIOS, cli_environment, govsim_command

BASE = SCENARIOS / "one_core_multiple.yaml"

#: A small sweep with one design point in three that fails inside the model: a random
#: regular graph needs residents x degree even, and 201 x 5 is odd. The scenario
#: schema accepts every value; the network generator raises when the run builds it.
TINY = {
    "name": "tiny",
    "scenario": str(BASE),
    "design": "grid",
    "replications": 3,
    "set": {"population.residents": 201, "steps": 10, "network.generator": "random_regular"},
    "parameters": {
        "network.mean_degree": [4, 5, 6, 8],
        "frictions.admin_burden": [0.2, 0.5, 0.8],
    },
    "metrics": ["participation_rate", "resolution_rate", "scorecard.collaborative_participation"],
}
FAILING_DEGREE = 5
#: Columns that say where and how a run ran, not what it found.
WHERE = ["seconds", "cpu_seconds", "worker", "shard"]


def write_sweep(folder, document, name="sweep.yaml"):
    path = folder / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory):
    return write_sweep(tmp_path_factory.mktemp("tiny"), TINY)


@pytest.fixture(scope="module")
def reference(tiny_file, tmp_path_factory):
    """The tiny sweep run serially in this process, start to end."""
    folder = tmp_path_factory.mktemp("reference") / "out"
    return run_sweep(load_sweep(tiny_file), folder, progress=False)


def same_results(folder, reference):
    pd.testing.assert_frame_equal(
        load_results(folder), load_results(reference.folder), check_exact=True
    )
    runs = pd.read_csv(folder / "runs.csv").drop(columns=WHERE)
    pd.testing.assert_frame_equal(
        runs, pd.read_csv(reference.folder / "runs.csv").drop(columns=WHERE)
    )


# --------------------------------------------------------------------------- sweep files


def bad(tmp_path, change, remove=()):
    document = {**TINY, **change}
    for key in remove:
        document.pop(key)
    with pytest.raises(SweepError) as caught:
        load_sweep(write_sweep(tmp_path, document))
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"desing": "grid"}, ["key 'desing'", "unknown key (did you mean 'design'?)", "allowed"]),
        ({"population": {"residents": 10}}, ["key 'population'", "unknown key", "under 'set'"]),
        ({"design": "factorial"}, ["key 'design'", "factorial", "'grid', 'lhs', 'sobol'"]),
        ({"samples": 8}, ["key 'samples'", "a grid design has no samples"]),
        ({"design": "lhs"}, ["key 'samples' is missing", "lhs"]),
        ({"design": "sobol", "samples": 6}, ["'samples' (line", "= 6", "power of 2", "4 or 8"]),
        ({"design": "morris", "samples": 4, "morris_levels": 5}, ["morris_levels", "even"]),
        ({"morris_levels": 6}, ["morris_levels", "only for design morris"]),
        ({"second_order": True}, ["second_order", "only for design sobol"]),
        ({"scenario": "nowhere.yaml"}, ["key 'scenario'", "does not exist", "relative to"]),
        ({"set": {"population.residents": 1}}, ["key 'set'", "population.residents", "1"]),
        ({"set": {"seed": 3}}, ["'seed' cannot be set by a sweep"]),
        ({"metrics": ["participation"]}, ["'participation' is not a metric", "participation_rate"]),
        (
            {"parameters": {"frictions.admin_burdn": [0.1]}},
            ["parameters.frictions.admin_burdn", "did you mean 'admin_burden'"],
        ),
        (
            {"parameters": {"frictions.admin_burden": {"low": 0.1, "high": 1.5, "levels": 3}}},
            ["parameters.frictions.admin_burden", "high = 1.5 is not allowed", "less than or"],
        ),
        (
            {"parameters": {"frictions.admin_burden": {"low": 0.1, "high": 0.9}}},
            ["needs levels", "levels: 5"],
        ),
        (
            {"parameters": {"mechanisms.rotation.enabled": {"low": 0, "high": 1, "levels": 2}}},
            ["a range needs a number field", "true/false", "list of values"],
        ),
        (
            {"parameters": {"frictions.linkage": [1, 2]}},
            ["'frictions.linkage' is a section", "escalation_age"],
        ),
        (
            {"parameters": {"population.block_size": {"low": 2, "high": 4, "levels": 5}}},
            ["5 levels between 2 and 4 repeat whole numbers", "at most 3"],
        ),
        (
            {"parameters": {"frictions.budget": "lots"}},
            ["parameters.frictions.budget", "a list of values", "a range {low"],
        ),
        (
            {"parameters": {"frictions.budget": [5, 10]}, "set": {"frictions.budget": 5}},
            ["both fixed under 'set' and varied"],
        ),
    ],
)
def test_a_bad_sweep_file_is_one_paragraph_naming_the_key_the_value_and_what_is_allowed(
    tmp_path, change, expected
):
    message = bad(tmp_path, change)
    assert str(tmp_path / "sweep.yaml") in message
    for part in expected:
        assert part in message


def test_the_line_of_a_bad_key_is_named(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(
        f"name: x\nscenario: {BASE}\ndesign: grid\nparameters:\n"
        "  frictions.budget: [5, -1]\nmetrics: [participation_rate]\n"
    )
    with pytest.raises(SweepError, match=r"key 'parameters.frictions.budget' \(line 5\)"):
        load_sweep(path)


def test_every_design_point_is_validated_as_a_scenario_before_anything_runs(tmp_path):
    # Each value alone is valid; 4 residents in 3 communities is not (2 per community).
    change = {
        "set": {"steps": 10},
        "parameters": {"population.residents": [4, 300], "population.communities": [1, 3]},
    }
    message = bad(tmp_path, change)
    assert "design point 1 (population.residents=4, population.communities=3)" in message
    assert "at least 2 per community" in message
    assert not (tmp_path / "results").exists()


def test_govsim_sweep_answers_bad_input_with_exit_2_and_writes_nothing(tmp_path):
    path = write_sweep(tmp_path, {**TINY, "design": "lhs"})
    done = subprocess.run(
        govsim_command("sweep", path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=cli_environment(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("govsim sweep: error: ")
    assert "samples' is missing" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.yaml"]


# --------------------------------------------------------------------------- designs, seeds


def test_a_grid_is_every_combination_with_set_values_and_sweep_seed_applied(tiny_file):
    sweep = load_sweep(tiny_file)
    assert sweep.points == 12 and sweep.runs == 36
    assert sweep.design.index.name == "design_point"
    assert (
        sweep.design["network.mean_degree"].tolist()
        == [4.0] * 3 + [5.0] * 3 + [6.0] * 3 + [8.0] * 3
    )
    assert sweep.design["frictions.admin_burden"].tolist() == [0.2, 0.5, 0.8] * 4
    assert sweep.base.population.residents == 201 and sweep.base.steps == 10
    assert sweep.replications == 3 and sweep.seed == load_sweep(tiny_file).base.seed
    point = sweep.scenario(4)
    assert point.network.mean_degree == 5 and point.frictions.admin_burden == 0.5


def test_range_levels_of_a_grid_are_evenly_spaced_and_whole_numbers_rounded(tmp_path):
    sweep = make_sweep(
        {
            "name": "levels",
            "design": "grid",
            "parameters": {
                "frictions.admin_burden": {"low": 0.1, "high": 0.9, "levels": 5},
                "mechanisms.deliberation.interval": {"low": 2, "high": 7, "levels": 3},
            },
            "metrics": ["participation_rate"],
        },
        base=load_sweep_base(),
    )
    assert sorted(set(sweep.design["frictions.admin_burden"])) == [0.1, 0.3, 0.5, 0.7, 0.9]
    intervals = sorted(set(sweep.design["mechanisms.deliberation.interval"]))
    assert intervals == [2, 4, 7]  # 2, 4.5, 7 rounded to the nearest whole number
    assert sweep.design["mechanisms.deliberation.interval"].dtype == np.int64


def load_sweep_base():
    return Scenario().with_overrides({"population.residents": 200, "steps": 5})


def test_sampled_whole_numbers_and_lists_are_equally_likely_and_typed():
    sweep = make_sweep(
        {
            "name": "lhs",
            "design": "lhs",
            "samples": 30,
            "parameters": {
                "mechanisms.deliberation.interval": {"low": 1, "high": 5},
                "mechanisms.rotation.enabled": [True, False],
                "decision.rule": ["logit", "threshold", "imitation"],
                "frictions.budget": {"low": 5, "high": 40},
            },
            "metrics": ["participation_rate"],
        },
        base=load_sweep_base(),
    )
    design = sweep.design
    # Latin hypercube strata: 30 points over [1, 6) give each whole number 1..5 six times.
    assert design["mechanisms.deliberation.interval"].value_counts().to_dict() == {
        k: 6 for k in range(1, 6)
    }
    assert design["mechanisms.rotation.enabled"].value_counts().to_dict() == {True: 15, False: 15}
    assert design["decision.rule"].value_counts().to_dict() == {
        "logit": 10,
        "threshold": 10,
        "imitation": 10,
    }
    assert design["frictions.budget"].between(5, 40).all()
    assert design["mechanisms.rotation.enabled"].dtype == bool
    raw = sweep.design_table()["sample:mechanisms.deliberation.interval"]
    assert (np.floor(raw).astype(int) == design["mechanisms.deliberation.interval"]).all()


def test_run_seeds_are_grandchildren_of_the_root_seed_sequence():
    root = 20190601
    expected = np.random.SeedSequence(root).spawn(7)[5].spawn(4)[2].generate_state(1, np.uint64)
    assert run_seed(root, 5, 2) == int(expected[0]) >> 1
    seeds = {run_seed(root, p, r) for p in range(30) for r in range(10)}
    assert len(seeds) == 300 and all(0 <= s < 2**63 for s in seeds)


@pytest.mark.parametrize("design", ["sobol", "morris"])
def test_more_samples_keep_the_earlier_points_and_seeds_of_sobol_and_morris(design):
    def sweep(samples, replications):
        return make_sweep(
            {
                "name": design,
                "design": design,
                "samples": samples,
                "replications": replications,
                "parameters": {
                    "frictions.admin_burden": {"low": 0.1, "high": 0.9},
                    "frictions.budget": {"low": 5, "high": 40},
                },
                "metrics": ["participation_rate"],
            },
            base=load_sweep_base(),
        )

    small, large = sweep(4, 2), sweep(8, 5)
    assert large.points == 2 * small.points
    pd.testing.assert_frame_equal(small.design, large.design.iloc[: small.points])
    assert all(
        small.seed_of(p, r) == large.seed_of(p, r)
        for p in range(small.points)
        for r in range(small.replications)
    )


# --------------------------------------------------------------------------- running


def test_every_run_is_recorded_once_and_reproduces_alone(reference):
    runs = reference.runs
    assert len(runs) == 36 and not runs.duplicated(["design_point", "replicate"]).any()
    sweep = reference.sweep
    assert runs["seed"].tolist() == [
        sweep.seed_of(p, r) for p, r in zip(runs["design_point"], runs["replicate"], strict=True)
    ]
    frame = load_results(reference.folder)
    assert list(frame.columns[:6]) == [
        "design_point",
        "replicate",
        "seed",
        "network.mean_degree",
        "frictions.admin_burden",
        "step",
    ]
    assert set(METRICS) <= set(frame.columns)
    # One run, again, alone: the same numbers as in the sweep's shards.
    row = runs[runs["status"] == "completed"].iloc[-1]
    point, seed = int(row["design_point"]), int(row["seed"])
    alone = GovernanceModel(sweep.scenario(point), rng=seed, agent_interval=0).run()
    stored = frame[(frame["design_point"] == point) & (frame["replicate"] == row["replicate"])]
    np.testing.assert_array_equal(
        stored[list(METRICS)].to_numpy(), alone.metrics_frame()[list(METRICS)].to_numpy()
    )
    assert row["participation_rate"] == stored["participation_rate"].iloc[-1]


def test_a_run_that_raises_is_recorded_with_its_error_and_the_sweep_carries_on(reference):
    runs = reference.runs
    failing = runs["network.mean_degree"] == FAILING_DEGREE
    assert (runs.loc[failing, "status"] == "failed").all()
    assert (runs.loc[~failing, "status"] == "completed").all()
    assert reference.failed == 9 and reference.completed == 27
    error = runs.loc[failing, "error"].iloc[0]
    assert error.startswith("ScenarioError: network.generator 'random_regular'")
    assert "(at network.py:" in error
    assert any("9 of 36 runs failed" in note for note in reference.notes)
    frame = load_results(reference.folder)
    assert not (frame["network.mean_degree"] == FAILING_DEGREE).any()
    summary = reference.summary
    failed_points = summary[summary["network.mean_degree"] == FAILING_DEGREE]
    assert (failed_points["n"] == 0).all() and failed_points["mean"].isna().all()
    manifest = json.loads((reference.folder / "sweep.json").read_text())
    assert manifest["status"] == "completed"
    assert manifest["counts"] == {"completed": 27, "failed": 9, "pending": 0, "planned": 36}


def test_a_sweep_whose_every_run_fails_still_ends_with_its_tables(tmp_path):
    document = {**TINY, "parameters": {"network.mean_degree": [FAILING_DEGREE]}}
    result = run_sweep(load_sweep(write_sweep(tmp_path, document)), tmp_path / "out")
    assert result.counts == {"completed": 0, "failed": 3, "pending": 0}
    assert (result.summary["n"] == 0).all() and len(result.summary) == 3
    assert load_results(tmp_path / "out").empty


def test_the_summary_is_the_mean_and_t_interval_over_replicates_at_the_final_step(reference):
    summary = pd.read_csv(reference.folder / "summary.csv")
    assert list(summary.columns) == [
        "design_point",
        "network.mean_degree",
        "frictions.admin_burden",
        "metric",
        "step",
        "n",
        "mean",
        "sd",
        "ci95_low",
        "ci95_high",
    ]
    assert len(summary) == 12 * 3
    final = load_results(reference.folder, final_step=True)
    values = final.loc[final["design_point"] == 9, "participation_rate"]
    row = summary[(summary["design_point"] == 9) & (summary["metric"] == "participation_rate")]
    assert row["n"].item() == 3 and row["step"].item() == 10
    assert row["mean"].item() == pytest.approx(values.mean())
    half = 4.302652729911275 * values.std() / np.sqrt(3)  # t(0.975, 2)
    assert row["ci95_high"].item() == pytest.approx(values.mean() + half)
    scorecard = summary[summary["metric"] == "scorecard.collaborative_participation"]
    assert scorecard["mean"].between(0, 1).sum() == 9


def test_tasks_batch_runs_and_each_writes_one_shard_holding_its_records(reference):
    shards = shard_paths(reference.folder)
    records = [record for path in shards for record in read_shard_runs(path)]
    assert len(records) == 36 and len(shards) < 36
    assert {len(read_shard_runs(path)) for path in shards} == {3}
    assert not list(reference.folder.rglob(".*.tmp"))


# --------------------------------------------------------------------------- kill and resume


def test_a_sweep_killed_half_way_and_started_again_ends_with_every_run_exactly_once(
    tiny_file, reference, tmp_path
):
    folder = tmp_path / "killed"
    command = govsim_command("sweep", tiny_file, "--out", folder, "--workers", 2, "--quiet")
    process = subprocess.Popen(command, env=cli_environment(), stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(shard_paths(folder)) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)  # the parent only: its workers may finish a task
    process.wait(timeout=30)
    time.sleep(1.0)
    before = len(shard_paths(folder))
    assert 3 <= before < 12, "the kill came too late to test a resume"
    assert json.loads((folder / "sweep.json").read_text())["status"] == "running"

    # Resumed on one process: the runs of both starts must match the serial sweep.
    again = subprocess.run(
        [*command[:-3], "--quiet"],
        env=cli_environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "finished earlier" in again.stdout
    runs = pd.read_csv(folder / "runs.csv")
    assert not runs.duplicated(["design_point", "replicate"]).any() and len(runs) == 36
    frame = load_results(folder)
    assert not frame.duplicated(["design_point", "replicate", "step"]).any()
    same_results(folder, reference)  # parallel, killed, resumed: the serial numbers


def test_a_folder_of_another_sweep_is_refused_and_this_one_grows_with_replications(
    tiny_file, reference, tmp_path
):
    folder = tmp_path / "grow"
    small = load_sweep(write_sweep(tmp_path, {**TINY, "replications": 1}, "small.yaml"))
    run_sweep(small, folder, progress=False)
    first = {path.name: path.stat().st_mtime_ns for path in shard_paths(folder)}

    other = load_sweep(write_sweep(tmp_path, {**TINY, "replications": 1, "seed": 7}, "o.yaml"))
    with pytest.raises(OutputError, match=r"different sweep file \(seed: \d+ in the folder, 7 now"):
        run_sweep(other, folder, progress=False)
    changed = {**TINY, "set": {**TINY["set"], "steps": 12}}
    with pytest.raises(OutputError, match=r"base.steps: 10 in the folder, 12 now"):
        run_sweep(load_sweep(write_sweep(tmp_path, changed, "c.yaml")), folder, progress=False)

    grown = run_sweep(load_sweep(tiny_file), folder, progress=False)
    assert (grown.ran, grown.skipped) == (24, 12)
    assert {p.name: p.stat().st_mtime_ns for p in shard_paths(folder) if p.name in first} == first
    same_results(folder, reference)  # grown in two steps: the numbers of one sweep
    with pytest.raises(OutputError, match="can grow, not shrink"):
        run_sweep(small, folder, progress=False)


def test_a_sweep_folder_is_refused_when_it_holds_other_things_or_is_in_use(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="already holds files"):
        SweepStore.open(tmp_path)
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text("{}")
    with pytest.raises(OutputError, match="holds a govsim run"):
        SweepStore.open(run)
    with SweepStore.open(tmp_path / "busy"), pytest.raises(OutputError, match="another govsim"):
        SweepStore.open(tmp_path / "busy")
    SweepStore.open(tmp_path / "busy").close()  # free again once the first one closed


# --------------------------------------------------------------------------- Dask


def test_govsim_sweep_on_a_dask_cluster_gives_the_same_numbers(tiny_file, reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    folder = tmp_path / "dask"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        done = subprocess.run(
            govsim_command(
                "sweep", tiny_file, "--out", folder, "--scheduler", cluster.scheduler_address
            ),
            env=cli_environment(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert f"on the Dask scheduler at {cluster.scheduler_address}" in done.stderr
    workers = set(pd.read_csv(folder / "runs.csv")["worker"])
    assert all(worker.endswith(f":{os.getpid()}") for worker in workers)  # ran in the cluster
    same_results(folder, reference)


def test_an_unreachable_scheduler_is_bad_input(tiny_file, tmp_path):
    with pytest.raises(
        SchedulerError, match=re.escape("cannot use the Dask scheduler at 'tcp://127.0.0.1:9'")
    ):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1).connect()
