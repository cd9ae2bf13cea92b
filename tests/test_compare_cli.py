"""`govsim compare` and `govsim run --until-ci`, driven as a user drives them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from govsim import analysis, load_scenario
from govsim import cli as cli_module
from govsim.runs import replicate_seeds
from govsim.sim.metrics import OBJECTIVES
from govsim.store import run_scenario

from conftest import SCENARIOS, SMALL, SMALL_ARGS

BASELINE = SCENARIOS / "baseline.yaml"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Two small stored runs under results/: baseline and the full configuration."""
    root = tmp_path_factory.mktemp("compare")
    settings = {**SMALL, "replications": 4}
    for name in ("baseline", "one_core_multiple"):
        scenario = load_scenario(SCENARIOS / f"{name}.yaml", settings)
        run_scenario(scenario, root / "results" / name, progress=False)
    return root


def _one_paragraph_error(stderr: str) -> None:
    assert "Traceback" not in stderr
    text = stderr.strip()
    assert text.startswith("govsim compare: error:") or text.startswith("govsim run: error:")
    assert "\n\n" not in text


# --------------------------------------------------------------------------- compare


def test_compare_prints_a_table_and_writes_csv_figures_and_manifest(govsim, results):
    done = govsim(
        "compare",
        "results/baseline",
        "results/one_core_multiple",
        "--metrics",
        "participation_rate,trust_mean",
        "--metrics",
        "scorecard.collaborative_participation",
        cwd=results,
    )
    assert done.returncode == 0, done.stderr
    out = results / "results" / "comparison"
    table = pd.read_csv(out / "comparison.csv")
    assert list(table["metric"].unique()) == [
        "participation_rate",
        "trust_mean",
        "scorecard.collaborative_participation",
    ]
    runs = analysis.load_runs([results / "results" / n for n in ("baseline", "one_core_multiple")])
    expected = analysis.compare(runs, metrics=list(table["metric"].unique()))
    pd.testing.assert_series_equal(table["p_adjusted"], expected["p_adjusted"])
    for name in ("timeseries.png", "distributions.png", "scorecard.png", "effects.png"):
        assert (out / "figures" / name).read_bytes()[:4] == b"\x89PNG"
    manifest = json.loads((out / "comparison.json").read_text())
    assert manifest["status"] == "completed" and manifest["settings"]["last"] == 12
    # The terminal table: every metric, every scenario, the baseline and the rule used.
    for text in ("participation_rate", "one_core_multiple", "(baseline)", "last 12 weeks"):
        assert text in done.stdout
    assert "Holm" in done.stdout and "every 4 weeks" in done.stdout


def test_compare_defaults_cover_the_main_metrics_and_the_five_objectives(results, capsys):
    out = results / "defaults"
    code = cli_module.main(
        [
            "compare",
            str(results / "results" / "one_core_multiple"),
            str(results / "results" / "baseline"),
            "--baseline",
            "baseline",
            "--out",
            str(out),
            "--at",
            "final",
        ]
    )
    assert code == 0
    table = pd.read_csv(out / "comparison.csv")
    assert {f"scorecard.{name}" for name in OBJECTIVES} <= set(table["metric"])
    assert (table["inference_on"] == "final week").all()
    assert table.loc[0, "scenario"] == "baseline"
    assert "tests use the final week" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["results/baseline", "results"], "no manifest.json"),
        (["results/baseline", "--metrics", "participation"], "unknown metric 'participation'"),
        (["results/baseline", "--baseline", "nobody"], "baseline 'nobody' is not among"),
        (["results/baseline", "--last", "21"], "k must be from 1 to 20"),
        (["results/baseline", "--last", "0"], "must be from 1 to"),
        (["results/baseline", "--at", "middle"], "invalid choice: 'middle'"),
    ],
)
def test_compare_refuses_bad_input_with_one_paragraph_and_writes_nothing(
    results, monkeypatch, capsys, arguments, message
):
    monkeypatch.chdir(results)
    before = sorted(results.rglob("*"))
    code = cli_module.main(["compare", *arguments, "--out", "results/refused"])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert sorted(results.rglob("*")) == before


