"""The worker's heap after loading: collected once, then left out of every later collection.

A registry worker holds tens of thousands of long-lived objects from the moment its app is
loaded (modules, the JSON Schema validators, the route table, plugin hooks). Python's cyclic
collector walks all of them on each full collection, and a full collection runs on whichever
thread allocates at the time: beside a stream of publishes (each allocates a great many
containers while it is validated) that was the event loop, which then answered no read for
50-60 ms of CPU (docs/performance.md). Freezing the loaded heap moves those objects to the
permanent generation, so full collections only walk what was allocated since.
"""

from __future__ import annotations

import gc


def settle_heap() -> int:
    """Collect the garbage loading left behind, then freeze every surviving object.

    Call once per process, after the app is built and before it serves. Frozen objects are
    never examined again by the cyclic collector (reference counting still frees them), so a
    cycle among them that becomes garbage later stays: only objects made at start-up are
    frozen, and those live as long as the process. Returns the number of frozen objects.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
