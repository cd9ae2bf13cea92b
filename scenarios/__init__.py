"""The shipped scenario files (YAML), installed with govsim as package data.

`govsim run baseline` finds `baseline.yaml` here when no such file is in the current folder
(govsim.scenario.files.locate). See README.md in this folder for every file and every key.
"""
