"""Scenario files: YAML read safely with the line of every key, ``extends`` resolved.

Core objects: ``load_scenario`` (a file, its ``extends`` ancestors and ``--set``
overrides, validated into a Scenario), ``read_yaml`` (one YAML mapping and the line
of every dotted key), ``resolve_document`` (a file and its ancestors merged, with
where each key was set) and ``read_value`` (one ``--set`` value, read as files are).

Files are read by the one guarded reader (``govsim.scenario.reader``: regular files
only, a size cap, YAML 1.2 core types, no aliases or tags, bounded nesting), which
also refuses duplicate keys and non-plain keys here. Every problem is a
``ScenarioError`` naming the file and line.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from govsim.scenario.errors import ScenarioError
from govsim.scenario.paths import deep_merge, section_keys
from govsim.scenario.reader import MAX_VALUE_CHARS, Yaml12Loader, load_yaml_text, read_guarded_text
from govsim.scenario.scenario import Scenario, set_dotted, validate_document
from govsim.scenario.values import plain

__all__ = [
    "MAX_EXTENDS_DEPTH",
    "load_scenario",
    "locate",
    "read_value",
    "read_yaml",
    "resolve_document",
    "shipped_folder",
]


class _ScenarioLoader(Yaml12Loader):
    """The guarded YAML 1.2 loader (``govsim.scenario.reader``), as scenario files use it."""


def read_value(text: str) -> Any:
    """One YAML value (a ``--set`` value), read as scenario files are read.

    Raises:
        yaml.YAMLError: not YAML, an alias or tag, nested too deeply, or longer than
            ``MAX_VALUE_CHARS`` (all bounded: a hostile value is one error at once).
    """
    if len(text) > MAX_VALUE_CHARS:
        raise yaml.YAMLError(f"longer than {MAX_VALUE_CHARS:,} characters")
    return plain(load_yaml_text(text, _ScenarioLoader))


class _LineLoader(_ScenarioLoader):
    """The scenario loader that remembers the line of every key."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be plain values", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    return _Located(mapping, lines)


class _Located(dict):
    """A mapping that knows the YAML line of each of its keys."""

    def __init__(self, data: dict[Any, Any], lines: dict[Any, int]) -> None:
        super().__init__(data)
        self.lines = lines


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _collect_lines(value: Any, prefix: str, out: dict[str, int]) -> None:
    if isinstance(value, _Located):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.setdefault(path, value.lines.get(key, 0))
            _collect_lines(child, path, out)


def shipped_folder() -> Path | None:
    """The folder of the scenario files shipped with govsim (package data), if installed."""
    try:
        folder = Path(str(importlib.resources.files("govsim.scenarios")))
    except ModuleNotFoundError:  # a source tree on sys.path without the package data
        return None
    return folder if folder.is_dir() else None


