"""The comparison: every scenario against a baseline, per metric, with its uncertainty.

Core objects: ``compare`` (difference, effect size, test, multiple-comparison
correction, replications needed and a plain note, per metric and scenario) and
``DEFAULT_METRICS`` (what it looks at unless told). The statistics and their
references are in the ``govsim.analysis`` docstring; the numbers come from
``govsim.stats``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from govsim.analysis.replicates import DEFAULT_LAST, Window, describe, replicate_values
from govsim.analysis.run_folders import SCORECARD_PREFIX, AnalysisError, Run, run_named
from govsim.sim.metrics import MAIN_METRICS, OBJECTIVES
from govsim.stats import (
    Correction,
    adjust,
    hedges_g,
    rank_test_replications,
    replications_needed,
    two_sample_test,
    welch_difference,
)

__all__ = ["DEFAULT_METRICS", "compare"]

#: What ``compare`` looks at unless told: the main metrics and the five objectives.
DEFAULT_METRICS = (*MAIN_METRICS, *(f"scorecard.{name}" for name in OBJECTIVES))


def _comparison_row(x: np.ndarray, y: np.ndarray, level: float) -> dict[str, float | str]:
    difference, low, high = welch_difference(x, y, level)
    g, g_low, g_high = hedges_g(x, y, level)
    test, p_value = two_sample_test(x, y)
    return {
        "difference": difference,
        "difference_ci_low": low,
        "difference_ci_high": high,
        "hedges_g": g,
        "hedges_g_ci_low": g_low,
        "hedges_g_ci_high": g_high,
        "test": test,
        "p_value": p_value,
    }


def _note(row: pd.Series, baseline: str, alpha: float, power: float) -> str:
    """A plain sentence on what the comparison says, and what it cannot."""
    if row["scenario"] == baseline:
        return "baseline"
    if math.isnan(row["p_adjusted"]):
        return "needs at least 2 replications in each scenario to compare"
    n, n_base = int(row["n"]), int(row["baseline_n"])
    if row["told_apart"]:
        direction = "higher" if row["difference"] > 0 else "lower"
        return f"{direction} than {baseline} (adjusted p = {row['p_adjusted']:.2g})"
    needed = row["replications_needed"]
    if pd.isna(needed):
        return (
            f"cannot tell apart from {baseline} with {n} and {n_base} replications; the "
            "observed difference is too small for any practical number of replications "
            "to show it"
        )
    if needed <= min(n, n_base):
        # The power calculation says these counts suffice for the estimated effect, yet
        # the test did not: an effect estimated from few replicates is itself uncertain.
        return (
            f"cannot tell apart from {baseline} with {n} and {n_base} replications "
            f"(adjusted p = {row['p_adjusted']:.2g}), though {int(needed)} per scenario would "
            f"do for an effect of the estimated size (g = {row['hedges_g']:.2f}): that "
            f"estimate is itself uncertain; try about {2 * max(n, n_base)} per scenario"
        )
    return (
        f"too few replications to tell apart from {baseline} ({n} and {n_base}); about "
        f"{int(needed)} per scenario would detect a difference of this size "
        f"(g = {row['hedges_g']:.2f}) with {power:.0%} power"
    )


def compare(
    runs: Sequence[Run],
    *,
    baseline: str | None = None,
    metrics: Sequence[str] | None = None,
    last: int = DEFAULT_LAST,
    at: Window = "last",
    correction: Correction = "holm",
    alpha: float = 0.05,
    power: float = 0.8,
    level: float = 0.95,
) -> pd.DataFrame:
    """Every scenario against the baseline, per metric (statistics: ``govsim.analysis``).

    Args:
        runs: ``load_runs`` output.
        baseline: label (folder name) or scenario name of the baseline; default the
            first run.
        metrics: metric names (timeseries columns, or ``scorecard.<entry>``); default
            ``DEFAULT_METRICS``.
        last: k, weeks in the ``last`` summary.
        at: which summary the difference, effect size and test use (``"last"``, the
            robust default, or ``"final"``).
        correction: ``"holm"`` (family-wise error) or ``"bh"`` (false discovery rate).
        alpha: significance level after correction.
        power: power wanted when counting the replications needed.
        level: confidence level of every interval.

    Returns:
        One row per (metric, scenario), baseline first: ``n``; ``final_mean``,
        ``final_sd``, ``final_ci_low``, ``final_ci_high``; the same with ``last_``;
        ``inference_on``; ``baseline``, ``baseline_n``; ``difference`` and its Welch
        CI; ``hedges_g`` and its CI; ``test``, ``p_value``, ``p_adjusted``,
        ``told_apart``, ``replications_needed`` and a plain ``note``. Settings are in
        ``.attrs`` (including ``warnings``).

    Raises:
        AnalysisError: unknown metric or baseline, bad ``last``, bad options.
    """
    _check_options(runs, at, correction)
    metrics = list(dict.fromkeys(DEFAULT_METRICS if metrics is None else metrics))
    base = runs[0] if baseline is None else run_named(runs, baseline)
    ordered = [base, *(run for run in runs if run is not base)]
    values = replicate_values(ordered, metrics, last=last)
    table = _descriptive_table(values, at)
    table = table.merge(
        _tests(values, base.label, at, level), on=["metric", "scenario"], how="left"
    )
    table = _in_metric_order(table, metrics)
    table = _decide(table, base.label, correction=correction, alpha=alpha, power=power)
    window = "final week" if at == "final" else f"mean of the last {last} weeks"
    table.insert(table.columns.get_loc("baseline"), "inference_on", window)
    table.attrs.update(baseline=base.label, last=last, at=at, correction=correction)
    table.attrs.update(alpha=alpha, power=power, level=level)
    table.attrs.update(
        replications={run.label: run.replications for run in ordered},
        warnings=_window_warnings(ordered, last, metrics),
    )
    return table


def _check_options(runs: Sequence[Run], at: Window, correction: Correction) -> None:
    if not runs:
        raise AnalysisError("no runs to compare: load at least one run folder.")
    if at not in ("final", "last"):
        raise AnalysisError(f"at must be 'final' or 'last', got {at!r}.")
    if correction not in ("holm", "bh"):
        raise AnalysisError(f"correction must be 'holm' or 'bh', got {correction!r}.")


def _in_metric_order(table: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    position = {metric: index for index, metric in enumerate(metrics)}
    table = table.sort_values("metric", key=lambda c: c.map(position), kind="stable")
    return table.reset_index(drop=True)


def _tests(values: pd.DataFrame, baseline: str, at: Window, level: float) -> pd.DataFrame:
    """Per (metric, scenario): the baseline's n and, but for the baseline, the test row."""
    rows = []
    for (metric, scenario), group in values.groupby(["metric", "scenario"], sort=False):
        x = group[at].dropna().to_numpy(dtype=float)
        reference = values[(values["metric"] == metric) & (values["scenario"] == baseline)]
        y = reference[at].dropna().to_numpy(dtype=float)
        row: dict[str, Any] = {"metric": metric, "scenario": scenario, "baseline_n": len(y)}
        if scenario != baseline:
            row.update(_comparison_row(x, y, level))
        rows.append(row)
    return pd.DataFrame(rows)


