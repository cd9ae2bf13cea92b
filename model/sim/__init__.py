"""The model: state, network, mechanisms, decision rules and metrics (knows nothing of files)."""