def test_compare_as_a_command_refuses_a_missing_folder_and_a_foreign_output(govsim, results):
    before = sorted(results.rglob("*"))
    done = govsim("compare", "results/baseline", "results/missing", cwd=results)
    assert done.returncode == 2
    _one_paragraph_error(done.stderr)
    assert "'results/missing' is not a completed govsim run folder (no such folder)" in done.stderr
    # An output folder that holds a run (or anything else) is never written into.
    done = govsim("compare", "results/baseline", "--out", "results/one_core_multiple", cwd=results)
    assert done.returncode == 2
    _one_paragraph_error(done.stderr)
    assert "not a govsim comparison" in done.stderr
    assert sorted(results.rglob("*")) == before


def test_an_interrupted_run_is_not_compared(results, tmp_path, capsys):
    folder = tmp_path / "broken"
    folder.mkdir()
    manifest = json.loads((results / "results" / "baseline" / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}))
    code = cli_module.main(["compare", str(results / "results" / "baseline"), str(folder)])
    assert code == 2
    err = capsys.readouterr().err
    _one_paragraph_error(err)
    assert "status 'running'" in err


# --------------------------------------------------------------------------- run --until-ci


def test_until_ci_adds_replicates_with_the_same_seeds_until_narrow_enough(tmp_path, capsys):
    folder = tmp_path / "precise"
    code = cli_module.main(
        ["run", str(BASELINE), *SMALL_ARGS, "--until-ci", "0.02", "--out", str(folder), "--quiet"]
    )
    assert code == 0
    out = capsys.readouterr().out
    manifest = json.loads((folder / "manifest.json").read_text())
    rule = manifest["replications_rule"]
    n = rule["replications"]
    assert rule["reached"] and rule["metrics"] == ["participation_rate"]
    assert f"took {n} replicates" in out
    assert manifest["replications"] == n == manifest["scenario"]["replications"]
    assert n > 2  # two replicates (the scenario's count) are not enough for 0.02
    seeds = replicate_seeds(manifest["root_seed"], n)
    assert [entry["seed"] for entry in manifest["seeds"]] == seeds
    summary = pd.read_csv(folder / "summary.csv").set_index("metric").loc["participation_rate"]
    assert (summary["ci95_high"] - summary["ci95_low"]) / 2 <= 0.02
    # The rounds before the last were not narrow enough: no replicate more than needed.
    assert all(r["half_widths"]["participation_rate"] > 0.02 for r in rule["rounds"][:-1])
    # Same numbers as a plain run with that many replicates.
    plain = run_scenario(
        load_scenario(BASELINE, {**SMALL, "replications": n}), tmp_path / "plain", progress=False
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(folder / "timeseries.parquet"),
        pd.read_parquet(plain.folder / "timeseries.parquet"),
    )


def test_until_ci_stops_at_the_cap_and_says_so(tmp_path, capsys):
    folder = tmp_path / "capped"
    code = cli_module.main(
        [
            "run",
            str(BASELINE),
            *SMALL_ARGS,
            "--until-ci",
            "1e-6",
            "--until-ci-metrics",
            "participation_rate,trust_mean",
            "--until-ci-cap",
            "4",
            "--out",
            str(folder),
            "--quiet",
        ]
    )
    assert code == 0
    rule = json.loads((folder / "manifest.json").read_text())["replications_rule"]
    assert rule["replications"] == 4 and not rule["reached"]
    assert "cap of 4" in rule["reason"] and "cap of 4" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--until-ci", "0.01", "--until-ci-metrics", "turnout"], "unknown metric 'turnout'"),
        (["--until-ci-cap", "5"], "only make sense with --until-ci"),
        (["--until-ci", "0"], "must be a positive number"),
        (["--until-ci", "0.01", "--until-ci-cap", "1"], "must be from 2 to"),
    ],
)
def test_until_ci_refuses_bad_input_before_writing_anything(govsim, tmp_path, arguments, message):
    done = govsim("run", BASELINE, *SMALL_ARGS, *arguments, "--out", tmp_path / "run")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "run").exists()
