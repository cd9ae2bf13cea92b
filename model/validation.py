"""Docking suite: govsim, with its governance layers off, reproduces three published models.

Core objects: ``run_validation`` (what ``govsim validate`` calls: run everything,
write the report, return the exit code), ``run_docking`` (run everything, return the
numbers and the acceptance checks), ``Plan`` (how much to run: ``FULL`` or
``QUICK``), ``Check`` (one published result against govsim's number).

Docking (Axtell, Axelrod, Epstein & Cohen 1996, Comput. Math. Organ. Theory 1:123,
doi:10.1007/BF01299065) asks whether a model, set up like a published one, gives
that model's results. The three scenarios in scenarios/docking/ switch every
governance layer off and keep the ties fixed, so the weekly step reduces exactly to:

1. the networked public goods game (Santos, Santos & Pacheco 2008, Nature 454:213,
   doi:10.1038/nature06940): ``decision.rule: imitation`` on Barabasi-Albert
   (scale-free) and random regular graphs of mean degree z = 4, for both cost
   schemes; share of cooperators against eta = r / (z + 1);
2. the bounded-confidence model (Deffuant, Neau, Amblard & Weisbuch 2000, Adv.
   Complex Syst. 3:87, doi:10.1142/S0219525900000078): informal exchanges between
   random pairs; number of opinion clusters against the confidence bound d;
3. the threshold model (Granovetter 1978, Am. J. Sociol. 83:1420,
   doi:10.1086/226707): thresholds 0..99 among 100, and the same with the single
   threshold 1 moved to 2.

Acceptance bands (``Check``; a failed check makes ``run_validation`` return 1):

- public goods game, from the paper's claims (its Fig. 1 was not digitised):
  on regular graphs cooperators die out (mean share < 0.05) for every eta <= 0.6;
  on scale-free graphs with cost per individual cooperators prevail (mean share
  >= 0.5) at some eta <= 0.6, well below 1, where regular graphs have none
  (< 0.05); cooperation
  sets in (first eta of the grid with mean share >= 0.1) at a lower eta on
  scale-free graphs with cost per individual than with cost per game, and with cost
  per game than on regular graphs; on regular graphs cooperators prevail (>= 0.5)
  at eta = 1;
- bounded confidence: about floor(1 / (2d)) major clusters (1 from d = 1/2 on):
  the mean over replicates lies within 1 of it (15% of it when that is wider, for
  d < 0.1; the published rule is approximate, see docs/VALIDATION.md) for every d;
  the mean never rises with d by more than 0.5; every replicate ends in consensus
  (one cluster) for every d >= 0.5;
- threshold cascade, exact: 100 take part, one more each week (all 100 in week
  100); after the change exactly 1 takes part, in every week.

Runs are tasks (one model each) on the shared executors of model/runs/;
replicate r of every curve uses the same seed, so the scale-free curves of both
cost schemes share their graphs and initial cooperators (common random numbers).
Absorbing states stop a public goods run early (nobody can copy a choice nobody
holds) and settled opinions stop a Deffuant run early (``settled``: groups d or more
apart never meet again, and each group narrower than d ends as one cluster): both
give the numbers the full horizon would give.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from govsim import store
from govsim.runs import executor_for, replicate_seeds
from govsim.scenario import Scenario, load_scenario
from govsim.sim.governance import GovernanceModel
from govsim.sim.metrics import opinion_clusters

__all__ = [
    "DOCKING_SCENARIOS",
    "FULL",
    "QUICK",
    "Check",
    "DockingResults",
    "Plan",
    "acceptance_checks",
    "cluster_band",
    "published_clusters",
    "run_docking",
    "run_validation",
    "settled",
    "verdict",
    "write_report",
]

#: The docking scenario files (shipped with the repository).
DOCKING_SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios" / "docking"
DEFAULT_OUT = Path("results") / "validation"

#: Graphs and cost schemes of the public goods curves: (label, generator, cost).
PGG_CURVES = (
    ("scale-free, cost per individual", "barabasi_albert", "per_individual"),
    ("scale-free, cost per game", "barabasi_albert", "per_game"),
    ("regular", "random_regular", "per_game"),
)
_COOPERATION_ONSET = 0.1


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
class Check:
    """One published result set against govsim's: ``passed`` when govsim is in the band."""

    experiment: str
    claim: str
    published: str
    govsim: str
    passed: bool


