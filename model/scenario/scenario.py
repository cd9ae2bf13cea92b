"""The Scenario: every parameter of a govsim run, typed, validated and frozen.

Core objects: ``Scenario`` (the pydantic model of a scenario file, made of the
sections of the other modules of this package), ``set_dotted`` (a value set in a
plain document by dotted path, the path checked against the schema) and
``validate_document`` (a plain mapping validated as a Scenario, every failure a
``ScenarioError``).

``Scenario()`` with no arguments is the full "one core, multiple subjects"
configuration of Xingning District: all five innovations on, with illustrative (not
calibrated) defaults. Every default lives in this package and nowhere else;
docs/ODD.md lists them with their sources.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from govsim.scenario.decision import Decision
from govsim.scenario.dynamics import Dynamics
from govsim.scenario.errors import Origins, ScenarioError, format_validation_error
from govsim.scenario.frictions import Frictions
from govsim.scenario.issues import Issues
from govsim.scenario.mechanisms import Mechanisms
from govsim.scenario.network import NetworkSettings
from govsim.scenario.paths import deep_merge, is_section
from govsim.scenario.population import PopulationSettings
from govsim.scenario.section import Section

__all__ = ["Scenario", "set_dotted", "validate_document"]


class Scenario(Section):
    """A complete, validated govsim scenario (see scenarios/README.md for every key)."""

    name: str = Field(
        "one_core_multiple",
        min_length=1,
        max_length=200,
        # Letters and digits of any script (高负担社区), _ . -; not a leading dot, so
        # never a path: no separators, no '..', no hidden folder.
        pattern=r"^[\w\-][\w.\-]*$",
        description="Scenario name; also the default results folder. Letters and digits "
        "of any script (e.g. Chinese), '_', '.' and '-'; not starting with '.'.",
    )
    description: str = Field(
        "", max_length=20_000, description="Free text: what the scenario represents."
    )
    seed: int = Field(20190601, ge=0, le=2**63 - 1, description="Root seed of the scenario.")
    steps: int = Field(104, ge=1, le=1_000_000, description="Weeks to simulate and report.")
    warmup: int = Field(
        104,
        ge=0,
        le=1_000_000,
        description="Burn-in weeks run before the reported weeks and not reported: habits, "
        "ties and commitment settle first. Reported week 0 is the state after them.",
    )
    replications: int = Field(10, ge=1, le=100_000, description="Independent replicates.")
    population: PopulationSettings = Field(default_factory=PopulationSettings)
    network: NetworkSettings = Field(default_factory=NetworkSettings)
    decision: Decision = Field(default_factory=Decision)
    issues: Issues = Field(default_factory=Issues)
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)
    frictions: Frictions = Field(default_factory=Frictions)
    dynamics: Dynamics = Field(default_factory=Dynamics)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        thresholds = self.decision.thresholds
        if thresholds is not None and len(thresholds) != self.population.residents:
            raise ValueError(
                f"decision.thresholds has {len(thresholds)} values but population.residents "
                f"is {self.population.residents}: give one threshold per resident"
            )
        if self.population.residents < self.population.communities * 2:
            raise ValueError(
                f"population.residents ({self.population.residents}) must be at least 2 per "
                f"community: population.communities is {self.population.communities}, so at "
                f"least {2 * self.population.communities} residents"
            )
        if self.population.streets > self.population.communities:
            raise ValueError(
                f"population.streets ({self.population.streets}) must not exceed "
                f"population.communities ({self.population.communities}): every street "
                "holds at least one community"
            )
        return self

    # ---- convenience ------------------------------------------------------------

    def enabled(self, mechanism: str) -> bool:
        """Whether the named innovation is switched on."""
        return bool(getattr(self.mechanisms, mechanism).enabled)

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """Return a new validated scenario with values replaced by dotted path.

        Args:
            overrides: ``{"frictions.admin_burden": 0.2, "mechanisms.rotation.enabled": False}``.

        Raises:
            ScenarioError: a path that does not exist, or a value that is not allowed.
        """
        document = self.model_dump(mode="json")
        for path, value in overrides.items():
            set_dotted(document, path, value)
        return validate_document(document)

    def to_yaml(self) -> str:
        """The fully resolved scenario as YAML (what a manifest records)."""
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def set_dotted(document: dict[str, Any], path: str, value: Any) -> None:
    """Set ``document[a][b][c] = value`` for ``path = "a.b.c"``, checking the path exists.

    The path is checked against the schema (not the document), so keys that the
    document leaves at their defaults can be set too.

    Raises:
        ScenarioError: the path names no field of the scenario schema.
    """
    parts = path.split(".")
    model: type[BaseModel] | None = Scenario
    node = document
    for depth, key in enumerate(parts):
        fields = model.model_fields if model is not None else {}
        if key not in fields:
            where = ".".join(parts[:depth]) or "the scenario"
            close = difflib.get_close_matches(key, list(fields), n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            allowed = ", ".join(sorted(fields)) or "nothing (it is a value, not a section)"
            raise ScenarioError(
                f"'{path}' is not a scenario field: {where} has no key '{key}'{guess}. "
                f"Keys allowed there: {allowed}."
            )
        annotation = fields[key].annotation
        if depth == len(parts) - 1:
            # A mapping given to a section merges into it key by key, as `extends` does.
            if (
                is_section(annotation)
                and isinstance(value, Mapping)
                and isinstance(node.get(key), dict)
            ):
                node[key] = deep_merge(node[key], value)
            else:
                node[key] = value
            return
        if not is_section(annotation):
            raise ScenarioError(
                f"'{path}' is not a scenario field: '{'.'.join(parts[: depth + 1])}' is a "
                "value, not a section."
            )
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
        model = annotation


def validate_document(
    document: Any, *, source: str | None = None, lines: Origins | None = None
) -> Scenario:
    """Validate a plain mapping as a Scenario, turning every failure into ScenarioError."""
    if not isinstance(document, Mapping):
        kind = type(document).__name__
        raise ScenarioError(
            f"a scenario must be a mapping of keys to values, got {kind}. "
            "Start from scenarios/one_core_multiple.yaml.",
            source=source,
        )
    try:
        return Scenario.model_validate(dict(document))
    except ValidationError as error:
        raise ScenarioError(
            format_validation_error(error, Scenario, lines=lines), source=source
        ) from None
    except (TypeError, ValueError, RecursionError) as error:
        raise ScenarioError(f"invalid scenario: {error}", source=source) from None
