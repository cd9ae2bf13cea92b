"""Mean-field equilibria of discrete choice with social interactions (Brock & Durlauf 2001).

Core objects: ``equilibria`` (every solution of s = sigmoid(a + w s), each marked
stable or not), ``reached`` (the equilibrium the mean-field dynamics reaches from a
starting share), ``branches`` (the stable and unstable branches along a line of (a, w),
for figures), ``bistable_window`` (the interval of a with two stable equilibria)
and ``BAND`` (the acceptance band of the docking check).

Brock & Durlauf (2001, Rev. Econ. Stud. 68:235-260, doi:10.1111/1467-937X.00168):
choices omega in {-1, 1}, utility h omega + J omega m^e plus extreme-value errors of
intensity beta; with rational expectations the mean choice m solves
m = tanh(beta h + beta J m). One equilibrium when beta J < 1; when beta J > 1, three
(two stable) while |beta h| is below a threshold, one otherwise. In shares
s = (1 + m) / 2 taking part, P(omega = 1) = sigmoid(2 beta (h + J m)) becomes
s = sigmoid(a + w s) with a = 2 beta (h - J) and w = 4 beta J: beta J > 1 is w > 4,
and h = 0 is a = -w / 2 (the symmetric case).

govsim's logit rule with every weight 0 but the intercept a and the neighbour weight w,
on a complete graph, takes part with P = sigmoid(a + w N_i), N_i the share of the
others who took part last week: the synchronous map s(t + 1) = sigmoid(a + w s(t)) plus
binomial noise. Its fixed points are the equilibria above, the stable ones those with
w s (1 - s) < 1, and because the map is increasing it converges monotonically to the
stable equilibrium of the basin its start lies in (``reached``).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit

__all__ = ["BAND", "bistable_window", "branches", "equilibria", "reached"]

#: Acceptance band: |govsim's mean share - the equilibrium| <= BAND (docs/VALIDATION.md).
BAND = 0.02


def _gap(s: float, a: float, w: float) -> float:
    return float(expit(a + w * s) - s)


def equilibria(a: float, w: float) -> list[tuple[float, bool]]:
    """Every solution of s = sigmoid(a + w s) in [0, 1], ascending, with its stability.

    Stable when the map's slope there, w s (1 - s), is below 1. Found by bracketing
    sign changes on a fine grid and Brent's method (a root on a grid point counts once).
    Exactly on a fold the two roots touch and are missed; the docking grid keeps away
    from the folds.
    """
    grid = np.linspace(0.0, 1.0, 20_001)
    values = expit(a + w * grid) - grid
    roots = [float(grid[i]) for i in np.flatnonzero(values == 0.0)]
    roots += [
        brentq(_gap, grid[i], grid[i + 1], args=(a, w), xtol=1e-14)
        for i in np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    ]
    unique: list[float] = []
    for root in sorted(roots):
        if not unique or root - unique[-1] > 1e-9:
            unique.append(root)
    return [(s, w * s * (1.0 - s) < 1.0) for s in unique]


def reached(a: float, w: float, start: float) -> float:
    """The stable equilibrium the mean-field map s <- sigmoid(a + w s) reaches from ``start``.

    The map is increasing, so it moves monotonically towards the nearest fixed point in
    the direction of sigmoid(a + w start) - start: the stable equilibrium whose basin
    holds ``start`` (the basins are split at the unstable equilibria).
    """
    roots = equilibria(a, w)
    rising = _gap(start, a, w) > 0
    ahead = [s for s, _ in roots if (s >= start if rising else s <= start)]
    return min(ahead) if rising else max(ahead)


def bistable_window(w: float) -> tuple[float, float] | None:
    """The open interval of a with two stable equilibria (None when w <= 4).

    At a fold the curve touches the diagonal with slope 1: w s (1 - s) = 1, so
    s = (1 +- sqrt(1 - 4 / w)) / 2 and a = logit(s) - w s.
    """
    if w <= 4.0:
        return None
    root = np.sqrt(1.0 - 4.0 / w)
    folds = [float(np.log(s / (1.0 - s)) - w * s) for s in ((1.0 - root) / 2.0, (1.0 + root) / 2.0)]
    return min(folds), max(folds)


def branches(a: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Along the points (a[j], w[j]): the lower and upper stable equilibria and the unstable one.

    Where there is one equilibrium, lower = upper = it and unstable is NaN; where there
    are three, the middle one is unstable.
    """
    low, high, unstable = (np.full(len(a), np.nan) for _ in range(3))
    for j, (aj, wj) in enumerate(zip(a, w, strict=True)):
        roots = equilibria(float(aj), float(wj))
        stable = [s for s, ok in roots if ok]
        if stable:
            low[j], high[j] = stable[0], stable[-1]
        middle = [s for s, ok in roots if not ok]
        if middle and len(stable) == 2:
            unstable[j] = middle[0]
    return low, high, unstable
