"""Conclusions across decision rules: the robustness table and where the rules disagree.

Core objects: ``robustness_table`` (baseline, full system and each single innovation,
under each rule, with paired effects and intervals) and ``disagreements`` (where the
rules' conclusions differ). Both read the table of a calibrated factorial study
(``govsim.sweep.study.run_study``: every rule's baseline brought to the same
participation, then the 2^5 design under each), whose single-innovation, baseline and
full cells are the rows shown.

Effects are paired differences with the baseline, replicate by replicate (common seeds),
with t intervals (``govsim.stats.t_interval``). A rule agrees with another on an
innovation's effect when their signs agree or one of the two is not distinguishable
from 0; the rules disagree when one interval lies above 0 and the other's below, or
when an effect is distinguishable under one rule and exactly nil under another.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from govsim.stats import t_interval
from govsim.sweep.factorial import FACTORS, OUTCOMES, cell_label, cells

__all__ = ["disagreements", "robustness_table"]

_OUTCOME_NAMES = tuple(outcome.name for outcome in OUTCOMES)


def _shown_cells(factors: Sequence[str]) -> list[int]:
    """Baseline, full, then each single innovation (cell indices)."""
    k = len(factors)
    return [0, 2**k - 1, *[1 << (k - 1 - i) for i in range(k)]]


def robustness_table(
    study_table: pd.DataFrame,
    outcomes: Sequence[str] = _OUTCOME_NAMES,
    factors: Sequence[str] = FACTORS,
    level: float = 0.95,
) -> pd.DataFrame:
    """Baseline, full system and each single innovation, under each rule.

    Returns:
        One row per (rule, scenario, outcome): ``mean`` and its t interval over
        replicates, and ``effect`` (the paired difference with the baseline) with its
        interval (``effect_low``, ``effect_high``; NaN on the baseline's rows).
    """
    design = cells(factors)
    rows = []
    for rule, table in study_table.groupby("rule", sort=False):
        for outcome in outcomes:
            wide = table.pivot(index="replicate", columns="cell", values=outcome)
            for cell in _shown_cells(factors):
                values = wide[cell].to_numpy(dtype=float)
                effect = values - wide[0].to_numpy(dtype=float)
                stats = _describe(np.stack([values, effect]), level)
                rows.append(
                    {
                        "rule": rule,
                        "scenario": cell_label(design[cell], factors),
                        "outcome": outcome,
                        "mean": stats["mean"][0],
                        "low": stats["ci95_low"][0],
                        "high": stats["ci95_high"][0],
                        "effect": np.nan if cell == 0 else stats["mean"][1],
                        "effect_low": np.nan if cell == 0 else stats["ci95_low"][1],
                        "effect_high": np.nan if cell == 0 else stats["ci95_high"][1],
                    }
                )
    return pd.DataFrame(rows)


def _describe(values: np.ndarray, level: float) -> pd.DataFrame:
    """Mean, sd and t interval of each row of ``values`` (rows: series, columns: replicates)."""
    frame = pd.DataFrame(
        {"n": values.shape[1], "mean": values.mean(axis=1), "sd": values.std(axis=1, ddof=1)}
    )
    return t_interval(frame, level)


def _direction(low: float, high: float, effect: float) -> str:
    if low > 0:
        return "+"
    if high < 0:
        return "-"
    return "nil" if effect == 0 and low == high else "0"


def disagreements(table: pd.DataFrame) -> pd.DataFrame:
    """Where the rules' conclusions on an effect differ (see the module docstring).

    Args:
        table: a ``robustness_table``.

    Returns:
        One row per (scenario, outcome) whose effect's direction is not the same under
        every rule: the direction per rule ('+', '-', '0' not distinguishable from 0,
        'nil' exactly 0 in every replicate) and ``kind``: 'opposite' (one above 0, one
        below) or 'only under some' (distinguishable under some rules, not others).
    """
    effects = table.dropna(subset=["effect"]).copy()
    effects["direction"] = [
        _direction(lo, hi, e)
        for lo, hi, e in zip(
            effects["effect_low"], effects["effect_high"], effects["effect"], strict=True
        )
    ]
    wide = effects.pivot_table(
        index=["scenario", "outcome"],
        columns="rule",
        values="direction",
        aggfunc="first",
        sort=False,
    )
    rows = []
    for (scenario, outcome), directions in wide.iterrows():
        seen = set(directions)
        if len(seen) <= 1:
            continue
        kind = "opposite" if {"+", "-"} <= seen else "only under some"
        rows.append(
            {"scenario": scenario, "outcome": outcome, **directions.to_dict(), "kind": kind}
        )
    return pd.DataFrame(rows)
