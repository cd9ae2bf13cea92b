"""``govsim schema``: the JSON Schema of scenario files, or the Markdown key reference.

Core objects: ``add_parser`` (the verb's options) and ``schema`` (the command).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from govsim.cli.shared import EXIT_OK
from govsim.scenario import scenario_json_schema, scenario_reference

__all__ = ["add_parser", "schema"]


def add_parser(verbs: Any) -> None:
    """Add ``govsim schema`` to the sub-parsers ``verbs``."""
    p = verbs.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="Print the JSON Schema of scenario files (for editors), or with "
        "--markdown the reference of every key (as in scenarios/README.md).",
    )
    p.add_argument("--markdown", action="store_true", help="the key reference in Markdown")
    p.set_defaults(handler=schema)


def schema(args: argparse.Namespace) -> int:
    """``govsim schema``: the JSON Schema of scenario files (or the Markdown key reference)."""
    if args.markdown:
        sys.stdout.write(scenario_reference())
    else:
        print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK
