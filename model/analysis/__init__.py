"""Analysis of stored runs: scenario comparison with its uncertainty, for analysts.

Core objects, by module:

- ``run_folders``: ``Run`` (a completed run folder, read back), ``load_runs``
  (several of them, checked), ``AnalysisError`` (bad input: the CLI exits with 2);
- ``replicates``: ``replicate_values`` (one number per replicate and metric),
  ``describe`` (mean, sd and 95% CI per scenario);
- ``comparison``: ``compare`` (every scenario against a baseline: difference, effect
  size, test, multiple-comparison correction and the replications needed);
- ``sweeps``: ``summarise_sweep`` and ``main_effect`` (the same robust summary for a
  stored sweep, and a grid parameter's main effect);
- ``report``: ``format_comparison``, ``check_output_folder`` and
  ``save_comparison`` (what ``govsim compare`` prints and writes).

``replications_needed`` (power analysis), ``hedges_g`` and ``holm`` (Holm's
step-down correction) are govsim.stats', exported here too.

Data flow: this package reads what ``govsim run`` stored (model/store/) and never
runs the model. Figures are drawn by model/figures/ from the frames computed here
(``govsim.figures.comparison_figures`` draws what ``govsim compare`` writes).

**What is compared.** Each replicate gives one number per metric, and the
replicates of a scenario are independent draws, so all statistics are over
replicates (n = replications), never over weeks. Two summaries of a replicate:

- ``final``: the metric at the final week;
- ``last``: the mean of the metric over the last ``k`` weeks of the replicate.

Several metrics are periodic (joint activities and deliberation meetings come every
4 weeks, assessments and chair terms every 13), so the final week alone can fall on
an activity week for one horizon and not for another, and a single week is noisy.
The mean over the last ``k`` weeks is the robust summary, and the tests use it by
default (``at="last"``). Choose ``k`` a multiple of the activity and meeting
intervals (the default 12 covers three 4-week cycles), so that every window holds
the same number of activity weeks. Scorecard entries (``scorecard.<name>``) are one
end-of-run value per replicate; both summaries are that value.

**Statistics** (for scenario A against baseline B, replicate summaries x_A, x_B):

- Mean and its 95% CI: mean +- t(0.975, n - 1) sd / sqrt(n) (Student).
- Difference of means with Welch's 95% CI: (mean_A - mean_B) +- t(0.975, nu) SE,
  SE = sqrt(s_A^2/n_A + s_B^2/n_B), nu the Welch-Satterthwaite degrees of freedom
  (Welch 1947), from ``scipy.stats.ttest_ind(equal_var=False)``.
- Effect size: Hedges' g = J d, d = (mean_A - mean_B) / s_p, s_p the pooled sd,
  J = 1 - 3 / (4 (n_A + n_B) - 9) (small-sample correction); 95% CI
  g +- 1.96 sqrt((n_A + n_B)/(n_A n_B) + g^2 / (2 (n_A + n_B))) (Hedges & Olkin
  1985; Borenstein et al. 2009, eq. 4.18-4.24).
- The test, chosen per comparison by this rule: Welch's t-test when both samples
  have at least 3 replicates, some spread, and look normal (Shapiro-Wilk p > 0.05
  in each; Shapiro & Wilk 1965); otherwise the Mann-Whitney U test (two-sided,
  exact for small samples without ties; Mann & Whitney 1947). With few replicates
  Shapiro-Wilk has little power, so Welch is chosen unless non-normality is plain;
  Welch's test is robust to moderate non-normality at equal n.
- Multiple comparisons: one family per ``compare`` call (every metric x every
  scenario against the baseline); Holm's step-down correction by default (controls
  the family-wise error rate; Holm 1979), or Benjamini-Hochberg (controls the false
  discovery rate; Benjamini & Hochberg 1995). Two scenarios are *told apart* when
  the adjusted p-value is under ``alpha`` (0.05).
- Replications needed: the smallest n per scenario for which a two-sided
  two-sample t-test detects an effect of the observed size |g| with 80% power, at
  the level alpha/m (m comparisons in the family): the Bonferroni level, the
  strictest that Holm's procedure (and Benjamini-Hochberg's) ever applies, so n
  suffices whatever the comparison's rank. Power from the noncentral t
  distribution: P(|T| > t(1 - a/2, 2n - 2)), T ~ t'(2n - 2, g sqrt(n/2)) (Cohen
  1988, ch. 2). The observed effect is itself uncertain, so n is a guide, not a
  guarantee. Where the rank test is used, n is divided by its worst-case
  efficiency relative to the t-test, 0.864 (Hodges & Lehmann 1956), and is at least
  the smallest n whose exact test can reach alpha/m at all (2 / C(2n, n) <= alpha/m).

References:
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B
    57:289-300. doi:10.1111/j.2517-6161.1995.tb02031.x
    Borenstein, M., Hedges, L. V., Higgins, J. P. T. & Rothstein, H. R. (2009).
    Introduction to Meta-Analysis. Wiley. doi:10.1002/9780470743386
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed.
    Hedges, L. V. & Olkin, I. (1985). Statistical Methods for Meta-Analysis.
    Academic Press.
    Hodges, J. L. & Lehmann, E. L. (1956). The efficiency of some nonparametric
    competitors of the t-test. Ann. Math. Statist. 27:324-335.
    doi:10.1214/aoms/1177728261
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scand.
    J. Statist. 6:65-70.
    Mann, H. B. & Whitney, D. R. (1947). Ann. Math. Statist. 18:50-60.
    doi:10.1214/aoms/1177730491
    Shapiro, S. S. & Wilk, M. B. (1965). Biometrika 52:591-611. doi:10.2307/2333709
    Welch, B. L. (1947). Biometrika 34:28-35. doi:10.2307/2332510
"""

from govsim.analysis.comparison import DEFAULT_METRICS, compare
from govsim.analysis.replicates import DEFAULT_LAST, describe, replicate_values
from govsim.analysis.report import check_output_folder, format_comparison, save_comparison
from govsim.analysis.run_folders import AnalysisError, Run, load_runs
from govsim.analysis.sweeps import main_effect, summarise_sweep
from govsim.stats import hedges_g, holm, replications_needed

__all__ = [
    "DEFAULT_LAST",
    "DEFAULT_METRICS",
    "AnalysisError",
    "Run",
    "check_output_folder",
    "compare",
    "describe",
    "format_comparison",
    "hedges_g",
    "holm",
    "load_runs",
    "main_effect",
    "replicate_values",
    "replications_needed",
    "save_comparison",
    "summarise_sweep",
]
