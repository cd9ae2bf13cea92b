"""The measurements of govsim's speed benchmarks (run.py prints them as a table).

Every figure is CPU time of one process on one core (``time.process_time``; BLAS and
OpenMP threads are set to 1 before numpy is imported), so other jobs on a shared
machine slow the wall clock but barely move the figures; every ratio compares two
things measured in the same process, one right after the other.

Peers:

- Mesa's own ``mesa.examples.basic.virus_on_network``, the conventional way of writing
  a network model in Mesa (one Python ``step`` per agent): its graph built with a
  linear-time generator (``nx.fast_gnp_random_graph`` instead of the quadratic
  ``erdos_renyi_graph``) and its ``Network`` without the spring layout, so that a
  100,000-node model can be built at all; everything else, including its parameters
  and its ``step`` (agents in random order, then its DataCollector), is the example's.
- The floor: one sparse mat-vec over the resident tie matrix of the same model. Every
  step must read every tie at least once, so no step can cost less.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from statistics import median
from unittest import mock

import mesa
import networkx as nx
import numba
import numpy as np
import scipy

from govsim.scenario import Scenario
from govsim.sim.governance import GovernanceModel

HERE = Path(__file__).resolve().parent
#: Residents of one community in the district scenarios (the default community).
COMMUNITY_SIZE = 2000
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def machine() -> dict[str, str]:
    """What the figures were measured on: CPU, cores, Python and library versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical (figures use one)",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
        "networkx": nx.__version__,
        "mesa": mesa.__version__,
        "threads": ", ".join(f"{v}={os.environ.get(v, '?')}" for v in THREAD_VARIABLES),
    }


def district(residents: int, **overrides: object) -> Scenario:
    """The default scenario (all five mechanisms on) scaled to ``residents`` households.

    Communities keep their default size (2,000 households, 17 units, one core each),
    so a district of 10^6 residents has 500 communities.
    """
    communities = max(1, round(residents / COMMUNITY_SIZE))
    return Scenario().with_overrides(
        {"population.residents": residents, "population.communities": communities, **overrides}
    )


def warm_up() -> float:
    """Run a small district for a few weeks; returns its CPU seconds.

    The first run in a process loads the compiled kernels (model/sim/kernels.py: numba's
    start-up, then each kernel from its cache, or compiled on a machine's first run);
    every later run has them loaded. Figures of steady stepping are taken after this,
    and the benchmark reports the cold start separately (``cold_start``).
    """
    seconds, _ = cpu_timed(GovernanceModel(district(4000), agent_interval=0).run, 5)
    return seconds


def cpu_timed(call, *args, **kwargs) -> tuple[float, object]:
    """(CPU seconds, result) of one call."""
    start = time.process_time()
    result = call(*args, **kwargs)
    return time.process_time() - start, result


def matvec_seconds(model: GovernanceModel, repeats: int = 30) -> float:
    """Median CPU time of one mat-vec over the model's resident tie matrix (the floor)."""
    ties = model.population.resident_ties
    vector = np.random.default_rng(0).random(ties.shape[0])
    times = [cpu_timed(ties.__matmul__, vector)[0] for _ in range(repeats)]
    return median(times)


def virus_model(nodes: int, degree: float, seed: int = 1):
    """Mesa's virus_on_network example, built in linear time and without a layout."""
    import mesa.examples.basic.virus_on_network.model as example  # noqa: PLC0415

    def linear_time_graph(n: int, p: float) -> nx.Graph:
        return nx.fast_gnp_random_graph(n, p, seed=seed)

    with (
        mock.patch.object(example, "Network", partial(example.Network, layout=None)),
        mock.patch.object(example.nx, "erdos_renyi_graph", linear_time_graph),
    ):
        return example.VirusOnNetwork(num_nodes=nodes, avg_node_degree=degree, rng=seed)


def step_seconds(model: GovernanceModel, steps: int) -> list[float]:
    """CPU seconds of each of ``steps`` calls of ``model.step()``."""
    return [cpu_timed(model.step)[0] for _ in range(steps)]


