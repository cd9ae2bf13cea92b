"""Sweep benchmarks: ``python benchmarks/sweep.py [--quick] [--json FILE]``.

Prints the machine, its load, and two measurements of ``govsim sweep`` (issue 6;
docs/SWEEPS.md explains them):

1. Throughput: the same sweep (120 runs of 1,000 residents x 52 weeks) on 2 local
   worker processes against 1 (this process), each in a fresh process, after imports
   and with the forkserver already started (its start, a few seconds once per sweep,
   is measured alone). Target: >= 1.8x. Beside it, measured in the same rounds, two
   peers: the same runs with ``simulate`` on bare processes (no tasks, shards or
   records: the cost of the sweep's machinery), and pure-Python loops on 2 processes
   against 1 (what the machine gives two processes at that moment). Each run's CPU
   time (its thread's) is recorded too: CPU per run says whether two workers do the
   same work, CPU / wall how many cores the runs obtained.
2. The parent's memory as the number of runs grows: a fresh process per size runs
   a sweep of tiny runs (100 residents, 1 week) on 2 workers (the parent runs no
   model itself) with 10 runs per task, and reports its peak RSS (``ru_maxrss``,
   imports included) and the peak of Python allocations during ``run_sweep``
   (tracemalloc). Target: flat (the largest within 10% of the smallest).

The machine is shared with other work whose load comes and goes, so throughput is
measured in interleaved rounds and the medians are compared.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one core per process: before numpy is imported

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402


@dataclass(frozen=True)
class Plan:
    """Sizes of one benchmark run."""

    residents: int
    steps: int
    points: int
    replications: int
    memory_sizes: tuple[int, ...]
    rounds: int


FULL = Plan(1000, 52, 30, 4, (200, 1600, 6400), 3)
QUICK = Plan(400, 20, 10, 2, (40, 160), 1)
#: What the sweep's local executor preloads in its forkserver (model/sweep/).
PRELOAD = ("govsim.runs", "govsim.sim.governance", "govsim.sweep", "pyarrow.parquet")


def _sweep(residents: int, steps: int, points: int, replications: int):
    from govsim import Scenario  # noqa: PLC0415
    from govsim.sweep import make_sweep  # noqa: PLC0415

    base = Scenario().with_overrides({"population.residents": residents, "steps": steps})
    return make_sweep(
        {
            "name": "bench",
            "design": "lhs",
            "samples": points,
            "replications": replications,
            "parameters": {
                "frictions.admin_burden": {"low": 0.1, "high": 0.9},
                "frictions.budget": {"low": 5, "high": 40},
            },
            "metrics": ["participation_rate", "resolution_rate"],
        },
        base=base,
    )


# --------------------------------------------------------------------------- children


def child_throughput(workers: int, plan: Plan) -> dict:
    """One sweep on ``workers`` processes, timed after imports (a fresh process)."""
    from govsim.runs import ProcessExecutor  # noqa: PLC0415
    from govsim.sweep import run_sweep  # noqa: PLC0415

    sweep = _sweep(plan.residents, plan.steps, plan.points, plan.replications)
    if workers > 1:  # the forkserver, started before timing (as for the bare peer)
        list(ProcessExecutor(workers, PRELOAD).imap(abs, range(-workers, 0)))
    with tempfile.TemporaryDirectory() as folder:
        load = os.getloadavg()[0]
        began = time.perf_counter()
        result = run_sweep(sweep, Path(folder) / "out", workers=workers, progress=False)
        wall = time.perf_counter() - began
        cpu = float(result.runs["cpu_seconds"].sum())
    return {
        "workers": workers,
        "runs": sweep.runs,
        "wall_s": wall,
        "runs_per_s": sweep.runs / wall,
        "cpu_s_per_run": cpu / sweep.runs,
        "cores_obtained": cpu / wall,
        "completed": result.completed,
        "load_before": load,
        "load_after": os.getloadavg()[0],
    }


def _spin(count: int) -> float:
    """Pure-Python work of no memory traffic: the machine's own parallel ceiling."""
    began = time.perf_counter()
    total = 0
    for i in range(count):
        total += i * i
    return time.perf_counter() - began


