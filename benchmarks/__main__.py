"""``python -m benchmarks``: the benchmark command line."""

from __future__ import annotations

from benchmarks.cli import bench

bench()
