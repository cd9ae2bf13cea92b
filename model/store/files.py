"""Atomic files: a file is either its previous version or its new one, never half.

Core objects: ``atomic_write`` (a temp file in the same folder, fsync, ``os.replace``,
fsync of the folder), ``write_bytes`` (the writer of ready bytes), ``is_temp_file``
and ``remove_temp_files`` (what a killed writer leaves behind).

Every file is written under a temporary name (``.<name>.<random>.tmp``) in its
folder, flushed to disk and renamed over the final name, which POSIX makes atomic.
So a writer killed at any moment (Ctrl-C, SIGTERM, SIGKILL, power loss) leaves
either the previous version of a file or none. Temp names start with a dot, so
pandas, pyarrow and ``*.parquet`` globs skip them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = ["TEMP_SUFFIX", "atomic_write", "is_temp_file", "remove_temp_files", "write_bytes"]

TEMP_SUFFIX = ".tmp"
# mkstemp creates files readable by their owner only; results are ordinary files, so
# they get the permissions the user's umask gives any new file.
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK


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
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX
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


def write_bytes(data: bytes) -> Callable[[IO[bytes]], None]:
    """The ``write`` of ``atomic_write`` for bytes already in hand."""
    return lambda handle: handle.write(data)


def is_temp_file(entry: Path) -> bool:
    """Whether ``entry`` is the temp file of a write that never finished."""
    return entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX)


def remove_temp_files(*folders: Path) -> None:
    """Remove the temp files that killed writers left in ``folders``."""
    for folder in folders:
        for path in folder.glob(f".*{TEMP_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _fsync_folder(folder: Path) -> None:
    # The rename itself lives in the folder's entry table: sync it too, or a crash
    # can forget the new name although the data reached the disk.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
