"""Adaptive replicates: add replicates until the 95% CIs of chosen means are narrow.

Core objects: ``PrecisionTarget`` (the half-width wanted, the metrics, the cap),
``replicate_until_precise`` (replicates in rounds until the target is met or the cap
reached; ``govsim run --until-ci``) and ``ci_half_widths`` (the half-widths of a set
of replicates, as summary.csv has them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from govsim.runs.executors import Executor
from govsim.runs.replicates import Replicates, run_replicates
from govsim.runs.seeds import replicate_seeds
from govsim.runs.summary import summarise
from govsim.scenario import Scenario, finite_or_none
from govsim.stats import t_half_width

__all__ = ["PILOT_REPLICATES", "PrecisionTarget", "ci_half_widths", "replicate_until_precise"]

#: Replicates run before the first precision check (a standard deviation needs a few).
PILOT_REPLICATES = 3


@dataclass(frozen=True)
class PrecisionTarget:
    """Add replicates until the 95% CI of each chosen final-step mean is narrow enough.

    Attributes:
        width: largest acceptable half-width of the 95% CI, in the metric's own units.
        metrics: metric names (``govsim.sim.metrics.METRICS``) that must all reach it.
        cap: most replicates to run, whether or not the target is reached.
    """

    width: float
    metrics: tuple[str, ...] = ("participation_rate",)
    cap: int = 100


def ci_half_widths(results: Replicates, metrics: Sequence[str]) -> dict[str, float]:
    """Half-width of the 95% CI of each metric's mean at the final step (as summary.csv)."""
    table = summarise(results).set_index("metric").loc[list(metrics)]
    return dict(zip(metrics, (float(half) for half in t_half_width(table)), strict=True))


def _projected_count(results: Replicates, widths: dict[str, float], target: PrecisionTarget) -> int:
    """Replicates for the next round: the count the current sd projects, within limits.

    For each metric still too wide, the smallest n' with t(0.975, n' - 1) sd / sqrt(n')
    <= width; the next count is the largest n', at least one more than now, at most
    twice as many (an sd from a few replicates is itself noisy: growing step by step
    avoids a large overshoot) and at most the cap.
    """
    table = summarise(results).set_index("metric")
    count = int(results.scorecards["replicate"].nunique())
    wanted = count + 1
    for metric, half in widths.items():
        sd = float(table.at[metric, "sd"])
        if half <= target.width or not np.isfinite(sd):
            continue
        n = np.arange(2, 2 * count + 1)
        fits = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n) <= target.width
        wanted = max(wanted, int(n[fits][0]) if fits.any() else 2 * count)
    return min(wanted, 2 * count, target.cap)


def replicate_until_precise(
    scenario: Scenario,
    target: PrecisionTarget,
    *,
    workers: int = 1,
    progress: bool = True,
    executor: Executor | None = None,
) -> tuple[Replicates, dict[str, Any]]:
    """Run replicates in rounds until every chosen 95% CI half-width is under the target.

    The sequential procedure for a specified precision (Law 2015, Simulation Modeling
    and Analysis, 5th ed., section 9.4.1): start with max(``scenario.replications``,
    3) replicates (at most the cap); after each round compute, for every metric, the
    half-width t(0.975, n - 1) sd / sqrt(n) of its mean at the final step; stop when
    all are at most ``target.width``, or at the cap; otherwise run up to the count
    that the current sd projects (``_projected_count``: at least one more, at most
    twice as many).
    Replicate i always runs with ``replicate_seeds(scenario.seed, n)[i]``, so earlier
    replicates keep their seeds and the result equals a plain run of n replicates.
    Stopping on an estimated width makes the final interval slightly optimistic;
    Law recommends a width target, not a test, as the use of such a run.

    Returns:
        The results of all replicates, and the record of the rule for the manifest
        (``rule``, ``width``, ``metrics``, ``cap``, ``replications``, ``reached``,
        ``reason`` and every round's half-widths).
    """
    count = min(max(scenario.replications, PILOT_REPLICATES), target.cap)
    run = {"workers": workers, "progress": progress, "executor": executor}
    done, batches, rounds = 0, [], []
    while True:
        batches.append(_replicates_between(scenario, done, count, **run))
        done = count
        results = _joined(batches)
        widths = ci_half_widths(results, target.metrics)
        rounds.append(
            {
                "replications": count,
                "half_widths": {k: finite_or_none(v) for k, v in widths.items()},
            }
        )
        reached = all(half <= target.width for half in widths.values())
        if reached or count >= target.cap:
            break
        count = _projected_count(results, widths, target)
    return results, _rule_record(target, count, reached, widths, rounds)


def _replicates_between(scenario: Scenario, done: int, count: int, **run: Any) -> Replicates:
    """Replicates ``done`` .. ``count - 1``, numbered and seeded as in a run of ``count``."""
    new = replicate_seeds(scenario.seed, count)[done:]
    batch = run_replicates(scenario, new, **run)
    return Replicates(
        batch.timeseries.assign(replicate=batch.timeseries["replicate"] + done),
        batch.scorecards.assign(replicate=batch.scorecards["replicate"] + done),
        batch.observables.assign(replicate=batch.observables["replicate"] + done),
    )


def _joined(batches: Sequence[Replicates]) -> Replicates:
    """The replicates of every round so far, as one set."""
    return Replicates(
        pd.concat([batch.timeseries for batch in batches], ignore_index=True),
        pd.concat([batch.scorecards for batch in batches], ignore_index=True),
        pd.concat([batch.observables for batch in batches], ignore_index=True),
    )


def _rule_record(
    target: PrecisionTarget,
    count: int,
    reached: bool,
    widths: dict[str, float],
    rounds: list[dict[str, Any]],
) -> dict[str, Any]:
    """The manifest's ``replications_rule``: the target, the count run, and why it stopped."""
    above = ", ".join(f"{m} {h:.4g}" for m, h in widths.items() if not h <= target.width)
    reason = (
        f"every 95% CI half-width at the final step is at most {target.width:g} after "
        f"{count} replicates"
        if reached
        else f"stopped at the cap of {target.cap} replicates; still wider than "
        f"{target.width:g}: {above}"
    )
    return {
        "rule": "until_ci",
        "width": target.width,
        "metrics": list(target.metrics),
        "cap": target.cap,
        "level": 0.95,
        "at": "final step",
        "replications": count,
        "reached": reached,
        "reason": reason,
        "rounds": rounds,
    }
