"""govsim's speed and scale benchmarks: ``python benchmarks/run.py [--quick] [--json FILE]``.

Prints the machine it ran on and a table of figures, each with its peer, the ratio
and the target of issue 5 (docs/PERFORMANCE.md explains each row):

1. the default scenario (2,000 residents, 104 weeks), build included; and what a new
   process costs before that (loading the compiled kernels, or compiling them on a
   machine's first run);
2. resident-steps per second against the agent-steps per second of Mesa's
   virus_on_network example, at the same N and mean degree, in the same process;
3. one step against one sparse mat-vec over the same tie matrix (the floor);
4. time per resident-step and build time per resident across sizes (linear cost);
5. a million residents, all mechanisms, 10 weeks, build included: peak memory.

Full: N = 100,000 for rows 2-3 and sizes 10^4, 10^5, 10^6 (a few minutes, most of it
the 10^6 runs and Mesa's example). ``--quick``: small sizes, well under a minute; the
same code paths, figures that are not the targets' (the smoke test runs it).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one core: before numpy is imported

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import suite  # noqa: E402


@dataclass(frozen=True)
class Plan:
    """Sizes and lengths of one benchmark run."""

    default_repeats: int
    peer_residents: int
    peer_steps: int
    sizes: tuple[int, ...]
    scale_steps: int
    million: bool
    scale_runs: int


FULL = Plan(5, 100_000, 26, (10_000, 100_000, 1_000_000), 10, True, 3)
QUICK = Plan(2, 20_000, 8, (5_000, 10_000, 20_000), 4, False, 1)


@dataclass
class Row:
    """One line of the table."""

    measure: str
    value: str
    peer: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None

    def cells(self) -> list[str]:
        """The printed cells."""
        verdict = {True: "yes", False: "NO", None: ""}[self.met]
        return [self.measure, self.value, self.peer, self.ratio, self.target, verdict]


def default_rows(plan: Plan) -> tuple[list[Row], dict]:
    """Row 1: the default scenario, with agent records (the default) and without.

    Best of a few runs in this process, after a first run that loads the compiled
    kernels (the cost of a new process is in ``cold_start_rows``).
    """
    suite.warm_up()
    runs = suite.default_runs(plan.default_repeats)
    rows = [
        Row(
            "default scenario, 104 weeks, build incl. (agent records every week)",
            f"{runs['records_cpu_s']:.3f} s CPU ({runs['records_wall_s']:.3f} s wall)",
            target="< 0.5 s",
            met=runs["records_cpu_s"] < 0.5,
        ),
        Row(
            "default scenario, 104 weeks, build incl. (metrics only, as sweeps)",
            f"{runs['metrics_only_cpu_s']:.3f} s CPU ({runs['metrics_only_wall_s']:.3f} s wall)",
            target="< 0.5 s",
            met=runs["metrics_only_cpu_s"] < 0.5,
        ),
    ]
    return rows, runs


def cold_start_rows() -> tuple[list[Row], dict]:
    """The cost of a new process: loading, or compiling, the kernels (model/sim/kernels.py)."""
    cached, fresh = suite.cold_start(fresh_cache=False), suite.cold_start(fresh_cache=True)
    rows = [
        Row(
            "new process: import govsim; first default run; second run (kernels cached)",
            f"{cached['import_s']:.2f} s; {cached['first_run_s']:.2f} s; "
            f"{cached['second_run_s']:.2f} s wall",
        ),
        Row(
            "  the same on a machine's first run (kernels compiled, numba cache empty)",
            f"{fresh['import_s']:.2f} s; {fresh['first_run_s']:.2f} s; "
            f"{fresh['second_run_s']:.2f} s wall",
        ),
    ]
    return rows, {"cached": cached, "fresh_cache": fresh}


def peer_rows(plan: Plan) -> tuple[list[Row], dict]:
    """Rows 2-3: against Mesa's virus_on_network and against the mat-vec floor."""
    suite.warm_up()  # the kernels are loaded before anything is timed (see cold_start_rows)
    result = suite.versus_virus(plan.peer_residents, plan.peer_steps)
    n = f"{plan.peer_residents:,}"
    govsim = result["govsim_resident_steps_per_s"]
    fastest = result["virus_agent_steps_per_s_fastest_step"]
    mid, floor = result["govsim_step_median_s"], result["matvec_s"]
    rows = [
        _versus_virus_row(
            f"resident-steps/s, N={n}, all mechanisms ({plan.peer_steps} weeks)", result
        ),
        Row(
            "  same, against the virus example's fastest step",
            f"{govsim:,.0f}",
            f"{fastest:,.0f} agent-steps/s",
            f"{govsim / fastest:.1f}x",
        ),
        _step_row(f"one step (mean of {plan.peer_steps}), N={n}", result),
        Row(
            "  one step (median: a week without meeting or activity)",
            f"{mid * 1e3:.1f} ms",
            f"mat-vec {floor * 1e3:.2f} ms",
            f"{mid / floor:.1f}x",
        ),
    ]
    return rows, result


DISTRICT_FILE = suite.HERE.parent / "scenarios" / "district" / "district_50.yaml"


