"""The one table of display names: every metric, objective, key and kind, in two languages.

Core objects: ``Name`` (an entry: English and Chinese name, English and Chinese unit),
``NAMES`` (the table, by group and key, read from names.tsv beside this module),
``GROUPS``, and the look-ups the figures, tables, dashboard and key reference use:
``display_name`` (a name in the language in force), ``unit``, ``label`` ("Satisfaction
(mean, 0..1)"), ``bilingual`` ("Deliberation (议事协商)"), ``metric_group`` (which
group a table's metric column belongs to) and ``glossary`` (the Chinese terms beside
the English ones, for the ODD and README.zh-CN.md).

names.tsv is a plain tab-separated table (group, key, en, zh, unit_en, unit_zh), so
a translator can edit it without reading Python. Groups: ``metric`` (the columns of
timeseries.parquet, ``govsim.sim.metrics.METRICS``), ``objective`` (the five objectives
of the scorecard), ``component`` (the scorecard's other entries), ``key`` (every dotted
path of a scenario file, sections included: the innovations are
``mechanisms.<name>``, the frictions ``frictions.<name>``), ``kind`` (the five kinds of
subject) and ``term`` (words of the thesis that are none of these).
tests/test_text.py checks that the table names every metric, objective, scorecard
entry and scenario key, with both names and both units, and nothing that no longer
exists.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from govsim.text.language import language

__all__ = [
    "GLOSSARY_BEGIN",
    "GLOSSARY_END",
    "GROUPS",
    "NAMES",
    "Name",
    "bilingual",
    "display_name",
    "glossary",
    "glossary_markdown",
    "label",
    "metric_group",
    "unit",
]

GROUPS = ("metric", "objective", "component", "key", "kind", "term")
#: How a comparison table names a scorecard entry (``scorecard.refined_assessment``).
SCORECARD_PREFIX = "scorecard."


@dataclass(frozen=True)
class Name:
    """One entry of the table: a name and its unit, in English and in Chinese."""

    en: str
    zh: str
    unit_en: str
    unit_zh: str

    def name(self, code: str | None = None) -> str:
        """The name in ``code`` (default: the language in force)."""
        return self.zh if (code or language()) == "zh" else self.en

    def unit(self, code: str | None = None) -> str:
        """The unit in ``code`` (default: the language in force)."""
        return self.unit_zh if (code or language()) == "zh" else self.unit_en


def _read_table() -> dict[tuple[str, str], Name]:
    text = resources.files("govsim.text").joinpath("names.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    return {
        (row["group"], row["key"]): Name(row["en"], row["zh"], row["unit_en"], row["unit_zh"])
        for row in rows
    }


#: The table, by (group, key).
NAMES: dict[tuple[str, str], Name] = _read_table()


def metric_group(key: str) -> tuple[str, str]:
    """The (group, key) of a column a table or figure shows.

    ``scorecard.<objective>`` is an objective, ``scorecard.<entry>`` a scorecard
    component, a dotted path a scenario key; anything else is tried as a metric, then
    as a kind, an objective, a component and a term.
    """
    if key.startswith(SCORECARD_PREFIX):
        entry = key.removeprefix(SCORECARD_PREFIX)
        return ("objective", entry) if ("objective", entry) in NAMES else ("component", entry)
    if "." in key:
        return "key", key
    for group in ("metric", "kind", "objective", "component", "term", "key"):
        if (group, key) in NAMES:
            return group, key
    return "metric", key


def _entry(key: str, group: str | None) -> Name | None:
    return NAMES.get((group, key) if group else metric_group(key))


def display_name(key: str, group: str | None = None, code: str | None = None) -> str:
    """The display name of ``key`` in ``code`` (default: the language in force).

    A key the table does not hold is shown as it is (a user's own metric column still
    gets a label, never an error).
    """
    entry = _entry(key, group)
    return entry.name(code) if entry else key


def unit(key: str, group: str | None = None, code: str | None = None) -> str:
    """The unit of ``key`` in ``code`` ("" for a key the table does not hold)."""
    entry = _entry(key, group)
    return entry.unit(code) if entry else ""


def label(key: str, group: str | None = None, code: str | None = None) -> str:
    """Name and unit, as an axis label: "Satisfaction (mean, 0..1)", "居民满意度（均值（0–1））"."""
    name, what = display_name(key, group, code), unit(key, group, code)
    if not what:
        return name
    return f"{name}（{what}）" if (code or language()) == "zh" else f"{name} ({what})"


def bilingual(key: str, group: str | None = None, code: str | None = None) -> str:
    """The name with the other language beside it where it helps.

    In English the Chinese term follows in brackets ("Deliberation (议事协商)"), as the
    thesis's readers know both; in Chinese the Chinese name alone.
    """
    entry = _entry(key, group)
    if entry is None:
        return key
    return entry.zh if (code or language()) == "zh" else f"{entry.en} ({entry.zh})"


def _top_level(prefix: str) -> Callable[[str], bool]:
    return lambda key: key.startswith(prefix) and key.count(".") == 1


#: What the glossary holds, in order: (group, which keys, what they are in en and zh).
_GLOSSARY: tuple[tuple[str, Callable[[str], bool], str, str], ...] = (
    ("term", lambda key: True, "term", "术语"),
    ("kind", lambda key: True, "kind of subject", "主体类型"),
    ("key", _top_level("mechanisms."), "innovation", "创新机制"),
    ("objective", lambda key: True, "objective", "目标"),
    ("key", _top_level("frictions."), "friction", "治理难题"),
)


def glossary() -> list[tuple[str, str, str, str]]:
    """The Chinese terms beside the English ones: (English, Chinese, what, 类别).

    The thesis's own vocabulary: its terms, the five kinds of subject, the
    innovations, the five objectives and the frictions (the four problems and the
    comparative ones), as names.tsv holds them.
    """
    return [
        (name.en, name.zh, what_en, what_zh)
        for wanted, keep, what_en, what_zh in _GLOSSARY
        for (group, key), name in NAMES.items()
        if group == wanted and keep(key)
    ]


#: Where README.zh-CN.md holds the generated tables (scripts/refresh_reference.py).
GLOSSARY_BEGIN = "<!-- BEGIN GLOSSARY (generated from model/text/names.tsv) -->"
GLOSSARY_END = "<!-- END GLOSSARY -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def glossary_markdown() -> str:
    """The glossary and every metric and objective as Markdown tables, Chinese first.

    README.zh-CN.md embeds it between ``GLOSSARY_BEGIN`` and ``GLOSSARY_END``; a test
    checks that the two agree, so the README cannot drift from names.tsv.
    """
    lines = ["| 中文 | English | 类别 |", "|---|---|---|"]
    lines += [f"| {zh} | {_cell(en)} | {what_zh} |" for en, zh, _, what_zh in glossary()]
    for group, title in (("objective", "五个目标（得分卡）"), ("metric", "指标")):
        lines += [
            "",
            f"**{title}**",
            "",
            "| 中文名 | 单位 | English | 标识符 |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {name.zh} | {_cell(name.unit_zh)} | {_cell(name.en)} | `{key}` |"
            for (g, key), name in NAMES.items()
            if g == group
        ]
    return "\n".join(lines) + "\n"
