"""The govsim command line, driven as a user drives it: subprocesses, files, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from govsim import GovernanceModel, load_scenario
from govsim import __version__ as govsim_version
from govsim import cli as cli_module
from govsim.figures import run_figures
from govsim.runs import replicate_seeds
from govsim.scenario import scenario_json_schema, scenario_reference
from govsim.sim.metrics import METRICS, OBJECTIVES
from govsim.store import TABLES, run_scenario
from govsim.text import display_name

from conftest import SCENARIOS, SMALL, SMALL_ARGS, cli_environment, govsim_command

BASELINE = SCENARIOS / "baseline.yaml"


# --------------------------------------------------------------------------- a good run


def test_run_writes_a_complete_run_folder_under_results(govsim, tmp_path):
    done = govsim("run", BASELINE, *SMALL_ARGS, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "results" / "baseline"

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "completed"
    assert manifest["started"] <= manifest["ended"]
    assert set(manifest["versions"]) >= {"govsim", "mesa", "python", "numpy"}
    scenario = load_scenario(BASELINE, SMALL)
    assert manifest["scenario"] == scenario.model_dump(mode="json")
    seeds = replicate_seeds(scenario.seed, 2)
    assert [entry["seed"] for entry in manifest["seeds"]] == seeds
    for name in (*TABLES, "figures/timeseries.png", "figures/network.png"):
        assert (folder / name).stat().st_size > 0
        assert name in manifest["files"]

    series = pd.read_parquet(folder / "timeseries.parquet")
    assert list(series.columns) == ["scenario", "replicate", "seed", "step", "community", *METRICS]
    assert len(series) == 2 * 21
    assert sorted(series["seed"].unique()) == sorted(seeds)
    # The recorded seed re-runs a replicate alone, number for number.
    alone = GovernanceModel(scenario, rng=seeds[1], agent_interval=0).run().metrics_frame()
    again = series[series["replicate"] == 1].set_index("step")[list(METRICS)]
    pd.testing.assert_frame_equal(again, alone[list(METRICS)], check_names=False)

    summary = pd.read_csv(folder / "summary.csv")
    final = summary.set_index("metric").loc["participation_rate"]
    values = series.loc[series["step"] == 20, "participation_rate"]
    assert final["mean"] == pytest.approx(values.mean())
    assert final["sd"] == pytest.approx(values.std())
    assert final["ci95_low"] < final["mean"] < final["ci95_high"]

    # The terminal summary table: main metrics and the five objectives, by name.
    assert "Participation rate" in done.stdout
    for objective in OBJECTIVES:
        assert f"objective: {display_name(objective, 'objective')}" in done.stdout
    assert "Traceback" not in done.stderr


def test_check_accepts_every_scenario_file(govsim):
    files = sorted(SCENARIOS.glob("*.yaml"))
    done = govsim("check", *files)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ok: ") == len(files)


def test_check_validates_a_sweep_file_as_a_sweep(govsim, tmp_path):
    sweeps = sorted((SCENARIOS / "sweeps").glob("*.yaml"))
    done = govsim("check", *sweeps)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": sweep ") == len(sweeps)
    assert "design points x" in done.stdout

    # A design point out of range is named by its key and line, as `govsim sweep` would.
    bad = tmp_path / "bad_sweep.yaml"
    bad.write_text(
        f"name: bad\nscenario: {SCENARIOS / 'baseline.yaml'}\ndesign: grid\n"
        "parameters:\n  frictions.admin_burden: [0.1, 7]\nmetrics: [participation_rate]\n"
    )
    done = govsim("check", bad)
    assert done.returncode == 2
    assert "parameters.frictions.admin_burden" in done.stderr and "line 5" in done.stderr
    assert "less than or equal to 1" in done.stderr
    assert "Traceback" not in done.stderr

    done = govsim("check", sweeps[0], "--set", "steps=3")
    assert done.returncode == 2
    assert "sweep file" in done.stderr and "'set:'" in done.stderr


def test_a_reader_that_goes_away_stops_the_output_quietly():
    # `govsim schema --markdown | head -1`: the pipe closes before govsim has written.
    process = subprocess.Popen(
        govsim_command("schema", "--markdown"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_environment(),
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert stderr == ""


def test_schema_prints_the_json_schema_of_scenario_files(govsim):
    done = govsim("schema")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed == json.loads(json.dumps(scenario_json_schema()))
    assert {"extends", "population", "mechanisms", "frictions"} <= set(printed["properties"])


# --------------------------------------------------------------------------- bad input


BAD_FILES = {
    "syntax.yaml": "name: x\nsteps: 20: 30\n",
    "unknown.yaml": "name: x\npopluation:\n  residents: 300\n",
    "type.yaml": "name: x\nsteps: many\n",
    "range.yaml": "name: x\nfrictions:\n  admin_burden: 1.5\n",
    "infinite.yaml": "name: x\nfrictions:\n  budget: .inf\n",
    "a.yaml": "extends: b.yaml\nname: a\n",
    "b.yaml": "extends: a.yaml\nname: b\n",
    "orphan.yaml": "extends: nothere.yaml\nname: orphan\n",
    "tag.yaml": "name: x\nsteps: !!python/object/apply:os.system [ls]\n",
    "afile": "not a folder\n",
    "notarun/notes.txt": "someone's notes\n",
}

#: Bad scenario files, all checked by one `govsim check` (each gets its own message).
FILE_CASES = {
    "missing file": "missing.yaml",
    "YAML syntax": "syntax.yaml",
    "unknown key": "unknown.yaml",
    "wrong type": "type.yaml",
    "out of range": "range.yaml",
    "infinite value": "infinite.yaml",
    "extends cycle": "a.yaml",
    "missing parent": "orphan.yaml",
    "python tag": "tag.yaml",
}


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    """Every kind of bad input given to govsim processes (three at a time)."""
    folder = tmp_path_factory.mktemp("bad")
    for name, text in BAD_FILES.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text)
    out = str(folder / "out")
    commands = {
        "check": ("check", BASELINE, *FILE_CASES.values()),
        "run a bad file": ("run", "range.yaml", "--out", out),
        "--set unknown path": ("run", BASELINE, "--set", "mechanisms.rotaton.enabled=false"),
        "--set bad value": ("run", BASELINE, "--set", "frictions.admin_burden=2", "--out", out),
        "--set absurd amount": ("run", BASELINE, "--set", "issues.rate=1e12", "--out", out),
        "--set nan": ("run", BASELINE, "--set", "population.volunteer_effort=.nan", "--out", out),
        "--set without =": ("run", BASELINE, "--set", "steps", "--out", out),
        "bad flag": ("run", BASELINE, "--steps", "0", "--out", out),
        "empty --out": ("run", BASELINE, *SMALL_ARGS, "--out", ""),
        "out is a file": ("run", BASELINE, *SMALL_ARGS, "--out", "afile"),
        "out under a file": ("run", BASELINE, *SMALL_ARGS, "--out", "afile/run"),
        "out holds other files": ("run", BASELINE, *SMALL_ARGS, "--out", "notarun"),
        "unknown verb": ("frobnicate",),
    }

    def run(args):
        return subprocess.run(
            govsim_command(*args),
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
            env=cli_environment(),
            check=False,
        )

    with ThreadPoolExecutor(3) as pool:
        results = dict(zip(commands, pool.map(run, commands.values()), strict=True))
    return folder, results


EXPECTED = {
    "missing file": ["missing.yaml", "file not found"],
    "YAML syntax": ["syntax.yaml", "line 2", "YAML"],
    "unknown key": ["unknown.yaml", "'popluation'", "line 2", "did you mean 'population'"],
    "wrong type": ["type.yaml", "'steps'", "line 2", '"many"', "valid integer"],
    "out of range": ["range.yaml", "'frictions.admin_burden'", "line 3", "1.5", "less than or"],
    "infinite value": ["infinite.yaml", "'frictions.budget'", "line 3", "finite number"],
    "extends cycle": ["'extends' cycle", "a.yaml", "b.yaml"],
    "missing parent": ["orphan.yaml", "'nothere.yaml'", "does not exist"],
    "python tag": ["tag.yaml", "line 2", "python/object"],
    "run a bad file": ["range.yaml", "'frictions.admin_burden'", "line 3", "1.5"],
    "--set unknown path": ["mechanisms.rotaton.enabled", "did you mean 'rotation'", "allowed"],
    "--set bad value": ["'frictions.admin_burden'", "--set", "= 2", "less than or equal to 1"],
    "--set absurd amount": ["'issues.rate'", "1000000000000.0", "less than or equal to 1000"],
    "--set nan": ["'population.volunteer_effort'", "NaN", "finite number"],
    "--set without =": ["--set", "dotted.key=value", "'steps'"],
    "bad flag": ["--steps", "from 1 to 1000000", "got 0"],
    "empty --out": ["--out", "the folder is empty"],
    "out is a file": ["'afile'", "is a file"],
    "out under a file": ["'afile/run'", "cannot be written"],
    "out holds other files": ["'notarun'", "not a govsim run folder"],
    "unknown verb": ["frobnicate", "run", "check"],
}


@pytest.mark.parametrize("case", list(EXPECTED))
def test_bad_input_exits_2_with_one_clear_message_and_writes_nothing(bad_inputs, case):
    folder, results = bad_inputs
    done = results["check" if case in FILE_CASES else case]
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    if case in FILE_CASES:  # one message per file
        errors = [line for line in errors if FILE_CASES[case] in line]
        assert len(errors) == 1, done.stderr
    assert errors, done.stderr
    message = " ".join(errors)
    for expected in EXPECTED[case]:
        assert expected in message, f"{expected!r} not in {message!r}"
    # Nothing half-written: no run folder, and the folders that were refused untouched.
    assert not (folder / "out").exists()
    assert not (folder / "results").exists()
    assert (folder / "afile").read_text() == "not a folder\n"
    assert [p.name for p in (folder / "notarun").iterdir()] == ["notes.txt"]


def test_check_reports_every_bad_file_and_still_passes_the_good_ones(bad_inputs):
    done = bad_inputs[1]["check"]
    assert f"ok: {BASELINE}" in done.stdout
    assert done.stderr.count("govsim check: error:") == len(FILE_CASES)


# --------------------------------------------------------------------------- interruptions


def _start_long_run(out: Path, *extra: str, session: bool = False) -> subprocess.Popen[str]:
    """Start a run of many replicates (minutes of work) into ``out``.

    ``session``: in a process group of its own, as a terminal runs a command, so that
    a signal can reach every process of the group as a terminal's Ctrl-C does.
    """
    return subprocess.Popen(
        govsim_command("run", BASELINE, "--replications", "5000", "--out", out, *extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_environment(),
        start_new_session=session,
    )


def _wait_until_running(process: subprocess.Popen[str], out: Path, then: float = 1.0) -> None:
    """Wait until the run's manifest says ``running``, then ``then`` seconds more."""
    deadline = time.monotonic() + 180
    while _status(out) != "running":
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.05)
    time.sleep(then)  # into the replicates


