"""``govsim viz``: the interactive dashboard.

Core objects: ``add_parser`` (the verb's options) and ``viz`` (the command, which
hands over to govsim.dashboard.server, imported when the verb runs, so that solara
stays out of every other verb).
"""

from __future__ import annotations

import argparse
from typing import Any

from govsim.cli.shared import add_language, bounded_int, optional_feature

__all__ = ["add_parser", "viz"]


def add_parser(verbs: Any) -> None:
    """Add ``govsim viz`` to the sub-parsers ``verbs``."""
    p = verbs.add_parser(
        "viz",
        help="open the interactive dashboard",
        description="Serve the interactive dashboard for policy analysts.",
    )
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario file to start from")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (127.0.0.1)")
    p.add_argument("--port", type=bounded_int(1, 65535), default=8765, help="port (8765)")
    p.add_argument("--no-open", action="store_true", help="do not open a browser")
    p.add_argument(
        "--install-assets",
        action="store_true",
        help="install the page's scripts and styles for offline use, then exit",
    )
    add_language(p)
    p.set_defaults(handler=viz)


def viz(args: argparse.Namespace) -> int:
    """``govsim viz``: the interactive dashboard (model/dashboard/server.py)."""
    run_viz = optional_feature("govsim.dashboard.server", "run_viz", "the dashboard (govsim viz)")
    return int(run_viz(args.scenario, args.host, args.port, not args.no_open, args.install_assets))
