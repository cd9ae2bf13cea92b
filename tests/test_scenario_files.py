"""Scenario files: the shipped files, their README, and the loader under every bad input."""

from __future__ import annotations

import re
import string
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from govsim import MECHANISM_NAMES, Scenario, ScenarioError, load_scenario
from govsim.scenario import (
    REFERENCE_BEGIN,
    REFERENCE_END,
    reference_sections,
    scenario_json_schema,
    scenario_reference,
)

from conftest import REPO, SCENARIOS

FILES = sorted(SCENARIOS.glob("*.yaml"))
README = SCENARIOS / "README.md"


def _levers(scenario: Scenario) -> set[str]:
    return {name for name in MECHANISM_NAMES if scenario.enabled(name)}


def _conditions(scenario: Scenario) -> dict:
    """Everything but the name, the description and the five on/off switches."""
    document = scenario.model_dump(mode="json")
    for key in ("name", "description"):
        document.pop(key)
    for name in MECHANISM_NAMES:
        document["mechanisms"][name].pop("enabled")
    return document


# --------------------------------------------------------------------------- the files


def test_the_expected_files_exist():
    names = {path.stem for path in FILES}
    expected = {"baseline", "one_core_multiple"}
    expected |= {f"{kind}_{name}" for kind in ("only", "without") for name in MECHANISM_NAMES}
    assert expected <= names


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_file_loads_and_is_named_after_itself(path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem  # the name is the results folder
    assert scenario.description.strip()


def test_one_core_multiple_is_the_default_scenario():
    loaded = load_scenario(SCENARIOS / "one_core_multiple.yaml")
    assert loaded.model_copy(update={"description": ""}) == Scenario()


def test_baseline_switches_every_innovation_off_and_changes_nothing_else():
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    assert _levers(baseline) == set()
    assert _conditions(baseline) == _conditions(Scenario())


@pytest.mark.parametrize("name", MECHANISM_NAMES)
def test_only_and_without_files_differ_from_their_reference_by_one_lever(name):
    only = load_scenario(SCENARIOS / f"only_{name}.yaml")
    without = load_scenario(SCENARIOS / f"without_{name}.yaml")
    assert _levers(only) == {name}
    assert _levers(without) == set(MECHANISM_NAMES) - {name}
    assert _conditions(only) == _conditions(without) == _conditions(Scenario())
    source = (SCENARIOS / f"only_{name}.yaml").read_text()
    assert "extends: baseline.yaml" in source  # written with extends, not copied


# --------------------------------------------------------------------------- the README


def _leaf_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    paths = []
    for key, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths += _leaf_paths(annotation, f"{prefix}{key}.")
        else:
            paths.append(f"{prefix}{key}")
    return paths


def test_readme_key_reference_is_generated_from_the_schema():
    text = README.read_text(encoding="utf-8")
    assert REFERENCE_BEGIN in text and REFERENCE_END in text
    embedded = text.split(REFERENCE_BEGIN, 1)[1].split(REFERENCE_END, 1)[0].strip()
    assert embedded == scenario_reference().strip(), (
        "scenarios/README.md is out of date: replace the text between the markers with "
        "the output of `govsim schema --markdown`"
    )


def test_every_schema_field_is_documented():
    documented = {
        f"{path}.{key}" if path else key: text
        for path, _, rows in reference_sections()
        for key, _, _, text in rows
    }
    missing = [path for path in _leaf_paths() if not documented.get(path, "").strip()]
    assert not missing, f"fields without a description in model/scenario/: {missing}"
    assert documented["extends"]


def test_readme_explains_every_file():
    text = README.read_text(encoding="utf-8")
    for path in FILES:
        assert f"`{path.name}`" in text, path.name


def test_json_schema_covers_every_key():
    schema = scenario_json_schema()
    assert "extends" in schema["properties"]
    assert set(Scenario.model_fields) <= set(schema["properties"])


# --------------------------------------------------------------------------- errors


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("steps: 5\nsteps: 6\n", ["duplicate key 'steps'", "line 2"]),
        ("seed: &s 3\nsteps: *s\n", ["aliases", "line 2"]),
        ("- 1\n- 2\n", ["mapping", "list"]),
        ("population: 5\n", ["'population' (line 1)", "= 5"]),
        ("extends: 5\n", ["'extends' (line 1)", "path of a parent"]),
        ("name: 'a b'\n", ["'name' (line 1)", '"a b"', "letters or digits"]),
        (
            "decision:\n  rule: threshold\n  thresholds: [0.1, 2.0]\n",
            ["'decision.thresholds.1' (line 3)", "2.0", "less than or equal to 1"],
        ),
        ("population:\n  traits:\n    opinion_low: 0.9\n    opinion_high: 0.1\n", ["line 2"]),
        ("mechanisms:\n  rotation:\n    trem: 4\n", ["line 3", "did you mean 'term'"]),
    ],
)
def test_loader_messages_name_the_file_line_path_value_and_rule(tmp_path, text, expected):
    path = _write(tmp_path, "bad.yaml", text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_errors_inherited_through_extends_point_at_the_parent_line(tmp_path):
    _write(tmp_path, "parent.yaml", "name: parent\nfrictions:\n  budget: -1\n")
    child = _write(tmp_path, "child.yaml", "extends: parent.yaml\nname: child\n")
    with pytest.raises(ScenarioError, match=r"'frictions.budget' \(line 3 of .*parent.yaml\)"):
        load_scenario(child)


def test_extends_merges_deeply_and_the_child_wins(tmp_path):
    _write(tmp_path, "parent.yaml", "name: p\nsteps: 7\nfrictions:\n  budget: 3\n")
    _write(tmp_path, "middle.yaml", "extends: parent.yaml\nname: m\nfrictions:\n  budget: 4\n")
    child = _write(tmp_path, "child.yaml", "extends: middle.yaml\nname: c\n")
    scenario = load_scenario(child, {"frictions.admin_burden": 0.1})
    assert (scenario.name, scenario.steps, scenario.frictions.budget) == ("c", 7, 4.0)
    assert scenario.frictions.admin_burden == 0.1
    assert scenario.frictions.linkage == Scenario().frictions.linkage


def test_an_override_error_points_at_the_override_not_the_file(tmp_path):
    path = _write(tmp_path, "ok.yaml", "name: ok\nsteps: 5\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, {"steps": -1})
    assert "'steps' (set by --set) = -1" in str(caught.value)
    with pytest.raises(ScenarioError, match="'steps' is a value, not a section"):
        load_scenario(path, {"steps.weeks": 3})


def test_an_extends_cycle_through_the_file_itself_is_refused(tmp_path):
    path = _write(tmp_path, "self.yaml", "extends: self.yaml\n")
    with pytest.raises(ScenarioError, match="'extends' cycle"):
        load_scenario(path)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "null\n"])
