"""Which requests are counted per client address, from the settings (DESIGN §3 routes).

``RATE_LIMIT_AUTH`` covers token exchanges and revocation (``/auth/*``), domain verification
(``/verify-domain*``) and, with counters of its own, abuse reports; ``RATE_LIMIT_READS`` the
``/servers`` reads. Writes are counted per token subject by publishing itself.
"""

from __future__ import annotations

import re

from mcp_registry.services.route_table import EXTENSION_PREFIX, READ
from mcp_registry.shared.config import Settings
from mcp_registry.shared.rate_limits import RateLimit
from mcp_registry.shared.web.rate_limiting import AddressRule

_PREFIX = r"^/v0(?:\.1)?"
_ANY = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})


def address_rules(settings: Settings) -> list[AddressRule]:
    """The per-address rules the settings switch on (none when every limit is empty)."""
    rules: list[AddressRule] = []
    auth = RateLimit.parse("auth", settings.rate_limit_auth)
    if auth is not None:
        rules.append(AddressRule(auth, _ANY, re.compile(_PREFIX + r"/(?:auth/|verify-domain)")))
        reports = RateLimit("reports", auth.quota, auth.window)
        rules.append(
            AddressRule(
                reports,
                frozenset({"POST"}),
                re.compile(_PREFIX + re.escape(EXTENSION_PREFIX) + r"/reports$"),
            )
        )
    reads = RateLimit.parse("reads", settings.rate_limit_reads)
    if reads is not None:
        rules.append(AddressRule(reads, frozenset(READ), re.compile(_PREFIX + r"/servers")))
    return rules
