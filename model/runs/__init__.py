"""Runs: replicate seeds, one replicate, where replicates run, and their summary.

Core objects: ``replicate_seeds`` (one integer seed per replicate, from numpy's
``SeedSequence``), ``Replicate`` (one task: scenario, replicate index, seed),
``simulate`` and ``run_replicate`` (run one task; top level, so picklable),
``SerialExecutor``, ``ProcessExecutor`` and ``DaskExecutor`` (where tasks run),
``run_replicates`` (many tasks, tidy results), ``summarise`` (final-step statistics
over replicates) and ``replicate_until_precise`` (replicates until a precision).

Modules, one job each:

- ``seeds``: ``replicate_seeds``;
- ``replicate``: one replicate (``Replicate``, ``simulate``, ``run_replicate``,
  ``initial_network``) and the columns of its time series;
- ``executors``: where tasks run (``Executor`` and its three kinds);
- ``replicates``: many replicates (``Replicates``, ``run_replicates``);
- ``summary``: ``summarise``, ``clip_to_ranges``;
- ``precision``: ``PrecisionTarget``, ``replicate_until_precise``, ``ci_half_widths``.

A stored run (``run_scenario``, the run folder) is the store's: ``govsim.store``.
"""

from govsim.runs.executors import (
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SchedulerError,
    SerialExecutor,
    executor_for,
)
from govsim.runs.precision import (
    PILOT_REPLICATES,
    PrecisionTarget,
    ci_half_widths,
    replicate_until_precise,
)
from govsim.runs.replicate import (
    ALL_COMMUNITIES,
    ID_COLUMNS,
    Replicate,
    ReplicateResult,
    initial_network,
    interruption_behind,
    run_replicate,
    simulate,
)
from govsim.runs.replicates import Replicates, run_replicates
from govsim.runs.seeds import replicate_seeds
from govsim.runs.summary import clip_to_ranges, summarise

__all__ = [
    "ALL_COMMUNITIES",
    "ID_COLUMNS",
    "PILOT_REPLICATES",
    "DaskExecutor",
    "Executor",
    "PrecisionTarget",
    "ProcessExecutor",
    "Replicate",
    "ReplicateResult",
    "Replicates",
    "SchedulerError",
    "SerialExecutor",
    "ci_half_widths",
    "clip_to_ranges",
    "executor_for",
    "initial_network",
    "interruption_behind",
    "replicate_seeds",
    "replicate_until_precise",
    "run_replicate",
    "run_replicates",
    "simulate",
    "summarise",
]
