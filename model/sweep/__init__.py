"""Sweeps: one base scenario run at many design points, each with replicates, resumably.

Core objects:

- ``SweepSpec``: a sweep file (YAML), typed and validated (pydantic; unknown keys are
  errors). ``Range`` is a parameter's ``{low:, high:}`` (``levels:`` for grids).
- ``Sweep``: a validated sweep: its base ``Scenario``, its parameters (``Parameter``),
  its design table (every design point checked as a Scenario before anything runs)
  and its seeds. ``load_sweep(path)`` reads a file into one; ``make_sweep(document,
  base)`` builds one in Python.
- ``run_seed``: the seed of (design point, replicate).
- ``SweepTask`` and ``run_task``: a batch of runs that executes anywhere (this process,
  a local worker, a Dask worker) and writes one Parquet shard.
- ``run_sweep``: a whole ``govsim sweep``: skip what is finished, run the rest on an
  executor, then write the runs table, the summary per design point and, for sobol
  and morris designs, the sensitivity indices (``indices``).

Modules, one job each, in the order a sweep goes through them:

- ``spec``: the sweep file's schema (``SweepSpec``, ``Range``, ``SweepError``);
- ``parameters``: one varied value (``Parameter``: bounds, sampled values, grid);
- ``design``: designs and SALib's sampling (``sample``, ``design_points``);
- ``sweep``: the validated ``Sweep`` and its seeds (``run_seed``);
- ``checks``: validating a sweep against the scenario schema (``load_sweep``,
  ``make_sweep``);
- ``tasks``: batches of runs and their shards (``SweepTask``, ``run_task``);
- ``resume``: what a folder already holds, and whether this sweep may continue it;
- ``tables``: runs.csv and summary.csv (``write_tables``);
- ``indices``: SALib's analysis of the sampled design (``sobol_indices``,
  ``morris_indices``, ``indices``);
- ``run``: ``run_sweep`` and ``SweepResult``;
- ``factorial``: the 2^5 factorial of the innovations with paired replicates
  (``run_factorial``, ``cells``, ``OUTCOMES``), ``calibration``: one rule parameter
  calibrated to a participation (``calibrate``, ``RULE_SETTINGS``), and ``study``:
  every rule calibrated, then its factorial (``run_study``, ``Study``); their tables
  are read by govsim.analysis.shapley and govsim.analysis.robustness
  (docs/ROBUSTNESS.md).
"""

from govsim.sweep.calibration import RULE_SETTINGS, Calibration, RuleSetting, calibrate
from govsim.sweep.checks import load_sweep, make_sweep, metric_names
from govsim.sweep.design import design_points, design_size, problem, sample
from govsim.sweep.factorial import FACTORS, OUTCOMES, cell_label, cells, run_factorial
from govsim.sweep.indices import (
    MORRIS_COLUMNS,
    SOBOL_COLUMNS,
    indices,
    morris_indices,
    sobol_indices,
)
from govsim.sweep.parameters import Parameter
from govsim.sweep.resume import check_resumable, finished_runs
from govsim.sweep.run import SensitivityFigure, SweepResult, run_sweep
from govsim.sweep.spec import DESIGNS, MAX_POINTS, RESERVED, Range, SweepError, SweepSpec
from govsim.sweep.study import Study, run_study
from govsim.sweep.sweep import RUN_IDS, SAMPLE_PREFIX, Sweep, run_seed
from govsim.sweep.tables import RUN_FACTS, write_tables
from govsim.sweep.tasks import (
    MIN_TASKS,
    TASK_SECONDS,
    Batching,
    SweepTask,
    TaskReport,
    estimated_run_seconds,
    plan_batching,
    plan_tasks,
    run_task,
    shard_schema,
)

__all__ = [
    "DESIGNS",
    "FACTORS",
    "MAX_POINTS",
    "MIN_TASKS",
    "MORRIS_COLUMNS",
    "OUTCOMES",
    "RESERVED",
    "RULE_SETTINGS",
    "RUN_FACTS",
    "RUN_IDS",
    "SAMPLE_PREFIX",
    "SOBOL_COLUMNS",
    "TASK_SECONDS",
    "Batching",
    "Calibration",
    "Parameter",
    "Range",
    "RuleSetting",
    "SensitivityFigure",
    "Study",
    "Sweep",
    "SweepError",
    "SweepResult",
    "SweepSpec",
    "SweepTask",
    "TaskReport",
    "calibrate",
    "cell_label",
    "cells",
    "check_resumable",
    "design_points",
    "design_size",
    "estimated_run_seconds",
    "finished_runs",
    "indices",
    "load_sweep",
    "make_sweep",
    "metric_names",
    "morris_indices",
    "plan_batching",
    "plan_tasks",
    "problem",
    "run_factorial",
    "run_seed",
    "run_study",
    "run_sweep",
    "run_task",
    "sample",
    "shard_schema",
    "sobol_indices",
    "write_tables",
]