@dataclass
class DockingResults:
    """Everything a docking run produced: per-run rows, the checks, and timings."""

    plan: Plan
    pgg: list[dict[str, Any]] = field(default_factory=list)
    deffuant: list[dict[str, Any]] = field(default_factory=list)
    granovetter: dict[str, list[float]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return all(check.passed for check in self.checks)

    def pgg_curve(self, label: str) -> dict[float, list[float]]:
        """Share of cooperators per eta (one value per replicate) for one curve."""
        curve: dict[float, list[float]] = {}
        for row in self.pgg:
            if row["curve"] == label:
                curve.setdefault(row["eta"], []).append(row["cooperators"])
        return dict(sorted(curve.items()))

    def clusters(self) -> dict[float, list[float]]:
        """Final number of opinion clusters per confidence bound d (one per replicate)."""
        curve: dict[float, list[float]] = {}
        for row in self.deffuant:
            curve.setdefault(row["confidence"], []).append(row["clusters"])
        return dict(sorted(curve.items()))


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class _Task:
    """One model run: which experiment, its scenario, its seed and labels."""

    experiment: str
    scenario: Scenario
    seed: int
    labels: dict[str, Any]
    steps: int
    window: int = 0


def _run_task(task: _Task) -> dict[str, Any]:
    """Run one docking model; top level so worker processes can unpickle it."""
    if task.experiment == "pgg":
        return _run_public_goods(task)
    if task.experiment == "deffuant":
        return _run_deffuant(task)
    return _run_cascade(task)


def _run_public_goods(task: _Task) -> dict[str, Any]:
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


def published_clusters(confidence: float) -> int:
    """Deffuant et al. (2000): about floor(1 / (2d)) major clusters; consensus from d = 1/2."""
    return max(1, math.floor(1 / (2 * confidence)))


def cluster_band(confidence: float) -> float:
    """Half-width of the acceptance band around ``published_clusters``: 1, or 15% if wider."""
    return max(1.0, 0.15 * published_clusters(confidence))


def _run_deffuant(task: _Task) -> dict[str, Any]:
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


def _run_cascade(task: _Task) -> dict[str, Any]:
    model = GovernanceModel(task.scenario, rng=task.seed, agent_interval=0)
    model.run(task.steps)
    n = model.population.n_residents
    series = model.metrics_frame()["participation_rate"].to_numpy() * n
    return {**task.labels, "participants": np.rint(series).astype(int).tolist()}


# --------------------------------------------------------------------------- plans


def _pgg_tasks(plan: Plan) -> list[_Task]:
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
                _Task(
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


def _deffuant_tasks(plan: Plan) -> list[_Task]:
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
            _Task(
                "deffuant",
                scenario,
                seed,
                {"confidence": d, "replicate": replicate},
                plan.deffuant_max_steps,
            )
            for replicate, seed in enumerate(seeds)
        ]
    return tasks


def _cascade_tasks() -> list[_Task]:
    base = load_scenario(DOCKING_SCENARIOS / "granovetter1978.yaml")
    thresholds = list(base.decision.thresholds or [])
    moved = [0.02 if math.isclose(t, 0.01) else t for t in thresholds]
    changed = base.with_overrides({"decision.thresholds": moved})
    return [
        _Task("cascade", base, base.seed, {"case": "thresholds 0..99"}, base.steps),
        _Task("cascade", changed, base.seed, {"case": "threshold 1 moved to 2"}, base.steps),
    ]


# --------------------------------------------------------------------------- checks


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else math.nan


def _onset(curve: dict[float, list[float]]) -> float:
    """First eta whose mean share of cooperators reaches 0.1 (inf if none does)."""
    return next((eta for eta, v in curve.items() if _mean(v) >= _COOPERATION_ONSET), math.inf)


def _pgg_checks(results: DockingResults) -> list[Check]:
    individual, per_game, regular = (results.pgg_curve(label) for label, _, _ in PGG_CURVES)
    low = {eta: _mean(v) for eta, v in regular.items() if eta <= 0.6 + 1e-9}
    onsets = [_onset(individual), _onset(per_game), _onset(regular)]
    wins = [
        eta
        for eta, v in individual.items()
        if eta <= 0.6 + 1e-9 and _mean(v) >= 0.5 and _mean(regular.get(eta, [1.0])) < 0.05
    ]
    where = min(wins) if wins else 0.6
    at_one = _mean(regular.get(1.0, []))
    name = "Santos et al. 2008"
    return [
        Check(
            name,
            "regular graphs: cooperators die out for eta <= 0.6",
            "share 0 (band: < 0.05)",
            ", ".join(f"{eta:g}: {v:.3f}" for eta, v in low.items()) or "not run",
            bool(low) and max(low.values()) < 0.05,
        ),
        Check(
            name,
            "scale-free, cost per individual: cooperation wins at eta well below 1, "
            "where on regular graphs it dies out",
            "at some eta <= 0.6: scale-free >= 0.5 and regular < 0.05",
            f"eta {where:g}: scale-free {_mean(individual.get(where, [])):.3f}, "
            f"regular {_mean(regular.get(where, [])):.3f}",
            bool(wins),
        ),
        Check(
            name,
            "cooperation sets in at lower eta on scale-free graphs, lower still with "
            "cost per individual",
            "onset: per individual < per game < regular",
            "onset (share >= 0.1): " + " < ".join(f"{o:g}" for o in onsets),
            onsets[0] < onsets[1] < onsets[2],
        ),
        Check(
            name,
            "regular graphs: cooperators prevail at eta = 1",
            "share >= 0.5",
            f"{at_one:.3f}",
            at_one >= 0.5,
        ),
    ]


def _deffuant_checks(results: DockingResults) -> list[Check]:
    clusters = results.clusters()
    means = {d: _mean(v) for d, v in clusters.items()}
    off = {d: m for d, m in means.items() if abs(m - published_clusters(d)) > cluster_band(d)}
    rises = [(d1, d2) for (d1, m1), (d2, m2) in itertools.pairwise(means.items()) if m2 > m1 + 0.5]
    wide = {d: v for d, v in clusters.items() if d >= 0.5}
    name = "Deffuant et al. 2000"
    return [
        Check(
            name,
            "about floor(1/(2d)) major clusters",
            "mean within max(1, 15%) of max(1, floor(1/(2d))) for every d",
            ", ".join(f"d={d:g}: {m:.1f} vs {published_clusters(d)}" for d, m in means.items()),
            bool(means) and not off,
        ),
        Check(
            name,
            "fewer clusters as d grows",
            "mean never rises with d (by more than 0.5)",
            "rises at " + ", ".join(f"{a:g}->{b:g}" for a, b in rises) if rises else "no rise",
            bool(means) and not rises,
        ),
        Check(
            name,
            "consensus for d >= 0.5",
            "1 cluster in every replicate",
            ", ".join(f"d={d:g}: {sorted(set(v))}" for d, v in wide.items()) or "not run",
            bool(wide) and all(c == 1 for v in wide.values() for c in v),
        ),
    ]


def _cascade_checks(results: DockingResults) -> list[Check]:
    original = results.granovetter.get("thresholds 0..99", [])
    moved = results.granovetter.get("threshold 1 moved to 2", [])
    exact = [min(week, 100) for week in range(len(original))]
    name = "Granovetter 1978"
    return [
        Check(
            name,
            "thresholds 0..99: everyone takes part, one more each week",
            "participants in week t = min(t, 100); 100 at the end",
            f"{original[-1] if original else 'not run'} at the end; "
            f"{'exact' if original == exact else 'differs'} week by week",
            bool(original) and original == exact,
        ),
        Check(
            name,
            "threshold 1 moved to 2: only one takes part",
            "1 participant from week 1 on",
            f"{max(moved[1:], default='not run')} at most after week 0",
            bool(moved) and all(count == 1 for count in moved[1:]),
        ),
    ]


def acceptance_checks(results: DockingResults) -> list[Check]:
    """Every published result against govsim's numbers (bands: module docstring)."""
    return [*_pgg_checks(results), *_deffuant_checks(results), *_cascade_checks(results)]


# --------------------------------------------------------------------------- running


def run_docking(plan: Plan = FULL, *, workers: int = 1, progress: bool = True) -> DockingResults:
    """Run the three docking experiments and check them against the published results.

    Args:
        plan: how much to run (``FULL`` for the documented numbers, ``QUICK`` for tests).
        workers: local processes (1: this process). Results do not depend on it.
        progress: show a progress bar (tqdm) on stderr.

    Returns:
        The per-run numbers, the checks and the time each experiment took.
    """
    results = DockingResults(plan)
    executor = executor_for(workers)
    for experiment, tasks in (
        ("granovetter", _cascade_tasks()),
        ("deffuant", _deffuant_tasks(plan)),
        ("pgg", _pgg_tasks(plan)),
    ):
        start = time.perf_counter()
        rows = list(
            tqdm(
                executor.imap(_run_task, tasks),
                total=len(tasks),
                desc=f"docking: {experiment}",
                disable=not progress,
                leave=False,
            )
        )
        results.seconds[experiment] = time.perf_counter() - start
        if experiment == "granovetter":
            results.granovetter = {row["case"]: row["participants"] for row in rows}
        else:
            key = (
                ("curve", "eta", "replicate")
                if experiment == "pgg"
                else ("confidence", "replicate")
            )
            rows.sort(key=lambda row: tuple(row[k] for k in key))
            setattr(results, experiment, rows)
    results.seconds["total"] = sum(results.seconds.values())
    results.checks = acceptance_checks(results)
    return results


def run_validation(
    out: Path | None = None,
    quick: bool = False,
    *,
    workers: int | None = None,
    progress: bool = True,
) -> int:
    """Run the docking suite and write its report; the exit code of ``govsim validate``.

    Args:
        out: report folder (default results/validation/); created if needed. The
            report is report.md, results.json and figures/*.png, each written
            atomically, and only once every run has finished.
        quick: the small plan (``QUICK``: small graphs, few generations and
            replicates; seconds, for tests) instead of ``FULL`` (minutes).
        workers: local processes (default: 1 for quick, every core otherwise).
        progress: show progress bars on stderr.

    Returns:
        0 when every result lies inside its published band, 1 otherwise.

    Raises:
        store.OutputError: ``out`` cannot be used as a folder.
    """
    folder = _prepare(Path(out) if out is not None else DEFAULT_OUT)
    plan = QUICK if quick else FULL
    if workers is None:
        workers = 1 if quick else (os.cpu_count() or 1)
    results = run_docking(plan, workers=workers, progress=progress)
    write_report(results, folder)
    print(verdict(results, folder))
    return 0 if results.passed else 1


def verdict(results: DockingResults, folder: Path) -> str:
    """The terminal summary: each check, passed or not, and where the report is."""
    lines = [
        f"{'ok  ' if check.passed else 'FAIL'} {check.experiment}: {check.claim} "
        f"(published: {check.published}; govsim: {check.govsim})"
        for check in results.checks
    ]
    passed = sum(check.passed for check in results.checks)
    lines.append(
        f"{passed} of {len(results.checks)} docking checks inside their published bands "
        f"({results.seconds.get('total', 0.0):.0f} s); report: {folder / 'report.md'}"
    )
    return "\n".join(lines)


def _prepare(folder: Path) -> Path:
    try:
        (folder / "figures").mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise store.OutputError(
            f"cannot write the validation report to '{folder}': it (or a parent) is a file, "
            "not a folder. Pass --out with a folder path."
        ) from None
    except OSError as error:
        raise store.OutputError(
            f"cannot write the validation report to '{folder}': {error.strerror}. "
            "Pass --out with a folder you can write to."
        ) from None
    return folder


# --------------------------------------------------------------------------- report


def write_report(results: DockingResults, folder: Path) -> None:
    """Write report.md, results.json and figures/*.png into ``folder`` (atomically)."""
    figures = {
        "pgg_santos2008.png": _pgg_figure(results),
        "deffuant2000.png": _deffuant_figure(results),
        "granovetter1978.png": _cascade_figure(results),
    }
    for name, figure in figures.items():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=120, metadata={"Software": None})
        store.atomic_write(folder / "figures" / name, lambda h, b=buffer: h.write(b.getvalue()))
    payload = {
        "plan": asdict(results.plan),
        "passed": results.passed,
        "seconds": results.seconds,
        "checks": [asdict(check) for check in results.checks],
        "pgg": results.pgg,
        "deffuant": results.deffuant,
        "granovetter": results.granovetter,
    }
    text = json.dumps(payload, indent=2, default=float).encode()
    store.atomic_write(folder / "results.json", lambda h: h.write(text))
    report = _markdown(results).encode()
    store.atomic_write(folder / "report.md", lambda h: h.write(report))


