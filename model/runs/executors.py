"""Where tasks run: in this process, on local processes, or on a Dask cluster.

Core objects: ``Executor`` (the one small interface: ``imap(function, tasks)``
yields results as they finish, in any order), ``SerialExecutor``,
``ProcessExecutor`` (multiprocessing, forkserver), ``DaskExecutor`` (the ``dask``
extra), ``SchedulerError`` (a Dask scheduler that cannot be used) and
``executor_for`` (the local executor for a number of workers).

Every task carries its own seeds, so the numbers are the same on any executor.
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
from typing import Any, Protocol, TypeVar

__all__ = [
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "SchedulerError",
    "SerialExecutor",
    "executor_for",
]

T = TypeVar("T")
R = TypeVar("R")


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
        from dask.distributed import as_completed  # noqa: PLC0415 - an optional extra

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
