"""Regenerate the key reference of scenarios/README.md from the schema (``govsim schema --markdown``).

Run after changing a scenario field: ``.venv/bin/python scripts/refresh_reference.py``.
tests/test_scenario_files.py fails while the README is out of date.
"""

from pathlib import Path

from govsim.scenario import REFERENCE_BEGIN, REFERENCE_END, scenario_reference

README = Path(__file__).resolve().parent.parent / "scenarios" / "README.md"

text = README.read_text(encoding="utf-8")
head, rest = text.split(REFERENCE_BEGIN, 1)
_, tail = rest.split(REFERENCE_END, 1)
README.write_text(
    f"{head}{REFERENCE_BEGIN}\n\n{scenario_reference().strip()}\n\n{REFERENCE_END}{tail}",
    encoding="utf-8",
)
print(f"refreshed {README}")
