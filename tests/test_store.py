"""The run store: atomic files, an honest manifest, folders it may and may not use."""

from __future__ import annotations

import hashlib
import json
import os
import stat

import pandas as pd
import pytest

from govsim import Scenario, load_scenario
from govsim.runs import replicate_seeds
from govsim.sim.observation import OBSERVABLES
from govsim.store import (
    MANIFEST,
    TABLES,
    OutputError,
    RunStore,
    atomic_write,
    read_manifest,
    read_timeseries,
    run_scenario,
)

from conftest import SCENARIOS


def _temp_files(folder):
    return [p for p in folder.rglob(".*") if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- atomic files


def test_atomic_write_replaces_the_whole_file_with_ordinary_permissions(tmp_path):
    target = tmp_path / "data.csv"
    target.write_text("old\n")
    atomic_write(target, lambda handle: handle.write(b"new\n"))
    assert target.read_text() == "new\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert not _temp_files(tmp_path)


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temp_file(tmp_path, failure):
    target = tmp_path / "timeseries.parquet"
    target.write_bytes(b"previous")

    def half_then_fail(handle):
        handle.write(b"half of the new")
        raise failure

    with pytest.raises(type(failure)):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == b"previous"
    assert not _temp_files(tmp_path)


# --------------------------------------------------------------------------- folders


def test_prepare_creates_a_new_folder_and_writes_nothing_in_it_but_its_lock(tmp_path):
    store = RunStore.prepare(tmp_path / "a" / "b")
    assert store.folder.is_dir()
    assert [p.name for p in store.folder.iterdir()] == [".govsim.lock"]
    store.release()


def test_prepare_refuses_files_and_folders_that_are_not_runs(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        RunStore.prepare(tmp_path / "file")
    with pytest.raises(OutputError, match="cannot be written"):
        RunStore.prepare(tmp_path / "file" / "run")
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "thesis.docx").write_text("x")
    with pytest.raises(OutputError, match="not a govsim run folder"):
        RunStore.prepare(tmp_path / "documents")
    assert [p.name for p in (tmp_path / "documents").iterdir()] == ["thesis.docx"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any permission")
def test_prepare_refuses_a_folder_without_write_permission(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot be written"):
            RunStore.prepare(locked / "run")
    finally:
        locked.chmod(0o700)


def test_a_folder_left_by_a_run_killed_at_its_start_can_be_used_again(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / ".manifest.json.abc.tmp").write_text("{")
    RunStore.prepare(tmp_path)  # no error


# --------------------------------------------------------------------------- the manifest


@pytest.fixture
def scenario():
    return Scenario().with_overrides({"population.residents": 300, "steps": 3})


def _status(folder):
    return read_manifest(folder)["status"]


def test_a_run_is_marked_completed_only_after_its_files(tmp_path, scenario):
    store = RunStore.prepare(tmp_path)
    seeds = replicate_seeds(scenario.seed, 2)
    store.start(scenario, seeds, context={"overrides": {"steps": 3}})
    manifest = read_manifest(tmp_path)
    assert manifest["status"] == "running"
    assert manifest["ended"] is None
    assert manifest["scenario"] == scenario.model_dump(mode="json")
    assert [entry["seed"] for entry in manifest["seeds"]] == seeds
    assert manifest["context"]["overrides"] == {"steps": 3}
    assert set(manifest["versions"]) >= {"govsim", "mesa", "python", "numpy"}

    table = pd.DataFrame({"scenario": ["x"], "replicate": [0], "step": [0], "value": [1.5]})
    store.write_table("timeseries.parquet", table)
    store.write_table("summary.csv", table)
    assert _status(tmp_path) == "running"
    store.complete()

    manifest = read_manifest(tmp_path)
    assert manifest["status"] == "completed"
    assert manifest["ended"] >= manifest["started"]
    recorded = manifest["files"]["timeseries.parquet"]
    content = (tmp_path / "timeseries.parquet").read_bytes()
    assert recorded == {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    pd.testing.assert_frame_equal(read_timeseries(tmp_path), table)


@pytest.mark.parametrize(
    ("raised", "status"), [(KeyboardInterrupt(), "interrupted"), (MemoryError(), "failed")]
)
def test_an_interrupted_or_failed_run_says_so(tmp_path, scenario, raised, status):
    store = RunStore.prepare(tmp_path)
    store.start(scenario, [1])
    with pytest.raises(type(raised)), store.recording():
        raise raised
    manifest = read_manifest(tmp_path)
    assert manifest["status"] == status
    assert manifest["error"]
    with pytest.raises(OutputError, match=f"not complete \\(status: {status}\\)"):
        read_timeseries(tmp_path)


def test_starting_over_an_earlier_run_removes_its_results_first(tmp_path, scenario):
    earlier = RunStore.prepare(tmp_path)
    earlier.start(scenario, [1])
    for name in TABLES:
        (tmp_path / name).write_text("earlier")
    (tmp_path / "figures" / "timeseries.png").write_bytes(b"png")
    (tmp_path / ".summary.csv.x.tmp").write_text("half")
    earlier.complete()

    again = RunStore.prepare(tmp_path)  # the earlier run's folder is a run folder
    again.start(scenario, [2])
    assert _status(tmp_path) == "running"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".govsim.lock", "figures", MANIFEST]
    assert list((tmp_path / "figures").iterdir()) == []


def test_reading_a_folder_that_is_not_a_run_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match="not a govsim run folder"):
        read_manifest(tmp_path)
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(OutputError, match="cannot be read"):
        read_manifest(tmp_path)


def test_the_manifest_is_plain_json_with_the_git_commit_when_there_is_one(tmp_path, scenario):
    store = RunStore.prepare(tmp_path)
    store.start(scenario, [7])
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    git = manifest["git"]
    assert git is None or (len(git["commit"]) == 40 and isinstance(git["dirty"], bool))


def test_a_run_folder_holds_the_survey_observables_of_every_replicate(tmp_path):
    """observables.csv: one row per replicate and observable, the values a survey reads."""
    scenario = load_scenario(SCENARIOS / "one_core_multiple.yaml").with_overrides(
        {"population.residents": 300, "steps": 60, "replications": 2}
    )
    record = run_scenario(scenario, tmp_path / "run", progress=False, figures=None)
    table = pd.read_csv(record.folder / "observables.csv")
    assert set(table["observable"]) == set(OBSERVABLES)
    assert sorted(table["replicate"].unique()) == [0, 1]
    wide = table.pivot(index="replicate", columns="observable", values="value")
    assert ((wide >= 0) & (wide <= 1)).all().all()
    # A household that took part in the last 13 weeks took part in the last 52.
    assert (wide["took_part_52w"] >= wide["took_part_13w"]).all()
    # The participating core is a minority of households, not everyone.
    assert (wide["took_part_52w"] < 1).all()
    assert (wide["took_part_52w_party"] > wide["took_part_52w_nonparty"]).all()


def test_the_manifest_says_whether_a_run_has_settled_or_still_trends(tmp_path):
    """Without a warm-up the start-up transient shows as a trend; after one it does not."""
    base = load_scenario(SCENARIOS / "baseline.yaml").with_overrides(
        {"population.residents": 400, "replications": 3}
    )
    cold = run_scenario(
        base.with_overrides({"steps": 30, "warmup": 0}), tmp_path / "cold", progress=False
    )
    warm = run_scenario(base.with_overrides({"steps": 60}), tmp_path / "warm", progress=False)
    cold_trend = read_manifest(cold.folder)["trend"]
    warm_trend = read_manifest(warm.folder)["trend"]
    assert cold_trend["weeks"] == 30 and warm_trend["weeks"] == 52
    assert "participation_rate" in cold_trend["trending"]
    assert warm_trend["trending"] == []
    assert list(cold.trend.index) == list(cold_trend["drift"])
