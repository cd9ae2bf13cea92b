"""The factorial decomposition: Shapley values and interactions of the innovations.

Core objects: ``cell_values`` (a factorial table as replicates x cells),
``shapley_matrix`` and ``dividend_matrix`` (the linear maps from the 2^k cell means to
the Shapley values and to the Harsanyi dividends), ``shapley_table`` (each
innovation's Shapley value and single effect on each outcome, with intervals),
``interaction_table`` (every interaction term, with intervals, and whether it
matters) and ``additivity_table`` (the full system's effect against the sum of the
single effects).

Definitions (v(S): the mean outcome of the cell with exactly the innovations S on; N
the k innovations; the table comes from govsim.sweep.factorial):

- Harsanyi dividend (the Moebius transform of v; in a 2^k factorial, the interaction
  effect of the factors T at the baseline level of the others):
  d(T) = sum_{S subset of T} (-1)^(|T| - |S|) v(S). d({i}) = v({i}) - v({}) is the
  one-at-a-time effect of i; d(T), |T| >= 2, what T adds together beyond its parts.
- Shapley value of innovation i (Shapley 1953): its average marginal effect over every
  order in which the innovations could be added,
  phi_i = sum_{S subset of N - {i}} |S|! (k - |S| - 1)! / k! [v(S + {i}) - v(S)]
  = sum_{T containing i} d(T) / |T|: each interaction shared equally by its members.
  The values add up to the full system's effect (efficiency):
  sum_i phi_i = v(N) - v({}) (tested).
- Both are linear in the cell means, so in a paired design (replicate r of every cell
  shares its seed) each replicate gives its own phi_r and d_r, and the estimate is
  their mean. Intervals: percentile bootstrap over replicates
  (``scipy.stats.bootstrap``; whole replicates resampled, so the pairing is kept).
- An interaction matters when its interval excludes 0 and it is at least
  ``relevance`` (10%) of the largest |phi| of that outcome.

Why these few lines are written here: the exact Shapley value of k binary factors is a
fixed 2^k-vector product; libraries for Shapley values (e.g. shap) estimate it for
fitted models by sampling, which a complete factorial does not need.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import bootstrap

from govsim.sweep.factorial import FACTORS, OUTCOMES, cells

__all__ = [
    "additivity_table",
    "cell_values",
    "dividend_matrix",
    "interaction_table",
    "shapley_matrix",
    "shapley_table",
    "subsets",
]

_OUTCOME_NAMES = tuple(outcome.name for outcome in OUTCOMES)


def subsets(k: int) -> list[frozenset[int]]:
    """The factor sets of the cells of ``cells`` (factor indices that are on), in order."""
    return [frozenset(i for i, on in enumerate(cell) if on) for cell in cells(range(k))]


def shapley_matrix(k: int) -> np.ndarray:
    """W (k x 2^k) with phi = W v, v the cell means in the order of ``cells``."""
    index = {s: c for c, s in enumerate(subsets(k))}
    weights = np.zeros((k, 2**k))
    for s, c in index.items():
        for i in range(k):
            if i in s:
                continue
            w = math.factorial(len(s)) * math.factorial(k - len(s) - 1) / math.factorial(k)
            weights[i, index[s | {i}]] += w
            weights[i, c] -= w
    return weights


def dividend_matrix(k: int) -> np.ndarray:
    """D (2^k x 2^k) with d = D v: d(T) = sum_{S subset of T} (-1)^(|T|-|S|) v(S)."""
    sets = subsets(k)
    matrix = np.zeros((2**k, 2**k))
    for t, big in enumerate(sets):
        for s, small in enumerate(sets):
            if small <= big:
                matrix[t, s] = (-1.0) ** (len(big) - len(small))
    return matrix


def cell_values(table: pd.DataFrame, outcome: str, factors: Sequence[str] = FACTORS) -> np.ndarray:
    """The outcome as a (replicates x 2^k) array, columns in the order of ``cells``.

    Raises:
        ValueError: the table is not a complete paired design (a cell misses a
            replicate, or an outcome is missing).
    """
    if outcome not in table.columns:
        raise ValueError(
            f"the factorial table has no outcome '{outcome}'; it has "
            f"{', '.join(c for c in table.columns if c in _OUTCOME_NAMES) or 'none'}."
        )
    wide = table.pivot(index="replicate", columns="cell", values=outcome)
    expected = range(2 ** len(factors))
    if list(wide.columns) != list(expected) or wide.isna().to_numpy().any():
        raise ValueError(
            f"the factorial table is not a complete 2^{len(factors)} design with paired "
            f"replicates: every cell 0..{2 ** len(factors) - 1} needs every replicate "
            "(run it with govsim.sweep.factorial.run_factorial)."
        )
    return wide.to_numpy(dtype=float)


def _interval(
    per_replicate: np.ndarray, level: float, resamples: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over replicates (rows) and its percentile bootstrap interval, per column."""
    mean = per_replicate.mean(axis=0)
    if per_replicate.shape[0] < 2 or np.allclose(per_replicate, per_replicate[0]):
        spread = np.full_like(mean, np.nan) if per_replicate.shape[0] < 2 else mean
        return mean, spread, spread.copy()
    result = bootstrap(
        (per_replicate,),
        np.mean,
        axis=0,
        confidence_level=level,
        n_resamples=resamples,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    return mean, result.confidence_interval.low, result.confidence_interval.high


def shapley_table(
    table: pd.DataFrame,
    outcomes: Sequence[str] = _OUTCOME_NAMES,
    factors: Sequence[str] = FACTORS,
    *,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Each innovation's Shapley value and one-at-a-time effect on each outcome.

    Returns:
        One row per (outcome, innovation): ``shapley``, ``shapley_low``,
        ``shapley_high`` (the interval), ``single`` (v({i}) - v({})) with
        ``single_low``/``single_high``, and ``rank`` (1: the largest Shapley value).
    """
    k = len(factors)
    weights = shapley_matrix(k)
    alone = dividend_matrix(k)[[1 << (k - 1 - i) for i in range(k)]]
    rows = []
    for outcome in outcomes:
        values = cell_values(table, outcome, factors)
        phi = _interval(values @ weights.T, level, resamples, seed)
        single = _interval(values @ alone.T, level, resamples, seed)
        order = np.argsort(-phi[0], kind="stable")
        rank = np.empty(k, int)
        rank[order] = np.arange(1, k + 1)
        for i, name in enumerate(factors):
            rows.append(
                {
                    "outcome": outcome,
                    "innovation": name,
                    "shapley": phi[0][i],
                    "shapley_low": phi[1][i],
                    "shapley_high": phi[2][i],
                    "single": single[0][i],
                    "single_low": single[1][i],
                    "single_high": single[2][i],
                    "rank": int(rank[i]),
                }
            )
    return pd.DataFrame(rows)


def interaction_table(
    table: pd.DataFrame,
    outcomes: Sequence[str] = _OUTCOME_NAMES,
    factors: Sequence[str] = FACTORS,
    *,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
    relevance: float = 0.1,
) -> pd.DataFrame:
    """Every interaction (|T| >= 2) of every outcome: its dividend d(T) with an interval.

    Returns:
        One row per (outcome, term): ``term`` (the innovations joined by ' x '),
        ``order`` (|T|), ``dividend``, ``low``, ``high``, and ``matters`` (interval
        excludes 0 and |d| >= ``relevance`` x the outcome's largest |phi|). Sorted by
        outcome, then |dividend|, largest first.
    """
    k = len(factors)
    sets = subsets(k)
    dividends = dividend_matrix(k)
    weights = shapley_matrix(k)
    terms = [t for t, s in enumerate(sets) if len(s) >= 2]
    rows = []
    for outcome in outcomes:
        values = cell_values(table, outcome, factors)
        estimate, low, high = _interval(values @ dividends[terms].T, level, resamples, seed)
        scale = np.abs(values.mean(axis=0) @ weights.T).max()
        for j, t in enumerate(terms):
            excludes_zero = bool(low[j] > 0 or high[j] < 0)
            rows.append(
                {
                    "outcome": outcome,
                    "term": " x ".join(factors[i] for i in sorted(sets[t])),
                    "order": len(sets[t]),
                    "dividend": estimate[j],
                    "low": low[j],
                    "high": high[j],
                    "matters": excludes_zero and abs(estimate[j]) >= relevance * scale,
                }
            )
    frame = pd.DataFrame(rows)
    frame["size"] = frame["dividend"].abs()
    frame = frame.sort_values(["outcome", "size"], ascending=[True, False], kind="stable")
    return frame.drop(columns="size").reset_index(drop=True)


def additivity_table(
    table: pd.DataFrame,
    outcomes: Sequence[str] = _OUTCOME_NAMES,
    factors: Sequence[str] = FACTORS,
    *,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """The full system's effect, the sum of single effects, and what interactions add.

    Returns:
        One row per outcome: ``full`` (v(N) - v({})), ``sum_of_singles``
        (sum_i v({i}) - v({})) and ``interactions`` (their difference: the sum of every
        d(T), |T| >= 2), each with ``_low``/``_high``.
    """
    k = len(factors)
    sets = subsets(k)
    dividends = dividend_matrix(k)
    full = np.zeros(2**k)
    full[-1], full[0] = 1.0, -1.0
    singles = dividends[[t for t, s in enumerate(sets) if len(s) == 1]].sum(axis=0)
    maps = np.stack([full, singles, full - singles])
    rows = []
    for outcome in outcomes:
        values = cell_values(table, outcome, factors)
        estimate, low, high = _interval(values @ maps.T, level, resamples, seed)
        row: dict[str, float | str] = {"outcome": outcome}
        for j, name in enumerate(("full", "sum_of_singles", "interactions")):
            row |= {name: estimate[j], f"{name}_low": low[j], f"{name}_high": high[j]}
        rows.append(row)
    return pd.DataFrame(rows)
