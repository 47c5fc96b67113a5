"""The token file: location, permissions, tolerance of damage, no token in reprs."""

from __future__ import annotations

import stat
from pathlib import Path

from mcp_registry.cli.publisher import credentials
from mcp_registry.cli.publisher.credentials import Credentials


def test_location_honours_xdg_then_home() -> None:
    assert credentials.token_path({"XDG_CONFIG_HOME": "/x", "HOME": "/h"}) == Path(
        "/x/mcp-publisher/token.json"
    )
    assert credentials.token_path({"HOME": "/h"}) == Path("/h/.config/mcp-publisher/token.json")


def test_save_tightens_permissions_and_round_trips(tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir(mode=0o755)
    path = folder / "token.json"
    saved = Credentials("http://r", "secret-token", "none", 123)
    credentials.save(saved, path)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert credentials.load(path) == saved
    # No temporary file left behind; the registry is remembered beside the token.
    assert sorted(folder.iterdir()) == [folder / "registry.json", path]
    assert credentials.remembered_registry(folder / "registry.json") == "http://r"


def test_damaged_or_missing_files_read_as_logged_out(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    assert credentials.load(path) is None
    path.write_text("{not json")
    assert credentials.load(path) is None
    path.write_text('{"token": 1}')
    assert credentials.load(path) is None


def test_remove(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    credentials.save(Credentials("http://r", "t", "none"), path)
    assert credentials.remove(path) is True
    assert credentials.remove(path) is False


def test_expiry_and_repr() -> None:
    creds = Credentials("http://r", "secret-token", "github-at", expires_at=100)
    assert creds.expired(now=100)
    assert not creds.expired(now=99)
    assert not Credentials("http://r", "t", "none").expired()
    assert "secret-token" not in repr(creds)
