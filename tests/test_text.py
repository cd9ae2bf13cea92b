"""The names table, the language switch and display-width layout (model/text/)."""

from __future__ import annotations

import re
import warnings

import pytest

from govsim import GovernanceModel, Scenario
from govsim.scenario import (
    COMPARATIVE_MECHANISM_NAMES,
    MECHANISM_NAMES,
    reference_sections,
    scenario_reference,
)
from govsim.sim.metrics import METRICS, OBJECTIVES
from govsim.sim.population import KINDS
from govsim.text import (
    GLOSSARY_BEGIN,
    GLOSSARY_END,
    LANGUAGE_ENV,
    NAMES,
    LanguageError,
    bilingual,
    display_name,
    display_width,
    format_table,
    glossary,
    glossary_markdown,
    label,
    language,
    say,
    set_language,
    unit,
    using,
)
from govsim.text.messages import MESSAGES

from conftest import REPO

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _scenario_keys() -> list[str]:
    return [
        f"{path}.{key}" if path else key
        for path, _, rows in reference_sections()
        for key, *_ in rows
    ]


def _scorecard_entries() -> list[str]:
    model = GovernanceModel(
        Scenario(**{"steps": 2, "warmup": 0}).with_overrides({"population.residents": 60})
    )
    model.run_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a metric NaN throughout: fine
        return list(model.scorecard())


@pytest.fixture(scope="module")
def scorecard_entries() -> list[str]:
    return _scorecard_entries()


def _expected(scorecard_entries) -> dict[str, set[str]]:
    objectives = set(OBJECTIVES)
    return {
        "metric": set(METRICS),
        "objective": objectives,
        "component": set(scorecard_entries) - objectives,
        "key": set(_scenario_keys()),
        "kind": set(KINDS),
    }


def test_the_table_names_every_metric_objective_entry_key_and_kind(scorecard_entries):
    for group, keys in _expected(scorecard_entries).items():
        held = {key for g, key in NAMES if g == group}
        assert keys - held == set(), f"{group}s without a display name"
        assert held - keys == set(), f"{group}s in names.tsv that govsim no longer has"
    mechanisms = {*MECHANISM_NAMES, *COMPARATIVE_MECHANISM_NAMES}
    assert {("key", f"mechanisms.{name}") for name in mechanisms} <= set(NAMES)


def test_every_entry_has_both_names_and_both_units():
    for (group, key), entry in NAMES.items():
        assert entry.en and entry.zh and entry.unit_en and entry.unit_zh, (group, key)
        assert CHINESE.search(entry.zh), f"{group} {key}: no Chinese in {entry.zh!r}"
        assert CHINESE.search(entry.unit_zh) or entry.unit_zh.isascii(), (group, key)
        assert not CHINESE.search(entry.en), f"{group} {key}: Chinese in the English name"


def test_display_names_tell_entries_apart_in_both_languages():
    for group in ("metric", "objective", "component", "key"):
        for code in ("en", "zh"):
            names = [entry.name(code) for (g, _), entry in NAMES.items() if g == group]
            assert len(names) == len(set(names)), (group, code)


def test_names_follow_the_language_in_force(monkeypatch):
    assert display_name("satisfaction_mean") == "Satisfaction"
    assert label("satisfaction_mean") == "Satisfaction (mean, 0..1)"
    assert display_name("scorecard.refined_assessment") == "Refined assessment"
    assert display_name("frictions.admin_burden") == "Administrative burden"
    assert bilingual("mechanisms.deliberation") == "Deliberation (议事协商)"
    set_language("zh")
    assert display_name("satisfaction_mean") == "居民满意度"
    assert label("satisfaction_mean") == "居民满意度（均值，0–1）"
    assert display_name("scorecard.refined_assessment") == "考核评价精细化"
    assert unit("mean_time_to_resolve") == "周"
    assert bilingual("mechanisms.deliberation") == "议事协商"
    # A column govsim does not know is shown as it is, never an error.
    assert display_name("my_own_metric") == "my_own_metric" and label("my_own_metric")


def test_the_language_comes_from_the_setting_then_the_environment(monkeypatch):
    assert language() == "en"
    monkeypatch.setenv(LANGUAGE_ENV, "zh_CN.UTF-8")
    assert language() == "zh"
    assert set_language("en") == "en"  # the setting wins over the environment
    with using("zh"):
        assert say("week") == "周"
    assert say("week") == "week"
    assert set_language(None) == "zh"


def test_an_unknown_language_is_refused_saying_which_are_spoken(monkeypatch):
    with pytest.raises(LanguageError, match=r"unknown language 'fr'; allowed: 'en'.*'zh'"):
        set_language("fr")
    monkeypatch.setenv(LANGUAGE_ENV, "klingon")
    with pytest.warns(UserWarning, match="GOVSIM_LANG: unknown language 'klingon'"):
        assert language() == "en"


def test_every_message_has_both_languages_with_the_same_values():
    fields = re.compile(r"{(\w+)")
    for key, (english, chinese) in MESSAGES.items():
        assert english and chinese, key
        assert set(fields.findall(english)) == set(fields.findall(chinese)), key


def test_the_glossary_holds_the_thesis_terms_in_both_languages():
    terms = {zh: en for en, zh, *_ in glossary()}
    for chinese in ("一核多元", "社区大党委", "互联互动", "议事协商", "共建单位轮值", "积分制"):
        assert chinese in terms
    assert terms["三级联动"] == "Three-level linkage"
    assert terms["治理主体多元化"] == "Diversified subjects"


def test_tables_line_up_by_display_width_with_chinese_labels():
    assert display_width("高负担社区") == 10 and display_width("baseline") == 8
    rows = [["场景", "均值"], ["高负担社区", "0.512"], ["baseline", "0.25"]]
    lines = format_table(rows)
    # Every right-aligned value ends in the same screen column, and every label is
    # padded to the widest (10 columns) whatever its characters.
    ends = {display_width(line[: line.index(value)]) + display_width(value)
            for line, (_, value) in zip(lines, rows, strict=True)}  # fmt: skip
    assert ends == {10 + 2 + 5}
    assert [display_width(line[: line.index("  ")]) for line in lines[1:]] == [10, 8]


def test_the_key_reference_names_every_key_in_both_languages_whatever_is_spoken():
    english = scenario_reference()
    assert "| `admin_burden` | Administrative burden / 行政化负担 | share of core capacity |" in (
        english
    )
    assert "### `mechanisms.deliberation`: Deliberation / 议事协商" in english
    with using("zh"):
        assert scenario_reference() == english  # generated in English, Chinese beside


@pytest.mark.parametrize("page", ["README.zh-CN.md", "docs/ODD.md"])
def test_the_docs_hold_the_glossary_of_names_tsv(page: str):
    text = (REPO / page).read_text(encoding="utf-8")
    embedded = text.split(GLOSSARY_BEGIN, 1)[1].split(GLOSSARY_END, 1)[0].strip()
    assert embedded == glossary_markdown().strip(), (
        f"{page} is out of date: run .venv/bin/python scripts/refresh_reference.py"
    )
