"""Analysis of stored runs: scenario comparison with its uncertainty, for analysts.

Core objects: ``Run`` (a completed run folder, read back), ``load_runs`` (several of
them, checked), ``replicate_values`` (one number per replicate and metric),
``describe`` (mean, sd and 95% CI per scenario), ``compare`` (every scenario against
a baseline: difference, effect size, test, multiple-comparison correction and the
replications needed), ``replications_needed`` (power analysis), ``holm`` (Holm's
step-down correction), ``format_comparison``, ``comparison_figures`` and
``save_comparison`` (what ``govsim compare`` prints and writes), ``summarise_sweep``
and ``main_effect`` (the same robust summary for a stored sweep, and a grid
parameter's main effect), ``AnalysisError`` (bad input: the CLI exits with 2).

Data flow: this module reads what ``govsim run`` stored (model/store/) and never
runs the model. Figures are drawn by model/figures/ from the frames computed here.

**What is compared.** Each replicate gives one number per metric, and the
replicates of a scenario are independent draws, so all statistics are over
replicates (n = replications), never over weeks. Two summaries of a replicate:

- ``final``: the metric at the final week;
- ``last``: the mean of the metric over the last ``k`` weeks of the replicate.

Several metrics are periodic (joint activities and deliberation meetings come every
4 weeks, assessments and chair terms every 13), so the final week alone can fall on
an activity week for one horizon and not for another, and a single week is noisy.
The mean over the last ``k`` weeks is the robust summary, and the tests use it by
default (``at="last"``). Choose ``k`` a multiple of the activity and meeting
intervals (the default 12 covers three 4-week cycles), so that every window holds
the same number of activity weeks. Scorecard entries (``scorecard.<name>``) are one
end-of-run value per replicate; both summaries are that value.

**Statistics** (for scenario A against baseline B, replicate summaries x_A, x_B):

- Mean and its 95% CI: mean +- t(0.975, n - 1) sd / sqrt(n) (Student).
- Difference of means with Welch's 95% CI: (mean_A - mean_B) +- t(0.975, nu) SE,
  SE = sqrt(s_A^2/n_A + s_B^2/n_B), nu the Welch-Satterthwaite degrees of freedom
  (Welch 1947), from ``scipy.stats.ttest_ind(equal_var=False)``.
- Effect size: Hedges' g = J d, d = (mean_A - mean_B) / s_p, s_p the pooled sd,
  J = 1 - 3 / (4 (n_A + n_B) - 9) (small-sample correction); 95% CI
  g +- 1.96 sqrt((n_A + n_B)/(n_A n_B) + g^2 / (2 (n_A + n_B))) (Hedges & Olkin
  1985; Borenstein et al. 2009, eq. 4.18-4.24).
- The test, chosen per comparison by this rule: Welch's t-test when both samples
  have at least 3 replicates, some spread, and look normal (Shapiro-Wilk p > 0.05
  in each; Shapiro & Wilk 1965); otherwise the Mann-Whitney U test (two-sided,
  exact for small samples without ties; Mann & Whitney 1947). With few replicates
  Shapiro-Wilk has little power, so Welch is chosen unless non-normality is plain;
  Welch's test is robust to moderate non-normality at equal n.
- Multiple comparisons: one family per ``compare`` call (every metric x every
  scenario against the baseline); Holm's step-down correction by default (controls
  the family-wise error rate; Holm 1979), or Benjamini-Hochberg (controls the false
  discovery rate; Benjamini & Hochberg 1995). Two scenarios are *told apart* when
  the adjusted p-value is under ``alpha`` (0.05).
- Replications needed: the smallest n per scenario for which a two-sided
  two-sample t-test detects an effect of the observed size |g| with 80% power, at
  the level alpha/m (m comparisons in the family): the Bonferroni level, the
  strictest that Holm's procedure (and Benjamini-Hochberg's) ever applies, so n
  suffices whatever the comparison's rank. Power from the noncentral t
  distribution: P(|T| > t(1 - a/2, 2n - 2)), T ~ t'(2n - 2, g sqrt(n/2)) (Cohen
  1988, ch. 2). The observed effect is itself uncertain, so n is a guide, not a
  guarantee. Where the rank test is used, n is divided by its worst-case
  efficiency relative to the t-test, 0.864 (Hodges & Lehmann 1956), and is at least
  the smallest n whose exact test can reach alpha/m at all (2 / C(2n, n) <= alpha/m).

References:
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B
    57:289-300. doi:10.1111/j.2517-6161.1995.tb02031.x
    Borenstein, M., Hedges, L. V., Higgins, J. P. T. & Rothstein, H. R. (2009).
    Introduction to Meta-Analysis. Wiley. doi:10.1002/9780470743386
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed.
    Hedges, L. V. & Olkin, I. (1985). Statistical Methods for Meta-Analysis.
    Academic Press.
    Hodges, J. L. & Lehmann, E. L. (1956). The efficiency of some nonparametric
    competitors of the t-test. Ann. Math. Statist. 27:324-335.
    doi:10.1214/aoms/1177728261
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scand.
    J. Statist. 6:65-70.
    Mann, H. B. & Whitney, D. R. (1947). Ann. Math. Statist. 18:50-60.
    doi:10.1214/aoms/1177730491
    Shapiro, S. S. & Wilk, M. B. (1965). Biometrika 52:591-611. doi:10.2307/2333709
    Welch, B. L. (1947). Biometrika 34:28-35. doi:10.2307/2332510
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from govsim import store
from govsim.runs import ALL_COMMUNITIES, ID_COLUMNS, clip_to_ranges
from govsim.sim.metrics import MAIN_METRICS, OBJECTIVES
from govsim.stats import (
    Correction,
    adjust,
    hedges_g,
    holm,
    rank_test_replications,
    replications_needed,
    t_interval,
    two_sample_test,
    welch_difference,
)

__all__ = [
    "DEFAULT_LAST",
    "DEFAULT_METRICS",
    "AnalysisError",
    "Run",
    "check_output_folder",
    "compare",
    "comparison_figures",
    "describe",
    "format_comparison",
    "hedges_g",
    "holm",
    "load_runs",
    "main_effect",
    "replicate_values",
    "replications_needed",
    "save_comparison",
    "summarise_sweep",
]

#: Weeks in the robust "last" summary: three 4-week activity and meeting cycles.
DEFAULT_LAST = 12
#: What ``compare`` looks at unless told: the main metrics and the five objectives.
DEFAULT_METRICS = (*MAIN_METRICS, *(f"scorecard.{name}" for name in OBJECTIVES))
SCORECARD_PREFIX = "scorecard."
#: The file that marks a folder as a finished ``govsim compare`` output.
COMPARISON_MANIFEST = "comparison.json"

Window = Literal["final", "last"]


class AnalysisError(ValueError):
    """Input that cannot be analysed: not a run, an unknown metric or baseline, a bad k."""


# --------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class Run:
    """A completed ``govsim run`` folder, read back.

    Attributes:
        label: the name the run goes by in comparisons: the folder's name (which is
            the scenario's name unless ``--out`` chose another).
        folder: the run folder.
        manifest: manifest.json (resolved scenario, seeds, versions, status).
        timeseries: timeseries.parquet, its rows for the whole scenario (``community``
            -1 where the column exists), with ``scenario`` set to ``label``.
        scorecards: scorecard.csv (one row per replicate), ``scenario`` = ``label``.
    """

    label: str
    folder: Path
    manifest: dict[str, Any]
    timeseries: pd.DataFrame
    scorecards: pd.DataFrame

    @property
    def replications(self) -> int:
        """Number of replicates stored."""
        return int(self.timeseries["replicate"].nunique())

    @property
    def final_step(self) -> int:
        """The last week of the run."""
        return int(self.timeseries["step"].max())

    @property
    def scenario_name(self) -> str:
        """The ``name`` of the scenario that was run."""
        return str(self.manifest.get("scenario_name", self.label))

    @property
    def metrics(self) -> list[str]:
        """Time-series metrics, then scorecard entries (``scorecard.<name>``)."""
        series = [c for c in self.timeseries.columns if c not in ID_COLUMNS]
        card = [f"{SCORECARD_PREFIX}{c}" for c in self.scorecards.columns if c not in ID_COLUMNS]
        return series + card


def _not_a_run(folder: Path, why: str) -> AnalysisError:
    return AnalysisError(
        f"'{folder}' is not a completed govsim run folder ({why}). Give folders written "
        "by 'govsim run' (each holds manifest.json with status 'completed', "
        "timeseries.parquet and scorecard.csv), e.g. results/baseline."
    )


def _read_run(folder: Path) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    if not folder.is_dir():
        raise _not_a_run(folder, "no such folder" if not folder.exists() else "a file")
    if (folder / COMPARISON_MANIFEST).is_file():
        raise _not_a_run(folder, "it is the output of 'govsim compare'; leave it out")
    try:
        manifest = store.read_manifest(folder)
    except store.OutputError as error:
        raise _not_a_run(folder, str(error).rstrip(".")) from None
    status = manifest.get("status")
    if status != "completed":
        raise _not_a_run(folder, f"its manifest says status '{status}'; run it again")
    try:
        series = pd.read_parquet(folder / "timeseries.parquet")
        scorecards = pd.read_csv(folder / "scorecard.csv")
    except (OSError, ValueError) as error:
        raise _not_a_run(folder, f"its data cannot be read: {error}") from None
    if not {"scenario", "replicate", "step"} <= set(series.columns) or series.empty:
        raise _not_a_run(folder, "timeseries.parquet lacks the columns of a govsim run")
    if "community" in series.columns:  # whole-scenario rows, not per-community ones
        series = series[series["community"] == ALL_COMMUNITIES].reset_index(drop=True)
    return manifest, series, scorecards


def _labels(folders: Sequence[Path]) -> list[str]:
    """Folder names; where two folders share a name, their whole paths."""
    names = [folder.name or str(folder) for folder in folders]
    return [
        name if names.count(name) == 1 else str(folder)
        for name, folder in zip(names, folders, strict=True)
    ]


def load_runs(folders: Iterable[str | Path] | str | Path) -> list[Run]:
    """Read completed run folders, in the order given.

    Args:
        folders: run folders (``results/<name>`` or a ``--out`` folder), or one.

    Raises:
        AnalysisError: none given, the same folder twice, or a folder that is not a
            completed run (missing, no manifest, interrupted, unreadable data).
    """
    if isinstance(folders, str | Path):
        folders = [folders]
    paths = [Path(folder) for folder in folders]
    if not paths:
        raise AnalysisError("no run folders given: name at least one folder of 'govsim run'.")
    resolved = [path.resolve() for path in paths]
    twice = sorted({str(p) for p, r in zip(paths, resolved, strict=True) if resolved.count(r) > 1})
    if twice:
        raise AnalysisError(
            f"the same run folder is given more than once ({', '.join(twice)}); give each run once."
        )
    runs = []
    for label, folder in zip(_labels(paths), paths, strict=True):
        manifest, series, scorecards = _read_run(folder)
        series = series.assign(scenario=label)
        scorecards = scorecards.assign(scenario=label)
        runs.append(Run(label, folder, manifest, series, scorecards))
    return runs


def _run_named(runs: Sequence[Run], name: str) -> Run:
    """The run labelled ``name``, or the only run whose scenario is ``name``."""
    for run in runs:
        if run.label == name or str(run.folder) == name:
            return run
    by_scenario = [run for run in runs if run.scenario_name == name]
    if len(by_scenario) == 1:
        return by_scenario[0]
    raise AnalysisError(
        f"baseline '{name}' is not among the runs compared. Allowed: "
        f"{', '.join(run.label for run in runs)} (folder names; a scenario name works "
        "when only one run has it)."
    )


# --------------------------------------------------------------------------- per replicate


def _check_metrics(runs: Sequence[Run], metrics: Sequence[str]) -> list[str]:
    if not metrics:
        raise AnalysisError("no metrics given: name at least one metric.")
    available = [set(run.metrics) for run in runs]
    common = set.intersection(*available)
    unknown = [metric for metric in metrics if metric not in common]
    if unknown:
        allowed = [m for m in runs[0].metrics if m in common]
        raise AnalysisError(
            f"unknown metric{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
            f": not a column of every run compared. Allowed: {', '.join(allowed)}."
        )
    return list(dict.fromkeys(metrics))


def _check_last(runs: Sequence[Run], last: int) -> None:
    shortest = min(run.final_step for run in runs)
    if not 1 <= last <= shortest:
        raise AnalysisError(
            f"--last {last} is not a number of weeks these runs have: k must be from 1 to "
            f"{shortest} (the shortest run has {shortest} weeks)."
        )


def replicate_values(
    runs: Sequence[Run], metrics: Sequence[str], *, last: int = DEFAULT_LAST
) -> pd.DataFrame:
    """One row per (metric, scenario, replicate): its ``final`` and ``last`` summaries.

    ``final`` is the metric at the run's final week; ``last`` the mean over its last
    ``last`` weeks (weeks T - k + 1 .. T; weeks where the metric is undefined, as
    ``mean_time_to_resolve`` before the first resolution, are skipped). Scorecard
    entries (``scorecard.<name>``) give their end-of-run value in both columns.
    """
    metrics = _check_metrics(runs, metrics)
    _check_last(runs, last)
    frames = []
    for run in runs:
        series = run.timeseries
        final = run.final_step
        window = series[series["step"] > final - last]
        for metric in metrics:
            if metric.startswith(SCORECARD_PREFIX) and metric not in series.columns:
                column = metric.removeprefix(SCORECARD_PREFIX)
                values = run.scorecards.set_index("replicate")[column]
                table = pd.DataFrame({"final": values, "last": values})
            else:
                table = pd.DataFrame(
                    {
                        "final": series[series["step"] == final].set_index("replicate")[metric],
                        "last": window.groupby("replicate")[metric].mean(),
                    }
                )
            table = table.reset_index().assign(metric=metric, scenario=run.label)
            frames.append(table)
    values = pd.concat(frames, ignore_index=True)
    return values[["metric", "scenario", "replicate", "final", "last"]]


def describe(values: pd.DataFrame, window: Window) -> pd.DataFrame:
    """n, mean, sd and Student 95% CI of one summary, per (metric, scenario).

    Args:
        values: ``replicate_values`` output.
        window: ``"final"`` or ``"last"``.
    """
    grouped = values.groupby(["metric", "scenario"], sort=False)[window]
    table = grouped.agg(["count", "mean", "std"]).rename(columns={"count": "n", "std": "sd"})
    table = clip_to_ranges(t_interval(table), list(table.index.get_level_values("metric")))
    return table.rename(columns={"ci95_low": "ci_low", "ci95_high": "ci_high"})


# --------------------------------------------------------------------------- statistics


# --------------------------------------------------------------------------- comparison


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
    """Every scenario against the baseline, per metric (statistics: module docstring).

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
    if not runs:
        raise AnalysisError("no runs to compare: load at least one run folder.")
    if at not in ("final", "last"):
        raise AnalysisError(f"at must be 'final' or 'last', got {at!r}.")
    if correction not in ("holm", "bh"):
        raise AnalysisError(f"correction must be 'holm' or 'bh', got {correction!r}.")
    metrics = list(dict.fromkeys(DEFAULT_METRICS if metrics is None else metrics))
    base = runs[0] if baseline is None else _run_named(runs, baseline)
    ordered = [base, *(run for run in runs if run is not base)]
    values = replicate_values(ordered, metrics, last=last)
    table = _descriptive_table(values, at)
    rows = []
    for (metric, scenario), group in values.groupby(["metric", "scenario"], sort=False):
        x = group[at].dropna().to_numpy(dtype=float)
        reference = values[(values["metric"] == metric) & (values["scenario"] == base.label)]
        y = reference[at].dropna().to_numpy(dtype=float)
        row: dict[str, Any] = {"metric": metric, "scenario": scenario, "baseline_n": len(y)}
        if scenario != base.label:
            row.update(_comparison_row(x, y, level))
        rows.append(row)
    table = table.merge(pd.DataFrame(rows), on=["metric", "scenario"], how="left")
    position = {metric: index for index, metric in enumerate(metrics)}
    table = table.sort_values("metric", key=lambda c: c.map(position), kind="stable")
    table = table.reset_index(drop=True)
    table = _decide(table, base.label, correction=correction, alpha=alpha, power=power)
    window = "final week" if at == "final" else f"mean of the last {last} weeks"
    table.insert(table.columns.get_loc("baseline"), "inference_on", window)
    table.attrs.update(
        baseline=base.label,
        last=last,
        at=at,
        correction=correction,
        alpha=alpha,
        power=power,
        level=level,
        replications={run.label: run.replications for run in ordered},
        warnings=_window_warnings(ordered, last, metrics),
    )
    return table


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


