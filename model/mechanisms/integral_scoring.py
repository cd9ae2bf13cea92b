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
from scipy.stats import rankdata

from model.mechanisms.base import Mechanism
from model.population import ENTERPRISE

if TYPE_CHECKING:
    from model.governance import GovernanceModel

__all__ = ["IntegralScoring", "percentile_in_group"]


def percentile_in_group(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Percentile rank (0 lowest .. 1 highest, ties averaged) of each value in its group."""
    out = np.zeros(values.size)
    for label in np.unique(group):
        members = np.flatnonzero(group == label)
        if members.size > 1:
            out[members] = (rankdata(values[members]) - 1.0) / (members.size - 1.0)
        else:
            out[members] = 1.0
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
        state.incentive[:] = value[residents.community]
        state.disposition_factor[:] = 1.0 - self.params.crowding_out * residents.has_redeemed

    def assess(self, model: GovernanceModel) -> None:
        """Award and redeem points; assess units every ``assessment_interval`` weeks."""
        residents = model.population.residents
        earned = self.params.points_per_participation * residents.participating
        residents.points += earned
        residents.points_earned += earned
        threshold = self.params.redemption_threshold
        redeeming = (residents.points >= threshold) & self.can_redeem[residents.community]
        residents.points[redeeming] -= threshold
        residents.has_redeemed |= redeeming
        self.points_redeemed += threshold * int(redeeming.sum())
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
