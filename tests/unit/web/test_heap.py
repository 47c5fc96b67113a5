from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from mcp_registry.shared.web.heap import settle_heap


class Node:
    def __init__(self) -> None:
        self.peer: Node | None = None


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_garbage_goes_first_and_survivors_are_frozen() -> None:
    first, second = Node(), Node()
    first.peer, second.peer = second, first  # a cycle only the collector can free
    gone = weakref.ref(first)
    del first, second
    kept = Node()
    frozen = settle_heap()
    assert gone() is None
    assert frozen == gc.get_freeze_count() > 0
    # Frozen: no generation the collector walks holds it any more.
    assert gc.is_tracked(kept)
    assert not any(o is kept for o in gc.get_objects())
