"""Rule-level tests of the five innovations (model/sim/mechanisms/): each rule's arithmetic.

Each test sets up a small community, drives one hook, and checks the rule as docs/ODD.md
states it: the chair's hand-over and what it keeps, the points ledger, invitations and
places, assessment by rank, deliberation over the issue at hand, and the committee's
pool. No warm-up, so that the rules act on a known state.
"""

from __future__ import annotations

import numpy as np
import pytest

from govsim import MECHANISM_NAMES, GovernanceModel, Scenario
from govsim.sim.issues import BY_DELIBERATION, UNDECIDED
from govsim.sim.mechanisms.integral_scoring import percentile_in_group, relative_assessment
from govsim.sim.mechanisms.interconnection import weighted_sample_in_groups
from govsim.sim.mechanisms.rotation import retained_commitment

ONLY = {f"mechanisms.{name}.enabled": False for name in MECHANISM_NAMES}


def only(mechanism: str, **overrides: object) -> GovernanceModel:
    scenario = Scenario().with_overrides(
        {
            **ONLY,
            f"mechanisms.{mechanism}.enabled": True,
            "population.residents": 600,
            "warmup": 0,
            "steps": 40,
            **overrides,
        }
    )
    return GovernanceModel(scenario, rng=3, agent_interval=0)


# ---- rotation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "kept"),
    [(0.3, 0.5, 0.4), (0.3, 0.3, 0.3), (0.5, 0.4, 0.4), (0.0, 1.0, 0.5)],
)
def test_a_chair_keeps_half_its_gain_and_all_of_a_loss(start, end, kept):
    assert retained_commitment(start, end, 0.5) == pytest.approx(kept)


