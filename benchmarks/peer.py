"""A peer registry beside ours in the serving loads: ``--peer-url`` and ``--peer-header``.

The bench neither fetches nor starts a peer. The operator runs one (any server whose listing
answers a ``GET``), names its listing URL and, when the listing needs it, the headers that
authenticate the request (a session cookie, a bearer token). The serving loads (j) then load
that URL in the same alternating slices and at the same connection count as the registry's
cached list page, and the report gives ``peer_ratio`` = registry req/s / peer req/s, with both
bodies' sizes: the two listings rarely hold the same entries, so the ratio is of requests,
and the sizes say what each request carried.

Header values stay out of the report (a cookie is a credential); their names are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from benchmarks.load import LoadResult
from benchmarks.probe import fetch

PROBE_TIMEOUT = 30.0


@dataclass(frozen=True)
class Peer:
    """The peer's listing: an ``http://`` URL and the headers sent with every request."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PeerProbe:
    """One answer of the peer's listing, taken before the loads."""

    status: int
    body_bytes: int


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` as ``(name, value)``; ``ValueError`` for anything else."""
    name, colon, value = text.partition(":")
    name = name.strip()
    if not colon or not name or any(ch.isspace() for ch in name):
        raise ValueError(f"--peer-header takes 'Name: value', not {text!r}")
    return name, value.strip()


def peer_from_options(url: str | None, headers: Iterable[str]) -> Peer | None:
    """The :class:`Peer` the options name, or ``None`` without ``--peer-url``.

    Raises ``ValueError`` for headers without a URL, a URL that is not ``http://host...``
    (the load generators speak plain HTTP) or a malformed header.
    """
    parsed = dict(parse_header(text) for text in headers)
    if url is None:
        if parsed:
            raise ValueError("--peer-header needs --peer-url")
        return None
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"--peer-url takes an http:// URL, not {url!r}")
    return Peer(url=url, headers=parsed)


def probe_peer(peer: Peer) -> PeerProbe:
    """``GET`` the peer's listing once; ``RuntimeError`` unless it answers 200.

    Run before anything is seeded, so a peer that is down or refuses the credentials stops
    the run at once instead of after the long measurements.
    """
    try:
        reply = fetch(peer.url, timeout=PROBE_TIMEOUT, headers=peer.headers)
    except OSError as exc:
        raise RuntimeError(f"--peer-url {peer.url}: {exc}") from None
    if reply.status != 200:
        raise RuntimeError(
            f"--peer-url {peer.url} answered {reply.status}, not 200 "
            "(does the listing need --peer-header?)"
        )
    return PeerProbe(status=reply.status, body_bytes=len(reply.body))


def peer_report(
    peer: Peer, probe: PeerProbe, *, ours: LoadResult, theirs: LoadResult, list_body_bytes: int
) -> dict[str, object]:
    """The report's ``peer`` entry: what was loaded, both bodies' sizes, the peer's load.

    ``ratio`` is ``None`` when the peer completed no request in its slices.
    """
    return {
        "url": peer.url,
        "header_names": sorted(peer.headers),
        "body_bytes": probe.body_bytes,
        "list_body_bytes": list_body_bytes,
        "load": vars(theirs),
        "ratio": ours.rps / theirs.rps if theirs.rps > 0 else None,
    }


def peer_rows(report: dict[str, object]) -> list[tuple[str, object, str]]:
    """Table rows for the peer's load, when the run had one (``peer_ratio`` is a target row)."""
    entry = report.get("peer")
    if not isinstance(entry, dict):
        return []
    load = entry["load"]
    return [
        ("peer req/s", load["rps"], ""),
        ("peer p50/p99 ms", f"{load['p50_ms']:.2f} / {load['p99_ms']:.2f}", ""),
        ("peer body bytes (ours)", f"{entry['body_bytes']} ({entry['list_body_bytes']})", ""),
    ]
