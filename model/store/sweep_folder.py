"""The sweep folder of ``govsim sweep``: one process at a time, shards written once.

Core objects: ``SweepStore`` (one sweep folder, locked while a sweep writes it),
``write_shard`` (one task's rows, with its run records in the Parquet footer),
``read_shard_runs`` (those records, from the footer only) and ``shard_paths``.

A sweep folder holds::

    sweep.json        manifest: the sweep, its base scenario, batching, status, counts,
                      sessions (one per start), versions, git commit
    design.parquet    one row per design point: design_point, one column per parameter
    timeseries/       Parquet dataset: one shard per task, tidy rows of its runs; each
                      shard's footer also records its runs (status, error, seconds,
                      final-step metrics, scorecard), so the shards alone say what is done
    runs.csv          one row per planned run (written at the end of every session)
    summary.csv       per design point and metric: n, mean, sd, 95% CI over replicates
    sensitivity.csv   sobol and morris designs: the indices per metric and parameter
    figures/          sensitivity.png, when the caller draws it

A shard is written once, atomically, by the task that ran its runs; the parent only
reads shard footers. A shard's name depends on the runs it holds, so a task run twice
(a Dask retry, a worker that outlived a killed parent) rewrites the same file with
the same content instead of adding a second copy.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import IO, Any, ClassVar

import pyarrow as pa
import pyarrow.parquet as pq

from govsim.store.files import atomic_write, remove_temp_files
from govsim.store.folder import FIGURES, OutputError, ResultFolder
from govsim.store.lock import take_folder_lock
from govsim.store.provenance import git_state, machine, now, versions
from govsim.store.run_folder import MANIFEST

__all__ = [
    "SHARDS",
    "SHARD_RUNS_KEY",
    "SWEEP_FORMAT",
    "SWEEP_MANIFEST",
    "SweepStore",
    "read_shard_runs",
    "shard_paths",
    "write_shard",
]

SWEEP_MANIFEST = "sweep.json"
SWEEP_FORMAT = "govsim-sweep/1"
SHARDS = "timeseries"
#: Key of the run records in a shard's Parquet footer (JSON list of dicts).
SHARD_RUNS_KEY = b"govsim.runs"
_LOCK = ".sweep.lock"


class SweepStore(ResultFolder):
    """One sweep folder, owned by one process at a time (see the module docstring).

    ``open`` checks the folder and takes its lock (released when the process ends,
    however it ends, so a killed sweep never leaves a stale lock); ``close`` releases it.
    Writing a manifest or a table is atomic, as for a run folder.
    """

    MANIFEST: ClassVar[str] = SWEEP_MANIFEST
    KIND: ClassVar[str] = "sweep"
    INTERRUPTED: ClassVar[str] = (
        "interrupted (Ctrl-C or SIGTERM); start the sweep again to finish it"
    )
    LEFTOVER_FOLDERS: ClassVar[tuple[str, ...]] = (SHARDS, FIGURES)
    LEFTOVER_FILES: ClassVar[tuple[str, ...]] = (_LOCK,)

    def __init__(self, folder: Path, lock: IO[bytes] | None) -> None:
        super().__init__(folder)
        self._lock = lock

    @property
    def shards(self) -> Path:
        """The Parquet dataset folder of the sweep's time series."""
        return self.folder / SHARDS

    @classmethod
    def open(cls, folder: str | Path) -> SweepStore:
        """Check that ``folder`` can hold this sweep, create it and take its lock.

        The folder must be new, empty, or a sweep folder (it has sweep.json); a run
        folder or any other folder is refused, so a mistyped ``--out`` never mixes a
        sweep with other files. Whether the sweep in it is *this* sweep is the
        caller's question (``previous``).

        Raises:
            OutputError: the folder cannot be used, or another process is writing it.
        """
        folder = Path(folder)
        cls._refuse_a_file(folder)
        if folder.is_dir() and not (folder / SWEEP_MANIFEST).is_file():
            if (folder / MANIFEST).is_file():
                raise OutputError(
                    f"output folder '{folder}' holds a govsim run (manifest.json), not a "
                    "sweep. Choose another folder with --out."
                )
            if cls._holds_other_files(folder):
                raise OutputError(
                    f"output folder '{folder}' already holds files and is not a govsim "
                    f"sweep folder (it has no {SWEEP_MANIFEST}). Choose an empty or new "
                    "folder with --out."
                )
        try:
            (folder / SHARDS).mkdir(parents=True, exist_ok=True)
            (folder / FIGURES).mkdir(exist_ok=True)
        except OSError as error:
            raise cls._cannot_write(folder, error) from None
        return cls(folder, take_folder_lock(folder, "sweep", _LOCK))

    def close(self) -> None:
        """Release the folder's lock."""
        if self._lock is not None:
            self._lock.close()  # closing the file releases its flock
            self._lock = None

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- manifest ---------------------------------------------------------------------

    def previous(self) -> dict[str, Any] | None:
        """The manifest a previous session left here, or None for a new folder."""
        if not (self.folder / SWEEP_MANIFEST).is_file():
            return None
        return self.load_manifest(self.folder)

    def start(self, manifest: dict[str, Any], session: dict[str, Any]) -> None:
        """Write the manifest (status ``running``), keeping earlier sessions' records."""
        self._clock = time.monotonic()
        earlier = (self.previous() or {}).get("sessions", [])
        self.manifest = {
            "format": SWEEP_FORMAT,
            **manifest,
            "status": "running",
            "error": None,
            "updated": now(),
            "sessions": [
                *earlier,
                {
                    **session,
                    "started": now(),
                    "ended": None,
                    "seconds": None,
                    "versions": versions(),
                    "git": git_state(),
                    "platform": machine(),
                },
            ],
            "note": "Parameter defaults are illustrative, not calibrated (docs/ODD.md).",
        }
        self.write_manifest()
        remove_temp_files(self.folder)  # of a killed parent

    def update(self, **fields: Any) -> None:
        """Rewrite the manifest with some fields changed (progress counts, outputs)."""
        self.manifest.update(fields, updated=now())
        self.write_manifest()

    def finish(self, status: str, error: str | None = None) -> None:
        """Close the session in the manifest with its final status and duration."""
        session = self.manifest["sessions"][-1]
        session.update(ended=now(), seconds=self._seconds())
        self.update(status=status, error=error)

    def remove(self, name: str) -> None:
        """Remove an output that this session does not produce (e.g. an old figure)."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / name).unlink()


def write_shard(path: Path, table: pa.Table, runs: list[dict[str, Any]]) -> Path:
    """Write one task's shard atomically: its rows, and its run records in the footer.

    Args:
        path: the shard file (``timeseries/shard-*.parquet``); its folder must exist.
        table: the task's tidy rows (may have no rows, when every run of the task
            failed).
        runs: one small record per run of the task (JSON-serialisable).
    """
    # Only the run records: pandas' own metadata (a few KB per shard, every column
    # listed again) adds nothing that the Arrow types do not already say.
    metadata = {SHARD_RUNS_KEY: json.dumps(runs, default=str).encode("utf-8")}
    table = table.replace_schema_metadata(metadata)
    return atomic_write(path, lambda handle: pq.write_table(table, handle))


def read_shard_runs(path: Path) -> list[dict[str, Any]]:
    """The run records of one shard, read from its footer only (not its rows).

    Raises:
        OutputError: the file is not a readable govsim shard.
    """
    try:
        metadata = pq.read_schema(path).metadata or {}
        return json.loads(metadata[SHARD_RUNS_KEY])
    except (OSError, KeyError, ValueError) as error:
        raise OutputError(
            f"{path} is not a readable govsim shard ({type(error).__name__}: {error}). "
            "Move it out of the folder and start the sweep again to redo its runs."
        ) from None


def shard_paths(folder: str | Path) -> list[Path]:
    """The shards of a sweep folder, sorted by name (temp files of killed tasks excluded)."""
    return sorted(Path(folder, SHARDS).glob("shard-*.parquet"))
