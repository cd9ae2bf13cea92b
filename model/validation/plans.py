"""The docking plans: how much of each experiment to run, and its tasks.

Core objects: ``Plan`` (how much to run) with its two presets ``FULL`` (the documented
numbers) and ``QUICK`` (seconds, for tests), ``Task`` (one model run) and the task
lists of the three experiments: ``pgg_tasks`` (the public goods game on graphs,
``PGG_CURVES``), ``deffuant_tasks`` (bounded confidence) and ``cascade_tasks`` (the
threshold cascade), built from the scenarios in ``DOCKING_SCENARIOS``.

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
    "DOCKING_SCENARIOS",
    "FULL",
    "PGG_CURVES",
    "QUICK",
    "Plan",
    "Task",
    "cascade_tasks",
    "deffuant_tasks",
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
