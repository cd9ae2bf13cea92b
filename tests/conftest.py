"""Shared test helpers: the repository's paths, a small run, the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from govsim.text import set_language

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"

#: Overrides that make any scenario quick: 300 residents, 20 weeks, 2 replicates.
SMALL = {"population.residents": 300, "steps": 20, "replications": 2}
SMALL_ARGS = ("--set", "population.residents=300", "--steps", "20", "--replications", "2")


def govsim_command(*args: object) -> list[str]:
    """The command line of ``govsim ARGS`` run as a user would (``python -m govsim.cli``)."""
    return [sys.executable, "-m", "govsim.cli", *map(str, args)]


def cli_environment(**extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess: no debug switch or language unless asked for."""
    environment = {k: v for k, v in os.environ.items() if k not in ("GOVSIM_DEBUG", "GOVSIM_LANG")}
    environment.update(extra)
    return environment


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch):
    """Every test starts in English (the default), whatever the shell's GOVSIM_LANG."""
    monkeypatch.delenv("GOVSIM_LANG", raising=False)
    yield
    with warnings.catch_warnings():  # a test's unusable GOVSIM_LANG is not restored yet
        warnings.simplefilter("ignore")
        set_language(None)


@pytest.fixture
def govsim() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``govsim ARGS`` in a subprocess; returns the completed process."""

    def run(*args: object, cwd: Path | None = None, timeout: float = 300):
        return subprocess.run(
            govsim_command(*args),
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=cli_environment(),
            check=False,
        )

    return run