# --------------------------------------------------------------------------- sweeps


def summarise_sweep(
    folder: str | Path, metrics: Sequence[str] | None = None, *, last: int = DEFAULT_LAST
) -> pd.DataFrame:
    """Per design point of a stored sweep: each metric's last-k mean, with its 95% CI.

    n, mean, sd and 95% CI over replicates of each replicate's mean over the last
    ``last`` weeks (the robust summary, see the module docstring). The sweep's own
    summary.csv uses the final week; this one smooths the 4-week activity and
    meeting cycles. Scorecard entries (``scorecard.<name>``) use their end-of-run
    value per replicate (runs.csv). The table has the columns of the sweep's
    summary.csv (design_point, the parameters, metric, n, mean, sd, ci95_low,
    ci95_high), so ``govsim.sensitivity.indices`` accepts it as outcomes.

    Args:
        folder: a finished ``govsim sweep`` folder (``govsim.results``).
        metrics: metric names (default: the sweep's metrics).
        last: k, weeks averaged per replicate.

    Raises:
        AnalysisError: not a finished sweep, an unknown metric, or a bad ``last``.
    """
    from govsim import results  # noqa: PLC0415 - sweeps only

    try:
        design = results.load_design(folder)
        runs = results.load_runs(folder)
        manifest = store.read_sweep_manifest(folder)
        metrics = list(metrics or manifest.get("metrics") or [])
        series_metrics = [m for m in metrics if not m.startswith(SCORECARD_PREFIX)]
        series = results.load_results(folder, metrics=series_metrics)
    except store.OutputError as error:
        raise AnalysisError(str(error)) from None
    unknown = [m for m in metrics if m.startswith(SCORECARD_PREFIX) and m not in runs]
    if unknown:
        raise AnalysisError(f"unknown metric {', '.join(map(repr, unknown))} in '{folder}'.")
    if "community" in series:
        series = series[series["community"] == ALL_COMMUNITIES]
    final = series.groupby(["design_point", "replicate"])["step"].transform("max")
    if not 1 <= last <= int(final.min()):
        raise AnalysisError(f"last must be from 1 to {int(final.min())} weeks, got {last}.")
    window = series[series["step"] > final - last]
    per_run = window.groupby(["design_point", "replicate"])[series_metrics].mean()
    completed = runs[runs["status"] == "completed"].set_index(["design_point", "replicate"])
    for metric in metrics:
        if metric.startswith(SCORECARD_PREFIX):
            per_run[metric] = pd.to_numeric(completed[metric], errors="coerce")
    long = per_run[metrics].stack(future_stack=True).rename("value").reset_index()
    long = long.rename(columns={"level_2": "metric"})
    grouped = long.groupby(["design_point", "metric"], sort=False)["value"]
    table = grouped.agg(["count", "mean", "std"]).rename(columns={"count": "n", "std": "sd"})
    table = t_interval(table).reset_index().merge(design, on="design_point")
    table = clip_to_ranges(table, table["metric"].tolist())
    table["summary"] = f"mean of the last {last} weeks"
    names = [c for c in design.columns if c != "design_point"]
    order = {metric: index for index, metric in enumerate(metrics)}
    table = table.sort_values(
        ["metric", "design_point"], key=lambda c: c.map(order) if c.name == "metric" else c
    )
    columns = ["design_point", *names, "metric", "n", "mean", "sd", "ci95_low", "ci95_high"]
    return table[[*columns, "summary"]].reset_index(drop=True)


