from __future__ import annotations

import pytest

from mcp_registry.shared.auth.permissions import (
    EDIT,
    PUBLISH,
    Permission,
    is_allowed,
    pattern_matches,
)


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("*", "io.github.alice/weather", True),
        ("io.github.alice/*", "io.github.alice/weather", True),
        ("io.github.alice/*", "io.github.alicex/weather", False),
        ("io.github.alice/*", "io.github.Alice/weather", False),  # case-sensitive
        ("com.example.*", "com.example.api/x", True),
        ("com.example.*", "com.example/x", False),
        ("com.example/*", "com.example/x", True),
        ("com.example/x", "com.example/x", True),
        ("com.example/x", "com.example/xy", False),
        ("com.example/x", "com.example/X", False),
    ],
)
def test_pattern_matching(pattern: str, resource: str, expected: bool) -> None:
    assert pattern_matches(pattern, resource) is expected


def test_action_must_match_too() -> None:
    perms = [Permission(PUBLISH, "*")]
    assert is_allowed(perms, PUBLISH, "a.b/c")
    assert not is_allowed(perms, EDIT, "a.b/c")
    assert not is_allowed([], PUBLISH, "a.b/c")


def test_permission_round_trips_and_refuses_garbage() -> None:
    p = Permission(EDIT, "*")
    assert Permission.from_dict(p.to_dict()) == p
    with pytest.raises(ValueError, match="not a permission"):
        Permission.from_dict({"action": "publish"})
