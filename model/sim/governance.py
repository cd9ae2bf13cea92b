"""The model class of govsim: a community under the "one core, multiple subjects" system.

Core objects: ``GovernanceModel`` (a ``mesa.Model``) and ``ArrayDataCollector`` (Mesa's
DataCollector, reading agent-type data from the population arrays in bulk).

The model wires the population (model/sim/population.py), the community graph
(model/sim/network.py, Mesa ``discrete_space.Network`` at ``model.grid``), the five
innovations (model/sim/mechanisms/), the participation rule (model/sim/decision/), the
issues (model/sim/issues.py) and the metrics (model/sim/metrics.py). It never touches
files, the CLI or plots. docs/ODD.md describes every rule it runs.

``model.settings`` is the govsim ``Scenario`` (``govsim.scenario`` is Mesa's own).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from govsim.scenario import Scenario
from govsim.sim import issues, kernels, submodels
from govsim.sim.agents import AGENT_CLASSES, GovernanceAgent, PartyOrganisation, Resident
from govsim.sim.community_metrics import community_metrics
from govsim.sim.decision import build_rule
from govsim.sim.initial import build_population
from govsim.sim.mechanisms import build_mechanisms
from govsim.sim.metrics import METRICS, compute_metrics, scorecard
from govsim.sim.network import CommunityNetwork, build_graph
from govsim.sim.submodels import StepState
from govsim.sim.ties import TieEditor

__all__ = ["RESIDENT_REPORTERS", "UNIT_REPORTERS", "ArrayDataCollector", "GovernanceModel"]

#: Agent-type reporters: column name -> agent attribute (all array-backed).
RESIDENT_REPORTERS = {
    name: name
    for name in (
        "participating",
        "mobilised",
        "disposition",
        "efficacy",
        "trust",
        "satisfaction",
        "points",
        "opinion",
        "party_member",
        "block",
    )
}
UNIT_REPORTERS = {
    name: name
    for name in (
        "commitment",
        "contribution",
        "resources",
        "in_committee",
        "chair",
        "assessment_score",
        "block",
    )
}


def _metric(model: GovernanceModel, name: str) -> float:
    return model.current_metrics[name]


class AgentRecords(Sequence):
    """One collection of agent-type records, held as columns until someone reads them.

    Behaves as the list of ``(step, unique_id, value, ...)`` tuples that
    ``mesa.DataCollector`` stores, with plain Python values; building those tuples for
    every agent at every step would cost more than the step itself.
    """

    def __init__(self, step: float, ids: np.ndarray, columns: list[np.ndarray]) -> None:
        self.step = step
        self.ids = ids
        self.columns = columns

    def __len__(self) -> int:
        return self.ids.size

    def __iter__(self) -> Iterator[tuple]:
        values = [column.tolist() for column in self.columns]
        return zip([self.step] * len(self), self.ids.tolist(), *values, strict=True)

    def __getitem__(self, item: int | slice) -> Any:
        if isinstance(item, slice):
            return list(self)[item]
        row = range(len(self))[item]
        return (self.step, self.ids[row].item(), *(c[row].item() for c in self.columns))


class ArrayDataCollector(mesa.DataCollector):
    """Mesa's DataCollector, with agent-type reporters read from the arrays in bulk.

    Agent-type reporters given as attribute names of array-backed attributes are read
    with one fancy-indexing per column instead of one Python call per agent, and kept
    as columns (``AgentRecords``); the records and DataFrames are exactly those of
    ``mesa.DataCollector``. Agent-type records are taken every ``agent_interval``
    collections (0: never).
    """

    def __init__(self, *args: Any, agent_interval: int = 1, **kwargs: Any) -> None:
        self._columns: dict[type, dict[str, str]] = {}
        self._rows: dict[type, tuple[tuple, np.ndarray, np.ndarray]] = {}
        self.agent_interval = agent_interval
        self._collections = 0
        super().__init__(*args, **kwargs)

    def _new_agenttype_reporter(self, agent_type: type, name: str, reporter: Any) -> None:
        if isinstance(reporter, str):
            self._columns.setdefault(agent_type, {})[name] = reporter
        super()._new_agenttype_reporter(agent_type, name, reporter)

    def _agent_rows(self, model: GovernanceModel, agent_type: type) -> tuple[np.ndarray, ...]:
        """unique_id and table row of the agents of one type, in AgentSet order (cached)."""
        agents = tuple(model.agents_by_type.get(agent_type, ()))
        cached = self._rows.get(agent_type)
        if cached is None or cached[0] != agents:
            ids = np.array([agent.unique_id for agent in agents], dtype=np.int64)
            index = np.array([agent.index for agent in agents], dtype=np.int64)
            cached = self._rows[agent_type] = (agents, ids, index)
        return cached[1], cached[2]

    def _record_agenttype(self, model: GovernanceModel, agent_type: type) -> Any:
        columns = self._columns.get(agent_type, {})
        if len(columns) != len(self.agenttype_reporters[agent_type]):
            return super()._record_agenttype(model, agent_type)
        ids, index = self._agent_rows(model, agent_type)
        table = getattr(model.population, agent_type.table)
        values = [_plain_dtype(getattr(table, name)[index]) for name in columns.values()]
        return AgentRecords(model.time, ids, values)

    def collect(self, model: GovernanceModel) -> None:
        """Collect model reporters every time, agent-type reporters every few times."""
        take_agents = self.agent_interval and self._collections % self.agent_interval == 0
        self._collections += 1
        saved, self.agenttype_reporters = self.agenttype_reporters, {}
        try:
            metrics = self._metric_reporters()
            if metrics is not None and self._validated and not self.agent_reporters:
                self._collect_metrics(model, metrics)
            else:
                super().collect(model)
        finally:
            self.agenttype_reporters = saved
        if take_agents and saved:
            records = self._agenttype_records[model.time] = {}
            for agent_type in saved:
                taken = self._record_agenttype(model, agent_type)
                records[agent_type] = taken if isinstance(taken, AgentRecords) else list(taken)

    def _metric_reporters(self) -> list[tuple[str, str]] | None:
        """(column, metric) of every model reporter if all are the model's ``_metric``."""
        reporters = self.model_reporters
        seen, size, names = getattr(self, "_metric_names", (None, -1, None))
        if seen is not reporters or size != len(reporters):
            names = [
                (var, reporter.keywords.get("name"))
                for var, reporter in reporters.items()
                if isinstance(reporter, partial) and reporter.func is _metric
            ]
            names = names if len(names) == len(reporters) else None
            self._metric_names = (reporters, len(reporters), names)
        return names

    def _collect_metrics(self, model: GovernanceModel, metrics: list[tuple[str, str]]) -> None:
        """What Mesa's ``collect`` stores for the model's ``_metric`` reporters, read at once.

        Mesa stores a deep copy of each reporter's value; the values are floats (a deep
        copy of a float is that float), taken here from ``model.current_metrics``
        without a call and a copy per metric.
        """
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        values = model.current_metrics
        for var, name in metrics:
            self.model_vars[var].append(values[name])

    def get_agenttype_vars_dataframe(self, agent_type: type) -> pd.DataFrame:
        """As ``mesa.DataCollector``, built from the columns when all records are columns."""
        taken = [
            records[agent_type]
            for records in self._agenttype_records.values()
            if agent_type in records
        ]
        if (
            agent_type not in self.agenttype_reporters
            or not taken
            or not all(isinstance(r, AgentRecords) and len(r) for r in taken)
        ):
            return super().get_agenttype_vars_dataframe(agent_type)
        names = list(self.agenttype_reporters[agent_type])
        frame = pd.DataFrame(
            {
                "Step": np.concatenate([np.full(len(r), r.step, dtype=float) for r in taken]),
                "AgentID": np.concatenate([r.ids for r in taken]),
                **{
                    name: np.concatenate([r.columns[k] for r in taken])
                    for k, name in enumerate(names)
                },
            }
        )
        return frame.set_index(["Step", "AgentID"])


