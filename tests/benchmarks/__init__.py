"""Benchmarks run by ``make bench`` (``python -m tests.benchmarks.run_all``); not collected by pytest."""
