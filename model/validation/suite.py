"""Running the docking suite: every experiment, its checks, the verdict.

Core objects: ``run_docking`` (run everything, return the numbers and the acceptance
checks), ``run_validation`` (what ``govsim validate`` calls: run everything, write
the report, return the exit code) and ``verdict`` (the terminal summary).

Runs are tasks (one model each) on the shared executors of model/runs/.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from tqdm.auto import tqdm

from govsim import store
from govsim.runs import executor_for
from govsim.store.lock import take_folder_lock
from govsim.validation.checks import DockingResults, acceptance_checks
from govsim.validation.plans import (
    FULL,
    QUICK,
    Plan,
    brock_durlauf_tasks,
    cascade_tasks,
    deffuant_tasks,
    meeting_tasks,
    pgg_tasks,
)
from govsim.validation.report import write_report
from govsim.validation.tasks import run_task

__all__ = ["DEFAULT_OUT", "run_docking", "run_validation", "verdict"]

#: Where the report goes unless told.
DEFAULT_OUT = Path("results") / "validation"


#: How each experiment's rows are ordered (tasks finish in any order on workers).
_ORDER = {
    "deffuant": ("confidence", "replicate"),
    "meetings": ("confidence", "replicate"),
    "brock_durlauf": ("curve", "w", "a", "start", "replicate"),
    "pgg": ("curve", "eta", "replicate"),
}


def run_docking(plan: Plan = FULL, *, workers: int = 1, progress: bool = True) -> DockingResults:
    """Run the five docking experiments and check them against the published results.

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
        ("granovetter", cascade_tasks()),
        ("deffuant", deffuant_tasks(plan)),
        ("meetings", meeting_tasks(plan)),
        ("brock_durlauf", brock_durlauf_tasks(plan)),
        ("pgg", pgg_tasks(plan)),
    ):
        start = time.perf_counter()
        rows = list(
            tqdm(
                executor.imap(run_task, tasks),
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
            rows.sort(key=lambda row: tuple(row[k] for k in _ORDER[experiment]))
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
    with take_folder_lock(folder, "validation"):  # one writer at a time, pid in the refusal
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
