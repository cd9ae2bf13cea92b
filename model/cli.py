"""The ``govsim`` command line: one function per verb, one parser block per verb.

Core objects: ``main`` (the console script ``govsim``; also ``python -m govsim.cli``),
``build_parser``, the verb functions ``run``, ``compare``, ``sweep``, ``check``,
``schema``, ``validate``, ``viz``, and the exit codes.

Exit codes: 0 success; 2 bad input (a one-paragraph message on stderr naming the
file, line, field path, value and what is allowed; no traceback; nothing written);
1 internal error (a short message; the traceback only with ``GOVSIM_DEBUG=1``);
130 interrupted by Ctrl-C, 143 by SIGTERM (the run folder says ``interrupted``).

To add a verb: write ``def verb(args) -> int`` and one block in ``build_parser`` that
adds its sub-parser and ``set_defaults(handler=verb)``. Heavy imports (the model,
pandas, matplotlib) happen inside the verbs that need them, so ``check`` and
``schema`` answer quickly.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from govsim.scenario import (
    ScenarioError,
    load_scenario,
    read_value,
    read_yaml,
    scenario_json_schema,
    scenario_reference,
)

if TYPE_CHECKING:
    from govsim.runs import Replicates
    from govsim.scenario import Scenario
    from govsim.store import RunRecord

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_OK", "build_parser", "main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention
EXIT_TERMINATED = 143  # 128 + SIGTERM
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of stdout went away


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an interruption so that a run folder is closed honestly."""


def _bad_input_errors() -> tuple[type[BaseException], ...]:
    # The run store (and pandas with it) is imported only by verbs that write runs;
    # if it was never imported, none of its errors can have been raised.
    store = sys.modules.get("govsim.store")
    return (ScenarioError, *((store.OutputError,) if store else ()))


# --------------------------------------------------------------------------- argument types


def dotted_assignment(text: str) -> tuple[str, Any]:
    """Parse ``--set dotted.key=value``; the value is read as YAML (``0.2``, ``false``)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise argparse.ArgumentTypeError(
            f"expected dotted.key=value (e.g. frictions.admin_burden=0.2), got '{text}'"
        )
    try:
        value = read_value(raw) if raw.strip() else None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise argparse.ArgumentTypeError(
            f"the value of '{key}' ({raw!r}) is not a YAML value: {problem}; quote "
            "text that contains ':' or '#'"
        ) from None
    return key, value


def _folder(text: str) -> str:
    """An output folder argument: any path but an empty one."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the folder is empty; give a path (e.g. results/mine)")
    return text


