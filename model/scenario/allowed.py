"""What a scenario field allows, in words: for error messages and the key reference.

Core objects: ``allowed_values`` ("number, 0 to 1", "one of `logit`, `threshold`",
"integer, >= 1, or null"), from a field's annotation and pydantic's metadata.
"""

from __future__ import annotations

from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

__all__ = ["allowed_values"]


def _constraints(metadata: list[Any]) -> str:
    """'0 to 1', '>= 0', 'at most 200 characters', ... from pydantic field metadata."""
    bounds = {
        name: getattr(item, name)
        for item in metadata
        for name in ("ge", "gt", "le", "lt", "min_length", "max_length", "pattern")
        if getattr(item, name, None) is not None
    }
    low = (
        (">= ", bounds["ge"])
        if "ge" in bounds
        else (("> ", bounds["gt"]) if "gt" in bounds else None)
    )
    high = (
        ("<= ", bounds["le"])
        if "le" in bounds
        else (("< ", bounds["lt"]) if "lt" in bounds else None)
    )
    parts = []
    if low and high and low[0] == ">= " and high[0] == "<= ":
        parts.append(f"{_bound(low[1])} to {_bound(high[1])}")
    else:
        parts += [f"{bound[0]}{_bound(bound[1])}" for bound in (low, high) if bound]
    if "min_length" in bounds or "max_length" in bounds:
        parts.append(
            f"{bounds.get('min_length', 0)} to {bounds.get('max_length', 'any')} characters"
        )
    if "pattern" in bounds:
        parts.append(f"matching `{bounds['pattern']}`")
    return ", ".join(parts)


def _bound(value: float) -> str:
    """A bound as the reference writes it: 100,000 with separators, 0.5 as it is."""
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else f"{value:g}"


def allowed_values(annotation: Any, metadata: list[Any]) -> str:
    """A field's type and allowed values, in words."""
    origin = get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(f"`{choice}`" for choice in get_args(annotation))
    if origin in (UnionType, Union):
        options = [allowed_values(arg, []) for arg in get_args(annotation) if arg is not type(None)]
        suffix = ", or null" if type(None) in get_args(annotation) else ""
        return " or ".join(options) + suffix
    if origin is list:
        return "list of " + allowed_values(get_args(annotation)[0], [])
    if get_origin(annotation) is Annotated:
        inner, *extra = get_args(annotation)
        for item in extra:
            extra_metadata = getattr(item, "metadata", None)
            if extra_metadata is not None:
                return allowed_values(inner, [*metadata, *extra_metadata])
        return allowed_values(inner, metadata)
    names = {bool: "true/false", int: "integer", float: "number", str: "text"}
    name = names.get(annotation, getattr(annotation, "__name__", str(annotation)))
    allowed = _constraints(metadata)
    return f"{name}, {allowed}" if allowed else name
