"""The analyst notebooks run top to bottom (nbclient), so they never rot.

Each notebook is executed in a fresh kernel with its outputs sent to a temporary
folder (GOVSIM_NOTEBOOK_OUT); the test fails on any error, checks that the notebook's
conclusion was printed, and that nothing was written beside the notebooks (their
working directory).
"""

from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_the_analyst_notebooks_are_there():
    assert [path.stem for path in NOTEBOOKS] == [
        "01_quickstart",
        "02_compare_innovations",
        "03_parameter_sweep",
        "04_sensitivity",
        "05_countermeasures",
        "06_quickstart_zh",
        "07_factorial",
    ]


def _notebook_folder_files() -> set[str]:
    """What the notebooks' own folder (their working directory) holds."""
    folder = REPO / "notebooks"
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_top_to_bottom_and_concludes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSIM_NOTEBOOK_OUT", str(tmp_path / "out"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        "notebooks are stored without outputs (clean diffs)"
    )
    before = _notebook_folder_files()
    started = time.monotonic()
    NotebookClient(
        notebook,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    seconds = time.monotonic() - started
    print(f"{path.name}: {seconds:.1f} s")
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert figures, "an analyst notebook shows figures"
    last = notebook.cells[-1]
    assert last.cell_type == "code"
    text = "".join(o.get("text", "") for o in last.outputs if o.get("name") == "stdout")
    caveat = "未经校准" if path.stem.endswith("_zh") else "not calibrated"
    assert caveat in text and len(text) > 100, "the conclusion is printed at the end"
    assert _notebook_folder_files() == before, "a notebook wrote into the repository"
    assert any((tmp_path / "out").iterdir())
