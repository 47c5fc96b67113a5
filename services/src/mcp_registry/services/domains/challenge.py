"""The TXT challenge: its token, the exact record, and what a lookup of it found.

The record is ``mcp-verify=<token>`` as TXT at the domain apex. :func:`probe_challenge`
answers with a :class:`Finding`; on a miss it also looks at the names people commonly put
the record at by mistake, so the error can say where it is and where it must be.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal

from mcp_registry.services.domains.dns_probe import DnsProbe, DnsUnavailable

RECORD_PREFIX = "mcp-verify="
TOKEN_BYTES = 24

FindingKind = Literal["present", "missing", "wrong_token", "nxdomain", "wrong_name"]

WRONG_NAME_PREFIXES = ("_mcp-verify", "mcp-verify", "_mcp", "www", "_acme-challenge")
"""Labels below the apex where a misplaced record is looked for (besides ``<apex>.<apex>``,
what DNS consoles make of a full name typed into a field that appends the zone)."""


def new_token() -> str:
    """A fresh, unguessable challenge token (URL-safe base64, 32 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def record_value(token: str) -> str:
    """The TXT value to publish: ``mcp-verify=<token>``."""
    return RECORD_PREFIX + token


def record_instructions(domain: str, token: str) -> dict[str, str]:
    """The exact record to add, for API responses."""
    return {"type": "TXT", "name": domain, "host": "@", "value": record_value(token)}


def short(value: str) -> str:
    """A challenge value shortened for messages (enough to recognize, not to copy)."""
    return value if len(value) <= 24 else value[:20] + "…"


@dataclass(frozen=True)
class Finding:
    """What the DNS showed. ``present`` is success; every other kind is a failure whose
    ``message`` tells the publisher what to change; ``found_at`` names the wrong place."""

    kind: FindingKind
    message: str
    found_at: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind == "present"


def probe_challenge(probe: DnsProbe, domain: str, token: str, *, diagnose: bool) -> Finding:
    """Look for ``mcp-verify=<token>`` at ``domain``.

    With ``diagnose``, a miss also checks the usual wrong names (extra lookups, each failure
    of which is ignored). Raises :class:`DnsUnavailable` when the apex lookup itself fails.
    """
    expected = record_value(token)
    apex = probe.txt(domain)
    if expected in apex.values:
        return Finding("present", f"found TXT {expected} at {domain}")
    if not apex.exists:
        return Finding(
            "nxdomain",
            f"{domain} does not exist in DNS (NXDOMAIN): check the spelling, that the domain "
            "is registered and delegated, or wait until a new zone has propagated",
        )
    if diagnose:
        misplaced = _find_elsewhere(probe, domain, expected)
        if misplaced is not None:
            return Finding(
                "wrong_name",
                f"TXT {expected} was found at {misplaced}, but it must be at the domain apex "
                f"{domain} itself (host '@' or an empty host in most DNS consoles); "
                f"move it from {misplaced} to {domain}",
                found_at=misplaced,
            )
    others = [v for v in apex.values if v.startswith(RECORD_PREFIX)]
    if others:
        shown = ", ".join(short(v) for v in others)
        return Finding(
            "wrong_token",
            f"the TXT record at {domain} holds a different challenge ({shown}); it must be "
            f"exactly {expected}, the value from your latest POST /verify-domain",
        )
    return Finding(
        "missing",
        f"no TXT record {expected} at {domain}; add a TXT record at the domain apex "
        f"(host '@') with exactly that value, then wait for the DNS change to propagate",
    )


def _find_elsewhere(probe: DnsProbe, domain: str, expected: str) -> str | None:
    candidates = [f"{prefix}.{domain}" for prefix in WRONG_NAME_PREFIXES]
    candidates.append(f"{domain}.{domain}")
    for name in candidates:
        try:
            found = probe.txt(name)
        except DnsUnavailable:
            continue
        if any(expected in value for value in found.values):
            return name
    return None
