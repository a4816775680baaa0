"""Benchmarks of Overkiz Batch against the simulated gateway (``scripts/bench``)."""
