"""Compiled kernels: the inner loops of the weekly step that read every tie or every attendee.

Core objects: one numba-compiled function per rule, each called from the module that owns
the rule (the rule itself is stated there and in docs/ODD.md; the docstring here says which):

- ``row_sums``: each resident's summed tie strength (``TieEditor.strength``);
- ``member_sums``: the summed strength of each resident's ties to a set of residents
  (the neighbour share of submodels.neighbour_share and the co-participant share of
  submodels.co_participant_share);
- ``reinforce_and_decay``: the weekly tie update (submodels.update_ties) in one pass,
  which also yields the two sums above for the new strengths; ``update_row_sums``
  takes both afresh for the rows that gained ties;
- ``update_wellbeing``: satisfaction, trust and efficacy (submodels.update_wellbeing);
- ``shares``, ``log_miss``, ``reached`` and ``take_part``: the neighbour share, the
  mobilisation sums and draws (submodels.mobilise) and the record of who takes part,
  habits and histories (GovernanceModel._take_part);
- ``private_utility``: the private part of the participation utility (decision/base.py);
- ``points_reward`` and ``award_points``: the expected reward of points and the points
  ledger (mechanisms/integral_scoring.py);
- ``upper_ties`` and ``largest_recent_components``: the edge list, and the largest
  connected group of recent participants, overall and per community (a union-find;
  metrics.active_component_share, district.community_metrics);
- ``ties_across_blocks``: per resident, its ties to other blocks (bridging_tie_share);
- ``deliberate_agenda``: a deliberation meeting's rounds of bounded-confidence exchange
  on every issue of its agenda, and each issue's agreement (mechanisms/deliberation.py);
- ``add_ties`` and ``add_entries``: new ties slotted into the resident tie matrix and
  the unit tie matrix (TieEditor.add_resident_ties, TieEditor.add_unit_ties);
- ``segment_counts`` and ``grouped_gini``: per-community counts, and the Gini of small
  counts per community (district.community_metrics);
- ``ranked_products`` and ``opinion_groups``: the sorted terms behind points_gini and the
  groups behind opinion_clusters (metrics.gini, metrics.opinion_clusters), without a
  sort when the values allow it.

The model's numpy code was written first and is still the reference: tests/test_kernels.py
checks every kernel against a plain per-agent loop, and tests/test_equivalence.py checks
that runs give what they gave before. The kernels draw no random numbers (every draw is
made with the model's numpy Generator, in the same order as before), and they add in the
same order as the numpy and scipy calls they replace (``_pairwise_sum`` replays numpy's
pairwise summation), so a run's numbers are unchanged, bit for bit.

Compiled with numba (``cache=True``: once per machine, then loaded from ``__pycache__``;
docs/PERFORMANCE.md gives the cost of the first run). No fast-math: every operation is the
IEEE operation the Python expression names.
"""

from __future__ import annotations

from govsim.sim.kernels.counts import (
    grouped_gini,
    opinion_groups,
    ranked_products,
    segment_counts,
)
from govsim.sim.kernels.meetings import (
    deliberate_agenda,
)
from govsim.sim.kernels.residents import (
    award_points,
    log_miss,
    points_reward,
    private_utility,
    reached,
    shares,
    take_part,
    update_wellbeing,
)
from govsim.sim.kernels.ties import (
    add_entries,
    add_ties,
    largest_recent_components,
    member_sums,
    reinforce_and_decay,
    row_sums,
    ties_across_blocks,
    update_row_sums,
    upper_ties,
)

__all__ = [
    "add_entries",
    "add_ties",
    "award_points",
    "deliberate_agenda",
    "grouped_gini",
    "largest_recent_components",
    "log_miss",
    "member_sums",
    "opinion_groups",
    "points_reward",
    "private_utility",
    "ranked_products",
    "reached",
    "reinforce_and_decay",
    "row_sums",
    "segment_counts",
    "shares",
    "take_part",
    "ties_across_blocks",
    "update_row_sums",
    "update_wellbeing",
    "upper_ties",
]
