"""Sweeps: one base scenario run at many design points, each with replicates, resumably.

Core objects:

- ``SweepSpec``: a sweep file (YAML), typed and validated (pydantic; unknown keys are
  errors). ``Range`` is a parameter's ``{low:, high:}`` (``levels:`` for grids).
- ``Sweep``: a validated sweep: its base ``Scenario``, its parameters (``Parameter``), its design
  table (every design point checked as a Scenario before anything runs) and its seeds.
  ``load_sweep(path)`` reads a file into one; ``make_sweep(document, base)`` builds one
  in Python.
- ``run_seed``: the seed of (design point, replicate).
- ``SweepTask`` and ``run_task``: a batch of runs that executes anywhere (this process,
  a local worker, a Dask worker) and writes one Parquet shard.
- ``run_sweep``: a whole ``govsim sweep``: skip what is finished, run the rest on an
  executor, then write the runs table, the summary per design point and, for sobol
  and morris designs, the sensitivity indices (model/sensitivity.py).

Designs (sampling by SALib, Herman & Usher 2017, doi:10.21105/joss.00097):

- ``grid``: every combination of the parameters' levels (the first parameter varies
  slowest). A list gives its levels; ``{low, high, levels}`` gives ``levels`` evenly
  spaced values from ``low`` to ``high``.
- ``lhs``: Latin hypercube, ``samples`` points (McKay, Beckman & Conover 1979).
- ``sobol``: Saltelli's extension of Sobol' sequences, ``samples`` = N base points (a
  power of 2), N (D + 2) design points, or N (2D + 2) with ``second_order``
  (Saltelli 2002, doi:10.1016/S0010-4655(02)00280-1; Saltelli et al. 2010).
- ``morris``: ``samples`` = r trajectories of D + 1 points on a ``morris_levels`` grid
  (Morris 1991, doi:10.1080/00401706.1991.10484804; Campolongo et al. 2007).

In the sampled designs SALib draws each parameter uniformly in its bounds: a number
range ``[low, high]``; a whole-number field ``[low, high + 1)`` rounded down (so each
whole number low..high is equally likely; the upper edge, which only a Morris grid
reaches, counts as ``high``); a list of k values ``[0, k)`` rounded down to an index
(each value equally likely). The design table holds the values applied to the
scenario; the raw SALib sample, which the sensitivity analysis uses, is kept beside
them.

Seeds: run (design point p, replicate r) uses the integer
``SeedSequence(seed).spawn(P)[p].spawn(R)[r].generate_state(1, uint64)[0] >> 1``,
the grandchild with spawn key (p, r) (computed directly as
``SeedSequence(seed, spawn_key=(p, r))``). It depends on p and r only, not on how
many points or replicates there are: adding replications keeps every earlier run's
seed. Sobol and Morris designs keep their earlier points when ``samples`` grows (Sobol'
sequences and SALib's trajectories are generated in order), so their earlier runs keep
both their parameter values and their seeds; LHS places every point anew when
``samples`` changes, and a grid reorders its points when a level is added.

Batches: runs are grouped into tasks of several runs (a few seconds of work each,
estimated from residents x steps), by blocks of design points and replicates; the
block sizes are fixed when a folder is first used, so a task always holds the same
runs and writes a shard of the same name: a task run twice (a Dask retry, a worker
that outlived a killed parent) overwrites its shard with the same content instead of
duplicating runs.

Resuming: the shards' footers record which runs are done (completed or failed). A
sweep started again on the same folder reads them, runs only the rest, and so ends
with every run exactly once. It refuses a folder made by a different sweep (other
base scenario, parameters, design or seed); the same sweep with more replications, or
a sobol or morris design with more samples, grows the folder instead.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import io
import itertools
import json
import math
import os
import socket
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govsim.scenario import Scenario, ScenarioError, load_scenario, read_yaml, set_dotted

if TYPE_CHECKING:
    import pyarrow as pa

    from govsim.runs import Executor

__all__ = [
    "DESIGNS",
    "Parameter",
    "Range",
    "Sweep",
    "SweepError",
    "SweepResult",
    "SweepSpec",
    "SweepTask",
    "load_sweep",
    "make_sweep",
    "run_seed",
    "run_sweep",
    "run_task",
]

DESIGNS = ("grid", "lhs", "sobol", "morris")
#: Scenario keys a sweep cannot vary: seeds and replicates are the sweep's own.
RESERVED = ("name", "description", "seed", "replications")
#: Most design points of one sweep (each is validated, and listed in design.parquet).
MAX_POINTS = 1_000_000
#: Column of the raw SALib sample of a parameter in design.parquet.
SAMPLE_PREFIX = "sample:"
#: Target seconds of work per task, and tasks wanted at least (to balance workers).
TASK_SECONDS = 5.0
MIN_TASKS = 16


class SweepError(ScenarioError):
    """A sweep file or sweep that cannot be used; one paragraph (the CLI exits with 2)."""


# --------------------------------------------------------------------------- the file


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
        pattern=r"^[A-Za-z0-9_.\-]+$",
        description="Sweep name; also the default results folder (results/<name>/).",
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


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Parameter:
    """One varied scenario value: a list of values, or a number or whole-number range.

    Attributes:
        path: the dotted scenario path (``frictions.admin_burden``).
        kind: ``values`` (a list), ``number`` or ``integer`` (a range).
        values: the list, as the scenario holds them (validated and typed).
        low, high: the range.
        levels: grid levels of a range.
    """

    path: str
    kind: Literal["values", "number", "integer"]
    values: tuple[Any, ...] = ()
    low: float = 0.0
    high: float = 0.0
    levels: int | None = None

    def bounds(self) -> list[float]:
        """SALib bounds: [low, high]; [low, high + 1) whole numbers; [0, k) for a list."""
        if self.kind == "number":
            return [self.low, self.high]
        if self.kind == "integer":
            return [self.low, self.high + 1]
        return [0.0, float(len(self.values))]

    def apply(self, sampled: np.ndarray) -> list[Any]:
        """The scenario values of SALib's samples of this parameter (see ``bounds``)."""
        if self.kind == "number":
            return [float(x) for x in sampled]
        if self.kind == "integer":
            return [int(x) for x in np.clip(np.floor(sampled), self.low, self.high)]
        index = np.clip(np.floor(sampled), 0, len(self.values) - 1).astype(int)
        return [self.values[i] for i in index]

    def grid(self) -> list[Any]:
        """The grid levels: the list, or ``levels`` values evenly spaced over the range."""
        if self.kind == "values":
            return list(self.values)
        spaced = np.linspace(self.low, self.high, self.levels or 2)
        if self.kind == "integer":
            return [int(x) for x in np.rint(spaced)]
        return [float(f"{x:.12g}") for x in spaced]  # 0.3, not 0.30000000000000004


# --------------------------------------------------------------------------- seeds


