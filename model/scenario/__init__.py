"""Scenario: every parameter of a govsim run, typed, validated and frozen.

Core objects: ``Scenario`` (the pydantic model of a scenario file), ``ScenarioError``
(the one error every bad input becomes), ``load_scenario`` (YAML with ``extends``).

A scenario is plain data. ``Scenario()`` with no arguments is the full
"one core, multiple subjects" configuration of Xingning District: all five
innovations on, with illustrative (not calibrated) defaults. Every default lives
in this package and nowhere else; docs/ODD.md lists them with their sources.

Vocabulary (EMA Workbench): mechanisms are *levers* (policy choices), frictions
and population are *uncertainties* (conditions), metrics are *outcomes*.

Modules, one job each (this package imports nothing heavier than pydantic and PyYAML,
so ``govsim check`` and ``govsim schema`` answer quickly):

- ``section``: the base of every section (``Section``) and the shared value types;
- ``population``, ``network``, ``decision``, ``issues``, ``mechanisms``,
  ``frictions``, ``dynamics``: the sections of a scenario file, one module each;
- ``scenario``: ``Scenario`` itself, ``set_dotted`` and ``validate_document``;
- ``paths``: dotted paths through the schema, and ``deep_merge``;
- ``errors``: ``ScenarioError`` and the one-paragraph messages of pydantic's errors;
- ``allowed``: what a field allows, in words;
- ``values``: plain values (``plain``, ``shown``, ``finite_or_none``);
- ``files``: YAML read safely, with lines and ``extends``; ``load_scenario``;
- ``reference``: the JSON Schema and the Markdown key reference.
"""

from govsim.scenario.allowed import allowed_values
from govsim.scenario.decision import Decision, LogitWeights
from govsim.scenario.dynamics import Dynamics
from govsim.scenario.errors import Origins, ScenarioError, format_validation_error
from govsim.scenario.files import (
    MAX_EXTENDS_DEPTH,
    load_scenario,
    locate,
    read_value,
    read_yaml,
    resolve_document,
    shipped_folder,
)
from govsim.scenario.frictions import Cohesion, Frictions, Linkage
from govsim.scenario.issues import Issues
from govsim.scenario.mechanisms import (
    COMPARATIVE_MECHANISM_NAMES,
    MECHANISM_NAMES,
    DeliberationSettings,
    HouseholdDutySettings,
    IntegralScoringSettings,
    InterconnectionSettings,
    JointCommitteeSettings,
    Mechanisms,
    MechanismSettings,
    RotationSettings,
)
from govsim.scenario.network import NetworkSettings, TieDynamics
from govsim.scenario.paths import deep_merge, field_at, is_section, read_path, section_keys
from govsim.scenario.population import (
    Core,
    PopulationSettings,
    Traits,
    UnitKind,
    UnitsSettings,
)
from govsim.scenario.reference import (
    REFERENCE_BEGIN,
    REFERENCE_END,
    reference_sections,
    scenario_json_schema,
    scenario_reference,
)
from govsim.scenario.scenario import Scenario, set_dotted, validate_document
from govsim.scenario.section import NonNegative, Section, Share
from govsim.scenario.values import finite_or_none, plain, shown

__all__ = [
    "COMPARATIVE_MECHANISM_NAMES",
    "MAX_EXTENDS_DEPTH",
    "MECHANISM_NAMES",
    "REFERENCE_BEGIN",
    "REFERENCE_END",
    "Cohesion",
    "Core",
    "Decision",
    "DeliberationSettings",
    "Dynamics",
    "Frictions",
    "HouseholdDutySettings",
    "IntegralScoringSettings",
    "InterconnectionSettings",
    "Issues",
    "JointCommitteeSettings",
    "Linkage",
    "LogitWeights",
    "MechanismSettings",
    "Mechanisms",
    "NetworkSettings",
    "NonNegative",
    "Origins",
    "PopulationSettings",
    "RotationSettings",
    "Scenario",
    "ScenarioError",
    "Section",
    "Share",
    "TieDynamics",
    "Traits",
    "UnitKind",
    "UnitsSettings",
    "allowed_values",
    "deep_merge",
    "field_at",
    "finite_or_none",
    "format_validation_error",
    "is_section",
    "load_scenario",
    "locate",
    "plain",
    "read_path",
    "read_value",
    "read_yaml",
    "reference_sections",
    "resolve_document",
    "scenario_json_schema",
    "scenario_reference",
    "section_keys",
    "set_dotted",
    "shipped_folder",
    "shown",
    "validate_document",
]
