"""Prometheus multiprocess mode for gunicorn: one metrics directory per server run.

gunicorn's workers are separate processes; a scrape reaches one of them. In multiprocess mode
every worker writes its samples to memory-mapped files in a shared directory and ``/metrics``
aggregates them (:func:`mcp_registry.shared.web.metrics.exposition`). The gunicorn master
creates a fresh directory per run (stale files of an earlier run would be counted again),
points ``PROMETHEUS_MULTIPROC_DIR`` at it before forking, marks dead workers, and removes it
when the server stops.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess, values

from mcp_registry.shared.web.metrics import MULTIPROC_ENV

DIRECTORY_PREFIX = "mcp-registry-metrics-"


def _choose_value_class() -> None:
    # prometheus_client picks file-backed or in-memory values when it is first imported; the
    # master may have imported it before the directory existed, so pick again now. Metrics
    # are created later, in the workers (see metrics.instruments).
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


@contextmanager
def metrics_directory() -> Iterator[Path]:
    """A fresh per-run metrics directory, exported in ``PROMETHEUS_MULTIPROC_DIR`` meanwhile.

    When the variable is already set (an operator's tmpfs, say), the run's directory is
    created inside it; otherwise in the system's temporary directory.
    """
    previous = os.environ.get(MULTIPROC_ENV)
    path = Path(tempfile.mkdtemp(prefix=DIRECTORY_PREFIX, dir=previous or None))
    os.environ[MULTIPROC_ENV] = str(path)
    _choose_value_class()
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(MULTIPROC_ENV, None)
        else:
            os.environ[MULTIPROC_ENV] = previous
        _choose_value_class()
        shutil.rmtree(path, ignore_errors=True)


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook (in the master): retire a dead worker's live gauges."""
    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