def _markdown(results: DockingResults) -> str:
    plan = results.plan
    verdict = "PASSED" if results.passed else "FAILED"
    lines = [
        "# govsim docking report",
        "",
        f"Plan: **{plan.name}**. Verdict: **{verdict}** "
        f"({sum(c.passed for c in results.checks)} of {len(results.checks)} checks). "
        f"Run time: {results.seconds['total']:.1f} s "
        + "("
        + ", ".join(f"{k} {v:.1f} s" for k, v in results.seconds.items() if k != "total")
        + ").",
        "",
        "Each check sets a published result beside govsim's number, with the band "
        "govsim must fall in (model/validation.py; docs/VALIDATION.md).",
        "",
        "| model | published result | band | govsim | |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {c.experiment} | {c.claim} | {c.published} | {c.govsim} | "
        f"{'pass' if c.passed else '**FAIL**'} |"
        for c in results.checks
    ]
    lines += [
        "",
        "## Networked public goods game (Santos, Santos & Pacheco 2008)",
        "",
        f"{plan.pgg_residents} residents, mean degree 4, 50% initial cooperators, "
        f"{plan.pgg_generations} generations (mean share of cooperators over the last "
        f"{plan.pgg_window}), {plan.pgg_replicates} graphs per point.",
        "",
        "| eta | " + " | ".join(label for label, _, _ in PGG_CURVES) + " |",
        "|---|" + "---|" * len(PGG_CURVES),
    ]
    curves = [results.pgg_curve(label) for label, _, _ in PGG_CURVES]
    for eta in plan.pgg_etas:
        cells = [_mean_sd(curve.get(eta, [])) for curve in curves]
        lines.append(f"| {eta:g} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "![public goods game](figures/pgg_santos2008.png)",
        "",
        "## Bounded confidence (Deffuant et al. 2000)",
        "",
        f"{plan.deffuant_residents} residents, complete mixing, mu = 0.5, "
        f"{plan.deffuant_residents // 2} random pairs a week, until settled "
        f"(at most {plan.deffuant_max_steps} weeks); {plan.deffuant_replicates} replicates.",
        "",
        "| d | floor(1/(2d)) | govsim clusters (mean ± sd) | per replicate | weeks (max) |",
        "|---|---|---|---|---|",
    ]
    weeks: dict[float, int] = {}
    for row in results.deffuant:
        weeks[row["confidence"]] = max(weeks.get(row["confidence"], 0), row["weeks"])
    for d, values in results.clusters().items():
        lines.append(
            f"| {d:g} | {published_clusters(d)} | {_mean_sd(values)} | "
            f"{', '.join(f'{v:g}' for v in values)} | {weeks[d]} |"
        )
    original = results.granovetter.get("thresholds 0..99", [])
    moved = results.granovetter.get("threshold 1 moved to 2", [])
    lines += [
        "",
        "![bounded confidence](figures/deffuant2000.png)",
        "",
        "## Threshold cascade (Granovetter 1978)",
        "",
        "| case | published | govsim: participants at the end | week all were in |",
        "|---|---|---|---|",
        f"| thresholds 0..99 | 100 | {original[-1] if original else '-'} | "
        f"{original.index(max(original)) if original else '-'} |",
        f"| threshold 1 moved to 2 | 1 | {moved[-1] if moved else '-'} | "
        f"{moved.index(max(moved)) if moved else '-'} |",
        "",
        "![threshold cascade](figures/granovetter1978.png)",
        "",
    ]
    return "\n".join(lines)