def child_ceiling(workers: int) -> dict:
    """The same pure-Python loops on ``workers`` processes at once (the peer of peers)."""
    from govsim.runs import ProcessExecutor  # noqa: PLC0415

    loops = [15_000_000] * 4
    executor = ProcessExecutor(workers, PRELOAD)  # as the others: a warm pool start
    list(executor.imap(abs, range(-workers, 0)))  # the forkserver, started before timing
    began = time.perf_counter()
    if workers == 1:
        list(map(_spin, loops))
    else:
        list(executor.imap(_spin, loops))
    return {"workers": workers, "wall_s": time.perf_counter() - began}


def child_bare(workers: int, plan: Plan) -> dict:
    """The sweep's runs without the sweep: ``simulate`` on plain processes (the peer)."""
    from govsim.runs import ProcessExecutor, Replicate, simulate  # noqa: PLC0415

    sweep = _sweep(plan.residents, plan.steps, plan.points, plan.replications)
    tasks = [
        Replicate(sweep.scenario(p), r, sweep.seed_of(p, r))
        for p in range(sweep.points)
        for r in range(sweep.replications)
    ]
    executor = ProcessExecutor(workers, PRELOAD)
    if workers > 1:
        list(executor.imap(abs, range(-workers, 0)))  # the forkserver, started before timing
    began = time.perf_counter()
    for _ in executor.imap(simulate, tasks) if workers > 1 else map(simulate, tasks):
        pass
    wall = time.perf_counter() - began
    return {"workers": workers, "runs": len(tasks), "wall_s": wall, "runs_per_s": len(tasks) / wall}


def child_pool_start(workers: int) -> dict:
    """Time to start the pool of a sweep and run one trivial task per worker."""
    from govsim.runs import ProcessExecutor  # noqa: PLC0415

    began = time.perf_counter()
    executor = ProcessExecutor(workers, PRELOAD)
    list(executor.imap(abs, range(-workers, 0)))
    return {"workers": workers, "start_s": time.perf_counter() - began}