def _plain_dtype(values: np.ndarray) -> np.ndarray:
    """The array as the dtype pandas gives the Python values (bool, int64 or float64)."""
    kind = values.dtype.kind
    if kind == "b":
        return values
    return values.astype(np.int64 if kind in "iu" else np.float64, copy=False)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building millions of objects.

    The build allocates a few objects per node and tie (graph dicts, Mesa cells and
    agents) and frees none, so every collection pass is wasted work; with it, the
    passes over a growing heap make the build superlinear in the number of residents.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class GovernanceModel(mesa.Model):
    """A community governed under the "one core, multiple subjects" system.

    Args:
        scenario: the validated scenario (default: ``Scenario()``, the full
            one-core-multiple configuration).
        rng: seed or numpy Generator; default ``scenario.seed``. All randomness of a
            run comes from ``self.rng``, so a seed fixes the run.
        agent_interval: take agent-type records every this many steps (0: never;
            sweeps and the CLI only need the model metrics).
        lazy_agents: build the community graph, Mesa's ``Network`` and the agents when
            first used (``model.grid``, ``model.agents``, ``model.agents_by_type``,
            agent records) instead of at construction. The step never uses them, so
            sweeps and very large runs that only need metrics skip their cost (most of
            the build time and memory at a million residents, docs/PERFORMANCE.md).
            Built late, they hold the ties of that moment; only the order in which a
            node's neighbours are listed can differ from a model built at once.
            Default (None): lazy exactly when no agent records are taken
            (``agent_interval=0``).

    Attributes:
        settings: the scenario. population: the agent state arrays and tie matrices.
        grid: Mesa ``Network`` over the community graph (``grid.G``), holding every agent.
        issues: the issue book. mechanisms: the enabled innovations by name.
        rule: the participation decision rule. datacollector: the metrics, per step.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        rng: int | np.random.Generator | None = None,
        agent_interval: int = 1,
        lazy_agents: bool | None = None,
    ) -> None:
        settings = scenario if scenario is not None else Scenario()
        super().__init__(rng=settings.seed if rng is None else rng)
        self.settings = settings
        self._week = 0
        self._grid: CommunityNetwork | None = None
        with _collector_paused():
            self.population = build_population(settings, self.rng)
            self.issues = issues.IssueBook()
            self.step_state = self._fresh_state()
            self.ties = TieEditor(self)
            self.mechanisms = build_mechanisms(self)
            self.rule = build_rule(settings.decision)
            for mechanism in self.mechanisms.values():
                mechanism.setup(self)
            self.rule.setup(self)
        self._warm_up()
        if not (agent_interval == 0 if lazy_agents is None else lazy_agents):
            self._build_agents()
        self._metric_cache: dict[str, Any] = {}
        self.current_metrics = compute_metrics(self, self._metric_cache)
        self.datacollector = ArrayDataCollector(
            model_reporters={name: partial(_metric, name=name) for name in METRICS},
            agenttype_reporters={
                Resident: RESIDENT_REPORTERS,
                **{cls: UNIT_REPORTERS for cls in AGENT_CLASSES.values()},
            },
            agent_interval=agent_interval,
        )
        self.datacollector.collect(self)
        self._community_records: list[tuple[int, dict[str, np.ndarray]]] = []
        self._collect_communities()

    # ---- construction --------------------------------------------------------------

    def _fresh_state(self) -> StepState:
        p = self.population
        return StepState.empty(p.n_residents, p.n_units, p.n_communities)

    def _build_agents(self) -> None:
        """Build the graph of the current ties, Mesa's Network, and one agent per node."""
        with _collector_paused():
            grid = CommunityNetwork(build_graph(self.population), layout=None, random=self.random)
            self._grid = grid
            self.ties.attach(grid)
            p = self.population
            for index in range(p.n_residents):
                Resident(self, index, grid[index])
            for community in range(p.n_communities):
                PartyOrganisation(self, community, grid[int(p.core_node(community))])
            for unit, kind in enumerate(p.units.kind.tolist()):
                AGENT_CLASSES[kind](self, unit, grid[int(p.unit_node(unit))])

    @property
    def grid(self) -> CommunityNetwork:
        """Mesa's ``Network`` over the community graph; every agent sits on its node."""
        if self._grid is None:
            self._build_agents()
        return self._grid

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All agents (Mesa's ``Model.agents``)."""
        if self._grid is None:
            self._build_agents()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type, mesa.agent.AgentSet]:
        """The agents of each class (Mesa's ``Model.agents_by_type``)."""
        if self._grid is None:
            self._build_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The agent classes present (Mesa's ``Model.agent_types``)."""
        if self._grid is None:
            self._build_agents()
        return super().agent_types

    # ---- time ------------------------------------------------------------------------

    @property
    def week(self) -> int:
        """The current week since the start of the run, warm-up included (0 before the first).

        Mesa's ``time`` counts the reported weeks only: ``week = warmup + time`` once the
        warm-up is over.
        """
        return self._week

    def _warm_up(self) -> None:
        """Run the ``warmup`` weeks unreported, then start every count afresh.

        Habits, ties and commitments settle first, so that the reported weeks describe the
        community under its scenario rather than the model's arbitrary starting state.
        Counters of issues, participations and points earned start from the end of the
        warm-up (balances carry over: they are what residents hold).
        """
        for _ in range(self.settings.warmup):
            self._advance()
        self.issues.start_counting()
        residents = self.population.residents
        residents.participations[:] = 0
        residents.points_earned[:] = 0.0  # points earned in the reported weeks

    def step(self) -> None:
        """One reported week: the schedule, then the metrics (docs/ODD.md, section 3)."""
        self._advance()
        self.current_metrics = compute_metrics(self, self._metric_cache)  # 11
        self.datacollector.collect(self)
        self._collect_communities()
        if self.time >= self.settings.steps:  # Mesa sets time to this week before the step
            self.running = False  # the horizon (Mesa's batch_run stops here)

    def _advance(self) -> None:
        """One week of the schedule, steps 1 to 10 (docs/ODD.md, section 3)."""
        self._week += 1
        residents = self.population.residents
        residents.participated_last[:] = residents.participating
        self.step_state = state = self._fresh_state()
        hooks = list(self.mechanisms.values())
        issues.arrive(self)  # 1
        submodels.administer(self)  # 2
        state.unit_reach[:] = submodels.base_unit_reach(self)  # 3
        state.neighbour_share = submodels.neighbour_share(self, residents.participated_last)
        for mechanism in hooks:
            mechanism.mobilise(self)
        submodels.mobilise(self)
        state.stake = submodels.block_stakes(self)  # 4
        for mechanism in hooks:
            mechanism.utility(self)
        taking_part = self.rule.decide(self)
        for mechanism in hooks:
            taking_part = mechanism.decide(self, taking_part)
        self._take_part(taking_part)
        submodels.contribute(self)  # 5
        for mechanism in hooks:
            mechanism.contribute(self)
        for mechanism in hooks:  # 6
            mechanism.meet(self)
        state.ledger = issues.resolve(self)  # 7
        submodels.drift_commitment(self)  # 8
        for mechanism in hooks:
            mechanism.assess(self)
        submodels.update_ties(self)  # 9
        for mechanism in hooks:
            mechanism.connect(self)
        submodels.update_wellbeing(self)  # 10
        submodels.update_membership(self)

    def _collect_communities(self) -> None:
        """Per-community metrics of a district (several communities), every week."""
        if self.population.n_communities > 1:
            self._community_records.append(
                (int(self.time), community_metrics(self, self._metric_cache))
            )

    def community_frame(self) -> pd.DataFrame:
        """Per-community metrics, tidy: step, community, one column per metric.

        Empty for a single community (its metrics are ``metrics_frame``).
        """
        c = self.population.n_communities
        frames = [
            pd.DataFrame({"step": week, "community": np.arange(c), **values})
            for week, values in self._community_records
        ]
        if not frames:
            return pd.DataFrame(columns=["step", "community", *METRICS])
        return pd.concat(frames, ignore_index=True)

    def _take_part(self, decided: np.ndarray) -> None:
        """Only members take part; record who does, habits and histories (``kernels.take_part``)."""
        residents = self.population.residents
        record = (
            residents.last_participation,
            residents.participations,
            residents.habit,
            residents.history,
        )
        kernels.take_part(
            decided,
            residents.member,
            residents.participating,
            record,
            self.settings.dynamics.habit_rate,
            self.week,
        )

    def run(self, steps: int | None = None) -> GovernanceModel:
        """Run ``steps`` reported weeks (default ``settings.steps``) with Mesa's ``run_for``."""
        self.run_for(self.settings.steps if steps is None else steps)
        return self

    # ---- results ---------------------------------------------------------------------

    def metrics_frame(self):
        """The per-step metrics as a DataFrame indexed by step (0 = initial state)."""
        frame = self.datacollector.get_model_vars_dataframe()
        frame.index.name = "step"
        return frame

    def scorecard(self) -> dict[str, float]:
        """The five-objectives scorecard of the run so far (model/sim/metrics.py)."""
        return scorecard(self)

    def agents_of(self, kind: type[GovernanceAgent]) -> mesa.agent.AgentSet:
        """The AgentSet of one agent class."""
        return self.agents_by_type[kind]
