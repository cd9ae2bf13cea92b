"""Runs: replicate seeds, one replicate, serial and parallel runs, summaries, a stored run."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from govsim import GovernanceModel, Scenario
from govsim.figures import network_figure, network_sample, run_figures, timeseries_figure
from govsim.runs import (
    ID_COLUMNS,
    Replicate,
    Replicates,
    SerialExecutor,
    ci_half_widths,
    interruption_behind,
    replicate_seeds,
    run_replicate,
    run_replicates,
    simulate,
    summarise,
)
from govsim.sim.metrics import METRICS, OBJECTIVES
from govsim.store import read_manifest, run_scenario

from conftest import SMALL


@pytest.fixture(scope="module")
def small():
    return Scenario().with_overrides(SMALL)


# --------------------------------------------------------------------------- seeds


def test_replicate_seeds_are_spawned_reproducibly_and_independent_of_their_number():
    seeds = replicate_seeds(20190601, 5)
    assert seeds == replicate_seeds(20190601, 5)
    assert replicate_seeds(20190601, 8)[:5] == seeds  # more replicates keep the first ones
    assert len(set(seeds)) == 5
    assert all(0 <= seed < 2**63 for seed in seeds)
    assert replicate_seeds(1, 5) != seeds
    expected = np.random.SeedSequence(20190601).spawn(5)[3].generate_state(1, np.uint64)[0]
    assert seeds[3] == int(expected) >> 1


# --------------------------------------------------------------------------- one replicate


def test_one_replicate_is_a_tidy_frame_that_its_seed_reproduces(small):
    frame = run_replicate(small, 4, 12345)
    assert list(frame.columns) == [*ID_COLUMNS, *METRICS]
    assert frame["step"].tolist() == list(range(small.steps + 1))
    assert (frame["replicate"] == 4).all() and (frame["seed"] == 12345).all()
    assert (frame["scenario"] == small.name).all()
    alone = GovernanceModel(small, rng=12345, agent_interval=0).run().metrics_frame()
    np.testing.assert_array_equal(frame[list(METRICS)].to_numpy(), alone[list(METRICS)].to_numpy())


# --------------------------------------------------------------------------- many replicates


def test_parallel_replicates_give_the_same_numbers_as_serial_ones(small):
    seeds = replicate_seeds(small.seed, 3)
    serial = run_replicates(small, seeds, workers=1, progress=False)
    parallel = run_replicates(small, seeds, workers=2, progress=False)
    pd.testing.assert_frame_equal(serial.timeseries, parallel.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(serial.scorecards, parallel.scorecards, check_exact=True)
    assert serial.timeseries["replicate"].tolist() == sorted(serial.timeseries["replicate"])
    assert set(OBJECTIVES) <= set(serial.scorecards.columns)


class _Backwards(SerialExecutor):
    """Finishes tasks in reverse order, as a pool may."""

    def imap(self, function, tasks):
        return map(function, list(tasks)[::-1])


def test_results_are_ordered_by_replicate_whatever_order_they_finish_in(small):
    seeds = replicate_seeds(small.seed, 3)
    forwards = run_replicates(small, seeds, progress=False)
    backwards = run_replicates(small, seeds, progress=False, executor=_Backwards())
    pd.testing.assert_frame_equal(forwards.timeseries, backwards.timeseries)


# --------------------------------------------------------------------------- summary


def _replicates(values: list[float]) -> Replicates:
    rows = [
        {"scenario": "s", "replicate": r, "seed": r, "step": step, "participation_rate": v * step}
        for r, v in enumerate(values)
        for step in (0, 1)
    ]
    scorecards = pd.DataFrame(
        [{"scenario": "s", "replicate": r, "seed": r, "x": v} for r, v in enumerate(values)]
    )
    return Replicates(pd.DataFrame(rows), scorecards)


def test_summary_is_mean_sd_and_a_t_interval_at_the_final_step():
    table = summarise(_replicates([0.4, 0.5, 0.6])).set_index("metric")
    row = table.loc["participation_rate"]
    half = stats.t.ppf(0.975, 2) * 0.1 / math.sqrt(3)  # sd of 0.4, 0.5, 0.6 is 0.1
    assert (row["step"], row["n"]) == (1, 3)
    assert (row["mean"], row["sd"]) == pytest.approx((0.5, 0.1))
    assert row["ci95_low"] == pytest.approx(0.5 - half)
    assert row["ci95_high"] == pytest.approx(0.5 + half)
    assert table.loc["scorecard.x", "mean"] == pytest.approx(0.5)


def test_a_shares_interval_stops_at_0_and_1_and_the_half_width_stays_the_t_one():
    results = _replicates([0.0, 0.02, 0.3])  # t-interval (-0.27, 0.48): a share cannot be < 0
    row = summarise(results).set_index("metric").loc["participation_rate"]
    half = stats.t.ppf(0.975, 2) * np.std([0.0, 0.02, 0.3], ddof=1) / math.sqrt(3)
    assert row["ci95_low"] == 0.0
    assert row["ci95_high"] == pytest.approx(row["mean"] + half)
    # --until-ci judges precision by the interval's half-width, not by the cut one.
    assert ci_half_widths(results, ["participation_rate"]) == {
        "participation_rate": pytest.approx(half)
    }
    # A scorecard entry has no documented range here: its interval is not cut.
    assert summarise(results).set_index("metric").loc["scorecard.x", "ci95_low"] < 0


def test_summary_counts_only_defined_values_and_gives_no_interval_for_one():
    table = summarise(_replicates([1.0, float("nan"), 3.0])).set_index("metric")
    assert table.loc["participation_rate", "n"] == 2
    assert table.loc["participation_rate", "mean"] == 2.0
    single = summarise(_replicates([5.0])).set_index("metric").loc["participation_rate"]
    assert single["n"] == 1 and single["mean"] == 5.0
    assert math.isnan(single["ci95_low"]) and math.isnan(single["ci95_high"])


# --------------------------------------------------------------------------- a stored run


def test_run_scenario_stores_everything_and_its_figures(tmp_path, small):
    record = run_scenario(small, tmp_path / "run", progress=False, figures=run_figures)
    manifest = read_manifest(record.folder)
    assert manifest["status"] == "completed"
    for figure in record.figures:
        assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert figure.stat().st_size > 10_000
    assert set(record.summary["metric"]) >= set(METRICS)


def test_timeseries_figure_draws_a_band_only_with_replicates(small):
    seeds = replicate_seeds(small.seed, 2)
    two = run_replicates(small, seeds, progress=False).timeseries
    figure = timeseries_figure(two, ("participation_rate", "trust_mean"))
    axes = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["Participation rate", "Trust"]  # display names
    assert [ax.get_ylabel() for ax in axes] == ["share of residents", "mean, 0..1"]  # units
    assert all(ax.collections for ax in axes)  # the 95% bands
    assert "95% CI over 2 replicates" in figure.texts[0].get_text()
    one = timeseries_figure(two[two["replicate"] == 0], ("participation_rate",))
    assert not one.axes[0].collections
    assert "1 replicate" in one.texts[0].get_text()


def _district(communities: int, blocks: int, size: int) -> nx.Graph:
    graph = nx.Graph()
    node = 0
    for community in range(communities):
        graph.add_node(node, kind="party_organisation", block=0, community=community)
        node += 1
        for block in range(blocks):
            members = list(range(node, node + size))
            graph.add_nodes_from(members, kind="resident", block=block, community=community)
            nx.add_path(graph, members)
            node += size
    return graph


def test_a_big_network_is_drawn_as_whole_blocks_and_says_so():
    graph = _district(communities=4, blocks=10, size=50)
    drawn, what = network_sample(graph, max_nodes=300, seed=1)
    assert drawn.number_of_nodes() <= 300
    assert f"of {graph.number_of_nodes():,} nodes" in what

    def blocks(g):
        keys = {}
        for node, data in g.nodes(data=True):
            if data["kind"] == "resident":
                keys.setdefault((data["community"], data["block"]), set()).add(node)
        return keys

    whole = blocks(graph)
    assert blocks(drawn)
    for key, members in blocks(drawn).items():  # whole blocks, never part of one
        assert members == whole[key]
    again, _ = network_sample(graph, max_nodes=300, seed=1)
    assert set(again) == set(drawn)  # seeded
    title = network_figure(graph, seed=1, max_nodes=300).axes[0].get_title()
    assert "sample of" in title


def test_a_small_network_is_drawn_whole():
    graph = _district(communities=1, blocks=3, size=10)
    drawn, what = network_sample(graph, max_nodes=300, seed=1)
    assert drawn is graph and what == "all 31 nodes"


def test_ctrl_c_inside_a_compiled_kernel_is_an_interruption_not_a_failed_run(monkeypatch):
    # CPython reports a KeyboardInterrupt raised inside a kernel's dispatcher as
    # "SystemError: ... returned a result with an exception set", caused by it.
    def interrupted_run(self, steps=None):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:
            raise SystemError("kernel returned a result with an exception set") from interrupt

    monkeypatch.setattr(GovernanceModel, "run", interrupted_run)
    with pytest.raises(KeyboardInterrupt):  # so a sweep stops instead of recording a failure
        simulate(Replicate(Scenario().with_overrides(SMALL), 0, 1))

    plain = SystemError("a real internal error")
    assert interruption_behind(plain) is None
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ValueError("raised while handling it") from None
    except ValueError as error:
        assert interruption_behind(error) is None  # "from None": not caused by it
