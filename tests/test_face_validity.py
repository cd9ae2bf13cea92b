"""Face validity: each innovation and each friction moves its targets the way the thesis argues.

Judged over replications with a one-sided Welch t-test (p < 0.01), on the default
community (2,000 households) over 78 weeks so the suite stays fast. Outcomes are each
replicate's mean over its last 26 weeks. Where the model disagrees with the thesis
it is reported in docs/ODD.md ("Face validity"), not tuned away.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from scipy import stats

from govsim import MECHANISM_NAMES, GovernanceModel, Scenario

REPLICATES = 8
WINDOW = 26
BASE = {"steps": 78}
ALL_OFF = {f"mechanisms.{name}.enabled": False for name in MECHANISM_NAMES}

#: metric -> +1 (should rise with the innovation) or -1 (should fall).
TARGETS = {
    "joint_committee": {"resources_used": +1, "resolution_rate": +1, "escalated_share": -1},
    "interconnection": {
        "bridging_tie_share": +1,
        "active_component_share": +1,
        "participation_rate": +1,
        "ei_index": +1,
    },
    "deliberation": {"deliberated_share": +1, "efficacy_mean": +1},
    "rotation": {"unit_commitment_mean": +1, "resources_mobilised": +1},
    "integral_scoring": {
        "participation_rate": +1,
        "points_gini": +1,
        "unit_commitment_mean": +1,
    },
}


@cache
def outcomes(overrides: tuple[tuple[str, object], ...]) -> dict[str, np.ndarray]:
    scenario = Scenario().with_overrides({**BASE, **dict(overrides)})
    frames = [
        GovernanceModel(scenario, rng=1000 + seed, agent_interval=0).run().metrics_frame()
        for seed in range(REPLICATES)
    ]
    return {
        name: np.array([frame[name].iloc[-WINDOW:].mean() for frame in frames])
        for name in frames[0].columns
    }


def moved(with_it: np.ndarray, without_it: np.ndarray, direction: int) -> float:
    """p-value of the one-sided Welch test that `with_it` moved in `direction`."""
    alternative = "greater" if direction > 0 else "less"
    return stats.ttest_ind(with_it, without_it, equal_var=False, alternative=alternative).pvalue


def key(overrides: dict) -> tuple:
    return tuple(sorted(overrides.items()))


@pytest.mark.parametrize("mechanism", MECHANISM_NAMES)
def test_innovation_alone_moves_its_targets(mechanism):
    alone = outcomes(key({**ALL_OFF, f"mechanisms.{mechanism}.enabled": True}))
    baseline = outcomes(key(ALL_OFF))
    for metric, direction in TARGETS[mechanism].items():
        p = moved(alone[metric], baseline[metric], direction)
        assert p < 0.01, f"{mechanism} alone: {metric} p={p:.3g}"


@pytest.mark.parametrize("mechanism", MECHANISM_NAMES)
def test_removing_innovation_from_full_configuration_loses_its_targets(mechanism):
    full = outcomes(key({}))
    without = outcomes(key({f"mechanisms.{mechanism}.enabled": False}))
    for metric, direction in TARGETS[mechanism].items():
        p = moved(full[metric], without[metric], direction)
        assert p < 0.01, f"without {mechanism}: {metric} p={p:.3g}"


@pytest.mark.parametrize("configuration", ["baseline", "full"])
def test_administrative_burden_lowers_participation_and_resolution(configuration):
    extra = ALL_OFF if configuration == "baseline" else {}
    light = outcomes(key({**extra, "frictions.admin_burden": 0.2}))
    heavy = outcomes(key({**extra, "frictions.admin_burden": 0.85}))
    for metric in ("participation_rate", "resolution_rate"):
        p = moved(heavy[metric], light[metric], -1)
        assert p < 0.01, f"{configuration}: admin burden vs {metric} p={p:.3g}"


def test_frictions_move_outcomes_the_way_the_thesis_argues():
    full = outcomes(key({}))
    poor = outcomes(key({"frictions.budget": 0.0}))
    assert moved(poor["resolution_rate"], full["resolution_rate"], -1) < 0.01
    weak_linkage = outcomes(key({"frictions.linkage.answer_probability": 0.0, **ALL_OFF}))
    baseline = outcomes(key(ALL_OFF))
    assert moved(weak_linkage["satisfaction_mean"], baseline["satisfaction_mean"], -1) < 0.01
    low_trust = outcomes(key({"frictions.cohesion.initial_trust": 0.1}))
    assert moved(low_trust["participation_rate"], full["participation_rate"], -1) < 0.01
