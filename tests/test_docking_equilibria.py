"""Docking of the logit rule (Brock & Durlauf 2001) and of the meeting exchange (Deffuant 2000).

Known answers: the mean-field equilibria of s = sigmoid(a + w s) (one below w = 4, two
stable inside the fold window above it, symmetric at a = -w/2), which of them a start
leads to, and govsim's logit rule landing on them from both starts; the deliberation
meeting's exchange ending in floor(1/(2d)) clusters, and in consensus from d = 1/2.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from govsim import load_scenario
from govsim.validation import DOCKING_SCENARIOS, QUICK, published_clusters
from govsim.validation.mean_field import BAND, bistable_window, branches, equilibria, reached
from govsim.validation.plans import Task, brock_durlauf_tasks, meeting_tasks
from govsim.validation.tasks import run_task


@pytest.mark.parametrize(("a", "w"), [(-2.0, 2.0), (0.5, 3.0), (-3.0, 6.0), (-2.8, 6.0)])
def test_equilibria_solve_the_mean_field_equation_and_are_marked_stable_by_slope(a, w):
    for s, stable in equilibria(a, w):
        assert expit(a + w * s) == pytest.approx(s, abs=1e-12)
        assert stable == (w * s * (1 - s) < 1)


def test_one_equilibrium_below_the_critical_interaction_and_two_stable_above_it():
    assert len(equilibria(-1.5, 3.0)) == 1  # w < 4 at h = 0: only s = 1/2
    (low, _), (middle, unstable), (high, _) = equilibria(-3.0, 6.0)
    assert not unstable and middle == pytest.approx(0.5)
    assert low == pytest.approx(1 - high)  # symmetric at a = -w/2
    left, right = bistable_window(6.0)
    assert bistable_window(4.0) is None
    assert len(equilibria(left + 0.01, 6.0)) == 3 and len(equilibria(left - 0.01, 6.0)) == 1
    assert len(equilibria(right - 0.01, 6.0)) == 3 and len(equilibria(right + 0.01, 6.0)) == 1


def test_the_start_decides_the_equilibrium_only_inside_the_window():
    assert reached(-3.0, 6.0, 0.05) == pytest.approx(0.0707, abs=1e-4)
    assert reached(-3.0, 6.0, 0.95) == pytest.approx(0.9293, abs=1e-4)
    assert reached(-2.0, 6.0, 0.05) == reached(-2.0, 6.0, 0.95)  # one equilibrium
    low, high, unstable = branches(np.array([-3.0, -2.0]), np.array([6.0, 6.0]))
    assert low[0] < unstable[0] < high[0] and np.isnan(unstable[1]) and low[1] == high[1]


def _bd_task(a: float, w: float, start: float) -> Task:
    return next(
        t
        for t in brock_durlauf_tasks(QUICK)
        if (t.labels["a"], t.labels["w"], t.labels["start"]) == (a, w, start)
    )


@pytest.mark.parametrize("start", [0.05, 0.95])
def test_the_logit_rule_reaches_the_equilibrium_its_start_leads_to(start):
    row = run_task(_bd_task(-3.0, 6.0, start))
    assert abs(row["share"] - reached(-3.0, 6.0, start)) <= BAND


def test_the_brock_durlauf_scenario_is_the_pure_model():
    scenario = load_scenario(DOCKING_SCENARIOS / "brock_durlauf2001.yaml")
    weights = scenario.decision.weights.model_dump()
    assert {k for k, v in weights.items() if v} == {"intercept", "neighbours"}
    assert scenario.network.generator == "complete"


@pytest.mark.parametrize("d", [0.1, 0.2, 0.5])
def test_a_deliberation_meeting_ends_in_about_the_published_number_of_clusters(d):
    task = next(t for t in meeting_tasks(QUICK) if t.labels["confidence"] == d)
    row = run_task(task)
    assert row["settled"]
    if d >= 0.5:
        assert row["clusters"] == 1  # consensus
    else:
        assert abs(row["clusters"] - published_clusters(d)) <= 1
