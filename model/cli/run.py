"""``govsim run``: the replicates of one scenario, stored as a run folder.

Core objects: ``add_parser`` (the verb's options) and ``run`` (the command). The
model, pandas and the store are imported when the verb runs, after the scenario and
the options are checked, so bad input is reported at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govsim.cli.shared import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    add_language,
    add_set,
    bounded_int,
    folder_path,
    names,
    positive_float,
)
from govsim.scenario import load_scenario
from govsim.text import display_name, format_table, replicates, say

if TYPE_CHECKING:
    from govsim.store import RunRecord

__all__ = ["add_parser", "run"]


def add_parser(verbs: Any) -> None:
    """Add ``govsim run`` to the sub-parsers ``verbs``."""
    p = verbs.add_parser(
        "run",
        help="run a scenario's replicates and write a run folder",
        description="Run the replicates of a scenario file and write results/<name>/ "
        "(or --out): manifest.json, timeseries.parquet, summary.csv, scorecard.csv, "
        "observables.csv (the survey observables, docs/ODD.md 7.14), "
        "figures/. Replicate seeds are spawned from the scenario seed (numpy "
        "SeedSequence) and recorded in the manifest.",
    )
    p.add_argument("scenario", metavar="SCENARIO.yaml", help="the scenario file")
    p.add_argument("--replications", type=bounded_int(1, 100_000), metavar="N", help="replicates")
    p.add_argument("--seed", type=bounded_int(0, 2**63 - 1), metavar="S", help="root seed")
    p.add_argument("--steps", type=bounded_int(1, 1_000_000), metavar="T", help="weeks")
    add_set(p)
    p.add_argument(
        "--out", metavar="DIR", type=folder_path, help="run folder (default: results/<name>/)"
    )
    p.add_argument(
        "--workers",
        type=bounded_int(1, 1024),
        default=1,
        metavar="N",
        help="local processes (default 1); results are identical for any N",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--until-ci",
        type=positive_float,
        metavar="WIDTH",
        help="add replicates until the 95%% CI half-width of each --until-ci-metrics mean "
        "at the final week is at most WIDTH (in the metric's units); starts from "
        "--replications (at least 3); the manifest records how many ran and why",
    )
    p.add_argument(
        "--until-ci-metrics",
        action="append",
        metavar="METRIC[,METRIC]",
        help="metrics that must reach --until-ci (default participation_rate; repeatable)",
    )
    p.add_argument(
        "--until-ci-cap",
        type=bounded_int(2, 100_000),
        metavar="N",
        help="most replicates --until-ci runs (default 100)",
    )
    add_language(p)
    p.set_defaults(handler=run)


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """``--set`` values, then the shortcut flags (which win), by dotted path."""
    overrides = dict(args.set or [])
    for flag in ("replications", "seed", "steps"):
        value = getattr(args, flag, None)
        if value is not None:
            overrides[flag] = value
    return overrides


def run(args: argparse.Namespace) -> int:
    """``govsim run``: replicates of one scenario, stored as a run folder."""
    # Bad input is reported before the model (seconds of imports) is loaded.
    overrides = _overrides(args)
    scenario = load_scenario(args.scenario, overrides)
    target, problem = _precision_target(args)
    if problem:
        print(f"govsim run: {say('cli.error')}: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from govsim.store import RunStore, read_manifest  # noqa: PLC0415 - pandas, after the checks

    folder = Path(args.out) if args.out else Path("results") / scenario.name
    run_store = RunStore.prepare(folder)  # a folder that cannot be written: exit 2 now
    from govsim.figures import run_figures  # noqa: PLC0415 - matplotlib: seconds to import
    from govsim.store import run_scenario  # noqa: PLC0415 - the model: seconds to import

    context = {
        "scenario_file": str(Path(args.scenario).resolve()),
        "overrides": overrides,
        "workers": args.workers,
        "command": ["govsim", *args.argv],
        "cwd": str(Path.cwd()),
    }
    how_many = replicates(scenario.replications)
    if target is not None:
        how_many = say(
            "run.until_ci",
            metrics=", ".join(display_name(m) for m in target.metrics),
            width=target.width,
            cap=target.cap,
        )
    start = say(
        "run.start",
        name=scenario.name,
        replicates=how_many,
        weeks=scenario.steps,
        residents=scenario.population.residents,
        folder=folder,
    )
    print(f"govsim run: {start}", file=sys.stderr)
    record = run_scenario(
        scenario,
        run_store,
        workers=args.workers,
        progress=not args.quiet,
        context=context,
        until_ci=target,
        figures=run_figures,
    )
    if target is not None:
        rule = read_manifest(record.folder)["replications_rule"]
        took = say("run.took", replicates=replicates(rule["replications"]), reason=rule["reason"])
        print(f"govsim run: {took}")
    print(_summary_table(record))
    return EXIT_OK


def _precision_target(args: argparse.Namespace) -> tuple[Any, str | None]:
    """The ``--until-ci`` target (or None), and a problem with it to report (or None)."""
    if args.until_ci is None:
        if args.until_ci_metrics or args.until_ci_cap is not None:
            return None, (
                "--until-ci-metrics and --until-ci-cap only make sense with --until-ci "
                "WIDTH (e.g. --until-ci 0.005)"
            )
        return None, None
    from govsim.runs import PrecisionTarget  # noqa: PLC0415 - only with --until-ci
    from govsim.sim.metrics import METRICS  # noqa: PLC0415 - only with --until-ci

    metrics = tuple(dict.fromkeys(names(args.until_ci_metrics or ["participation_rate"])))
    unknown = [name for name in metrics if name not in METRICS]
    if unknown:
        return None, (
            f"--until-ci-metrics: unknown metric {', '.join(map(repr, unknown))}. Allowed: "
            f"{', '.join(METRICS)}"
        )
    cap = 100 if args.until_ci_cap is None else args.until_ci_cap
    return PrecisionTarget(args.until_ci, metrics, cap), None


def _summary_table(record: RunRecord) -> str:
    """The short table printed at the end of a run: main metrics and the five objectives.

    Rows are named by display name in the language in force, columns padded by display
    width (``govsim.text.format_table``), so Chinese names line up.
    """
    from govsim.sim.metrics import MAIN_METRICS, OBJECTIVES  # noqa: PLC0415 - after the run

    summary = record.summary.set_index("metric")
    scenario = record.scenario
    keys = [*MAIN_METRICS, *(f"scorecard.{name}" for name in OBJECTIVES)]
    rows = [["", say("mean"), say("ci95")]]
    for key in keys:
        row = summary.loc[key]
        interval = (
            f"[{row['ci95_low']:.3f}, {row['ci95_high']:.3f}]"
            if row["n"] > 1
            else say("run.one_replicate")
        )
        label = display_name(key)
        if key.startswith("scorecard."):
            label = say("run.objective", name=label)
        rows.append([label, f"{row['mean']:.3f}", interval])
    head = say(
        "run.summary",
        name=scenario.name,
        week=scenario.steps,
        replicates=replicates(scenario.replications),
        illustrative=say("illustrative"),
    )
    written = say("run.written", folder=record.folder)
    return "\n".join([head, *format_table(rows, "<><"), _trend_line(record), written])


def _trend_line(record: RunRecord) -> str:
    """Whether the main metrics have settled over the trend window, in one line."""
    weeks = record.trend.attrs["weeks"]
    trending = [display_name(m) for m in record.trend.index if record.trend.loc[m, "trending"]]
    if not trending:
        return say("run.settled", weeks=weeks)
    return say("run.trending", weeks=weeks, metrics=", ".join(trending))