def versus_virus(residents: int, steps: int, scenario: Scenario | None = None) -> dict[str, float]:
    """govsim and the virus example at the same N and mean degree, in one process.

    ``scenario``: the govsim scenario (default: ``district(residents)``; its residents
    must be ``residents``).

    Both run ``steps`` steps from their initial state, interleaved (a virus step, a
    govsim step, a few floor mat-vecs, and again), so that changes in the machine's
    load over the run touch all three alike. Throughput is agent-steps over the CPU
    time of all the steps (the virus example's cost per step grows as the epidemic
    spreads, so one step would not be representative).
    """
    scenario = district(residents) if scenario is None else scenario
    degree = scenario.network.mean_degree
    build_virus, virus = cpu_timed(virus_model, residents, degree)
    build_govsim, model = cpu_timed(GovernanceModel, scenario, agent_interval=0)
    ties = model.population.resident_ties
    vector = np.random.default_rng(0).random(ties.shape[0])
    virus_steps, govsim_steps, floor = [], [], []
    for _ in range(steps):
        virus_steps.append(cpu_timed(virus.step)[0])
        govsim_steps.append(cpu_timed(model.step)[0])
        floor.extend(cpu_timed(ties.__matmul__, vector)[0] for _ in range(3))
    agents_only = [cpu_timed(virus.agents.shuffle_do, "step")[0] for _ in range(max(2, steps // 4))]
    return {
        "residents": residents,
        "steps": steps,
        "virus_build_s": build_virus,
        "govsim_build_s": build_govsim,
        "virus_agent_steps_per_s": residents * steps / sum(virus_steps),
        "virus_agent_steps_per_s_fastest_step": residents / min(virus_steps),
        "virus_agent_steps_per_s_agents_only": residents * len(agents_only) / sum(agents_only),
        "virus_step_s": virus_steps,
        "govsim_resident_steps_per_s": residents * steps / sum(govsim_steps),
        "govsim_step_mean_s": sum(govsim_steps) / steps,
        "govsim_step_median_s": median(govsim_steps),
        "govsim_step_s": govsim_steps,
        "matvec_s": median(floor),
        "resident_ties": int(ties.nnz // 2),
    }


def default_runs(repeats: int) -> dict[str, float]:
    """The default scenario (2,000 residents, 104 weeks), build included, best of runs."""
    out: dict[str, float] = {}
    for label, interval in (("records", 1), ("metrics_only", 0)):
        cpu, wall = [], []
        for seed in range(repeats):
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            GovernanceModel(Scenario(), rng=seed, agent_interval=interval).run()
            cpu.append(time.process_time() - start_cpu)
            wall.append(time.perf_counter() - start_wall)
        out[f"{label}_cpu_s"] = min(cpu)
        out[f"{label}_wall_s"] = min(wall)
    return out


COLD_START = """
import time
start = time.perf_counter()
import govsim
from govsim import GovernanceModel, Scenario
imported = time.perf_counter()
GovernanceModel(Scenario(), agent_interval=0).run()
first = time.perf_counter()
GovernanceModel(Scenario(), agent_interval=0).run()
second = time.perf_counter()
print(imported - start, first - imported, second - first)
"""


def cold_start(fresh_cache: bool) -> dict[str, float]:
    """A new process: import govsim, run the default scenario twice (wall seconds each).

    The first run loads the compiled kernels (numba's start-up, then each kernel from
    its cache); with ``fresh_cache`` the cache is an empty folder, as on a machine where
    govsim never ran, so the first run also compiles every kernel.
    """
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as folder:
        if fresh_cache:
            env["NUMBA_CACHE_DIR"] = folder
        done = subprocess.run(
            [sys.executable, "-c", COLD_START],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=HERE.parent,
        )
    imported, first, second = (float(x) for x in done.stdout.split())
    return {"import_s": imported, "first_run_s": first, "second_run_s": second}


def scale_point(residents: int, steps: int, lazy: bool, timeout: float = 3600) -> dict:
    """Build and step a district of ``residents`` in a fresh process (worker.py).

    A fresh process per size gives each its own peak memory (``ru_maxrss``) and keeps
    one size's leftovers from slowing the next.
    """
    command = [sys.executable, str(HERE / "worker.py"), str(residents), str(steps)]
    if lazy:
        command.append("--lazy")
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=os.environ
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker failed for {residents} residents:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def scale_point_median(residents: int, steps: int, lazy: bool, runs: int) -> dict:
    """``scale_point`` in ``runs`` fresh processes: the median of each time, the top peak.

    A size's ten weeks take from 0.05 s (10^4 residents) to 3 s of CPU: on a shared
    machine one run of the small sizes moves by a third with the load, so every size is
    run the same number of times and each figure is the median of the runs.
    """
    points = [scale_point(residents, steps, lazy) for _ in range(runs)]
    out = dict(points[0])
    for key in ("build_s", "build_wall_s", "step_mean_s", "step_median_s", "run_wall_s"):
        out[key] = median(p[key] for p in points)
    out["matvec_s"] = median(p["matvec_s"] for p in points)
    out["peak_rss_mb"] = max(p["peak_rss_mb"] for p in points)
    out["runs"] = runs
    out["step_mean_s_each_run"] = [p["step_mean_s"] for p in points]
    return out


def measure_scale_point(residents: int, steps: int, lazy: bool) -> dict:
    """What worker.py measures in its own process: build, steps, floor, peak memory.

    The process first loads the compiled kernels (``warm_up``, a cost per process that
    does not grow with the model, reported by ``cold_start``), then builds and steps the
    measured district.
    """
    warm_up_s = warm_up()
    # A build of 10^4 residents is about 10 ms of CPU, which one build on a shared
    # machine measures to within a factor of two: small builds are repeated (the
    # median of up to 5, about 0.1 s in all), the model kept is the last one.
    builds = []
    for _ in range(build_repeats(residents)):
        start_wall = time.perf_counter()
        build, model = cpu_timed(
            GovernanceModel, district(residents), agent_interval=0, lazy_agents=lazy
        )
        build_wall = time.perf_counter() - start_wall
        builds.append(build)
    build = median(builds)
    times = step_seconds(model, steps)
    return {
        "residents": residents,
        "steps": steps,
        "lazy_agents": lazy,
        "build_s": build,
        "build_repeats": len(builds),
        "build_wall_s": build_wall,
        "step_mean_s": sum(times) / steps,
        "step_median_s": median(times),
        "run_wall_s": time.perf_counter() - start_wall,
        "matvec_s": matvec_seconds(model, repeats=10),
        "resident_ties": int(model.population.resident_ties.nnz // 2),
        "agents": len(model.agents) if not lazy else None,
        "peak_rss_mb": peak_memory_mb(),
        "warm_up_s": warm_up_s,
    }


def build_repeats(residents: int) -> int:
    """Builds to time at this size: about 0.1 s of building in all, 1 to 5 builds."""
    return max(1, min(5, 100_000 // max(residents, 1)))


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Linux's ``VmHWM`` starts afresh when a program is started; ``ru_maxrss`` would
    also count the parent that forked it.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
