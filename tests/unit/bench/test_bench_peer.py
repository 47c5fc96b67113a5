"""The peer option's parts: parsing ``--peer-url``/``--peer-header``, the probe, the report.

The probe talks to a real loopback server; no load is run and no timing is asserted.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.load import LoadResult
from benchmarks.main import main_argv
from benchmarks.peer import Peer, parse_header, peer_from_options, peer_report, probe_peer
from tests.support.local_http import Answer, LocalServer, Seen

COOKIE = "session=not-a-real-secret"


def _listing(seen: Seen) -> Answer:
    if seen.headers.get("cookie") != COOKIE:
        return Answer.json({"detail": "Authentication required"}, status=401)
    return Answer.json({"/weather-0": {"server_name": "Weather"}})


def _load(rps: float) -> LoadResult:
    return LoadResult(generator="wrk", requests=10, rps=rps, p50_ms=1.0, p99_ms=2.0, errors=0)


def test_headers_parse_as_name_and_value() -> None:
    assert parse_header("Cookie: a=b; c=d") == ("Cookie", "a=b; c=d")
    assert parse_header("Authorization:Bearer x:y") == ("Authorization", "Bearer x:y")


@pytest.mark.parametrize("text", ["Cookie", ": value", "Bad Name: value"])
def test_malformed_headers_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--peer-header"):
        parse_header(text)


def test_no_url_means_no_peer_and_headers_need_a_url() -> None:
    assert peer_from_options(None, ()) is None
    with pytest.raises(ValueError, match="needs --peer-url"):
        peer_from_options(None, ["Cookie: a=b"])


@pytest.mark.parametrize("url", ["https://127.0.0.1:1/x", "127.0.0.1:8000/api", "http:///x"])
def test_only_plain_http_urls_are_taken(url: str) -> None:
    with pytest.raises(ValueError, match="--peer-url"):
        peer_from_options(url, ())


def test_the_probe_sends_the_headers_and_measures_the_body() -> None:
    with LocalServer(_listing) as server:
        peer = peer_from_options(server.url + "/api/server_details/all", [f"Cookie: {COOKIE}"])
        assert peer is not None
        probe = probe_peer(peer)
    expected = json.dumps({"/weather-0": {"server_name": "Weather"}}).encode()
    assert probe.status == 200
    assert probe.body_bytes == len(expected)
    assert server.requests[0].path == "/api/server_details/all"


def test_a_peer_refusing_the_request_stops_the_run() -> None:
    with LocalServer(_listing) as server, pytest.raises(RuntimeError, match="answered 401"):
        probe_peer(Peer(url=server.url + "/api/server_details/all"))


def test_a_peer_that_is_down_stops_the_run() -> None:
    with LocalServer(_listing) as server:
        url = server.url + "/listing"
    with pytest.raises(RuntimeError, match="--peer-url"):
        probe_peer(Peer(url=url))


def test_the_report_keeps_header_names_but_not_values() -> None:
    with LocalServer(_listing) as server:
        peer = Peer(url=server.url + "/x", headers={"Cookie": COOKIE})
        probe = probe_peer(peer)
    entry = peer_report(peer, probe, ours=_load(500.0), theirs=_load(20.0), list_body_bytes=99)
    assert entry["ratio"] == pytest.approx(25.0)
    assert entry["header_names"] == ["Cookie"]
    assert entry["list_body_bytes"] == 99
    assert COOKIE not in json.dumps(entry)
    idle = peer_report(peer, probe, ours=_load(500.0), theirs=_load(0.0), list_body_bytes=99)
    assert idle["ratio"] is None


def test_the_reported_command_hides_peer_header_values() -> None:
    argv = ["--peer-url", "http://127.0.0.1:1/x", "--peer-header", f"Cookie: {COOKIE}"]
    argv += [f"--peer-header=Authorization: Bearer {COOKIE}", "--servers", "200"]
    shown = main_argv(argv)
    assert COOKIE not in shown
    assert "--peer-header Cookie: <hidden>" in shown
    assert "--peer-header=Authorization: <hidden>" in shown
    assert shown.endswith("--servers 200")