def _bounded_int(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
        return value

    parse.__name__ = "integer"
    return parse


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got '{text}'") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """``--set`` values, then the shortcut flags (which win), by dotted path."""
    overrides = dict(args.set or [])
    for flag in ("replications", "seed", "steps"):
        value = getattr(args, flag, None)
        if value is not None:
            overrides[flag] = value
    return overrides


# --------------------------------------------------------------------------- verbs


def run(args: argparse.Namespace) -> int:
    """``govsim run``: replicates of one scenario, stored as a run folder."""
    # Bad input is reported before the model (seconds of imports) is loaded.
    overrides = _overrides(args)
    scenario = load_scenario(args.scenario, overrides)
    target, problem = _precision_target(args)
    if problem:
        print(f"govsim run: error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from govsim.store import RunStore, read_manifest  # noqa: PLC0415

    folder = Path(args.out) if args.out else Path("results") / scenario.name
    run_store = RunStore.prepare(folder)  # a folder that cannot be written: exit 2 now
    from govsim.store import run_scenario  # noqa: PLC0415 - the model: seconds of imports

    context = {
        "scenario_file": str(Path(args.scenario).resolve()),
        "overrides": overrides,
        "workers": args.workers,
        "command": ["govsim", *args.argv],
        "cwd": str(Path.cwd()),
    }
    replicates = f"{scenario.replications} replicates"
    if target is not None:
        replicates = (
            f"replicates until the 95% CI half-width of {', '.join(target.metrics)} is at "
            f"most {target.width:g} (cap {target.cap})"
        )
    print(
        f"govsim run: {scenario.name}: {replicates} x "
        f"{scenario.steps} weeks, {scenario.population.residents:,} residents "
        f"-> {folder}",
        file=sys.stderr,
    )
    record = run_scenario(
        scenario,
        run_store,
        workers=args.workers,
        progress=not args.quiet,
        context=context,
        until_ci=target,
        figures=_run_figures,
    )
    if target is not None:
        rule = read_manifest(record.folder)["replications_rule"]
        print(f"govsim run: took {rule['replications']} replicates: {rule['reason']}")
    print(_summary_table(record))
    return EXIT_OK


def _run_figures(results: Replicates, scenario: Scenario, seeds: list[int]) -> dict[str, Any]:
    """A run's figures: time series with 95% bands, and the network at week 0."""
    from govsim.figures import network_figure, timeseries_figure  # noqa: PLC0415 - matplotlib
    from govsim.runs import initial_network  # noqa: PLC0415 - the model

    return {
        "timeseries.png": timeseries_figure(results.timeseries),
        "network.png": network_figure(
            initial_network(scenario, seeds[0]),
            seed=seeds[0],
            title=f"{scenario.name}, week 0 of replicate 0",
        ),
    }


def _precision_target(args: argparse.Namespace) -> tuple[Any, str | None]:
    """The ``--until-ci`` target (or None), and a problem with it to report (or None)."""
    if args.until_ci is None:
        if args.until_ci_metrics or args.until_ci_cap is not None:
            return None, (
                "--until-ci-metrics and --until-ci-cap only make sense with --until-ci "
                "WIDTH (e.g. --until-ci 0.005)"
            )
        return None, None
    from govsim.runs import PrecisionTarget  # noqa: PLC0415
    from govsim.sim.metrics import METRICS  # noqa: PLC0415

    metrics = tuple(dict.fromkeys(_names(args.until_ci_metrics or ["participation_rate"])))
    unknown = [name for name in metrics if name not in METRICS]
    if unknown:
        return None, (
            f"--until-ci-metrics: unknown metric {', '.join(map(repr, unknown))}. Allowed: "
            f"{', '.join(METRICS)}"
        )
    cap = 100 if args.until_ci_cap is None else args.until_ci_cap
    return PrecisionTarget(args.until_ci, metrics, cap), None


def _names(values: list[str]) -> list[str]:
    """Names given as repeated or comma-separated values, in order."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _summary_table(record: RunRecord) -> str:
    """The short table printed at the end of a run: main metrics and the five objectives."""
    from govsim.sim.metrics import MAIN_METRICS, OBJECTIVES  # noqa: PLC0415

    summary = record.summary.set_index("metric")
    scenario = record.scenario
    rows = [(name, name) for name in MAIN_METRICS]
    rows += [(f"scorecard.{name}", f"objective: {name}") for name in OBJECTIVES]
    width = max(len(label) for _, label in rows)
    n = scenario.replications
    lines = [
        f"{scenario.name}: week {scenario.steps}, mean and 95% CI over {n} replicate"
        f"{'s' if n != 1 else ''} (illustrative defaults, not calibrated)",
        f"{'':{width}}  {'mean':>8}  95% CI",
    ]
    for key, label in rows:
        row = summary.loc[key]
        interval = (
            f"[{row['ci95_low']:.3f}, {row['ci95_high']:.3f}]" if row["n"] > 1 else "(1 replicate)"
        )
        lines.append(f"{label:{width}}  {row['mean']:8.3f}  {interval}")
    lines.append(
        f"written: {record.folder}/ (manifest.json, timeseries.parquet, summary.csv, "
        "scorecard.csv, figures/)"
    )
    return "\n".join(lines)


def compare(args: argparse.Namespace) -> int:
    """``govsim compare``: scenarios against a baseline, from stored run folders."""
    from govsim import analysis  # noqa: PLC0415

    folder = Path(args.out) if args.out else Path("results") / "comparison"
    try:
        runs = analysis.load_runs(args.runs)
        table = analysis.compare(
            runs,
            baseline=args.baseline,
            metrics=_names(args.metrics) if args.metrics else None,
            last=args.last,
            at=args.at,
            correction=args.correction,
        )
        analysis.check_output_folder(folder)  # before the figures take their time
        analysis.save_comparison(folder, runs, table, analysis.comparison_figures(runs, table))
    except analysis.AnalysisError as error:
        print(f"govsim compare: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(analysis.format_comparison(table))
    print(f"written: {folder}/ (comparison.csv, figures/, comparison.json)")
    return EXIT_OK


def sweep(args: argparse.Namespace) -> int:
    """``govsim sweep``: a sweep file's runs, resumable, on local processes or Dask."""
    from govsim.sweep import load_sweep  # noqa: PLC0415

    plan = load_sweep(args.file)  # bad input: exit 2 before anything is written
    folder = Path(args.out) if args.out else Path("results") / plan.name
    from govsim.sensitivity import sensitivity_figure  # noqa: PLC0415 - matplotlib
    from govsim.sweep import run_sweep  # noqa: PLC0415

    scheduler_errors: tuple[type[Exception], ...] = ()
    if args.scheduler:  # only then is the model imported before the folder is checked
        from govsim.runs import SchedulerError  # noqa: PLC0415

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
        print(f"govsim sweep: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(result.report())
    for note in result.notes:
        print(f"govsim sweep: note: {note}", file=sys.stderr)
    return EXIT_OK


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
            print(f"govsim check: error: {error}", file=sys.stderr)
            continue
        print(f"ok: {name}: {line}")
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _check_file(name: str, overrides: dict[str, Any]) -> str:
    """Validate one scenario or sweep file; one line saying what it holds."""
    try:
        document, lines = read_yaml(Path(name))
    except ScenarioError:
        document, lines = None, {}  # the scenario loader gives the message
    if isinstance(document, dict) and {"design", "parameters"} <= document.keys():
        return _check_sweep(name, document, lines, overrides)
    scenario = load_scenario(name, overrides)
    on = [m for m in type(scenario.mechanisms).model_fields if scenario.enabled(m)]
    return (
        f"'{scenario.name}', {scenario.steps} weeks, "
        f"{scenario.replications} replicate{'s' if scenario.replications != 1 else ''}, "
        f"{scenario.population.residents:,} residents; "
        f"innovations on: {', '.join(on) or 'none'}"
    )


def _check_sweep(
    name: str, document: dict[str, Any], lines: dict[str, int], overrides: dict[str, Any]
) -> str:
    from govsim.sweep import SweepError, make_sweep  # noqa: PLC0415

    if overrides:
        raise SweepError(
            "--set changes scenario files, and this is a sweep file; put values fixed for "
            "the whole sweep under its 'set:' key instead.",
            source=name,
        )
    path = Path(name)
    sweep = make_sweep(document, source=str(path), lines=lines, folder=path.parent)
    return f"sweep {sweep.describe()}"


def schema(args: argparse.Namespace) -> int:
    """``govsim schema``: the JSON Schema of scenario files (or the Markdown key reference)."""
    if args.markdown:
        sys.stdout.write(scenario_reference())
    else:
        print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _optional_feature(module: str, function: str, what: str) -> Any:
    """Import ``module.function`` lazily; a missing module is an internal error (exit 1)."""
    import importlib  # noqa: PLC0415

    try:
        return getattr(importlib.import_module(module), function)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        raise RuntimeError(f"{what} is not available: {module} is not installed") from None


def validate(args: argparse.Namespace) -> int:
    """``govsim validate``: the docking suite (model/validation.py)."""
    run_validation = _optional_feature(
        "govsim.validation", "run_validation", "the docking suite (govsim validate)"
    )
    return int(run_validation(Path(args.out) if args.out else None, args.quick))


def viz(args: argparse.Namespace) -> int:
    """``govsim viz``: the interactive dashboard (model/dashboard/server.py)."""
    run_viz = _optional_feature("govsim.dashboard.server", "run_viz", "the dashboard (govsim viz)")
    return int(run_viz(args.scenario, args.host, args.port, not args.no_open, args.install_assets))


# --------------------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    """argparse with govsim's error format: one paragraph, the usage line, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print the problem and how to get help, then exit with code 2."""
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_BAD_INPUT,
            f"{self.prog}: error: {message}. See '{self.prog} --help'.\n",
        )


def _add_set(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        action="append",
        type=dotted_assignment,
        metavar="dotted.key=value",
        help="override one value, e.g. --set frictions.admin_burden=0.2 "
        "--set mechanisms.rotation.enabled=false (repeatable; values read as YAML)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``govsim`` parser: one sub-parser per verb, each with its handler."""
    parser = _Parser(
        prog="govsim",
        description='Agent-based simulation of "one core, multiple subjects" community '
        "governance. Defaults are illustrative, not calibrated (docs/ODD.md).",
        epilog="Exit codes: 0 ok, 1 internal error (GOVSIM_DEBUG=1 shows the traceback), "
        "2 bad input, 130/143 interrupted.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=_Parser)

    p = verbs.add_parser(
        "run",
        help="run a scenario's replicates and write a run folder",
        description="Run the replicates of a scenario file and write results/<name>/ "
        "(or --out): manifest.json, timeseries.parquet, summary.csv, scorecard.csv, "
        "figures/. Replicate seeds are spawned from the scenario seed (numpy "
        "SeedSequence) and recorded in the manifest.",
    )
    p.add_argument("scenario", metavar="SCENARIO.yaml", help="the scenario file")
    p.add_argument("--replications", type=_bounded_int(1, 100_000), metavar="N", help="replicates")
    p.add_argument("--seed", type=_bounded_int(0, 2**63 - 1), metavar="S", help="root seed")
    p.add_argument("--steps", type=_bounded_int(1, 1_000_000), metavar="T", help="weeks")
    _add_set(p)
    p.add_argument(
        "--out", metavar="DIR", type=_folder, help="run folder (default: results/<name>/)"
    )
    p.add_argument(
        "--workers",
        type=_bounded_int(1, 1024),
        default=1,
        metavar="N",
        help="local processes (default 1); results are identical for any N",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--until-ci",
        type=_positive_float,
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
        type=_bounded_int(2, 100_000),
        metavar="N",
        help="most replicates --until-ci runs (default 100)",
    )
    p.set_defaults(handler=run)

    p = verbs.add_parser(
        "compare",
        help="compare stored runs against a baseline",
        description="Compare completed run folders against a baseline, metric by metric: "
        "mean, sd and 95%% CI of each scenario at the final week and over the last K "
        "weeks; the difference to the baseline (Welch 95%% CI), Hedges' g (95%% CI), "
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
        type=_bounded_int(1, 1_000_000),
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
        "--out", metavar="DIR", type=_folder, help="output folder (default: results/comparison/)"
    )
    p.set_defaults(handler=compare)

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
        type=_bounded_int(1, 1024),
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
        "--out", metavar="DIR", type=_folder, help="sweep folder (default: results/<name>/)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=sweep)

    p = verbs.add_parser(
        "check",
        help="validate scenario or sweep files without running them",
        description="Validate scenario files (YAML, extends, every value) and sweep files "
        "(the file, its base scenario, every design point) without running.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario or sweep files")
    _add_set(p)
    p.set_defaults(handler=check)

    p = verbs.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="Print the JSON Schema of scenario files (for editors), or with "
        "--markdown the reference of every key (as in scenarios/README.md).",
    )
    p.add_argument("--markdown", action="store_true", help="the key reference in Markdown")
    p.set_defaults(handler=schema)

    p = verbs.add_parser(
        "validate",
        help="run the docking suite against published models",
        description="Reproduce published models inside govsim (docking suite).",
    )
    p.add_argument("--quick", action="store_true", help="fewer replicates, smaller graphs")
    p.add_argument("--out", metavar="DIR", type=_folder, help="where to write the report")
    p.set_defaults(handler=validate)

    p = verbs.add_parser(
        "viz",
        help="open the interactive dashboard",
        description="Serve the interactive dashboard for policy analysts.",
    )
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario file to start from")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (127.0.0.1)")
    p.add_argument("--port", type=_bounded_int(1, 65535), default=8765, help="port (8765)")
    p.add_argument("--no-open", action="store_true", help="do not open a browser")
    p.add_argument(
        "--install-assets",
        action="store_true",
        help="install the page's scripts and styles for offline use, then exit",
    )
    p.set_defaults(handler=viz)
    return parser


# --------------------------------------------------------------------------- main


def _interruption_behind(error: BaseException) -> KeyboardInterrupt | None:
    try:
        from govsim.runs import interruption_behind  # noqa: PLC0415
    except Exception:  # the error may be that very import: report it as it is
        return None
    return interruption_behind(error)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0911 (one exit code per outcome)
    """Run one ``govsim`` command and return its exit code (see module docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error (exit code 2)
        return int(stop.code or 0)
    args.argv = argv
    verb = f"govsim {args.verb}"
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return args.handler(args)
    except Terminated:
        print(f"{verb}: terminated (SIGTERM); nothing was marked complete.", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print(f"{verb}: interrupted; nothing was marked complete.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`govsim schema | head`): stop quietly, as a shell
        # pipeline's writer does; point stdout at /dev/null so the flush at exit is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:
        if isinstance(error, _bad_input_errors()):
            print(f"{verb}: error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        interrupt = _interruption_behind(error)
        if interrupt is not None:  # a signal that landed inside compiled code
            terminated = isinstance(interrupt, Terminated)
            how = "terminated (SIGTERM)" if terminated else "interrupted"
            print(f"{verb}: {how}; nothing was marked complete.", file=sys.stderr)
            return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
        if os.environ.get("GOVSIM_DEBUG"):
            traceback.print_exc()
        print(
            f"{verb}: internal error: {type(error).__name__}: {error}. "
            "Set GOVSIM_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
