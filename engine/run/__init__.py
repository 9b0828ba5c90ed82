"""What a run is, torch-free: the spec and its fields, scenarios, sources (TOML, checkpoints), errors,
data fields, layer names, schedules, sweep grids, history and the views the app draws.

Nothing here imports torch or numpy (an import-linter contract and tests/test_imports.py enforce it),
so the app and the command line read specs without paying torch's import time.
"""
