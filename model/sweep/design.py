"""Designs: which points a sweep runs, sampled by SALib where the design is sampled.

Core objects: ``design_size`` (how many points a design has, before any is drawn),
``problem`` (SALib's problem: parameter names and sampling bounds), ``sample``
(SALib's sample of a sampled design, seeded with the sweep's root seed) and
``design_points`` (the design table, one row per design point, with the raw sample).
``govsim.sweep.indices`` is the analysing half of the pair.

Designs (sampling by SALib, Herman & Usher 2017, doi:10.21105/joss.00097):

- ``grid``: every combination of the parameters' levels (the first parameter varies
  slowest). A list gives its levels; ``{low, high, levels}`` gives ``levels`` evenly
  spaced values from ``low`` to ``high``.
- ``lhs``: Latin hypercube, ``samples`` points (McKay, Beckman & Conover 1979).
- ``sobol``: Saltelli's extension of Sobol' sequences, ``samples`` = N base points (a
  power of 2), N (D + 2) design points, or N (2D + 2) with ``second_order``
  (Saltelli 2002, doi:10.1016/S0010-4655(02)00280-1; Saltelli et al. 2010).
- ``morris``: ``samples`` = r trajectories of D + 1 points on a ``morris_levels`` grid
  (Morris 1991, doi:10.1080/00401706.1991.10484804; Campolongo et al. 2007).

How a sampled number becomes a scenario value: ``govsim.sweep.parameters``. The design
table holds the values applied to the scenario; the raw SALib sample, which the
sensitivity analysis uses, is kept beside them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from SALib.sample import latin, morris, sobol

from govsim.sweep.parameters import Parameter
from govsim.sweep.spec import SweepSpec

__all__ = ["SAMPLES_MEAN", "design_points", "design_size", "problem", "sample"]

#: What ``samples`` means in each sampled design (for messages).
SAMPLES_MEAN = {
    "lhs": "the number of points",
    "sobol": "N base points, a power of 2; the design has N (D + 2) points",
    "morris": "the number of trajectories r; the design has r (D + 1) points",
}

_SIZES = {
    "lhs": lambda n, d, second: n,
    "sobol": lambda n, d, second: n * (2 * d + 2 if second else d + 2),
    "morris": lambda n, d, second: n * (d + 1),
}


def problem(parameters: Sequence[Parameter]) -> dict[str, Any]:
    """The SALib problem: parameter names and sampling bounds (``Parameter.bounds``)."""
    return {
        "num_vars": len(parameters),
        "names": [parameter.path for parameter in parameters],
        "bounds": [parameter.bounds() for parameter in parameters],
    }


def design_size(spec: SweepSpec, parameters: Sequence[Parameter]) -> int:
    """The number of design points, known before anything is drawn."""
    if spec.design == "grid":
        return math.prod(len(parameter.grid()) for parameter in parameters)
    return _SIZES[spec.design](spec.samples or 0, len(parameters), spec.second_order)


def sample(spec: SweepSpec, salib_problem: dict[str, Any], seed: int) -> np.ndarray:
    """SALib's sample of a sampled design (lhs, sobol, morris), seeded with ``seed``."""
    if spec.design == "lhs":
        return latin.sample(salib_problem, spec.samples, seed=seed)
    if spec.design == "sobol":
        return sobol.sample(
            salib_problem,
            spec.samples,
            calc_second_order=spec.second_order,
            scramble=True,
            seed=seed,
        )
    return morris.sample(salib_problem, spec.samples, num_levels=spec.morris_levels, seed=seed)


def design_points(
    spec: SweepSpec, parameters: Sequence[Parameter], seed: int
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The design table (index ``design_point``, a column per parameter) and the sample.

    The sample is SALib's (design points x parameters) for lhs, sobol and morris, None
    for a grid.
    """
    names = [parameter.path for parameter in parameters]
    if spec.design == "grid":
        rows = list(itertools.product(*(parameter.grid() for parameter in parameters)))
        drawn = None
    else:
        drawn = sample(spec, problem(parameters), seed)
        columns = [p.apply(drawn[:, i]) for i, p in enumerate(parameters)]
        rows = list(zip(*columns, strict=True))
    design = pd.DataFrame(rows, columns=names)
    design.index.name = "design_point"
    return design, drawn
