"""``govsim validate``: the docking suite against published models.

Core objects: ``add_parser`` (the verb's options) and ``validate`` (the command, which
hands over to govsim.validation, imported when the verb runs: a missing module is an
internal error, exit 1).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from govsim.cli.shared import add_language, folder_path, optional_feature

__all__ = ["add_parser", "validate"]


def add_parser(verbs: Any) -> None:
    """Add ``govsim validate`` to the sub-parsers ``verbs``."""
    p = verbs.add_parser(
        "validate",
        help="run the docking suite against published models",
        description="Reproduce published models inside govsim (docking suite).",
    )
    p.add_argument("--quick", action="store_true", help="fewer replicates, smaller graphs")
    p.add_argument("--out", metavar="DIR", type=folder_path, help="where to write the report")
    add_language(p)
    p.set_defaults(handler=validate)


def validate(args: argparse.Namespace) -> int:
    """``govsim validate``: the docking suite (model/validation/)."""
    run_validation = optional_feature(
        "govsim.validation", "run_validation", "the docking suite (govsim validate)"
    )
    return int(run_validation(Path(args.out) if args.out else None, args.quick))
