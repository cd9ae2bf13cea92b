"""One writer per folder: an advisory lock any govsim writer takes on its output folder.

Core objects: ``LOCK_FILE`` (the lock's file name) and ``take_folder_lock`` (hold the
lock, or refuse with the holder's pid). Run, sweep, compare and validate call it
before they write; a calibration verb calls the same function.

The lock is an ``flock`` on ``.govsim.lock`` in the folder: the kernel releases it when
the holder exits, even by SIGKILL, so a killed writer never leaves the folder locked.
The file holds "pid N on HOST" so the refusal can say who is writing.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import IO

from govsim.store.folder import OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no advisory locks
    fcntl = None

__all__ = ["LOCK_FILE", "take_folder_lock"]

#: The lock file of a run, comparison or validation folder (a sweep has ``.sweep.lock``).
LOCK_FILE = ".govsim.lock"


def take_folder_lock(folder: Path, what: str, name: str = LOCK_FILE) -> IO[bytes]:
    """Hold an exclusive lock on ``folder`` until the returned file is closed.

    Args:
        folder: the output folder (created if missing).
        what: what the writer is ("run", "sweep", "comparison"), for the refusal.
        name: the lock file's name in the folder.

    Raises:
        OutputError: another process holds the lock (the message gives its pid), or
            the folder cannot be written.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / name, "a+b")  # noqa: SIM115 - held until the caller closes it
    except OSError as error:
        raise OutputError(f"output folder '{folder}' cannot be written: {error}") from None
    if fcntl is None:  # pragma: no cover - one writer is then the user's job
        return lock
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.seek(0)
        holder = lock.read().decode("utf-8", "replace").strip() or "another process"
        lock.close()
        raise OutputError(
            f"output folder '{folder}' is being written by another govsim {what} "
            f"({holder}). Wait for it to finish, or choose another folder with --out."
        ) from None
    lock.seek(0)
    lock.truncate()
    lock.write(f"pid {os.getpid()} on {platform.node()}".encode())
    lock.flush()
    return lock
