"""Contract: ``names_using_remote`` finds the names that own a remote URL (every backend)."""

from __future__ import annotations

import pytest

from mcp_registry.shared.errors import Conflict
from mcp_registry.shared.storage.records import NewVersion
from tests.support.server_json import server_json
from tests.support.stores import ACTOR, MakeStore, at

URL = "https://mcp.example.com/sse"


def _with_remotes(name: str, version: str, *urls: str, description: str = "x") -> NewVersion:
    remotes = [{"type": "sse", "url": url} for url in urls]
    server = server_json(name=name, version=version, description=description, remotes=remotes)
    return NewVersion(name=name, version=version, server=server)


def test_names_using_a_remote_are_found_exactly(make_store: MakeStore) -> None:
    store = make_store()
    store.publish(_with_remotes("com.example/a", "1.0.0", URL), actor=ACTOR, now=at(1))
    store.publish(_with_remotes("com.example/a", "1.1.0", URL), actor=ACTOR, now=at(2))
    store.publish(_with_remotes("com.example/b", "1.0.0", URL + "/x"), actor=ACTOR, now=at(3))
    # The URL only in a description does not count.
    store.publish(
        _with_remotes("com.example/c", "1.0.0", description=f"see {URL}"), actor=ACTOR, now=at(4)
    )
    assert store.names_using_remote(URL) == ["com.example/a"]
    assert store.names_using_remote(URL + "/x") == ["com.example/b"]
    assert store.names_using_remote("https://unknown.example.com/mcp") == []


def test_deleted_versions_release_their_remote(make_store: MakeStore) -> None:
    store = make_store()
    store.publish(_with_remotes("com.example/a", "1.0.0", URL), actor=ACTOR, now=at(1))
    store.set_status("com.example/a", None, "deleted", None, actor=ACTOR, now=at(2))
    assert store.names_using_remote(URL) == []
    store.set_status("com.example/a", None, "active", None, actor=ACTOR, now=at(3))
    assert store.names_using_remote(URL) == ["com.example/a"]


def test_remote_urls_with_regex_characters_match_literally(make_store: MakeStore) -> None:
    store = make_store()
    odd = "https://mcp.example.com/a+b(c)?x=[1]"
    store.publish(_with_remotes("com.example/a", "1.0.0", odd), actor=ACTOR, now=at(1))
    assert store.names_using_remote(odd) == ["com.example/a"]
    assert store.names_using_remote("https://mcp.example.com/aab(c)?x=[1]") == []


def test_an_admin_edit_moves_the_remote(make_store: MakeStore) -> None:
    store = make_store()
    store.publish(_with_remotes("com.example/a", "1.0.0", URL), actor=ACTOR, now=at(1))
    edited = _with_remotes("com.example/a", "1.0.0", URL + "/v2").server
    store.replace_server("com.example/a", "1.0.0", edited, actor=ACTOR, now=at(2))
    assert store.names_using_remote(URL) == []
    assert store.names_using_remote(URL + "/v2") == ["com.example/a"]


def test_publish_refuses_a_remote_owned_by_another_name(make_store: MakeStore) -> None:
    store = make_store()
    store.publish(_with_remotes("com.example/a", "1.0.0", URL), actor=ACTOR, now=at(1))
    with pytest.raises(Conflict, match=r"already used by server com\.example/a"):
        store.publish(_with_remotes("com.example/b", "1.0.0", URL), actor=ACTOR, now=at(2))
    assert store.get_version("com.example/b", "1.0.0") is None
    # The owner itself may keep using it.
    store.publish(_with_remotes("com.example/a", "1.1.0", URL), actor=ACTOR, now=at(3))
