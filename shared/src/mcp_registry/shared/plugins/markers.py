"""The pluggy markers of the ``mcp_registry`` project: plugins decorate hooks with ``hookimpl``."""

from __future__ import annotations

import pluggy

PROJECT = "mcp_registry"
"""The pluggy project name, which is also the entry-point group plugins register under."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