def test_an_empty_file_is_an_error_not_the_default_scenario(tmp_path, text):
    # A truncated or unsaved file must not silently run the full default scenario.
    with pytest.raises(ScenarioError, match="the file is empty"):
        load_scenario(_write(tmp_path, "empty.yaml", text))


def test_types_are_strict_and_errors_say_what_is_allowed(tmp_path):
    for text, expected in [
        ("steps: true\n", "allowed: integer, 1 to 1,000,000"),
        ('steps: "10"\n', "valid integer"),
        ("steps: 5.0\n", "valid integer"),
        ('mechanisms:\n  rotation:\n    enabled: "false"\n', "allowed: true/false"),
        ("mechanisms:\n  rotation: true\n", "'mechanisms.rotation' is a section"),
    ]:
        with pytest.raises(ScenarioError, match=re.escape(expected)):
            load_scenario(_write(tmp_path, "typed.yaml", f"name: typed\n{text}"))
    # A whole number is still a number.
    assert (
        load_scenario(_write(tmp_path, "n.yaml", "frictions:\n  budget: 30\n")).frictions.budget
        == 30
    )


def test_a_rule_across_fields_names_where_each_field_was_set(tmp_path):
    path = _write(tmp_path, "x.yaml", "name: x\npopulation:\n  residents: 10\n  communities: 20\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "at least 40 residents" in message
    assert (
        "population.residents (line 3)" in message and "population.communities (line 4)" in message
    )
    assert "(top)" not in message and "Value error" not in message


def test_a_mapping_set_on_a_section_merges_into_it(tmp_path):
    path = _write(tmp_path, "b.yaml", "name: b\npopulation:\n  block_size: 10\n  residents: 100\n")
    scenario = load_scenario(path, {"population": {"residents": 60}})
    assert (scenario.population.block_size, scenario.population.residents) == (10, 60)
    with pytest.raises(ScenarioError, match=r"'population.residents' \(set by --set\)"):
        load_scenario(path, {"population": {"residents": "x"}})


def test_a_long_extends_chain_is_refused_with_its_limit(tmp_path):
    _write(tmp_path, "c0.yaml", "name: c0\n")
    for i in range(1, 40):
        _write(tmp_path, f"c{i}.yaml", f"extends: c{i - 1}.yaml\nname: c{i}\n")
    assert load_scenario(tmp_path / "c20.yaml").name == "c20"
    with pytest.raises(ScenarioError, match="'extends' chain longer than 32 files"):
        load_scenario(tmp_path / "c39.yaml")


def test_an_error_in_a_parent_says_which_child_extends_it(tmp_path):
    _write(tmp_path, "parent.yaml", "name: p\nsteps: 20: 30\n")
    _write(tmp_path, "child.yaml", "name: c\nextends: parent.yaml\n")
    with pytest.raises(
        ScenarioError,
        match=r"parent.yaml: line 2.*reached through 'extends' on line 2 of .*child.yaml",
    ):
        load_scenario(tmp_path / "child.yaml")


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: x\ndescription: caf\xe9\n")
    with pytest.raises(ScenarioError, match="line 2: not UTF-8 text"):
        load_scenario(path)


# --------------------------------------------------------------------------- properties

LEAVES = _leaf_paths()
_KEYS = st.sampled_from([*LEAVES, *{path.split(".")[0] for path in LEAVES}, "extends"])
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12) | _KEYS | st.integers(), children, max_size=4)
    ),
    max_leaves=12,
)
_SAFE = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _nested(path: str, value: object) -> dict:
    document: object = value
    for key in reversed(path.split(".")):
        document = {key: document}
    return document  # type: ignore[return-value]


