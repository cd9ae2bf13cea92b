"""Figures (model/figures/): a run folder's figures, the one sampler, the one palette."""

from __future__ import annotations

import io

import numpy as np

from govsim import load_scenario
from govsim.dashboard.picture import KIND_STYLE, RESIDENT_SHADES
from govsim.figures import run_figures, sample_blocks
from govsim.figures.palette import KIND_COLOURS
from govsim.figures.palette import RESIDENT_SHADES as PALETTE_SHADES
from govsim.runs import replicate_seeds, run_replicates
from govsim.store import run_scenario

from conftest import SCENARIOS, SMALL


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
