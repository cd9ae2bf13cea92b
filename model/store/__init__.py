"""Run store: a run folder that never looks complete when it is not.

Core objects: ``RunStore`` (one run folder), ``OutputError`` (a folder that cannot be
used), ``atomic_write`` (temp file in the same folder, fsync, ``os.replace``),
``read_manifest`` and ``read_timeseries`` (the reading side); for sweeps (see "sweep
folders" below) ``SweepStore``, ``write_shard``, ``read_shard_runs``, ``shard_paths``
and ``read_sweep_manifest``.

A run folder holds::

    manifest.json       resolved scenario, seeds, versions, git commit, times, status
    timeseries.parquet  tidy: scenario, replicate, seed, step, one column per metric
    scorecard.csv       one row per replicate: the five objectives and their components
    summary.csv         per metric at the final step: n, mean, sd, 95% CI over replicates
    figures/*.png       time series with 95% bands; the community network

Order of writing: the manifest first (``status: running``), then the data files,
then the manifest again (``completed``). Every file is written under a temporary
name (``.<name>.<random>.tmp``) in the same folder, flushed to disk and renamed over
the final name, which POSIX makes atomic. So a run killed at any moment (Ctrl-C,
SIGTERM, SIGKILL, power loss) leaves either the previous version of a file or
none, and a manifest that does not say ``completed``. Ctrl-C and SIGTERM mark the
manifest ``interrupted``, errors mark it ``failed``; after SIGKILL it stays
``running``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd

from govsim.scenario import Scenario

__all__ = [
    "FIGURES",
    "MANIFEST",
    "SHARDS",
    "SWEEP_MANIFEST",
    "TABLES",
    "OutputError",
    "RunStore",
    "SweepStore",
    "atomic_write",
    "read_manifest",
    "read_shard_runs",
    "read_sweep_manifest",
    "read_timeseries",
    "shard_paths",
    "write_shard",
]

MANIFEST = "manifest.json"
FIGURES = "figures"
#: The data files of a run, written between the two manifests.
TABLES = ("timeseries.parquet", "scorecard.csv", "summary.csv")
FORMAT = "govsim-run/1"
_TEMP_SUFFIX = ".tmp"
# mkstemp creates files readable by their owner only; results are ordinary files, so
# they get the permissions the user's umask gives any new file.
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK


class OutputError(ValueError):
    """A run folder that cannot be written or read (the CLI exits with code 2)."""


# --------------------------------------------------------------------------- atomic files


def _fsync_folder(folder: Path) -> None:
    # The rename itself lives in the folder's entry table: sync it too, or a crash
    # can forget the new name although the data reached the disk.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(path: Path, write: Callable[[IO[bytes]], None]) -> Path:
    """Write ``path`` all at once: ``write(handle)`` to a temp file, fsync, rename.

    Args:
        path: the final file; its folder must exist.
        write: fills a binary file handle.

    Returns:
        ``path``. On any exception (including KeyboardInterrupt) the temp file is
        removed and ``path`` is untouched.
    """
    path = Path(path)
    descriptor, temp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_folder(path.parent)
    return path


def _write_bytes(data: bytes) -> Callable[[IO[bytes]], None]:
    return lambda handle: handle.write(data)


# --------------------------------------------------------------------------- provenance


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _versions() -> dict[str, str]:
    import mesa  # noqa: PLC0415 - heavy, and only needed for a stored run
    import numpy as np  # noqa: PLC0415

    try:
        from importlib.metadata import version  # noqa: PLC0415

        govsim = version("govsim")
    except Exception:  # not installed (a source checkout on sys.path)
        from govsim.version import __version__ as govsim  # noqa: PLC0415
    return {
        "govsim": govsim,
        "mesa": mesa.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def _git(root: Path, *arguments: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *arguments],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_state() -> dict[str, Any] | None:
    """The commit of the govsim source (and whether it has uncommitted changes), if any.

    Only when the package itself sits at the top of a git work tree (an editable
    install of the repository), never the git state of the current folder.
    """
    root = Path(__file__).resolve().parents[2]
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != root:
        return None
    commit = _git(root, "rev-parse", "HEAD")
    if commit is None:
        return None
    changes = _git(root, "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(changes)}


# --------------------------------------------------------------------------- the run folder


def _holds_other_files(folder: Path) -> bool:
    """Whether a folder without a manifest holds files that no govsim run left there.

    A run killed while writing its first manifest leaves only temp files (and, at
    most, an empty figures/ folder): such a folder is still free for a run.
    """
    for entry in folder.iterdir():
        if entry.name.startswith(".") and entry.name.endswith(_TEMP_SUFFIX):
            continue
        if entry.name == FIGURES and entry.is_dir() and not any(entry.iterdir()):
            continue
        return True
    return False


class RunStore:
    """One run folder, written in the order that keeps it honest (see module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.manifest: dict[str, Any] = {}
        self._clock = time.monotonic()

    @property
    def figures(self) -> Path:
        """The folder of the run's figures."""
        return self.folder / FIGURES

    @classmethod
    def prepare(cls, folder: str | Path) -> RunStore:
        """Check that ``folder`` can hold a run, creating it; nothing else is written.

        A folder that exists must be empty or hold an earlier govsim run (it has a
        manifest.json): that run is replaced. Any other folder is refused, so a
        mistyped ``--out`` never scatters files among someone's documents.

        Raises:
            OutputError: the folder is a file, holds other things, or cannot be written.
        """
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise OutputError(
                f"output folder '{folder}' is a file, not a folder. Give --out a folder "
                "path (it is created if missing)."
            )
        if folder.is_dir() and not (folder / MANIFEST).is_file() and _holds_other_files(folder):
            raise OutputError(
                f"output folder '{folder}' already holds files and is not a govsim run "
                "folder (it has no manifest.json). Choose an empty or new folder with --out."
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".probe.", suffix=_TEMP_SUFFIX)
            os.close(descriptor)
            os.unlink(probe)
        except OSError as error:
            reason = error.strerror or str(error)
            raise OutputError(
                f"output folder '{folder}' cannot be written ({reason}). Choose a folder "
                "you can write with --out."
            ) from None
        return cls(folder)

    # ---- writing --------------------------------------------------------------------

    def start(
        self,
        scenario: Scenario,
        seeds: list[int],
        *,
        context: dict[str, Any] | None = None,
    ) -> None:
        """Write the manifest (``running``), then remove what an earlier run left."""
        self._clock = time.monotonic()
        self.manifest = {
            "format": FORMAT,
            "status": "running",
            "scenario_name": scenario.name,
            "started": _now(),
            "ended": None,
            "seconds": None,
            "root_seed": scenario.seed,
            "replications": len(seeds),
            "seeds": [{"replicate": index, "seed": int(seed)} for index, seed in enumerate(seeds)],
            "versions": _versions(),
            "git": git_state(),
            "platform": f"{platform.system()} {platform.machine()}",
            "context": dict(context or {}),
            "files": {},
            "note": "Parameter defaults are illustrative, not calibrated (docs/ODD.md).",
            "scenario": scenario.model_dump(mode="json"),
        }
        self._write_manifest()
        self._remove_previous_outputs()
        self.figures.mkdir(exist_ok=True)

    def _remove_previous_outputs(self) -> None:
        stale = [self.folder / name for name in TABLES]
        stale += list(self.figures.glob("*.png"))
        for folder in (self.folder, self.figures):  # temp files of a killed run
            stale += list(folder.glob(f".*{_TEMP_SUFFIX}"))
        for path in stale:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _write_manifest(self) -> None:
        text = json.dumps(self.manifest, indent=2, ensure_ascii=False, default=str) + "\n"
        atomic_write(self.folder / MANIFEST, _write_bytes(text.encode("utf-8")))

    def _record(self, path: Path) -> Path:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        name = path.relative_to(self.folder).as_posix()
        self.manifest["files"][name] = {"bytes": path.stat().st_size, "sha256": digest}
        return path

    def write_table(self, name: str, table: pd.DataFrame) -> Path:
        """Write a data file atomically: ``.parquet`` (pyarrow) or ``.csv``."""
        if name.endswith(".parquet"):

            def write(handle: IO[bytes]) -> None:
                table.to_parquet(handle, engine="pyarrow", index=False)

        elif name.endswith(".csv"):

            def write(handle: IO[bytes]) -> None:
                handle.write(table.to_csv(index=False).encode("utf-8"))

        else:
            raise ValueError(f"unknown table format: {name}")
        return self._record(atomic_write(self.folder / name, write))

    def write_figure(self, name: str, figure: Any) -> Path:
        """Write a matplotlib Figure as ``figures/<name>`` (PNG), atomically."""

        def write(handle: IO[bytes]) -> None:
            figure.savefig(handle, format="png", dpi=120)

        return self._record(atomic_write(self.figures / name, write))

    def complete(self) -> None:
        """Mark the run ``completed``: call only after every file is written."""
        self.finish("completed")

    def finish(self, status: str, error: str | None = None) -> None:
        """Rewrite the manifest with its final status, end time and duration."""
        self.manifest.update(
            status=status,
            ended=_now(),
            seconds=round(time.monotonic() - self._clock, 3),
        )
        if error is not None:
            self.manifest["error"] = error
        self._write_manifest()

    @contextlib.contextmanager
    def recording(self) -> Iterator[RunStore]:
        """Mark the manifest ``interrupted`` (Ctrl-C, SIGTERM) or ``failed`` on the way out."""
        try:
            yield self
        except KeyboardInterrupt:
            self._try_finish("interrupted", "interrupted (Ctrl-C or SIGTERM) before completion")
            raise
        except BaseException as error:
            self._try_finish("failed", f"{type(error).__name__}: {error}")
            raise

    def _try_finish(self, status: str, error: str) -> None:
        # The manifest must not hide the original problem: if it cannot be rewritten,
        # it still says "running", which is honest too.
        with contextlib.suppress(Exception):
            self.finish(status, error)


# --------------------------------------------------------------------------- reading


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of a run folder.

    Raises:
        OutputError: no manifest, or one that is not valid JSON.
    """
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OutputError(f"'{folder}' is not a govsim run folder (no {MANIFEST}).") from None
    except (OSError, ValueError) as error:
        raise OutputError(f"{path} cannot be read: {error}.") from None


def read_timeseries(folder: str | Path, *, require_completed: bool = True) -> pd.DataFrame:
    """The tidy time series of a stored run (only a ``completed`` one, by default).

    Raises:
        OutputError: the run is not completed, or its folder is not a run.
    """
    manifest = read_manifest(folder)
    status = manifest.get("status")
    if require_completed and status != "completed":
        raise OutputError(
            f"the run in '{folder}' is not complete (status: {status}); run it again."
        )
    return pd.read_parquet(Path(folder) / "timeseries.parquet")


# --------------------------------------------------------------------------- sweep folders
#
# A sweep folder (``govsim sweep``) holds::
#
#     sweep.json        manifest: the sweep, its base scenario, batching, status, counts,
#                       sessions (one per start), versions, git commit
#     design.parquet    one row per design point: design_point, one column per parameter
#     timeseries/       Parquet dataset: one shard per task, tidy rows of its runs; each
#                       shard's footer also records its runs (status, error, seconds,
#                       final-step metrics, scorecard), so the shards alone say what is done
#     runs.csv          one row per planned run (written at the end of every session)
#     summary.csv       per design point and metric: n, mean, sd, 95% CI over replicates
#     sensitivity.csv   sobol and morris designs: the indices per metric and parameter
#     figures/          sensitivity.png
#
# A shard is written once, atomically, by the task that ran its runs; the parent only
# reads shard footers. A shard's name depends on the runs it holds, so a task run twice
# (a Dask retry, a worker that outlived a killed parent) rewrites the same file with
# the same content instead of adding a second copy.

SWEEP_MANIFEST = "sweep.json"
SWEEP_FORMAT = "govsim-sweep/1"
SHARDS = "timeseries"
#: Key of the run records in a shard's Parquet footer (JSON list of dicts).
SHARD_RUNS_KEY = b"govsim.runs"
_LOCK = ".sweep.lock"


def write_shard(path: Path, table: Any, runs: list[dict[str, Any]]) -> Path:
    """Write one task's shard atomically: its rows, and its run records in the footer.

    Args:
        path: the shard file (``timeseries/shard-*.parquet``); its folder must exist.
        table: a ``pyarrow.Table`` of the task's tidy rows (may have no rows, when
            every run of the task failed).
        runs: one small record per run of the task (JSON-serialisable).
    """
    import pyarrow.parquet as pq  # noqa: PLC0415

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
    import pyarrow.parquet as pq  # noqa: PLC0415

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


def read_sweep_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest (sweep.json) of a sweep folder.

    Raises:
        OutputError: no sweep.json, or one that is not valid JSON.
    """
    path = Path(folder) / SWEEP_MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OutputError(
            f"'{folder}' is not a govsim sweep folder (no {SWEEP_MANIFEST})."
        ) from None
    except (OSError, ValueError) as error:
        raise OutputError(f"{path} cannot be read: {error}.") from None


