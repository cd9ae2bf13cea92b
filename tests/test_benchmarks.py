"""Smoke test of the benchmark suite: ``benchmarks/run.py --quick`` prints its table.

It checks that the suite runs end to end and reports every row, not the figures:
speed is measured by the benchmarks, never asserted in tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_benchmark_prints_the_table(tmp_path):
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for needle in ("cpu", "numpy", "mesa", "default scenario", "virus_on_network", "mat-vec"):
        assert needle in text
    assert "time per resident-step" in text and "build time per resident" in text
    figures = json.loads(out.read_text())
    assert figures["quick"] is True
    assert figures["peer"]["govsim_resident_steps_per_s"] > 0
    assert figures["peer"]["virus_agent_steps_per_s"] > 0
    assert len(figures["scale"]) == 6  # three sizes, with and without agents
    assert all(point["peak_rss_mb"] > 0 for point in figures["scale"])