def run_seed(root_seed: int, point: int, replicate: int) -> int:
    """The integer seed of run (``point``, ``replicate``) of a sweep with ``root_seed``.

    ``SeedSequence(root).spawn(P)[point].spawn(R)[replicate]`` has spawn key
    (point, replicate) whatever P and R are; it is built here from that key directly.
    63 bits, as ``govsim.runs.replicate_seeds``.
    """
    child = np.random.SeedSequence(root_seed, spawn_key=(point, replicate))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


# --------------------------------------------------------------------------- a sweep


class Sweep:
    """A validated sweep: base scenario, parameters, design table, seeds.

    Build one with ``load_sweep`` (a file) or ``make_sweep`` (a mapping and a base
    Scenario). Everything is checked on construction: a Sweep that exists can run.

    Attributes:
        spec: the sweep as written.
        base: the base scenario with the sweep's ``set``, seed and replications applied.
        parameters: the varied values, in the file's order.
        design: one row per design point (index ``design_point``), one column per
            parameter, holding the values applied to the scenario.
        sample: SALib's sample (design points x parameters) for lhs, sobol and morris;
            None for grids.
        source: the sweep file, or a description of where the sweep came from.
    """

    def __init__(  # noqa: PLR0917 - built by make_sweep
        self,
        spec: SweepSpec,
        base: Scenario,
        parameters: tuple[Parameter, ...],
        design: pd.DataFrame,
        sample: np.ndarray | None,
        source: str,
    ) -> None:
        self.spec = spec
        self.base = base
        self.parameters = parameters
        self.design = design
        self.sample = sample
        self.source = source

    # ---- what it is ------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The sweep's name (default results folder)."""
        return self.spec.name

    @property
    def kind(self) -> str:
        """The design: grid, lhs, sobol or morris."""
        return self.spec.design

    @property
    def seed(self) -> int:
        """The root seed of every run seed."""
        return self.base.seed

    @property
    def replications(self) -> int:
        """Replicates per design point."""
        return self.base.replications

    @property
    def points(self) -> int:
        """Number of design points."""
        return len(self.design)

    @property
    def runs(self) -> int:
        """Number of runs: design points x replicates."""
        return self.points * self.replications

    @property
    def names(self) -> list[str]:
        """The parameters' dotted paths, in the file's order."""
        return [parameter.path for parameter in self.parameters]

    @property
    def metrics(self) -> list[str]:
        """What the summary and the sensitivity indices are computed for."""
        return list(self.spec.metrics)

    def problem(self) -> dict[str, Any]:
        """The SALib problem: parameter names and sampling bounds (see module docstring)."""
        return {
            "num_vars": len(self.parameters),
            "names": self.names,
            "bounds": [parameter.bounds() for parameter in self.parameters],
        }

    def overrides(self, point: int) -> dict[str, Any]:
        """The scenario values of design point ``point``, by dotted path."""
        # Column by column: a row of mixed columns would turn whole numbers into floats.
        return {name: _plain(self.design[name].iat[point]) for name in self.names}

    def scenario(self, point: int) -> Scenario:
        """The scenario of design point ``point`` (what its replicates run)."""
        return self.base.with_overrides(self.overrides(point))

    def seed_of(self, point: int, replicate: int) -> int:
        """The seed of run (``point``, ``replicate``): see ``run_seed``."""
        return run_seed(self.seed, point, replicate)

    def design_table(self) -> pd.DataFrame:
        """design.parquet: design_point, the applied values, and SALib's raw sample."""
        table = self.design.reset_index()
        if self.sample is not None:
            for column, name in enumerate(self.names):
                table[f"{SAMPLE_PREFIX}{name}"] = self.sample[:, column]
        return table

    def identity(self) -> dict[str, Any]:
        """What fixes every run's numbers apart from how many samples and replicates.

        Two sweeps with the same identity run the same runs wherever their plans
        overlap (see ``run_sweep`` on resuming).
        """
        base = self.base.model_dump(mode="json")
        for key in ("name", "description", "replications", "seed"):  # seed: its own entry
            base.pop(key, None)
        identity: dict[str, Any] = {
            "design": self.kind,
            "parameters": _spec_parameters(self.spec),
            "seed": self.seed,
            "base": base,
        }
        if self.kind == "morris":
            identity["morris_levels"] = self.spec.morris_levels
        if self.kind == "sobol":
            identity["second_order"] = self.spec.second_order
        return identity

    def describe(self) -> str:
        """One line: name, design, points, replicates, runs, parameters."""
        return (
            f"{self.name}: {self.kind} design, {self.points:,} design point"
            f"{'s' if self.points != 1 else ''} x {self.replications} replicate"
            f"{'s' if self.replications != 1 else ''} = {self.runs:,} runs over "
            f"{', '.join(self.names)}; {self.base.population.residents:,} residents x "
            f"{self.base.steps} weeks"
        )


def _spec_parameters(spec: SweepSpec) -> dict[str, Any]:
    return {
        path: value.model_dump(exclude_none=True) if isinstance(value, Range) else list(value)
        for path, value in spec.parameters.items()
    }


def _plain(value: Any) -> Any:
    """Python values for numpy scalars (for pydantic, JSON and pickles)."""
    return value.item() if isinstance(value, np.generic) else value


