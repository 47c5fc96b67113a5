"""The ``mcp-name: <server name>`` README marker (NuGet and crates.io ownership).

The name after the marker must end where the server name ends: a README declaring
``mcp-name: io.github.alice/foo-evil`` does not prove ownership of ``io.github.alice/foo``.
The official registry anchors the match the same way.
"""

from __future__ import annotations

import re

MARKER = "mcp-name: "

# Characters a server name can contain; the declared name ends at the first other one.
_NAME_CHAR = re.compile(r"[A-Za-z0-9._/-]")


def declares_mcp_name(text: str, server_name: str) -> bool:
    """Whether ``text`` holds ``mcp-name: <server_name>`` with nothing glued to the name."""
    needle = MARKER + server_name
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        if end == len(text) or not _NAME_CHAR.match(text[end]):
            return True
        start = text.find(needle, start + 1)
    return False