def district_rows(plan: Plan) -> tuple[list[Row], dict]:
    """The shipped district (50 communities of 2,000 under 5 streets) against the peers.

    The quick plan runs the same file with 10 communities of 2,000.
    """
    from govsim.scenario import load_scenario  # noqa: PLC0415

    overrides = (
        {} if plan.million else {"population.residents": 20_000, "population.communities": 10}
    )
    scenario = load_scenario(DISTRICT_FILE, overrides)
    residents = scenario.population.residents
    result = suite.versus_virus(residents, plan.peer_steps, scenario)
    name = f"{DISTRICT_FILE.parent.name}/{DISTRICT_FILE.name}"
    rows = [
        _versus_virus_row(
            f"{name}, N={residents:,} ({plan.peer_steps} weeks): resident-steps/s", result
        ),
        _step_row(f"  {name}: one step (mean of {plan.peer_steps})", result),
    ]
    return rows, result


def _versus_virus_row(label: str, result: dict) -> Row:
    """govsim's resident-steps/s against the virus example's agent-steps/s (>= 30x)."""
    govsim, virus = result["govsim_resident_steps_per_s"], result["virus_agent_steps_per_s"]
    return Row(
        label,
        f"{govsim:,.0f}",
        f"virus_on_network {virus:,.0f} agent-steps/s",
        f"{govsim / virus:.1f}x",
        ">= 30x",
        govsim / virus >= 30,
    )


def _step_row(label: str, result: dict) -> Row:
    """The mean step against one mat-vec over the tie matrix, the floor (<= 20x)."""
    mean, floor = result["govsim_step_mean_s"], result["matvec_s"]
    return Row(
        label,
        f"{mean * 1e3:.1f} ms",
        f"mat-vec {floor * 1e3:.2f} ms ({result['resident_ties']:,} ties)",
        f"{mean / floor:.1f}x",
        "<= 20x",
        mean / floor <= 20,
    )


def scale_rows(plan: Plan) -> tuple[list[Row], list[dict]]:
    """Rows 4-5: cost per resident-step and per resident across sizes; peak memory."""
    points = []
    for residents in plan.sizes:
        for lazy in (True, False):
            if residents >= 1_000_000 and not plan.million:
                continue
            points.append(
                suite.scale_point_median(residents, plan.scale_steps, lazy, plan.scale_runs)
            )
    rows = []
    for lazy, label in ((True, "metrics only (lazy agents)"), (False, "with graph and agents")):
        chosen = [p for p in points if p["lazy_agents"] is lazy]
        per_step = [p["step_mean_s"] / p["residents"] for p in chosen]
        per_build = [p["build_s"] / p["residents"] for p in chosen]
        rows.extend(
            Row(
                f"N={p['residents']:,} {label}: build, step",
                f"{p['build_s']:.2f} s, {p['step_mean_s'] * 1e3:.1f} ms",
                f"{p['peak_rss_mb']:,.0f} MB peak",
                f"{p['build_s'] / p['residents'] * 1e6:.2f} us/res, "
                f"{p['step_mean_s'] / p['residents'] * 1e9:.0f} ns/res-step",
            )
            for p in chosen
        )
        spread_step = max(per_step) / min(per_step)
        spread_build = max(per_build) / min(per_build)
        sizes = " to ".join(f"{s:,}" for s in (chosen[0]["residents"], chosen[-1]["residents"]))
        rows.append(
            Row(
                f"  time per resident-step, {sizes}, max/min",
                "",
                "",
                f"{spread_step:.2f}x",
                "<= 2x",
                spread_step <= 2,
            )
        )
        rows.append(
            Row(
                f"  build time per resident, {sizes}, max/min",
                "",
                "",
                f"{spread_build:.2f}x",
                "<= 2x",
                spread_build <= 2,
            )
        )
    for p in points:
        if p["residents"] >= 1_000_000:
            label = "metrics only" if p["lazy_agents"] else "graph and agents"
            rows.append(
                Row(
                    f"N=1,000,000 ({label}), {p['steps']} weeks, build incl.",
                    f"{p['run_wall_s']:.1f} s wall",
                    "",
                    f"{p['peak_rss_mb'] / 1024:.2f} GB peak",
                    "< 4 GB",
                    p["peak_rss_mb"] < 4096,
                )
            )
    return rows, points


def print_table(rows: list[Row]) -> None:
    """Print the rows as an aligned plain-text table."""
    header = ["measure", "govsim", "peer", "ratio", "target", "met"]
    table = [header, *[row.cells() for row in rows]]
    widths = [max(len(line[k]) for line in table) for k in range(len(header))]
    for k, line in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * width for width in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--json", help="also write every figure to this JSON file")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    start = time.perf_counter()
    print(
        "govsim benchmarks"
        + (" (quick: small sizes, not the targets' figures)" if args.quick else "")
    )
    for key, value in suite.machine().items():
        print(f"  {key:9s} {value}")
    print("  timing    CPU time of one process (time.process_time); ratios within one process")
    print()
    rows_default, default = default_rows(plan)
    rows_cold, cold = cold_start_rows()
    rows_peer, peer = peer_rows(plan)
    rows_district, district = district_rows(plan)
    rows_scale, scale = scale_rows(plan)
    print_table(rows_default + rows_cold + rows_peer + rows_district + rows_scale)
    print(f"\n({time.perf_counter() - start:.0f} s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "machine": suite.machine(),
                    "quick": args.quick,
                    "default": default,
                    "cold_start": cold,
                    "peer": peer,
                    "district_file": district,
                    "scale": scale,
                },
                out,
                indent=2,
            )


if __name__ == "__main__":
    main()
