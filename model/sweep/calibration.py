"""Calibrating one free parameter of a rule so that a scenario's participation meets a target.

Core objects: ``RuleSetting`` (how a decision rule is run in a comparison of rules:
fixed settings, and the free parameter calibrated, with its search bracket),
``RULE_SETTINGS`` (the three rules as docs/ROBUSTNESS.md runs them), ``Calibration``
(the result: the value found, the participation it gives, every evaluation) and
``calibrate`` (the root find).

Rule: find the value p of the free parameter at which the mean participation (the
``participation`` outcome of govsim.sweep.factorial: the weekly rate over the last 52
reported weeks) of the scenario over a fixed set of replicate seeds equals the target t:
f(p) = mean_r participation(p; seed_r) - t = 0, by Brent's method
(``scipy.optimize.brentq``) on the bracket. The seeds are the same at every p (common
random numbers), so f is a deterministic function of p and the root find is well posed
even where f jumps (a cascade that starts or not); Brent's method then converges on the
jump, and the result says whether the value found lies in the band |f| <= tolerance. The
search stops as soon as an evaluation falls within a quarter of the band (it is then
at least as good as any further refinement needs). The value reported is the evaluated
one nearest the target (at a jump Brent's last point may sit on either side). A
parameter whose f has no sign change on the bracket cannot meet the target there: the
result gives the nearer end and ``within = False``; it is reported, never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import brentq

from govsim.runs import executor_for
from govsim.runs.executors import Executor
from govsim.scenario import Scenario
from govsim.sweep.factorial import CellRun, cell_scenario, cells, collect_runs

__all__ = ["RULE_SETTINGS", "Calibration", "RuleSetting", "calibrate", "mean_participation"]


@dataclass(frozen=True)
class RuleSetting:
    """How a decision rule is run when rules are compared.

    Attributes:
        rule: ``decision.rule``.
        fixed: dotted-path settings held fixed (besides the rule).
        parameter: the dotted path calibrated to the target (None: the reference rule,
            whose own participation sets the target).
        bracket: where the root find searches (low, high).
        reason: why this parameter, and why the fixed settings.
    """

    rule: str
    fixed: Mapping[str, Any] = field(default_factory=dict)
    parameter: str | None = None
    bracket: tuple[float, float] = (0.0, 1.0)
    reason: str = ""

    def overrides(self, value: float | None = None) -> dict[str, Any]:
        """The scenario overrides of this rule, with the parameter at ``value`` if given."""
        values = {"decision.rule": self.rule, **self.fixed}
        if self.parameter is not None and value is not None:
            values[self.parameter] = value
        return values


#: The three rules as the robustness study runs them (docs/ROBUSTNESS.md).
RULE_SETTINGS: tuple[RuleSetting, ...] = (
    RuleSetting(
        "logit",
        reason="the reference: its baseline participation is the target of the others",
    ),
    RuleSetting(
        "threshold",
        fixed={"decision.threshold_sd": 0.25},
        parameter="decision.threshold_mean",
        bracket=(0.3, 1.0),
        reason="the mean threshold sets how many join without others; sd 0.25 because at "
        "the default 0.1 no mean gives a participation between the few who are asked "
        "(about 4%) and everyone (the threshold distribution is too narrow for a stable "
        "state in between)",
    ),
    RuleSetting(
        "imitation",
        parameter="decision.enhancement",
        bracket=(3.0, 9.0),
        reason="the enhancement r sets how well cooperation pays, the game's one free parameter",
    ),
)


@dataclass(frozen=True)
class Calibration:
    """The result of one calibration.

    Attributes:
        rule, parameter: what was calibrated (parameter None: nothing, the reference).
        value: the value found (None for the reference).
        target, tolerance: the target participation and the band's half-width.
        achieved: the mean participation at ``value`` over the seeds.
        within: whether |achieved - target| <= tolerance.
        evaluations: every (value, participation) the search ran, in order.
    """

    rule: str
    parameter: str | None
    value: float | None
    target: float
    tolerance: float
    achieved: float
    within: bool
    evaluations: tuple[tuple[float, float], ...] = ()


def mean_participation(
    scenario: Scenario, seeds: Sequence[int], executor: Executor, *, progress: bool = False
) -> float:
    """Mean of the ``participation`` outcome of ``scenario`` over ``seeds``."""
    tasks = [CellRun(scenario, 0, r, int(seed)) for r, seed in enumerate(seeds)]
    rows = collect_runs(executor, tasks, progress, scenario.name)
    return float(np.mean([row["participation"] for row in rows]))


class _CloseEnoughError(Exception):
    """Raised inside the root find when an evaluation is close enough to stop."""

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self.value = value


def calibrate(
    base: Scenario,
    setting: RuleSetting,
    target: float,
    seeds: Sequence[int],
    *,
    tolerance: float = 0.02,
    workers: int = 1,
    executor: Executor | None = None,
    xtol: float = 1e-3,
    progress: bool = False,
) -> Calibration:
    """Calibrate ``setting.parameter`` so that ``base`` (its baseline cell) meets ``target``.

    Args:
        base: the scenario whose baseline (all innovations off) is calibrated.
        setting: the rule, its fixed settings, the parameter and its bracket.
        target: the participation to meet (the reference rule's baseline).
        seeds: replicate seeds, the same at every evaluation.
        tolerance: half-width of the band |participation - target| <= tolerance.
        workers: local processes (1: here), when no executor is given.
        executor: where the runs go (results do not depend on it).
        xtol: Brent's absolute tolerance on the parameter.
        progress: a progress bar per evaluation (named by the value tried).

    Returns:
        The ``Calibration``.

    Raises:
        ValueError: the setting has no parameter to calibrate (it is a reference).
    """
    if setting.parameter is None:
        raise ValueError(f"rule '{setting.rule}' has no parameter to calibrate")
    runner = executor or executor_for(workers)
    baseline = cell_scenario(base, cells()[0])
    evaluations: list[tuple[float, float]] = []

    def gap(value: float) -> float:
        scenario = baseline.with_overrides(setting.overrides(value)).model_copy(
            update={"name": f"calibrating {setting.rule}: {setting.parameter} = {value:.4g}"}
        )
        achieved = mean_participation(scenario, seeds, runner, progress=progress)
        evaluations.append((value, achieved))
        if abs(achieved - target) <= tolerance / 4:
            raise _CloseEnoughError(value)
        return achieved - target

    _root(gap, setting.bracket, xtol)
    # The best evaluation: at a jump of f Brent's last point can sit on either side.
    value, achieved = min(evaluations, key=lambda run: abs(run[1] - target))
    return Calibration(
        setting.rule,
        setting.parameter,
        value,
        target,
        tolerance,
        achieved,
        abs(achieved - target) <= tolerance,
        tuple(evaluations),
    )


def _root(gap: Any, bracket: tuple[float, float], xtol: float) -> None:
    """Brent's root of ``gap`` on the bracket (nothing more to do without a sign change)."""
    low, high = bracket
    try:
        if np.sign(gap(low)) != np.sign(gap(high)):
            brentq(gap, low, high, xtol=xtol, maxiter=40)
    except _CloseEnoughError:
        pass
