"""Text: display names, the language switch, messages and display-width layout.

A leaf every stage may import (it imports nothing else of govsim's, and nothing
heavier than ``wcwidth``). Core objects, by module:

- ``language``: ``set_language`` ("zh" or "en"; also ``govsim.set_language``, the
  ``GOVSIM_LANG`` environment variable and the CLI's ``--lang``), ``language`` (the one
  in force), ``using`` (a language for a ``with`` block);
- ``names``: the one table of display names (names.tsv: every metric, objective,
  scorecard entry, scenario key, kind of subject and term of the thesis, each with an
  English and a Chinese name and unit): ``display_name``, ``unit``, ``label``,
  ``bilingual``, ``glossary``;
- ``messages``: every sentence govsim prints or draws, in both languages (``say``);
- ``width``: text padded by display width, so tables with Chinese labels line up
  (``display_width``, ``fit``, ``format_table``).
"""

from govsim.text.language import (
    DEFAULT_LANGUAGE,
    LANGUAGE_ENV,
    LANGUAGES,
    LanguageError,
    language,
    normalise_language,
    set_language,
    using,
)
from govsim.text.messages import MESSAGES, counted, plural, replicates, say
from govsim.text.names import (
    GLOSSARY_BEGIN,
    GLOSSARY_END,
    NAMES,
    Name,
    bilingual,
    display_name,
    glossary,
    glossary_markdown,
    label,
    metric_group,
    unit,
)
from govsim.text.width import display_width, fit, format_table

__all__ = [
    "DEFAULT_LANGUAGE",
    "GLOSSARY_BEGIN",
    "GLOSSARY_END",
    "LANGUAGES",
    "LANGUAGE_ENV",
    "MESSAGES",
    "NAMES",
    "LanguageError",
    "Name",
    "bilingual",
    "counted",
    "display_name",
    "display_width",
    "fit",
    "format_table",
    "glossary",
    "glossary_markdown",
    "label",
    "language",
    "metric_group",
    "normalise_language",
    "plural",
    "replicates",
    "say",
    "set_language",
    "unit",
    "using",
]
