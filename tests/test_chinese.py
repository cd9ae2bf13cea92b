"""govsim in Chinese, end to end: Chinese names, run folders, labels and messages."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from govsim.text import display_width

from conftest import SCENARIOS, cli_environment, govsim_command

TINY = ("--set", "population.residents=200", "--steps", "8", "--replications", "2")
ESCAPED = re.compile(r"\\u[0-9a-fA-F]{4}")


def _scenario(folder, name: str):
    path = folder / f"{name}.yaml"
    base = (SCENARIOS / "one_core_multiple.yaml").resolve()
    path.write_text(f"extends: {base}\nname: {name}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def chinese_runs(tmp_path_factory):
    """Two tiny runs whose scenarios are named in Chinese, stored under results/."""

    root = tmp_path_factory.mktemp("zh")
    done = []
    for name, extra in (("基线", ()), ("高负担社区", ("--set", "frictions.admin_burden=0.9"))):
        command = govsim_command("run", _scenario(root, name), *TINY, *extra, "--quiet")
        done.append(
            subprocess.run(
                [*command, "--lang", "zh"],
                cwd=root,
                capture_output=True,
                text=True,
                env=cli_environment(),
                check=False,
                timeout=300,
            )
        )
    return root, done


def test_a_scenario_named_in_chinese_runs_into_its_own_folder_and_says_so_in_chinese(
    chinese_runs,
):
    root, done = chinese_runs
    for run in done:
        assert run.returncode == 0, run.stderr
    assert (root / "results" / "高负担社区" / "manifest.json").is_file()
    manifest = (root / "results" / "高负担社区" / "manifest.json").read_text(encoding="utf-8")
    assert "高负担社区" in manifest and not ESCAPED.search(manifest)
    out = done[1].stdout
    assert "高负担社区：第 8 周" in out and "居民参与率" in out and "目标：考核评价精细化" in out
    # The table lines up on screen: every interval starts in the same column.
    rows = [line for line in out.splitlines() if line.rstrip().endswith("]")]
    assert len(rows) == 11
    assert len({display_width(line[: line.index("[")]) for line in rows}) == 1
    assert "户居民" in done[1].stderr  # the start line too


def test_compare_labels_are_chinese_run_folders_aligned_by_display_width(govsim, chinese_runs):
    root, _ = chinese_runs
    folders = ("results/基线", "results/高负担社区")
    done = govsim("compare", *folders, "--metrics", "trust_mean", "--last", "4", cwd=root)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith(("基线", "高负担社区"))]
    assert len(rows) == 2
    # n sits in the same screen column whatever the label's characters.
    assert len({display_width(row[: row.index(" 2 ")]) for row in rows}) == 1
    assert "Trust (trust_mean)" in done.stdout
    manifest = json.loads((root / "results" / "comparison" / "comparison.json").read_text("utf-8"))
    assert [run["label"] for run in manifest["runs"]] == ["基线", "高负担社区"]


@pytest.mark.parametrize("name", ["..", ".hidden", "a/b", "高负担/社区", "a\\b", "a b"])
def test_names_that_are_paths_are_still_refused(tmp_path, govsim, name):
    path = tmp_path / "bad.yaml"
    path.write_text(f"name: {json.dumps(name)}\n", encoding="utf-8")
    done = govsim("check", path)
    assert done.returncode == 2
    assert "not starting with '.'" in done.stderr and json.dumps(name, ensure_ascii=False) in (
        done.stderr
    )


def test_errors_in_chinese_still_name_the_file_line_field_value_and_what_is_allowed(
    tmp_path, govsim
):
    path = tmp_path / "坏.yaml"
    path.write_text("name: 高负担社区\nfrictions:\n  admin_burden: 1.5\n", encoding="utf-8")
    done = govsim("check", path, "--lang", "zh")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    message = done.stderr
    for part in (
        "坏.yaml",
        "第 3 行",
        "frictions.admin_burden",
        "行政化负担",
        "1.5",
        "应小于或等于 1",
    ):
        assert part in message, message
    assert not ESCAPED.search(message)
    # GOVSIM_LANG does the same; an unknown language is bad input, exit code 2.
    english = govsim("check", path)
    assert "Input should be less than or equal to 1" in english.stderr


def test_an_unknown_language_is_bad_input(tmp_path, govsim):
    done = govsim("check", SCENARIOS / "baseline.yaml", "--lang", "fr")
    assert done.returncode == 2
    assert "unknown language 'fr'; allowed: 'en' (English), 'zh' (中文)" in done.stderr