def _status(out: Path) -> str | None:
    try:
        return json.loads((out / "manifest.json").read_text())["status"]
    except FileNotFoundError:
        return None


def _assert_nothing_looks_complete(out: Path, status: str) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == status
    for name in TABLES:
        assert not (out / name).exists(), name
    assert not list((out / "figures").glob("*.png"))


INTERRUPTIONS = {
    "ctrl-c": (signal.SIGINT, 130, "interrupted"),
    "sigterm": (signal.SIGTERM, 143, "interrupted"),
    "sigkill": (signal.SIGKILL, -signal.SIGKILL, "running"),
}


@pytest.fixture(scope="module")
def interrupted_runs(tmp_path_factory):
    """One long run per signal, side by side."""
    root = tmp_path_factory.mktemp("interrupted")
    small = load_scenario(BASELINE, SMALL)
    outs = {case: root / case for case in INTERRUPTIONS}
    # A completed run where Ctrl-C will strike: its files must not survive as if they
    # belonged to the interrupted run (SIGTERM and SIGKILL start from empty folders).
    run_scenario(small, outs["ctrl-c"], progress=False, figures=run_figures)
    assert _status(outs["ctrl-c"]) == "completed"
    processes = {case: _start_long_run(out) for case, out in outs.items()}
    for case, process in processes.items():
        _wait_until_running(process, outs[case])
        process.send_signal(INTERRUPTIONS[case][0])
    return {
        case: (process.wait(timeout=120), process.communicate()[1], outs[case])
        for case, process in processes.items()
    }