class SweepStore:
    """One sweep folder, owned by one process at a time (see the notes above).

    ``open`` checks the folder and takes its lock (released when the process ends,
    however it ends, so a killed sweep never leaves a stale lock); ``close`` releases it.
    Writing a manifest or a table is atomic, as for a run folder.
    """

    def __init__(self, folder: Path, lock: IO[bytes] | None) -> None:
        self.folder = Path(folder)
        self._lock = lock
        self.manifest: dict[str, Any] = {}
        self._clock = time.monotonic()

    @property
    def shards(self) -> Path:
        """The Parquet dataset folder of the sweep's time series."""
        return self.folder / SHARDS

    @property
    def figures(self) -> Path:
        """The folder of the sweep's figures."""
        return self.folder / FIGURES

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
        if folder.exists() and not folder.is_dir():
            raise OutputError(
                f"output folder '{folder}' is a file, not a folder. Give --out a folder "
                "path (it is created if missing)."
            )
        if folder.is_dir() and not (folder / SWEEP_MANIFEST).is_file():
            if (folder / MANIFEST).is_file():
                raise OutputError(
                    f"output folder '{folder}' holds a govsim run (manifest.json), not a "
                    "sweep. Choose another folder with --out."
                )
            if any(not _is_leftover(entry) for entry in folder.iterdir()):
                raise OutputError(
                    f"output folder '{folder}' already holds files and is not a govsim "
                    f"sweep folder (it has no {SWEEP_MANIFEST}). Choose an empty or new "
                    "folder with --out."
                )
        try:
            (folder / SHARDS).mkdir(parents=True, exist_ok=True)
            (folder / FIGURES).mkdir(exist_ok=True)
            lock = open(folder / _LOCK, "a+b")  # noqa: SIM115 - held until close()
        except OSError as error:
            reason = error.strerror or str(error)
            raise OutputError(
                f"output folder '{folder}' cannot be written ({reason}). Choose a folder "
                "you can write with --out."
            ) from None
        _take_lock(lock, folder)
        return cls(folder, lock)

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
        return read_sweep_manifest(self.folder)

    def start(self, manifest: dict[str, Any], session: dict[str, Any]) -> None:
        """Write the manifest (status ``running``), keeping earlier sessions' records."""
        self._clock = time.monotonic()
        earlier = (self.previous() or {}).get("sessions", [])
        self.manifest = {
            "format": SWEEP_FORMAT,
            **manifest,
            "status": "running",
            "error": None,
            "updated": _now(),
            "sessions": [
                *earlier,
                {
                    **session,
                    "started": _now(),
                    "ended": None,
                    "seconds": None,
                    "versions": _versions(),
                    "git": git_state(),
                    "platform": f"{platform.system()} {platform.machine()}",
                },
            ],
            "note": "Parameter defaults are illustrative, not calibrated (docs/ODD.md).",
        }
        self.write_manifest()
        for path in self.folder.glob(f".*{_TEMP_SUFFIX}"):  # temp files of a killed parent
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def update(self, **fields: Any) -> None:
        """Rewrite the manifest with some fields changed (progress counts, outputs)."""
        self.manifest.update(fields, updated=_now())
        self.write_manifest()

    def write_manifest(self) -> None:
        """Write sweep.json atomically."""
        text = json.dumps(self.manifest, indent=2, ensure_ascii=False, default=str) + "\n"
        atomic_write(self.folder / SWEEP_MANIFEST, _write_bytes(text.encode("utf-8")))

    def finish(self, status: str, error: str | None = None) -> None:
        """Close the session in the manifest with its final status and duration."""
        session = self.manifest["sessions"][-1]
        session.update(ended=_now(), seconds=round(time.monotonic() - self._clock, 3))
        self.update(status=status, error=error)

    @contextlib.contextmanager
    def recording(self) -> Iterator[SweepStore]:
        """Mark the manifest ``interrupted`` (Ctrl-C, SIGTERM) or ``failed`` on the way out."""
        try:
            yield self
        except KeyboardInterrupt:
            self._try_finish(
                "interrupted", "interrupted (Ctrl-C or SIGTERM); start the sweep again to finish it"
            )
            raise
        except BaseException as error:
            self._try_finish("failed", f"{type(error).__name__}: {error}")
            raise

    def _try_finish(self, status: str, error: str) -> None:
        with contextlib.suppress(Exception):
            self.finish(status, error)

    # ---- tables -------------------------------------------------------------------------

    def write_table(self, name: str, table: pd.DataFrame) -> Path:
        """Write a table atomically: ``.parquet`` (pyarrow) or ``.csv``."""
        if name.endswith(".parquet"):

            def write(handle: IO[bytes]) -> None:
                table.to_parquet(handle, engine="pyarrow", index=False)

        elif name.endswith(".csv"):

            def write(handle: IO[bytes]) -> None:
                # Streamed, not built as one string first: summaries can be long.
                text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                table.to_csv(text, index=False)
                text.flush()
                text.detach()  # atomic_write syncs and closes the file itself

        else:
            raise ValueError(f"unknown table format: {name}")
        return atomic_write(self.folder / name, write)

    def write_figure(self, name: str, figure: Any) -> Path:
        """Write a matplotlib Figure as ``figures/<name>`` (PNG), atomically."""

        def write(handle: IO[bytes]) -> None:
            figure.savefig(handle, format="png", dpi=120)

        return atomic_write(self.figures / name, write)

    def remove(self, name: str) -> None:
        """Remove an output that this session does not produce (e.g. an old figure)."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / name).unlink()


def _is_leftover(entry: Path) -> bool:
    """What a sweep killed before its first manifest leaves: temp files, empty folders, lock."""
    if entry.name == _LOCK or (entry.name.startswith(".") and entry.name.endswith(_TEMP_SUFFIX)):
        return True
    return entry.name in (SHARDS, FIGURES) and entry.is_dir() and not any(entry.iterdir())


def _take_lock(lock: IO[bytes], folder: Path) -> None:
    """Hold an exclusive lock on the folder, or say who holds it."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - no advisory locks: one writer is the user's job
        return
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.seek(0)
        holder = lock.read().decode("utf-8", "replace").strip() or "another process"
        lock.close()
        raise OutputError(
            f"output folder '{folder}' is being written by another govsim sweep "
            f"({holder}). Wait for it to finish, or choose another folder with --out."
        ) from None
    lock.seek(0)
    lock.truncate()
    lock.write(f"pid {os.getpid()} on {platform.node()}".encode())
    lock.flush()
