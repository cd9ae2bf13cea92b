"""Transitional shim: the readers of results now live in ``govsim.store`` (store/readers.py).

Only ``govsim.analysis`` still imports this module (its sweep summary, through
``from govsim import results``). Delete it when analysis imports the readers from
``govsim.store``, where the sweep's ``load_runs`` is named ``load_sweep_runs`` (it
returns runs.csv, not ``analysis.load_runs``'s Run objects).
"""

from govsim.store.readers import load_design, load_results, load_sensitivity, load_summary
from govsim.store.readers import load_sweep_runs as load_runs

__all__ = ["load_design", "load_results", "load_runs", "load_sensitivity", "load_summary"]