def locate(path: str | Path) -> Path:
    """The file a user means by ``path``: that file, or else the shipped scenario of that name.

    A path that names no file (``baseline``, ``comparative/japan``, ``sweeps/levers_lhs.yaml``)
    is looked up among the shipped scenario files, with or without ``.yaml``; a file in
    the current folder always wins. Otherwise the path is returned as given, and reading it
    reports it missing.
    """
    given = Path(path)
    try:
        if given.exists() or given.is_symlink():
            return given
    except OSError:  # a path too long: the reader reports it as bad input
        return given
    folder = shipped_folder()
    if folder is None or given.is_absolute() or ".." in given.parts:
        return given
    for candidate in (folder / given, folder / given.with_name(given.name + ".yaml")):
        if candidate.is_file():
            return candidate
    return given


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Read one YAML mapping safely; return it with the line of every dotted key."""
    try:
        text = read_guarded_text(path)
    except FileNotFoundError:
        shipped = shipped_folder()
        hint = f" (nor a shipped scenario of that name, in {shipped})" if shipped else ""
        raise ScenarioError(f"file not found{hint}.", source=str(path)) from None
    try:
        data = load_yaml_text(text, _LineLoader)  # a guarded SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(
            f"{where}YAML error: {problem}. Fix the YAML (indentation, colons, quotes; "
            "no tags or aliases).",
            source=str(path),
        ) from None
    except RecursionError:
        raise ScenarioError("YAML nested too deeply.", source=str(path)) from None
    if data is None:
        raise ScenarioError(
            "the file is empty (or holds only comments): a scenario file must hold a "
            "mapping of keys to values, at least a name and 'extends: one_core_multiple.yaml' "
            "(see scenarios/README.md).",
            source=str(path),
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            f"a scenario file must hold a mapping of keys to values, not a {type(data).__name__}.",
            source=str(path),
        )
    lines: dict[str, int] = {}
    _collect_lines(data, "", lines)
    return plain(data), lines


def _resolved(path: Path) -> Path:
    """The absolute, resolved path; a symlink loop or over-long path stays as given.

    The reader then reports it as bad input (``read_guarded_text``).
    """
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def _read_parent(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """A file reached through ``extends``, refused without an echo if it is no scenario.

    A parent such as ``extends: /etc/shadow`` is said not to be a scenario; its keys and
    values, which may be another program's secrets, are never shown.
    """
    document, lines = read_yaml(path)
    if not set(document) <= set(section_keys(Scenario, "")):
        raise ScenarioError(
            "is not a scenario file (its top-level keys are not scenario keys); "
            "'extends' must name a scenario file.",
            source=str(path),
        )
    return document, lines


#: The longest chain of ``extends`` a scenario may have (far beyond any real use).
MAX_EXTENDS_DEPTH = 32


def resolve_document(
    path: Path, _chain: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], dict[str, tuple[Path, int]]]:
    """Read a scenario file and its ``extends`` ancestors into one merged document.

    Returns:
        The merged document, and for every dotted key the file and line that set it
        (the child's keys win, as its values do).
    """
    path = Path(path)
    resolved = _resolved(path)
    if len(_chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            f"'extends' chain longer than {MAX_EXTENDS_DEPTH} files (starting at "
            f"{_chain[0]}); at most {MAX_EXTENDS_DEPTH} are allowed.",
            source=str(path),
        )
    if resolved in _chain:
        cycle = " -> ".join(str(p) for p in (*_chain, resolved))
        raise ScenarioError(
            f"'extends' cycle: {cycle}. A scenario cannot extend itself.", source=str(path)
        )
    document, lines = _read_parent(path) if _chain else read_yaml(path)
    located = {key: (path, line) for key, line in lines.items() if key != "extends"}
    parent_name = document.pop("extends", None)
    if parent_name is None:
        return document, located
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise ScenarioError(
            f"'extends' (line {lines.get('extends', '?')}) must be the path of a parent "
            f"scenario file, got {parent_name!r}.",
            source=str(path),
        )
    parent_path = _resolved(path.parent / parent_name)
    if not parent_path.is_file():
        problem = (
            "is a folder, not a file"
            if parent_path.is_dir()
            else "is not a regular file"
            if parent_path.exists()
            else "does not exist"
        )
        raise ScenarioError(
            f"'extends' (line {lines.get('extends', '?')}) names '{parent_name}', which "
            f"{problem} (looked for {parent_path}). The path is relative to this file.",
            source=str(path),
        )
    try:
        parent_document, parent_located = resolve_document(parent_path, (*_chain, resolved))
    except ScenarioError as error:
        if error.source is None or Path(error.source).resolve() != parent_path:
            raise  # already says how it was reached, or is about the chain as a whole
        raise ScenarioError(
            f"{error.message} (reached through 'extends' on line {lines.get('extends', '?')} of "
            f"{path})",
            source=error.source,
        ) from None
    return deep_merge(parent_document, document), {**parent_located, **located}


def _dotted_keys(path: str, value: Any) -> list[str]:
    """The dotted keys a value set at ``path`` names (a mapping: each of its leaves)."""
    if not isinstance(value, Mapping) or not value:
        return [path]
    return [key for name, child in value.items() for key in _dotted_keys(f"{path}.{name}", child)]


def _origins(path: Path, located: Mapping[str, tuple[Path, int]]) -> dict[str, int | str]:
    """Lines of ``path`` as numbers, lines of its parents as 'line N of FILE'."""
    origins: dict[str, int | str] = {}
    for key, (file, line) in located.items():
        origins[key] = line if file == path else f"line {line} of {_display(file)}"
    return origins


def _display(file: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(file.relative_to(Path.cwd()))
    except ValueError:
        return str(file)


@functools.cache
def _default_document() -> dict[str, Any]:
    """``Scenario()`` as a plain document (deep-copied by ``deep_merge`` on use)."""
    return Scenario().model_dump(mode="json")


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load a scenario file: YAML, ``extends`` resolved, overrides applied, validated.

    Args:
        path: the scenario file, or the name of a shipped one (``baseline``, ``locate``).
        overrides: values by dotted path, applied after ``extends`` (``--set`` on the CLI).

    Returns:
        The validated, frozen Scenario.

    Raises:
        ScenarioError: anything wrong with the file, its parents or the overrides; the
            message names the file, the line where known, the field path, the value and
            what is allowed.
    """
    path = locate(path)
    document, located = resolve_document(path)
    # Start from the defaults: a section whose defaults its parent supplies (each kind
    # of unit) must keep the keys a file or --set does not name.
    document = deep_merge(_default_document(), document)
    origins = _origins(path, located)
    for dotted, value in (overrides or {}).items():
        try:
            set_dotted(document, dotted, value)
        except ScenarioError as error:
            raise ScenarioError(f"--set {dotted}: {error}", source=str(path)) from None
        # The value is the override's now: point there, not at the file's line.
        for key in _dotted_keys(dotted, value):
            for old in [old for old in origins if old == key or old.startswith(f"{key}.")]:
                del origins[old]
            origins[key] = "set by --set"
    return validate_document(document, source=str(path), lines=origins)
