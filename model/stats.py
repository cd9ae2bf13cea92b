"""Statistics over replicates: intervals, effect sizes, tests, corrections and power.

Core objects: ``t_interval`` and ``t_half_width`` (Student intervals of a mean),
``hedges_g`` (standardised difference with its interval), ``two_sample_test`` and
``welch_difference`` (the comparison of two scenarios), ``holm`` and ``adjust``
(multiple comparisons), ``replications_needed`` and ``rank_test_replications`` (power).

One home for the numbers every stage reports: runs, sweeps, comparisons and figures
all take their intervals from here. Pure functions of arrays and tables; no model,
no files. The rules, equations and references are in model/analysis/'s docstring
and docs/ANALYSIS.md.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

Correction = Literal["holm", "bh"]


def t_interval(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Add ``ci95_low``/``ci95_high`` to a table of ``n``, ``mean``, ``sd`` columns.

    Student-t interval of a mean over replicates: mean +- t(1 - a/2, n - 1) sd / sqrt(n),
    a = 1 - level. NaN when n < 2 (one replicate says nothing about the spread).
    """
    half = t_half_width(table, level)
    return table.assign(ci95_low=table["mean"] - half, ci95_high=table["mean"] + half)


def t_half_width(table: pd.DataFrame, level: float = 0.95) -> np.ndarray:
    """Half-width t(1 - a/2, n - 1) sd / sqrt(n) of each row's interval (NaN if n < 2)."""
    n = table["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan))
        return quantile * table["sd"].to_numpy(dtype=float) / np.sqrt(n)


def hedges_g(x: np.ndarray, y: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Hedges' g of ``x`` against ``y`` and its normal-approximation CI.

    g = J (mean_x - mean_y) / s_p, s_p = sqrt(((n_x-1) s_x^2 + (n_y-1) s_y^2) / (n_x+n_y-2)),
    J = 1 - 3 / (4 (n_x + n_y) - 9); SE = sqrt((n_x+n_y)/(n_x n_y) + g^2/(2 (n_x+n_y)))
    (Hedges & Olkin 1985). NaN when either sample has fewer than 2 values or there
    is no spread at all.

    Returns:
        (g, low, high).
    """
    nx_, ny_ = len(x), len(y)
    if nx_ < 2 or ny_ < 2:
        return math.nan, math.nan, math.nan
    pooled = math.sqrt(
        ((nx_ - 1) * np.var(x, ddof=1) + (ny_ - 1) * np.var(y, ddof=1)) / (nx_ + ny_ - 2)
    )
    if pooled == 0:
        return math.nan, math.nan, math.nan
    correction = 1 - 3 / (4 * (nx_ + ny_) - 9)
    g = correction * (np.mean(x) - np.mean(y)) / pooled
    se = math.sqrt((nx_ + ny_) / (nx_ * ny_) + g**2 / (2 * (nx_ + ny_)))
    z = stats.norm.ppf(0.5 + level / 2)
    return float(g), float(g - z * se), float(g + z * se)


def _looks_normal(sample: np.ndarray, alpha: float = 0.05) -> bool:
    if len(sample) < 3 or np.ptp(sample) == 0:
        return False
    return bool(stats.shapiro(sample).pvalue > alpha)


def two_sample_test(x: np.ndarray, y: np.ndarray) -> tuple[str, float]:
    """The test the rule picks (module docstring) and its two-sided p-value."""
    if len(x) < 2 or len(y) < 2:
        return "none", math.nan
    with warnings.catch_warnings():
        # Nearly identical replicates (a share stuck at 0.5): scipy warns of precision
        # loss; the rule then falls back to the rank test, which is exact.
        warnings.simplefilter("ignore", RuntimeWarning)
        normal = _looks_normal(x) and _looks_normal(y)
    if normal:
        return "welch", float(stats.ttest_ind(x, y, equal_var=False).pvalue)
    if np.ptp(np.concatenate([x, y])) == 0:
        return "mann-whitney", 1.0  # every value equal: nothing to tell apart
    return "mann-whitney", float(stats.mannwhitneyu(x, y, alternative="two-sided").pvalue)


def welch_difference(x: np.ndarray, y: np.ndarray, level: float) -> tuple[float, float, float]:
    """Difference of means of ``x`` and ``y`` with Welch's interval (NaN without spread)."""
    difference = float(np.mean(x) - np.mean(y)) if len(x) and len(y) else math.nan
    if len(x) < 2 or len(y) < 2 or (np.var(x) == 0 and np.var(y) == 0):
        return difference, math.nan, math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nearly identical replicates
        interval = stats.ttest_ind(x, y, equal_var=False).confidence_interval(level)
    return difference, float(interval.low), float(interval.high)


def holm(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979); NaN entries stay NaN.

    With the m defined p-values sorted, p_(1) <= ... <= p_(m), the adjusted value of
    p_(i) is max over j <= i of min(1, (m - j + 1) p_(j)). Rejecting where the
    adjusted value is under alpha controls the family-wise error rate at alpha.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    defined = np.flatnonzero(~np.isnan(p))
    order = defined[np.argsort(p[defined], kind="stable")]
    m = order.size
    steps = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted[order] = np.maximum.accumulate(steps)
    return adjusted


def adjust(p_values: np.ndarray, correction: Correction) -> np.ndarray:
    """P-values adjusted by Holm (``holm``) or Benjamini-Hochberg (``bh``); NaN stays NaN."""
    if correction == "holm":
        return holm(p_values)
    adjusted = np.full(p_values.shape, np.nan)
    defined = ~np.isnan(p_values)
    if defined.any():
        adjusted[defined] = stats.false_discovery_control(p_values[defined], method="bh")
    return adjusted


def power_of_t_test(effect: float, n: int, alpha: float) -> float:
    """Power of the two-sided two-sample t-test with n per group (noncentral t).

    Where scipy's noncentral t gives no number (very large noncentrality), the power
    is taken from the normal approximation, which is then accurate.
    """
    df = 2 * n - 2
    critical = stats.t.ppf(1 - alpha / 2, df)
    shift = effect * math.sqrt(n / 2)
    power = stats.nct.sf(critical, df, shift) + stats.nct.cdf(-critical, df, shift)
    if not np.isfinite(power):
        power = stats.norm.sf(critical - shift) + stats.norm.cdf(-critical - shift)
    return float(power)


def replications_needed(
    effect_size: float, *, alpha: float = 0.05, power: float = 0.8, max_n: int = 100_000
) -> int | None:
    """Replications per scenario for a two-sided two-sample t-test to detect an effect.

    The smallest n (equal in both scenarios) with P(|T| > t(1 - alpha/2, 2n - 2)) >=
    ``power``, T ~ noncentral t(2n - 2, |effect_size| sqrt(n / 2)) (Cohen 1988;
    e.g. d = 0.5, alpha 0.05, power 0.8 gives 64).

    Args:
        effect_size: standardised difference (Cohen's d or Hedges' g).
        alpha: two-sided significance level of the test.
        power: the chance of detecting the effect if it is real.
        max_n: search no further.

    Returns:
        n (at least 2), or None when the effect is zero, undefined, or needs more
        than ``max_n``.
    """
    effect = abs(float(effect_size))
    if not math.isfinite(effect) or effect == 0:
        return None
    high = 2  # power grows with n: double until it suffices, then bisect
    while power_of_t_test(effect, high, alpha) < power:
        if high >= max_n:
            return None
        high = min(2 * high, max_n)
    low = high // 2  # every power of two below high fell short
    while high - low > 1:
        middle = (low + high) // 2
        if power_of_t_test(effect, middle, alpha) >= power:
            high = middle
        else:
            low = middle
    return high


#: Pitman efficiency of the Mann-Whitney test relative to the t-test: at least 0.864
#: for any continuous distribution (Hodges & Lehmann 1956), 3/pi ~ 0.955 for normal data.
RANK_TEST_EFFICIENCY = 0.864


def rank_test_replications(t_test_n: int, alpha: float) -> int:
    """Replications per scenario for the Mann-Whitney test, from the t-test's count.

    The t-test's n divided by the worst-case efficiency 0.864, and at least the
    smallest n at which the exact two-sided test can reach ``alpha`` at all: its
    smallest p-value, with n per group and complete separation, is 2 / C(2n, n).
    """
    n = math.ceil(t_test_n / RANK_TEST_EFFICIENCY)
    floor = 2
    while 2 / math.comb(2 * floor, floor) > alpha:
        floor += 1
    return max(n, floor)
