"""Server names: ``<reverse-DNS namespace>/<name>``, e.g. ``io.github.alice/weather``.

The namespace is what publish permissions are granted on (``io.github.alice/*``,
``com.example/*``), so its shape is checked strictly: DNS-style labels separated by dots.
"""

from __future__ import annotations

import re
from typing import Final

from mcp_registry.shared.serverjson.text_safety import unsafe_character

# Both parts start and end with a letter or digit, as the official registry requires; a part
# of one character (``io.github.alice/x``) is valid, as the official pattern allows. \Z, not $:
# $ also matches before a trailing newline.
_NAMESPACE: Final = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?\Z")
_NAME_PART: Final = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9._-]*[a-zA-Z0-9])?\Z")
_LABEL: Final = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\Z")


def namespace_of(name: str) -> str:
    """The namespace of a server name: ``namespace_of("io.github.alice/weather")`` is
    ``"io.github.alice"``.

    Raises ``ValueError`` unless ``name`` has exactly one ``/`` with text on both sides; it
    does not check the namespace's shape (see :func:`name_problem`).
    """
    namespace, slash, rest = name.partition("/")
    if not slash or not namespace or not rest or "/" in rest:
        raise ValueError(f"not a namespace/name server name: {name!r}")
    return namespace


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid server name, or ``None`` when it is."""
    unsafe = unsafe_character(name)
    if unsafe is not None:
        return f"server name must not contain control or formatting characters (found {unsafe})"
    if "/" not in name:
        return "server name must be 'namespace/name' (e.g. 'io.github.alice/weather')"
    if name.count("/") > 1:
        return "server name must contain exactly one '/'"
    namespace, _, part = name.partition("/")
    if not namespace or not part:
        return "server name must have a non-empty namespace and name around the '/'"
    if not _NAMESPACE.match(namespace):
        return (
            f"namespace {namespace!r} is invalid: it must start and end with a letter or digit "
            "and contain only letters, digits, dots and hyphens"
        )
    labels = namespace.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return (
            f"namespace {namespace!r} is invalid: each dot-separated label must be non-empty "
            "and must not start or end with a hyphen"
        )
    if not _NAME_PART.match(part):
        return (
            f"name {part!r} is invalid: it must start and end with a letter or digit and "
            "contain only letters, digits, dots, underscores and hyphens"
        )
    return None


def is_reverse_dns(namespace: str) -> bool:
    """True when the namespace has at least two labels (``com.example``, ``io.github.x``)."""
    return "." in namespace
