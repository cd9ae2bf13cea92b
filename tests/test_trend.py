"""The trend test of a run's measured window (model/runs/trend.py): known series, the model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govsim import MECHANISM_NAMES, Scenario
from govsim.runs import replicate_seeds, run_replicates
from govsim.runs.trend import window_trend


def series(values: np.ndarray) -> pd.DataFrame:
    """A tidy time series of one metric ``x`` from a (replicates x weeks) array."""
    replicates, weeks = values.shape
    return pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(replicates), weeks),
            "step": np.tile(np.arange(weeks), replicates),
            "x": values.ravel(),
        }
    )


def test_a_steady_climb_trends_and_its_drift_is_measured():
    rng = np.random.default_rng(1)
    weeks = np.arange(60)
    values = 0.2 + 0.002 * weeks + rng.normal(0, 0.01, (8, 60))
    result = window_trend(series(values), ["x"], 52).loc["x"]
    assert result["trending"]
    assert result["drift_low"] < 0.002 * 51 < result["drift_high"]


def test_noise_and_whole_cycles_do_not_trend():
    rng = np.random.default_rng(2)
    weeks = np.arange(60)
    cycles = 0.05 * (weeks % 4 == 0)  # an activity every 4 weeks
    values = 0.2 + cycles + rng.normal(0, 0.02, (8, 60))
    assert not window_trend(series(values), ["x"], 52).loc["x", "trending"]


def test_a_tiny_agreed_drift_is_below_the_tolerance():
    weeks = np.arange(52)
    values = np.tile(0.5 + 1e-5 * weeks, (5, 1)) + np.arange(5)[:, None] * 1e-6
    assert not window_trend(series(values), ["x"], 52).loc["x", "trending"]


@pytest.mark.parametrize("configuration", ["baseline", "full"])
def test_the_default_community_has_settled_after_its_warm_up(configuration):
    off = {f"mechanisms.{name}.enabled": False for name in MECHANISM_NAMES}
    scenario = Scenario().with_overrides(
        {"steps": 52, **(off if configuration == "baseline" else {})}
    )
    results = run_replicates(scenario, replicate_seeds(scenario.seed, 6), progress=False)
    metrics = ["participation_rate", "unit_commitment_mean", "trust_mean", "satisfaction_mean"]
    trend = window_trend(results.timeseries, metrics, 52)
    assert not trend["trending"].any(), trend