def _descriptive_table(values: pd.DataFrame, at: Window) -> pd.DataFrame:
    """Both summaries side by side; ``n`` counts the replicates of the tested one."""
    final = describe(values, "final").add_prefix("final_")
    last = describe(values, "last").add_prefix("last_")
    table = final.join(last).reset_index()
    table.insert(2, "n", table[f"{at}_n"])
    return table.drop(columns=["final_n", "last_n"])


def _decide(
    table: pd.DataFrame,
    baseline: str,
    *,
    correction: Correction,
    alpha: float,
    power: float,
) -> pd.DataFrame:
    """Adjusted p-values, told apart or not, replications needed, and the note."""
    for column in ("difference", "difference_ci_low", "difference_ci_high", "hedges_g",
                   "hedges_g_ci_low", "hedges_g_ci_high", "p_value"):  # fmt: skip
        if column not in table:
            table[column] = np.nan
    if "test" not in table:
        table["test"] = ""
    table["test"] = table["test"].fillna("")
    table["p_adjusted"] = adjust(table["p_value"].to_numpy(dtype=float), correction)
    table["told_apart"] = table["p_adjusted"] < alpha
    family = int(table["p_value"].notna().sum())
    level = alpha / max(family, 1)
    needed = []
    for g, name, test in zip(table["hedges_g"], table["scenario"], table["test"], strict=True):
        n = replications_needed(g, alpha=level, power=power) if name != baseline else None
        if n is not None and test == "mann-whitney":
            n = rank_test_replications(n, level)
        needed.append(n)
    table["replications_needed"] = pd.array(needed, dtype="Int64")
    table.insert(table.columns.get_loc("baseline_n"), "baseline", baseline)
    table["note"] = [_note(row, baseline, alpha, power) for _, row in table.iterrows()]
    return table


def _window_warnings(runs: Sequence[Run], last: int, metrics: Sequence[str]) -> list[str]:
    """Warn when k is not a whole number of activity or meeting cycles of some run."""
    if all(metric.startswith(SCORECARD_PREFIX) for metric in metrics):
        return []
    cycles: dict[int, set[str]] = {}
    for run in runs:
        mechanisms = run.manifest.get("scenario", {}).get("mechanisms", {})
        for name in ("interconnection", "deliberation"):
            settings = mechanisms.get(name, {})
            interval = int(settings.get("interval") or 0)
            if settings.get("enabled") and interval > 1 and last % interval:
                cycles.setdefault(interval, set()).add(run.label)
    return [
        f"the last {last} weeks are not a whole number of the {interval}-week activity or "
        f"meeting cycles of {', '.join(sorted(labels))}: windows then hold a varying number "
        f"of activity weeks; a multiple of {interval} for --last is steadier"
        for interval, labels in sorted(cycles.items())
    ]
