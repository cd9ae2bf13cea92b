"""Integral points management (积分制): points for residents, assessment for units.

Rule (docs/ODD.md, submodel "integral_scoring"):

- Residents earn ``points_per_participation`` points in every week they take part.
  Whenever a resident holds at least ``redemption_threshold`` points and its community
  has a partner enterprise (``partner_share`` of enterprises), it redeems that many
  points for goods or services (points supermarkets: about 1 point = 1 yuan, 25-100
  points a redemption; Anlu, Yanji).
- The points add an incentive to the participation utility: 1 where points can be
  redeemed, ``unredeemable_value`` where they cannot (a symbolic reward).
- Motivation crowding (Frey & Jegen 2001, J. Econ. Surveys 15:589,
  doi:10.1111/1467-6419.00150): once a resident has redeemed points, its disposition
  term is multiplied by (1 - crowding_out).
- Every ``assessment_interval`` weeks the units of a community are ranked by what they
  contributed since the last assessment; a unit at percentile q (0 lowest, 1 highest)
  gains commitment c <- c + assessment_gain * q (1 - c): public recognition rewards
  the most committed (an assumption; the thesis names "refined assessment").

Source: the thesis ("integral management mode of co-governance"); the incentive and
assessment rules are assumptions of the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govsim.sim import kernels
from govsim.sim.mechanisms.base import Mechanism
from govsim.sim.population import ENTERPRISE

if TYPE_CHECKING:
    from govsim.sim.governance import GovernanceModel

__all__ = ["IntegralScoring", "percentile_in_group"]


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


class IntegralScoring(Mechanism):
    """Points that residents redeem at partner enterprises; assessment that ranks units."""

    name = "integral_scoring"

    def __init__(self, params, model: GovernanceModel) -> None:
        super().__init__(params, model)
        self.points_redeemed = 0.0

    def setup(self, model: GovernanceModel) -> None:
        """Find which communities have a partner enterprise."""
        units = model.population.units
        partners = units.partner & (units.kind == ENTERPRISE)
        self.can_redeem = (
            np.bincount(units.community[partners], minlength=model.population.n_communities) > 0
        )

    def utility(self, model: GovernanceModel) -> None:
        """Points add an incentive; past redemptions crowd out intrinsic motivation."""
        residents = model.population.residents
        state = model.step_state
        value = np.where(self.can_redeem, 1.0, self.params.unredeemable_value)
        # I_i = value[c_i], f_i = 1 - crowding_out [redeemed], in one pass.
        kernels.points_incentive(
            residents.community,
            value,
            residents.has_redeemed,
            self.params.crowding_out,
            state.incentive,
            state.disposition_factor,
        )

    def assess(self, model: GovernanceModel) -> None:
        """Award and redeem points; assess units every ``assessment_interval`` weeks."""
        residents = model.population.residents
        threshold = self.params.redemption_threshold
        redeemed = kernels.award_points(  # earn, then redeem where a partner takes points
            residents.participating,
            residents.community,
            self.can_redeem,
            residents.points,
            residents.points_earned,
            residents.has_redeemed,
            self.params.points_per_participation,
            threshold,
        )
        self.points_redeemed += threshold * redeemed
        if model.week % self.params.assessment_interval == 0:
            self._assess_units(model)

    def _assess_units(self, model: GovernanceModel) -> None:
        units = model.population.units
        if units.kind.size == 0:
            return
        percentile = percentile_in_group(units.contribution_period, units.community)
        units.assessment_score[:] = percentile
        units.commitment += self.params.assessment_gain * percentile * (1.0 - units.commitment)
        units.contribution_period[:] = 0.0
