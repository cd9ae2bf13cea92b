"""Where one step's time goes: ``python benchmarks/profile_step.py [RESIDENTS] [STEPS]``.

``--beside-virus`` steps Mesa's virus example before every week, as the comparison in
``run.py`` does, so that the step runs with the caches that example leaves behind.

Runs a district (suite.district) and times every part of the weekly schedule
(docs/ODD.md section 3) by wrapping the functions the step calls, without changing
them. Prints CPU milliseconds per step (averaged over all steps, so parts that run
every few weeks, such as meetings and joint activities, count at their average
cost) and the same in units of one mat-vec over the resident tie matrix.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one core: before numpy is imported

import argparse  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

import govsim.sim.governance as governance  # noqa: E402
from govsim.sim import issues, submodels  # noqa: E402
from govsim.sim.governance import GovernanceModel  # noqa: E402

import suite  # noqa: E402

HOOKS = ("mobilise", "utility", "contribute", "meet", "assess", "connect")
SUBMODELS = (
    "administer",
    "base_unit_reach",
    "mobilise",
    "neighbour_share",
    "contribute",
    "drift_commitment",
    "update_ties",
    "update_wellbeing",
)


class PhaseClock:
    """CPU seconds spent in each wrapped function, by label."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, function, label: str):
        """``function``, timed under ``label``."""

        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.process_time() - start

        return timed


def instrument(model: GovernanceModel, clock: PhaseClock) -> None:
    """Wrap the schedule's functions (module level and per mechanism) with the clock."""
    for name in ("arrive", "resolve"):
        setattr(issues, name, clock.wrap(getattr(issues, name), f"issues.{name}"))
    for name in SUBMODELS:
        setattr(submodels, name, clock.wrap(getattr(submodels, name), name))
    governance.compute_metrics = clock.wrap(governance.compute_metrics, "metrics")
    governance.community_metrics = clock.wrap(governance.community_metrics, "community metrics")
    for mechanism in model.mechanisms.values():
        for hook in HOOKS:
            if getattr(type(mechanism), hook) is not getattr(type(mechanism).__mro__[-2], hook):
                label = f"{mechanism.name}.{hook}"
                setattr(mechanism, hook, clock.wrap(getattr(mechanism, hook), label))
    model.rule.decide = clock.wrap(model.rule.decide, f"decide ({model.rule.name})")
    model.datacollector.collect = clock.wrap(model.datacollector.collect, "datacollector")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("residents", type=int, nargs="?", default=100_000)
    parser.add_argument("steps", type=int, nargs="?", default=26)
    parser.add_argument(
        "--beside-virus",
        action="store_true",
        help="step Mesa's virus_on_network example (same N) before every week, as the "
        "benchmark's comparison does: the step then runs with the caches it leaves",
    )
    args = parser.parse_args()
    suite.warm_up()
    model = GovernanceModel(suite.district(args.residents), agent_interval=0)
    clock = PhaseClock()
    instrument(model, clock)
    if args.beside_virus:
        virus = suite.virus_model(args.residents, model.settings.network.mean_degree)
        total = 0.0
        for _ in range(args.steps):
            virus.step()
            total += suite.cpu_timed(model.step)[0]
    else:
        total, _ = suite.cpu_timed(model.run, args.steps)
    floor = suite.matvec_seconds(model)
    per_step = total / args.steps
    print(
        f"{args.residents:,} residents, {args.steps} weeks: {per_step * 1e3:.1f} ms CPU per "
        f"step = {per_step / floor:.1f} mat-vecs of {floor * 1e3:.2f} ms"
    )
    print(f"{'part of the step':34s} {'ms/step':>8s} {'mat-vecs':>9s} {'share':>6s}")
    accounted = 0.0
    for label, seconds in sorted(clock.seconds.items(), key=lambda item: -item[1]):
        each = seconds / args.steps
        accounted += each
        if each >= 0.002 * per_step:
            print(f"{label:34s} {each * 1e3:8.2f} {each / floor:9.2f} {each / per_step:6.1%}")
    rest = per_step - accounted
    print(f"{'rest (step glue, Mesa scheduling)':34s} {rest * 1e3:8.2f} {rest / floor:9.2f}")


if __name__ == "__main__":
    main()
