"""Docking suite: govsim, with its governance layers off, reproduces four published models.

Core objects: ``run_validation`` (what ``govsim validate`` calls: run everything,
write the report, return the exit code), ``run_docking`` (run everything, return the
numbers and the acceptance checks), ``Plan`` (how much to run: ``FULL`` or
``QUICK``), ``Check`` (one published result against govsim's number). By module:
``plans`` (plans and tasks), ``tasks`` (one model run), ``checks`` (the results and
the acceptance checks), ``mean_field`` (the analytic equilibria of Brock & Durlauf),
``report`` (report.md, results.json, the figures, drawn by ``govsim.figures.docking``)
and ``suite`` (running it all).

Docking (Axtell, Axelrod, Epstein & Cohen 1996, Comput. Math. Organ. Theory 1:123,
doi:10.1007/BF01299065) asks whether a model, set up like a published one, gives
that model's results. The four scenarios in scenarios/docking/ switch every
governance layer off (every term of the governance utility at rest, docs/ODD.md 7.4)
and keep the ties fixed, so the weekly step reduces exactly to:

1. the networked public goods game (Santos, Santos & Pacheco 2008, Nature 454:213,
   doi:10.1038/nature06940): ``decision.rule: imitation`` on Barabasi-Albert
   (scale-free) and random regular graphs of mean degree z = 4, for both cost
   schemes; share of cooperators against eta = r / (z + 1);
2. the bounded-confidence model (Deffuant, Neau, Amblard & Weisbuch 2000, Adv.
   Complex Syst. 3:87, doi:10.1142/S0219525900000078), twice: informal exchanges
   between random pairs, and the exchange of a deliberation meeting (the meeting
   kernel ``kernels.deliberate_agenda``: attendees paired anew every round); number
   of opinion clusters against the confidence bound d;
3. discrete choice with social interactions (Brock & Durlauf 2001, Rev. Econ. Stud.
   68:235, doi:10.1111/1467-937X.00168): the logit rule with only an intercept a and
   the neighbour weight w, on a complete graph (mean field), from a low and a high
   start; the share taking part against the equilibria of s = sigmoid(a + w s);
4. the threshold model (Granovetter 1978, Am. J. Sociol. 83:1420,
   doi:10.1086/226707): thresholds 0..99 among 100, and the same with the single
   threshold 1 moved to 2.

Acceptance bands (``Check``; a failed check makes ``run_validation`` return 1), each
fixed before the runs it judges (docs/VALIDATION.md gives the reasons):

- public goods game, from the paper's claims (its Fig. 1 was not digitised):
  on regular graphs cooperators die out (mean share < 0.05) for every eta <= 0.6;
  on scale-free graphs with cost per individual cooperators prevail (mean share
  >= 0.5) at some eta <= 0.6, well below 1, where regular graphs have none
  (< 0.05); cooperation
  sets in (first eta of the grid with mean share >= 0.1) at a lower eta on
  scale-free graphs with cost per individual than with cost per game, and with cost
  per game than on regular graphs; on regular graphs cooperators prevail (>= 0.5)
  at eta = 1;
- bounded confidence, in both formats: about floor(1 / (2d)) major clusters (1 from
  d = 1/2 on): the mean over replicates lies within 1 of it for every d (the
  published rule's own band; an earlier widening to 15% at d < 0.1, made after
  seeing a result, is withdrawn); the mean never rises with d by more than 0.5; every
  replicate ends in consensus (one cluster) for every d >= 0.5;
- mean field: the mean share over the last weeks lies within 0.02 of the equilibrium
  the start leads to, at every (a, w) and both starts; at a = -w/2 the two starts
  end apart (two stable equilibria) exactly when w > 4;
- threshold cascade, exact: 100 take part, one more each week (all 100 in week
  100); after the change exactly 1 takes part, in every week.

Runs are tasks (one model each) on the shared executors of model/runs/;
replicate r of every curve uses the same seed, so the scale-free curves of both
cost schemes share their graphs and initial cooperators (common random numbers).
Absorbing states stop a public goods run early (nobody can copy a choice nobody
holds) and settled opinions stop a Deffuant run, or a meeting, early (``settled``:
groups d or more apart never meet again, and each group narrower than d ends as one
cluster): both give the numbers the full horizon would give.
"""

from govsim.validation.checks import (
    Check,
    DockingResults,
    acceptance_checks,
    cluster_band,
    published_clusters,
)
from govsim.validation.plans import DOCKING_SCENARIOS, FULL, PGG_CURVES, QUICK, Plan
from govsim.validation.report import write_report
from govsim.validation.suite import run_docking, run_validation, verdict
from govsim.validation.tasks import settled

__all__ = [
    "DOCKING_SCENARIOS",
    "FULL",
    "PGG_CURVES",
    "QUICK",
    "Check",
    "DockingResults",
    "Plan",
    "acceptance_checks",
    "cluster_band",
    "published_clusters",
    "run_docking",
    "run_validation",
    "settled",
    "verdict",
    "write_report",
]
