"""The one error every bad scenario input becomes, and how pydantic's errors read.

Core objects: ``ScenarioError`` (a one-paragraph message; the CLI prints it and exits
with code 2), ``Origins`` (where each dotted path was written) and
``format_validation_error`` (pydantic's errors as that paragraph: each bad field
path, where it was written, its value and what is allowed).

The paragraph is in the language in force (``govsim.text``): its frame from message
templates, pydantic's own sentence from ``PYDANTIC_MESSAGES`` by error type (with
pydantic's English where a type has no template), and in Chinese each field also by
its display name. The file, line, field path, value and what is allowed are there in
either language.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from govsim.scenario.allowed import allowed_values, pattern_words
from govsim.scenario.paths import field_at, is_section, section_keys
from govsim.scenario.values import shown, yaml11_hint
from govsim.text import display_name, language, say

__all__ = ["PYDANTIC_MESSAGES", "Origins", "ScenarioError", "format_validation_error"]

#: Pydantic's error types and the message template of each, by language code
#: (``str.format`` with pydantic's ``ctx``); English keeps pydantic's own words.
PYDANTIC_MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "less_than_equal": "应小于或等于 {le}",
        "less_than": "应小于 {lt}",
        "greater_than_equal": "应大于或等于 {ge}",
        "greater_than": "应大于 {gt}",
        "string_too_short": "至少应有 {min_length} 个字符",
        "string_too_long": "最多 {max_length} 个字符",
        "string_pattern_mismatch": "应为{words}",
        "string_type": "应为文本",
        "literal_error": "应为 {expected}",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "int_from_float": "应为整数，不能带小数",
        "float_parsing": "应为数值",
        "float_type": "应为数值",
        "finite_number": "应为有限数值",
        "bool_parsing": "应为 true 或 false",
        "bool_type": "应为 true 或 false",
        "list_type": "应为列表",
        "model_type": "应为映射（键: 值）",
        "dict_type": "应为映射（键: 值）",
        "missing": "缺少此字段",
        "too_short": "至少应有 {min_length} 项",
        "too_long": "最多 {max_length} 项",
    },
    "en": {"string_pattern_mismatch": "String should be {words}"},
}

#: Where a value came from, by dotted path: a line number of the scenario file, or a
#: phrase ("line 4 of base.yaml", "--set on the command line").
Origins = Mapping[str, int | str]


class ScenarioError(ValueError):
    """A scenario (file, document, override) that cannot be used, with a readable message.

    The message is one paragraph: where (file, line, dotted field path), the bad
    value, and what is allowed. The CLI prints it and exits with code 2.
    """

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}" if source else message)


def format_validation_error(
    error: ValidationError, root: type[BaseModel], *, lines: Origins | None = None
) -> str:
    """One paragraph: each bad field path, where it was written, its value, what is allowed.

    Args:
        error: pydantic's error.
        root: the model that was validated (``Scenario``), whose fields the paths name.
        lines: where each dotted path was written: a line number of the scenario file
            or a phrase (a parent file's line, ``--set``).
    """
    problems = []
    for item in error.errors(include_url=False):
        path = _format_location(item["loc"])
        where = say("error.field", path=path, origin=_origin(path, lines, _named(path)))
        if item["type"] == "extra_forbidden":
            parent, _, key = path.rpartition(".")
            unknown = say("error.unknown_key", hint=_unknown_key_hint(root, parent, key))
            problems.append(say("error.problem_key", where=where, text=unknown))
            continue
        if not item["loc"]:  # a rule across fields (Scenario._consistent)
            problems.append(_across_fields(item["msg"], lines))
            continue
        value, explained = shown(item.get("input")), _explained(root, path, item)
        problems.append(say("error.problem", where=where, value=value, text=explained))
    count = len(problems)
    head = say("error.invalid_many", count=count) if count > 1 else say("error.invalid")
    return say("error.paragraph", head=head, problems=say("error.separator").join(problems))


def _format_location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("function-after",)) or "(top)"


def _named(path: str) -> str:
    """In Chinese, the field's display name (for a reader who knows the thesis's terms)."""
    if language() != "zh":
        return ""
    parts = [part for part in path.split(".") if not part.isdigit()]  # a list item's field
    name = display_name(".".join(parts), "key")
    return "" if name == ".".join(parts) else name


def _origin(path: str, lines: Origins | None, name: str = "") -> str:
    """Where ``path`` (or its nearest ancestor, e.g. for a list item) was written."""
    parts = path.split(".")
    while lines and parts:
        found = lines.get(".".join(parts))
        if found is not None:
            where = say("error.line", line=found) if isinstance(found, int) else str(found)
            what = say("error.named", name=name, where=where) if name else where
            return say("error.origin", what=what)
        parts.pop()
    return say("error.origin", what=name) if name else ""


def _explained(root: type[BaseModel], path: str, item: Mapping[str, Any]) -> str:
    """Pydantic's message, with what the field allows when the value had the wrong type."""
    message = _message(item)
    info = field_at(root, path)
    if info is None or ("type" not in item["type"] and "parsing" not in item["type"]):
        return message
    if is_section(info.annotation):
        keys = ", ".join(sorted(info.annotation.model_fields))
        return say("error.section", path=path, keys=keys)
    allowed = allowed_values(info.annotation, info.metadata)
    kind = yaml11_hint(item.get("input"))
    if kind:  # yes / 0x10 / 1:10: text in YAML 1.2, though YAML 1.1 read it otherwise
        message += say(f"error.yaml11_{kind}", value=item["input"])
    return say("error.allowed", message=message, allowed=allowed)


def _message(item: Mapping[str, Any]) -> str:
    """Pydantic's sentence, from ``PYDANTIC_MESSAGES`` where the language has a template."""
    template = PYDANTIC_MESSAGES.get(language(), {}).get(item["type"])
    if template is None:
        return item["msg"]
    context = {
        key: f"{value:g}" if isinstance(value, float) else value
        for key, value in (item.get("ctx") or {}).items()
    }
    if "pattern" in context:
        context["words"] = pattern_words(str(context["pattern"]))
    try:
        return template.format(**context)
    except (KeyError, IndexError):  # a pydantic version that names its values otherwise
        return item["msg"]


def _across_fields(message: str, lines: Origins | None) -> str:
    """A rule that joins several fields, with where each field it names was written."""
    text = message.removeprefix("Value error, ")
    named = dict.fromkeys(re.findall(r"\b[a-z_]+(?:\.[a-z_]+)+\b", text))
    where = [f"{name}{_origin(name, lines)}" for name in named if _origin(name, lines)]
    return text + (say("error.set_at", where=", ".join(where)) if where else "")


def _unknown_key_hint(root: type[BaseModel], parent: str, key: str) -> str:
    keys = section_keys(root, parent)
    if keys is None:
        return say("error.see_schema")
    close = difflib.get_close_matches(str(key), keys, n=1)
    guess = say("error.did_you_mean", key=close[0]) if close else ""
    return guess + say("error.allowed_keys", keys=", ".join(keys))
