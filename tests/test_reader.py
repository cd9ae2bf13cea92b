"""The guarded YAML reader: hostile files and values end in one bad-input error (exit 2)."""

from __future__ import annotations

import os
import time

import pytest

from govsim.scenario import ScenarioError, load_scenario, read_value
from govsim.scenario.files import shipped_folder
from govsim.scenario.reader import MAX_DEPTH, MAX_FILE_BYTES
from govsim.sweep.spec import SweepSpec


def _scenario(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    parent = shipped_folder()
    path.write_text(f"extends: {parent / 'one_core_multiple.yaml'}\n{text}")
    return path


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("steps: 1:10\n", "steps", "YAML 1.2"),
        ("steps: 0x10\n", "steps", "decimal"),
        ("steps: 1_000\n", "steps", "decimal"),
        ("mechanisms:\n  rotation:\n    enabled: yes\n", "enabled", "true and false"),
        ("mechanisms:\n  rotation:\n    enabled: off\n", "enabled", "true and false"),
    ],
)
def test_yaml_1_1_numbers_and_booleans_are_refused_with_the_reason(tmp_path, text, field, reason):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_scenario(tmp_path, text))
    assert field in str(caught.value)
    assert reason in str(caught.value)


def test_yaml_1_2_numbers_are_still_numbers(tmp_path):
    scenario = load_scenario(_scenario(tmp_path, "steps: 12\nfrictions:\n  budget: 1e3\n"))
    assert scenario.steps == 12
    assert scenario.frictions.budget == 1000.0
    assert (
        read_value("true") is True and read_value("yes") == "yes" and read_value("0x10") == "0x10"
    )


def test_hostile_set_values_fail_at_once():
    bomb = "[" * 3000 + "]" * 3000
    started = time.process_time()
    for value in (bomb, "a: &x [1]\nb: *x", "!!python/object:os.system x"):
        with pytest.raises(Exception) as caught:
            read_value(value)
        assert not isinstance(caught.value, (RecursionError, MemoryError))
    with pytest.raises(Exception, match="longer than"):
        read_value("x" * 200_000)
    assert read_value("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)) is not None
    assert time.process_time() - started < 5  # a bound, not a timing: the bomb took 69 s


def test_set_alias_bomb_and_deep_nesting_are_bad_input(govsim, tmp_path):
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]'
    for value in (bomb, "[" * 3000 + "]" * 3000):
        done = govsim("check", "baseline", "--set", f"description={value}", cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "not a YAML value" in done.stderr


def test_files_that_are_not_regular_files_are_bad_input(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "loop.yaml")
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 10)
    cases = {
        "/dev/zero": "not a regular file",
        str(fifo): "not a regular file",
        str(loop): "loops",
        str(big): "at most",
        str(tmp_path / ("x" * 300 + ".yaml")): "too long",
    }
    for path, expected in cases.items():
        with pytest.raises(ScenarioError, match=expected):
            load_scenario(path)


def test_extends_of_a_file_that_is_not_a_scenario_does_not_echo_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root: hunter2-secret\nadmin: s3cr3t-value\n")
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {secret}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "not a scenario file" in message
    assert "hunter2" not in message and "s3cr3t" not in message and "admin" not in message


@pytest.mark.parametrize("name", ["..", ".", "a/b", ".hidden", "../up"])
def test_names_that_are_paths_are_refused(tmp_path, name):
    with pytest.raises(ScenarioError, match="name"):
        load_scenario(_scenario(tmp_path, f"name: '{name}'\n"))
    with pytest.raises(Exception, match="name"):
        SweepSpec.model_validate(
            {"name": name, "scenario": "x.yaml", "design": "grid", "parameters": {}}
        )
