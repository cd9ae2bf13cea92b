"""One docking model run: the step of each experiment, and when it can stop early.

Core objects: ``run_task`` (run one ``Task``, in this process or a worker) and
``settled`` (whether bounded confidence can no longer change the number of opinion
clusters).

Absorbing states stop a public goods run early (nobody can copy a choice nobody
holds) and settled opinions stop a Deffuant run, pairwise or in a meeting, early
(groups d or more apart never meet again, and each group narrower than d ends as one
cluster): both give the numbers the full horizon would give. The meeting runs call the
meeting kernel (``kernels.deliberate_agenda``) the deliberation mechanism calls; the
Brock-Durlauf runs are whole models under the logit rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govsim.sim import kernels
from govsim.sim.governance import GovernanceModel
from govsim.sim.metrics import opinion_clusters
from govsim.validation.plans import Task

__all__ = ["run_task", "settled"]


def run_task(task: Task) -> dict[str, Any]:
    """Run one docking model; top level so worker processes can unpickle it."""
    if task.experiment == "pgg":
        return _run_public_goods(task)
    if task.experiment == "deffuant":
        return _run_deffuant(task)
    if task.experiment == "meetings":
        return _run_meeting(task)
    if task.experiment == "brock_durlauf":
        return _run_brock_durlauf(task)
    return _run_cascade(task)


def _run_public_goods(task: Task) -> dict[str, Any]:
    model = GovernanceModel(task.scenario, rng=task.seed, agent_interval=0)
    shares = []
    for _ in range(task.steps):
        model.step()
        shares.append(model.current_metrics["participation_rate"])
        if shares[-1] in (0.0, 1.0):  # absorbing: nobody can copy a choice nobody holds
            break
    ran = len(shares)
    shares += [shares[-1]] * (task.steps - ran)  # an absorbing state lasts for ever
    return {
        **task.labels,
        "seed": task.seed,
        "cooperators": float(np.mean(shares[-task.window :])),
        "generations_run": ran,
        "absorbed": shares[-1] in (0.0, 1.0),
    }


def settled(opinions: np.ndarray, confidence: float, min_share: float = 0.02) -> bool:
    """Whether bounded confidence can no longer change the number of opinion clusters.

    Split the sorted opinions where neighbours are ``confidence`` or more apart: these
    groups never interact again. A group narrower than ``confidence`` ends as one point
    (everyone in it keeps meeting everyone, and its range only shrinks), so the final
    number of clusters is the number of such groups holding at least ``min_share`` of
    residents; smaller groups never count. Settled: every large group is narrower than
    ``confidence`` and ``metrics.opinion_clusters`` already gives that final number.
    """
    ordered = np.sort(opinions)
    apart = np.flatnonzero(np.diff(ordered) >= confidence)
    starts = np.concatenate([[0], apart + 1])
    ends = np.concatenate([apart, [ordered.size - 1]])
    large = (ends - starts + 1) >= min_share * ordered.size
    narrow = ordered[ends] - ordered[starts] < confidence
    return bool(
        np.all(narrow[large]) and opinion_clusters(ordered, min_share=min_share) == large.sum()
    )


def _run_deffuant(task: Task) -> dict[str, Any]:
    model = GovernanceModel(task.scenario, rng=task.seed, agent_interval=0)
    confidence = task.scenario.mechanisms.deliberation.confidence
    opinions = model.population.residents.opinion
    steps = 0
    while steps < task.steps and not (steps % 10 == 0 and settled(opinions, confidence)):
        model.step()
        steps += 1
    return {
        **task.labels,
        "seed": task.seed,
        "clusters": model.current_metrics["opinion_clusters"],
        "spread": model.current_metrics["opinion_spread"],
        "weeks": steps,
        "settled": settled(opinions, confidence),
    }


def _run_meeting(task: Task) -> dict[str, Any]:
    """One deliberation meeting's exchange (``kernels.deliberate_agenda``) until settled.

    The meeting's format, as ``Deliberation._meeting`` runs it: ``meeting_size``
    attendees, opinions uniform on [0, 1] on one issue; every round pairs the seats of
    a fresh random permutation (each attendee talks to one other per round), and a pair
    closer than d moves mu of the way together. Rounds run ten at a time until the
    opinions have settled (``settled``) or ``task.steps`` rounds.
    """
    p = task.scenario.mechanisms.deliberation
    rng = np.random.default_rng(task.seed)
    opinions = rng.random((1, p.meeting_size))
    rounds = 0
    while rounds < task.steps and not settled(opinions[0], p.confidence):
        seats = np.empty((10, p.meeting_size), np.int64)
        seats[:] = np.arange(p.meeting_size)
        rng.permuted(seats, axis=1, out=seats)
        kernels.deliberate_agenda(opinions, seats, p.confidence, p.convergence, p.consensus_band)
        rounds += 10
    return {
        **task.labels,
        "seed": task.seed,
        "clusters": opinion_clusters(opinions[0]),
        "rounds": rounds,
        "settled": settled(opinions[0], p.confidence),
    }


def _run_brock_durlauf(task: Task) -> dict[str, Any]:
    """The logit rule with social influence: mean share taking part over the last weeks."""
    model = GovernanceModel(task.scenario, rng=task.seed, agent_interval=0)
    model.run(task.steps)
    shares = model.metrics_frame()["participation_rate"].to_numpy(dtype=float)
    return {
        **task.labels,
        "seed": task.seed,
        "share": float(np.mean(shares[-task.window :])),
        "final": float(shares[-1]),
    }


def _run_cascade(task: Task) -> dict[str, Any]:
    model = GovernanceModel(task.scenario, rng=task.seed, agent_interval=0)
    model.run(task.steps)
    n = model.population.n_residents
    series = model.metrics_frame()["participation_rate"].to_numpy() * n
    return {**task.labels, "participants": np.rint(series).astype(int).tolist()}
