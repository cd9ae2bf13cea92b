"""Observables: survey quantities computed from a run (model/sim/observation.py)."""

from __future__ import annotations

import numpy as np
import pytest

from govsim import GovernanceModel, Scenario
from govsim.sim.observation import OBSERVABLES, compute_observables, took_part_within


@pytest.fixture(scope="module")
def model():
    scenario = Scenario().with_overrides({"population.residents": 400, "steps": 60})
    return GovernanceModel(scenario, rng=3).run()


def test_every_observable_is_a_named_share(model):
    values = compute_observables(model)
    assert set(values) == set(OBSERVABLES)
    for name, value in values.items():
        assert 0.0 <= value <= 1.0, name


def test_a_longer_window_never_counts_fewer_households(model):
    values = compute_observables(model)
    assert values["took_part_52w"] >= values["took_part_13w"]
    assert values["took_part_13w"] > 0.0


def test_the_year_window_agrees_with_the_last_participation_week(model):
    residents = model.population.residents
    expected = (model.week - residents.last_participation) < 52
    # The history holds who took part each week; the last week of taking part is the
    # most recent set bit, so both must agree on "in the last 52 weeks".
    np.testing.assert_array_equal(took_part_within(residents.history, 52), expected)


def test_window_outside_the_history_is_refused():
    with pytest.raises(ValueError, match=r"1\.\.64"):
        took_part_within(np.zeros(3, np.uint64), 65)
