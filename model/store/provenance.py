"""Provenance: what a manifest records about where and with what its results were made.

Core objects: ``versions`` (govsim, Mesa, Python, numpy, pandas), ``git_state`` (the
commit of the govsim source, when it is a git work tree), ``machine`` (operating
system and processor) and ``now`` (UTC time, to the second).
"""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from govsim.version import __version__

__all__ = ["git_state", "machine", "now", "versions"]


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    """The versions that made a result: govsim, Mesa, Python, numpy and pandas."""
    try:
        govsim = version("govsim")
    except Exception:  # not installed (a source checkout on sys.path)
        govsim = __version__
    return {
        "govsim": govsim,
        "mesa": mesa.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def machine() -> str:
    """The operating system and processor, as a manifest records them (``Linux x86_64``)."""
    return f"{platform.system()} {platform.machine()}"


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