def main_effect(
    summary: pd.DataFrame, parameter: str, metric: str, *, level: float = 0.95
) -> dict[str, float]:
    """The main effect of a grid parameter: highest level against lowest, with its CI.

    Over a grid sweep's design points (``summarise_sweep`` or summary.csv), the mean
    of ``metric`` at the highest level of ``parameter`` minus its mean at the lowest,
    each averaged over the k design points at that level (every combination of the
    other parameters). Design points have independent replicates, so
    SE^2 = (sum over the 2k cells of sd^2 / n) / k^2, and the interval is
    difference +- t(1 - a/2, df) SE with df = sum of (n - 1) over those cells
    (a = 1 - level).

    Returns:
        ``difference``, ``ci_low``, ``ci_high``, ``low`` and ``high`` (the two levels).
    """
    cells = summary[summary["metric"] == metric]
    if parameter not in cells or cells.empty:
        raise AnalysisError(f"no {metric!r} over a parameter {parameter!r} in this summary.")
    low, high = cells[parameter].min(), cells[parameter].max()
    ends = [cells[cells[parameter] == value] for value in (low, high)]
    k = min(len(ends[0]), len(ends[1]))
    difference = float(ends[1]["mean"].mean() - ends[0]["mean"].mean())
    both = pd.concat(ends)
    se = math.sqrt(float((both["sd"] ** 2 / both["n"]).sum())) / k
    quantile = stats.t.ppf(0.5 + level / 2, max(int((both["n"] - 1).sum()), 1))
    return {
        "difference": difference,
        "ci_low": difference - quantile * se,
        "ci_high": difference + quantile * se,
        "low": float(low),
        "high": float(high),
    }