def _mean_sd(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{np.mean(values):.3f} ± {np.std(values, ddof=1) if len(values) > 1 else 0.0:.3f}"


_COLOURS = ("tab:red", "tab:orange", "tab:blue")


def _pgg_figure(results: DockingResults) -> Figure:
    figure = Figure(figsize=(10.5, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for (label, _, _), colour in zip(PGG_CURVES, _COLOURS, strict=True):
        curve = results.pgg_curve(label)
        etas = list(curve)
        means = [np.mean(v) for v in curve.values()]
        sds = [np.std(v) for v in curve.values()]
        axes.errorbar(etas, means, yerr=sds, marker="o", capsize=3, color=colour, label=label)
    # The published claims, drawn as the bands the checks use.
    axes.fill_between(
        [0.2, 0.6], 0, 0.05, color="tab:blue", alpha=0.2, label="Santos 2008: regular, none"
    )
    axes.fill_between(
        [0.2, 0.6],
        0.5,
        1.0,
        color="tab:red",
        alpha=0.08,
        label="Santos 2008: scale-free per individual wins (>= 0.5) somewhere here",
    )
    axes.set(
        xlabel="eta = r / (z + 1)",
        ylabel="share of cooperators",
        ylim=(-0.02, 1.02),
        title="Public goods game on graphs: govsim vs Santos, Santos & Pacheco (2008)",
    )
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


def _deffuant_figure(results: DockingResults) -> Figure:
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.add_subplot()
    clusters = results.clusters()
    ds = np.array(list(clusters))
    grid = np.linspace(ds.min(), ds.max(), 400) if ds.size else np.zeros(0)
    published = np.array([published_clusters(d) for d in grid])
    band = np.array([cluster_band(d) for d in grid])
    axes.fill_between(
        grid, published - band, published + band, color="grey", alpha=0.2, label="acceptance band"
    )
    axes.plot(grid, published, color="black", linestyle="--", label="Deffuant 2000: floor(1/(2d))")
    for d, values in clusters.items():
        axes.scatter([d] * len(values), values, color="tab:blue", alpha=0.3, s=12)
    axes.plot(
        ds,
        [np.mean(v) for v in clusters.values()],
        marker="o",
        color="tab:blue",
        label="govsim (mean; dots: replicates)",
    )
    axes.set(
        xlabel="confidence bound d",
        ylabel="opinion clusters (>= 2% of residents)",
        title="Bounded confidence: govsim vs Deffuant et al. (2000)",
    )
    axes.legend(fontsize="small")
    return figure


def _cascade_figure(results: DockingResults) -> Figure:
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for (case, series), colour in zip(
        results.granovetter.items(), ("tab:blue", "tab:red"), strict=False
    ):
        weeks = np.arange(len(series))
        published = np.minimum(weeks, 100) if case == "thresholds 0..99" else np.minimum(weeks, 1)
        axes.plot(weeks, published, color="black", linestyle="--", linewidth=1)
        axes.plot(weeks, series, color=colour, label=f"govsim: {case}", alpha=0.5, linewidth=4)
    axes.plot([], [], color="black", linestyle="--", label="Granovetter 1978 (exact)")
    axes.set(
        xlabel="week",
        ylabel="residents taking part",
        title="Threshold cascade: govsim vs Granovetter (1978)",
    )
    axes.legend(fontsize="small")
    return figure