def _accepts_or_explains(path: Path, overrides: dict | None = None) -> None:
    """The loader's contract: a Scenario, or a ScenarioError with a message, nothing else."""
    try:
        scenario = load_scenario(path, overrides)
    except ScenarioError as error:
        assert str(error).strip()
    else:
        assert isinstance(scenario, Scenario)


@_SAFE
@given(document=st.dictionaries(_KEYS | st.text(max_size=12), _VALUES, max_size=6))
def test_random_documents_are_accepted_or_explained(tmp_path, document):
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    _accepts_or_explains(path)


@_SAFE
@given(
    path_and_value=st.lists(st.tuples(st.sampled_from(LEAVES), _VALUES), min_size=1, max_size=4),
    extra=st.dictionaries(st.text(max_size=10), _SCALARS, max_size=2),
)
def test_mutated_scenarios_are_accepted_or_explained(tmp_path, path_and_value, extra):
    document = Scenario().model_dump(mode="json")
    for dotted, value in path_and_value:
        node = document
        *parents, key = dotted.split(".")
        for parent in parents:
            node = node[parent]
        node[key] = value
    document.update(extra)
    path = tmp_path / "mutated.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    _accepts_or_explains(path)


_BASE_TEXT = (SCENARIOS / "only_rotation.yaml").read_text(encoding="utf-8")
_NOISE = st.text(alphabet=string.printable + "：中é\t", max_size=8)


