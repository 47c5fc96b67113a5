"""Reading problem+json answers in tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from mcp_registry.shared.errors import RegistryError


def problem_text(body: dict[str, Any]) -> str:
    """The ``detail`` and every ``errors[].message`` of a problem, one per line.

    Refused writes carry the official phrase as ``detail`` and our explanation in ``errors``;
    a test asking whether the explanation is there reads both.
    """
    lines = [str(body.get("detail", ""))]
    lines += [str(e.get("message", "")) for e in body.get("errors") or []]
    return "\n".join(lines)


@contextmanager
def raises_problem(kind: type[RegistryError], pattern: str) -> Iterator[None]:
    """Like ``pytest.raises(kind, match=pattern)``, matching the problem's detail or errors."""
    with pytest.raises(kind) as caught:
        yield
    text = problem_text(caught.value.to_problem())
    assert re.search(pattern, text), f"{pattern!r} not in {text!r}"