def child_memory(runs: int) -> dict:
    """Peak memory of the parent of a sweep of ``runs`` tiny runs on 2 workers."""
    # One-week runs leave some run averages undefined (NaN): numpy says so per run.
    os.environ["PYTHONWARNINGS"] = "ignore::RuntimeWarning"
    import resource  # noqa: PLC0415
    import tracemalloc  # noqa: PLC0415

    from govsim.sweep import run_sweep  # noqa: PLC0415 - with the model, before measuring

    sweep = _sweep(100, 1, runs // 2, 2)  # the parent's work per run, as little model as can be
    with tempfile.TemporaryDirectory() as folder:
        tracemalloc.start()
        began = time.perf_counter()
        result = run_sweep(sweep, Path(folder) / "out", workers=2, progress=False, runs_per_task=10)
        wall = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "runs": sweep.runs,
        "completed": result.completed,
        "tasks": -(-sweep.runs // 10),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "python_peak_mb": peak / 2**20,
        "wall_s": wall,
    }


def _in_child(*arguments: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- main


def measure(plan: Plan, quick: bool) -> dict:
    """Every measurement in a fresh process; throughput in interleaved rounds (medians).

    The machine is shared: its free capacity changes from minute to minute, so each
    round measures the machine's ceiling, the bare peer and the sweep one after the
    other, and the medians over rounds are compared.
    """
    flag = ["--quick"] if quick else []
    load = os.getloadavg()
    rounds = []
    for _ in range(plan.rounds):
        found = {}
        for workers in (1, 2):
            found[f"ceiling_{workers}"] = _in_child("ceiling", str(workers))
            found[f"bare_{workers}"] = _in_child("bare", str(workers), *flag)
            found[f"sweep_{workers}"] = _in_child("throughput", str(workers), *flag)
        rounds.append(found)

    def median(key: str, field: str) -> float:
        return statistics.median(r[key][field] for r in rounds)

    return {
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "load_average_at_start": load,
        "rounds": rounds,
        "ceiling_speedup": statistics.median(
            r["ceiling_1"]["wall_s"] / r["ceiling_2"]["wall_s"] for r in rounds
        ),
        "bare_speedup": statistics.median(
            r["bare_2"]["runs_per_s"] / r["bare_1"]["runs_per_s"] for r in rounds
        ),
        "speedup": statistics.median(
            r["sweep_2"]["runs_per_s"] / r["sweep_1"]["runs_per_s"] for r in rounds
        ),
        "bare_runs_per_s": [median("bare_1", "runs_per_s"), median("bare_2", "runs_per_s")],
        "sweep_runs_per_s": [median("sweep_1", "runs_per_s"), median("sweep_2", "runs_per_s")],
        "cpu_s_per_run": [median("sweep_1", "cpu_s_per_run"), median("sweep_2", "cpu_s_per_run")],
        "cores_obtained": [
            median("sweep_1", "cores_obtained"),
            median("sweep_2", "cores_obtained"),
        ],
        "pool_start": _in_child("pool", "2"),
        "memory": [_in_child("memory", str(size)) for size in plan.memory_sizes],
    }


def report(found: dict, plan: Plan) -> str:
    """The printed table."""
    bare, sweep = found["bare_runs_per_s"], found["sweep_runs_per_s"]
    runs = plan.points * plan.replications
    lines = [
        f"machine: {found['machine']}; load average at start "
        + ", ".join(f"{x:.2f}" for x in found["load_average_at_start"]),
        f"sweep: {runs} runs of {plan.residents:,} residents x {plan.steps} weeks "
        f"(lhs, {plan.points} points x {plan.replications} replicates); medians of "
        f"{plan.rounds} interleaved round{'s' if plan.rounds != 1 else ''}",
        "",
        f"{'measure':56} {'value':>14} {'target':>9}",
        f"{'sweep, 1 worker (this process): runs/s':56} {sweep[0]:>14.2f}",
        f"{'sweep, 2 workers: runs/s':56} {sweep[1]:>14.2f}",
        f"{'  2 against 1':56} {found['speedup']:>13.2f}x {'>= 1.8x':>9} "
        f"{'yes' if found['speedup'] >= 1.8 else 'NO'}",
        f"{'peer: the same runs on bare processes, 2 against 1':56} "
        f"{found['bare_speedup']:>13.2f}x   ({bare[0]:.2f} -> {bare[1]:.2f} runs/s)",
        f"{'peer: the machine, pure-Python loops, 2 against 1':56} "
        f"{found['ceiling_speedup']:>13.2f}x",
        f"{'sweep / bare runs/s, 1 worker and 2 workers':56} "
        f"{sweep[0] / bare[0]:>8.2f} {sweep[1] / bare[1]:>5.2f}",
        f"{'CPU s per run, 1 / 2 workers':56} "
        f"{found['cpu_s_per_run'][0]:>8.3f} {found['cpu_s_per_run'][1]:>5.3f}",
        f"{'cores the runs obtained, 1 / 2 workers':56} "
        f"{found['cores_obtained'][0]:>8.2f} {found['cores_obtained'][1]:>5.2f}",
        f"{'starting 2 workers (forkserver, model import), once':56} "
        f"{found['pool_start']['start_s']:>12.2f} s",
        "",
        f"{'parent memory, 2 workers, 10 runs per task':56} {'peak RSS':>9} {'Python':>9}",
    ]
    lines += [
        f"{f'  {row["runs"]:,} runs ({row["tasks"]} tasks)':56} "
        f"{row['peak_rss_mb']:>6.0f} MB {row['python_peak_mb']:>6.1f} MB"
        for row in found["memory"]
    ]
    first, last = found["memory"][0], found["memory"][-1]
    growth = last["peak_rss_mb"] / first["peak_rss_mb"]
    lines.append(
        f"{'  peak RSS, largest / smallest':56} {growth:>8.2f}x {'<= 1.1x':>9} "
        f"{'yes' if growth <= 1.1 else 'NO'}"
    )
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark (or one of its child measurements)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    if args.child:
        kind, value = args.child[0], int(args.child[1])
        if kind == "throughput":
            print(json.dumps(child_throughput(value, plan)))
        elif kind == "pool":
            print(json.dumps(child_pool_start(value)))
        elif kind == "ceiling":
            print(json.dumps(child_ceiling(value)))
        elif kind == "bare":
            print(json.dumps(child_bare(value, plan)))
        else:
            print(json.dumps(child_memory(value)))
        return
    found = measure(plan, args.quick)
    print(report(found, plan))
    if args.json:
        Path(args.json).write_text(json.dumps(found, indent=2) + "\n")


if __name__ == "__main__":
    main()
