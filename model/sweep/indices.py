"""Sensitivity indices of a sweep's outcomes to its parameters: SALib's analysers.

Core objects: ``sobol_indices`` and ``morris_indices`` (one outcome, SALib's
``analyze``), ``indices`` (every metric of a sobol or morris sweep, one tidy table:
sensitivity.csv), ``SOBOL_COLUMNS`` and ``MORRIS_COLUMNS``. ``govsim.sweep.design``
is the sampling half of the pair; the figure of the indices is drawn upstream
(``sensitivity_figure``), never here.

Sobol' indices (Sobol' 2001, doi:10.1016/S0378-4754(00)00270-6; estimators of
Saltelli et al. 2010, doi:10.1016/j.cpc.2009.09.018, as SALib's ``sobol.analyze``):

    S1_i = V[E(Y | X_i)] / V(Y)            first order: the share of the variance of Y
                                           that X_i explains alone
    ST_i = E[V(Y | X_~i)] / V(Y)           total: alone and in every interaction

``S1_conf`` and ``ST_conf`` are half-widths of bootstrap confidence intervals (95%
by default): the index is ``S1 +- S1_conf``.

Morris elementary effects (Morris 1991, doi:10.1080/00401706.1991.10484804;
mu* of Campolongo, Cariboni & Saltelli 2007, doi:10.1016/j.envsoft.2006.10.004):

    EE_i = [Y(x + delta e_i) - Y(x)] / delta   along each trajectory, x scaled to
                                               [0, 1] by the parameter's bounds
    mu = mean EE_i,  mu* = mean |EE_i|,  sigma = sd EE_i

With x scaled to the unit range, mu* is the change of Y over a parameter's whole
range, so parameters in different units compare directly (y = 3a - 0.5b with b in
[0, 10] gives mu* 3 for a and 5 for b). mu* ranks the parameters by influence; a
large sigma against mu* means interactions or a non-linear effect;
``mu_star_conf`` is a bootstrap half-width.

The outcome Y of a design point is the mean of a metric over its replicates at the
final step (the sweep's summary.csv). Replicates run with their own seeds, so the
noise that remains in that mean is variance no parameter explains: it lowers S1,
and it adds to every ST and to sigma. More replications shrink it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol

from govsim.sweep.sweep import Sweep

__all__ = ["MORRIS_COLUMNS", "SOBOL_COLUMNS", "indices", "morris_indices", "sobol_indices"]

#: Columns of a Sobol table, after method, metric and parameter.
SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
#: Columns of a Morris table, after method, metric and parameter.
MORRIS_COLUMNS = ("mu", "mu_star", "mu_star_conf", "sigma")


def sobol_indices(
    problem: dict[str, Any],
    outcome: np.ndarray,
    *,
    second_order: bool = False,
    conf_level: float = 0.95,
    resamples: int = 1000,
    seed: int | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol' indices of one outcome (SALib ``sobol.analyze``).

    Args:
        problem: SALib's problem (``names``, ``bounds``) of the Saltelli sample.
        outcome: one value per row of the sample, in its order.
        second_order: the sample was drawn with second-order rows; also return S2.
        conf_level: level of the bootstrap intervals.
        resamples: bootstrap resamples.
        seed: seed of the bootstrap.

    Returns:
        One row per parameter: parameter, S1, S1_conf, ST, ST_conf; with
        ``second_order`` also one row per pair (``parameter`` "a x b"): S2, S2_conf.
    """
    found = sobol.analyze(
        problem,
        np.asarray(outcome, dtype=float),
        calc_second_order=second_order,
        num_resamples=resamples,
        conf_level=conf_level,
        seed=seed,
    )
    names = list(problem["names"])
    table = pd.DataFrame({"parameter": names, **{k: np.asarray(found[k]) for k in SOBOL_COLUMNS}})
    if not second_order:
        return table
    pairs = [
        {
            "parameter": f"{names[i]} x {names[j]}",
            "S2": float(found["S2"][i, j]),
            "S2_conf": float(found["S2_conf"][i, j]),
        }
        for i in range(len(names))
        for j in range(i + 1, len(names))
    ]
    return pd.concat([table, pd.DataFrame(pairs)], ignore_index=True)


