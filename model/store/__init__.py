"""Store: result folders that never look complete when they are not, and their readers.

Core objects: ``RunStore`` (a run folder) and ``run_scenario`` (a whole ``govsim
run``, written into one), ``SweepStore`` (a sweep folder, with its shards), both on
one base (``ResultFolder``: the manifest, the final status, atomic tables and
figures); ``OutputError`` (a folder that cannot be used); ``atomic_write``; and the
reading side: ``read_manifest``, ``read_timeseries``, ``load_results`` and a sweep's
tables (``load_sweep_runs``, ``load_summary``, ``load_design``, ``load_sensitivity``).

Modules, one job each:

- ``files``: atomic files, and the temp files a killed writer leaves;
- ``provenance``: versions, git state, machine and time for the manifests;
- ``folder``: ``ResultFolder``, the shared base of both folders, and ``OutputError``;
- ``run_folder``: ``RunStore``, ``run_scenario`` and ``RunRecord``;
- ``sweep_folder``: ``SweepStore``, shards (``write_shard``, ``read_shard_runs``);
- ``readers``: everything that reads a stored run or sweep back.
"""

from govsim.store.files import TEMP_SUFFIX, atomic_write, remove_temp_files
from govsim.store.folder import FIGURES, FigureLike, OutputError, ResultFolder
from govsim.store.provenance import git_state, machine, now, versions
from govsim.store.readers import (
    load_design,
    load_results,
    load_sensitivity,
    load_summary,
    load_sweep_runs,
    read_manifest,
    read_sweep_manifest,
    read_timeseries,
)
from govsim.store.run_folder import (
    FORMAT,
    MANIFEST,
    TABLES,
    RunFigures,
    RunRecord,
    RunStore,
    run_scenario,
)
from govsim.store.sweep_folder import (
    SHARD_RUNS_KEY,
    SHARDS,
    SWEEP_FORMAT,
    SWEEP_MANIFEST,
    SweepStore,
    read_shard_runs,
    shard_paths,
    write_shard,
)

__all__ = [
    "FIGURES",
    "FORMAT",
    "MANIFEST",
    "SHARDS",
    "SHARD_RUNS_KEY",
    "SWEEP_FORMAT",
    "SWEEP_MANIFEST",
    "TABLES",
    "TEMP_SUFFIX",
    "FigureLike",
    "OutputError",
    "ResultFolder",
    "RunFigures",
    "RunRecord",
    "RunStore",
    "SweepStore",
    "atomic_write",
    "git_state",
    "load_design",
    "load_results",
    "load_sensitivity",
    "load_summary",
    "load_sweep_runs",
    "machine",
    "now",
    "read_manifest",
    "read_shard_runs",
    "read_sweep_manifest",
    "read_timeseries",
    "remove_temp_files",
    "run_scenario",
    "shard_paths",
    "versions",
    "write_shard",
]
