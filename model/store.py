"""Run store: a run folder that never looks complete when it is not.

Core objects: ``RunStore`` (one run folder), ``OutputError`` (a folder that cannot be
used), ``atomic_write`` (temp file in the same folder, fsync, ``os.replace``),
``read_manifest`` and ``read_timeseries`` (the reading side).

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

from model.scenario import Scenario

__all__ = [
    "FIGURES",
    "MANIFEST",
    "TABLES",
    "OutputError",
    "RunStore",
    "atomic_write",
    "read_manifest",
    "read_timeseries",
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

    import model  # noqa: PLC0415

    try:
        from importlib.metadata import version  # noqa: PLC0415

        govsim = version("govsim")
    except Exception:  # not installed (a source checkout on sys.path)
        govsim = model.__version__
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
    root = Path(__file__).resolve().parent.parent
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
