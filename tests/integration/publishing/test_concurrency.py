"""Parallel publishes against the running service (real threaded HTTP server), both backends."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from tests.support.http import request
from tests.support.publishing import MakePublishing
from tests.support.server_json import MakeServerJson
from tests.support.stores import MakeStore
from tests.support.wsgi_server import served

NAME = "io.github.alice/parallel"


def _fire(base: str, docs: list[dict[str, object]], headers: dict[str, str]) -> list[int]:
    def one(doc: dict[str, object]) -> int:
        body = json.dumps(doc).encode()
        hdrs = {**headers, "Content-Type": "application/json"}
        return request(base, "POST", "/v0/publish", headers=hdrs, body=body, timeout=60).status

    with ThreadPoolExecutor(len(docs)) as pool:
        return list(pool.map(one, docs))


def test_16_distinct_versions_in_parallel_all_stored_one_latest(
    make_publishing: MakePublishing, make_store: MakeStore, make_server_json: MakeServerJson
) -> None:
    p = make_publishing(make_store())
    token = p.tokens.bearer(("io.github.alice/*",))
    docs = [make_server_json(name=NAME, version=f"1.{i}.0") for i in range(16)]
    with served(p.app) as base:
        statuses = _fire(base, docs, token)
    assert statuses == [200] * 16
    versions = p.store.list_versions(NAME)
    assert len(versions) == 16
    assert [r.version for r in versions if r.is_latest] == ["1.15.0"]


def test_8_parallel_publishes_of_one_version_one_wins(
    make_publishing: MakePublishing, make_store: MakeStore, make_server_json: MakeServerJson
) -> None:
    p = make_publishing(make_store())
    token = p.tokens.bearer(("io.github.alice/*",))
    docs = [make_server_json(name=NAME, version="1.0.0", title=f"attempt {i}") for i in range(8)]
    with served(p.app) as base:
        statuses = _fire(base, docs, token)
    assert sorted(statuses) == [200] + [400] * 7
    assert p.store.count_versions(NAME) == 1
    assert len(p.store.database.pending_events()) == 1
