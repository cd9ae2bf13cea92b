"""Dotted paths through the scenario schema (``frictions.cohesion.initial_trust``).

Core objects: ``is_section`` (an annotation that is a section, not a value),
``field_at`` (the pydantic field at a dotted path), ``section_keys`` (the keys a
section allows), ``read_path`` (the value at a path of a validated scenario) and
``deep_merge`` (two documents merged key by key, as ``extends`` and ``--set`` do).

The walks take the schema's root model (``Scenario``) as their first argument, so
that the Scenario and the formatting of its errors use them without a cycle.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

__all__ = ["deep_merge", "field_at", "is_section", "read_path", "section_keys"]


def is_section(annotation: Any) -> bool:
    """Whether a field's annotation is a section (a pydantic model), not a value."""
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def field_at(root: type[BaseModel], path: str) -> Any:
    """The pydantic FieldInfo at dotted ``path`` of ``root`` (None where it names none)."""
    model: type[BaseModel] = root
    info = None
    for key in path.split("."):
        if info is not None:
            if not is_section(info.annotation):
                return None
            model = info.annotation
        info = model.model_fields.get(key)
        if info is None:
            return None
    return info


def section_keys(root: type[BaseModel], parent: str) -> list[str] | None:
    """The keys allowed in the section at dotted path ``parent`` (None: not a section).

    At the top level (``parent`` empty) ``extends`` is allowed too.
    """
    model: type[BaseModel] = root
    if parent:
        info = field_at(root, parent)
        if info is None or not is_section(info.annotation):
            return None
        model = info.annotation
    keys = sorted(model.model_fields)
    return ["extends", *keys] if not parent else keys


def read_path(instance: BaseModel, path: str) -> Any:
    """The value at dotted ``path`` of a validated model (``scenario.frictions.budget``)."""
    value: Any = instance
    for part in path.split("."):
        value = getattr(value, part)
    return value


def deep_merge(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Merge two scenario documents; the child's values win, mappings merge key by key."""
    merged = copy.deepcopy(dict(parent))
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
