"""``govsim check``: validate scenario and sweep files without running them.

Core objects: ``add_parser`` (the verb's options) and ``check`` (the command). Only
the scenario schema is imported (and the sweep's, for a sweep file): no model,
pandas or Mesa, so the answer comes at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from govsim.cli.shared import EXIT_BAD_INPUT, EXIT_OK, add_language, add_set
from govsim.scenario import ScenarioError, load_scenario, locate, read_yaml
from govsim.text import display_name, replicates, say

__all__ = ["add_parser", "check"]


def add_parser(verbs: Any) -> None:
    """Add ``govsim check`` to the sub-parsers ``verbs``."""
    p = verbs.add_parser(
        "check",
        help="validate scenario or sweep files without running them",
        description="Validate scenario files (YAML, extends, every value) and sweep files "
        "(the file, its base scenario, every design point) without running.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario or sweep files")
    add_set(p)
    add_language(p)
    p.set_defaults(handler=check)


def check(args: argparse.Namespace) -> int:
    """``govsim check``: validate scenario and sweep files without running them.

    A file whose top level has both ``design`` and ``parameters`` is a sweep file
    (no scenario has those keys) and is checked as ``govsim sweep`` would: the file,
    its base scenario and every design point.
    """
    overrides = dict(args.set or [])
    failed = 0
    for name in args.files:
        try:
            line = _check_file(name, overrides)
        except ScenarioError as error:
            failed += 1
            print(f"govsim check: {say('cli.error')}: {error}", file=sys.stderr)
            continue
        print(say("check.ok", file=name, what=line))
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _check_file(name: str, overrides: dict[str, Any]) -> str:
    """Validate one scenario or sweep file; one line saying what it holds."""
    path = str(locate(name))  # a file here, or a shipped scenario of that name
    try:
        document, lines = read_yaml(Path(path))
    except ScenarioError:
        document, lines = None, {}  # the scenario loader gives the message
    if isinstance(document, dict) and {"design", "parameters"} <= document.keys():
        return _check_sweep(path, document, lines, overrides)
    scenario = load_scenario(path, overrides)
    on = [m for m in type(scenario.mechanisms).model_fields if scenario.enabled(m)]
    return say(
        "check.scenario",
        name=scenario.name,
        weeks=scenario.steps,
        replicates=replicates(scenario.replications),
        residents=scenario.population.residents,
        on=", ".join(display_name(f"mechanisms.{m}", "key") for m in on) or say("none"),
    )


def _check_sweep(
    name: str, document: dict[str, Any], lines: dict[str, int], overrides: dict[str, Any]
) -> str:
    from govsim.sweep import SweepError, make_sweep  # noqa: PLC0415 - sweep files only

    if overrides:
        raise SweepError(
            "--set changes scenario files, and this is a sweep file; put values fixed for "
            "the whole sweep under its 'set:' key instead.",
            source=name,
        )
    path = Path(name)
    sweep = make_sweep(document, source=str(path), lines=lines, folder=path.parent)
    return f"sweep {sweep.describe()}"