def morris_indices(
    problem: dict[str, Any],
    sample: np.ndarray,
    outcome: np.ndarray,
    *,
    levels: int = 4,
    conf_level: float = 0.95,
    resamples: int = 1000,
    seed: int | None = None,
) -> pd.DataFrame:
    """Morris elementary-effect statistics of one outcome (SALib ``morris.analyze``).

    Args:
        problem: SALib's problem of the Morris sample.
        sample: the sample itself (trajectories, in SALib's order).
        outcome: one value per row of the sample.
        levels: the Morris grid's levels (as sampled).
        conf_level: level of the bootstrap interval of mu*.
        resamples: bootstrap resamples.
        seed: seed of the bootstrap.

    Returns:
        One row per parameter: parameter, mu, mu_star, mu_star_conf, sigma.
    """
    found = morris.analyze(
        problem,
        np.asarray(sample, dtype=float),
        np.asarray(outcome, dtype=float),
        num_resamples=resamples,
        conf_level=conf_level,
        num_levels=levels,
        seed=seed,
    )
    return pd.DataFrame(
        {"parameter": list(problem["names"]), **{k: np.asarray(found[k]) for k in MORRIS_COLUMNS}}
    )


def indices(sweep: Sweep, summary: pd.DataFrame, *, resamples: int = 1000) -> pd.DataFrame:
    """The indices of every metric of a sobol or morris sweep (sensitivity.csv).

    Args:
        sweep: the sweep (its design kind, SALib problem and sample).
        summary: its summary (``govsim.sweep.write_tables``): the outcome of a design
            point is the ``mean`` of a metric over its replicates.
        resamples: bootstrap resamples of the confidence intervals.

    Returns:
        Tidy: method, metric, parameter, then ``SOBOL_COLUMNS`` (and S2, S2_conf with
        second order) or ``MORRIS_COLUMNS``, then ``note``: why a metric has no
        indices (design points without a value, e.g. all their runs failed, or a
        metric undefined at the end).
    """
    if sweep.kind not in ("sobol", "morris") or sweep.sample is None:
        raise ValueError(f"sensitivity indices need a sobol or morris design, not {sweep.kind}")
    problem = sweep.problem()
    parts = []
    for metric in sweep.metrics:
        rows = summary[summary["metric"] == metric].sort_values("design_point")
        outcome = rows["mean"].to_numpy(dtype=float)
        missing = int(np.isnan(outcome).sum())
        if len(outcome) != sweep.points or missing:
            table = pd.DataFrame({"parameter": sweep.names})
            table["note"] = (
                f"not computed: {missing or sweep.points - len(outcome)} of {sweep.points} "
                "design points have no value of this metric"
            )
        elif sweep.kind == "sobol":
            table = sobol_indices(
                problem,
                outcome,
                second_order=sweep.spec.second_order,
                resamples=resamples,
                seed=sweep.seed,
            )
        else:
            table = morris_indices(
                problem,
                sweep.sample,
                outcome,
                levels=sweep.spec.morris_levels,
                resamples=resamples,
                seed=sweep.seed,
            )
        table.insert(0, "metric", metric)
        table.insert(0, "method", sweep.kind)
        parts.append(table)
    columns = SOBOL_COLUMNS if sweep.kind == "sobol" else MORRIS_COLUMNS
    if sweep.kind == "sobol" and sweep.spec.second_order:
        columns = (*columns, "S2", "S2_conf")
    table = pd.concat(parts, ignore_index=True)
    return table.reindex(columns=["method", "metric", "parameter", *columns, "note"])
