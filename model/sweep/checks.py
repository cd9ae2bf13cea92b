"""Checking a sweep before it runs: the file, its base scenario, every design point.

Core objects: ``load_sweep`` (a sweep file read and validated into a ``Sweep``),
``make_sweep`` (the same from a mapping, e.g. in Python with a base ``Scenario``) and
``metric_names`` (what ``metrics`` may name).

Every failure is one paragraph (``SweepError``) naming the file, the key (and its
line), the value and what is allowed, before anything is written or run.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, NoReturn

import numpy as np
import pandas as pd
from pydantic import ValidationError

from govsim.scenario import (
    Scenario,
    ScenarioError,
    field_at,
    is_section,
    load_scenario,
    locate,
    plain,
    read_path,
    read_yaml,
    set_dotted,
    shown,
)
from govsim.sim.metrics import METRICS, OBJECTIVES
from govsim.sweep.design import SAMPLES_MEAN, design_points, design_size
from govsim.sweep.parameters import Parameter
from govsim.sweep.spec import MAX_POINTS, RESERVED, SweepError, SweepSpec, sweep_keys
from govsim.sweep.sweep import Sweep

__all__ = ["load_sweep", "make_sweep", "metric_names"]


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file (YAML): the file, its base scenario, every point.

    Args:
        path: the sweep file; its ``scenario`` is read relative to it.

    Raises:
        SweepError: anything wrong, in one paragraph naming the file, the key (and its
            line), the value and what is allowed.
    """
    path = locate(path)
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
            allowed = sweep_keys() if not parent else ["low", "high", "levels"]
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
        value = shown(item.get("input"))
        if len(item["loc"]) >= 2 and item["loc"][0] == "parameters":
            return (
                f"{self.key(path)} = {value}: a parameter is a list of values "
                "(e.g. [0.1, 0.5, 0.9]) or a range {low: 0.1, high: 0.9} (with levels: "
                "for a grid)"
            )
        return f"{self.key(path)} = {value}: {item['msg']}"

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
                f"({SAMPLES_MEAN[spec.design]})."
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
                f"{self.key('scenario')} = {shown(spec.scenario)}: the base scenario "
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
        info = field_at(Scenario, dotted)
        if is_section(info.annotation):
            self.fail(
                f"{self.key(key)}: '{dotted}' is a section, not a value; name one of its "
                f"keys: {', '.join(info.annotation.model_fields)}."
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
                    f"{self.key(key)} = {shown(given)}: values repeat (as the scenario "
                    f"reads them: {shown(list(values))}); give each once."
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
        return read_path(scenario, dotted)

    # ---- the design --------------------------------------------------------------------

    def design(
        self, spec: SweepSpec, parameters: tuple[Parameter, ...], base: Scenario
    ) -> tuple[pd.DataFrame, np.ndarray | None]:
        self.size(design_size(spec, parameters))
        return design_points(spec, parameters, base.seed)

    def size(self, count: int) -> None:
        if count > MAX_POINTS:
            self.fail(
                f"the design has {count:,} points, more than the {MAX_POINTS:,} a sweep "
                "allows; use fewer levels or samples."
            )

    def points(self, spec: SweepSpec, base: Scenario, design: pd.DataFrame) -> None:
        names = list(design.columns)
        for point, row in enumerate(design.itertuples(index=False, name=None)):
            values = dict(zip(names, map(plain, row), strict=True))
            try:
                base.with_overrides(values)
            except ScenarioError as error:
                listed = ", ".join(f"{k}={shown(v)}" for k, v in values.items())
                self.fail(f"design point {point} ({listed}) is not a valid scenario: {error}")

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


@functools.cache
def metric_names() -> list[str]:
    """What ``metrics`` may name: every metric, and ``scorecard.<objective>``."""
    return [*METRICS, *(f"scorecard.{name}" for name in OBJECTIVES)]
