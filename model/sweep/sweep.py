"""A validated sweep: its base scenario, parameters, design table and seeds.

Core objects: ``Sweep`` (everything checked on construction: a Sweep that exists can
run; build one with ``govsim.sweep.load_sweep`` or ``make_sweep``), ``run_seed``
(the seed of run (design point, replicate)) and ``RUN_IDS`` (the columns that name a
run of a sweep in its time series and its runs table).

Seeds: run (design point p, replicate r) uses the integer
``SeedSequence(seed).spawn(P)[p].spawn(R)[r].generate_state(1, uint64)[0] >> 1``,
the grandchild with spawn key (p, r) (computed directly as
``SeedSequence(seed, spawn_key=(p, r))``). It depends on p and r only, not on how
many points or replicates there are: adding replications keeps every earlier run's
seed. Sobol and Morris designs keep their earlier points when ``samples`` grows (Sobol'
sequences and SALib's trajectories are generated in order), so their earlier runs keep
both their parameter values and their seeds; LHS places every point anew when
``samples`` changes, and a grid reorders its points when a level is added.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govsim.scenario import Scenario, plain
from govsim.sweep.design import problem
from govsim.sweep.parameters import Parameter
from govsim.sweep.spec import SweepSpec, spec_parameters

__all__ = ["RUN_IDS", "SAMPLE_PREFIX", "Sweep", "run_seed"]

#: The columns that name a run of a sweep (time series, runs table), before the
#: parameters.
RUN_IDS = ("design_point", "replicate", "seed")
#: Column of the raw SALib sample of a parameter in design.parquet.
SAMPLE_PREFIX = "sample:"


def run_seed(root_seed: int, point: int, replicate: int) -> int:
    """The integer seed of run (``point``, ``replicate``) of a sweep with ``root_seed``.

    ``SeedSequence(root).spawn(P)[point].spawn(R)[replicate]`` has spawn key
    (point, replicate) whatever P and R are; it is built here from that key directly.
    63 bits, as ``govsim.runs.replicate_seeds``.
    """
    child = np.random.SeedSequence(root_seed, spawn_key=(point, replicate))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


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
        """The SALib problem: parameter names and sampling bounds (see ``govsim.sweep.design``)."""
        return problem(self.parameters)

    def overrides(self, point: int) -> dict[str, Any]:
        """The scenario values of design point ``point``, by dotted path."""
        # Column by column: a row of mixed columns would turn whole numbers into floats.
        return {name: plain(self.design[name].iat[point]) for name in self.names}

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
            "parameters": spec_parameters(self.spec),
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