# --------------------------------------------------------------------------- output


def _interval(low: float, high: float, digits: int = 3) -> str:
    if math.isnan(low) or math.isnan(high):
        return "(n < 2)"
    return f"[{low:.{digits}f}, {high:.{digits}f}]"


def _p_text(p: float) -> str:
    if math.isnan(p):
        return ""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _format_row(row: pd.Series, baseline: str, scorecard: bool, width: int) -> str:
    last = (
        f"{row['last_mean']:.3f} {row['last_sd']:6.3f} "
        f"{_interval(row['last_ci_low'], row['last_ci_high'])}"
    )
    final = f"{row['final_mean']:.3f} {_interval(row['final_ci_low'], row['final_ci_high'])}"
    if scorecard:
        final = ""  # one end-of-run value per replicate: both summaries are the same
    if row["scenario"] == baseline:
        comparison = f"{'(baseline)':>30}"
    else:
        difference = (
            f"{row['difference']:+.3f} "
            f"{_interval(row['difference_ci_low'], row['difference_ci_high'])}"
        )
        g_interval = _interval(row["hedges_g_ci_low"], row["hedges_g_ci_high"], 2)
        g = f"{row['hedges_g']:+.2f} {g_interval}"
        comparison = (
            f"{difference:>30}  {g:>22}  {row['test']:>12}  {_p_text(row['p_adjusted']):>6}"
        )
    return f"{row['scenario']:{width}}  {int(row['n']):>3}  {last:>35}  {final:>28}  {comparison}"


