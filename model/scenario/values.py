"""Plain values: what files, messages and pickles hold, whatever produced them.

Core objects: ``plain`` (Python values for numpy scalars and dict subclasses),
``shown`` (a value as an error message quotes it) and ``finite_or_none`` (a number
for JSON, which has no NaN).

Shared by the scenario's messages, the sweep's design table and checks, and the
records of runs (numpy is not imported here: ``govsim check`` stays quick).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["finite_or_none", "plain", "shown", "yaml11_hint"]


def plain(value: Any) -> Any:
    """Plain Python values: mappings as dicts, lists as lists, numpy scalars as numbers.

    For pydantic, JSON and pickles (a YAML mapping that remembers its lines, or a
    design table's ``numpy.int64``, becomes what it stands for).
    """
    if isinstance(value, Mapping):
        return {key: plain(child) for key, child in value.items()}
    if isinstance(value, list):
        return [plain(child) for child in value]
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return value


def shown(value: Any) -> str:
    """A value as a one-paragraph message quotes it: JSON, at most 80 characters."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list) and len(value) > 10:
        return f"a list of {len(value)} values"
    try:
        # As written: Chinese names are shown, never escaped ("\\u9ad8...").
        text = json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def finite_or_none(value: Any) -> float | None:
    """``value`` as a float, or None where it is not finite (JSON has no NaN)."""
    number = float(value)
    return number if math.isfinite(number) else None


_YAML11_BOOL = re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$")
_YAML11_NUMBER = re.compile(
    r"^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oObB]?[0-7_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?)$"
)


def yaml11_hint(value: Any) -> str:
    """What YAML 1.1 would have read a text value as: 'boolean', 'number' or '' (neither).

    ``yes``/``on``/``n`` were booleans and ``0x10``, ``0o17``, ``1:10`` (base 60, 70) and
    ``1_000`` numbers in YAML 1.1; in YAML 1.2, which govsim reads, they are text.
    """
    if not isinstance(value, str):
        return ""
    if _YAML11_BOOL.match(value.strip()):
        return "boolean"
    return "number" if _YAML11_NUMBER.match(value.strip()) else ""
