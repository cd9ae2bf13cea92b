"""The parameters of a sweep: one varied scenario value each.

Core objects: ``Parameter`` (a list of values, or a number or whole-number range,
with its SALib bounds, how a sampled number becomes a scenario value, and its grid
levels).

In the sampled designs SALib draws each parameter uniformly in its bounds: a number
range ``[low, high]``; a whole-number field ``[low, high + 1)`` rounded down (so each
whole number low..high is equally likely; the upper edge, which only a Morris grid
reaches, counts as ``high``); a list of k values ``[0, k)`` rounded down to an index
(each value equally likely).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = ["Parameter"]


@dataclass(frozen=True)
class Parameter:
    """One varied scenario value: a list of values, or a number or whole-number range.

    Attributes:
        path: the dotted scenario path (``frictions.admin_burden``).
        kind: ``values`` (a list), ``number`` or ``integer`` (a range).
        values: the list, as the scenario holds them (validated and typed).
        low, high: the range.
        levels: grid levels of a range.
    """

    path: str
    kind: Literal["values", "number", "integer"]
    values: tuple[Any, ...] = ()
    low: float = 0.0
    high: float = 0.0
    levels: int | None = None

    def bounds(self) -> list[float]:
        """SALib bounds: [low, high]; [low, high + 1) whole numbers; [0, k) for a list."""
        if self.kind == "number":
            return [self.low, self.high]
        if self.kind == "integer":
            return [self.low, self.high + 1]
        return [0.0, float(len(self.values))]

    def apply(self, sampled: np.ndarray) -> list[Any]:
        """The scenario values of SALib's samples of this parameter (see ``bounds``)."""
        if self.kind == "number":
            return [float(x) for x in sampled]
        if self.kind == "integer":
            return [int(x) for x in np.clip(np.floor(sampled), self.low, self.high)]
        index = np.clip(np.floor(sampled), 0, len(self.values) - 1).astype(int)
        return [self.values[i] for i in index]

    def grid(self) -> list[Any]:
        """The grid levels: the list, or ``levels`` values evenly spaced over the range."""
        if self.kind == "values":
            return list(self.values)
        spaced = np.linspace(self.low, self.high, self.levels or 2)
        if self.kind == "integer":
            return [int(x) for x in np.rint(spaced)]
        return [float(f"{x:.12g}") for x in spaced]  # 0.3, not 0.30000000000000004
