"""Characters an identifier (a server name, a version) must never contain.

Control characters (NUL, newlines), format characters (the bidi overrides such as U+202E
that make ``\u202e1.0.0`` display as something else, zero-width joiners), line and paragraph
separators and lone surrogates: none has a place in a name or a version, and each can hide
what an identifier really is from the people reading it in a terminal or a browser.
"""

from __future__ import annotations

import unicodedata
from typing import Final

_UNSAFE_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def unsafe_character(text: str) -> str | None:
    """``U+XXXX`` of the first character of ``text`` no identifier may hold, or None."""
    for char in text:
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None
