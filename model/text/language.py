"""The language govsim prints and draws in: English (the default) or Chinese.

Core objects: ``LANGUAGES`` (the codes and their names), ``language`` (the one in
force), ``set_language`` (the notebook setting, ``govsim.set_language("zh")``),
``using`` (a language for a block of code) and ``LANGUAGE_ENV``.

The rule, first match wins: the language set in this process (``set_language``, or the
CLI's ``--lang``), then the ``GOVSIM_LANG`` environment variable, then English. Codes
are read loosely (``zh``, ``zh-CN``, ``zh_Hans``, ``ZH``: Chinese), so a locale-style
value works as it is.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_ENV",
    "LanguageError",
    "language",
    "normalise_language",
    "set_language",
    "using",
]

#: The languages govsim speaks, by code, each named in itself.
LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"
#: The environment variable that chooses the language when nothing else has.
LANGUAGE_ENV = "GOVSIM_LANG"

_chosen: str | None = None


class LanguageError(ValueError):
    """A language govsim does not speak: the message says which ones it does."""


def normalise_language(code: str) -> str:
    """The code of ``code`` (``"zh-CN"`` -> ``"zh"``).

    Raises:
        LanguageError: not a language govsim speaks.
    """
    base = str(code).strip().lower().replace("_", "-").split("-")[0]
    if base not in LANGUAGES:
        allowed = ", ".join(f"'{c}' ({name})" for c, name in LANGUAGES.items())
        raise LanguageError(f"unknown language '{code}'; allowed: {allowed}")
    return base


def set_language(code: str | None) -> str:
    """Choose the language of messages, tables and figures in this process.

    Args:
        code: ``"zh"`` or ``"en"`` (or a locale such as ``"zh-CN"``); None goes back to
            ``GOVSIM_LANG`` or English.

    Returns:
        The language now in force.

    Raises:
        LanguageError: not a language govsim speaks (the current one is kept).
    """
    global _chosen  # noqa: PLW0603 - the one process-wide setting, as matplotlib's rcParams
    _chosen = None if code is None else normalise_language(code)
    return language()


def language() -> str:
    """The language in force: ``set_language``'s, else ``GOVSIM_LANG``'s, else English.

    An unusable ``GOVSIM_LANG`` warns and falls back to English (the
    command line refuses it with exit code 2 instead: ``govsim.cli``).
    """
    if _chosen is not None:
        return _chosen
    from_environment = os.environ.get(LANGUAGE_ENV, "").strip()
    if not from_environment:
        return DEFAULT_LANGUAGE
    try:
        return normalise_language(from_environment)
    except LanguageError as error:
        warnings.warn(f"{LANGUAGE_ENV}: {error}; using English", stacklevel=2)
        return DEFAULT_LANGUAGE


@contextmanager
def using(code: str) -> Iterator[str]:
    """Speak ``code`` inside the ``with`` block, then go back to what was chosen before."""
    global _chosen  # noqa: PLW0603 - restores the one process-wide setting
    before = _chosen
    _chosen = normalise_language(code)
    try:
        yield _chosen
    finally:
        _chosen = before
