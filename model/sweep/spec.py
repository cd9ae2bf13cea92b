"""The sweep file: what a user writes, typed and validated as written.

Core objects: ``SweepSpec`` (a sweep file, as pydantic; unknown keys are errors),
``Range`` (a parameter's ``{low:, high:}``, with ``levels:`` for grids),
``SweepError`` (a sweep file or sweep that cannot be used; one paragraph, the CLI
exits with 2), ``DESIGNS`` and the limits (``MAX_POINTS``, ``RESERVED``).

Vocabulary (EMA Workbench): the parameters a sweep varies are the scenario's levers
and uncertainties; ``metrics`` are its outcomes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from govsim.scenario import ScenarioError

__all__ = [
    "DESIGNS",
    "MAX_POINTS",
    "RESERVED",
    "Range",
    "SweepError",
    "SweepSpec",
    "spec_parameters",
    "sweep_keys",
]

DESIGNS = ("grid", "lhs", "sobol", "morris")
#: Scenario keys a sweep cannot vary: seeds and replicates are the sweep's own.
RESERVED = ("name", "description", "seed", "replications")
#: Most design points of one sweep (each is validated, and listed in design.parquet).
MAX_POINTS = 1_000_000


class SweepError(ScenarioError):
    """A sweep file or sweep that cannot be used; one paragraph (the CLI exits with 2)."""


class Range(BaseModel):
    """A parameter's range: ``{low: , high: }``, and for a grid ``levels:``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float = Field(description="Lowest value.")
    high: float = Field(description="Highest value.")
    levels: int | None = Field(
        None, ge=2, le=100_000, description="grid only: evenly spaced values, ends included."
    )


class SweepSpec(BaseModel):
    """A sweep file, as written (see scenarios/README.md, "Sweep files")."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(
        min_length=1,
        max_length=200,
        # Not a path: no separators, no '.' or '..', no hidden folder (leading dot).
        pattern=r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*$",
        description="Sweep name; also the default results folder (results/<name>/); "
        "letters, digits, '_', '.' and '-', not starting with '.'.",
    )
    description: str = Field("", max_length=20_000, description="Free text.")
    scenario: str = Field(
        min_length=1, description="The base scenario file, relative to the sweep file."
    )
    design: Literal["grid", "lhs", "sobol", "morris"] = Field(
        description="How design points are chosen."
    )
    samples: int | None = Field(
        None,
        ge=1,
        le=MAX_POINTS,
        description="lhs: points; sobol: base points N (a power of 2); morris: trajectories.",
    )
    replications: int | None = Field(
        None, ge=1, le=100_000, description="Replicates per design point (default: the base's)."
    )
    seed: int | None = Field(
        None, ge=0, le=2**63 - 1, description="Root seed of the sweep (default: the base's)."
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        alias="set",
        description="Values fixed for the whole sweep, by dotted path (as --set).",
    )
    parameters: dict[str, list[Any] | Range] = Field(
        min_length=1, description="Dotted path -> list of values or {low, high[, levels]}."
    )
    metrics: list[str] = Field(
        min_length=1,
        description="Metrics to summarise (model.metrics.METRICS) or scorecard.<objective>.",
    )
    morris_levels: int = Field(4, ge=2, le=1000, description="morris: levels of the grid (even).")
    second_order: bool = Field(False, description="sobol: also second-order indices (S2).")


def sweep_keys() -> list[str]:
    """The keys a sweep file may have, as written (``set``, not ``overrides``)."""
    return sorted(field.alias or name for name, field in SweepSpec.model_fields.items())


def spec_parameters(spec: SweepSpec) -> dict[str, Any]:
    """The parameters as written: dotted path -> list of values or range (for manifests)."""
    return {
        path: value.model_dump(exclude_none=True) if isinstance(value, Range) else list(value)
        for path, value in spec.parameters.items()
    }
