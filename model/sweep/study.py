"""The calibrated factorial study: every decision rule brought to one participation, then 2^5.

Core objects: ``Study`` (the calibrations and the factorial table of every rule) and
``run_study`` (calibrate each rule's baseline to the reference rule's participation,
then run the 2^5 factorial under each).

Procedure (docs/ROBUSTNESS.md):

1. The reference rule (``RULE_SETTINGS[0]``, logit) runs the baseline on the
   calibration seeds; its mean participation is the target t.
2. Every other rule's free parameter is calibrated (govsim.sweep.calibration,
   Brent's method) so that its baseline meets t within ``tolerance`` on the same
   seeds; a rule that cannot is reported as such (``Calibration.within``).
3. Each rule, at its calibrated value, runs every cell of the 2^5 design with the same
   replicate seeds (govsim.sweep.factorial): the single-innovation runs, the baseline
   and the full system are cells of it; govsim.analysis.robustness and
   govsim.analysis.shapley read the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from govsim.runs import executor_for, replicate_seeds
from govsim.runs.executors import Executor
from govsim.scenario import Scenario
from govsim.sweep.calibration import (
    RULE_SETTINGS,
    Calibration,
    RuleSetting,
    calibrate,
    mean_participation,
)
from govsim.sweep.factorial import cell_scenario, cells, run_factorial

__all__ = ["Study", "run_study"]


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


def _calibrations(
    scenario: Scenario,
    settings: Sequence[RuleSetting],
    seeds: Sequence[int],
    runner: Executor,
    *,
    tolerance: float,
    xtol: float,
    progress: bool,
) -> list[Calibration]:
    """The reference rule's baseline participation, then every other rule calibrated to it."""
    reference, *others = settings
    if reference.parameter is not None:
        raise ValueError("the first rule setting is the reference: it has no parameter")
    baseline = cell_scenario(scenario, cells()[0]).with_overrides(reference.overrides())
    target = mean_participation(baseline, seeds, runner, progress=progress)
    found = [
        calibrate(
            scenario,
            setting,
            target,
            seeds,
            tolerance=tolerance,
            executor=runner,
            xtol=xtol,
            progress=progress,
        )
        for setting in others
    ]
    return [Calibration(reference.rule, None, None, target, tolerance, target, True), *found]


def run_study(
    base: Scenario,
    replicates: int,
    *,
    settings: Sequence[RuleSetting] = RULE_SETTINGS,
    overrides: Mapping[str, Any] | None = None,
    calibration_replicates: int = 4,
    tolerance: float = 0.02,
    xtol: float = 1e-3,
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
        xtol: the root find's tolerance on each parameter (coarser is quicker).
        workers: local processes (1: here), when no executor is given.
        executor: where runs go (results do not depend on it).
        progress: progress bars.
    """
    scenario = base.with_overrides(dict(overrides)) if overrides else base
    runner = executor or executor_for(workers)
    seeds = replicate_seeds(scenario.seed, calibration_replicates)
    study = Study(settings=tuple(settings))
    study.calibrations.extend(
        _calibrations(
            scenario, settings, seeds, runner, tolerance=tolerance, xtol=xtol, progress=progress
        )
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
