"""Benchmarks: `python bench/run.py` (see bench/RESULTS.md). Not part of the test suite."""
