"""Figures (model/figures/): a run folder's figures, the one sampler, the one palette."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from govsim import load_scenario
from govsim.dashboard.picture import KIND_STYLE, RESIDENT_SHADES
from govsim.figures import (
    CJK_FAMILY,
    cjk_font_path,
    run_figures,
    sample_blocks,
    scorecard_comparison_figure,
    timeseries_figure,
)
from govsim.figures.palette import KIND_COLOURS
from govsim.figures.palette import RESIDENT_SHADES as PALETTE_SHADES
from govsim.runs import replicate_seeds, run_replicates
from govsim.sim.metrics import MAIN_METRICS, OBJECTIVES
from govsim.store import run_scenario
from govsim.text import NAMES, display_name, using
from govsim.text.messages import MESSAGES

from conftest import SCENARIOS, SMALL, cli_environment


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120)  # as the run store writes them
    return buffer.getvalue()


def test_run_figures_are_the_figures_of_a_run_folder(tmp_path):
    scenario = load_scenario(SCENARIOS / "baseline.yaml", SMALL)
    record = run_scenario(scenario, tmp_path / "run", progress=False, figures=run_figures)
    assert record.figures  # the run folder holds its figures
    seeds = replicate_seeds(scenario.seed, scenario.replications)
    results = run_replicates(scenario, seeds, progress=False)
    drawn = run_figures(results, scenario, seeds)
    assert sorted(drawn) == sorted(path.name for path in record.figures)
    for path in record.figures:
        assert _png(drawn[path.name]) == path.read_bytes(), path.name


def _blocks(sizes: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """block_start and first_block of communities whose blocks have these sizes."""
    block_start = np.cumsum([0, *(size for community in sizes for size in community)])
    first_block = np.cumsum([0, *map(len, sizes)])
    return block_start, first_block


def test_the_sampler_keeps_blocks_whole_or_cuts_the_last_one_to_fill_the_budget():
    sizes = [[40, 35, 50, 20], [30, 30, 45], [60, 25, 25, 25, 10]]
    block_start, first_block = _blocks(sizes)
    fixed = [3, 2, 4]

    def sample(cut: bool, seed: int = 7):
        rng = np.random.default_rng(seed)
        return sample_blocks(block_start, first_block, fixed, 150, rng, cut_last_block=cut)

    whole = sample(cut=False)
    shown = np.concatenate([residents for _, residents in whole])
    blocks = np.searchsorted(block_start, shown, side="right") - 1
    counts = np.bincount(blocks, minlength=len(block_start) - 1)
    taken = counts > 0
    assert np.array_equal(counts[taken], np.diff(block_start)[taken])  # whole blocks only
    assert shown.size + sum(fixed[c] for c, _ in whole) <= 150

    cut = sample(cut=True)
    shown = np.concatenate([residents for _, residents in cut])
    # Full, but for organisations of a next community that would not fit.
    assert 150 - max(fixed) <= shown.size + sum(fixed[c] for c, _ in cut) <= 150
    counts = np.bincount(np.searchsorted(block_start, shown, side="right") - 1)
    assert ((counts > 0) & (counts < np.diff(block_start)[: counts.size])).sum() <= 1
    again = sample(cut=True)
    assert [c for c, _ in again] == [c for c, _ in cut]  # seeded
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(again, cut, strict=True))


def test_the_dashboard_draws_with_the_figures_palette():
    for kind, (colour, *_) in KIND_STYLE.items():
        assert colour == KIND_COLOURS[kind]
    assert RESIDENT_SHADES == PALETTE_SHADES
    assert KIND_COLOURS["enterprise"] not in RESIDENT_SHADES  # orange means taking part


# --------------------------------------------------------------------------- Chinese


def _tidy(scenario: str, metrics, replicates: int = 2, steps: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = [
        {"scenario": scenario, "replicate": r, "seed": r, "step": t, "community": -1}
        | {m: float(rng.uniform()) for m in metrics}
        for r in range(replicates)
        for t in range(steps)
    ]
    return pd.DataFrame(rows)


def _texts(figure) -> list[str]:
    figure.canvas.draw()  # tick labels exist once drawn
    return [t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text()]


IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_figures_name_metrics_and_objectives_never_by_identifier_in_both_languages():
    for code in ("en", "zh"):
        with using(code):
            series = timeseries_figure(_tidy("基线", MAIN_METRICS))
            rows = [
                {"scenario": s, "replicate": r} | dict.fromkeys(OBJECTIVES, 0.5)
                for s in ("基线", "高负担社区")
                for r in range(3)
            ]
            cards = pd.DataFrame(rows)
            scorecard = scorecard_comparison_figure(cards, list(OBJECTIVES))
            texts = _texts(series) + _texts(scorecard)
        assert not [t for t in texts if IDENTIFIER.search(t)], code
        titles = {ax.get_title() for ax in series.axes if ax.get_visible()}
        assert titles == {display_name(m, code=code) for m in MAIN_METRICS}
        assert all(ax.get_ylabel() for ax in series.axes if ax.get_visible())  # units
    assert "居民满意度" in texts and "考核评价精细化" in texts and "周" in texts


CHINESE_FIGURE = """
import sys, warnings
import numpy as np
warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
import govsim
from govsim.figures import timeseries_figure
from govsim.sim.metrics import MAIN_METRICS
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
sys.path.insert(0, sys.argv[1])
from test_figures import _tidy

govsim.set_language("zh")
figure = timeseries_figure(_tidy("高负担社区", MAIN_METRICS))
canvas = FigureCanvasAgg(figure)
canvas.draw()
with_text = np.asarray(canvas.buffer_rgba()).copy()
texts = [t for t in figure.findobj(Text) if t.get_text()]
print("".join(t.get_text() for t in texts))
for t in texts:
    t.set_text("")
canvas.draw()
without = np.asarray(canvas.buffer_rgba())
print((with_text != without).any(axis=2).sum())
"""


def test_a_chinese_figure_is_drawn_with_a_cjk_font_found_with_no_configuration(tmp_path):
    # A fresh matplotlib: its own empty config and cache folder (no matplotlibrc, no
    # font cache), as a new user's machine has.
    done = subprocess.run(
        [sys.executable, "-c", CHINESE_FIGURE, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        env={**cli_environment(), "MPLCONFIGDIR": str(tmp_path), "MPLBACKEND": "Agg"},
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr  # any missing-glyph warning is an error
    text, changed = done.stdout.splitlines()[-2:]
    assert "高负担社区" in text and "居民满意度" in text
    assert int(changed) > 5_000  # the text is really drawn: pixels that only it sets
    # Every Chinese character drawn is a glyph of the font matplotlib resolves.
    path = font_manager.findfont(FontProperties(family=CJK_FAMILY), fallback_to_default=False)
    assert Path(path) == cjk_font_path()
    charmap = FT2Font(path).get_charmap()
    assert {c for c in text if ord(c) > 0x2E80} <= {chr(code) for code in charmap}


def test_every_chinese_name_and_message_has_a_glyph_in_the_cjk_font():
    charmap = {chr(code) for code in FT2Font(str(cjk_font_path())).get_charmap()}
    written = "".join(f"{n.zh}{n.unit_zh}" for n in NAMES.values())
    written += "".join(chinese for _, chinese in MESSAGES.values())
    assert {c for c in written if ord(c) > 0x2E80} - charmap == set()
