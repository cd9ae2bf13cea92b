"""The one error every bad scenario input becomes, and how pydantic's errors read.

Core objects: ``ScenarioError`` (a one-paragraph message; the CLI prints it and exits
with code 2), ``Origins`` (where each dotted path was written) and
``format_validation_error`` (pydantic's errors as that paragraph: each bad field
path, where it was written, its value and what is allowed).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from govsim.scenario.allowed import allowed_values
from govsim.scenario.paths import field_at, is_section, section_keys
from govsim.scenario.values import shown

__all__ = ["Origins", "ScenarioError", "format_validation_error"]

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
        where = f"field '{path}'{_origin(path, lines)}"
        if item["type"] == "extra_forbidden":
            parent, _, key = path.rpartition(".")
            problems.append(f"{where}: unknown key{_unknown_key_hint(root, parent, key)}")
            continue
        if not item["loc"]:  # a rule across fields (Scenario._consistent)
            problems.append(_across_fields(item["msg"], lines))
            continue
        problems.append(f"{where} = {shown(item.get('input'))}: {_explained(root, path, item)}")
    count = len(problems)
    head = "invalid scenario" + (f" ({count} problems)" if count > 1 else "")
    return f"{head}: " + "; ".join(problems) + "."


def _format_location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("function-after",)) or "(top)"


def _origin(path: str, lines: Origins | None) -> str:
    """Where ``path`` (or its nearest ancestor, e.g. for a list item) was written."""
    if not lines:
        return ""
    parts = path.split(".")
    while parts:
        found = lines.get(".".join(parts))
        if found is not None:
            return f" (line {found})" if isinstance(found, int) else f" ({found})"
        parts.pop()
    return ""


def _explained(root: type[BaseModel], path: str, item: Mapping[str, Any]) -> str:
    """Pydantic's message, with what the field allows when the value had the wrong type."""
    message = item["msg"]
    info = field_at(root, path)
    if info is None or ("type" not in item["type"] and "parsing" not in item["type"]):
        return message
    if is_section(info.annotation):
        keys = ", ".join(sorted(info.annotation.model_fields))
        return f"'{path}' is a section, not a value: set its keys ({path}.KEY), one of {keys}"
    return f"{message}; allowed: {allowed_values(info.annotation, info.metadata)}"


def _across_fields(message: str, lines: Origins | None) -> str:
    """A rule that joins several fields, with where each field it names was written."""
    text = message.removeprefix("Value error, ")
    named = dict.fromkeys(re.findall(r"\b[a-z_]+(?:\.[a-z_]+)+\b", text))
    where = [f"{name}{_origin(name, lines)}" for name in named if _origin(name, lines)]
    return text + (f" (set at: {', '.join(where)})" if where else "")


def _unknown_key_hint(root: type[BaseModel], parent: str, key: str) -> str:
    keys = section_keys(root, parent)
    if keys is None:
        return " (see govsim schema)"
    close = difflib.get_close_matches(str(key), keys, n=1)
    guess = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{guess}; allowed keys here: {', '.join(keys)}"