@_SAFE
@given(edits=st.lists(st.tuples(st.integers(0, len(_BASE_TEXT)), st.integers(0, 6), _NOISE)))
def test_corrupted_files_are_accepted_or_explained(tmp_path, edits):
    # A copy of a real file (with its extends chain) edited at random: cut and insert.
    text = _BASE_TEXT
    for position, cut, insert in edits:
        text = text[:position] + insert + text[position + cut :]
    for name in ("baseline.yaml", "one_core_multiple.yaml"):
        (tmp_path / name).write_bytes((SCENARIOS / name).read_bytes())
    path = tmp_path / "corrupted.yaml"
    path.write_text(text, encoding="utf-8")
    _accepts_or_explains(path)


@_SAFE
@given(
    overrides=st.dictionaries(
        st.sampled_from(LEAVES) | st.from_regex(re.compile(r"[a-z_.]{0,30}"), fullmatch=True),
        _VALUES,
        max_size=3,
    )
)
def test_random_overrides_are_accepted_or_explained(overrides):
    _accepts_or_explains(SCENARIOS / "baseline.yaml", overrides)


def test_nested_documents_from_the_schema_paths_load(tmp_path):
    # Every leaf set to its own default, one file per leaf: all accepted.
    defaults = Scenario().model_dump(mode="json")
    for dotted in LEAVES:
        value = defaults
        for key in dotted.split("."):
            value = value[key]
        path = tmp_path / "one.yaml"
        path.write_text(yaml.safe_dump(_nested(dotted, value)), encoding="utf-8")
        assert load_scenario(path) == Scenario(), dotted


# --------------------------------------------------------------------------- shipped files


def test_a_shipped_scenario_is_found_by_name_from_any_folder(govsim, tmp_path):
    checked = govsim("check", "baseline", "comparative/japan", "sweeps/levers_lhs", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "ok: baseline: 'baseline'" in checked.stdout
    assert "ok: comparative/japan: 'japan'" in checked.stdout
    missing = govsim("check", "no_such_scenario", cwd=tmp_path)
    assert missing.returncode == 2
    assert "file not found (nor a shipped scenario of that name" in missing.stderr


def test_a_file_in_the_current_folder_wins_over_the_shipped_one(govsim, tmp_path):
    (tmp_path / "baseline.yaml").write_text("name: mine\nsteps: 3\n", encoding="utf-8")
    checked = govsim("check", "baseline.yaml", cwd=tmp_path)
    assert "ok: baseline.yaml: 'mine', 3 weeks" in checked.stdout, checked.stderr


def test_a_users_own_model_module_does_not_shadow_govsim(tmp_path):
    (tmp_path / "model.py").write_text("raise ImportError('the user model')\n", encoding="utf-8")
    code = "from govsim import GovernanceModel, Scenario; print(GovernanceModel.__name__)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "GovernanceModel"


def test_the_wheel_carries_the_shipped_scenario_files(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("govsim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"govsim/scenarios/{path.relative_to(SCENARIOS).as_posix()}"
        for path in SCENARIOS.rglob("*.yaml")
    }
    assert shipped <= names, sorted(shipped - names)
    assert "govsim/sim/kernels/ties.py" in names


def test_overrides_take_numpy_scalars_as_the_values_they_hold():
    """EMA Workbench passes np.int64, np.float64 and np.bool_; they are not text."""
    base = load_scenario(SCENARIOS / "baseline.yaml")
    changed = base.with_overrides(
        {
            "steps": np.int64(8),
            "mechanisms.rotation.enabled": np.bool_(True),
            "frictions.admin_burden": np.float64(0.25),
        }
    )
    assert changed.steps == 8 and type(changed.steps) is int
    assert changed.mechanisms.rotation.enabled is True
    assert changed.frictions.admin_burden == 0.25
    # A numpy value out of bounds is still refused, quoted as the number it is.
    with pytest.raises(ScenarioError, match=r"= 0[^\"]"):
        base.with_overrides({"steps": np.int64(0)})