@pytest.mark.parametrize("case", list(INTERRUPTIONS))
def test_an_interrupted_run_leaves_nothing_that_looks_complete(interrupted_runs, case):
    returncode, stderr, out = interrupted_runs[case]
    _, code, status = INTERRUPTIONS[case]
    assert returncode == code, stderr
    assert "Traceback" not in stderr
    _assert_nothing_looks_complete(out, status)


def test_ctrl_c_stops_a_parallel_run_cleanly_even_while_its_workers_start(tmp_path):
    # Ctrl-C in a terminal reaches every process of the group, the fork server that
    # starts the workers included, and here it strikes while that server imports.
    out = tmp_path / "run"
    process = _start_long_run(out, "--workers", "2", session=True)
    _wait_until_running(process, out, then=0.5)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Traceback" not in stderr
    _assert_nothing_looks_complete(out, "interrupted")


# --------------------------------------------------------------------------- in-process


def test_internal_errors_exit_1_with_the_traceback_only_on_request(monkeypatch, capsys, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("govsim.store.run_scenario", broken)
    monkeypatch.delenv("GOVSIM_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)
    args = ["run", str(BASELINE), *SMALL_ARGS]
    assert cli_module.main(args) == 1
    quiet = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in quiet
    assert "Traceback" not in quiet

    monkeypatch.setenv("GOVSIM_DEBUG", "1")
    assert cli_module.main(args) == 1
    assert "Traceback" in capsys.readouterr().err


def test_validate_and_viz_hand_over_to_their_modules(monkeypatch):
    calls = {}

    def run_validation(out, quick):
        calls["validate"] = (out, quick)
        return 0

    def run_viz(*args):
        calls["viz"] = args
        return 3  # whatever the dashboard returns is the exit code

    validation = types.ModuleType("govsim.validation")
    validation.run_validation = run_validation
    dashboard = types.ModuleType("govsim.dashboard.server")
    dashboard.run_viz = run_viz
    monkeypatch.setitem(sys.modules, "govsim.validation", validation)
    monkeypatch.setitem(sys.modules, "govsim.dashboard.server", dashboard)

    assert cli_module.main(["validate", "--quick", "--out", "report"]) == 0
    assert calls["validate"] == (Path("report"), True)
    assert cli_module.main(["viz", "--no-open"]) == 3
    assert calls["viz"] == (None, "127.0.0.1", 8765, False, False)


def test_a_missing_optional_module_is_an_internal_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "govsim.validation", None)
    assert cli_module.main(["validate"]) == 1
    assert "docking suite" in capsys.readouterr().err


def test_schema_markdown_is_the_key_reference(capsys):
    assert cli_module.main(["schema", "--markdown"]) == 0
    assert capsys.readouterr().out == scenario_reference()


def test_version_prints_the_package_version(govsim):
    done = govsim("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"govsim {govsim_version}"


@pytest.mark.parametrize("verb", ["run", "compare", "sweep", "check", "validate"])
def test_help_texts_print_percent_signs_as_meant(govsim, verb):
    """argparse formats help= strings but not descriptions: no '%%' may reach the user."""
    done = govsim(verb, "--help")
    assert done.returncode == 0 and "%%" not in done.stdout
