"""One writer per folder: a second govsim writing the same folder is refused with the pid."""

from __future__ import annotations

import json
import subprocess

import pandas as pd
import pytest

from govsim.store import OutputError
from govsim.store.lock import take_folder_lock
from govsim.store.run_folder import RunStore

from conftest import cli_environment, govsim_command

TINY = ("--set", "population.residents=200", "--steps", "3", "--replications", "1")


def test_a_second_writer_is_refused_with_the_holders_pid(tmp_path):
    held = take_folder_lock(tmp_path / "out", "run")
    try:
        with pytest.raises(OutputError, match=r"another govsim run \(pid \d+"):
            RunStore.prepare(tmp_path / "out")
    finally:
        held.close()
    store = RunStore.prepare(tmp_path / "out")  # free again once the holder let go
    store.release()


@pytest.mark.parametrize("trial", range(4))
def test_two_runs_into_one_folder_never_mix(tmp_path, trial):
    """Two runs started together: one writes the folder, the other is refused (exit 2)."""
    out = tmp_path / "out"
    processes = [
        subprocess.Popen(
            govsim_command("run", "baseline", *TINY, "--seed", str(seed), "--out", out),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_environment(),
            cwd=tmp_path,
        )
        for seed in (1, 2)
    ]
    results = [(p.wait(timeout=300), *p.communicate()) for p in processes]
    codes = sorted(code for code, _, _ in results)
    for code, _, stderr in results:
        assert "Traceback" not in stderr
        if code == 2:
            assert "being written by another govsim run (pid" in stderr
    assert codes in ([0, 0], [0, 2]), results  # both ran one after the other, or one refused
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "completed"
    winners = [seed for (code, _, _), seed in zip(results, (1, 2), strict=True) if code == 0]
    assert manifest["root_seed"] in winners
    # The data are the manifest's run, not the other process's.
    data = pd.read_parquet(out / "timeseries.parquet")
    assert set(data["seed"]) == {entry["seed"] for entry in manifest["seeds"]}