def test_the_chair_hands_over_each_term_to_the_next_unit_in_the_order():
    model = only("rotation", **{"mechanisms.rotation.term": 5})
    rotation = model.mechanisms["rotation"]
    units = model.population.units
    order = rotation.orders[0]
    for week in range(1, 21):
        model.step()
        chairs = np.flatnonzero(units.chair)
        assert chairs.tolist() == [order[((week - 1) // 5) % order.size]]


def test_a_retiring_chair_keeps_its_retention_of_the_gain():
    model = only("rotation", **{"mechanisms.rotation.term": 4, "dynamics.commitment_drift": 0.0})
    units = model.population.units
    for _ in range(4):
        model.step()  # weeks 1-4: the first chair's term
    first = int(np.flatnonzero(units.chair)[0])
    start = units.chair_start_commitment[first]
    before = units.commitment[first]
    assert before > start  # boosted every week of its term
    model.step()  # week 5: the hand-over
    assert not units.chair[first]
    assert units.commitment[first] == pytest.approx(start + 0.5 * (before - start))


# ---- integral scoring: the ledger ------------------------------------------------------


def test_the_points_ledger_earns_redeems_and_balances():
    model = only("integral_scoring", **{"mechanisms.integral_scoring.partner_share": 1.0})
    residents = model.population.residents
    scoring = model.mechanisms["integral_scoring"]
    award = model.settings.mechanisms.integral_scoring.points_per_participation
    price = model.settings.mechanisms.integral_scoring.redemption_threshold
    for _ in range(30):
        model.step()
    # Every point earned is either still held or was spent, price points a redemption.
    assert residents.points_earned.sum() == pytest.approx(
        residents.points.sum() + scoring.points_redeemed
    )
    assert scoring.points_redeemed == pytest.approx(price * scoring.redemptions)
    assert scoring.redemptions > 0
    assert (residents.points_earned == award * residents.participations).all()
    assert (residents.points < price + award).all()  # a redemption whenever one is due


def test_nowhere_to_redeem_means_points_pile_up_and_reward_nothing():
    model = only("integral_scoring", **{"mechanisms.integral_scoring.partner_share": 0.0})
    for _ in range(20):
        model.step()
    scoring = model.mechanisms["integral_scoring"]
    assert scoring.redemptions == 0
    assert model.population.residents.points.max() > 50
    assert not model.step_state.incentive.any()


# ---- integral scoring: assessment by rank ----------------------------------------------


def test_assessment_lifts_the_top_drops_the_bottom_and_leaves_the_median():
    commitment = np.array([0.2, 0.4, 0.6, 0.8, 0.5])
    contributed = np.array([1.0, 2.0, 3.0, 4.0, 5.0])  # the last unit ranks top
    percentile = percentile_in_group(contributed, np.zeros(5, np.int64))
    assert percentile.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    after = relative_assessment(commitment, percentile, 0.1)
    assert after[0] == pytest.approx(0.2 - 0.1 * 0.2)  # bottom: loses gain * c
    assert after[1] == pytest.approx(0.4 - 0.1 * 0.5 * 0.4)
    assert after[2] == pytest.approx(0.6)  # the median unit: unchanged
    assert after[3] == pytest.approx(0.8 + 0.1 * 0.5 * 0.2)
    assert after[4] == pytest.approx(0.5 + 0.1 * 0.5)  # top: gains gain * (1 - c)


def test_units_are_ranked_within_their_own_community():
    contributed = np.array([5.0, 1.0, 100.0, 50.0])
    community = np.array([0, 0, 1, 1])
    assert percentile_in_group(contributed, community).tolist() == [1.0, 0.0, 1.0, 0.0]


# ---- interconnection: invitations and places -----------------------------------------


def test_invitations_never_exceed_the_places_and_skip_those_without_a_claim():
    rng = np.random.default_rng(1)
    weight = rng.random(300) * (rng.random(300) < 0.6)
    group = np.repeat([0, 1, 2], 100)
    chosen = weighted_sample_in_groups(rng, weight, group, 25)
    assert (np.bincount(group[chosen], minlength=3) == 25).all()
    assert (weight[chosen] > 0).all()
    assert np.unique(chosen).size == chosen.size
    few = weighted_sample_in_groups(rng, np.where(group == 0, weight, 0.0), group, 1000)
    assert set(few.tolist()) == set(np.flatnonzero((group == 0) & (weight > 0)).tolist())


def test_a_larger_claim_is_invited_more_often():
    weight = np.array([1.0, 4.0])
    group = np.zeros(2, np.int64)
    rng = np.random.default_rng(2)
    drawn = [weighted_sample_in_groups(rng, weight, group, 1)[0] for _ in range(4000)]
    assert np.mean(drawn) == pytest.approx(0.8, abs=0.03)  # 4 / (1 + 4)


def test_only_invited_residents_who_take_part_attend_and_gain():
    model = only("interconnection", **{"mechanisms.interconnection.places": 30})
    residents = model.population.residents
    for _ in range(3):
        model.step()
    before = residents.efficacy.copy(), residents.trust.copy()
    model.step()  # week 4: an activity week
    invited = residents.invited
    attendees = model.step_state.activity_attendees
    assert 0 < invited.sum() <= 30
    assert (invited[attendees] & residents.participating[attendees]).all()
    assert attendees.size == int((invited & residents.participating).sum())
    others = np.setdiff1d(np.arange(residents.efficacy.size), attendees)
    gain = model.settings.mechanisms.interconnection.efficacy_gain
    for value, old in ((residents.efficacy, before[0]), (residents.trust, before[1])):
        attended = (value[attendees] - old[attendees]).mean()
        stayed = (value[others] - old[others]).mean()
        assert attended > stayed + 0.5 * gain * (1.0 - old[attendees].mean())


# ---- deliberation: over the issue at hand ---------------------------------------------


def test_affected_attendees_support_an_issue_more_than_others_and_cost_lowers_support():
    model = only("deliberation")
    for _ in range(3):
        model.step()
    meeting = model.mechanisms["deliberation"]
    book = model.issues
    residents = model.population.residents
    attendees = np.arange(40)
    agenda = book.open_issues()[:3]
    assert agenda.size > 0
    opinions = meeting.issue_opinions(model, attendees, agenda)
    p = model.settings.mechanisms.deliberation
    for row, issue in zip(opinions, agenda, strict=True):
        affected = residents.block[attendees] == book.block[issue]
        cost = book.cost[issue] / model.settings.issues.mean_cost
        expected = np.clip(
            residents.opinion[attendees]
            + np.where(affected, p.stake_support, -p.cost_aversion * cost),
            0.0,
            1.0,
        )
        assert np.array_equal(row, expected)


def test_a_meeting_decides_only_issues_with_consensus_and_rates_their_legitimacy():
    model = only("deliberation", **{"mechanisms.deliberation.interval": 4})
    for _ in range(40):
        model.step()
    book = model.issues
    decided = np.flatnonzero(book.decided[: book.size] == BY_DELIBERATION)
    assert decided.size > 0
    legitimacy = book.legitimacy[decided]
    majority = model.settings.mechanisms.deliberation.majority
    absent = model.settings.mechanisms.deliberation.absent_stake_legitimacy
    # Legitimacy is the agreement (at least the majority), less where no one affected came.
    assert ((legitimacy >= majority * absent - 1e-12) & (legitimacy <= 1.0)).all()
    assert np.unique(np.round(legitimacy, 6)).size > 1  # it varies with who attends
    undecided = book.decided[: book.size] == UNDECIDED
    assert (book.legitimacy[: book.size][undecided] == 1.0).all()


def test_no_agenda_no_meeting():
    model = only("deliberation", **{"issues.decision_share": 0.0})
    for _ in range(12):
        model.step()
    meeting = model.mechanisms["deliberation"]
    assert meeting.meetings_scheduled == 3 and meeting.meetings_held == 0


# ---- joint committee: the pool -------------------------------------------------------


def test_members_pool_their_share_and_the_pool_goes_no_further_than_it_is():
    model = only("joint_committee")
    model.step()
    units = model.population.units
    share = model.settings.mechanisms.joint_committee.pool_share
    pooled = model.step_state.pooled
    assert np.allclose(pooled[units.in_committee], share * units.contribution[units.in_committee])
    assert (pooled[~units.in_committee] == 0).all()
    # What the community's issues received can never exceed what was put forward.
    assert model.step_state.ledger.applied_by_kind.sum() <= (
        model.current_metrics["resources_mobilised"] + 1e-9
    )
