"""What the verbs of the command line share: exit codes, argument types, the parser.

Core objects: the exit codes (``EXIT_OK``, ``EXIT_INTERNAL``, ``EXIT_BAD_INPUT``, ...),
``Parser`` (argparse with govsim's error format), the argument types
(``dotted_assignment``, ``folder_path``, ``bounded_int``, ``positive_float``), ``add_set``
(the ``--set`` option), ``add_language`` (the ``--lang`` option of the verbs that
print or draw), ``names`` (repeated or comma-separated names) and
``optional_feature`` (a verb's module, imported when the verb runs).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

import yaml

from govsim.scenario import read_value
from govsim.text import LANGUAGE_ENV, LANGUAGES, LanguageError, normalise_language

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "Parser",
    "add_language",
    "add_set",
    "bounded_int",
    "dotted_assignment",
    "folder_path",
    "language_code",
    "names",
    "optional_feature",
    "positive_float",
]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention
EXIT_TERMINATED = 143  # 128 + SIGTERM
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of stdout went away


class Parser(argparse.ArgumentParser):
    """argparse with govsim's error format: one paragraph, the usage line, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print the problem and how to get help, then exit with code 2."""
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_BAD_INPUT,
            f"{self.prog}: error: {message}. See '{self.prog} --help'.\n",
        )


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
        problem = getattr(error, "problem", None) or str(error) or "not valid YAML"
        shown = raw if len(raw) <= 80 else f"{raw[:60]}... ({len(raw):,} characters)"
        raise argparse.ArgumentTypeError(
            f"the value of '{key}' ({shown!r}) is not a YAML value: {problem}; quote "
            "text that contains ':' or '#'"
        ) from None
    return key, value


def folder_path(text: str) -> str:
    """An output folder argument: any path but an empty one."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the folder is empty; give a path (e.g. results/mine)")
    return text


def bounded_int(low: int, high: int) -> Any:
    """An argument type: a whole number from ``low`` to ``high``."""

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


def positive_float(text: str) -> float:
    """An argument type: a finite positive number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got '{text}'") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def language_code(text: str) -> str:
    """An argument type: a language govsim speaks (``zh``, ``en``, ``zh-CN``)."""
    try:
        return normalise_language(text)
    except LanguageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_language(parser: argparse.ArgumentParser) -> None:
    """The ``--lang zh|en`` option: the language of messages, tables and figures."""
    spoken = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
    parser.add_argument(
        "--lang",
        type=language_code,
        metavar="LANG",
        help=f"language of messages, tables and figures: {spoken}; default: {LANGUAGE_ENV} or en",
    )


def add_set(parser: argparse.ArgumentParser) -> None:
    """The ``--set dotted.key=value`` option (repeatable)."""
    parser.add_argument(
        "--set",
        action="append",
        type=dotted_assignment,
        metavar="dotted.key=value",
        help="override one value, e.g. --set frictions.admin_burden=0.2 "
        "--set mechanisms.rotation.enabled=false (repeatable; values read as YAML)",
    )


def names(values: list[str]) -> list[str]:
    """Names given as repeated or comma-separated values, in order."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def optional_feature(module: str, function: str, what: str) -> Any:
    """Import ``module.function`` lazily; a missing module is an internal error (exit 1)."""
    try:
        return getattr(importlib.import_module(module), function)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        raise RuntimeError(f"{what} is not available: {module} is not installed") from None
