"""The decision section: how residents decide to take part.

Core objects: ``Decision`` (``scenario.decision``: the rule and its parameters) and
``LogitWeights`` (the weights of the logit rule).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from govsim.scenario.section import Section, Share

__all__ = ["Decision", "LogitWeights"]


def _inverse(weight: float) -> float:
    """1 / weight, or 0 for a weight of 0 or less (no channel to scale)."""
    return 1.0 / weight if weight > 0 else 0.0


class LogitWeights(Section):
    """Weights of the logit participation rule (docs/ODD.md, "participation").

    Civic voluntarism: resources, engagement, recruitment (Verba, Schlozman & Brady 1995).
    """

    intercept: float = Field(
        -4.25, ge=-50, le=50, description="Intercept b0 of the participation utility."
    )
    disposition: float = Field(
        4.0, ge=-50, le=50, description="Weight of civic disposition (after crowding out)."
    )
    efficacy: float = Field(1.5, ge=-50, le=50, description="Weight of political efficacy.")
    trust: float = Field(0.8, ge=-50, le=50, description="Weight of trust.")
    neighbours: float = Field(
        0.75,
        ge=-50,
        le=50,
        description="Weight of the tie-weighted share of neighbours who took part last week.",
    )
    mobilised: float = Field(
        1.4,
        ge=-50,
        le=50,
        description="Weight of having been asked this week (mobilised, or invited to an activity).",
    )
    incentive: float = Field(
        0.04,
        ge=-50,
        le=50,
        description="Weight per yuan of the expected reward of this week's points "
        "(integral scoring).",
    )
    habit: float = Field(
        2.0,
        ge=-50,
        le=50,
        description="Weight of habit: the resident's recent participation (state "
        "dependence; 0..1).",
    )
    stake: float = Field(
        0.0,
        ge=-50,
        le=50,
        description="Weight of a grievance: an issue of one's own block overdue (unresolved "
        "for `issues.patience` weeks or more). 0 by default: its size, and even its sign, in "
        "Chinese communities is not established (docs/ODD.md).",
    )
    time_cost: float = Field(3.0, ge=-50, le=50, description="Weight of (1 - availability).")


class Decision(Section):
    """How residents decide to take part. One interface, three rules."""

    rule: Literal["logit", "threshold", "imitation"] = Field(
        "logit",
        description="'logit' (default), 'threshold' (Granovetter 1978), 'imitation' "
        "(networked public goods game, Santos, Santos & Pacheco 2008).",
    )
    weights: LogitWeights = Field(default_factory=LogitWeights)
    threshold_scope: Literal["population", "neighbours"] = Field(
        "population", description="threshold rule: whose participation a resident watches."
    )
    threshold_mean: Share = Field(0.25, description="threshold rule: mean threshold (share).")
    threshold_sd: float = Field(
        0.1, ge=0.0, le=1.0, description="threshold rule: sd (normal, clipped to 0..1)."
    )
    thresholds: list[Share] | None = Field(
        None,
        description="threshold rule: one threshold per resident, as shares of the "
        "population (0..1); overrides mean and sd.",
    )
    initial_participants: Share | None = Field(
        None,
        description="Share of residents, placed at random, taking part in week 0 (before "
        "the warm-up). Default: 0.5 under the imitation rule (Santos et al. 2008), nobody "
        "under the logit and threshold rules. Set it to start the logit rule high or low "
        "(which equilibrium it reaches can depend on the start, Brock & Durlauf 2001).",
    )
    threshold_shift: float | None = Field(
        None,
        ge=0.0,
        le=100.0,
        description="threshold rule: lambda, how far one unit of governance utility (being "
        "asked, points, efficacy and trust gained, ...) lowers a resident's threshold, in "
        "shares. Default: 1 / weights.neighbours, the threshold rule as the deterministic "
        "limit of the logit rule (docs/ODD.md 7.4). 0: thresholds ignore governance.",
    )
    payoff_scale: float | None = Field(
        None,
        ge=0.0,
        le=100.0,
        description="imitation rule: kappa, the private benefit of cooperating per unit of "
        "governance utility, as a share of the cooperator's cost (what it puts into its "
        "games). Default: 1 / weights.time_cost, since the contribution is time (docs/ODD.md "
        "7.4). 0: payoffs ignore governance.",
    )
    enhancement: float = Field(
        3.0, ge=0.0, le=1000.0, description="imitation rule: enhancement factor r."
    )
    cost: Literal["per_game", "per_individual"] = Field(
        "per_game",
        description="imitation rule: a cooperator pays c per game, or c in total "
        "split over its games.",
    )

    @property
    def lambda_shift(self) -> float:
        """Lambda of the threshold rule: ``threshold_shift``, or 1 / b_N by default."""
        if self.threshold_shift is not None:
            return self.threshold_shift
        return _inverse(self.weights.neighbours)

    @property
    def kappa_scale(self) -> float:
        """Kappa of the imitation rule: ``payoff_scale``, or 1 / b_C by default."""
        if self.payoff_scale is not None:
            return self.payoff_scale
        return _inverse(self.weights.time_cost)
