"""The comparison's report: what ``govsim compare`` prints and writes.

Core objects: ``format_comparison`` (the terminal table of ``compare`` output),
``check_output_folder`` (may a folder receive a comparison?) and
``save_comparison`` (comparison.csv, figures/*.png and, last, comparison.json, each
written atomically).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from govsim import store
from govsim.analysis.replicates import DEFAULT_LAST
from govsim.analysis.run_folders import COMPARISON_MANIFEST, SCORECARD_PREFIX, AnalysisError, Run
from govsim.text import display_name, display_width, fit

__all__ = ["check_output_folder", "format_comparison", "save_comparison"]


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
    scenario = fit(str(row["scenario"]), width)  # by display width: Chinese labels line up
    return f"{scenario}  {int(row['n']):>3}  {last:>35}  {final:>28}  {comparison}"


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
    width = max(12, *(display_width(str(s)) for s in table["scenario"]))
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
            f"{display_name(str(metric))} ({metric})",
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
