"""What a scenario field allows, in words: for error messages and the key reference.

Core objects: ``allowed_values`` ("number, 0 to 1", "one of `logit`, `threshold`",
"integer, >= 1, or null"), from a field's annotation and pydantic's metadata, in the
language in force (``govsim.text``: "数值，0 至 1"), and ``pattern_words`` (a name
pattern said in words). The key reference is generated in English.
"""

from __future__ import annotations

from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from govsim.text import say

__all__ = ["allowed_values", "pattern_words"]

#: Patterns said in words (a reader of an error should not have to read a regex).
_PATTERN_WORDS = {r"^[\w\-][\w.\-]*$": "allowed.name_pattern"}


def pattern_words(pattern: str) -> str:
    """A field pattern in words where govsim knows it, else "matching `pattern`"."""
    key = _PATTERN_WORDS.get(pattern)
    return say(key) if key else say("allowed.matching", pattern=pattern)


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
        parts.append(say("allowed.range", low=_bound(low[1]), high=_bound(high[1])))
    else:
        parts += [f"{bound[0]}{_bound(bound[1])}" for bound in (low, high) if bound]
    if "min_length" in bounds or "max_length" in bounds:
        most = bounds.get("max_length")
        parts.append(
            say(
                "allowed.characters",
                low=bounds.get("min_length", 0),
                high=say("allowed.any") if most is None else most,
            )
        )
    if "pattern" in bounds:
        parts.append(pattern_words(bounds["pattern"]))
    return say("allowed.comma").join(parts)


def _bound(value: float) -> str:
    """A bound as the reference writes it: 100,000 with separators, 0.5 as it is."""
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else f"{value:g}"


def allowed_values(annotation: Any, metadata: list[Any]) -> str:
    """A field's type and allowed values, in words."""
    origin = get_origin(annotation)
    if origin is Literal:
        choices = say("allowed.list").join(f"`{choice}`" for choice in get_args(annotation))
        return say("allowed.one_of", choices=choices)
    if origin in (UnionType, Union):
        options = [allowed_values(arg, []) for arg in get_args(annotation) if arg is not type(None)]
        suffix = say("allowed.or_null") if type(None) in get_args(annotation) else ""
        return say("allowed.or").join(options) + suffix
    if origin is list:
        return say("allowed.list_of", item=allowed_values(get_args(annotation)[0], []))
    if get_origin(annotation) is Annotated:
        inner, *extra = get_args(annotation)
        for item in extra:
            extra_metadata = getattr(item, "metadata", None)
            if extra_metadata is not None:
                return allowed_values(inner, [*metadata, *extra_metadata])
        return allowed_values(inner, metadata)
    names = {bool: "allowed.bool", int: "allowed.int", float: "allowed.float", str: "allowed.str"}
    key = names.get(annotation)
    name = say(key) if key else getattr(annotation, "__name__", str(annotation))
    allowed = _constraints(metadata)
    return f"{name}{say('allowed.comma')}{allowed}" if allowed else name