def format_comparison(table: pd.DataFrame) -> str:
    """A readable terminal table of ``compare`` output, one block per metric.

    Each block lists every scenario's n, mean and 95% CI over the last k weeks and at
    the final week, then its difference to the baseline (Welch 95% CI), Hedges' g
    (95% CI), the test used and the adjusted p-value; below it, a plain note for
    every scenario that cannot be told apart from the baseline.
    """
    attrs = table.attrs
    baseline, last = attrs.get("baseline"), attrs.get("last", DEFAULT_LAST)
    correction = {"holm": "Holm", "bh": "Benjamini-Hochberg"}[attrs.get("correction", "holm")]
    width = max(12, *(len(s) for s in table["scenario"]))
    lines = [
        f"Comparison against {baseline}: mean and 95% CI over replicates "
        "(illustrative defaults, not calibrated).",
        f"Tests use each replicate's {table['inference_on'].iloc[0]} (the final week alone "
        "can mislead: activities and meetings come every 4 weeks); p adjusted by "
        f"{correction} over all {int(table['p_value'].notna().sum())} comparisons.",
    ]
    columns = f"{'difference [95% CI]':>30}  {'g [95% CI]':>22}  {'test':>12}  {'p adj':>6}"
    for metric, block in table.groupby("metric", sort=False):
        scorecard = str(metric).startswith(SCORECARD_PREFIX)
        first = (
            "end of run: mean, sd, 95% CI" if scorecard else f"last {last} weeks: mean, sd, 95% CI"
        )
        second = "" if scorecard else "final week: mean, 95% CI"
        lines += [
            "",
            str(metric),
            f"{'scenario':{width}}  {'n':>3}  {first:>35}  {second:>28}  {columns}",
        ]
        lines += [_format_row(row, baseline, scorecard, width) for _, row in block.iterrows()]
        lines += [
            f"  - {row['scenario']}: {row['note']}"
            for _, row in block.iterrows()
            if row["scenario"] != baseline and not row["told_apart"]
        ]
    if attrs.get("warnings"):
        lines += ["", "Warnings:", *(f"  - {w}" for w in attrs["warnings"])]
    if attrs.get("at") == "final":
        lines += ["", "Note: tests use the final week; --at last (the default) is steadier."]
    return "\n".join(lines)