# --------------------------------------------------------------------------- loading


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file (YAML): the file, its base scenario, every point.

    Args:
        path: the sweep file; its ``scenario`` is read relative to it.

    Raises:
        SweepError: anything wrong, in one paragraph naming the file, the key (and its
            line), the value and what is allowed.
    """
    path = Path(path)
    try:
        document, lines = read_yaml(path)
    except ScenarioError as error:
        raise SweepError(str(error).replace("scenario file", "sweep file")) from None
    return make_sweep(document, source=str(path), lines=lines, folder=path.parent)


def make_sweep(
    document: Mapping[str, Any],
    base: Scenario | None = None,
    *,
    source: str = "sweep",
    lines: Mapping[str, int] | None = None,
    folder: str | Path = ".",
) -> Sweep:
    """Validate a sweep given as a mapping (the content of a sweep file).

    Args:
        document: the sweep's keys, as in a file.
        base: the base scenario; when given, ``scenario`` may be left out of
            ``document`` (it is then only a label); otherwise it is the path of the
            base scenario file, relative to ``folder``.
        source: where the sweep came from (start of every error message).
        lines: line of every dotted key, for error messages.
        folder: where ``scenario`` paths are relative to.

    Raises:
        SweepError: as ``load_sweep``.
    """
    checker = _Checker(source, lines or {})
    if not isinstance(document, Mapping):
        checker.fail(
            f"a sweep file must hold a mapping of keys to values, not a "
            f"{type(document).__name__}. Start from scenarios/sweeps/*.yaml."
        )
    document = dict(document)
    if base is not None:
        document.setdefault("scenario", "(given in Python)")
    spec = checker.spec(document)
    checker.design_keys(spec)
    if base is None:
        base = checker.base(spec, Path(folder))
    base = checker.fixed(spec, base)
    parameters = tuple(checker.parameter(spec, path, base) for path in spec.parameters)
    design, sample = checker.design(spec, parameters, base)
    checker.points(spec, base, design)
    checker.metrics(spec)
    return Sweep(spec, base, parameters, design, sample, source)


class _Checker:
    """Validation of one sweep document, every failure one paragraph (``SweepError``)."""

    def __init__(self, source: str, lines: Mapping[str, int]) -> None:
        self.source = source
        self.lines = lines

    def fail(self, message: str) -> NoReturn:
        raise SweepError(message, source=self.source)

    def key(self, path: str) -> str:
        line = self.lines.get(path)
        return f"key '{path}'" + (f" (line {line})" if line else "")

    # ---- the document ----------------------------------------------------------------

    def spec(self, document: dict[str, Any]) -> SweepSpec:
        try:
            return SweepSpec.model_validate(document)
        except ValidationError as error:
            # A bad parameter fails both members of its union (list, range): say it once.
            problems = list(
                dict.fromkeys(self._problem(i) for i in error.errors(include_url=False))
            )
            head = "invalid sweep file" + (
                f" ({len(problems)} problems)" if len(problems) > 1 else ""
            )
            self.fail(
                f"{head}: " + "; ".join(problems) + ". See scenarios/README.md, 'Sweep files'."
            )

    def _problem(self, item: Mapping[str, Any]) -> str:
        loc = [str(part) for part in item["loc"]]
        # pydantic names the union member it tried ("list[any]", "Range"): drop it.
        loc = [part for part in loc if part not in ("list[any]", "Range")]
        path = ".".join(loc) or "(top)"
        if item["type"] == "extra_forbidden":
            parent = path.rpartition(".")[0]
            allowed = _sweep_keys() if not parent else ["low", "high", "levels"]
            close = difflib.get_close_matches(loc[-1], allowed, n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            hint = ""
            if not parent and loc[-1] in Scenario.model_fields:
                guess, hint = "", " (scenario keys go in the base scenario file, or under 'set')"
            return (
                f"{self.key(path)}: unknown key{guess}{hint}; allowed keys here: "
                f"{', '.join(allowed)}"
            )
        if item["type"] == "missing":
            return f"{self.key(path)} is missing: it is required"
        shown = _shown(item.get("input"))
        if len(item["loc"]) >= 2 and item["loc"][0] == "parameters":
            return (
                f"{self.key(path)} = {shown}: a parameter is a list of values "
                "(e.g. [0.1, 0.5, 0.9]) or a range {low: 0.1, high: 0.9} (with levels: "
                "for a grid)"
            )
        return f"{self.key(path)} = {shown}: {item['msg']}"

    def design_keys(self, spec: SweepSpec) -> None:
        given = spec.model_fields_set
        if spec.design == "grid" and spec.samples is not None:
            self.fail(
                f"{self.key('samples')} = {spec.samples}: a grid design has no samples "
                "(its points are every combination of the parameters' levels); "
                "remove it, or use design lhs, sobol or morris."
            )
        if spec.design != "grid" and spec.samples is None:
            self.fail(
                f"{self.key('samples')} is missing: a {spec.design} design needs it "
                f"({_SAMPLES[spec.design]})."
            )
        if spec.design == "sobol" and spec.samples and spec.samples & (spec.samples - 1):
            lower = 1 << (spec.samples.bit_length() - 1)
            self.fail(
                f"{self.key('samples')} = {spec.samples}: a sobol design needs a power "
                f"of 2 (Sobol' sequences keep their balance only then), e.g. {lower} "
                f"or {lower * 2}."
            )
        # A default written out (a spec dumped and read back) is not a mistake.
        if "morris_levels" in given and spec.morris_levels != 4 and spec.design != "morris":
            self.fail(f"{self.key('morris_levels')} is only for design morris.")
        if spec.design == "morris" and spec.morris_levels % 2:
            self.fail(
                f"{self.key('morris_levels')} = {spec.morris_levels}: Morris grids "
                "need an even number of levels (e.g. 4 or 6)."
            )
        if "second_order" in given and spec.second_order and spec.design != "sobol":
            self.fail(f"{self.key('second_order')} is only for design sobol.")

    # ---- the base scenario -----------------------------------------------------------

    def base(self, spec: SweepSpec, folder: Path) -> Scenario:
        path = folder / spec.scenario
        if not path.is_file():
            problem = "is a folder, not a file" if path.is_dir() else "does not exist"
            self.fail(
                f"{self.key('scenario')} = {_shown(spec.scenario)}: the base scenario "
                f"{problem} (looked for {path}). The path is relative to the sweep file."
            )
        try:
            return load_scenario(path)
        except ScenarioError as error:
            self.fail(f"{self.key('scenario')}: the base scenario is not valid: {error}")

    def fixed(self, spec: SweepSpec, base: Scenario) -> Scenario:
        for dotted in spec.overrides:
            self.path(f"set.{dotted}", dotted)
        clash = sorted(set(spec.overrides) & set(spec.parameters))
        if clash:
            self.fail(
                f"{self.key('set.' + clash[0])}: '{clash[0]}' is both fixed under 'set' "
                "and varied under 'parameters'; keep one."
            )
        try:
            base = base.with_overrides(spec.overrides)
        except ScenarioError as error:
            self.fail(
                f"{self.key('set')}: the base scenario with these values is not valid: {error}"
            )
        seed = spec.seed if spec.seed is not None else base.seed
        replications = spec.replications or base.replications
        return base.with_overrides({"seed": seed, "replications": replications})

    def path(self, key: str, dotted: str) -> Any:
        """The pydantic field at ``dotted``, which must be a value a sweep may set."""
        if dotted.split(".", maxsplit=1)[0] in RESERVED:
            self.fail(
                f"{self.key(key)}: '{dotted}' cannot be set by a sweep (the sweep's "
                "own keys name, description, seed and replications set it)."
            )
        try:
            set_dotted({}, dotted, None)  # checks the path against the schema
        except ScenarioError as error:
            self.fail(f"{self.key(key)}: {error}")
        model: Any = Scenario
        info = None
        for part in dotted.split("."):
            info = model.model_fields[part]
            model = info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            self.fail(
                f"{self.key(key)}: '{dotted}' is a section, not a value; name one of its "
                f"keys: {', '.join(model.model_fields)}."
            )
        return info

    # ---- parameters --------------------------------------------------------------------

    def parameter(self, spec: SweepSpec, dotted: str, base: Scenario) -> Parameter:
        key = f"parameters.{dotted}"
        info = self.path(key, dotted)
        given = spec.parameters[dotted]
        if isinstance(given, list):
            if not given:
                self.fail(f"{self.key(key)} is an empty list: give at least one value.")
            values = tuple(
                self.value(key, base, dotted, value, f"value {value!r}") for value in given
            )
            if len(set(map(repr, values))) < len(values):
                self.fail(
                    f"{self.key(key)} = {_shown(given)}: values repeat (as the scenario "
                    f"reads them: {_shown(list(values))}); give each once."
                )
            return Parameter(dotted, "values", values=values)
        kind = _numeric_kind(info.annotation)
        if kind is None:
            self.fail(
                f"{self.key(key)}: a range needs a number field, but '{dotted}' holds "
                f"{_kind_words(info.annotation)}; give a list of values instead."
            )
        low, high = given.low, given.high
        if kind == "integer" and not (low.is_integer() and high.is_integer()):
            self.fail(
                f"{self.key(key)} = {{low: {low:g}, high: {high:g}}}: '{dotted}' is a "
                "whole number; give whole-number ends."
            )
        if not low < high:
            self.fail(
                f"{self.key(key)}: low ({low:g}) must be below high ({high:g}); to fix "
                "one value for the whole sweep, put it under 'set'."
            )
        if spec.design == "grid" and given.levels is None:
            self.fail(
                f"{self.key(key)}: a range in a grid design needs levels (e.g. {{low: "
                f"{low:g}, high: {high:g}, levels: 5}}), or give a list of values."
            )
        if spec.design != "grid" and given.levels is not None:
            self.fail(
                f"{self.key(key)}: levels is only for grid designs; a {spec.design} "
                "design samples the range itself (remove levels)."
            )
        for end, value in (("low", low), ("high", high)):
            self.value(
                key, base, dotted, int(value) if kind == "integer" else value, f"{end} = {value:g}"
            )
        if kind == "integer" and given.levels and given.levels > high - low + 1:
            self.fail(
                f"{self.key(key)}: {given.levels} levels between {low:g} and {high:g} "
                f"repeat whole numbers; use at most {int(high - low + 1)} levels or a list."
            )
        lo, hi = (int(low), int(high)) if kind == "integer" else (low, high)
        return Parameter(dotted, kind, low=lo, high=hi, levels=given.levels)

    def value(self, key: str, base: Scenario, dotted: str, value: Any, what: str) -> Any:
        """``value`` as the scenario holds it at ``dotted``, or a clear error."""
        try:
            scenario = base.with_overrides({dotted: value})
        except ScenarioError as error:
            self.fail(f"{self.key(key)}: {what} is not allowed for '{dotted}': {error}")
        return _read_dotted(scenario, dotted)

    # ---- the design --------------------------------------------------------------------

    def design(
        self, spec: SweepSpec, parameters: tuple[Parameter, ...], base: Scenario
    ) -> tuple[pd.DataFrame, np.ndarray | None]:
        names = [parameter.path for parameter in parameters]
        if spec.design == "grid":
            levels = [parameter.grid() for parameter in parameters]
            count = math.prod(len(level) for level in levels)
            self.size(count)
            rows = list(itertools.product(*levels))
            sample = None
        else:
            count = _SIZES[spec.design](spec.samples or 0, len(parameters), spec.second_order)
            self.size(count)
            problem = {
                "num_vars": len(parameters),
                "names": names,
                "bounds": [parameter.bounds() for parameter in parameters],
            }
            sample = _sample(spec, problem, base.seed)
            columns = [p.apply(sample[:, i]) for i, p in enumerate(parameters)]
            rows = list(zip(*columns, strict=True))
        design = pd.DataFrame(rows, columns=names)
        design.index.name = "design_point"
        return design, sample

    def size(self, count: int) -> None:
        if count > MAX_POINTS:
            self.fail(
                f"the design has {count:,} points, more than the {MAX_POINTS:,} a sweep "
                "allows; use fewer levels or samples."
            )

    def points(self, spec: SweepSpec, base: Scenario, design: pd.DataFrame) -> None:
        names = list(design.columns)
        for point, row in enumerate(design.itertuples(index=False, name=None)):
            values = dict(zip(names, map(_plain, row), strict=True))
            try:
                base.with_overrides(values)
            except ScenarioError as error:
                shown = ", ".join(f"{k}={_shown(v)}" for k, v in values.items())
                self.fail(f"design point {point} ({shown}) is not a valid scenario: {error}")

    def metrics(self, spec: SweepSpec) -> None:
        allowed = metric_names()
        for index, metric in enumerate(spec.metrics):
            if metric not in allowed:
                close = difflib.get_close_matches(metric, allowed, n=1)
                guess = f" (did you mean '{close[0]}'?)" if close else ""
                self.fail(
                    f"{self.key('metrics')}: item {index} '{metric}' is not a metric"
                    f"{guess}. Allowed: {', '.join(allowed)}."
                )
        if len(set(spec.metrics)) < len(spec.metrics):
            self.fail(f"{self.key('metrics')}: a metric is listed twice.")


_SAMPLES = {
    "lhs": "the number of points",
    "sobol": "N base points, a power of 2; the design has N (D + 2) points",
    "morris": "the number of trajectories r; the design has r (D + 1) points",
}

_SIZES = {
    "lhs": lambda n, d, second: n,
    "sobol": lambda n, d, second: n * (2 * d + 2 if second else d + 2),
    "morris": lambda n, d, second: n * (d + 1),
}


def _sample(spec: SweepSpec, problem: dict[str, Any], seed: int) -> np.ndarray:
    """SALib's sample of the design, seeded with the sweep's root seed."""
    if spec.design == "lhs":
        from SALib.sample import latin  # noqa: PLC0415 - SALib takes a second to import

        return latin.sample(problem, spec.samples, seed=seed)
    if spec.design == "sobol":
        from SALib.sample import sobol  # noqa: PLC0415

        return sobol.sample(
            problem, spec.samples, calc_second_order=spec.second_order, scramble=True, seed=seed
        )
    from SALib.sample import morris  # noqa: PLC0415

    return morris.sample(problem, spec.samples, num_levels=spec.morris_levels, seed=seed)


def _sweep_keys() -> list[str]:
    return sorted(field.alias or name for name, field in SweepSpec.model_fields.items())


def _numeric_kind(annotation: Any) -> Literal["number", "integer"] | None:
    if annotation is bool:
        return None
    if annotation is int:
        return "integer"
    return "number" if annotation is float else None


def _kind_words(annotation: Any) -> str:
    if annotation is bool:
        return "true/false"
    return f"values of type {getattr(annotation, '__name__', str(annotation))}"


def _read_dotted(scenario: BaseModel, dotted: str) -> Any:
    value: Any = scenario
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    try:
        shown = json.dumps(value, default=str)
    except (TypeError, ValueError):
        shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


@functools.cache
def metric_names() -> list[str]:
    """What ``metrics`` may name: every metric, and ``scorecard.<objective>``."""
    from govsim.sim.metrics import METRICS, OBJECTIVES  # noqa: PLC0415

    return [*METRICS, *(f"scorecard.{name}" for name in OBJECTIVES)]


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class SweepTask:
    """One batch of runs, executed anywhere; it writes one shard and returns its records.

    Attributes:
        folder: the sweep folder (absolute: Dask workers may run elsewhere).
        base: the base scenario.
        points: the scenario values of each design point in the task, by point.
        runs: (design point, replicate, seed) of every run.
        shard: the shard's file name (fixed by the runs it holds).
        schema: the Parquet schema of every shard of the sweep.
        metrics: the metric columns, whose final-step values go into the run records.
    """

    folder: str
    base: Scenario
    points: dict[int, dict[str, Any]]
    runs: tuple[tuple[int, int, int], ...]
    shard: str
    schema: pa.Schema
    metrics: tuple[str, ...]


@dataclass(frozen=True)
class TaskReport:
    """What a task tells the parent: small records, never time series."""

    shard: str
    completed: int
    failed: int
    errors: tuple[str, ...]
    seconds: float


def run_task(task: SweepTask) -> TaskReport:
    """Run every run of a task, then write its shard (rows + run records) atomically.

    A run that raises is recorded as failed, with its error and where it was raised,
    and the task goes on; only writing the shard may fail the task as a whole (then
    none of its runs count as done, and a later start runs them again).
    """
    from govsim.runs import ALL_COMMUNITIES, Replicate, simulate  # noqa: PLC0415

    began = time.monotonic()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    frames, records, errors = [], [], []
    scenarios: dict[int, Scenario] = {}
    for point, replicate, seed in task.runs:
        record: dict[str, Any] = {"design_point": point, "replicate": replicate, "seed": seed}
        clock, cpu = time.monotonic(), time.thread_time()  # this thread: right on Dask too
        try:
            if point not in scenarios:
                scenarios[point] = task.base.with_overrides(task.points[point])
            result = simulate(Replicate(scenarios[point], replicate, seed))
        except Exception as error:  # a failing run is recorded, not fatal
            record.update(status="failed", error=_error_text(error), worker=worker)
            errors.append(f"design point {point}, replicate {replicate}: {record['error']}")
        else:
            frame = result.timeseries
            whole = frame[frame["community"] == ALL_COMMUNITIES] if "community" in frame else frame
            last = whole.iloc[-1]
            final = {name: _number(last[name]) for name in task.metrics if name in last}
            record.update(
                status="completed",
                error=None,
                worker=worker,
                step=int(last["step"]),
                final=final,
                scorecard={k: _number(v) for k, v in result.scorecard.items()},
            )
            frames.append(_tidy(frame, point, task.points[point]))
        record["seconds"] = round(time.monotonic() - clock, 4)
        record["cpu_seconds"] = round(time.thread_time() - cpu, 4)
        records.append(record)
    table = _shard_table(frames, task.schema)
    from govsim.store import SHARDS, write_shard  # noqa: PLC0415

    write_shard(Path(task.folder, SHARDS, task.shard), table, records)
    failed = len(errors)
    return TaskReport(
        task.shard, len(records) - failed, failed, tuple(errors), time.monotonic() - began
    )


#: Identifying columns of a sweep's time series, before the parameters.
ID_COLUMNS = ("design_point", "replicate", "seed")


def _error_text(error: BaseException) -> str:
    """``Type: message (at file:line in function)``: enough to find and fix it."""
    frames = traceback.extract_tb(error.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" (at {Path(last.filename).name}:{last.lineno} in {last.name})"
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return (text if len(text) <= 1000 else text[:997] + "...") + where


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _tidy(frame: pd.DataFrame, point: int, values: Mapping[str, Any]) -> pd.DataFrame:
    frame = frame.drop(columns=["scenario"], errors="ignore")
    frame.insert(0, "design_point", point)
    for position, (name, value) in enumerate(values.items(), start=3):
        frame.insert(position, name, value if _scalar(value) else json.dumps(value))
    return frame


def _scalar(value: Any) -> bool:
    return isinstance(value, (bool, int, float, str))


def _shard_table(frames: list[pd.DataFrame], schema: pa.Schema) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    if not frames:
        return schema.empty_table()
    frame = pd.concat(frames, ignore_index=True).reindex(columns=schema.names)
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def shard_schema(sweep: Sweep) -> pa.Schema:
    """The Parquet schema of every shard: ids, parameters, step, community, metrics."""
    import pyarrow as pa  # noqa: PLC0415

    from govsim.runs import ID_COLUMNS as RUN_IDS  # noqa: PLC0415
    from govsim.sim.metrics import METRICS  # noqa: PLC0415

    fields = [pa.field(name, pa.int64()) for name in ID_COLUMNS]
    fields += [pa.field(name, _arrow_type(sweep.design[name])) for name in sweep.names]
    fields += [pa.field(name, pa.int64()) for name in RUN_IDS if name not in _RUN_IDS_SKIP]
    fields += [pa.field(name, pa.float64()) for name in METRICS]
    return pa.schema(fields)


_RUN_IDS_SKIP = ("scenario", "replicate", "seed")


def _arrow_type(column: pd.Series) -> pa.DataType:
    import pyarrow as pa  # noqa: PLC0415

    values = [_plain(v) for v in column]
    if all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64()
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.float64()
    return pa.string()


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class Batching:
    """Runs per task, as blocks of design points x replicates (fixed per folder)."""

    points_per_task: int
    replicates_per_task: int

    def chunk(self, point: int, replicate: int) -> tuple[int, int]:
        """The (point block, replicate block) a run belongs to."""
        return point // self.points_per_task, replicate // self.replicates_per_task


def estimated_run_seconds(residents: float, steps: float) -> float:
    """Rough seconds of one run, only to size tasks: 0.08 s + 4.5 us per resident-week.

    Measured on one core of the development machine with the default mechanisms
    (docs/SWEEPS.md); a machine twice as fast makes tasks of half the time.
    """
    return 0.08 + 4.5e-6 * residents * steps


def plan_batching(sweep: Sweep, runs_per_task: int | None = None) -> Batching:
    """Tasks of about ``TASK_SECONDS`` of work, and at least ``MIN_TASKS`` tasks.

    Args:
        sweep: the sweep.
        runs_per_task: force this many runs per task (at most; whole replicate blocks).
    """
    if runs_per_task is None:
        steps = [
            int(value)
            for value in (sweep.design["steps"] if "steps" in sweep.names else [sweep.base.steps])
        ]
        residents = (
            sweep.design["population.residents"]
            if "population.residents" in sweep.names
            else [sweep.base.population.residents]
        )
        per_run = estimated_run_seconds(float(np.mean(residents)), float(np.mean(steps)))
        wanted = max(1, round(TASK_SECONDS / per_run))
        runs_per_task = max(1, min(wanted, math.ceil(sweep.runs / MIN_TASKS)))
    replicates = max(1, min(sweep.replications, runs_per_task))
    return Batching(max(1, runs_per_task // replicates), replicates)


def _shard_name(
    chunk: tuple[int, int], batching: Batching, runs: Sequence[tuple[int, int, int]]
) -> str:
    keys = ",".join(f"{p}:{r}" for p, r, _ in runs)
    digest = hashlib.sha256(keys.encode()).hexdigest()[:12]
    first_point = chunk[0] * batching.points_per_task
    first_replicate = chunk[1] * batching.replicates_per_task
    return f"shard-p{first_point:07d}-r{first_replicate:05d}-{digest}.parquet"


def _tasks(
    sweep: Sweep, folder: Path, batching: Batching, done: np.ndarray, schema: pa.Schema
) -> Iterator[SweepTask]:
    """One task per block of unfinished runs, built as the executor asks for them."""
    from govsim.sim.metrics import METRICS  # noqa: PLC0415

    metrics = tuple(METRICS)
    bp, br = batching.points_per_task, batching.replicates_per_task
    for first_point in range(0, sweep.points, bp):
        point_range = range(first_point, min(first_point + bp, sweep.points))
        for first_replicate in range(0, sweep.replications, br):
            replicate_range = range(first_replicate, min(first_replicate + br, sweep.replications))
            runs = tuple(
                (p, r, sweep.seed_of(p, r))
                for p in point_range
                for r in replicate_range
                if not done[p, r]
            )
            if not runs:
                continue
            chunk = batching.chunk(first_point, first_replicate)
            yield SweepTask(
                folder=str(folder),
                base=sweep.base,
                points={p: sweep.overrides(p) for p in sorted({run[0] for run in runs})},
                runs=runs,
                shard=_shard_name(chunk, batching, runs),
                schema=schema,
                metrics=metrics,
            )


# --------------------------------------------------------------------------- running


@dataclass
class SweepResult:
    """A sweep after ``run_sweep``: where it is, what ran, and its tables.

    Attributes:
        folder: the sweep folder.
        sweep: the sweep.
        summary: final-step mean and 95% CI per design point and metric (summary.csv).
        sensitivity: sobol and morris designs: indices per metric and parameter.
        ran: runs run in this session; skipped: runs finished by earlier sessions.
        counts: runs by status (completed, failed, pending).
        notes: things the user should know (failed runs, mixed code versions).
    """

    folder: Path
    sweep: Sweep
    summary: pd.DataFrame
    sensitivity: pd.DataFrame | None
    ran: int
    skipped: int
    counts: dict[str, int] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @functools.cached_property
    def runs(self) -> pd.DataFrame:
        """The runs table (runs.csv, read on first use): one row per planned run."""
        return pd.read_csv(self.folder / "runs.csv")

    @property
    def completed(self) -> int:
        """Runs that finished without error."""
        return self.counts.get("completed", 0)

    @property
    def failed(self) -> int:
        """Runs that raised (recorded with their error in runs.csv)."""
        return self.counts.get("failed", 0)

    @property
    def pending(self) -> int:
        """Runs not run yet (a task that failed as a whole); start again to run them."""
        return self.counts.get("pending", 0)

    def report(self) -> str:
        """What ``govsim sweep`` prints at the end: counts, metric ranges, files."""
        sweep = self.sweep
        lines = [
            f"{sweep.name}: {sweep.runs:,} runs: {self.completed:,} completed, "
            f"{self.failed:,} failed, {self.pending:,} pending ({self.ran:,} run now, "
            f"{self.skipped:,} finished earlier)",
            f"final-step means over replicates, across the {sweep.points:,} design points "
            "(illustrative defaults, not calibrated):",
        ]
        width = max(len(metric) for metric in sweep.metrics)
        for metric in sweep.metrics:
            means = self.summary.loc[self.summary["metric"] == metric, "mean"]
            span = f"{means.min():.3f} .. {means.max():.3f}" if means.notna().any() else "no value"
            lines.append(f"  {metric:{width}}  {span}")
        files = "sweep.json, design.parquet, timeseries/, runs.csv, summary.csv"
        if self.sensitivity is not None:
            files += ", sensitivity.csv, figures/sensitivity.png"
        lines.append(f"written: {self.folder}/ ({files})")
        return "\n".join(lines)


def run_sweep(
    sweep: Sweep,
    out: str | Path | None = None,
    *,
    workers: int = 1,
    scheduler: Any = None,
    executor: Executor | None = None,
    progress: bool = True,
    runs_per_task: int | None = None,
    context: Mapping[str, Any] | None = None,
) -> SweepResult:
    """Run every run of ``sweep`` not already in ``out``, then write its tables.

    Args:
        sweep: a validated sweep (``load_sweep``).
        out: the sweep folder (default ``results/<name>/``); created, or resumed.
        workers: local processes (1: this process).
        scheduler: a Dask scheduler address (``tcp://host:8786``) or a
            ``dask.distributed.Client``: run the tasks there instead.
        executor: any executor (``imap(function, tasks)``), instead of the above.
        progress: show a progress bar with an ETA (on a terminal).
        runs_per_task: force the batch size (default: a few seconds of work per task);
            only a new folder takes it, a resumed one keeps its own.
        context: extra facts for the manifest's session record (command, cwd).

    Returns:
        The result, with the runs table, the summary and the sensitivity indices.

    Raises:
        model.store.OutputError: the folder cannot be used, holds another sweep, or is
            being written by another process.
        model.experiment.SchedulerError: the Dask scheduler cannot be used.
    """
    from govsim import store  # noqa: PLC0415

    folder = Path(out) if out is not None else Path("results") / sweep.name
    dask = None
    if executor is None and scheduler is not None:
        from govsim.runs import DaskExecutor  # noqa: PLC0415

        dask = DaskExecutor(scheduler)
        dask.connect()  # an unreachable scheduler is reported before anything is written
        executor = dask
    try:
        with store.SweepStore.open(folder) as sweep_store:
            return _run_in(sweep, sweep_store, executor, workers, progress, runs_per_task, context)
    finally:
        if dask is not None:
            dask.close()


def _local_executor(workers: int) -> Executor:
    from govsim.runs import ProcessExecutor, SerialExecutor  # noqa: PLC0415

    if workers <= 1:
        return SerialExecutor()
    # Everything a task imports, so that no worker pays for it again.
    preload = ("govsim.runs", "govsim.sim.governance", "govsim.sweep", "pyarrow.parquet")
    return ProcessExecutor(workers, preload)


def _run_in(  # noqa: PLR0917 - private, called once
    sweep: Sweep,
    sweep_store: Any,
    executor: Executor | None,
    workers: int,
    progress: bool,
    runs_per_task: int | None,
    context: Mapping[str, Any] | None,
) -> SweepResult:
    from tqdm.auto import tqdm  # noqa: PLC0415

    previous = sweep_store.previous()
    notes: list[str] = []
    if previous is not None:
        _check_resumable(previous, sweep, sweep_store.folder)
        batching = Batching(**previous["batching"])
        notes += _version_notes(previous)
    else:
        batching = plan_batching(sweep, runs_per_task)
    folder = sweep_store.folder.resolve()
    # The model is imported only now: a folder that cannot be used is reported at once.
    executor = executor if executor is not None else _local_executor(workers)
    sweep_store.start(_manifest(sweep, batching), {"context": dict(context or {})})
    with sweep_store.recording():
        sweep_store.write_table("design.parquet", sweep.design_table())
        done, finished = _finished_runs(sweep, sweep_store.folder)
        schema = shard_schema(sweep)
        counts = {"completed": int(finished["completed"]), "failed": int(finished["failed"])}
        skipped = int(done.sum())
        bar = tqdm(
            total=sweep.runs,
            initial=skipped,
            desc=sweep.name,
            unit="run",
            disable=None if progress else True,
            dynamic_ncols=True,
            smoothing=0.05,
        )
        tasks = _tasks(sweep, folder, batching, done, schema)
        first = next(tasks, None)  # nothing left: no workers to start
        stream = executor.imap(run_task, itertools.chain([first], tasks)) if first else iter(())
        ran, last_update = 0, time.monotonic()
        try:
            for report in stream:
                counts["completed"] += report.completed
                counts["failed"] += report.failed
                ran += report.completed + report.failed
                bar.update(report.completed + report.failed)
                if report.failed:
                    bar.set_postfix(failed=counts["failed"], refresh=False)
                if time.monotonic() - last_update > 5:  # the manifest shows progress
                    sweep_store.update(counts={**counts, "planned": sweep.runs})
                    last_update = time.monotonic()
        finally:
            bar.close()
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        result = _finish(sweep, sweep_store, batching, ran, skipped)
    result.notes = notes + result.notes
    return result


def _manifest(sweep: Sweep, batching: Batching) -> dict[str, Any]:
    return {
        "name": sweep.name,
        "source": str(Path(sweep.source).resolve())
        if Path(sweep.source).exists()
        else sweep.source,
        "design": sweep.kind,
        "points": sweep.points,
        "replications": sweep.replications,
        "runs": sweep.runs,
        "samples": sweep.spec.samples,
        "root_seed": sweep.seed,
        "seed_rule": "run (p, r): SeedSequence(root_seed).spawn(P)[p].spawn(R)[r]"
        ".generate_state(1, uint64)[0] >> 1",
        "parameters": _spec_parameters(sweep.spec),
        "metrics": sweep.metrics,
        "batching": dataclasses.asdict(batching),
        "identity": sweep.identity(),
        "sweep": sweep.spec.model_dump(mode="json", by_alias=True),
        "scenario": sweep.base.model_dump(mode="json"),
    }


def _check_resumable(previous: Mapping[str, Any], sweep: Sweep, folder: Path) -> None:
    """Refuse a folder made by another sweep; allow this one, grown by samples or replicates."""
    from govsim import store  # noqa: PLC0415

    where = f"output folder '{folder}' holds the sweep '{previous.get('name')}'"
    if previous.get("format") != store.SWEEP_FORMAT or "identity" not in previous:
        raise store.OutputError(
            f"{where} in a format this govsim cannot resume. Choose a new folder with --out."
        )
    differences = _differences(previous["identity"], sweep.identity())
    if differences:
        raise store.OutputError(
            f"{where}, made by a different sweep file ({'; '.join(differences[:4])}). A "
            "sweep resumes only into its own folder: choose another folder with --out, or "
            "restore the sweep file."
        )
    old_points, old_replications = int(previous["points"]), int(previous["replications"])
    if sweep.replications < old_replications or sweep.points < old_points:
        raise store.OutputError(
            f"{where} with {old_points} design points x {old_replications} replicates; this "
            f"sweep file asks for {sweep.points} x {sweep.replications}. A folder can grow, "
            "not shrink: choose another folder with --out."
        )
    if sweep.points > old_points:
        stored = pd.read_parquet(folder / "design.parquet")
        now = sweep.design_table().iloc[:old_points]
        if not stored[now.columns].reset_index(drop=True).equals(now.reset_index(drop=True)):
            raise store.OutputError(
                f"{where}; with samples {sweep.spec.samples} instead of {previous.get('samples')}"
                f" this {sweep.kind} design moves the points already run (only sobol and "
                "morris designs keep them when samples grow). Choose another folder with --out."
            )


def _differences(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Readable differences between two identities: 'base.steps: 20 -> 30'."""
    found = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        path = f"{prefix}{key}"
        if isinstance(a, dict) and isinstance(b, dict):
            found += _differences(a, b, f"{path}.")
        elif a != b:
            found.append(f"{path}: {_shown(a)} in the folder, {_shown(b)} now")
    return found


def _version_notes(previous: Mapping[str, Any]) -> list[str]:
    from govsim.store import git_state  # noqa: PLC0415

    sessions = previous.get("sessions") or []
    before = (sessions[-1].get("git") or {}).get("commit") if sessions else None
    now = (git_state() or {}).get("commit")
    if before and now and before != now:
        return [
            f"this folder was started with govsim commit {before[:10]} and is now "
            f"continued with {now[:10]}: its runs come from both."
        ]
    return []


def _finished_runs(sweep: Sweep, folder: Path) -> tuple[np.ndarray, dict[str, int]]:
    """Which runs the shards hold (completed or failed), from their footers only."""
    from govsim import store  # noqa: PLC0415

    done = np.zeros((sweep.points, sweep.replications), dtype=bool)
    counts = {"completed": 0, "failed": 0}
    for path in store.shard_paths(folder):
        for record in store.read_shard_runs(path):
            point, replicate = int(record["design_point"]), int(record["replicate"])
            if (
                point < sweep.points
                and replicate < sweep.replications
                and not done[point, replicate]
            ):
                done[point, replicate] = True
                counts[record["status"]] = counts.get(record["status"], 0) + 1
    return done, counts


# --------------------------------------------------------------------------- tables

#: Columns of the runs table before the parameters, and between them and the metrics.
RUN_IDS = ("design_point", "replicate", "seed")
RUN_FACTS = ("status", "error", "seconds", "cpu_seconds", "worker", "shard", "step")


@dataclass
class _Tally:
    """What the parent keeps while it writes the tables: counts and one failure."""

    counts: dict[str, int] = field(
        default_factory=lambda: {"completed": 0, "failed": 0, "pending": 0}
    )
    first_failure: dict[str, Any] | None = None


def _point_blocks(sweep: Sweep, folder: Path, batching: Batching) -> Iterator[tuple[range, list]]:
    """Each block of design points with the run records of its shards (one block at a time).

    Every run of a design point lives in a shard of its point block (shard names start
    with the block's first point), so a block's records are complete in themselves.

    Raises:
        model.store.OutputError: a run recorded in two shards (never expected: a shard's
            name follows its runs).
    """
    from govsim import store  # noqa: PLC0415

    paths = store.shard_paths(folder)
    index = 0
    for first in range(0, sweep.points, batching.points_per_task):
        points = range(first, min(first + batching.points_per_task, sweep.points))
        prefix = f"shard-p{first:07d}-"
        while index < len(paths) and paths[index].name < prefix:
            index += 1  # shards of points beyond a shrunken plan: ignored
        records, seen = [], {}
        while index < len(paths) and paths[index].name.startswith(prefix):
            path = paths[index]
            for record in store.read_shard_runs(path):
                key = (int(record["design_point"]), int(record["replicate"]))
                if key[1] >= sweep.replications:
                    continue
                if key in seen:
                    raise store.OutputError(
                        f"run (design point {key[0]}, replicate {key[1]}) is recorded in two "
                        f"shards, {seen[key]} and {path.name}, in '{folder}'. Move one out of "
                        "the folder and start the sweep again."
                    )
                seen[key] = path.name
                records.append({**record, "shard": path.name})
            index += 1
        yield points, records


def _block_table(
    sweep: Sweep, points: range, records: list[dict[str, Any]], columns: list[str]
) -> pd.DataFrame:
    """The rows of runs.csv for one block of design points, pending runs included.

    In (design point, replicate) order, with the fixed ``columns``.
    """
    rows = []
    for record in records:
        final = record.get("final") or {}
        card = {f"scorecard.{k}": v for k, v in (record.get("scorecard") or {}).items()}
        rows.append({**record, **final, **card})
    planned = pd.MultiIndex.from_product(
        [points, range(sweep.replications)], names=["design_point", "replicate"]
    )
    table = pd.DataFrame(rows, columns=columns)
    table = table.set_index(["design_point", "replicate"]).reindex(planned).reset_index()
    table["seed"] = [
        sweep.seed_of(p, r) for p, r in zip(table["design_point"], table["replicate"], strict=True)
    ]
    table["status"] = table["status"].fillna("pending")
    for name in sweep.names:
        table[name] = table["design_point"].map(sweep.design[name])
    return table[columns]


def _runs_columns(sweep: Sweep, folder: Path) -> list[str]:
    """Fixed columns of runs.csv: ids, parameters, facts, metrics, scorecard entries."""
    from govsim import store  # noqa: PLC0415
    from govsim.sim.metrics import METRICS  # noqa: PLC0415

    card: list[str] = []
    for path in store.shard_paths(folder):  # the scorecard's entries, from the first run
        found = [r for r in store.read_shard_runs(path) if r.get("scorecard")]
        if found:
            card = [f"scorecard.{k}" for k in found[0]["scorecard"]]
            break
    # Summarised entries stay columns even when no run completed (all failed).
    card += [m for m in sweep.metrics if m.startswith("scorecard.") and m not in card]
    return [*RUN_IDS, *sweep.names, *RUN_FACTS, *METRICS, *card]


def _block_summary(sweep: Sweep, block: pd.DataFrame) -> list[tuple[Any, ...]]:
    """(design_point, metric, step, n, mean, sd) per design point and metric of a block.

    Over the completed replicates at their final step. Plain tuples: the parent keeps
    them for every design point, so they must be small.
    """
    completed = block[block["status"] == "completed"]
    by_point = completed.groupby("design_point")
    steps = by_point["step"].max()
    stats = {
        metric: pd.to_numeric(completed[metric], errors="coerce")
        .groupby(completed["design_point"])
        .agg(["count", "mean", "std"])
        for metric in sweep.metrics
    }
    rows = []
    for point in block["design_point"].unique():
        for metric in sweep.metrics:  # the sweep's metric order within a point
            table = stats[metric]
            found = point in table.index
            n, mean, sd = table.loc[point] if found else (0, np.nan, np.nan)
            step = steps.get(point, np.nan)
            rows.append((int(point), metric, step, int(n), float(mean), float(sd)))
    return rows


def write_tables(sweep: Sweep, sweep_store: Any, batching: Batching) -> tuple[pd.DataFrame, _Tally]:
    """Write runs.csv block by block from the shards' footers; return the summary.

    runs.csv has one row per planned run: design_point, replicate, seed, the
    parameters, status (completed, failed, or pending: not run yet), error, seconds
    (wall), cpu_seconds (the run's thread), worker, shard, step (the final step), the
    final-step value of every metric, then ``scorecard.<entry>``. The parent holds one
    block of design points at a time, never the whole table (so its memory does not
    grow with the number of runs).

    The summary (summary.csv) has one row per design point and metric of
    ``sweep.metrics``: design_point, the parameters, metric, step, n, mean, sd,
    ci95_low, ci95_high, over the completed replicates at their final step (95%
    t-interval of the mean, ``govsim.runs.t_interval``, cut at the metric's range).
    """
    from govsim.runs import clip_to_ranges  # noqa: PLC0415
    from govsim.stats import t_interval  # noqa: PLC0415
    from govsim.store import atomic_write  # noqa: PLC0415

    folder = sweep_store.folder
    columns = _runs_columns(sweep, folder)
    summaries: list[tuple[Any, ...]] = []
    tally = _Tally()

    def write(handle: Any) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        for number, (points, records) in enumerate(_point_blocks(sweep, folder, batching)):
            block = _block_table(sweep, points, records, columns)
            block.to_csv(text, header=number == 0, index=False)
            summaries.extend(_block_summary(sweep, block))
            for status, count in block["status"].value_counts().items():
                tally.counts[str(status)] = tally.counts.get(str(status), 0) + int(count)
            failed = block[block["status"] == "failed"]
            if tally.first_failure is None and len(failed):
                tally.first_failure = failed.iloc[0][
                    ["design_point", "replicate", "error"]
                ].to_dict()
        text.flush()
        text.detach()  # atomic_write syncs and closes the file itself

    atomic_write(folder / "runs.csv", write)
    columns = ["design_point", "metric", "step", "n", "mean", "sd"]
    summary = t_interval(pd.DataFrame(summaries, columns=columns).astype({"n": "int64"}))
    summary = clip_to_ranges(summary, summary["metric"].tolist())
    summary = summary.merge(sweep.design.reset_index(), on="design_point", how="left")
    summary = summary[
        ["design_point", *sweep.names, "metric", "step", "n", "mean", "sd", "ci95_low", "ci95_high"]
    ]
    sweep_store.write_table("summary.csv", summary)
    return summary, tally


def _finish(
    sweep: Sweep, sweep_store: Any, batching: Batching, ran: int, skipped: int
) -> SweepResult:
    """runs.csv, summary.csv, the sensitivity indices and figure; then the final status."""
    summary, tally = write_tables(sweep, sweep_store, batching)
    result = SweepResult(
        sweep_store.folder, sweep, summary, None, ran, skipped, counts=dict(tally.counts)
    )
    if sweep.kind in ("sobol", "morris") and result.pending == 0:
        from govsim import sensitivity  # noqa: PLC0415

        table = sensitivity.indices(sweep, summary)
        sweep_store.write_table("sensitivity.csv", table)
        title = (
            f"{sweep.name}: {sweep.kind}, {sweep.points:,} design points x "
            f"{sweep.replications} replicates"
        )
        figure = sensitivity.sensitivity_figure(table, title=title)
        result.figures.append(sweep_store.write_figure("sensitivity.png", figure))
        result.sensitivity = table
    if tally.first_failure is not None:
        first = tally.first_failure
        result.notes.append(
            f"{result.failed} of {sweep.runs} runs failed (recorded in runs.csv); the first: "
            f"design point {first['design_point']}, replicate {first['replicate']}: "
            f"{first['error']}"
        )
    outputs = ["sweep.json", "design.parquet", "timeseries/", "runs.csv", "summary.csv"]
    if result.sensitivity is not None:
        outputs += ["sensitivity.csv", "figures/sensitivity.png"]
    sweep_store.update(counts={**tally.counts, "planned": sweep.runs}, outputs=outputs)
    if result.pending:
        sweep_store.finish(
            "failed",
            f"{result.pending} runs were not run (a task failed as a whole); start the sweep "
            "again to run them",
        )
    else:
        sweep_store.finish("completed")
    return result
