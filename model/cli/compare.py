"""``govsim compare``: scenarios against a baseline, from stored run folders.

Core objects: ``add_parser`` (the verb's options) and ``compare`` (the command; the
statistics are govsim.analysis', the figures govsim.figures').
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from govsim.cli.shared import EXIT_BAD_INPUT, EXIT_OK, add_language, bounded_int, folder_path, names
from govsim.text import say

__all__ = ["add_parser", "compare"]


def add_parser(verbs: Any) -> None:
    """Add ``govsim compare`` to the sub-parsers ``verbs``."""
    p = verbs.add_parser(
        "compare",
        help="compare stored runs against a baseline",
        description="Compare completed run folders against a baseline, metric by metric: "
        "mean, sd and 95% CI of each scenario at the final week and over the last K "
        "weeks; the difference to the baseline (Welch 95% CI), Hedges' g (95% CI), "
        "Welch's t-test or Mann-Whitney (Welch when both samples pass Shapiro-Wilk), "
        "p-values corrected over all comparisons (Holm, or Benjamini-Hochberg), and the "
        "replications needed where scenarios cannot be told apart. Tests use each "
        "replicate's mean over the last K weeks: activities and meetings come every 4 "
        "weeks, so the final week alone can mislead. Writes comparison.csv, figures/ and "
        "comparison.json to --out. See docs/ANALYSIS.md.",
    )
    p.add_argument("runs", nargs="+", metavar="RESULT_DIR", help="run folders of govsim run")
    p.add_argument(
        "--metrics",
        action="append",
        metavar="METRIC[,METRIC]",
        help="metrics to compare (repeatable or comma-separated; scorecard entries as "
        "scorecard.<name>); default: the main metrics and the five objectives",
    )
    p.add_argument(
        "--baseline", metavar="NAME", help="the run to compare against (default: the first)"
    )
    p.add_argument(
        "--last",
        type=bounded_int(1, 1_000_000),
        default=12,
        metavar="K",
        help="weeks in each replicate's end-of-run mean (default 12: three 4-week cycles)",
    )
    p.add_argument(
        "--at",
        choices=("last", "final"),
        default="last",
        help="what the tests use: the mean of the last K weeks (default) or the final week",
    )
    p.add_argument(
        "--correction",
        choices=("holm", "bh"),
        default="holm",
        help="multiple-comparison correction: holm (family-wise error, default) or bh "
        "(Benjamini-Hochberg false discovery rate)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        type=folder_path,
        help="output folder (default: results/comparison/)",
    )
    add_language(p)
    p.set_defaults(handler=compare)


def compare(args: argparse.Namespace) -> int:
    """``govsim compare``: scenarios against a baseline, from stored run folders."""
    from govsim import analysis  # noqa: PLC0415 - pandas and scipy, for this verb only
    from govsim.figures import comparison_figures  # noqa: PLC0415 - matplotlib, likewise
    from govsim.store.lock import take_folder_lock  # noqa: PLC0415 - with the store

    folder = Path(args.out) if args.out else Path("results") / "comparison"
    try:
        runs = analysis.load_runs(args.runs)
        table = analysis.compare(
            runs,
            baseline=args.baseline,
            metrics=names(args.metrics) if args.metrics else None,
            last=args.last,
            at=args.at,
            correction=args.correction,
        )
        analysis.check_output_folder(folder)  # before the figures take their time
        # One writer at a time; a second compare into this folder is refused (exit 2).
        lock = take_folder_lock(folder, "comparison")
        try:
            analysis.save_comparison(folder, runs, table, comparison_figures(runs, table))
        finally:
            lock.close()
    except analysis.AnalysisError as error:
        print(f"govsim compare: {say('cli.error')}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(analysis.format_comparison(table))
    print(say("compare.written", folder=folder))
    return EXIT_OK
