"""Regenerate the generated parts of the READMEs: the key reference and the glossary.

The key reference of scenarios/README.md comes from the schema (`govsim schema
--markdown`), the glossary of README.zh-CN.md and docs/ODD.md from model/text/names.tsv.
Run after changing a scenario field or a display name:
``.venv/bin/python scripts/refresh_reference.py``. tests/test_scenario_files.py and
tests/test_text.py fail while a README is out of date.
"""

from pathlib import Path

from govsim.scenario import REFERENCE_BEGIN, REFERENCE_END, scenario_reference
from govsim.text import GLOSSARY_BEGIN, GLOSSARY_END, glossary_markdown

ROOT = Path(__file__).resolve().parent.parent


def refresh(readme: Path, begin: str, end: str, generated: str) -> None:
    """Put ``generated`` between ``begin`` and ``end`` in ``readme``."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{begin}\n\n{generated.strip()}\n\n{end}{tail}", encoding="utf-8")
    print(f"refreshed {readme}")


refresh(ROOT / "scenarios" / "README.md", REFERENCE_BEGIN, REFERENCE_END, scenario_reference())
for page in (ROOT / "README.zh-CN.md", ROOT / "docs" / "ODD.md"):
    refresh(page, GLOSSARY_BEGIN, GLOSSARY_END, glossary_markdown())
