"""The ``govsim`` parser and ``main``: one sub-parser per verb, one exit code per outcome.

Core objects: ``main`` (the console script ``govsim``), ``build_parser`` (the
parser: each verb's module adds its own sub-parser) and ``VERBS`` (those modules, in
the order ``govsim --help`` lists them). The exit codes are in the ``govsim.cli``
docstring.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from typing import Any

from govsim.cli import check, compare, run, schema, sweep, validate, viz
from govsim.cli.shared import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Parser,
)
from govsim.scenario import ScenarioError
from govsim.text import (
    DEFAULT_LANGUAGE,
    LANGUAGE_ENV,
    LanguageError,
    normalise_language,
    say,
    set_language,
)
from govsim.version import __version__

__all__ = ["VERBS", "Terminated", "build_parser", "main"]

#: The verbs' modules, each with ``add_parser(verbs)``, in the order of ``--help``.
VERBS = (run, compare, sweep, check, schema, validate, viz)


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an interruption so that a run folder is closed honestly."""


def _bad_input_errors() -> tuple[type[BaseException], ...]:
    # The run store (and pandas with it) is imported only by verbs that write runs;
    # if it was never imported, none of its errors can have been raised.
    store = sys.modules.get("govsim.store")
    return (ScenarioError, *((store.OutputError,) if store else ()))


def build_parser() -> Parser:
    """The ``govsim`` parser: one sub-parser per verb, each with its handler."""
    parser = Parser(
        prog="govsim",
        description='Agent-based simulation of "one core, multiple subjects" community '
        "governance. Defaults are illustrative, not calibrated (docs/ODD.md).",
        epilog="Exit codes: 0 ok, 1 internal error (GOVSIM_DEBUG=1 shows the traceback), "
        "2 bad input, 130/143 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"govsim {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=Parser)
    for verb in VERBS:
        verb.add_parser(verbs)
    return parser


def _interruption_behind(error: BaseException) -> KeyboardInterrupt | None:
    try:
        from govsim.runs import interruption_behind  # noqa: PLC0415 - the model, on error only
    except Exception:  # the error may be that very import: report it as it is
        return None
    return interruption_behind(error)


def _choose_language(code: str | None) -> str | None:
    """Speak ``--lang`` (also to child processes), or check ``GOVSIM_LANG``; a problem or None.

    ``--lang`` goes into the environment too, so worker processes and the dashboard's
    server speak it as well.
    """
    if code:
        set_language(code)
        os.environ[LANGUAGE_ENV] = code
        return None
    chosen = os.environ.get(LANGUAGE_ENV, "").strip()
    try:
        set_language(normalise_language(chosen) if chosen else None)
    except LanguageError as error:
        set_language(DEFAULT_LANGUAGE)  # the message itself, then, in English
        return f"{LANGUAGE_ENV}={chosen}: {error} (or choose one with --lang)"
    return None


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
    problem = _choose_language(getattr(args, "lang", None))
    if problem:
        print(f"{verb}: {say('cli.error')}: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return args.handler(args)
    except Terminated:
        print(f"{verb}: {say('cli.terminated')}", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print(f"{verb}: {say('cli.interrupted')}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`govsim schema | head`): stop quietly, as a shell
        # pipeline's writer does; point stdout at /dev/null so the flush at exit is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:
        if isinstance(error, _bad_input_errors()):
            print(f"{verb}: {say('cli.error')}: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        interrupt = _interruption_behind(error)
        if interrupt is not None:  # a signal that landed inside compiled code
            terminated = isinstance(interrupt, Terminated)
            how = "cli.terminated" if terminated else "cli.interrupted"
            print(f"{verb}: {say(how)}", file=sys.stderr)
            return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
        if os.environ.get("GOVSIM_DEBUG"):
            traceback.print_exc()
        print(
            f"{verb}: {say('cli.internal', kind=type(error).__name__, error=error)}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)
