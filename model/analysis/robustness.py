"""Conclusions across decision rules: the calibrated factorial study and its robustness table.

Core objects: ``Study`` (the calibrations and the factorial table of every rule),
``run_study`` (calibrate each rule's baseline to the reference rule's participation,
then run the 2^5 factorial under each), ``robustness_table`` (baseline, full system
and each single innovation, under each rule, with paired effects and intervals) and
``disagreements`` (where the rules' conclusions differ).

Procedure (docs/ROBUSTNESS.md):

1. The reference rule (``RULE_SETTINGS[0]``, logit) runs the baseline on the
   calibration seeds; its mean participation is the target t.
2. Every other rule's free parameter is calibrated (govsim.sweep.calibration,
   Brent's method) so that its baseline meets t within ``tolerance`` on the same
   seeds; a rule that cannot is reported as such (``Calibration.within``).
3. Each rule, at its calibrated value, runs every cell of the 2^5 design with the same
   replicate seeds (govsim.sweep.factorial): the single-innovation runs, the baseline
   and the full system are cells of it, the decomposition (govsim.analysis.shapley)
   uses all of them.

Effects are paired differences with the baseline, replicate by replicate (common seeds),
with t intervals (``govsim.stats.t_interval``). A rule agrees with another on an
innovation's effect when their signs agree or one of the two is not distinguishable
from 0; the rules disagree when one interval lies above 0 and the other's below, or
when an effect is distinguishable under one rule and exactly nil under another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govsim.runs import executor_for, replicate_seeds
from govsim.runs.executors import Executor
from govsim.scenario import Scenario
from govsim.stats import t_interval
from govsim.sweep.calibration import (
    RULE_SETTINGS,
    Calibration,
    RuleSetting,
    calibrate,
    mean_participation,
)
from govsim.sweep.factorial import (
    FACTORS,
    OUTCOMES,
    cell_label,
    cell_scenario,
    cells,
    run_factorial,
)

__all__ = ["Study", "disagreements", "robustness_table", "run_study"]

_OUTCOME_NAMES = tuple(outcome.name for outcome in OUTCOMES)


@dataclass
class Study:
    """The calibrations and factorial tables of a comparison of rules.

    Attributes:
        calibrations: one per rule, in the order of the settings.
        table: every run of every rule's factorial (``run_factorial`` rows with a
            ``rule`` column first).
        settings: the rules as run.
    """

    calibrations: list[Calibration] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    settings: tuple[RuleSetting, ...] = RULE_SETTINGS

    def of(self, rule: str) -> pd.DataFrame:
        """The factorial table of one rule."""
        return self.table[self.table["rule"] == rule].drop(columns="rule")

    def calibration_table(self) -> pd.DataFrame:
        """One row per rule: the parameter, its value, target, participation, in band."""
        return pd.DataFrame(
            {
                "rule": c.rule,
                "parameter": c.parameter or "(reference)",
                "value": c.value,
                "target": c.target,
                "baseline_participation": c.achieved,
                "within_band": c.within,
                "evaluations": len(c.evaluations),
            }
            for c in self.calibrations
        )


def run_study(
    base: Scenario,
    replicates: int,
    *,
    settings: Sequence[RuleSetting] = RULE_SETTINGS,
    overrides: Mapping[str, Any] | None = None,
    calibration_replicates: int = 4,
    tolerance: float = 0.02,
    workers: int = 1,
    executor: Executor | None = None,
    progress: bool = True,
) -> Study:
    """Calibrate every rule's baseline to the reference's participation, then run each factorial.

    Args:
        base: the scenario (any cell: the design switches the innovations).
        replicates: replicates per cell of each factorial.
        settings: the rules; the first is the reference (no parameter).
        overrides: dotted-path values applied to ``base`` first (size, horizon).
        calibration_replicates: seeds of every calibration run (the first ones of the
            factorial's seeds, so calibration and factorial share their populations).
        tolerance: the participation band's half-width.
        workers: local processes (1: here), when no executor is given.
        executor: where runs go (results do not depend on it).
        progress: progress bars.
    """
    scenario = base.with_overrides(dict(overrides)) if overrides else base
    runner = executor or executor_for(workers)
    seeds = replicate_seeds(scenario.seed, calibration_replicates)
    reference, *others = settings
    if reference.parameter is not None:
        raise ValueError("the first rule setting is the reference: it has no parameter")
    baseline = cell_scenario(scenario, cells()[0]).with_overrides(reference.overrides())
    target = mean_participation(baseline, seeds, runner)
    study = Study(settings=tuple(settings))
    study.calibrations.append(
        Calibration(reference.rule, None, None, target, tolerance, target, True)
    )
    for setting in others:
        study.calibrations.append(
            calibrate(scenario, setting, target, seeds, tolerance=tolerance, executor=runner)
        )
    tables = [
        run_factorial(
            scenario,
            replicates,
            overrides=setting.overrides(found.value),
            executor=runner,
            progress=progress,
            label=setting.rule,
        ).assign(rule=setting.rule)
        for setting, found in zip(settings, study.calibrations, strict=True)
    ]
    study.table = pd.concat(tables, ignore_index=True)
    study.table.insert(0, "rule", study.table.pop("rule"))
    return study


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
