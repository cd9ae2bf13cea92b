"""The docking plans: how much of each experiment to run, and its tasks.

Core objects: ``Plan`` (how much to run) with its two presets ``FULL`` (the documented
numbers) and ``QUICK`` (seconds, for tests), ``Task`` (one model run) and the task
lists of the five experiments: ``pgg_tasks`` (the public goods game on graphs,
``PGG_CURVES``), ``deffuant_tasks`` (bounded confidence, random pairs),
``meeting_tasks`` (bounded confidence in the format of a deliberation meeting),
``brock_durlauf_tasks`` (the logit rule with social influence against its mean-field
equilibria) and ``cascade_tasks`` (the threshold cascade), built from the scenarios in
``DOCKING_SCENARIOS``.

Replicate r of every curve uses the same seed, so the scale-free curves of both cost
schemes share their graphs and initial cooperators (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govsim.runs import replicate_seeds
from govsim.scenario import Scenario, load_scenario

__all__ = [
    "BD_STARTS",
    "DOCKING_SCENARIOS",
    "FULL",
    "PGG_CURVES",
    "QUICK",
    "Plan",
    "Task",
    "brock_durlauf_points",
    "brock_durlauf_tasks",
    "cascade_tasks",
    "deffuant_tasks",
    "meeting_tasks",
    "pgg_tasks",
]

#: The docking scenario files (shipped with the repository).
DOCKING_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "docking"

#: Graphs and cost schemes of the public goods curves: (label, generator, cost).
PGG_CURVES = (
    ("scale-free, cost per individual", "barabasi_albert", "per_individual"),
    ("scale-free, cost per game", "barabasi_albert", "per_game"),
    ("regular", "random_regular", "per_game"),
)
#: Starting shares of the Brock-Durlauf runs: from below and from above.
BD_STARTS = (0.05, 0.95)


@dataclass(frozen=True)
class Plan:
    """How much of each docking experiment to run.

    Attributes:
        pgg_residents, pgg_generations, pgg_window: graph size, generations per run,
            and the last generations averaged for the share of cooperators.
        pgg_etas: normalised enhancements eta = r / (z + 1) to run.
        pgg_replicates: graphs (and initial conditions) per point.
        deffuant_residents, deffuant_confidences, deffuant_replicates: the same for
            the bounded-confidence runs (pairs per week: residents / 2).
        deffuant_max_steps: weeks after which a run that has not settled stops.
        meeting_attendees, meeting_confidences, meeting_replicates,
            meeting_max_rounds: the same in the format of a deliberation meeting
            (attendees paired anew every round; rounds at most).
        bd_residents, bd_weeks, bd_window: the Brock-Durlauf runs' size, weeks, and
            the last weeks averaged for the share taking part.
        bd_curves: (w, values of a) of each curve of share against a.
        bd_critical: the w run at the symmetric point a = -w / 2 (h = 0).
        bd_replicates: runs per (a, w, start).
    """

    name: str
    pgg_residents: int
    pgg_generations: int
    pgg_window: int
    pgg_etas: tuple[float, ...]
    pgg_replicates: int
    deffuant_residents: int
    deffuant_confidences: tuple[float, ...]
    deffuant_replicates: int
    deffuant_max_steps: int
    meeting_attendees: int
    meeting_confidences: tuple[float, ...]
    meeting_replicates: int
    meeting_max_rounds: int
    bd_residents: int
    bd_weeks: int
    bd_window: int
    bd_curves: tuple[tuple[float, tuple[float, ...]], ...]
    bd_critical: tuple[float, ...]
    bd_replicates: int


FULL = Plan(
    name="full",
    pgg_residents=1000,
    pgg_generations=3000,
    pgg_window=1000,
    pgg_etas=(0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
    pgg_replicates=10,
    deffuant_residents=1000,
    deffuant_confidences=(0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6),
    deffuant_replicates=10,
    deffuant_max_steps=3000,
    meeting_attendees=1000,
    meeting_confidences=(0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6),
    meeting_replicates=10,
    meeting_max_rounds=3000,
    bd_residents=1000,
    bd_weeks=300,
    bd_window=200,
    bd_curves=(
        (2.0, (-3.0, -2.0, -1.0, 0.0, 1.0)),
        (6.0, (-5.0, -4.0, -3.2, -3.0, -2.8, -2.0, -1.0)),
    ),
    bd_critical=(2.0, 3.0, 5.0, 6.0, 8.0),
    bd_replicates=3,
)
QUICK = Plan(
    name="quick",
    pgg_residents=500,
    pgg_generations=300,
    pgg_window=100,
    pgg_etas=(0.3, 0.5, 0.6, 0.7, 1.0),
    pgg_replicates=3,
    deffuant_residents=300,
    deffuant_confidences=(0.1, 0.2, 0.3, 0.5),
    deffuant_replicates=2,
    deffuant_max_steps=1000,
    meeting_attendees=300,
    meeting_confidences=(0.1, 0.2, 0.3, 0.5),
    meeting_replicates=2,
    meeting_max_rounds=1000,
    bd_residents=300,
    bd_weeks=150,
    bd_window=100,
    bd_curves=((2.0, (-2.0, 0.0)), (6.0, (-4.0, -3.0, -2.0))),
    bd_critical=(3.0, 6.0),
    bd_replicates=1,
)


@dataclass(frozen=True)
class Task:
    """One model run: which experiment, its scenario, its seed and labels."""

    experiment: str
    scenario: Scenario
    seed: int
    labels: dict[str, Any]
    steps: int
    window: int = 0


def pgg_tasks(plan: Plan) -> list[Task]:
    """The public goods runs: every curve x eta x replicate of the plan."""
    base = load_scenario(DOCKING_SCENARIOS / "pgg_santos2008.yaml")
    z = base.network.mean_degree
    seeds = replicate_seeds(base.seed, plan.pgg_replicates)
    tasks = []
    for label, generator, cost in PGG_CURVES:
        for eta in plan.pgg_etas:
            scenario = base.with_overrides(
                {
                    "population.residents": plan.pgg_residents,
                    "population.block_size": plan.pgg_residents,
                    "network.generator": generator,
                    "decision.cost": cost,
                    "decision.enhancement": eta * (z + 1),
                }
            )
            tasks += [
                Task(
                    "pgg",
                    scenario,
                    seed,
                    {"curve": label, "eta": eta, "replicate": replicate},
                    plan.pgg_generations,
                    plan.pgg_window,
                )
                for replicate, seed in enumerate(seeds)
            ]
    return tasks


def deffuant_tasks(plan: Plan) -> list[Task]:
    """The bounded-confidence runs: every confidence bound x replicate of the plan."""
    base = load_scenario(DOCKING_SCENARIOS / "deffuant2000.yaml")
    seeds = replicate_seeds(base.seed, plan.deffuant_replicates)
    tasks = []
    for d in plan.deffuant_confidences:
        scenario = base.with_overrides(
            {
                "population.residents": plan.deffuant_residents,
                "population.block_size": plan.deffuant_residents,
                "mechanisms.deliberation.confidence": d,
                "mechanisms.deliberation.pairs_per_step": plan.deffuant_residents // 2,
            }
        )
        tasks += [
            Task(
                "deffuant",
                scenario,
                seed,
                {"confidence": d, "replicate": replicate},
                plan.deffuant_max_steps,
            )
            for replicate, seed in enumerate(seeds)
        ]
    return tasks


def cascade_tasks() -> list[Task]:
    """The two threshold cascades: thresholds 0..99, and the same with 1 moved to 2."""
    base = load_scenario(DOCKING_SCENARIOS / "granovetter1978.yaml")
    thresholds = list(base.decision.thresholds or [])
    moved = [0.02 if math.isclose(t, 0.01) else t for t in thresholds]
    changed = base.with_overrides({"decision.thresholds": moved})
    return [
        Task("cascade", base, base.seed, {"case": "thresholds 0..99"}, base.steps),
        Task("cascade", changed, base.seed, {"case": "threshold 1 moved to 2"}, base.steps),
    ]


def meeting_tasks(plan: Plan) -> list[Task]:
    """Bounded confidence in the meeting format: every confidence bound x replicate.

    One meeting of ``meeting_attendees`` with opinions uniform on [0, 1] on one issue,
    the deliberation settings of deffuant2000.yaml (mu = 0.5) with ``confidence`` d.
    """
    base = load_scenario(DOCKING_SCENARIOS / "deffuant2000.yaml")
    seeds = replicate_seeds(base.seed, plan.meeting_replicates)
    tasks = []
    for d in plan.meeting_confidences:
        scenario = base.with_overrides(
            {
                "mechanisms.deliberation.confidence": d,
                "mechanisms.deliberation.meeting_size": plan.meeting_attendees,
            }
        )
        tasks += [
            Task(
                "meetings",
                scenario,
                seed,
                {"confidence": d, "replicate": replicate},
                plan.meeting_max_rounds,
            )
            for replicate, seed in enumerate(seeds)
        ]
    return tasks


def brock_durlauf_points(plan: Plan) -> list[tuple[str, float, float]]:
    """(curve, w, a) of every point: each curve's grid, then a = -w / 2 for each critical w."""
    points = [(f"w = {w:g}", w, a) for w, values in plan.bd_curves for a in values]
    return points + [("a = -w/2", w, -w / 2) for w in plan.bd_critical]


def brock_durlauf_tasks(plan: Plan) -> list[Task]:
    """The logit rule with social influence: every (a, w) point x start x replicate."""
    base = load_scenario(DOCKING_SCENARIOS / "brock_durlauf2001.yaml")
    seeds = replicate_seeds(base.seed, plan.bd_replicates)
    tasks = []
    for curve, w, a in brock_durlauf_points(plan):
        for start in BD_STARTS:
            scenario = base.with_overrides(
                {
                    "population.residents": plan.bd_residents,
                    "population.block_size": plan.bd_residents,
                    "decision.weights.intercept": a,
                    "decision.weights.neighbours": w,
                    "decision.initial_participants": start,
                }
            )
            tasks += [
                Task(
                    "brock_durlauf",
                    scenario,
                    seed,
                    {"curve": curve, "w": w, "a": a, "start": start, "replicate": replicate},
                    plan.bd_weeks,
                    plan.bd_window,
                )
                for replicate, seed in enumerate(seeds)
            ]
    return tasks