def comparison_figures(
    runs: Sequence[Run], table: pd.DataFrame, metrics: Sequence[str] | None = None
) -> dict[str, Any]:
    """The comparison's figures, by file name.

    Time series with 95% bands, replicate distributions, the five-objectives
    scorecard side by side, and effect sizes against the baseline.

    Args:
        runs: the runs compared (``load_runs``).
        table: ``compare`` output for them.
        metrics: time-series metrics to draw (default: those of ``table`` that are not
            scorecard entries).
    """
    from govsim import figures as plots  # noqa: PLC0415 - figures only when asked for

    metrics = list(metrics or table["metric"].unique())
    order = list(table["scenario"].unique())
    by_label = {run.label: run for run in runs}
    chosen = [by_label[label] for label in order]
    series_metrics = [m for m in metrics if not m.startswith(SCORECARD_PREFIX)]
    figures: dict[str, Any] = {}
    if series_metrics:
        timeseries = pd.concat([run.timeseries for run in chosen], ignore_index=True)
        figures["timeseries.png"] = plots.comparison_timeseries_figure(
            timeseries, series_metrics, order=order
        )
    values = replicate_values(chosen, metrics, last=table.attrs.get("last", DEFAULT_LAST))
    figures["distributions.png"] = plots.distributions_figure(
        values, table, at=table.attrs.get("at", "last")
    )
    scorecards = pd.concat([run.scorecards for run in chosen], ignore_index=True)
    figures["scorecard.png"] = plots.scorecard_comparison_figure(
        scorecards, list(OBJECTIVES), order=order
    )
    if len(order) > 1:
        figures["effects.png"] = plots.effect_size_figure(table)
    return figures


