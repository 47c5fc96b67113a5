"""Version strings must name one specific version: not ``latest``, not a range.

``latest`` is reserved because ``/versions/latest`` addresses the latest version by that
word. Ranges (``^1.2``, ``>=1``, ``1.x``, ``*``) are refused because a published version
must be immutable and installable as written. Anything else is accepted, including
non-semantic versions such as ``2024.10.01`` or ``v2-beta`` (they sort by publish time), but
never a control or formatting character (``1.0.0\n``, a bidi override): see ``text_safety``.
"""

from __future__ import annotations

import re
from typing import Final

from mcp_registry.shared.serverjson.issues import ValidationIssue, error
from mcp_registry.shared.serverjson.text_safety import unsafe_character

RESERVED_VERSION: Final = "latest"

# An operator in front of a version: ^1.2.3, ~1.2, ~>1.2, >=1, <2.0.0, =1.0.0 (also when more
# comparators follow, as in ">=1.0 <2.0").
_COMPARATOR: Final = re.compile(r"^(?:~>|>=|<=|\^|~|>|<|=)\s*v?\d")
# A hyphen range needs spaces around the hyphen: "1.2.3 - 2.0.0" (1.2.3-beta is a prerelease).
_HYPHEN_RANGE: Final = re.compile(r"^v?\d+(?:\.\d+)*(?:-\S+)?\s+-\s+v?\d")
_WILDCARDS: Final = frozenset({"x", "X", "*"})
_NUMBER: Final = re.compile(r"^v?\d+$")


def looks_like_range(version: str) -> bool:
    """True when ``version`` reads as a range or wildcard rather than one version."""
    text = version.strip()
    if not text:
        return False
    if text in _WILDCARDS or "||" in text:
        return True
    if _COMPARATOR.match(text) or _HYPHEN_RANGE.match(text):
        return True
    # Dotted wildcards: 1.x, 1.2.*, x.x (a prerelease or build suffix does not change that).
    core = re.split(r"[-+]", text, maxsplit=1)[0]
    parts = core.split(".")
    if len(parts) < 2 or not any(part in _WILDCARDS for part in parts):
        return False
    return all(part in _WILDCARDS or _NUMBER.match(part) for part in parts)


def version_issues(path: str, version: object) -> list[ValidationIssue]:
    """Semantic issues of one version value (server or package); non-strings are the schema's."""
    if not isinstance(version, str):
        return []
    unsafe = unsafe_character(version)
    if unsafe is not None:
        return [
            error(
                "semantic",
                path,
                f"version must not contain control or formatting characters (found {unsafe})",
                "version-invalid-characters",
            )
        ]
    if version == RESERVED_VERSION:
        return [
            error(
                "semantic",
                path,
                "version 'latest' is reserved and cannot be used; name a specific version",
                "reserved-version-string",
            )
        ]
    if looks_like_range(version):
        return [
            error(
                "semantic",
                path,
                f"version must be a specific version, not a range: {version!r}",
                "version-looks-like-range",
            )
        ]
    return []
