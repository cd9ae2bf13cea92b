"""``govsim sweep``: a sweep file's runs, resumable, on local processes or Dask.

Core objects: ``add_parser`` (the verb's options) and ``sweep`` (the command).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from govsim.cli.shared import EXIT_BAD_INPUT, EXIT_OK, add_language, bounded_int, folder_path
from govsim.text import say

__all__ = ["add_parser", "sweep"]


def add_parser(verbs: Any) -> None:
    """Add ``govsim sweep`` to the sub-parsers ``verbs``."""
    p = verbs.add_parser(
        "sweep",
        help="run a sweep file: design points x replicates, resumable",
        description="Run every (design point, replicate) of a sweep file (grid, lhs, sobol "
        "or morris over dotted scenario paths; scenarios/README.md) and write "
        "results/<name>/ (or --out): sweep.json, design.parquet, timeseries/ (Parquet, one "
        "shard per task), runs.csv, summary.csv and, for sobol and morris, "
        "sensitivity.csv and figures/. Started again on the same folder, it runs only what "
        "is not finished. Every run has its own seed (numpy SeedSequence), recorded in "
        "runs.csv; results are identical for any --workers and on Dask.",
    )
    p.add_argument("file", metavar="SWEEP.yaml", help="the sweep file")
    p.add_argument(
        "--workers",
        type=bounded_int(1, 1024),
        default=1,
        metavar="N",
        help="local processes (default 1)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786 (needs the dask "
        "extra; workers must see the output folder at the same path)",
    )
    p.add_argument(
        "--out", metavar="DIR", type=folder_path, help="sweep folder (default: results/<name>/)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_language(p)
    p.set_defaults(handler=sweep)


def sweep(args: argparse.Namespace) -> int:
    """``govsim sweep``: a sweep file's runs, resumable, on local processes or Dask."""
    from govsim.sweep import load_sweep  # noqa: PLC0415 - the sweep stage, for this verb only

    plan = load_sweep(args.file)  # bad input: exit 2 before anything is written
    folder = Path(args.out) if args.out else Path("results") / plan.name
    from govsim.sweep import run_sweep  # noqa: PLC0415 - after the file is checked

    scheduler_errors: tuple[type[Exception], ...] = ()
    if args.scheduler:  # only then is the model imported before the folder is checked
        from govsim.runs import SchedulerError  # noqa: PLC0415 - the model, only for Dask

        scheduler_errors = (SchedulerError,)

    where = (
        f"the Dask scheduler at {args.scheduler}"
        if args.scheduler
        else f"{args.workers} local process{'es' if args.workers != 1 else ''}"
    )
    print(f"govsim sweep: {plan.describe()}; on {where} -> {folder}", file=sys.stderr)
    context = {
        "sweep_file": str(Path(args.file).resolve()),
        "workers": args.workers,
        "scheduler": args.scheduler,
        "command": ["govsim", *args.argv],
        "cwd": str(Path.cwd()),
    }
    from govsim.figures import sensitivity_figure  # noqa: PLC0415 - matplotlib

    try:
        result = run_sweep(
            plan,
            folder,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.quiet,
            context=context,
            sensitivity_figure=sensitivity_figure,
        )
    except scheduler_errors as error:
        print(f"govsim sweep: {say('cli.error')}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(result.report())
    for note in result.notes:
        print(f"govsim sweep: note: {note}", file=sys.stderr)
    return EXIT_OK
