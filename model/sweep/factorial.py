"""The full factorial design of the five innovations: 2^5 cells, paired replicates.

Core objects: ``FACTORS`` (the five innovations, in schedule order), ``OUTCOMES`` (the
four outcomes of the decomposition and how each is read from a run), ``cells`` (every
on/off combination), ``cell_scenario`` (a base scenario with one cell's innovations
on), ``run_factorial`` (every cell x replicate, on any executor; one row per run) and
``run_outcomes`` (the outcomes of one finished model).

Design: every cell of {off, on}^5 is run with the same replicate seeds (common random
numbers: replicate r of every cell starts from the same population and ties, drawn
from the same seed), so differences between cells are paired by replicate and the
decomposition's intervals can resample whole replicates (govsim.analysis.shapley).
The baseline is the cell with all five off, the full system the cell with all five
on; the single-innovation runs of a one-at-a-time table are the five cells with one
on, so a robustness table is a view of the same runs (govsim.analysis.robustness).

Why not a ``govsim sweep`` grid: a sweep seeds every design point separately
(``run_seed(root, point, replicate)``), so its cells are independent samples; the
decomposition needs them paired. The runs use the shared executors of govsim.runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from govsim.runs import executor_for, replicate_seeds
from govsim.runs.executors import Executor
from govsim.scenario import MECHANISM_NAMES, Scenario
from govsim.sim.governance import GovernanceModel

__all__ = [
    "FACTORS",
    "OUTCOMES",
    "WINDOW",
    "CellRun",
    "Outcome",
    "cell_label",
    "cell_scenario",
    "cells",
    "collect_runs",
    "run_cell",
    "run_factorial",
    "run_outcomes",
]

#: The five innovations, the factors of the design (schedule order).
FACTORS: tuple[str, ...] = tuple(MECHANISM_NAMES)
#: Weeks at the end of a run over which weekly participation is averaged: a year, a whole
#: number of activity and meeting cycles (4 weeks) and of assessments and chair terms
#: (13), as docs/ODD.md section 9 measures it (the whole run when it is shorter).
WINDOW = 52


@dataclass(frozen=True)
class Outcome:
    """One outcome of the decomposition: its column, the metric and how it is read."""

    name: str
    metric: str
    reading: str
    description: str


#: The outcomes of the decomposition. Cohesion is the share of resident ties that join
#: different blocks (bridging ties, Putnam 2000): structural cohesion across the
#: community, which trust (driven by performance, so close to satisfaction) is not.
OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "participation",
        "participation_rate",
        "window",
        f"weekly participation rate, mean of the last {WINDOW} reported weeks",
    ),
    Outcome("resolution", "resolution_rate", "end", "issues resolved / raised, at the end"),
    Outcome(
        "cohesion",
        "bridging_tie_share",
        "end",
        "share of resident ties that bridge blocks (Putnam 2000), at the end",
    ),
    Outcome("satisfaction", "satisfaction_mean", "end", "mean resident satisfaction, at the end"),
)


def cells(factors: Sequence[str] = FACTORS) -> list[tuple[bool, ...]]:
    """Every on/off combination of the factors: 2^k cells, all-off first, all-on last."""
    return [
        tuple(bool(b) for b in bits)
        for bits in itertools.product((False, True), repeat=len(factors))
    ]


def cell_label(cell: Sequence[bool], factors: Sequence[str] = FACTORS) -> str:
    """A readable name: 'baseline', 'full' or the innovations on joined by '+'."""
    if not any(cell):
        return "baseline"
    if all(cell):
        return "full"
    return "+".join(name for name, on in zip(factors, cell, strict=True) if on)


def cell_scenario(
    base: Scenario, cell: Sequence[bool], factors: Sequence[str] = FACTORS
) -> Scenario:
    """``base`` with exactly the cell's innovations enabled (the others disabled)."""
    return base.with_overrides(
        {f"mechanisms.{name}.enabled": bool(on) for name, on in zip(factors, cell, strict=True)}
    )


def run_outcomes(model: GovernanceModel) -> dict[str, float]:
    """The ``OUTCOMES`` of a finished model (``window``: mean of the last 52 reported weeks)."""
    frame = model.metrics_frame()
    values = {}
    for outcome in OUTCOMES:
        series = frame[outcome.metric].to_numpy(dtype=float)
        if outcome.reading == "window":
            values[outcome.name] = float(np.mean(series[1:][-WINDOW:]))
        else:
            values[outcome.name] = float(series[-1])
    return values


@dataclass(frozen=True)
class CellRun:
    """One run of the design: a cell's scenario and one replicate's seed."""

    scenario: Scenario
    cell: int
    replicate: int
    seed: int


def run_cell(task: CellRun) -> dict[str, Any]:
    """Run one cell x replicate; top level so worker processes can unpickle it."""
    model = GovernanceModel(task.scenario, rng=task.seed, agent_interval=0).run()
    return {"cell": task.cell, "replicate": task.replicate, "seed": task.seed} | run_outcomes(model)


def run_factorial(
    base: Scenario,
    replicates: int,
    *,
    factors: Sequence[str] = FACTORS,
    overrides: Mapping[str, Any] | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    progress: bool = True,
    label: str = "factorial",
) -> pd.DataFrame:
    """Run every cell of the 2^k design with the same ``replicates`` seeds.

    Args:
        base: the scenario the cells switch innovations in (its other settings hold
            in every cell; its seed is the root of the replicate seeds).
        replicates: runs per cell; replicate r uses the same seed in every cell.
        factors: the innovations to vary (default all five).
        overrides: dotted-path values applied to ``base`` first (e.g. the rule).
        workers: local processes (1: here); results do not depend on it.
        executor: where to run, overriding ``workers`` (e.g. a Dask executor).
        progress: a tqdm bar on stderr.
        label: the bar's name.

    Returns:
        One row per run, sorted by cell then replicate: ``cell`` (index into
        ``cells(factors)``), ``label``, one boolean column per factor, ``replicate``,
        ``seed``, then one column per outcome (``OUTCOMES``).
    """
    scenario = base.with_overrides(dict(overrides)) if overrides else base
    seeds = replicate_seeds(scenario.seed, replicates)
    design = cells(factors)
    tasks = [
        CellRun(cell_scenario(scenario, cell, factors), index, r, int(seed))
        for index, cell in enumerate(design)
        for r, seed in enumerate(seeds)
    ]
    rows = collect_runs(executor or executor_for(workers), tasks, progress, label)
    table = pd.DataFrame(rows).sort_values(["cell", "replicate"], ignore_index=True)
    table.insert(1, "label", [cell_label(design[c], factors) for c in table["cell"]])
    for position, name in enumerate(factors):
        table.insert(2 + position, name, [design[c][position] for c in table["cell"]])
    return table


def collect_runs(
    executor: Executor, tasks: list[CellRun], progress: bool, label: str
) -> list[dict[str, Any]]:
    """``run_cell`` of every task on the executor (in any order), with a progress bar."""
    run: Callable[[CellRun], dict[str, Any]] = run_cell
    stream = executor.imap(run, tasks)
    try:
        return list(tqdm(stream, total=len(tasks), desc=label, disable=not progress, leave=False))
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
