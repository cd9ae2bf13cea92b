"""One decision interface: governance reaches the logit, threshold and imitation rules.

The private utility splits into what a resident brings (v_ref) and what the week's
governance adds (Delta v); the threshold rule lowers thresholds by lambda Delta v, the
imitation rule pays cooperators kappa Delta v times their cost; with every channel at
rest (the docking scenarios) Delta v is exactly 0, so those rules are the published
ones. Tests: the split adds up, it is 0 in docking, being asked changes each rule's
choice as stated, the exact normaliser with benefits equals brute force, and the full
system no longer gives the baseline's participation under the alternative rules.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from govsim import GovernanceModel, load_scenario
from govsim.sim.decision.base import governance_utility, private_utility, reference_utility
from govsim.sim.decision.imitation import PublicGoodsGame
from govsim.sim.decision.threshold import effective_thresholds
from govsim.validation import DOCKING_SCENARIOS

from conftest import SCENARIOS

TINY = {"population.residents": 200, "steps": 12, "warmup": 4}


def model_after(name: str, weeks: int, **overrides) -> GovernanceModel:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml").with_overrides(TINY | overrides)
    model = GovernanceModel(scenario, agent_interval=0)
    for _ in range(weeks):
        model.step()
    return model


def test_private_utility_is_reference_plus_governance_utility():
    model = model_after("one_core_multiple", 8)
    delta = governance_utility(model)
    assert np.abs(delta).max() > 0.5, "being asked, points and meetings move the utility"
    np.testing.assert_allclose(
        reference_utility(model) + delta, private_utility(model), rtol=0, atol=1e-12
    )


@pytest.mark.parametrize(
    "name", ["granovetter1978", "pgg_santos2008", "deffuant2000", "brock_durlauf2001"]
)
def test_governance_utility_is_exactly_zero_in_every_docking_scenario(name):
    scenario = load_scenario(DOCKING_SCENARIOS / f"{name}.yaml").with_overrides({"steps": 30})
    if scenario.population.residents > 300:
        scenario = scenario.with_overrides(
            {"population.residents": 300, "population.block_size": 300}
        )
    model = GovernanceModel(scenario, agent_interval=0)
    for _ in range(30):
        model.step()
        assert not np.any(governance_utility(model)), f"week {model.time}"


def _threshold_model(**overrides) -> GovernanceModel:
    """A threshold model in which everybody's own threshold is 0.5 and nobody took part."""
    settings = {
        "decision.rule": "threshold",
        "decision.threshold_mean": 0.5,
        "decision.threshold_sd": 0.0,
    }
    model = model_after("baseline", 0, **settings, **overrides)
    residents = model.population.residents
    residents.participated_last[:] = False
    residents.mobilised[:] = False
    residents.invited[:] = False
    return model


def test_being_asked_lowers_a_threshold_by_lambda_times_the_weight_of_being_asked():
    model = _threshold_model()
    residents = model.population.residents
    decision = model.settings.decision
    assert decision.lambda_shift == pytest.approx(1 / decision.weights.neighbours)
    unasked = governance_utility(model)
    asked = np.arange(0, 200, 7)
    residents.mobilised[asked] = True
    gained = governance_utility(model) - unasked
    np.testing.assert_allclose(gained[asked], decision.weights.mobilised)
    assert not np.delete(gained, asked).any()
    lowered = residents.threshold - effective_thresholds(model, decision.lambda_shift)
    np.testing.assert_allclose(lowered, decision.lambda_shift * governance_utility(model))
    # lambda b_M = 1.4 / 0.75 > 0.5: the asked take part although nobody did last week;
    # nobody else does.
    assert np.array_equal(np.flatnonzero(model.rule.decide(model)), asked)


def test_without_a_shift_the_threshold_rule_ignores_governance():
    model = _threshold_model(**{"decision.threshold_shift": 0.0})
    model.population.residents.mobilised[:] = True
    assert not model.rule.decide(model).any()


def _star_with_tail() -> sp.csr_matrix:
    edges = [(0, 1), (0, 2), (0, 3), (3, 4), (4, 5), (2, 5), (5, 6)]
    rows, cols = zip(*(edges + [(b, a) for a, b in edges]), strict=True)
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(7, 7))


@pytest.mark.parametrize("cost", ["per_game", "per_individual"])
def test_normaliser_with_private_benefits_is_the_largest_difference_over_all_profiles(cost):
    game = PublicGoodsGame.build(_star_with_tail(), 3.5, cost)
    benefit = np.array([0.4, -0.3, 1.2, 0.0, 2.0, -0.8, 0.6])
    profiles = np.array(list(itertools.product((0.0, 1.0), repeat=7)))
    payoffs = np.array([game.payoffs(s, benefit) for s in profiles])
    x = np.repeat(np.arange(7), game.degree)
    y = game.adjacency.indices
    brute = (payoffs[:, y] - payoffs[:, x]).max(axis=0)
    np.testing.assert_allclose(game.normaliser_with(benefit), brute, atol=1e-12)
    # Without benefits, exactly the published game's normaliser.
    assert game.normaliser_with(None) is game.normaliser


def test_a_cooperators_payoff_gains_its_private_benefit_and_a_defectors_does_not():
    game = PublicGoodsGame.build(_star_with_tail(), 3.0, "per_game")
    strategy = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    benefit = np.linspace(0.5, 2.0, 7)
    gained = game.payoffs(strategy, benefit) - game.payoffs(strategy)
    np.testing.assert_allclose(gained, strategy * benefit)


def test_imitation_benefit_is_kappa_times_governance_utility_times_the_cost():
    model = model_after("one_core_multiple", 6, **{"decision.rule": "imitation"})
    game = model.rule.game(model)
    benefit = model.rule.benefit(model, game)
    expected = model.settings.decision.kappa_scale * governance_utility(model) * game.cost
    np.testing.assert_allclose(benefit, expected)
    assert np.any(benefit > 0), "the asked cooperate for a private benefit"


@pytest.mark.parametrize(
    ("rule", "settings"),
    [
        ("threshold", {"decision.threshold_mean": 0.55, "decision.threshold_sd": 0.25}),
        ("imitation", {"decision.enhancement": 5.0}),
    ],
)
def test_the_innovations_change_participation_under_every_rule(rule, settings):
    # Before the interface the full system and the baseline gave the same participation
    # under these rules (every innovation's effect exactly 0).
    overrides = {"decision.rule": rule, **settings, "steps": 30, "warmup": 10}
    rates = {}
    for name in ("baseline", "one_core_multiple"):
        model = model_after(name, 30, **overrides)
        rates[name] = model.metrics_frame()["participation_rate"].iloc[-10:].mean()
    assert rates["one_core_multiple"] > rates["baseline"] + 0.02, rates


def test_the_logit_rule_can_start_from_a_share_of_participants():
    scenario = load_scenario(SCENARIOS / "baseline.yaml").with_overrides(
        TINY | {"warmup": 0, "decision.initial_participants": 0.3}
    )
    model = GovernanceModel(scenario, agent_interval=0)
    assert model.population.residents.participating.sum() == 60
    default = load_scenario(SCENARIOS / "baseline.yaml").with_overrides(TINY | {"warmup": 0})
    assert not GovernanceModel(default).population.residents.participating.any()
