"""Reading problem+json answers in tests."""

from __future__ import annotations

from typing import Any


def problem_text(body: dict[str, Any]) -> str:
    """The ``detail`` and every ``errors[].message`` of a problem, one per line.

    Refused writes carry the official phrase as ``detail`` and our explanation in ``errors``;
    a test asking whether the explanation is there reads both.
    """
    lines = [str(body.get("detail", ""))]
    lines += [str(e.get("message", "")) for e in body.get("errors") or []]
    return "\n".join(lines)
