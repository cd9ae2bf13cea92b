"""Every figure of govsim (matplotlib, Agg, no pyplot state): data in, ``Figure`` out.

Core objects, by module:

- ``run``: ``timeseries_figure`` (the main metrics per week, mean over replicates
  with a 95% Student-t band) and ``run_figures`` (what a run folder's figures/ holds);
- ``network``: ``network_figure`` (the community graph coloured by kind of subject)
  and the one sampler of big networks, ``sample_blocks`` (``network_sample`` for a
  networkx graph), which the dashboard shares;
- ``comparison`` (``govsim compare``): ``comparison_timeseries_figure``,
  ``distributions_figure``, ``scorecard_comparison_figure``, ``effect_size_figure``,
  ``difference_heatmap_figure`` and ``comparison_figures`` (the files it writes);
- ``sweep``: ``sweep_heatmap_figure`` (a two-parameter grid sweep);
- ``sensitivity``: ``sensitivity_figure`` (a sobol or morris sweep's indices);
- ``docking`` (``govsim validate``): ``pgg_figure``, ``deffuant_figure``,
  ``brock_durlauf_figure``, ``cascade_figure``;
- ``factorial``: ``shapley_figure`` and ``interaction_figure`` (the decomposition of
  the innovations under each decision rule, docs/ROBUSTNESS.md);
- ``palette``: the one palette of the figures and the dashboard (``KIND_COLOURS``);
- ``fonts``: the CJK font Chinese text is drawn in (``use_cjk_fallback``).

Every title, axis label and legend is in the language in force (``govsim.text``:
``govsim.set_language``, ``GOVSIM_LANG``, ``--lang``) and names metrics, objectives
and parameters by their display names, never by identifiers; an axis says its unit.

Figures are built on ``matplotlib.figure.Figure`` directly, never through pyplot, so
no display is needed. The one global setting is the CJK fallback font, added to
matplotlib's ``font.family`` when this package is imported (``fonts``). Saving is the
store's job.
"""

from govsim.figures.comparison import (
    comparison_figures,
    comparison_timeseries_figure,
    difference_heatmap_figure,
    distributions_figure,
    effect_size_figure,
    scorecard_comparison_figure,
)
from govsim.figures.docking import (
    brock_durlauf_figure,
    cascade_figure,
    deffuant_figure,
    pgg_figure,
)
from govsim.figures.factorial import interaction_figure, shapley_figure
from govsim.figures.fonts import CJK_FAMILY, cjk_font_path, use_cjk_fallback
from govsim.figures.network import network_figure, network_sample, sample_blocks
from govsim.figures.palette import KIND_COLOURS
from govsim.figures.run import run_figures, timeseries_figure
from govsim.figures.sensitivity import sensitivity_figure
from govsim.figures.sweep import sweep_heatmap_figure

use_cjk_fallback()

__all__ = [
    "CJK_FAMILY",
    "KIND_COLOURS",
    "brock_durlauf_figure",
    "cascade_figure",
    "cjk_font_path",
    "comparison_figures",
    "comparison_timeseries_figure",
    "deffuant_figure",
    "difference_heatmap_figure",
    "distributions_figure",
    "effect_size_figure",
    "interaction_figure",
    "network_figure",
    "network_sample",
    "pgg_figure",
    "run_figures",
    "sample_blocks",
    "scorecard_comparison_figure",
    "sensitivity_figure",
    "shapley_figure",
    "sweep_heatmap_figure",
    "timeseries_figure",
    "use_cjk_fallback",
]
