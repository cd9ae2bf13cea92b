"""Integral points management (积分制): points for residents, assessment for units.

Rule (docs/ODD.md, submodel "integral_scoring"):

- The ledger. A resident earns ``points_per_participation`` points (the award a) in
  every week it takes part. A resident holding at least ``redemption_threshold`` points
  (the price P) with a partner enterprise within reach spends P of them on goods or
  services worth ``point_value`` yuan a point, once a week at most (points
  supermarkets: about 1 point = 1 yuan, 25-100 points a redemption; Anlu, Yanji).
  Within reach: any partner enterprise of the resident's community
  (``redemption_reach: community``), or only one it is tied to (``ties``).
- What points do to a decision: the expected reward of this week's points,
  I_i = v a delta^k_i, k_i = ceil(max(0, P - b_i - a) / a) the further participations
  needed before they can be spent (b_i the balance, delta = ``discount``): points
  near a redemption are worth more than points far from one (the goal gradient of
  reward programmes: Kivetz, Urminsky & Zheng 2006, J. Marketing Res. 43:39,
  doi:10.1509/jmkr.43.1.39). I_i = 0 with no partner within reach or no award: with
  no points awarded, or nowhere to redeem them, points move nobody.
- Motivation crowding (Frey & Jegen 2001, J. Econ. Surveys 15:589,
  doi:10.1111/1467-6419.00150): once a resident has redeemed points, its disposition
  term is multiplied by (1 - crowding_out).
- Unit assessment, relative: every ``assessment_interval`` weeks the units of a
  community are ranked by what they contributed since the last assessment; a unit at
  percentile q (0 lowest, 1 highest) moves c <- c + g (2q - 1)(1 - c) when above the
  median and c <- c - g (1 - 2q) c when below (g = ``assessment_gain``): public
  ranking rewards the top and shames the bottom, the median unit is left as it is.

Source: the thesis ("integral management mode of co-governance"); the reward and
assessment rules are assumptions of the model (the goal gradient and crowding out are
documented behaviour, their sizes assumed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim import kernels
from govsim.sim.mechanisms.base import Mechanism
from govsim.sim.population import ENTERPRISE
from govsim.sim.submodels import to_residents

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["IntegralScoring", "percentile_in_group", "relative_assessment"]


def percentile_in_group(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Percentile rank (0 lowest .. 1 highest, ties averaged) of each value in its group.

    Rule: in a group of m > 1 values, q = (r - 1) / (m - 1) with r the value's rank,
    1..m, tied values sharing the mean of their ranks (``scipy.stats.rankdata``,
    'average'); a value alone in its group has q = 1. All groups are ranked with one
    sort (tests/test_equivalence.py checks it against rankdata group by group).
    """
    out = np.empty(values.size)
    if values.size == 0:
        return out
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    position = np.arange(v.size)
    new_group = np.concatenate([[True], g[1:] != g[:-1]])
    new_run = new_group | np.concatenate([[True], v[1:] != v[:-1]])
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    group_end = np.append(np.flatnonzero(new_group)[1:], v.size)[np.cumsum(new_group) - 1]
    run_start = np.maximum.accumulate(np.where(new_run, position, 0))
    run_end = np.append(np.flatnonzero(new_run)[1:], v.size)[np.cumsum(new_run) - 1]
    # Ranks 1..m in the group; a tie run from rank a to rank b shares (a + b) / 2.
    rank = 0.5 * ((run_start - group_start + 1) + (run_end - group_start))
    size = group_end - group_start
    alone = size == 1
    out[order] = np.where(alone, 1.0, (rank - 1.0) / np.where(alone, 1, size - 1.0))
    return out


def relative_assessment(commitment: np.ndarray, percentile: np.ndarray, gain: float) -> np.ndarray:
    """Commitment after a ranked assessment (module docstring): the top gains, the bottom loses.

    c + g (2q - 1)(1 - c) for q >= 1/2, c - g (1 - 2q) c for q < 1/2; stays in [0, 1].
    """
    push = gain * (2.0 * percentile - 1.0)
    return np.where(
        push >= 0, commitment + push * (1.0 - commitment), commitment + push * commitment
    )


class IntegralScoring(Mechanism):
    """Points residents earn and redeem at partner enterprises; units ranked by contribution."""

    name = "integral_scoring"

    def __init__(self, params, model: GovernanceModel) -> None:
        super().__init__(params, model)
        self.points_redeemed = 0.0
        self.redemptions = 0

    def setup(self, model: GovernanceModel) -> None:
        """Which communities have a partner enterprise (for ``redemption_reach: community``)."""
        units = model.population.units
        self.partners = units.partner & (units.kind == ENTERPRISE)
        self.community_has_partner = (
            np.bincount(units.community[self.partners], minlength=model.population.n_communities)
            > 0
        )

    def can_redeem(self, model: GovernanceModel) -> np.ndarray:
        """Per resident, whether a partner enterprise is within reach (module docstring)."""
        residents = model.population.residents
        if self.params.redemption_reach == "community":
            return self.community_has_partner[residents.community]
        return to_residents(model.population.unit_ties, self.partners.astype(np.float64)) > 0

    def utility(self, model: GovernanceModel) -> None:
        """The expected reward of this week's points; past redemptions crowd out."""
        residents = model.population.residents
        state = model.step_state
        p = self.params
        rule = (
            p.points_per_participation,
            p.redemption_threshold,
            p.point_value,
            p.discount,
            p.crowding_out,
        )
        kernels.points_reward(
            residents.points,
            self.can_redeem(model),
            residents.has_redeemed,
            rule,
            state.incentive,
            state.disposition_factor,
        )

    def assess(self, model: GovernanceModel) -> None:
        """Award and redeem points; assess units every ``assessment_interval`` weeks."""
        residents = model.population.residents
        price = self.params.redemption_threshold
        redeemed = kernels.award_points(
            residents.participating,
            self.can_redeem(model),
            residents.points,
            residents.points_earned,
            residents.has_redeemed,
            self.params.points_per_participation,
            price,
        )
        self.redemptions += redeemed
        self.points_redeemed += price * redeemed
        if model.week % self.params.assessment_interval == 0:
            self._assess_units(model)

    def _assess_units(self, model: GovernanceModel) -> None:
        units = model.population.units
        if units.kind.size == 0:
            return
        percentile = percentile_in_group(units.contribution_period, units.community)
        units.assessment_score[:] = percentile
        units.commitment[:] = relative_assessment(
            units.commitment, percentile, self.params.assessment_gain
        )
        units.contribution_period[:] = 0.0