def check_output_folder(folder: str | Path) -> Path:
    """Check, without writing anything, that ``folder`` may receive a comparison.

    It must be new, empty, or hold an earlier comparison (``comparison.json``), so a
    mistyped ``--out`` never mixes files into a run folder or someone's documents.

    Raises:
        AnalysisError: the folder is a file, or holds other files.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise AnalysisError(
            f"output folder '{folder}' is a file, not a folder. Give --out a folder path "
            "(it is created if missing)."
        )
    if (
        folder.is_dir()
        and not (folder / COMPARISON_MANIFEST).is_file()
        and any(not entry.name.startswith(".") for entry in folder.iterdir())
    ):
        raise AnalysisError(
            f"output folder '{folder}' already holds files and is not a govsim comparison "
            f"(it has no {COMPARISON_MANIFEST}). Choose an empty or new folder with --out."
        )
    return folder


def save_comparison(
    folder: str | Path,
    runs: Sequence[Run],
    table: pd.DataFrame,
    figures: dict[str, Any] | None = None,
) -> list[Path]:
    """Write comparison.csv, figures/*.png and, last, comparison.json, each atomically.

    comparison.json (inputs, settings, warnings, time, ``status: completed``) is
    written only after everything else, so a folder without it is not a finished
    comparison; a folder holding other files is refused.

    Raises:
        AnalysisError: the folder cannot be used.
    """
    folder = check_output_folder(folder)
    try:
        (folder / "figures").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AnalysisError(
            f"output folder '{folder}' cannot be written ({error.strerror or error}). "
            "Choose a folder you can write with --out."
        ) from None
    manifest_path = folder / COMPARISON_MANIFEST
    manifest_path.unlink(missing_ok=True)  # not complete again until everything is new
    for stale in (folder / "figures").glob("*.png"):
        stale.unlink()
    written = [
        store.atomic_write(
            folder / "comparison.csv",
            lambda handle: handle.write(table.to_csv(index=False).encode("utf-8")),
        )
    ]
    for name, figure in (figures or {}).items():
        written.append(
            store.atomic_write(
                folder / "figures" / name,
                lambda handle, f=figure: f.savefig(handle, format="png", dpi=110),
            )
        )
    manifest = {
        "format": "govsim-comparison/1",
        "status": "completed",
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": [{"label": run.label, "folder": str(run.folder.resolve())} for run in runs],
        "settings": {key: value for key, value in table.attrs.items() if key != "warnings"},
        "warnings": table.attrs.get("warnings", []),
        "files": [path.relative_to(folder).as_posix() for path in written],
        "note": "Parameter defaults are illustrative, not calibrated (docs/ODD.md).",
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n"
    written.append(
        store.atomic_write(manifest_path, lambda handle: handle.write(text.encode("utf-8")))
    )
    return written
