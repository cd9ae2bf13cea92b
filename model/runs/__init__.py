"""Experiments: replicate seeds, one replicate, where replicates run, and a stored run.

Core objects: ``replicate_seeds`` (one integer seed per replicate, from numpy's
``SeedSequence``), ``Replicate`` (one task: scenario, replicate index, seed),
``simulate`` and ``run_replicate`` (run one task; top level, so picklable),
``SerialExecutor``, ``ProcessExecutor`` and ``DaskExecutor`` (where tasks run), ``run_replicates``
(many tasks, tidy results), ``summarise`` (final-step statistics over replicates) and
``run_scenario`` (a whole ``govsim run``: replicates -> run store -> figures).

"What runs" (a ``Replicate``) is kept apart from "where it runs" (an executor with
``imap(function, tasks)`` yielding results as they finish), so sweeps add design
points and other executors (Dask) without touching how one replicate is computed.

Seeds: replicate ``i`` of a scenario with root seed ``s`` uses the integer
``SeedSequence(s).spawn(n)[i].generate_state(1, uint64)[0] >> 1`` (63 bits, so it
fits an int64 column and ``Scenario.seed``). Child ``i`` does not depend on ``n``:
adding replications keeps the earlier ones. Independence of spawned streams:
O'Neill (2015), PCG; numpy "Parallel random number generation".
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from multiprocessing import forkserver, resource_tracker
from pathlib import Path
from typing import Any, Protocol, TypeVar

import networkx as nx
import numpy as np
import pandas as pd
from scipy import stats
from tqdm.auto import tqdm

from govsim import store
from govsim.scenario import Scenario
from govsim.sim.governance import GovernanceModel
from govsim.sim.metrics import METRICS
from govsim.sim.network import build_graph
from govsim.stats import t_half_width, t_interval

__all__ = [
    "ALL_COMMUNITIES",
    "ID_COLUMNS",
    "DaskExecutor",
    "Executor",
    "PrecisionTarget",
    "ProcessExecutor",
    "Replicate",
    "ReplicateResult",
    "Replicates",
    "RunRecord",
    "SchedulerError",
    "SerialExecutor",
    "ci_half_widths",
    "executor_for",
    "initial_network",
    "interruption_behind",
    "replicate_seeds",
    "replicate_until_precise",
    "run_replicate",
    "run_replicates",
    "run_scenario",
    "simulate",
    "summarise",
    "t_interval",
]

#: The identifying columns of timeseries.parquet, before one column per metric.
ID_COLUMNS = ("scenario", "replicate", "seed", "step", "community")
#: ``community`` of the rows that describe the whole scenario (all its communities).
ALL_COMMUNITIES = -1

T = TypeVar("T")
R = TypeVar("R")


def replicate_seeds(root_seed: int, n: int) -> list[int]:
    """One independent integer seed per replicate, spawned from ``root_seed``.

    Args:
        root_seed: the scenario's seed (``scenario.seed``).
        n: number of replicates.

    Returns:
        ``n`` integers in ``0 .. 2**63 - 1``; ``GovernanceModel(scenario, rng=seed)``
        re-runs a replicate alone.
    """
    children = np.random.SeedSequence(root_seed).spawn(n)
    return [int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for child in children]


# --------------------------------------------------------------------------- one replicate


@dataclass(frozen=True)
class Replicate:
    """One unit of work: run ``scenario`` once with the integer ``seed``."""

    scenario: Scenario
    replicate: int
    seed: int


@dataclass(frozen=True)
class ReplicateResult:
    """What one replicate gives back: its tidy time series and end-of-run scorecard."""

    replicate: int
    seed: int
    timeseries: pd.DataFrame
    scorecard: dict[str, float]


def simulate(task: Replicate) -> ReplicateResult:
    """Run one replicate to ``scenario.steps`` and collect its metrics and scorecard."""
    try:
        model = GovernanceModel(task.scenario, rng=task.seed, agent_interval=0).run()
    except SystemError as error:
        interrupt = interruption_behind(error)
        if interrupt is not None:  # Ctrl-C, not a failing run (a sweep would carry on)
            raise interrupt from None
        raise
    frame = model.metrics_frame().reset_index()
    frame.insert(1, "community", ALL_COMMUNITIES)
    communities = model.community_frame()  # districts: one row per community and step
    if not communities.empty:
        frame = pd.concat([frame, communities], ignore_index=True)
    ids = {
        "scenario": task.scenario.name,
        "replicate": task.replicate,
        "seed": task.seed,
    }
    for position, (column, value) in enumerate(ids.items()):
        frame.insert(position, column, value)
    frame = frame.astype(
        {"replicate": "int64", "seed": "int64", "step": "int64", "community": "int64"}
    )
    return ReplicateResult(task.replicate, task.seed, frame, model.scorecard())


def interruption_behind(error: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C (or SIGTERM) that ``error`` stands for, if there is one.

    A signal that lands while a compiled kernel's dispatcher is in C code raises its
    KeyboardInterrupt there, and CPython reports that as ``SystemError: ... returned a
    result with an exception set``, with the interrupt as its cause: the user pressed
    Ctrl-C, and must be told so, not shown an internal error.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        if current.__cause__ is not None or current.__suppress_context__:
            current = current.__cause__
        else:
            current = current.__context__
    return None


def run_replicate(scenario: Scenario, replicate: int, seed: int) -> pd.DataFrame:
    """Tidy per-step metrics of one replicate.

    Columns: scenario, replicate, seed, step, community, then one per metric;
    ``community`` is ``ALL_COMMUNITIES`` (-1) on the rows for the whole scenario.
    """
    return simulate(Replicate(scenario, replicate, seed)).timeseries


def initial_network(scenario: Scenario, seed: int) -> nx.Graph:
    """The community graph of a replicate at week 0 (``model.grid.G``, nothing run).

    Built from the population alone: the figure needs the graph, not Mesa's cells and
    one agent per node (seconds at a district's size).
    """
    return build_graph(GovernanceModel(scenario, rng=seed, agent_interval=0).population)


# --------------------------------------------------------------------------- executors


class Executor(Protocol):
    """Where tasks run. ``imap`` yields ``function(task)`` for every task, in any order."""

    def imap(self, function: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """Run ``function`` on every task; yield results as they finish."""
        ...


class SerialExecutor:
    """Run tasks one after another in this process."""

    def imap(self, function: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """Run ``function`` on every task, in order."""
        return map(function, tasks)


def _worker_started(started: Any) -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides what happens
    # (it terminates the workers), so workers do not die half-way with tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started.release()


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends, then deliver them as usual.

    While a pool starts, the parent must not vanish: a worker that the forkserver
    forks after the parent has gone finds the pool's semaphores removed and dies
    with a traceback. Signal handlers can only be set from the main thread; from
    other threads the block runs unprotected.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, lambda n, _: received.append(n)) for number in held}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if received:
            signal.raise_signal(received[0])


def _await_workers(started: Any, count: int, timeout: float = 300.0) -> None:
    """Wait until ``count`` workers have run their initializer."""
    deadline = time.monotonic() + timeout
    for _ in range(count):
        if not started.acquire(timeout=max(deadline - time.monotonic(), 0.0)):
            raise RuntimeError(f"worker processes did not start within {timeout:.0f} s")


def _start_forkserver_deaf_to_ctrl_c() -> None:
    """Start multiprocessing's fork server with Ctrl-C blocked (if not running yet).

    Ctrl-C in a terminal reaches the whole process group. The server ignores SIGINT
    only once it has imported its preload modules, which takes seconds: a Ctrl-C
    before that printed its KeyboardInterrupt traceback. A blocked signal stays blocked
    across fork and exec, so the server (and the workers it forks) never sees it; the
    parent gets any Ctrl-C of that moment as soon as it is unblocked.
    """
    # The resource tracker first: starting it unblocks SIGINT (it blocks the signal
    # for its own start), which would undo the block below.
    resource_tracker.ensure_running()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@dataclass
class ProcessExecutor:
    """Run tasks on ``workers`` local processes (multiprocessing, forkserver).

    forkserver, not fork: after numpy is imported the parent has BLAS threads, and
    forking a threaded process may deadlock (Python 3.12 warns). The server imports
    the model once; every worker is a cheap fork of it. As with any multiprocessing,
    a script that uses it must guard its entry point (``if __name__ == "__main__":``).
    """

    workers: int
    preload: tuple[str, ...] = ("govsim.runs", "govsim.sim.governance")

    def imap(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """Run ``function`` on every task in worker processes; yield as they finish.

        ``tasks`` may be a generator: the pool's feeder thread sends tasks down a pipe
        of bounded size as workers take them, so a caller (a sweep of many tasks) need
        not hold them all at once.
        """
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(self.preload))
        _start_forkserver_deaf_to_ctrl_c()
        started = context.Semaphore(0)
        count = len(tasks) if isinstance(tasks, Sized) else self.workers
        processes = min(self.workers, max(count, 1))
        pool = None
        try:
            with _interrupts_held():
                pool = context.Pool(processes, _worker_started, (started,))
                _await_workers(started, processes)
            yield from pool.imap_unordered(function, tasks, chunksize=1)
            pool.close()
        finally:
            # On Ctrl-C, SIGTERM or an error: stop the workers now, not after their task.
            if pool is not None:
                pool.terminate()
                pool.join()


def executor_for(workers: int) -> Executor:
    """The local executor for ``workers`` processes (1: this process)."""
    return SerialExecutor() if workers <= 1 else ProcessExecutor(workers)


class SchedulerError(ValueError):
    """A Dask scheduler that cannot be used (unreachable, or Dask not installed): exit 2."""


def _reachable(address: str, timeout: float) -> None:
    """Fail fast on a tcp/tls address where nothing listens.

    A dask Client that fails to connect still tries to close itself when collected,
    waits 20 s and prints a traceback at exit; a plain socket says "refused" at once.
    """
    scheme, _, rest = address.rpartition("://")
    if scheme not in ("", "tcp", "tls"):
        return
    host, _, port = rest.rpartition(":")
    if not port.isdigit():
        raise ValueError(f"no port in '{address}'")
    with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout):
        pass


@dataclass
class DaskExecutor:
    """Run tasks on a Dask distributed cluster (the ``dask`` extra).

    The same tasks and the same top-level function as the local executors, so the
    numbers are the same: every task carries its own seeds. At most ``window`` tasks
    are submitted at a time (default: twice the cluster's threads), so neither the
    parent nor the scheduler holds every task of a long sweep. Workers need govsim
    installed, and any files the tasks write (sweep shards) must be reachable at the
    same path from every worker (a shared file system).

    Attributes:
        scheduler: the scheduler's address (``tcp://host:8786``) or a
            ``dask.distributed.Client`` (left open when given).
        window: tasks in flight at once.
        timeout: seconds to wait for the scheduler when connecting.
    """

    scheduler: Any
    window: int | None = None
    timeout: float = 10.0
    _client: Any = field(default=None, init=False, repr=False)
    _owned: bool = field(default=False, init=False, repr=False)

    def connect(self) -> Any:
        """Connect to the scheduler (once) and return the client.

        Raises:
            SchedulerError: Dask is not installed or the scheduler does not answer.
        """
        if self._client is not None:
            return self._client
        try:
            from dask.distributed import Client  # noqa: PLC0415 - an optional extra
        except ImportError:
            raise SchedulerError(
                "--scheduler needs Dask distributed, which is not installed: install the "
                "dask extra (pip install 'govsim[dask]')."
            ) from None
        if isinstance(self.scheduler, Client):
            self._client = self.scheduler
            return self._client
        try:
            _reachable(str(self.scheduler), self.timeout)
            self._client = Client(self.scheduler, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as error:
            raise SchedulerError(
                f"cannot use the Dask scheduler at '{self.scheduler}' ({error}). Give the "
                "address that the scheduler prints, e.g. tcp://10.0.0.5:8786, and check "
                "that it runs and can be reached from here."
            ) from None
        self._owned = True
        try:  # a scheduler without workers would leave the sweep waiting silently
            self._client.wait_for_workers(1, timeout=self.timeout)
        except (OSError, TimeoutError) as error:
            self.close()
            raise SchedulerError(
                f"the Dask scheduler at '{self.scheduler}' has no workers ({error}). Start "
                f"some (dask worker {self.scheduler} --nthreads 1) and run again."
            ) from None
        return self._client

    def close(self) -> None:
        """Close the client if this executor opened it."""
        if self._owned and self._client is not None:
            self._client.close()
        self._client, self._owned = None, False

    def imap(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """Run ``function`` on every task on the cluster; yield results as they finish.

        A task that raises stops the stream with its exception (after Dask's own
        retries on lost workers); tasks still queued are cancelled.
        """
        from dask.distributed import as_completed  # noqa: PLC0415

        client = self.connect()
        threads = sum(client.nthreads().values())
        window = self.window or max(2, 2 * threads)
        pending = iter(tasks)
        submitted: set[Any] = set()

        def submit(count: int) -> list[Any]:
            futures = [
                client.submit(function, task, pure=False)
                for task in itertools.islice(pending, count)
            ]
            submitted.update(futures)
            return futures

        try:
            first = submit(window)
            if not first:
                return
            running = as_completed(first, loop=client.loop)  # not the default client
            for future in running:
                submitted.discard(future)
                result = future.result()
                future.release()
                for more in submit(1):
                    running.add(more)
                yield result
        finally:
            if submitted:
                client.cancel(list(submitted))


# --------------------------------------------------------------------------- many replicates


@dataclass(frozen=True)
class Replicates:
    """The results of a scenario's replicates, sorted by replicate.

    Attributes:
        timeseries: tidy, one row per (replicate, step): scenario, replicate, seed,
            step, then one column per metric (``govsim.sim.metrics.METRICS``).
        scorecards: one row per replicate: scenario, replicate, seed, then the
            scorecard's objectives and components (``govsim.sim.metrics.scorecard``).
    """

    timeseries: pd.DataFrame
    scorecards: pd.DataFrame


def run_replicates(
    scenario: Scenario,
    seeds: Sequence[int],
    workers: int = 1,
    progress: bool = True,
    executor: Executor | None = None,
) -> Replicates:
    """Run one replicate per seed and gather tidy results (same numbers for any ``workers``).

    Args:
        scenario: the validated scenario.
        seeds: one integer seed per replicate (``replicate_seeds``); replicate ``i``
            uses ``seeds[i]``.
        workers: local processes (1: run here).
        progress: show a tqdm progress bar (on a terminal).
        executor: where to run, overriding ``workers`` (e.g. a Dask executor).
    """
    tasks = [Replicate(scenario, index, int(seed)) for index, seed in enumerate(seeds)]
    runner = executor if executor is not None else executor_for(workers)
    results: list[ReplicateResult] = []
    stream = runner.imap(simulate, tasks)
    bar = tqdm(
        total=len(tasks),
        desc=scenario.name,
        unit="replicate",
        disable=None if progress else True,
        leave=False,
    )
    try:
        for result in stream:
            results.append(result)
            bar.update()
    finally:
        bar.close()
        # Stop a pool now on an interruption, not when the traceback is dropped.
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    return _gather(scenario.name, results)


def _gather(name: str, results: Iterable[ReplicateResult]) -> Replicates:
    ordered = sorted(results, key=lambda result: result.replicate)
    timeseries = pd.concat([result.timeseries for result in ordered], ignore_index=True)
    scorecards = pd.DataFrame(
        [
            {"scenario": name, "replicate": r.replicate, "seed": r.seed, **r.scorecard}
            for r in ordered
        ]
    ).astype({"replicate": "int64", "seed": "int64"})
    return Replicates(timeseries, scorecards)


# --------------------------------------------------------------------------- statistics


def clip_to_ranges(
    table: pd.DataFrame,
    metrics: Sequence[str],
    columns: tuple[str, str] = ("ci95_low", "ci95_high"),
) -> pd.DataFrame:
    """The interval columns cut at each row's metric's documented range (``METRICS``).

    With few replicates the t-interval of a share can reach past 0 or 1. The metric
    cannot, so cutting the interval there loses none of its coverage; rows of other
    names (scorecard entries) keep their interval.
    """
    low = np.array([METRICS[m].low if m in METRICS else -np.inf for m in metrics])
    high = np.array([METRICS[m].high if m in METRICS else np.inf for m in metrics])
    out = table.copy()
    for column in columns:
        out[column] = np.clip(out[column].to_numpy(dtype=float), low, high)
    return out


def _describe(values: pd.DataFrame) -> pd.DataFrame:
    """Count (non-missing), mean and sd of every column, one row per column."""
    table = values.agg(["count", "mean", "std"]).T
    return table.rename(columns={"count": "n", "std": "sd"}).astype({"n": "int64"})


def summarise(results: Replicates) -> pd.DataFrame:
    """Per metric at the final step, then per scorecard entry: n, mean, sd, 95% CI.

    Scorecard rows are named ``scorecard.<entry>``. Metrics that can be undefined
    (``mean_time_to_resolve`` before any resolution) count only replicates where
    they are defined (``n``).
    """
    series = results.timeseries
    if "community" in series.columns:  # whole-scenario rows, not per-community ones
        series = series[series["community"] == ALL_COMMUNITIES]
    final = int(series["step"].max())
    metrics = [column for column in series.columns if column not in ID_COLUMNS]
    at_end = _describe(series.loc[series["step"] == final, metrics])
    entries = [column for column in results.scorecards.columns if column not in ID_COLUMNS]
    scorecard = _describe(results.scorecards[entries])
    scorecard.index = [f"scorecard.{entry}" for entry in entries]
    table = t_interval(pd.concat([at_end, scorecard]))
    table = clip_to_ranges(table, list(table.index))
    table.index.name = "metric"
    return table.reset_index().assign(step=final)[
        ["metric", "step", "n", "mean", "sd", "ci95_low", "ci95_high"]
    ]


# --------------------------------------------------------------------------- until precise

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


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None  # JSON has no NaN


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
    done, series, cards, rounds = 0, [], [], []
    while True:
        new = replicate_seeds(scenario.seed, count)[done:]
        batch = run_replicates(scenario, new, workers=workers, progress=progress, executor=executor)
        series.append(batch.timeseries.assign(replicate=batch.timeseries["replicate"] + done))
        cards.append(batch.scorecards.assign(replicate=batch.scorecards["replicate"] + done))
        done = count
        results = Replicates(
            pd.concat(series, ignore_index=True), pd.concat(cards, ignore_index=True)
        )
        widths = ci_half_widths(results, target.metrics)
        rounds.append(
            {"replications": count, "half_widths": {k: _finite(v) for k, v in widths.items()}}
        )
        reached = all(half <= target.width for half in widths.values())
        if reached or count >= target.cap:
            break
        count = _projected_count(results, widths, target)
    above = ", ".join(f"{m} {h:.4g}" for m, h in widths.items() if not h <= target.width)
    reason = (
        f"every 95% CI half-width at the final step is at most {target.width:g} after "
        f"{count} replicates"
        if reached
        else f"stopped at the cap of {target.cap} replicates; still wider than "
        f"{target.width:g}: {above}"
    )
    record = {
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
    return results, record


# --------------------------------------------------------------------------- a stored run


@dataclass
class RunRecord:
    """A finished ``govsim run``: where it is and what it found."""

    folder: Path
    scenario: Scenario
    seeds: list[int]
    summary: pd.DataFrame
    figures: list[Path] = field(default_factory=list)


def run_scenario(
    scenario: Scenario,
    folder: str | Path | store.RunStore,
    *,
    workers: int = 1,
    progress: bool = True,
    context: dict[str, Any] | None = None,
    until_ci: PrecisionTarget | None = None,
) -> RunRecord:
    """Run every replicate of ``scenario`` and store it in ``folder`` (``govsim run``).

    The folder gets manifest.json (status ``running`` first, ``completed`` only after
    timeseries.parquet, scorecard.csv, summary.csv and figures/ are written),
    written atomically (model/store/). An error or interruption marks the manifest
    ``failed`` or ``interrupted`` and re-raises.

    Args:
        scenario: the validated scenario (``scenario.replications`` replicates).
        folder: the run folder (created; a previous run there is replaced), or a
            ``RunStore`` already prepared.
        workers: local processes.
        progress: show progress bars.
        context: extra facts for the manifest (scenario file, overrides, command).
        until_ci: add replicates until this precision is reached
            (``replicate_until_precise``); the manifest then records the count run,
            the seeds and why (``replications_rule``).

    Raises:
        model.store.OutputError: the folder cannot be written (before anything runs).
    """
    # plots reads this module's statistics (t_interval): import it here, not in a cycle.
    from govsim import figures as plots  # noqa: PLC0415

    run_store = folder if isinstance(folder, store.RunStore) else store.RunStore.prepare(folder)
    seeds = replicate_seeds(scenario.seed, scenario.replications)
    run_store.start(scenario, seeds, context=context)
    with run_store.recording():
        if until_ci is None:
            results = run_replicates(scenario, seeds, workers=workers, progress=progress)
        else:
            results, rule = replicate_until_precise(
                scenario, until_ci, workers=workers, progress=progress
            )
            scenario = scenario.with_overrides({"replications": rule["replications"]})
            seeds = replicate_seeds(scenario.seed, scenario.replications)
            run_store.manifest.update(
                replications=len(seeds),
                seeds=[{"replicate": i, "seed": seed} for i, seed in enumerate(seeds)],
                scenario=scenario.model_dump(mode="json"),
                replications_rule=rule,
            )
        summary = summarise(results)
        run_store.write_table("timeseries.parquet", results.timeseries)
        run_store.write_table("scorecard.csv", results.scorecards)
        run_store.write_table("summary.csv", summary)
        figures = [
            run_store.write_figure("timeseries.png", plots.timeseries_figure(results.timeseries)),
            run_store.write_figure(
                "network.png",
                plots.network_figure(
                    initial_network(scenario, seeds[0]),
                    seed=seeds[0],
                    title=f"{scenario.name}, week 0 of replicate 0",
                ),
            ),
        ]
        run_store.complete()
    return RunRecord(run_store.folder, scenario, seeds, summary, figures)
