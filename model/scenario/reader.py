"""The one guarded reader of every YAML text govsim reads: files, ``extends``, ``--set``.

Core objects: ``read_guarded_text`` (a file's text, read only if it is a regular file
no larger than ``MAX_FILE_BYTES``), ``Yaml12Loader`` (a safe loader that follows the
YAML 1.2 core schema and bounds nesting), ``load_yaml_text`` (one text through it) and
``govsim.scenario.values.yaml11_hint`` says why a value YAML 1.1 read as a number
or boolean is text.

Rules (YAML 1.2 core schema, stricter where YAML 1.1 surprised users):
- booleans are ``true``/``false`` only (``yes``, ``on``, ``y`` are text);
- whole numbers are decimal only (``0x10``, ``0o17``, ``1:10``, ``1_000`` are text);
- floats are ``1.5``, ``1e3``, ``.5``, ``.inf``, ``.nan``;
- aliases and explicit tags are refused (an alias bomb cannot expand) and nesting is
  bounded by ``MAX_DEPTH``, so a hostile value ends in one error, not a MemoryError.
A file is opened without following it into a FIFO or device (``O_NONBLOCK`` and a
regular-file check) and read up to the size cap; symlink loops and over-long paths
are bad input, reported as such.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from govsim.scenario.errors import ScenarioError

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_VALUE_CHARS",
    "Yaml12Loader",
    "load_yaml_text",
    "read_guarded_text",
]

#: The largest YAML file govsim reads (scenario, sweep, calibration files are a few kB).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: The longest ``--set`` value, in characters.
MAX_VALUE_CHARS = 100_000
#: The deepest nesting of mappings and lists a YAML text may have.
MAX_DEPTH = 64


class _Core12Resolver(BaseResolver):
    """Implicit types of the YAML 1.2 core schema, decimal whole numbers only."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}


_Core12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Core12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_Core12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Core12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class Yaml12Loader(Reader, Scanner, Parser, Composer, SafeConstructor, _Core12Resolver):
    """Safe loader (no Python objects): YAML 1.2 core types, no aliases or tags, bounded depth."""

    def __init__(self, stream: Any) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        _Core12Resolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose the next node, refusing aliases and tags and bounding the depth."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "YAML aliases (*name) are not allowed; use 'extends' to share settings",
                event.start_mark,
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise yaml.composer.ComposerError(
                None, None, f"YAML tags ({tag}) are not allowed", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml_text(text: str, loader: type[Yaml12Loader] = Yaml12Loader) -> Any:
    """One YAML text read by ``loader`` (a ``Yaml12Loader``); raises ``yaml.YAMLError``."""
    reader = loader(text)
    try:
        return reader.get_single_data()
    finally:
        reader.dispose()


def read_guarded_text(path: Path, *, what: str = "scenario file") -> str:
    """The UTF-8 text of ``path``, if it is a regular file of at most ``MAX_FILE_BYTES``.

    Raises:
        ScenarioError: missing, a folder, a FIFO or device, too large, a symlink loop,
            a path too long, unreadable, or not UTF-8 (never the file's contents).
    """
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise ScenarioError(f"is a folder, not a {what}.", source=source) from None
    except OSError as error:
        raise ScenarioError(_os_problem(error, what), source=source) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ScenarioError(f"is a folder, not a {what}.", source=source)
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(
                f"is not a regular file (a device, FIFO or socket); a {what} must be a file.",
                source=source,
            )
        if info.st_size > MAX_FILE_BYTES:
            raise ScenarioError(_too_large(info.st_size, what), source=source)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ScenarioError(_os_problem(error, what), source=source) from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(_too_large(len(data), what), source=source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScenarioError(
            f"line {line}: not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as "
            "UTF-8.",
            source=source,
        ) from None


def _too_large(size: int, what: str) -> str:
    return (
        f"is {size:,} bytes or more; a {what} may be at most {MAX_FILE_BYTES:,} bytes "
        "(is this the right file?)."
    )


def _os_problem(error: OSError, what: str) -> str:
    if error.errno == errno.ELOOP:
        return f"is a symbolic link that loops (or links too deeply); point it at a {what}."
    if error.errno == errno.ENAMETOOLONG:
        return "the path (or one of its parts) is too long for the file system; shorten it."
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"cannot be read: permission denied; make the {what} readable."
    return f"cannot be read: {error.strerror or error}."
