"""Benchmarks of the registry: run from a checkout with ``./run bench``; never shipped."""
